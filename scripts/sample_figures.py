"""The printed figures of Tab. 11-17 as functions of the sample's synthetic unknowns.

Shared by the scripts that study what the generator's control stages can reach
(`tab17_joint_slp.py`, `missed_figures_reach.py`). Every regression is read through the real
pipeline (`wirkung panel`), then refitted here by weighted least squares with HC1 SEs (the
dashboard's default) as chosen unknowns move:

- always: each BW district's five controls (as they enter any panel) and every district's
  employment rate change (the unknowns of the generator's step 12);
- `employment_weights`: each BW district's employment weight (persons at the base month), as
  a log factor;
- `housing`: Tab. 17's 37 district housing changes and their weights D (log factor), with
  Tab. 17's columns without controls (1), (3), (5) among the figures.

A figure printed as v to one decimal is in print for [v - 0.05, v + 0.05), an R² for
[v - 0.005, v + 0.005); a term's |t| must lie in its printed star band (* p<.10, ** p<.05,
*** p<.01, on the regression's residual df).
"""

import io
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "sample-data" / "bw-integration")
# The five district controls: prior (how far one moves before it costs as much as a
# figure's margin; the generator's district_controls::FREE) and plausible range.
FREE = {
    "protection_seekers_pct_2017": (0.4, (0.5, 2.8)),
    "gdp_per_capita_2017": (8.0, (24.0, 100.0)),
    "sv_employees_per_100_2019": (8.0, (20.0, 85.0)),
    "dwellings_per_100_2018": (2.0, (40.0, 58.0)),
    "new_dwellings_per_100_2018": (0.1, (0.1, 0.9)),
}
# Priors of the other unknowns: employment rate changes (points; as the count stage), housing
# changes (points; the housing count stage's prior), and the log factors of the weights (the
# housing weights stage scales D within 0.4-1.6 of the free municipalities' share).
RATE_PRIOR, HOUSING_PRIOR, WEIGHT_PRIOR = 0.5, 2.0, 0.1
WEIGHT_RANGE = (-0.5, 0.5)
MARGIN, MARGIN_T, MARGIN_R2 = 0.008, 0.01, 0.0005
# Printed columns: (table, outcome, comparison, controls?, terms [(coef, SE, stars)] in the
# pipeline's order (treatment, constant, controls), R², SV-only coefficient with controls).
COLUMNS = [
    ("12", "employment", "bw-vs-neighbours", False, [(0.9, 0.7, 0), (12.4, 0.6, 3)], 0.01, None),
    ("13", "employment", "early-start", False, [(-0.9, 0.8, 0), (13.7, 0.4, 3)], 0.03, None),
    ("14", "employment", "capacity", False, [(1.2, 0.8, 0), (12.8, 0.6, 3)], 0.07, None),
    ("15", "employment", "plan-b", False, [(0.7, 0.9, 0), (12.9, 0.6, 3)], 0.02, None),
    ("16", "employment", "labour-talks", False, [(0.6, 0.9, 0), (12.9, 0.7, 3)], 0.01, None),
    ("12", "employment", "bw-vs-neighbours", True, [(0.1, 0.5, 0), (14.8, 1.2, 3), (-0.6, 0.3, 1),
     (-0.1, 0.0, 1), (0.1, 0.1, 0), (-3.1, 1.0, 3)], 0.29, 0.5),
    ("13", "employment", "early-start", True, [(-0.5, 0.7, 0), (11.3, 3.4, 3), (-0.7, 1.1, 0),
     (-0.1, 0.0, 0), (0.2, 0.1, 0), (-4.8, 1.9, 2)], 0.33, -0.5),
    ("14", "employment", "capacity", True, [(0.6, 0.7, 0), (9.9, 3.0, 3), (0.6, 1.0, 0),
     (-0.1, 0.0, 0), (0.2, 0.1, 0), (-3.9, 1.8, 2)], 0.25, 0.1),
    ("15", "employment", "plan-b", True, [(0.7, 0.7, 0), (11.5, 3.4, 3), (-0.9, 1.2, 0),
     (0.0, 0.0, 0), (0.2, 0.1, 0), (-4.5, 2.1, 2)], 0.34, 0.2),
    ("16", "employment", "labour-talks", True, [(-0.9, 0.7, 0), (11.7, 3.4, 3), (-0.8, 1.1, 0),
     (-0.1, 0.0, 0), (0.2, 0.1, 1), (-5.3, 2.1, 2)], 0.35, -0.3),
    ("17 (2)", "housing", "capacity", True, [(1.6, 2.6, 0), (12.0, 31.2, 0), (3.7, 3.8, 0),
     (-0.2, 0.3, 0), (0.1, 0.4, 0), (9.7, 10.9, 0), (-0.2, 0.6, 0), (-5.7, 18.3, 0)], 0.15, None),
    ("17 (4)", "housing", "plan-b", True, [(-2.2, 3.0, 0), (14.6, 33.4, 0), (3.4, 4.3, 0),
     (-0.2, 0.3, 0), (0.0, 0.5, 0), (9.9, 11.4, 0), (-0.2, 0.6, 0), (-5.3, 18.8, 0)], 0.16, None),
    ("17 (6)", "housing", "housing-talks", True, [(0.4, 2.8, 0), (9.3, 33.4, 0), (4.6, 3.1, 0),
     (-0.2, 0.3, 0), (0.0, 0.4, 0), (8.3, 10.6, 0), (-0.2, 0.6, 0), (-7.3, 18.3, 0)], 0.14, None),
]
# Tab. 17's columns without controls; they see the housing changes and D alone.
TAB_17_PLAIN = [
    ("17 (1)", "housing", "capacity", False, [(1.1, 2.6, 0), (2.2, 1.8, 0)], 0.01, None),
    ("17 (3)", "housing", "plan-b", False, [(-2.5, 2.5, 0), (4.0, 1.4, 3)], 0.03, None),
    ("17 (5)", "housing", "housing-talks", False, [(-0.4, 2.7, 0), (2.9, 2.5, 0)], 0.00, None),
]
# Tab. 11: Sep 2019 means and changes of BW and the neighbours, from Tab. 12 (1).
TAB_11 = [(43.4, 13.3), (41.9, 12.4)]


