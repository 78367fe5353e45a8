"""Reference values for the Goodman-Bacon decomposition and synthetic DiD (issue 11, points 4
and 5), from diff-diff (`BaconDecomposition`, `SyntheticDiD`), on

* a synthetic staggered fixture (fixture_bacon.csv: 45 units, 24 periods, three cohorts
  whose effects grow at different rates after their start, plus never-treated units: TWFE
  is visibly biased) and a synthetic block fixture (fixture_sdid.csv), both written here
  from a fixed numpy seed;
* the shipped sample: the monthly district employment rate (SV + marginal) re-derived in
  pandas from sample-data/bw-integration's CSVs (persons interpolated between year-ends,
  bundle-format.md "Derived quantities"), BW districts by start month (the start rule: the
  median grant start among grants issued by 2018-09-30), the neighbouring states' districts
  never treated, districts missing a month dropped; SDID: BW vs neighbours, pre 2014-01 ..
  2017-12, post 2018-01 .. 2019-09.

Both unweighted and weighted (persons at the base month 2017-12; diff-diff
`SurveyDesign(weights=...)`, its pweight form).

Placebo standard errors are random: the permutations of the controls are drawn here with
numpy (seed 11), fed to diff-diff through its own R-parity hook (`_placebo_indices` of
`SyntheticDiD._placebo_variance_se`) and written to the JSON, so the Rust test feeds the
same permutations to wirkung and compares the SEs to 1e-4 (point estimates to 1e-6).

Writes reference.json next to this script. Run: python3 make_reference.py
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import diff_diff
from diff_diff import BaconDecomposition, SyntheticDiD, SurveyDesign

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
ref = {"versions": {"diff_diff": diff_diff.__version__, "numpy": np.__version__, "pandas": pd.__version__}}


def bacon(df, weighted):
    kw = {"survey_design": SurveyDesign(weights="w")} if weighted else {}
    r = BaconDecomposition().fit(df, outcome="y", unit="unit", time="time", first_treat="first_treat", **kw)
    return {
        "twfe": float(r.twfe_estimate),
        "comparisons": [
            {
                "kind": c.comparison_type,
                "treated": int(c.treated_group),
                "control": None if c.control_group == "never_treated" else int(c.control_group),
                "estimate": float(c.estimate),
                "weight": float(c.weight),
            }
            for c in r.comparisons
        ],
    }


PLACEBOS = 200
perm_rng = np.random.default_rng(11)


def sdid(df, post, weighted):
    """diff-diff's SyntheticDiD with placebo SE on permutations drawn here."""
    n_control = df.loc[df["treated"] == 0, "unit"].nunique()
    perms = np.array([perm_rng.permutation(n_control) for _ in range(PLACEBOS)])
    original = SyntheticDiD._placebo_variance_se

    def with_perms(self, *args, **kwargs):
        kwargs["_placebo_indices"] = perms
        return original(self, *args, **kwargs)

    SyntheticDiD._placebo_variance_se = with_perms
    try:
        kw = {"survey_design": SurveyDesign(weights="w")} if weighted else {}
        est = SyntheticDiD(variance_method="placebo", n_bootstrap=PLACEBOS, seed=0)
        r = est.fit(df, outcome="y", treatment="treated", unit="unit", time="time", post_periods=post, **kw)
    finally:
        SyntheticDiD._placebo_variance_se = original
    uw = r.unit_weights if isinstance(r.unit_weights, dict) else dict(r.unit_weights)
    tw = r.time_weights if isinstance(r.time_weights, dict) else dict(r.time_weights)
    return {
        "att": float(r.att),
        "se": float(r.se),
        "unit_weights": {str(k): float(v) for k, v in uw.items()},
        "time_weights": {str(k): float(v) for k, v in tw.items()},
        "permutations": perms.tolist(),
    }


# --- synthetic staggered fixture (Bacon) ---------------------------------------------------
rng = np.random.default_rng(2021)
T = 24
cohorts = {6: 12, 12: 10, 18: 11, 0: 12}  # first treated period -> units (0 = never)
slope = {6: 0.30, 12: 0.10, 18: -0.05}  # effect grows by this per period after start
rows = []
unit = 0
for g, n in cohorts.items():
    for _ in range(n):
        unit += 1
        a = rng.normal(0, 2)
        w = float(rng.uniform(0.5, 3.0))
        for t in range(1, T + 1):
            effect = 0.0 if g == 0 or t < g else 1.0 + slope[g] * (t - g)
            y = a + 0.2 * t + 0.5 * math.sin(t) + effect + rng.normal(0, 0.3)
            rows.append({"unit": unit, "time": t, "y": y, "first_treat": g, "w": w})
