"""Reference values for the spillover check (`wirkung robustness --check spillover`) on the
shipped sample: the report's DiD of employment (SV + marginal) Dec 2017 -> Sep 2019 for BW vs
neighbours, weighted by persons at base and unweighted, with the report's four district
controls, HC1 (statsmodels WLS(...).fit(cov_type="HC1", use_t=True)), once on every district
with employment data and once without the control districts whose `borders_bw` is true.

The panel is rebuilt here from the raw CSV tables after docs/bundle-format.md (the same
reading as tests/reference/cr1/make_cr1_reference.py), not taken from wirkung.

Writes spillover_reference.json next to this script. Run: python3 make_spillover_reference.py
"""
import json
import os

import pandas as pd
import statsmodels
import statsmodels.api as sm

here = os.path.dirname(os.path.abspath(__file__))
B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
CONTROLS = ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019", "urban"]
flag = lambda s: s.astype(str).str.lower().eq("true")
districts["urban"] = flag(districts["urban"]).astype(float)
districts["borders_bw"] = flag(districts["borders_bw"])
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
df = d.loc[ids, CONTROLS + ["state", "name", "borders_bw"]].copy()
df["treated"] = d.loc[ids, "state"].eq("BW").astype(float)
df["change"] = rate.loc[ids, END] - rate.loc[ids, BASE]
df["w"] = pers.loc[ids, BASE]


def hc1(frame, weighted):
    X = sm.add_constant(frame[["treated"] + CONTROLS])[["treated", "const"] + CONTROLS]
    w = frame["w"] if weighted else None
    model = sm.WLS(frame["change"], X, weights=w) if weighted else sm.OLS(frame["change"], X)
    r = model.fit(cov_type="HC1", use_t=True)
    ci = r.conf_int().loc["treated"]
    return {
        "n": int(r.nobs),
        "estimate": float(r.params["treated"]),
        "std_error": float(r.bse["treated"]),
        "p_value": float(r.pvalues["treated"]),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
    }


without = df[~((df["treated"] == 0) & df["borders_bw"])]
dropped = sorted(df.index[(df["treated"] == 0) & df["borders_bw"]])
ref = {
    "versions": {"statsmodels": statsmodels.__version__, "pandas": pd.__version__},
    "dropped": dropped,
}
for weighted in (True, False):
    key = "weighted" if weighted else "unweighted"
    ref[key] = {"full": hc1(df, weighted), "without_border": hc1(without, weighted)}

with open(os.path.join(here, "spillover_reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
print(json.dumps(ref, indent=1))
