"""Reference values for the event-time estimators (Sun-Abraham, the TWFE event study beside
it, imputation, two-stage) from independent implementations, on the synthetic fixture with
cohort-specific effects (bundle/, make_bundle.py) and on the shipped sample.

The panel is re-derived here in pandas from the bundle's CSVs (bundle-format.md, "Derived
quantities"): the BW districts' monthly employment rate (employed_total per 100 persons aged
15-64, persons interpolated between year-ends), each district's cohort = the month of its start
(the start_share rule over grants issued by the rules' date), the months from the data's first
to the month before the last cohort starts (the last cohort is the control, untreated in this
window), weights = persons at the base month (2017-12).

- Sun-Abraham: pyfixest feols of the saturated cohort x months-since-start regression with
  district and month FE, vcov CRV1 by district (weighted and unweighted); the interaction-
  weighted aggregates by cohort share and the overall ATT (cells weighted by treated district-
  months) are linear combinations of its coefficients, their SEs from its covariance. Also
  diff-diff SunAbraham (unweighted, cluster = district, control = the last cohort coded as
  never treated) for the points; its SEs use diff-diff's own small-sample convention.
- TWFE: pyfixest feols with one dummy per month since start (-1 omitted, the control cohort
  without dummies) and the static "started" dummy, CRV1 by district.
- Imputation: diff-diff ImputationDiD (unweighted, cluster = district, aux_partition
  cohort_horizon: BJS Theorem 3 conservative variance).
- Two-stage: diff-diff TwoStageDiD (unweighted) and pyfixest did2s (weighted and unweighted;
  Gardner's GMM variance, clustered by district), event study and static. did2s fits its first
  stage by iterated demeaning to fixest's tolerance, so its points sit ~1e-6 from the exact
  least-squares ones (diff-diff's agree with each other to 1e-13).

Run: python3 make_reference.py   (writes reference.json and sample_reference.json)
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != here]
import pyfixest as pf  # noqa: E402
import diff_diff  # noqa: E402

BASE = "2017-12"


def panel(bundle):
    read = lambda t, **k: pd.read_csv(os.path.join(bundle, f"{t}.csv"), **k)
    districts = read("districts", dtype={"district_id": str})
    emp, pop = read("employment", dtype={"district_id": str}), read("population", dtype={"district_id": str})
    munis = read("municipalities", dtype={"district_id": str, "municipality_id": str})
    grants = read("grants", dtype={"municipality_id": str})
    P = pop.set_index(["district_id", "year"])["persons_15_64"].astype(float)
    emp["year"] = emp["month"].str[:4].astype(int)
    emp["m"] = emp["month"].str[5:].astype(int)
    this = P.reindex(list(zip(emp["district_id"], emp["year"]))).values
    prev = P.reindex(list(zip(emp["district_id"], emp["year"] - 1))).values
    emp["persons"] = prev + (this - prev) * emp["m"] / 12
    emp.loc[emp["m"] == 12, "persons"] = this[emp["m"] == 12]
    emp["rate"] = emp["employed_total"] * 100.0 / emp["persons"]
    g = grants[grants["issued"] <= "2018-09-30"].merge(munis[["municipality_id", "district_id"]])

    def start_day(s):
        s = sorted(s)
        return s[max(math.ceil(0.5 * len(s) - 1e-9), 1) - 1]

    start = g.groupby("district_id")["start"].apply(start_day).str[:7]
    bw = sorted(set(districts.loc[districts["state"] == "BW", "district_id"]) & set(start.index)
                & set(emp["district_id"]))
    first = emp["month"].min()
    bw = [d for d in bw if start[d] > first]
    control = max(start[d] for d in bw)
    cy, cm = int(control[:4]), int(control[5:])
    last = f"{cy - (cm == 1)}-{(cm - 2) % 12 + 1:02d}"
    months = sorted(m for m in emp["month"].unique() if first <= m <= last)
    d = emp[emp["district_id"].isin(bw) & emp["month"].isin(months)].copy()
    assert d.groupby("district_id").size().eq(len(months)).all(), "unbalanced"
    base_persons = emp[emp["month"] == BASE].set_index("district_id")["persons"]
    idx = lambda m: int(m[:4]) * 12 + int(m[5:]) - 1
    d["t"] = d["month"].map(idx)
    d["g"] = d["district_id"].map(lambda i: idx(start[i]))
    d["w"] = d["district_id"].map(base_persons)
    d["unit"] = d["district_id"].map({x: k for k, x in enumerate(bw)})
    d["control"] = d["g"] == idx(control)
    d["rel"] = d["t"] - d["g"]
    d["treated"] = ((~d["control"]) & (d["rel"] >= 0)).astype(float)
    return d.sort_values(["unit", "t"]).reset_index(drop=True), idx(control)


def month_of(t):
    return f"{t // 12}-{t % 12 + 1:02d}"


def sun_abraham(d, weighted):
    d = d.copy()
    cells = sorted({(g, r) for g, r, c in zip(d["g"], d["rel"], d["control"]) if not c and r != -1})
    names = []
    for k, (g, r) in enumerate(cells):
        col = f"c{k}"
        d[col] = ((d["g"] == g) & (d["rel"] == r) & ~d["control"]).astype(float)
        names.append(col)
    fml = "rate ~ " + " + ".join(names) + " | unit + t"
    fit = pf.feols(fml, data=d, weights="w" if weighted else None, vcov={"CRV1": "unit"})
    b = fit.coef()[names].values
    V = fit._vcov[np.ix_([list(fit.coef().index).index(n) for n in names]) * 2] if False else None
    order = list(fit.coef().index)
    ix = [order.index(n) for n in names]
    V = np.asarray(fit._vcov)[np.ix_(ix, ix)]
    w = d.groupby("unit")["w"].first() if weighted else d.groupby("unit")["w"].first() * 0 + 1
    gof = d.groupby("unit")["g"].first()
    mass = {g: float(w[gof == g].sum()) for g in set(gof)}

    def combine(c):
        c = np.asarray(c)
        return float(c @ b), float(np.sqrt(c @ V @ c))

    event = {}
    for r in sorted({r for _, r in cells}):
        these = [k for k, (g, rr) in enumerate(cells) if rr == r]
        tot = sum(mass[cells[k][0]] for k in these)
        c = np.zeros(len(cells))
        for k in these:
            c[k] = mass[cells[k][0]] / tot
        event[str(r)] = combine(c)
    post = [k for k, (g, r) in enumerate(cells) if r >= 0]
    tot = sum(mass[cells[k][0]] for k in post)
    c = np.zeros(len(cells))
    for k in post:
        c[k] = mass[cells[k][0]] / tot
    cohort_effects = {f"{month_of(g)} {r}": [float(b[k]), float(np.sqrt(V[k, k]))]
                      for k, (g, r) in enumerate(cells)}
    return {"event_time": event, "overall": combine(c), "cohort_effects": cohort_effects}


def twfe(d, weighted):
    d = d.copy()
    rels = sorted({r for r, c in zip(d["rel"], d["control"]) if not c and r != -1})
    names = []
    for k, r in enumerate(rels):
        col = f"e{k}"
        d[col] = ((d["rel"] == r) & ~d["control"]).astype(float)
        names.append(col)
    wt = "w" if weighted else None
    fit = pf.feols("rate ~ " + " + ".join(names) + " | unit + t", data=d, weights=wt, vcov={"CRV1": "unit"})
    static = pf.feols("rate ~ treated | unit + t", data=d, weights=wt, vcov={"CRV1": "unit"})
    return {"event_time": {str(r): [float(fit.coef()[n]), float(fit.se()[n])] for r, n in zip(rels, names)},
            "overall": [float(static.coef()["treated"]), float(static.se()["treated"])]}


def did2s(d, weighted):
    d = d.copy()
    d["rel_post"] = np.where(d["treated"] > 0, d["rel"], -1000)
    wt = "w" if weighted else None
    es = pf.did2s(d, yname="rate", first_stage="~ 0 | unit + t", second_stage="~ i(rel_post, ref=-1000)",
                  treatment="treated", cluster="unit", weights=wt)
    static = pf.did2s(d, yname="rate", first_stage="~ 0 | unit + t", second_stage="~ treated",
                      treatment="treated", cluster="unit", weights=wt)
    out = {}
    for name in es.coef().index:
        r = int(float(name.split("::")[1].rstrip("]").split(".")[0]))
        out[str(r)] = [float(es.coef()[name]), float(es.se()[name])]
    return {"event_time": out, "overall": [float(static.coef()["treated"]), float(static.se()["treated"])]}


def diff_diff_refs(d, weighted):
    dd = d.copy()
    dd["first_treat"] = np.where(dd["control"], 0, dd["g"])
    out = {}
    # Weights enter diff-diff only through a survey design (persons as sampling weights).
    sd = {"survey_design": diff_diff.SurveyDesign(weights="w")} if weighted else {}
    if weighted:
        return {k: fit_imputation(cls, dd, sd) for k, cls in
                [("imputation", diff_diff.ImputationDiD), ("two_stage", diff_diff.TwoStageDiD)]}
    sa = diff_diff.SunAbraham(control_group="never_treated", cluster="unit").fit(
        dd, outcome="rate", unit="unit", time="t", first_treat="first_treat")
    out["sun_abraham"] = {"event_time": {str(int(e)): [float(v["effect"]), float(v["se"])]
                                         for e, v in sa.event_study_effects.items()},
                          "overall": [float(sa.overall_att), float(sa.overall_se)]}
    out["imputation"] = fit_imputation(diff_diff.ImputationDiD, dd, sd)
    out["two_stage"] = fit_imputation(diff_diff.TwoStageDiD, dd, sd)
    return out


def fit_imputation(cls, dd, sd):
    r = cls(cluster="unit").fit(dd, outcome="rate", unit="unit", time="t", first_treat="first_treat",
                                aggregate="event_study", **sd)
    # Event times from 0 on (diff-diff lists the reference -1 as well).
    return {"event_time": {str(int(e)): [float(v["effect"]), float(v["se"])]
                           for e, v in r.event_study_effects.items()
                           if np.isfinite(v["effect"]) and e >= 0},
            "overall": [float(r.overall_att), float(r.overall_se)]}


def reference(bundle):
    d, control_t = panel(bundle)
    ref = {"versions": {"pyfixest": pf.__version__, "diff_diff": diff_diff.__version__,
                        "pandas": pd.__version__},
           "units": int(d["unit"].nunique()), "periods": int(d["t"].nunique()),
           "first_month": month_of(int(d["t"].min())), "last_month": month_of(int(d["t"].max())),
           "control_cohort": month_of(control_t)}
    for weighted in (False, True):
        key = "weighted" if weighted else "unweighted"
        ref[key] = {"sun_abraham": sun_abraham(d, weighted), "twfe": twfe(d, weighted)}
        try:
            ref[key]["two_stage"] = did2s(d, weighted)
        except ValueError as e:
            # pyfixest's did2s drops singleton fixed effects in its first stage (a month with
            # one untreated district: the shipped sample's control cohort is one district)
            # and then fails to align its residuals; diff-diff's TwoStageDiD is used there.
            ref[key]["two_stage_skipped"] = f"pyfixest did2s: {e}"
    ref["diff_diff_unweighted"] = diff_diff_refs(d, False)
    ref["diff_diff_weighted"] = diff_diff_refs(d, True)
    return ref


if __name__ == "__main__":
    targets = {"reference.json": os.path.join(here, "bundle"),
               "sample_reference.json": os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")}
    for out, bundle in targets.items():
        ref = reference(bundle)
        with open(os.path.join(here, out), "w") as f:
            json.dump(ref, f, indent=1, sort_keys=True)
        print("wrote", out, ref["units"], "districts,", ref["periods"], "months, control", ref["control_cohort"])