fixture = pd.DataFrame(rows)
fixture.to_csv(os.path.join(here, "fixture_bacon.csv"), index=False, float_format="%.17g")
ref["fixture_bacon"] = {"unweighted": bacon(fixture, False), "weighted": bacon(fixture, True)}

# --- synthetic block fixture (SDID) ---------------------------------------------------------
rng = np.random.default_rng(2022)
N0, N1, T, T_PRE = 30, 5, 20, 14
rows = []
for i in range(N0 + N1):
    treated = i >= N0
    a, b = rng.normal(0, 1), rng.normal(0.1, 0.05)
    w = float(rng.uniform(0.5, 3.0))
    for t in range(T):
        y = a + b * t + rng.normal(0, 0.4) + (1.5 if treated and t >= T_PRE else 0.0) + (0.3 * t / T if treated else 0.0)
        rows.append({"unit": i, "time": t, "y": y, "treated": int(treated), "w": w})
block = pd.DataFrame(rows)
block.to_csv(os.path.join(here, "fixture_sdid.csv"), index=False, float_format="%.17g")
post = list(range(T_PRE, T))
ref["fixture_sdid"] = {"unweighted": sdid(block, post, False), "weighted": sdid(block, post, True)}

# --- the shipped sample ---------------------------------------------------------------------
B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str, "municipality_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
BASE, END = "2017-12", "2019-09"
P = pop.set_index(["district_id", "year"])["persons_15_64"].astype(float)
emp["year"] = emp["month"].str[:4].astype(int)
emp["m"] = emp["month"].str[5:].astype(int)
this = P.reindex(list(zip(emp["district_id"], emp["year"]))).values
prev = P.reindex(list(zip(emp["district_id"], emp["year"] - 1))).values
emp["persons"] = prev + (this - prev) * emp["m"] / 12
emp.loc[emp["m"] == 12, "persons"] = this[emp["m"] == 12]
emp["rate"] = emp["employed_total"] * 100.0 / emp["persons"]
rate = emp.pivot(index="district_id", columns="month", values="rate")
pers = emp.pivot(index="district_id", columns="month", values="persons")
months = sorted(rate.columns)
balanced = rate.dropna()  # a district missing any month is dropped
state = districts.set_index("district_id")["state"]

munis, grants = read("municipalities"), read("grants")
g = grants[grants["issued"] <= "2018-09-30"].merge(munis[["municipality_id", "district_id"]])
def start_day(s):
    s = sorted(s)
    return s[max(math.ceil(0.5 * len(s) - 1e-9), 1) - 1]
start = g.groupby("district_id")["start"].apply(start_day)
index_of = lambda m: (int(m[:4]) - 2014) * 12 + int(m[5:7])  # 2014-01 -> 1

ids = [i for i in sorted(balanced.index) if state[i] != "BW" or i in start.index]
long = balanced.loc[ids, months].stack().rename("y").reset_index()
long["time"] = long["month"].map(index_of)
long["unit"] = long["district_id"]
long["first_treat"] = long["district_id"].map(lambda i: index_of(start[i][:7]) if state[i] == "BW" else 0)
long["w"] = long["district_id"].map(pers[BASE])
ref["sample_bacon"] = {
    "units": len(ids),
    "dropped": sorted((set(rate.index) - set(balanced.index)) | (set(state.index) - set(rate.index))),
    "unweighted": bacon(long, False),
    "weighted": bacon(long, True),
}

sd_months = [m for m in months if m <= END]
sd_bal = rate.loc[:, sd_months].dropna()
long = sd_bal.stack().rename("y").reset_index()
long["time"] = long["month"].map(index_of)
long["unit"] = long["district_id"]
long["treated"] = long["district_id"].map(lambda i: int(state[i] == "BW"))
long["w"] = long["district_id"].map(pers[BASE])
post = [index_of(m) for m in sd_months if m > BASE]
ref["sample_sdid"] = {"unweighted": sdid(long, post, False), "weighted": sdid(long, post, True)}

with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(ref, f, separators=(",", ":"))
for k in ("fixture_bacon", "sample_bacon"):
    print(k, {w: round(ref[k][w]["twfe"], 6) for w in ("unweighted", "weighted")})
for k in ("fixture_sdid", "sample_sdid"):
    print(k, {w: (round(ref[k][w]["att"], 6), round(ref[k][w]["se"], 6)) for w in ("unweighted", "weighted")})
