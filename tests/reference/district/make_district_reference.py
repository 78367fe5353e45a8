"""Reference values for the district detail (`wirkung district`, Enter on a district),
computed from the shipped sample's files with pandas, independently of the Rust code.

Run from the repository root:
    python3 tests/reference/district/make_district_reference.py
writes tests/reference/district/district_reference.json.

Rules (docs/bundle-format.md):
- monthly rate = employed / persons x 100, persons interpolated linearly between year-ends:
  month m of year y lies m/12 of the way from P(y-1) to P(y);
- district start = the ceil(start_share x |G|)-th earliest start among the grants issued on
  or before grants_issued_by of the district's municipalities;
- staffing = fte_before and fte_after summed over the funded municipalities reporting both;
- talk share = talks on the topic / talks on all eight topics, activity dated on or before
  topics_until, by the municipality's district, exact duplicate activity rows counted once.
"""

import json
import math
import pathlib
import tomllib

import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "sample-data" / "bw-integration"
OUT = pathlib.Path(__file__).with_name("district_reference.json")
DISTRICTS = ["08111", "08215", "08335", "09162"]
MONTHS = ["2017-12", "2018-06", "2019-09"]
TOPICS = ["labour", "language", "education", "housing", "health", "participation",
          "children", "other"]

manifest = tomllib.loads((BUNDLE / "bundle.toml").read_text())
rules, periods = manifest["rules"], manifest["periods"]
ids = {"district_id": str, "municipality_id": str}
employment = pd.read_csv(BUNDLE / "employment.csv", dtype=ids)
population = pd.read_csv(BUNDLE / "population.csv", dtype=ids)
municipalities = pd.read_csv(BUNDLE / "municipalities.csv", dtype=ids)
staffing = pd.read_csv(BUNDLE / "staffing.csv", dtype=ids)
grants = pd.read_csv(BUNDLE / "grants.csv", dtype=ids, parse_dates=["issued", "start"])
# Exact duplicate activity rows count once (bundle-format.md, "Reading rules").
activity = pd.read_parquet(BUNDLE / "activity.parquet").drop_duplicates()


def rate(district, month):
    year, m = int(month[:4]), int(month[5:])
    p = population[population.district_id == district].set_index("year").persons_15_64
    persons = p[year - 1] + (p[year] - p[year - 1]) * m / 12
    e = employment[(employment.district_id == district) & (employment.month == month)]
    return float(e.employed_total.iloc[0]) / persons * 100


def start(district):
    munis = municipalities[municipalities.district_id == district].municipality_id
    g = grants[grants.municipality_id.isin(munis)
               & (grants.issued <= pd.Timestamp(rules["grants_issued_by"]))]
    if g.empty:
        return None
    starts = sorted(g.start)
    k = math.ceil(rules["start_share"] * len(starts) - 1e-9)
    return starts[max(k, 1) - 1].date().isoformat()


def fte(district):
    funded = municipalities[(municipalities.district_id == district) & municipalities.funded]
    s = staffing[staffing.municipality_id.isin(funded.municipality_id)]
    both = s.dropna(subset=["fte_before", "fte_after"])
    return {"funded": int(len(funded)), "reporting_both": int(len(both)),
            "fte_before": float(both.fte_before.sum()), "fte_after": float(both.fte_after.sum())}


def shares(district):
    munis = municipalities[municipalities.district_id == district].municipality_id
    a = activity[activity.municipality_id.isin(munis)
                 & (pd.to_datetime(activity.date) <= pd.Timestamp(periods["topics_until"]))]
    total = sum(a[f"talks_{t}"].sum() for t in TOPICS)
    if total == 0:
        return None
    return {t: float(a[f"talks_{t}"].sum() / total) for t in ["labour", "housing"]}


reference = {}
for d in DISTRICTS:
    bw = d.startswith("08")
    reference[d] = {
        "rates": {m: rate(d, m) for m in MONTHS},
        "start": start(d),
        "staffing": fte(d) if bw else None,
        "talk_shares": shares(d) if bw else None,
        "municipalities": int((municipalities.district_id == d).sum()),
    }
OUT.write_text(json.dumps(reference, indent=2) + "\n")
