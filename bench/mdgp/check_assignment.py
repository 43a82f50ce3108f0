#!/usr/bin/env python3
"""Independent check of an mdgp-bench result: recomputes the MDGP objective from an MDGPLIB
instance and an assignment file (0-based group of item i on line i+1) and checks the group sizes
against the instance's bounds. Standard library only.

  check_assignment.py INSTANCE ASSIGNMENT [--expect OBJECTIVE]

Prints `objective=<value> feasible=<true|false>`; exits 1 if infeasible or if --expect differs by
more than 1e-3.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("instance")
    parser.add_argument("assignment")
    parser.add_argument("--expect", type=float)
    args = parser.parse_args()

    with open(args.instance) as f:
        header = f.readline().split()
        n, groups = int(header[0]), int(header[1])
        bounds = [(int(header[3 + 2 * g]), int(header[4 + 2 * g])) for g in range(groups)]
        with open(args.assignment) as a:
            group = [int(line) for line in a if line.strip()]
        problems = []
        if len(group) != n:
            problems.append(f"assignment has {len(group)} lines for {n} items")
        objective = 0.0
        for line in f:
            fields = line.split()
            if len(fields) != 3 or len(group) != n:
                continue
            i, j = int(fields[0]), int(fields[1])
            if group[i] == group[j]:
                objective += float(fields[2])
    sizes = [0] * groups
    for g in group:
        if not 0 <= g < groups:
            problems.append(f"group {g} out of range")
            continue
        sizes[g] += 1
    for g, (low, high) in enumerate(bounds):
        if not low <= sizes[g] <= high:
            problems.append(f"group {g} has {sizes[g]} items, bounds [{low}, {high}]")
    feasible = not problems
    print(f"objective={objective:.6f} feasible={'true' if feasible else 'false'}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.expect is not None and abs(args.expect - objective) > 1e-3:
        print(f"objective differs from the expected {args.expect:.6f}", file=sys.stderr)
        return 1
    return 0 if feasible else 1


if __name__ == "__main__":
    sys.exit(main())
