"""Reference values for cluster-robust CR1 standard errors (wirkung `estimate --se cr1`), from
statsmodels WLS(...).fit(cov_type="cluster", use_t=True): factor G/(G-1)*(n-1)/(n-k), t with
G - 1 degrees of freedom (statsmodels' defaults for cluster with use_t).

1. A synthetic fixture (seeded; written to fixture.csv): 90 rows, weights, 7 clusters of
   unequal size, three regressors plus a constant.
2. The shipped sample (sample-data/bw-integration): the report's DiD of employment Dec 2017 ->
   Sep 2019 with the report's controls, weighted by persons at base; BW vs neighbours clustered
   by state, early vs late start (BW districts, start on or before 2018-02-15) by government
   region. Re-implements the bundle's definitions in pandas (bundle-format.md).

Writes cr1_reference.json next to this script. Run: python3 make_cr1_reference.py
"""
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

here = os.path.dirname(os.path.abspath(__file__))


def cr1(y, X, w, groups):
    codes = pd.factorize(pd.Series(groups), sort=True)[0]
    r = sm.WLS(y, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    ci = r.conf_int()
    return {
        "terms": list(X.columns),
        "estimate": [float(v) for v in r.params],
        "std_error": [float(v) for v in r.bse],
        "p_value": [float(v) for v in r.pvalues],
        "ci_low": [float(v) for v in ci[0]],
        "ci_high": [float(v) for v in ci[1]],
        "clusters": int(len(set(codes))),
        "df_inference": int(r.df_resid_inference),
    }


ref = {"versions": {"statsmodels": statsmodels.__version__, "pandas": pd.__version__}}

# --- 1. synthetic fixture ------------------------------------------------------------------
rng = np.random.default_rng(20261128)
n = 90
sizes = [4, 7, 9, 11, 14, 20, 25]
cluster = np.repeat([f"c{g}" for g in range(len(sizes))], sizes)
shock = np.repeat(rng.normal(0, 1.5, len(sizes)), sizes)
fx = pd.DataFrame({
    "treated": (rng.uniform(size=n) < 0.4).astype(float),
    "const": np.ones(n),
    "x1": rng.normal(10, 3, n),
    "x2": rng.uniform(0, 1, n),
    "weight": rng.uniform(50, 5000, n),
    "cluster": cluster,
})
fx["y"] = 1.0 + 0.8 * fx["treated"] + 0.3 * fx["x1"] - 2 * fx["x2"] + shock + rng.normal(0, 2, n)
with open(os.path.join(here, "fixture.csv"), "w", newline="\n") as f:
    cols = ["y", "treated", "const", "x1", "x2", "weight", "cluster"]
    f.write(",".join(cols) + "\n")
    for row in fx[cols].itertuples(index=False):
        f.write(",".join(v if isinstance(v, str) else repr(float(v)) for v in row) + "\n")
ref["fixture"] = cr1(fx["y"], fx[["treated", "const", "x1", "x2"]], fx["weight"], fx["cluster"])

# --- 2. shipped sample -----------------------------------------------------------------------
B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str, "municipality_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
CONTROLS = ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019", "urban"]
districts["urban"] = districts["urban"].astype(str).str.lower().eq("true").astype(float)
BASE, END = "2017-12", "2019-09"
# Monthly persons interpolated between year-ends (December = the year-end figure).
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
ids = sorted(rate.index)
d = districts.set_index("district_id")
df = d.loc[ids, CONTROLS + ["state", "region"]].copy()
df["treated"] = d.loc[ids, "state"].eq("BW").astype(float)
df["change"] = rate.loc[ids, END] - rate.loc[ids, BASE]
df["w"] = pers.loc[ids, BASE]
X = sm.add_constant(df[["treated"] + CONTROLS])
X = X[["treated", "const"] + CONTROLS]
ref["bw-vs-neighbours"] = cr1(df["change"], X, df["w"], df["state"])

# District start: the start date of the municipality at which half of the district's
# municipalities with a grant issued by 2018-09-30 have started (bundle-format.md).
munis = read("municipalities")
grants = read("grants")
g = grants[grants["issued"] <= "2018-09-30"].merge(munis[["municipality_id", "district_id"]])
def start_day(s):
    s = sorted(s)
    return s[max(math.ceil(0.5 * len(s) - 1e-9), 1) - 1]
start = g.groupby("district_id")["start"].apply(start_day)
bw = sorted(i for i in ids if df.loc[i, "treated"] == 1.0 and i in start.index)
early = df.loc[bw].copy()
early["treated"] = [float(start[i] <= "2018-02-15") for i in bw]
Xe = sm.add_constant(early[["treated"] + CONTROLS])[["treated", "const"] + CONTROLS]
ref["early-start"] = cr1(early["change"], Xe, early["w"], early["region"])

with open(os.path.join(here, "cr1_reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
print(json.dumps({k: (v["estimate"][0], v["std_error"][0], v["p_value"][0], v["clusters"]) for k, v in ref.items() if k != "versions"}, indent=1))
