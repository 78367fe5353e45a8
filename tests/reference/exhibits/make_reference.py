"""Reference values of the exhibits (`wirkung exhibit`), computed with pandas from the raw
tables of tests/fixtures/exhibits/ and written to reference.json beside this script.

Written from the definitions in the report (chapters 3 and 4) and docs/bundle-format.md,
not from the Rust code: tests/core/view_exhibits.rs compares every value of every exhibit
below with what wirkung computes (to 1e-9).

abb43 (capacity per district) is left out: its derivation is checked against the pandas
implementation in tests/fixtures/hand/reference/derive.py.

    python3 tests/reference/exhibits/make_reference.py [BUNDLE_DIR]
"""
import json
import math
import pathlib
import sys
import tomllib

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportions_ztest
from scipy.stats import chi2_contingency

HERE = pathlib.Path(__file__).resolve().parent
BUNDLE = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / "fixtures/exhibits"
ID = {"municipality_id": str, "district_id": str}

manifest = tomllib.loads((BUNDLE / "bundle.toml").read_text(encoding="utf-8"))
read = lambda t: pd.read_csv(BUNDLE / f"{t}.csv", dtype=ID)
munis = read("municipalities")
munis["funded"] = munis["funded"].astype(str).str.lower() == "true"
funded = munis[munis.funded]
districts = read("districts")
grants = read("grants")
staffing = read("staffing")
target = read("target_group")
survey = read("manager_survey")
activity = read("activity").drop_duplicates()  # exact duplicates are dropped

out = {}


def pct(k, n):
    return None if n == 0 else 100.0 * k / n


def exhibit(eid, n, rows):
    out[eid] = {"n": int(n), "rows": [{"label": l, "values": v} for l, v in rows]}


# Abb. 4 and Abb. 5 regions: the start day is the k-th earliest start among grants issued by
# grants_issued_by, k = ceil(start_share × number of grants).
rules = manifest["rules"]
g = grants[grants.issued <= str(rules["grants_issued_by"])].merge(
    munis[["municipality_id", "district_id"]], on="municipality_id", how="inner")


def start_day(starts):
    s = sorted(starts)
    k = math.ceil(rules["start_share"] * len(s) - 1e-12)
    return s[max(k, 1) - 1]


m_start = g.groupby("municipality_id").start.apply(start_day)
months = pd.PeriodIndex(pd.to_datetime(m_start), freq="M")
axis = pd.period_range("2017-01", "2018-10", freq="M")
counts = pd.Series(months).value_counts()
running, rows = 0, []
for p in axis:
    c = int(counts.get(p, 0))
    running += c
    rows.append((f"{p.month}/{p.year % 100:02d}", {"municipalities": c,
                                                   "cumulative_pct": pct(running, len(m_start))}))
exhibit("abb4", len(m_start), rows)

d_start = g.groupby("district_id").start.apply(start_day).reset_index().merge(districts, on="district_id")
d_start["early"] = d_start.start <= str(rules["early_cutoff"])
rows = []
for region, grp in d_start.groupby("region"):
    e = int(grp.early.sum())
    rows.append((region, {"districts": len(grp), "early": e, "late": len(grp) - e,
                          "early_pct": pct(e, len(grp))}))
exhibit("abb5-regions", len(d_start), rows)

# Tab. 5: sign of fte_after − fte_before, changes within ±0.005 FTE are no change.
st = funded.merge(staffing, on="municipality_id", how="left")
delta = st.fte_after - st.fte_before
cls = np.where(delta.isna(), "No answer",
               np.where(delta > 0.005, "Increase", np.where(delta < -0.005, "Decrease", "No change")))
w = st.refugees_2017.fillna(0)
rows = []
for label in ["Decrease", "No change", "Increase", "No answer"]:
    k = int((cls == label).sum())
    rows.append((label, {"municipalities": k, "share_pct": pct(k, len(st)),
                         "refugee_weighted_pct": 100.0 * w[cls == label].sum() / w.sum()}))
rows.append(("Total", {"municipalities": len(st), "share_pct": 100.0, "refugee_weighted_pct": 100.0}))
exhibit("tab5", len(st), rows)

# §3.2: FTE before IM among funded municipalities' staffing rows.
sb = funded.merge(staffing, on="municipality_id", how="inner")
nb = sb.nobody_before.dropna().astype(str).str.lower() == "true"
exhibit("staffing-before", len(funded), [
    ("mean FTE", {"value": sb.fte_before.mean(), "municipalities": int(sb.fte_before.notna().sum())}),
    ("median FTE", {"value": sb.fte_before.median(), "municipalities": int(sb.fte_before.notna().sum())}),
    ("nobody responsible (%)", {"value": pct(int(nb.sum()), len(nb)), "municipalities": len(nb)}),
])

# Abb. 6: bins of 0.25 FTE from −1 to 3 by lower edge, outer bins open.
d = delta.dropna()
idx = np.clip(np.floor((d + 1.0) / 0.25 + 1e-9), 0, 15).astype(int)
labels = ["<-0.75"] + [f"{-1 + 0.25 * i:g}" for i in range(1, 16)]
rows = [(labels[i], {"municipalities": int((idx == i).sum()), "pct": pct(int((idx == i).sum()), len(d))})
        for i in range(16)]
