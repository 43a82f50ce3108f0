#!/usr/bin/env python3
"""Answers for the demo's surveys, the same at every run.

    answers.py evaluation|pretest|posttest TOKENS.csv DIR

TOKENS.csv is `convene survey tokens --output csv` (participant_id,name,email,token). Writes one answers
file per respondent into DIR (the JSON that `convene survey respond --answers` reads) and prints
"TOKEN FILE" per line. About 42 of 48 participants answer the evaluation, as in Kuala Lumpur; most take
the pre-test, a few leave before the post-test, and most score higher after the dialogue than before.
"""
import csv
import hashlib
import json
import os
import random
import sys

# The evaluation's free-text answers: over a quarter about peers' experience sharing or country
# discussions, as the Kuala Lumpur report says; some left blank.
MOST_USEFUL = [
    ("Peers' experience sharing: hearing how other countries protect whistle-blowers in practice.", 3),
    ("Learning from the experience of peers in the region on right to information laws.", 3),
    ("The country roundtable, where our delegation agreed next steps on the UNCAC review "
     "recommendations.", 3),
    ("Country discussions with the NHRI and the anti-corruption commission in the same room.", 2),
    ("Exchange of experiences between anti-corruption and human rights practitioners.", 2),
    ("Networking and new partnerships with civil society organisations from other countries.", 2),
    ("Seeing how UPR and UNCAC recommendations overlap and can be followed up together.", 2),
    ("The expert presentations on business integrity and human rights.", 2),
    ("The panel on judicial integrity: very relevant to our court reform.", 1),
    ("Collaboration between government and civil society on protecting human rights defenders.", 2),
    ("Practical examples of national recommendations tracking databases.", 1),
    ("The regional group exercise, mixing countries and sectors.", 2),
    ("Alternatives to the death penalty for corruption offences.", 1),
    ("", 4),
]
THEMES = ["whistleblowers", "expression", "judiciary", "business", "governance", "death_penalty"]
THEME_WEIGHTS = [5, 4, 3, 4, 3, 1]

# The pre- and post-test: question key, correct option, the other options.
QUIZ = [
    ("preventive", "ch2", ["ch3", "ch4", "ch5"]),
    ("asset_recovery", "ch5", ["ch2", "ch3", "ch4"]),
    ("reporting_persons", "reporters", ["judges", "auditors", "journalists"]),
    ("participation", "society", ["extradition", "foreign_bribery", "asset_return"]),
    ("review_cycle", "ii_v", ["iii_iv", "i_vii", "all"]),
]


def person_random(email, purpose):
    """A generator seeded by the person and the purpose, so each person answers the same at every run."""
    seed = hashlib.sha256(f"{email}/{purpose}".encode()).hexdigest()
    return random.Random(seed)


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights)[0]


def evaluation(rng):
    answers = {
        "overall": pick(rng, [(5, 14), (4, 19), (3, 6), (2, 2), (1, 1)]),
        "objectives_met": pick(rng, [(5, 12), (4, 20), (3, 7), (2, 3)]),
        "best_session": pick(rng, [("country_roundtables", 13), ("regional_groups", 10),
                                   ("panels", 9), ("trends", 8)]),
        "themes": sorted(set(rng.choices(THEMES, weights=THEME_WEIGHTS, k=rng.randint(1, 3))),
                         key=THEMES.index),
        "format": pick(rng, [("in_person", 22), ("hybrid", 14), ("online", 6)]),
        "hours": pick(rng, [(rng.randint(2, 10), 3), (rng.randint(10, 25), 4), (rng.randint(25, 45), 3)]),
        "most_useful": pick(rng, MOST_USEFUL),
        "uncac_ch2": pick(rng, [("ii", 8), ("iii", 1), ("v", 1)]),
    }
    if rng.random() < 0.85:  # the rating is optional; some skip it
        answers["recommend"] = min(10, max(0, answers["overall"] * 2 + rng.randint(-2, 1)))
    if not answers["most_useful"]:
        del answers["most_useful"]
    return answers


def knowledge_test(email, after):
    """Each person knows a share of the answers before the dialogue, and more after it."""
    rng = person_random(email, "ability")
    before = rng.uniform(0.15, 0.6)
    ability = min(0.95, before + rng.uniform(0.1, 0.45)) if after else before
    rng = person_random(email, "post" if after else "pre")
    answers = {}
    for key, correct, wrong in QUIZ:
        if rng.random() < ability:
            answers[key] = correct
        elif rng.random() < (0.3 if after else 0.5):
            answers[key] = "unsure"
        else:
            answers[key] = rng.choice(wrong)
    return answers


def main():
    survey, tokens_csv, out_dir = sys.argv[1:4]
    with open(tokens_csv, newline="", encoding="utf-8") as f:
        # By email: participant ids are new at every run, the emails are the demo's list.
        tokens = [(row["email"], row["token"]) for row in csv.DictReader(f)]
    os.makedirs(out_dir, exist_ok=True)
    # Who answers: 42 of 48 the evaluation, 45 the pre-test, 40 of those the post-test (5 who
    # took only the pre-test: an anonymous comparison withholds its figures below 5).
    order = sorted(tokens, key=lambda t: hashlib.sha256(t[0].encode()).hexdigest())
    take = {"evaluation": 42, "pretest": 45, "posttest": 40}[survey]
    respondents = sorted(order[:take], key=tokens.index)
    for n, (email, token) in enumerate(respondents, 1):
        if survey == "evaluation":
            answers = evaluation(person_random(email, "evaluation"))
        else:
            answers = knowledge_test(email, after=survey == "posttest")
        path = os.path.join(out_dir, f"{n:02d}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(answers, f, ensure_ascii=False)
        print(token, path)


if __name__ == "__main__":
    main()
