"""Writes tests/fixtures/exhibits/: a small synthetic bundle for the exhibits (chapters 3 and
4 of the report). Districts, employment and population are the hand-worked fixture's; the
programme tables are drawn here with a fixed seed and hold the edge cases the exhibits must
handle: unfunded municipalities, missing organisation, missing staffing values, ties at the
survey medians (hours in half hours), municipalities with two IMs split 1:1, missing answers,
empty location columns, target_persons 0, an exact duplicate key-figure row.

    python3 tests/reference/exhibits/make_fixture.py      # then make_reference.py
"""
import pathlib
import shutil
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from fixture_bundle import write_csv  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
HAND = ROOT / "tests/fixtures/hand"
OUT = ROOT / "tests/fixtures/exhibits"
rng = np.random.default_rng(13)


def write(name, header, rows):
    write_csv(OUT, name, header, rows)


def maybe(value, p_missing):
    return None if rng.random() < p_missing else value


OUT.mkdir(parents=True, exist_ok=True)
for name in ["districts.csv", "employment.csv", "population.csv"]:
    shutil.copy(HAND / name, OUT / name)
toml = (HAND / "bundle.toml").read_text(encoding="utf-8")
toml = toml.replace('name = "Hand-worked test bundle"', 'name = "Exhibit test bundle"')
toml = toml.split("\n", 2)[2]  # drop the hand fixture's own header comment
toml = toml.replace(
    'description = "Four BW districts, two neighbours, twelve municipalities: edge cases of the derivation rules"',
    'description = "The hand fixture\'s districts with 42 drawn municipalities and their programme tables: edge cases of the exhibits"',
).replace('source = "Written by hand for the tests of wirkung; no real data."',
          'source = "Drawn by make_fixture.py for the tests of wirkung; no real data."')
(OUT / "bundle.toml").write_text(
    "# Drawn by tests/reference/exhibits/make_fixture.py (seed 13); reference values of the\n"
    "# exhibits in tests/reference/exhibits/reference.json.\n" + toml,
    encoding="utf-8",
)

ORGS = ["district_office", "municipal", "external_municipal", "external_district"]
munis = []
for d, n in [("08111", 6), ("08115", 12), ("08116", 14), ("08117", 10)]:
    for i in range(1, n + 1):
        mid = f"{d}{i:03d}"
        funded = rng.random() > 0.08
        org = rng.choice(ORGS, p=[0.45, 0.2, 0.17, 0.18]) if funded else None
        munis.append(
            dict(
                id=mid,
                district=d,
                funded=funded,
                refugees=maybe(int(rng.integers(5, 400)), 0.05),
                organisation=maybe(org, 0.06) if funded else None,
                tax=round(float(rng.uniform(0.4, 1.5)), 2),
            )
        )
write(
    "municipalities",
    ["municipality_id", "name", "district_id", "alliance_id", "funded", "refugees_2017",
     "organisation", "tax_revenue_per_capita_2016"],
    [[m["id"], f"M-{m['id']}", m["district"], f"AV-{m['district']}", str(m["funded"]).lower(),
      m["refugees"], m["organisation"], m["tax"]] for m in munis],
)
funded = [m for m in munis if m["funded"]]

grants = []
for m in munis:
    for _ in range(int(rng.integers(0 if m["funded"] else 1, 4)) if m["funded"] else 0):
        issued = np.datetime64("2017-11-01") + int(rng.integers(0, 420))
        start = issued + int(rng.integers(0, 60))
        if rng.random() < 0.1:  # retroactive funding
            start = np.datetime64("2017-01-01") + int(rng.integers(0, 200))
        grants.append([f"G{len(grants) + 1:03d}", m["id"], str(issued), str(start),
                       float(rng.choice([0.25, 0.5, 0.75, 1.0, 1.5]))])
write("grants", ["grant_id", "municipality_id", "issued", "start", "fte"], grants)

staffing = []
for m in funded:
    if rng.random() < 0.04:
        continue  # no staffing row
    before = round(float(rng.choice([0.0, 0.0, 0.2, 0.5, 1.0, 1.3])), 2)
    after = round(before + float(rng.choice([-0.3, 0.0, 0.25, 0.3, 0.5, 0.75, 1.2, 3.5])), 2)
    staffing.append([m["id"], maybe(before, 0.05), maybe(max(after, 0.0), 0.08),
                     maybe(str(before == 0.0).lower(), 0.05)])
write("staffing", ["municipality_id", "fte_before", "fte_after", "nobody_before"], staffing)

target = []
for m in funded:
    for wave in ["2018-12-15", "2020-01-31"]:
        if rng.random() < 0.07:
            continue
        persons = int(rng.integers(0, 150)) if rng.random() > 0.05 else 0
        decentral = int(rng.integers(0, persons + 1))
        shared = persons - decentral
        plan = maybe(int(rng.integers(0, persons + 1)), 0.1)
        target.append([m["id"], wave, persons, decentral, shared, 0, plan])
write("target_group", ["municipality_id", "wave", "target_persons", "housing_decentral",
                       "housing_shared", "housing_unknown", "with_plan"], target)

responses = []
for m in funded:
    k = int(rng.choice([0, 1, 1, 2, 2, 3]))
    for _ in range(k):
        responses.append([
            f"R{len(responses) + 1:03d}", m["id"],
            maybe(int(rng.integers(1, 5)), 0.05), maybe(int(rng.integers(1, 5)), 0.05),
            maybe(int(rng.choice([40, 79, 80, 95, 120, 121, 150])), 0.05),
            maybe(float(rng.integers(0, 20)) / 2, 0.05), maybe(float(rng.integers(0, 24)) / 2, 0.05),
            maybe(float(rng.integers(0, 10)) / 2, 0.05), maybe(float(rng.integers(0, 14)) / 2, 0.05),
        ])
write("manager_survey", ["response_id", "municipality_id", "plan_a_use", "plan_b_use",
                         "clients", "hours_open_office", "hours_appointments", "hours_outreach",
                         "hours_documentation"], responses)

activity = []
with_im = sorted({g[1] for g in grants})
for i in range(360):
    mid = with_im[int(rng.integers(0, len(with_im)))]
    day = np.datetime64("2017-01-02") + int(rng.integers(0, 900))
    talks = [int(rng.integers(0, 4)) for _ in range(8)]
    total = sum(talks)
    office = int(rng.integers(0, total + 1))
    onsite = int(rng.integers(0, total - office + 1))
    loc = [office, onsite, total - office - onsite]
    if rng.random() < 0.05:
        loc[int(rng.integers(0, 3))] = None
    activity.append([str(i % 7 + 1), f"AV-{mid[:5]}", mid, str(day), *talks, *loc])
activity.append(list(activity[5]))  # an exact duplicate: dropped by the reading rules
write("activity", ["manager_id", "alliance_id", "municipality_id", "date", "talks_labour",
                   "talks_language", "talks_education", "talks_housing", "talks_health",
                   "talks_participation", "talks_children", "talks_other", "talks_office",
                   "talks_onsite", "talks_accompanying"], activity)
print(f"{len(munis)} municipalities, {len(grants)} grants, {len(responses)} responses, "
      f"{len(activity)} activity rows")