k = int(((d > 0.005) & (d <= 0.5 + 1e-9)).sum())
rows.append(("over 0 to 0.5", {"municipalities": k, "pct": pct(k, len(d))}))
exhibit("abb6", len(d), rows)

# Abb. 7: funded FTE per funded municipality (sum of its grants, 0 without one).
fte = funded[["municipality_id"]].merge(
    grants.groupby("municipality_id").fte.sum().reset_index(), how="left").fte.fillna(0.0)
bands = [("up to 0.5", -np.inf, 0.5), ("over 0.5 to 1", 0.5, 1.0), ("over 1 to 2", 1.0, 2.0),
         ("over 2 to 5", 2.0, 5.0), ("over 5", 5.0, np.inf)]
rows = []
for label, lo, hi in bands:
    k = int(((fte > lo + 1e-9) & (fte <= hi + 1e-9)).sum())
    rows.append((label, {"municipalities": k, "pct": pct(k, len(fte))}))
k = int((fte <= 1 + 1e-9).sum())
rows.append(("at most 1", {"municipalities": k, "pct": pct(k, len(fte))}))
exhibit("abb7", len(fte), rows)

# Abb. 9: organisation among all funded municipalities.
o = funded.organisation
groups = [("district office itself", o == "district_office"),
          ("municipal administration", o == "municipal"),
          ("external, for the municipality", o == "external_municipal"),
          ("external, for the district office", o == "external_district"),
          ("external provider (both)", o.isin(["external_municipal", "external_district"])),
          ("via the district office", o.isin(["district_office", "external_district"])),
          ("no answer", o.isna())]
exhibit("abb9", len(o), [(l, {"municipalities": int(s.sum()), "pct": pct(int(s.sum()), len(o))})
                         for l, s in groups])

# Abb. 22: clients per IM.
c = survey.clients.dropna()
exhibit("abb22", len(c), [(l, {"responses": int(s.sum()), "pct": pct(int(s.sum()), len(c))}) for l, s in [
    ("up to 79", c <= 79), ("80 to 120", (c >= 80) & (c <= 120)), ("more than 120", c > 120)]])

# Abb. 25: plan use on the 4-point scale.
a, b = survey.plan_a_use.dropna(), survey.plan_b_use.dropna()
rows = [(label, {"plan_a_pct": pct(int((a == i + 1).sum()), len(a)),
                 "plan_b_pct": pct(int((b == i + 1).sum()), len(b))})
        for i, label in enumerate(["very rarely", "rarely", "often", "very often"])]
rows.append(("often or very often", {"plan_a_pct": pct(int((a >= 3).sum()), len(a)),
                                     "plan_b_pct": pct(int((b >= 3).sum()), len(b))}))
exhibit("abb25", len(survey), rows)

# Abb. 26: plan coverage per funded municipality and wave.
waves = [manifest["periods"]["housing_base"], manifest["periods"]["housing_end"]]
cov = {}
for wv in waves:
    t = target[(target.wave == str(wv)) & target.municipality_id.isin(funded.municipality_id)]
    t = t[(t.target_persons > 0) & t.with_plan.notna()]
    cov[wv] = 100.0 * t.with_plan / t.target_persons
edges = [("under 20%", -np.inf, 20), ("20 to under 40%", 20, 40), ("40 to under 60%", 40, 60),
         ("60 to under 80%", 60, 80), ("80% and more", 80, np.inf)]
rows = [(l, {f"wave_{wv}": pct(int(((cov[wv] >= lo) & (cov[wv] < hi)).sum()), len(cov[wv])) for wv in waves})
        for l, lo, hi in edges]
rows.append(("mean coverage", {f"wave_{wv}": cov[wv].mean() for wv in waves}))
rows.append(("median coverage", {f"wave_{wv}": cov[wv].median() for wv in waves}))
exhibit("abb26", len(funded), rows)

# Abb. 33: mean hours per task and their share of a 39-hour week.
rows = []
for label, col in [("open office hours", "hours_open_office"), ("appointments", "hours_appointments"),
                   ("outreach (at the client's)", "hours_outreach"), ("documentation", "hours_documentation")]:
    h = survey[col].dropna()
    rows.append((label, {"mean_hours": h.mean(), "pct_of_39h_week": h.mean() * 100 / 39,
                         "responses": len(h)}))
exhibit("abb33", len(survey), rows)

loc = activity.dropna(subset=["talks_office", "talks_onsite", "talks_accompanying"])
tot = loc[["talks_office", "talks_onsite", "talks_accompanying"]].sum()
exhibit("abb33-location", int(tot.sum()), [
    (l, {"talks": int(tot[c]), "share_pct": pct(int(tot[c]), int(tot.sum()))})
    for l, c in [("office", "talks_office"), ("at the client's", "talks_onsite"),
                 ("accompaniment", "talks_accompanying")]])

