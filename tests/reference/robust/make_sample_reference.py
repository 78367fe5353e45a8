"""Reference values for the robustness checks on the SHIPPED SAMPLE (BW vs neighbours):
the monthly event study (pyfixest feols, weights = persons at the base month, vcov "hetero"
and {"CRV1": "district_id"}), the placebo DiD Dec 2015 -> Sep 2017 and leave-one-out
(statsmodels WLS HC1), with the report's controls; the wild cluster bootstrap over the four
states and, for early vs late start, over the four government regions (wildboottest's t*, all
16 Rademacher or all 1296 Webb vectors, ties counted: see wild_p.py); Callaway-Sant'Anna's overall ATT on
the BW districts (csdid, not-yet-treated controls, unweighted, analytic SE). Re-implements the bundle's definitions in
pandas from sample-data/bw-integration's CSVs (bundle-format.md, "Derived quantities").
Writes sample_reference.json next to this script. Run: python3 make_sample_reference.py
"""
import json
import os
import warnings

import pandas as pd
import pyfixest as pf
import statsmodels.api as sm

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
CONTROLS = ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019", "urban"]
districts["urban"] = districts["urban"].astype(str).str.lower().eq("true").astype(float)
BASE, END = "2017-12", "2019-09"

# Monthly persons interpolated between year-ends (December = year-end figure).
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

ids = sorted(rate.index)  # districts with employment data (the dropped one has none)
treated = districts.set_index("district_id")["state"].eq("BW").astype(float)
ref = {"versions": {"pyfixest": pf.__version__, "statsmodels": sm.__version__, "pandas": pd.__version__},
       "units": len(ids)}

# --- monthly event study -------------------------------------------------------------------
months = sorted(rate.columns)
long = rate.loc[ids, months].stack().rename("rate").reset_index()
long["w"] = long["district_id"].map(pers.loc[ids, BASE])
long["treated"] = long["district_id"].map(treated)
names = []
for k, m in enumerate(months):
    if m == BASE:
        continue
    col = f"d{k}"
    long[col] = long["treated"] * (long["month"] == m)
    names.append((col, m))
fml = "rate ~ " + " + ".join(c for c, _ in names) + " | district_id + month"
het = pf.feols(fml, data=long, weights="w", vcov="hetero")
cl = pf.feols(fml, data=long, weights="w", vcov={"CRV1": "district_id"})
ref["event_study"] = {
    "periods": [m for _, m in names],
    "estimate": [float(het.coef()[c]) for c, _ in names],
    "std_error_hc1": [float(het.se()[c]) for c, _ in names],
    "std_error_cluster": [float(cl.se()[c]) for c, _ in names],
}

# --- placebo and leave-one-out (two-period DiD with the report's controls) ------------------
def did_frame(base, end):
    df = districts.set_index("district_id").loc[ids, CONTROLS].copy()
    df["treated"] = treated.loc[ids]
    df["change"] = rate.loc[ids, end] - rate.loc[ids, base]
    df["w"] = pers.loc[ids, base]
    return df

def wls_hc1(df):
    X = sm.add_constant(df[["treated"] + CONTROLS])
    r = sm.WLS(df["change"], X, weights=df["w"]).fit(cov_type="HC1", use_t=True)
    return {"estimate": float(r.params["treated"]), "std_error": float(r.bse["treated"]),
            "p_value": float(r.pvalues["treated"])}

ref["placebo"] = wls_hc1(did_frame("2015-12", "2017-09"))
df = did_frame(BASE, END)
ref["loo"] = {"full": wls_hc1(df)["estimate"],
              "drops": {i: wls_hc1(df.drop(index=i))["estimate"] for i in df.index}}

# --- district start dates (early vs late start; Callaway-Sant'Anna cohorts) -----------------
import math
munis = pd.read_csv(os.path.join(B, "municipalities.csv"), dtype={"district_id": str, "municipality_id": str})
grants = pd.read_csv(os.path.join(B, "grants.csv"), dtype={"municipality_id": str})
g = grants[grants["issued"] <= "2018-09-30"].merge(munis[["municipality_id", "district_id"]])
def start_day(s):
    s = sorted(s)
    return s[max(math.ceil(0.5 * len(s) - 1e-9), 1) - 1]
start = g.groupby("district_id")["start"].apply(start_day)
bw = sorted(i for i in ids if treated[i] == 1.0 and i in start.index)

# --- wild cluster bootstrap (tie rule and Webb enumeration: see wild_p.py) ------------------
import numpy as np
from wild_p import wild_p
def wild(frame, cluster_col, weights_type):
    sw = np.sqrt(frame["w"])
    X = sm.add_constant(frame[["treated"] + CONTROLS]).mul(sw, axis=0)
    return wild_p(sm.OLS(frame["change"] * sw, X), "treated",
                  pd.factorize(frame[cluster_col], sort=True)[0], 9999, weights_type)
df["state"] = districts.set_index("district_id").loc[df.index, "state"]
early = df.loc[bw].copy()
early["treated"] = [float(start[i] <= "2018-02-15") for i in bw]
early["region"] = districts.set_index("district_id").loc[bw, "region"]
ref["wild"] = {
    # BW vs neighbours over the four states: all 16 Rademacher sign vectors, and all 6^4 Webb
    # vectors (the default below 12 clusters).
    "bw-vs-neighbours rademacher": wild(df, "state", "rademacher"),
    "bw-vs-neighbours webb": wild(df, "state", "webb"),
    # The Robustness page's default comparison: early vs late start over the four regions.
    "early-start webb": wild(early, "region", "webb"),
    "early-start rademacher": wild(early, "region", "rademacher"),
}

# --- Callaway-Sant'Anna on the BW districts, cohorts = district start month -----------------
from csdid.att_gt import ATTgt
emp["t"] = (emp["year"] - 2014) * 12 + emp["m"]
cs = emp[emp["district_id"].isin(bw)][["district_id", "t", "rate"]].copy()
cs["g"] = cs["district_id"].map(lambda i: (int(start[i][:4]) - 2014) * 12 + int(start[i][5:7]))
cs["id"] = cs["district_id"].map({d: k for k, d in enumerate(bw)})
att = ATTgt(yname="rate", tname="t", idname="id", gname="g", data=cs, control_group="notyettreated",
            panel=True).fit(est_method="dr", bstrap=False)
simple = dict(att.aggte(typec="simple", bstrap=False).atte)
ref["staggered"] = {"estimate": float(simple["overall_att"]), "std_error": float(simple["overall_se"])}

with open(os.path.join(here, "sample_reference.json"), "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
print("wrote sample_reference.json:", len(names), "event-study coefficients,", len(ids), "districts")
