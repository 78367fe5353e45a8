"""Independent reference values for the robustness checks (tests/core/robust_reference.rs).

Reads the CSVs of tests/reference/robust/bundle directly and re-implements the bundle's
definitions in pandas (bundle-format.md, "Derived quantities"), then estimates with
  - pyfixest feols (event study: weights, vcov "hetero" and {"CRV1": "district"}; dose),
  - statsmodels WLS HC1 (placebo, leave-one-out),
  - wildboottest (WCR, bootstrap_type "11", on the sqrt(w)-scaled regression: wildboottest
    ignores weights, and WLS is OLS on sqrt(w)-scaled data; ties |t*| = |t| count and Webb's
    weights are enumerated when 6^G <= B, see wild_p.py),
  - csdid att_gt (control_group "notyettreated", unweighted, analytic SEs) and aggte.
Writes reference.json next to this script. Run: python3 make_reference.py
Versions used: see the "versions" entry of reference.json.
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import pyfixest as pf
import statsmodels.api as sm
from scipy import stats

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
B = os.path.join(here, "bundle")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str, "municipality_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
munis, grants, staffing, target = read("municipalities"), read("grants"), read("staffing"), read("target_group")
CONTROLS = ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019", "urban"]
districts["urban"] = districts["urban"].astype(str).str.lower().eq("true").astype(float)
BASE, END = "2017-12", "2019-09"

# Monthly rates with linearly interpolated persons (December = year-end figure).
P = pop.set_index(["district_id", "year"])["persons_15_64"].astype(float)
emp["year"] = emp["month"].str[:4].astype(int)
emp["m"] = emp["month"].str[5:].astype(int)
def persons(row):
    this = P[(row.district_id, row.year)]
    if row.m == 12:
        return this
    prev = P[(row.district_id, row.year - 1)]
    return prev + (this - prev) * row.m / 12
emp["persons"] = emp.apply(persons, axis=1)
emp["rate"] = emp["employed_total"] * 100.0 / emp["persons"]
emp["t"] = (emp["year"] - 2014) * 12 + emp["m"]  # 1 = 2014-01
rate = emp.pivot(index="district_id", columns="month", values="rate")
pers = emp.pivot(index="district_id", columns="month", values="persons")

# District start: the ceil(0.5 |G|)-th earliest start of the grants issued by 2018-09-30.
g = grants[grants["issued"] <= "2018-09-30"].merge(munis[["municipality_id", "district_id"]])
def start_day(s):
    s = sorted(s)
    return s[max(math.ceil(0.5 * len(s) - 1e-9), 1) - 1]
start = g.groupby("district_id")["start"].apply(start_day)
bw = districts[districts["state"] == "BW"]["district_id"].tolist()

# Capacity change per 100 target persons (all municipalities of the bundle are funded and report).
st = staffing.merge(munis[["municipality_id", "district_id"]])
D = target[target["wave"] == "2018-12-15"].merge(munis[["municipality_id", "district_id"]]).groupby("district_id")["target_persons"].sum()
cap = (st.groupby("district_id")["fte_after"].sum() - st.groupby("district_id")["fte_before"].sum()) / (D / 100)

def comparison(name):
    """(units, treated series, measure series or None)"""
    if name == "bw-vs-neighbours":
        ids = districts["district_id"].tolist()
        return ids, pd.Series({i: i in bw for i in ids}), None
    if name == "early-start":
        return bw, pd.Series({i: start[i] <= "2018-02-15" for i in bw}), None
    if name == "capacity":
        m = cap.loc[bw]
        return bw, m > m.median(), m
    raise ValueError(name)

def did_frame(name, base=BASE, end=END):
    ids, treated, measure = comparison(name)
    df = districts.set_index("district_id").loc[ids, CONTROLS + ["state", "region", "name"]].copy()
    df["treated"] = treated.loc[ids].astype(float)
    df["change"] = rate.loc[ids, end] - rate.loc[ids, base]
    df["w"] = pers.loc[ids, base]
    if measure is not None:
        df["measure"] = measure.loc[ids]
    return df

def wls_hc1(df, term, controls=CONTROLS):
    X = sm.add_constant(df[[term] + controls])
    r = sm.WLS(df["change"], X, weights=df["w"]).fit(cov_type="HC1", use_t=True)
    return {"estimate": r.params[term], "std_error": r.bse[term], "p_value": r.pvalues[term]}

ref = {"versions": {"pyfixest": pf.__version__, "statsmodels": sm.__version__, "pandas": pd.__version__}}

# --- event study -------------------------------------------------------------------------
def event_study(name, quarterly):
    ids, treated, _ = comparison(name)
    months = sorted(rate.columns)
    if quarterly:
        months = [m for m in months if int(m[5:]) % 3 == 0]
    base = BASE
    long = rate.loc[ids, months].stack().rename("rate").reset_index()
    long["w"] = long["district_id"].map(pers.loc[ids, BASE])
    long["treated"] = long["district_id"].map(treated.astype(float))
    names = []
    for k, m in enumerate(months):
        if m == base:
            continue
        col = f"d{k}"
        long[col] = long["treated"] * (long["month"] == m)
        names.append((col, m))
    fml = "rate ~ " + " + ".join(c for c, _ in names) + " | district_id + month"
    het = pf.feols(fml, data=long, weights="w", vcov="hetero")
    cl = pf.feols(fml, data=long, weights="w", vcov={"CRV1": "district_id"})
    pre = [c for c, m in names if m < base]
    def wald(fit, df_den):
        b = fit.coef()[pre].values
        V = fit._vcov[np.ix_([fit._coefnames.index(c) for c in pre], [fit._coefnames.index(c) for c in pre])]
        W = float(b @ np.linalg.solve(V, b))
        F = W / len(pre)
        return {"f": F, "df_num": len(pre), "df_den": df_den, "p_value": float(stats.f.sf(F, len(pre), df_den))}
    n, U, T = len(long), len(ids), len(months)
    out = {
        "periods": [m for _, m in names],
        "estimate": [float(het.coef()[c]) for c, _ in names],
        "std_error_hc1": [float(het.se()[c]) for c, _ in names],
        "std_error_cluster": [float(cl.se()[c]) for c, _ in names],
        "pre_trend_hc1": wald(het, n - (len(names) + U + T - 1)),
    }
    if len(pre) < U:
        out["pre_trend_cluster"] = wald(cl, U - 1)
    return out
ref["event_study"] = {
    "bw-vs-neighbours monthly": event_study("bw-vs-neighbours", False),
    "early-start quarterly": event_study("early-start", True),
}

# --- dose, placebo, leave-one-out ----------------------------------------------------------
df = did_frame("capacity")
fit = pf.feols("change ~ measure + " + " + ".join(CONTROLS), data=df, weights="w", vcov="hetero")
ref["dose capacity"] = {"estimate": float(fit.coef()["measure"]), "std_error": float(fit.se()["measure"]),
                        "p_value": float(fit.pvalue()["measure"])}
ref["placebo early-start"] = wls_hc1(did_frame("early-start", "2015-12", "2017-09"), "treated")
loo = {}
df = did_frame("bw-vs-neighbours")
for i in df.index:
    loo[i] = wls_hc1(df.drop(index=i), "treated")["estimate"]
ref["loo bw-vs-neighbours"] = {"full": wls_hc1(df, "treated")["estimate"], "drops": loo}

# --- wild cluster bootstrap ----------------------------------------------------------------
from wild_p import wild_p  # tie rule and Webb enumeration: see wild_p.py
def wild(name, cluster_col, weights_type, B):
    df = did_frame(name)
    s = np.sqrt(df["w"])
    X = sm.add_constant(df[["treated"] + CONTROLS]).mul(s, axis=0)
    y = df["change"] * s
    model = sm.OLS(y, X)
    return wild_p(model, "treated", pd.factorize(df[cluster_col], sort=True)[0], B, weights_type)
ref["wild"] = {
    "capacity rademacher": wild("capacity", "region", "rademacher", 9999),
    "bw-vs-neighbours rademacher": wild("bw-vs-neighbours", "state", "rademacher", 9999),
    # 6^4 = 1296 <= 9999: all Webb vectors, so the p-value is exact.
    "early-start webb": wild("early-start", "region", "webb", 9999),
    # 999 < 1296: drawn at random (numpy's draws, not wirkung's: compared within Monte Carlo error).
    "early-start webb drawn": wild("early-start", "region", "webb", 999),
}

# --- Callaway-Sant'Anna --------------------------------------------------------------------
from csdid.att_gt import ATTgt
cs = emp[emp["district_id"].isin(bw)][["district_id", "t", "rate"]].copy()
cs["g"] = cs["district_id"].map(lambda i: (int(start[i][:4]) - 2014) * 12 + int(start[i][5:7]))
cs["id"] = cs["district_id"].map({d: k for k, d in enumerate(sorted(bw))})
att = ATTgt(yname="rate", tname="t", idname="id", gname="g", data=cs, control_group="notyettreated",
            panel=True).fit(est_method="dr", bstrap=False)
res = att.results
month_of = lambda t: f"{2014 + (int(t) - 1) // 12}-{(int(t) - 1) % 12 + 1:02d}"
gt = [{"cohort": month_of(g_), "month": month_of(t_), "att": float(a_), "std_error": float(s_)}
      for g_, t_, a_, s_ in zip(res["group"], res["year"], res["att"], res["se"])]
ref["staggered"] = {"group_time": gt}
dyn = dict(att.aggte(typec="dynamic", bstrap=False).atte)
ref["staggered"]["event_time"] = {str(int(e)): [float(a), float(s)] for e, a, s in
                                   zip(dyn["egt"], dyn["att_egt"], dyn["se_egt"])}
simple = dict(att.aggte(typec="simple", bstrap=False).atte)
ref["staggered"]["overall"] = {"estimate": float(simple["overall_att"]), "std_error": float(simple["overall_se"])}

with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(ref, f, indent=1, default=float)
print("wrote reference.json")
