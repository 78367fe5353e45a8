"""Reference values for the "IM via the district office vs not" comparison
(`wirkung ... --comparison district-office`), rebuilt from the raw CSV tables after
docs/bundle-format.md ("Organisation of IM") with pandas, estimated with statsmodels.

For each bundle (the synthetic fixture in bundle/, written by make_fixture.py, and the shipped
sample in sample-data/bw-integration/):
- the split: per BW district the share of its funded municipalities with an organisation
  answer whose IM runs via the district office (`district_office` or `external_district`),
  the median over every district with a share (before any district is dropped for a missing
  outcome or control), treated = share > median; districts without a share are excluded;
- employment (SV + marginal) at district level, change employment_base -> employment_end,
  weighted by HHL persons 15-64 at the base month (interpolated between year-ends);
- housing at municipality level: treated = the municipality's own IM runs via the district
  office; funded municipalities with an organisation answer; decentralised-housing share
  housing_end - housing_base (a wave counts when its row has target_persons > 0 and
  housing_decentral), weighted by target persons at the base wave;
- each without and with the bundle's declared controls (`all`), HC1
  (statsmodels WLS(...).fit(cov_type="HC1", use_t=True)) weighted and unweighted, and CR1 by
  government region (cov_type="cluster", use_t=True: G/(G-1)(n-1)/(n-k), t(G-1)) weighted;
- the dose check at district level: the share instead of the split, HC1, weighted and not.

Writes reference.json next to this script. Run: python3 make_reference.py
"""
import json
import os
import tomllib

import pandas as pd
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLES = {
    "fixture": os.path.join(HERE, "bundle"),
    "sample": os.path.join(HERE, "..", "..", "..", "sample-data", "bw-integration"),
}
VIA = {"district_office", "external_district"}


def flag(s):
    return s.astype(str).str.strip().str.lower().eq("true")


def load(path):
    read = lambda t: pd.read_csv(os.path.join(path, f"{t}.csv"),
                                 dtype={"district_id": str, "municipality_id": str})
    with open(os.path.join(path, "bundle.toml"), "rb") as f:
        manifest = tomllib.load(f)
    return manifest, {t: read(t) for t in
                      ["districts", "municipalities", "employment", "population", "target_group"]}


def controls(manifest, level, family):
    return [c["column"] for c in manifest.get("controls", [])
            if c["level"] == level and family in c["outcomes"]]


def numeric(frame, cols):
    out = frame[cols].copy()
    for c in cols:
        if out[c].dtype == object or out[c].dtype == bool:
            out[c] = flag(out[c]).astype(float).where(out[c].notna())
        out[c] = out[c].astype(float)
    return out


def split(t):
    d, m = t["districts"], t["municipalities"]
    bw = sorted(d.loc[d["state"] == "BW", "district_id"])
    funded = m[flag(m["funded"])]
    answered = funded[funded["organisation"].notna() & funded["organisation"].astype(str).str.strip().ne("")]
    share = answered.assign(via=answered["organisation"].isin(VIA)).groupby("district_id")["via"].mean()
    share = share.reindex(bw).dropna()
    med = float(share.median())
    return {
        "shares": {k: float(v) for k, v in share.items()},
        "median": med,
        "treated": sorted(share.index[share > med]),
        "excluded": sorted(set(bw) - set(share.index)),
    }


def fit(frame, regressors, weighted, cov, term="treated"):
    X = sm.add_constant(frame[regressors].astype(float))[[term, "const"] + regressors[1:]]
    model = sm.WLS(frame["change"], X, weights=frame["w"]) if weighted else sm.OLS(frame["change"], X)
    if cov == "CR1":
        codes = pd.factorize(frame["cluster"], sort=True)[0]
        r = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    else:
        r = model.fit(cov_type="HC1", use_t=True)
    ci = r.conf_int().loc[term]
    return {
        "n": int(r.nobs),
        "estimate": float(r.params[term]),
        "std_error": float(r.bse[term]),
        "p_value": float(r.pvalues[term]),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "r2": float(r.rsquared),
    }


