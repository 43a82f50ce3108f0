#!/usr/bin/env python3
"""The independent reference for services/aggregation/statistics.h.

Reads data sets, one a line, from the file named on the command line (or stdin), and prints every
figure that the C++ code computes for them, one a line, as

    <id> <figure> <value>

where <value> is repr() of a float (it reads back exactly) or "none" for a figure that does not
exist (no data, one value, ...). The figures come from Python's statistics module, SciPy and NumPy
(Debian 12: python3-scipy 1.10, python3-numpy 1.24), never from the C++ definitions:

    ints <id> <lo|-> <hi|-> <v> ...       whole-number answers, with or without a declared range
    reals <id> <v> ...                    real-valued answers
    pairs <id> <max> <pre> <post> ...     pre/post scores paired by person
    tq <id> <p> <df>                      a Student t quantile

Exits with status 1 and a message on stderr when a line cannot be read.
"""

import collections
import math
import statistics
import sys
import warnings

try:
    import numpy
    from scipy import stats
except ImportError as error:  # pragma: no cover
    sys.exit(f"statistics_reference.py needs SciPy and NumPy (apt-get install python3-scipy): {error}")

LEVEL = 0.95


def t_quantile(p, df):
    """The Student t quantile of order p.

    scipy.stats.t.ppf(p, df) (cdflib's cdft in SciPy 1.10) stops its search at a relative tolerance
    near 1e-8, and is off by up to 1.3e-9 (df = 49); t.sf (cdflib's cumt, TOMS 708) is good to
    1e-15. So the ppf is polished by Newton steps on t.sf.
    """
    q = 1 - p
    t = float(stats.t.ppf(p, df))
    for _ in range(3):
        t += (float(stats.t.sf(t, df)) - q) / float(stats.t.pdf(t, df))
    return t


def numeric(values):
    """n, mean, sd, median, quartiles, min, max and the confidence interval of the mean."""
    n = len(values)
    out = {"n": n}
    for key in ("mean", "sd", "median", "q1", "q3", "min", "max", "ci_low", "ci_high"):
        out[key] = None
    if n == 0:
        return out
    out["mean"] = statistics.mean(values)
    out["median"] = statistics.median(values)
    out["min"] = min(values)
    out["max"] = max(values)
    if n == 1:
        # statistics.quantiles refuses one value in Python 3.11; numpy's default (linear, the same
        # definition) gives the value itself.
        out["q1"], out["q3"] = (float(q) for q in numpy.quantile(values, [0.25, 0.75]))
        return out
    out["q1"], _, out["q3"] = statistics.quantiles(values, n=4, method="inclusive")
    sd = statistics.stdev(values)
    out["sd"] = sd
    half = t_quantile(1 - (1 - LEVEL) / 2, n - 1) * sd / math.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


def ints(fields):
    lo = None if fields[0] == "-" else int(fields[0])
    hi = None if fields[1] == "-" else int(fields[1])
    values = [int(v) for v in fields[2:]]
    out = numeric(values)
    n = len(values)
    counts = collections.Counter(values)
    shown = set(values)
    if lo is not None:
        shown.update(range(lo, hi + 1))
    for value in sorted(shown):
        count = counts[value]
        out[f"count:{value}"] = count
        out[f"percent:{value}"] = 100 * count / n if n else None
    if lo is not None:
        top = sum(1 for v in values if v in (hi - 1, hi))
        out["top_two_box"] = 100 * top / n if n else None
        if (lo, hi) == (0, 10):
            promoters = sum(1 for v in values if v >= 9)
            detractors = sum(1 for v in values if v <= 6)
            out["nps"] = 100 * (promoters - detractors) / n if n else None
    return out


def reals(fields):
    return numeric([float(v) for v in fields])


def pairs(fields):
    max_score = float(fields[0])
    numbers = [float(v) for v in fields[1:]]
    pre, post = numbers[0::2], numbers[1::2]
    n = len(pre)
    out = {"pairs": n}
    for key in ("mean_pre", "mean_post", "mean_gain", "gain_ci_low", "gain_ci_high",
                "normalized_gain", "wilcoxon_statistic", "wilcoxon_p"):
        out[key] = None
    if n == 0:
        return out
    gains = [b - a for a, b in zip(pre, post)]
    out["mean_pre"] = statistics.mean(pre)
    out["mean_post"] = statistics.mean(post)
    out["mean_gain"] = statistics.mean(gains)
    if n >= 2:
        half = t_quantile(1 - (1 - LEVEL) / 2, n - 1) * statistics.stdev(gains) / math.sqrt(n)
        out["gain_ci_low"] = out["mean_gain"] - half
        out["gain_ci_high"] = out["mean_gain"] + half
    if out["mean_pre"] < max_score:
        out["normalized_gain"] = (out["mean_post"] - out["mean_pre"]) / (max_score - out["mean_pre"])
    try:
        # d = post - pre; defaults: zero_method='wilcox', correction=False, method='auto'.
        result = stats.wilcoxon(post, pre)
    except ValueError:  # every difference is zero
        result = None
    if result is not None and not math.isnan(result.pvalue):
        out["wilcoxon_statistic"] = result.statistic
        out["wilcoxon_p"] = result.pvalue
    return out


def tq(fields):
    return {"t": t_quantile(float(fields[0]), float(fields[1]))}


KINDS = {"ints": ints, "reals": reals, "pairs": pairs, "tq": tq}


def main():
    warnings.simplefilter("ignore")  # SciPy's notes on small samples and zeros
    source = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    lines = []
    for number, line in enumerate(source, start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 2 or fields[0] not in KINDS:
            sys.exit(f"line {number}: expected <kind> <id> ..., kind one of {sorted(KINDS)}")
        try:
            figures = KINDS[fields[0]](fields[2:])
        except (ValueError, IndexError) as error:
            sys.exit(f"line {number} ({fields[1]}): {error}")
        for key, value in figures.items():
            shown = "none" if value is None else repr(float(value))
            lines.append(f"{fields[1]} {key} {shown}\n")
    sys.stdout.write("".join(lines))


if __name__ == "__main__":
    main()