def panel(bundle, outcome, comparison, controls):
    """The regression panel exactly as the dashboard builds it."""
    out = subprocess.run(
        [str(ROOT / "target" / "release" / "wirkung"), "panel", bundle, "--outcome", outcome,
         "--comparison", comparison, "--controls", "all" if controls else "none",
         "--format", "csv"], check=True, capture_output=True, text=True).stdout
    return pd.read_csv(io.StringIO(out), dtype={"unit_id": str})


def wls(y, X, w):
    """Weighted least squares with HC1: coefficients, SEs, R², residual df."""
    xtw = X.T * w
    a = np.linalg.inv(xtw @ X)
    b = a @ (xtw @ y)
    e = y - X @ b
    n, k = X.shape
    m = X * (w * e)[:, None]
    v = a @ (m.T @ m) @ a * n / (n - k)
    ybar = np.sum(w * y) / w.sum()
    return b, np.sqrt(np.diag(v)), 1 - np.sum(w * e * e) / np.sum(w * (y - ybar) ** 2), n - k


def star_band(stars, df):
    # The top band's upper edge is open; a large finite edge keeps a linear programme finite.
    crit = [0.0] + [stats.t.ppf(1 - a / 2, df) for a in (0.10, 0.05, 0.01)] + [1e9]
    return crit[stars], crit[stars + 1]


def treated_of(d):
    return d.treated.astype(str).str.lower().eq("true").astype(float).values