def estimates(panel, ctrl):
    out = {}
    for name, regs in [("none", ["treated"]), ("all", ["treated"] + ctrl)]:
        p = panel.dropna(subset=["change", "w"] + regs)
        out[name] = {
            "units": sorted(p.index),
            "hc1_weighted": fit(p, regs, True, "HC1"),
            "hc1_unweighted": fit(p, regs, False, "HC1"),
            "cr1_weighted": fit(p, regs, True, "CR1"),
        }
        if "share" in p:
            # The dose check: the share itself instead of the split, HC1.
            dose = ["share"] + regs[1:]
            out[name]["dose_hc1_weighted"] = fit(p, dose, True, "HC1", "share")
            out[name]["dose_hc1_unweighted"] = fit(p, dose, False, "HC1", "share")
    return out


def employment(manifest, t, s):
    per = manifest["periods"]
    base, end = per["employment_base"], per["employment_end"]
    emp, pop, d = t["employment"].copy(), t["population"], t["districts"].set_index("district_id")
    P = pop.drop_duplicates(["district_id", "year"]).set_index(["district_id", "year"])["persons_15_64"].astype(float)
    emp = emp.drop_duplicates(["district_id", "month"])
    emp = emp[emp["month"].isin([base, end])].copy()
    emp["year"] = emp["month"].str[:4].astype(int)
    emp["m"] = emp["month"].str[5:].astype(int)
    this = P.reindex(list(zip(emp["district_id"], emp["year"]))).values
    prev = P.reindex(list(zip(emp["district_id"], emp["year"] - 1))).values
    emp["persons"] = prev + (this - prev) * emp["m"] / 12
    emp.loc[emp["m"] == 12, "persons"] = this[emp["m"] == 12]
    emp["rate"] = emp["employed_total"] * 100.0 / emp["persons"]
    rate = emp.pivot(index="district_id", columns="month", values="rate")
    pers = emp.pivot(index="district_id", columns="month", values="persons")
    ids = sorted(s["shares"])
    ctrl = controls(manifest, "district", "employment")
    panel = numeric(d.loc[ids], ctrl)
    panel["treated"] = [float(i in s["treated"]) for i in ids]
    panel["share"] = [s["shares"][i] for i in ids]
    panel["change"] = rate.reindex(ids)[end] - rate.reindex(ids)[base]
    panel["w"] = pers.reindex(ids)[base]
    panel["cluster"] = d.loc[ids, "region"]
    return estimates(panel, ctrl)


def housing(manifest, t):
    per = manifest["periods"]
    base, end = str(per["housing_base"]), str(per["housing_end"])
    m, d = t["municipalities"], t["districts"].set_index("district_id")
    funded = m[flag(m["funded"])]
    answered = funded[funded["organisation"].notna() & funded["organisation"].astype(str).str.strip().ne("")]
    answered = answered.drop_duplicates("municipality_id").set_index("municipality_id")
    tg = t["target_group"].drop_duplicates(["municipality_id", "wave"]).set_index(["municipality_id", "wave"])

    def wave(w):
        rows = tg.reindex(list(zip(answered.index, [w] * len(answered))))
        ok = rows["target_persons"].gt(0) & rows["housing_decentral"].notna()
        share = (rows["housing_decentral"] * 100.0 / rows["target_persons"]).where(ok)
        return share.values, rows["target_persons"].where(ok).values

    (b, wb), (e, _) = wave(base), wave(end)
    ctrl = controls(manifest, "municipality", "housing")
    panel = numeric(answered, ctrl)
    panel["treated"] = answered["organisation"].isin(VIA).astype(float)
    panel["change"] = e - b
    panel["w"] = wb
    panel["cluster"] = d["region"].reindex(answered["district_id"]).values
    return estimates(panel, ctrl)


ref = {"versions": {"statsmodels": statsmodels.__version__, "pandas": pd.__version__}}
for name, path in BUNDLES.items():
    manifest, t = load(path)
    s = split(t)
    ref[name] = {"split": s, "employment_district": employment(manifest, t, s),
                 "housing_municipality": housing(manifest, t)}
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
for name in BUNDLES:
    r = ref[name]
    print(name, "median", r["split"]["median"], "excluded", r["split"]["excluded"])
    for k in ("employment_district", "housing_municipality"):
        for c in ("none", "all"):
            x = r[k][c]["hc1_weighted"]
            print(f"  {k} {c}: {x['estimate']:.4f} ({x['std_error']:.4f}) p={x['p_value']:.3f} n={x['n']}")
