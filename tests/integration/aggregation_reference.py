#!/usr/bin/env python3
"""The independent reference for the aggregation service's survey summaries.

    aggregation_reference.py SURVEY_JSON NAME=RESPONSES_CSV ...

SURVEY_JSON is a survey definition (the Survey message in protobuf JSON, as `convene survey create`
reads it); each RESPONSES_CSV holds the responses imported into one survey of that definition (a
header of question keys, then one row per response; an empty cell is no answer). Prints every
figure that SummarizeSurvey reports for each data set, one a line, as

    <name> <question key | _score | _survey> <figure> <value>

where <value> is repr() of a float or "none" for a figure that does not exist. The figures are
computed here from the CSV and the definition alone, with Python's statistics module and SciPy's
Student t (through services/aggregation/testdata/statistics_reference.py, whose `numeric` gives n,
mean, sample standard deviation, median, inclusive quartiles, min, max and the 95% confidence
interval of the mean). The rest follows the contract of protos/convene/aggregation/v1/:
percentages of the answers given (0 when there are none, as a proto double cannot be absent),
distributions over every point of a declared scale, top-two-box for Likert, the net promoter score
for 0..10 ratings, option shares of the respondents who answered, quiz items and the quiz score.
"""

import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "services", "aggregation", "testdata"))
import statistics_reference  # noqa: E402  (numeric() and the polished Student t quantile)


def percent(part, whole):
    return 100 * part / whole if whole else 0.0


def scale_range(question):
    """The declared scale lo..hi of a whole-number question, or None."""
    if "likert" in question:
        return 1, question["likert"]["points"]
    if "rating" in question:
        lo, hi = question["rating"].get("min", 0), question["rating"].get("max", 0)
        return (0, 10) if (lo, hi) == (0, 0) else (lo, hi)
    number = question["number"]
    if number.get("integer") and number.get("hasMin") and number.get("hasMax"):
        return math.ceil(number.get("min", 0)), math.floor(number.get("max", 0))
    return None


def whole_numbers(question):
    return "number" not in question or question["number"].get("integer", False)


def scale_figures(question, cells):
    given = [c for c in cells if c.strip()]
    if whole_numbers(question):
        values = [int(float(c)) for c in given]
    else:
        values = [float(c) for c in given]
    out = statistics_reference.numeric(values)
    out["missing"] = len(cells) - len(given)
    if not whole_numbers(question):
        return out
    declared = scale_range(question)
    points = set(values)
    if declared is not None:
        points.update(range(declared[0], declared[1] + 1))
    for value in sorted(points):
        count = values.count(value)
        out[f"count:{value}"] = count
        out[f"percent:{value}"] = percent(count, len(values))
    if "likert" in question:
        top = declared[1]
        out["top_two_box"] = (percent(sum(1 for v in values if v >= top - 1), len(values))
                              if values else None)
    if "rating" in question and declared == (0, 10):
        promoters = sum(1 for v in values if v >= 9)
        detractors = sum(1 for v in values if v <= 6)
        out["nps"] = (percent(promoters, len(values)) - percent(detractors, len(values))
                      if values else None)
    return out


def choice_figures(question, cells, multiple):
    options = question["multipleChoice" if multiple else "singleChoice"]["options"]
    answers = [[k for k in c.split(";") if k] if multiple else [c] for c in cells if c.strip()]
    out = {"respondents": len(answers), "missing": len(cells) - len(answers),
           "selections": sum(len(a) for a in answers)}
    for option in options:
        count = sum(1 for a in answers if option["key"] in a)
        out[f"count:{option['key']}"] = count
        out[f"percent:{option['key']}"] = percent(count, len(answers))
    return out


def quiz_figures(question, cells):
    quiz = question["quiz"]
    answers = [c for c in cells if c.strip()]
    correct = sum(1 for a in answers if a == quiz["correct"])
    out = {"answered": len(answers), "missing": len(cells) - len(answers), "correct": correct,
           "percent_correct": percent(correct, len(answers)) if answers else None}
    for option in quiz["options"]:
        count = answers.count(option["key"])
        out[f"count:{option['key']}"] = count
        out[f"percent:{option['key']}"] = percent(count, len(answers))
    return out


def text_figures(cells):
    answers = [c for c in cells if c.strip()]
    # Nothing is coded yet: every answer is an uncoded one.
    return {"answered": len(answers), "missing": len(cells) - len(answers),
            "uncoded": len(answers)}


def figures(survey, rows):
    """{(key, figure): value} for one data set."""
    out = {("_survey", "responses"): len(rows)}
    max_score = 0
    scores = [0] * len(rows)
    for question in survey["questions"]:
        key = question["key"]
        cells = [row.get(key, "") for row in rows]
        if "likert" in question or "rating" in question or "number" in question:
            result = scale_figures(question, cells)
        elif "singleChoice" in question:
            result = choice_figures(question, cells, multiple=False)
        elif "multipleChoice" in question:
            result = choice_figures(question, cells, multiple=True)
        elif "quiz" in question:
            result = quiz_figures(question, cells)
            points = question["quiz"].get("points", 1) or 1
            max_score += points
            for i, cell in enumerate(cells):
                if cell == question["quiz"]["correct"]:
                    scores[i] += points
        else:
            result = text_figures(cells)
        for figure, value in result.items():
            out[(key, figure)] = value
    out[("_survey", "max_score")] = max_score
    if max_score > 0:
        score = statistics_reference.numeric(scores)
        for value in range(0, max_score + 1):
            score[f"count:{value}"] = scores.count(value)
            score[f"percent:{value}"] = percent(scores.count(value), len(scores))
        for figure, value in score.items():
            out[("_score", figure)] = value
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: aggregation_reference.py SURVEY_JSON NAME=RESPONSES_CSV ...")
    with open(sys.argv[1], encoding="utf-8") as f:
        survey = json.load(f)
    lines = []
    for argument in sys.argv[2:]:
        name, _, path = argument.partition("=")
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for (key, figure), value in figures(survey, rows).items():
            shown = "none" if value is None else repr(float(value))
            lines.append(f"{name} {key} {figure} {shown}\n")
    sys.stdout.write("".join(lines))


if __name__ == "__main__":
    main()
