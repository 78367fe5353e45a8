"""Reference values for power and minimum detectable effects (MDE), from scipy and statsmodels:
  * mde_80(se, df) = (t_{0.975,df} + t_{0.8,df}) * se with scipy's t quantiles, and beside it the
    exact MDE of a two-sided 5% t test at 80% power (noncentral t), from statsmodels'
    TTestPower: nobs = df + 1 makes its df = df, and se = sigma/sqrt(nobs), so the MDE is
    effect_size * se * sqrt(nobs);
  * the design helper on two panels of outcome changes (a synthetic one, and the shipped sample's
    districts, BW vs neighbours, employment rate Dec 2017 -> Sep 2019 in pp, weights = persons
    aged 15-64 at Dec 2017, re-derived from the CSVs as tests/reference/robust/
    make_sample_reference.py does): residual variance of the change around the group means from
    statsmodels WLS (weights scaled to mean 1), then TTestIndPower (pooled variance, noncentral t
    with n - 2 df) for the units needed to detect an effect and the MDE with the current units.
statsmodels' solve_power stops its root search with the power about 3e-6 off the target; the
roots here are found with scipy's brentq on statsmodels' own power functions to 1e-13.
Writes power_reference.json next to this script. Run: python3 make_power_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.power import TTestIndPower, TTestPower

here = os.path.dirname(os.path.abspath(__file__))
ALPHA, POWER = 0.05, 0.8

def root(power_of, lo, hi):
    # hi keeps the noncentrality <= 6: statsmodels returns NaN far in the tail
    return optimize.brentq(lambda x: power_of(x) - POWER, lo, hi, xtol=1e-13, rtol=1e-13)


mde = []
for se, df in [(1.0, 43.0), (0.31, 3.0), (0.5, 10.0), (0.08, 200.0)]:
    formula = (stats.t.ppf(1 - ALPHA / 2, df) + stats.t.ppf(POWER, df)) * se
    d = root(lambda d: TTestPower().power(effect_size=d, nobs=df + 1, alpha=ALPHA, alternative="two-sided"),
             1e-9, 6 / np.sqrt(df + 1))
    mde.append({"se": se, "df": df, "mde_80": float(formula), "mde_exact": float(d * se * np.sqrt(df + 1))})


def design(name, dy, w, treated, effects):
    dy, w, treated = np.asarray(dy, float), np.asarray(w, float), np.asarray(treated, bool)
    n = len(dy)
    X = sm.add_constant(treated.astype(float))
    fit = sm.WLS(dy, X, weights=w * n / w.sum()).fit()
    sd = float(np.sqrt(fit.scale))
    n1, n0 = int(treated.sum()), int((~treated).sum())
    share = n1 / n
    d_now = root(lambda d: TTestIndPower().power(effect_size=d, nobs1=n1, ratio=n0 / n1, alpha=ALPHA,
                                                 alternative="two-sided"), 1e-9, 6 / np.sqrt(n1 * n0 / n))
    needed = []
    for e in effects:
        ratio = (1 - share) / share
        nobs1 = root(lambda n1: TTestIndPower().power(effect_size=abs(e) / sd, nobs1=n1, ratio=ratio, alpha=ALPHA,
                                                      alternative="two-sided"), 2.0, 36 * (1 + ratio) / (ratio * (e / sd) ** 2))
        needed.append({"effect": e, "exact_total": float(nobs1 * (1 + ratio))})
    return {"name": name, "delta_y": dy.tolist(), "weight": w.tolist(), "treated": treated.tolist(),
            "residual_sd": sd, "treated_share": share, "mde_current": float(d_now * sd), "needed": needed}


rng = np.random.default_rng(7)
n = 40
treated = np.arange(n) < 12
dy = 1.5 + 0.4 * treated + rng.normal(0, 1.2, n)
w = rng.uniform(0.5, 3.0, n)
designs = [design("synthetic", dy.round(6), w.round(6), treated, [0.5, 1.0, -2.0])]

B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
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
bw = districts.set_index("district_id")["state"].eq("BW")
designs.append(design("sample_districts_bw_vs_neighbours_employment",
                      (rate.loc[ids, "2019-09"] - rate.loc[ids, "2017-12"]).values,
                      pers.loc[ids, "2017-12"].values, bw.reindex(ids).values, [0.5, 1.0]))
designs[-1]["districts"] = ids

ref = {"versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
       "alpha": ALPHA, "power": POWER, "mde": mde, "designs": designs}
with open(os.path.join(here, "power_reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
print(json.dumps({"mde": mde, "designs": [{k: v for k, v in d.items() if k not in ("delta_y", "weight", "treated", "districts")} for d in designs]}, indent=1))