# Abb. 34 and 35: talks by topic, overall and by quarter.
topics = ["labour", "language", "education", "housing", "health", "participation", "children", "other"]
labels34 = ["Labour market", "Language", "Education", "Housing", "Health", "Participation", "Children", "Other"]
tcols = [f"talks_{t}" for t in topics]
tt = activity[tcols].sum()
exhibit("abb34", int(tt.sum()), [(l, {"talks": int(tt[c]), "share_pct": pct(int(tt[c]), int(tt.sum()))})
                                 for l, c in zip(labels34, tcols)])
q = pd.PeriodIndex(pd.to_datetime(activity.date), freq="Q")
byq = activity[tcols].groupby(q).sum()
byq = byq[byq.sum(axis=1) > 0]
exhibit("abb35", int(tt.sum()), [(f"{p.year}Q{p.quarter}", {t: 100.0 * r[c] / r.sum() for t, c in zip(topics, tcols)})
                                 for p, r in byq.iterrows()])

# Chapter 4 (§4): municipality classification.
s = survey[survey.municipality_id.isin(funded.municipality_id)].copy()
s["a"] = np.where(s.plan_a_use.isna(), np.nan, s.plan_a_use >= 3)
s["b"] = np.where(s.plan_b_use.isna(), np.nan, s.plan_b_use >= 3)
med = {c: survey[c].median() for c in ["hours_appointments", "hours_outreach", "clients"]}
s["appt"] = np.where(s.hours_appointments.isna(), np.nan, s.hours_appointments > med["hours_appointments"])
s["outr"] = np.where(s.hours_outreach.isna(), np.nan, s.hours_outreach > med["hours_outreach"])
s["low"] = np.where(s.clients.isna(), np.nan, s.clients < med["clients"])


def majority(x):
    x = x.dropna()
    return bool(len(x) > 0 and x.sum() > len(x) / 2)


p = s.groupby("municipality_id")[["a", "b", "appt", "outr", "low"]].agg(majority)
DEFS = ["plan B", "plans A and B", "plans A and B, appointments", "plans A and B, outreach"]
meets = pd.DataFrame({
    DEFS[0]: p.b, DEFS[1]: p.a & p.b, DEFS[2]: p.a & p.b & p.appt, DEFS[3]: p.a & p.b & p.outr})
exhibit("abb39", len(meets), [(dname, {"municipalities": int(meets[dname].sum()),
                                       "pct": pct(int(meets[dname].sum()), len(meets))}) for dname in DEFS])

org = munis.set_index("municipality_id").organisation.reindex(meets.index)
grp = org.map({"district_office": "district_office_pct", "municipal": "municipal_pct",
               "external_municipal": "external_pct", "external_district": "external_pct"})
cols7 = ["district_office_pct", "municipal_pct", "external_pct"]
exhibit("tab7", int(grp.notna().sum()), [
    (dname, {c: pct(int(meets[dname][grp == c].sum()), int((grp == c).sum())) for c in cols7}) for dname in DEFS])


def two_groups(eid, in_a, in_b, keys):
    rows, tests = [], []
    for dname in DEFS:
        x = meets[dname]
        ha, na, hb, nb = int(x[in_a].sum()), int(in_a.sum()), int(x[in_b].sum()), int(in_b.sum())
        z, pz = proportions_ztest([ha, hb], [na, nb])  # pooled variance by default
        chi2, pc, _, _ = chi2_contingency([[ha, na - ha], [hb, nb - hb]], correction=False)
        assert abs(z * z - chi2) < 1e-9 and abs(pz - pc) < 1e-12, (eid, dname)
        stars = "***" if pz < 0.01 else "**" if pz < 0.05 else "*" if pz < 0.10 else ""
        rows.append((dname, {keys[0]: pct(ha, na), keys[1]: pct(hb, nb), "z": float(z), "p_value": float(pz)}))
        tests.append(stars)
    exhibit(eid, int(in_a.sum() + in_b.sum()), rows)
    for r, stars in zip(out[eid]["rows"], tests):
        r["stars"] = stars


nobody = staffing.set_index("municipality_id").nobody_before.astype("string").str.lower().reindex(meets.index)
two_groups("tab9", nobody == "true", nobody == "false", ["nobody_before_pct", "others_pct"])
two_groups("tab10", p.low, ~p.low, ["low_ratio_pct", "others_pct"])


def clean(v):
    if isinstance(v, (np.floating, float)):
        return None if (v is None or math.isnan(v)) else float(v)
    if isinstance(v, (np.integer, int)):
        return float(v)
    return v


for e in out.values():
    for r in e["rows"]:
        r["values"] = {k: clean(v) for k, v in r["values"].items()}
target_file = HERE / "reference.json" if len(sys.argv) == 1 else sys.stdout
text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
if target_file is sys.stdout:
    sys.stdout.write(text)
else:
    target_file.write_text(text, encoding="utf-8")
    print(f"wrote {target_file} ({len(out)} exhibits)")