class Figures:
    """The unknowns (`p0`, `prior`, `bounds`, `index` by (unit, what)) and the figures
    (`labels`, `kinds`, `LO`, `HI`) with `measure(p)`, their values in that order."""

    def __init__(self, bundle=SAMPLE, employment_weights=False, housing=False):
        self.index, p0, prior, bounds = {}, [], [], []

        def unknown(key, value, pr, bound):
            if key not in self.index:
                self.index[key] = len(p0)
                p0.append(value)
                prior.append(pr)
                bounds.append(bound)
            return self.index[key]

        columns = COLUMNS + (TAB_17_PLAIN if housing else [])
        # (column key, y cells, weight cells, treated, X cells, base outcome) where a cell
        # is a value or an unknown's index; a weight cell is (value, log-factor index or None).
        self.regressions = []
        for name, outcome, comparison, controls, terms, r2, sv_only in columns:
            frames = [(panel(bundle, outcome, comparison, controls), outcome)]
            if sv_only is not None:
                frames.append((panel(bundle, "employment-sv", comparison, True), None))
            for k, (d, moving) in enumerate(frames):
                bw = d.unit_id.str.startswith("08").values
                xs = []
                for c in (list(d.columns[8:]) if controls else []):
                    xs.append([unknown((u, c), float(v), *FREE[c]) if c in FREE and b else float(v)
                               for u, v, b in zip(d.unit_id, d[c], bw)])
                if moving == "employment":
                    ys = [unknown((u, "rate"), float(v), RATE_PRIOR, (-np.inf, np.inf))
                          for u, v in zip(d.unit_id, d.outcome_change)]
                elif moving == "housing" and housing:
                    ys = [unknown((u, "housing"), float(v), HOUSING_PRIOR, (-np.inf, np.inf))
                          for u, v in zip(d.unit_id, d.outcome_change)]
                else:
                    ys = [float(v) for v in d.outcome_change]
                # The SV-only twin shares the employment weights (persons at the base month).
                weighting = {"employment": employment_weights, None: employment_weights,
                             "housing": housing}[moving]
                ws = [(float(w), unknown((u, "weight" if outcome == "employment" else "D"), 0.0,
                                         WEIGHT_PRIOR, WEIGHT_RANGE)
                       if weighting and (b or outcome != "employment") else None)
                      for u, w, b in zip(d.unit_id, d.weight, bw)]
                self.regressions.append(((name, controls, k == 1, len(terms)), ys, ws,
                                         treated_of(d), xs, d.outcome_base.values.astype(float)))
        self.p0, self.prior = np.array(p0), np.array(prior)
        self.bounds = bounds

        self.labels, self.kinds, lo, hi = [], [], [], []

        def figure(label, a, b, kind):
            self.labels.append(label)
            self.kinds.append(kind)
            lo.append(a)
            hi.append(b)

        for name, outcome, comparison, controls, terms, r2, sv_only in columns:
            label = name if name.startswith("17") else f"{name} ({'2' if controls else '1'})"
            rows = next(r for r in self.regressions if r[0][0] == name and r[0][1] == controls)
            df = len(rows[1]) - len(terms)
            for j, (coef, se, stars) in enumerate(terms):
                a, b = star_band(stars, df)
                figure(f"{label} term {j} coef", coef - 0.05, coef + 0.05, "plain")
                figure(f"{label} term {j} SE", se - 0.05, se + 0.05, "plain")
                figure(f"{label} term {j} |t|", a, b, "t")
            figure(f"{label} R2", r2 - 0.005, r2 + 0.005, "r2")
            if sv_only is not None:
                figure(f"{name} SV-only", sv_only - 0.05, sv_only + 0.05, "plain")
        for g, (end, change) in enumerate(TAB_11):
            figure(f"11 group {g} end", end - 0.05, end + 0.05, "plain")
            figure(f"11 group {g} change", change - 0.05, change + 0.05, "plain")
        self.LO, self.HI = np.array(lo), np.array(hi)

    def index_of(self, label):
        return self.labels.index(label)

    def measure(self, p):
        def cells(cs):
            return np.array([p[c] if isinstance(c, int) else c for c in cs])

        def weights(ws):
            return np.array([w if i is None else w * np.exp(p[i]) for w, i in ws])

        out, tab_12, base = [], None, None
        for (key, ys, ws, treated, xs, outcome_base) in self.regressions:
            name, controls, sv, n_terms = key
            X = np.column_stack([treated, np.ones(len(ys))] + [cells(c) for c in xs])
            w = weights(ws)
            b, se, r2, _ = wls(cells(ys), X, w)
            if sv:
                out.append(b[0])
                continue
            for j in range(n_terms):
                out += [b[j], se[j], abs(b[j] / se[j])]
            out.append(r2)
            if tab_12 is None:
                # Tab. 11 from Tab. 12 (1), the first column: the groups' Dec 2017 means
                # (weighted) plus the fitted changes.
                tab_12 = b
                base = [np.sum(w[treated == t] * outcome_base[treated == t]) / w[treated == t].sum()
                        for t in (1.0, 0.0)]
        change = [tab_12[0] + tab_12[1], tab_12[1]]
        for g in range(2):
            out += [base[g] + change[g], change[g]]
        return np.array(out)

    def in_print(self, v):
        return (v >= self.LO) & (v < self.HI)

    def margin(self, k, v):
        kind = self.kinds[k]
        return MARGIN_T * max(abs(v), 0.1) if kind == "t" else MARGIN_R2 if kind == "r2" else MARGIN

    def inside(self, k, scale=1.0):
        """Figure k's print box shrunk by `scale` margins (a t band by a factor)."""
        if self.kinds[k] == "t":
            f = np.exp(scale * MARGIN_T)
            return self.LO[k] * f, self.HI[k] / f
        m = scale * (MARGIN_R2 if self.kinds[k] == "r2" else MARGIN)
        return self.LO[k] + m, self.HI[k] - m

    def jacobian(self, p, v):
        """d figure / d unknown per prior, by forward differences."""
        jac = np.zeros((len(v), len(p)))
        for i in range(len(p)):
            q = p.copy()
            h = 1e-6 * self.prior[i]
            q[i] += h
            jac[:, i] = (self.measure(q) - v) / h * self.prior[i]
        return jac
