"""The score of a cargo-mutants run, per file and overall: caught of all viable mutants
(unviable ones do not build, so no test can see them), and each survivor."""

import collections
import json
import sys

with open(sys.argv[1]) as f:
    outcomes = json.load(f)["outcomes"]
per_file = collections.defaultdict(collections.Counter)
missed = []
for o in outcomes:
    scenario = o.get("scenario")
    if not isinstance(scenario, dict) or "Mutant" not in scenario:
        continue  # the baseline
    mutant = scenario["Mutant"]
    summary = o["summary"]
    file = mutant["file"]
    per_file[file][summary] += 1
    if summary == "MissedMutant":
        missed.append(mutant["name"])
total = collections.Counter()
print(f'{"file":58} {"caught":>7} {"missed":>7} {"timeout":>8} {"unviable":>9}  score')
for file in sorted(per_file):
    c = per_file[file]
    total.update(c)
    viable = c["CaughtMutant"] + c["MissedMutant"] + c["Timeout"]
    # A mutant that makes the tests hang is noticed too (cargo-mutants times it out).
    score = 100.0 * (c["CaughtMutant"] + c["Timeout"]) / viable if viable else 100.0
    print(f'{file:58} {c["CaughtMutant"]:7} {c["MissedMutant"]:7} {c["Timeout"]:8} {c["Unviable"]:9}  {score:5.1f} %')
viable = total["CaughtMutant"] + total["MissedMutant"] + total["Timeout"]
score = 100.0 * (total["CaughtMutant"] + total["Timeout"]) / viable if viable else 100.0
print(f'{"all":58} {total["CaughtMutant"]:7} {total["MissedMutant"]:7} {total["Timeout"]:8} {total["Unviable"]:9}  {score:5.1f} %')
for m in missed:
    print("survived:", m)
