#!/usr/bin/env python3
"""Folds the pieces bench/run.sh measured into one JSON file and prints the table.

    python3 bench/report.py PIECES_DIR OUT.json

PIECES_DIR holds what each step wrote: machine.json, startup.json, memory.json, the convene-load
JSON objects (echo_registration.json, echo_survey.json, add_participant.json,
submit_response.json), import.json, aggregation.json (aggregation-bench's last line) and mdgp.txt
(bench/mdgp/run.sh's output). A missing piece is left out of the table. Python's standard library
only.
"""

import json
import os
import re
import sys

MB = 1024 * 1024


def load(pieces, name):
    path = os.path.join(pieces, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_run(bench, echo=None):
    """A convene-load result as a benchmark row, with its ratio to `echo` (calls/s)."""
    row = {
        "throughput": bench["throughput"],
        "latency_ms": bench["latency_ms"],
        "calls": bench["calls"],
        "seconds": bench["seconds"],
        "in_flight": bench["in_flight"],
        "channels": bench["channels"],
        "errors": bench["errors"],
        "exhausted": bench["exhausted"],
    }
    if echo:
        row["ratio_to_echo"] = round(bench["throughput"] / echo, 4) if echo else None
    return row


def mdgp_rows(text):
    rows = []
    for line in text.splitlines():
        m = re.match(r"^(RanReal\S+)\s+(\d+)s\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%\s+"
                     r"([\d.]+)%\s+(\S+)", line)
        if m:
            vs_best = float(m.group(6))
            rows.append({
                "name": f"mdgp {m.group(1).replace('RanReal_', '')}",
                "budget_s": int(m.group(2)),
                "objective": float(m.group(3)),
                "tpsdp_best": float(m.group(4)),
                "tpsdp_avg": float(m.group(5)),
                "vs_best_percent": vs_best,
                "checked": m.group(8),
                "result": f"{vs_best:.3f}% of best, {m.group(2)} s",
                "target": ">= 99.5% of best",
                "met": vs_best >= 99.5,
            })
            continue
        m = re.match(r"^(\d+ people, \d+ groups)\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", line)
        if m:
            rows.append({
                "name": f"mdgp {m.group(1)}",
                "budget_s": float(m.group(2)),
                "objective": float(m.group(3)),
                "longer_run_objective": float(m.group(4)),
                "result": f"{float(m.group(3)):.0f} in {m.group(2)} s",
                "target": f"longer run's {float(m.group(4)):.0f}",
                "met": float(m.group(3)) >= float(m.group(4)),
            })
    return rows


def main():
    pieces, out = sys.argv[1], sys.argv[2]
    machine = load(pieces, "machine.json") or {}
    rows = []

    quick = machine.get("quick", False)
    startup = load(pieces, "startup.json")
    if startup:
        own = [s["own_start_s"] for s in startup["services"].values()]
        rows.append({
            "name": "start-up: launch to all serving",
            "seconds": startup["seconds"],
            "services": startup["services"],
            "result": f"{startup['seconds']:.2f} s (each {min(own):.2f}-{max(own):.2f} s)",
            "target": "< 1 s",
            "met": startup["seconds"] < 1,
        })
        rows.append({
            "name": "start-up: stack.sh start, wall",
            "seconds": startup["stack_sh_seconds"],
            "result": f"{startup['stack_sh_seconds']:.2f} s",
            "target": "< 1 s",
            "met": startup["stack_sh_seconds"] < 1,
        })
    memory = load(pieces, "memory.json") or {}
    for service, kb in memory.items():
        mb = kb * 1024 / MB
        rows.append({
            "name": f"idle memory: {service}",
            "vmrss_mb": round(mb, 1),
            "result": f"{mb:.1f} MB",
            "target": "< 30 MB",
            "met": mb < 30,
        })

    echo = {}
    for service in ("registration", "survey"):
        bench = load(pieces, f"echo_{service}.json")
        if bench:
            echo[service] = bench["throughput"]
            row = {"name": f"echo: {service}", **load_run(bench)}
            row.update(ratio_to_echo=1.0, target="baseline", met=None)
            rows.append(row)

    for key, service, share, label in (
        ("add_participant", "registration", 0.5, "add participant"),
        ("submit_response", "survey", 0.4, "submit response (20 answers)"),
    ):
        bench = load(pieces, f"{key}.json")
        if not bench:
            continue
        row = {"name": label, "in_flight": bench["in_flight"],
               **load_run(bench, echo.get(service))}
        ratio = row.get("ratio_to_echo")
        row["target"] = f">= {share:.0%} echo, p99 < 10 ms"
        row["met"] = (ratio is not None and ratio >= share and bench["latency_ms"]["p99"] < 10)
        rows.append(row)

    imported = load(pieces, "import.json")
    if imported:
        rows.append({
            "name": f"import {imported['rows']:,} participants",
            "seconds": imported["seconds"],
            "rows_per_second": round(imported["rows"] / imported["seconds"]),
            "result": f"{imported['seconds']:.2f} s",
            "target": "< 3 s (50,000 rows)",
            "met": imported["seconds"] < 3 if imported["rows"] >= 50000 else None,
        })

    agg = load(pieces, "aggregation.json")
    if agg:
        rows.append({
            "name": f"aggregation: first summary, {agg['responses']:,}",
            "seconds": agg["summarize_grpc_s"],
            "details": agg,
            "result": (f"{agg['summarize_grpc_s'] * 1000:.0f} ms, "
                       f"{agg['grpc_vs_sqlite']:.2f}x sqlite3"),
            "target": "< 2 s at 1M, <= sqlite3",
            "met": (agg["summarize_grpc_s"] < 2 and agg["grpc_vs_sqlite"] <= 1
                    if agg["responses"] >= 1000000 else None),
        })
        rows.append({
            "name": "aggregation: first summary by country",
            "seconds": agg["summarize_by_country_s"],
            "result": (f"{agg['summarize_by_country_s']:.2f} s, "
                       f"{agg['by_country_vs_sqlite']:.1f}x sqlite3"),
            "target": "< 2 s at 1M",
            "met": (agg["summarize_by_country_s"] < 2 if agg["responses"] >= 1000000 else None),
        })
        rows.append({
            "name": "aggregation: by country again / 1,000 new",
            "seconds": agg["summarize_repeat_s"],
            "result": (f"{agg['summarize_repeat_s'] * 1000:.0f} ms / "
                       f"{agg['summarize_by_country_after_1000_new_s'] * 1000:.0f} ms"),
            "target": "<= sqlite3",
            "met": agg["repeat_vs_sqlite"] <= 1,
        })
    mdgp_path = os.path.join(pieces, "mdgp.txt")
    if os.path.exists(mdgp_path):
        with open(mdgp_path, encoding="utf-8") as f:
            for row in mdgp_rows(f.read()):
                if quick and "budget_s" in row and "tpsdp_best" in row:
                    row["met"] = None  # 1 s instead of TPSDP's budget: a smoke only
                rows.append(row)
    skipped = load(pieces, "skipped.json") or []

    for row in rows:
        if "throughput" in row:
            row["result"] = f"{row['throughput']:,.0f} calls/s"
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"machine": machine, "benchmarks": rows, "skipped": skipped}, f, indent=2)
        f.write("\n")

    def cell(row, key):
        lat = row.get("latency_ms")
        return f"{lat[key]:.2f}" if lat else ""

    table = [("benchmark", "result", "p50 ms", "p90 ms", "p99 ms", "p99.9", "vs echo",
              "target", "met")]
    for row in rows:
        ratio = row.get("ratio_to_echo")
        met = row.get("met")
        table.append((row["name"], row["result"], cell(row, "p50"), cell(row, "p90"),
                      cell(row, "p99"), cell(row, "p999"),
                      "" if ratio is None else f"{ratio:.2f}",
                      row["target"], "-" if met is None else ("yes" if met else "NO")))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    print(f"machine: {machine.get('nproc')} cores, {machine.get('cpu')}, "
          f"load average {machine.get('loadavg')} at the start, {machine.get('date')}"
          f"{' (quick)' if machine.get('quick') else ''}")
    for r in table:
        print("  ".join(c.ljust(w) if i in (0, 1, 7) else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    for s in skipped:
        print(f"skipped: {s}")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
