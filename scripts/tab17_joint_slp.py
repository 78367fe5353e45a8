#!/usr/bin/env python3
"""Can Tab. 17's last control coefficients print if every BW district's controls move with
the employment outcome, holding every figure of Tab. 11-17 already in print?

Tab. 17 (2), (4), (6) regress the 37 districts' housing changes on one dummy each and the
same six controls; three of their 24 control coefficients stay out of print on the sample
(SV employees in (2) and (6), GDP in (4)). The housing outcome and the dwelling controls
alone cannot bring them in (`scripts/tab17_feasibility.py`): the columns differ only in
their dummies, so the gaps between their coefficients are set by the controls. The
protection-seeker share, GDP and SV employees are shared with Tab. 12-16, whose figures
sit on their print boxes' edges; the generator's step 11 moves these three controls with
the employment outcome, but only for the 7 districts Tab. 17 does not see.

This script runs that step's sequential linear programme (the generator's `slp.rs`:
finite-difference linearisation, smallest move in priors, figures in print held inside
their boxes less a margin, figures out of print aimed into theirs) over all 44 BW
districts' five controls and the 201 districts' employment rate changes at once, on
every figure of Tab. 11-16 and Tab. 17's columns with controls, with a halving trust
region (a step that takes a figure out of print is undone and tried at half the size).
Column (1)s of Tab. 17 see neither controls nor employment and stay as they are.

On the sample of 2026-11-30 (9001ea1), 200 steps from a region of 0.02 priors: 206 -> 208
of 214 in print by step 28, nothing lost; Tab. 17 (2)'s SV and (4)'s GDP coefficients come
into print, (6)'s SV does not (0.126 for 0.0), nor Tab. 13 (2)'s GDP (-0.033 for -0.1); at
that step the controls have moved by a root mean square of 0.044 points, 590 EUR, 0.62 SV
employees, 0.19 dwellings and 0.011 new dwellings per 100, the rate changes by 0.05 points.
The employment outcome found is continuous; this script does not round it to whole
persons. The generator's step 12 (`employment_controls.rs`, `Reach::AllBw`) is this search
followed by a settling search and step 10's rounding, and the shipped sample is its result,
so run on the sample as shipped now the script starts from those figures. It takes a few
minutes.

Usage: python3 scripts/tab17_joint_slp.py [BUNDLE] [STEPS]   (default: the shipped sample,
200; needs `cargo build --release` for target/release/wirkung, numpy, pandas and scipy)
"""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "sample-data" / "bw-integration")
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
# The five district controls: prior (how far one moves before it costs as much as a
# figure's margin; the generator's district_controls::FREE) and plausible range.
FREE = {
    "protection_seekers_pct_2017": (0.4, (0.5, 2.8)),
    "gdp_per_capita_2017": (8.0, (24.0, 100.0)),
    "sv_employees_per_100_2019": (8.0, (20.0, 85.0)),
    "dwellings_per_100_2018": (2.0, (40.0, 58.0)),
    "new_dwellings_per_100_2018": (0.1, (0.1, 0.9)),
}
RATE_PRIOR = 0.5
TRUST = 0.02
MARGIN, MARGIN_T, MARGIN_R2 = 0.008, 0.01, 0.0005
AIMED, KEPT = 1e4, 1e5
# Printed columns: (table, outcome, comparison, controls?, terms [(coef, SE, stars)] in the
# pipeline's order (treatment, constant, controls), R², SV-only coefficient with controls).
EMPLOYMENT = ["bw-vs-neighbours", "early-start", "capacity", "plan-b", "labour-talks"]
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
# Tab. 11: Sep 2019 means and changes of BW and the neighbours, from Tab. 12 (1).
TAB_11 = [(43.4, 13.3), (41.9, 12.4)]


def panel(outcome, comparison, controls):
    out = subprocess.run(
        [str(ROOT / "target" / "release" / "wirkung"), "panel", BUNDLE, "--outcome", outcome,
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
    # The top band's upper edge is open; a large finite edge keeps the linear programme finite.
    crit = [0.0] + [stats.t.ppf(1 - a / 2, df) for a in (0.10, 0.05, 0.01)] + [1e9]
    return crit[stars], crit[stars + 1]


# Parameters: each BW district's controls (as they appear in some panel), then every
# district's employment rate change.
index, p0, prior, bounds = {}, [], [], []
regressions = []  # (column, y cells, w, treated, X cells) where a cell is a value or index
for name, outcome, comparison, controls, terms, r2, sv_only in COLUMNS:
    frames = [(panel(outcome, comparison, controls), outcome == "employment")]
    if sv_only is not None:
        frames.append((panel("employment-sv", comparison, True), False))
    for k, (d, rates) in enumerate(frames):
        names = [c for c in d.columns[8:]] if controls else []
        xs = []
        for c in names:
            cells = []
            for u, v in zip(d.unit_id, d[c]):
                if c in FREE and u.startswith("08"):
                    key = (u, c)
                    if key not in index:
                        index[key] = len(p0)
                        p0.append(float(v))
                        prior.append(FREE[c][0])
                        bounds.append(FREE[c][1])
                    cells.append(index[key])
                else:
                    cells.append(float(v))
            xs.append(cells)
        ys = []
        for u, v in zip(d.unit_id, d.outcome_change):
            if rates:
                key = (u, "rate")
                if key not in index:
                    index[key] = len(p0)
                    p0.append(float(v))
                    prior.append(RATE_PRIOR)
                    bounds.append((-np.inf, np.inf))
                ys.append(index[key])
            else:
                ys.append(float(v))
        treated = d.treated.astype(str).str.lower().eq("true").astype(float).values
        regressions.append(((name, controls, k == 1, len(terms)), ys, d.weight.values.astype(float), treated,
                            xs, d.outcome_base.values))
p0, prior = np.array(p0), np.array(prior)


def cells(cs, p):
    return np.array([p[c] if isinstance(c, int) else c for c in cs])


# Figures: (label, lo, hi, kind) in the order `measure` gives them.
figures = []
for (name, outcome, comparison, controls, terms, r2, sv_only) in COLUMNS:
    label = name if name.startswith("17") else f"{name} ({'2' if controls else '1'})"
    df = len(next(r for r in regressions if r[0][0] == name and r[0][1] == controls)[1]) - len(terms)
    for j, (coef, se, stars) in enumerate(terms):
        lo, hi = star_band(stars, df)
        figures += [(f"{label} term {j} coef", coef - 0.05, coef + 0.05, "plain"),
                    (f"{label} term {j} SE", se - 0.05, se + 0.05, "plain"),
                    (f"{label} term {j} |t|", lo, hi, "t")]
    figures.append((f"{label} R2", r2 - 0.005, r2 + 0.005, "r2"))
    if sv_only is not None:
        figures.append((f"{name} SV-only", sv_only - 0.05, sv_only + 0.05, "plain"))
for g, (end, change) in enumerate(TAB_11):
    figures += [(f"11 group {g} end", end - 0.05, end + 0.05, "plain"),
                (f"11 group {g} change", change - 0.05, change + 0.05, "plain")]
LO = np.array([f[1] for f in figures])
HI = np.array([f[2] for f in figures])
first = regressions[0]
base = [np.sum(first[2][first[3] == t] * first[5][first[3] == t]) / first[2][first[3] == t].sum()
        for t in (1.0, 0.0)]


def measure(p):
    out = []
    tab_12 = None
    for (key, ys, w, treated, xs, _) in regressions:
        name, controls, sv, n_terms = key
        X = np.column_stack([treated, np.ones(len(ys))] + [cells(c, p) for c in xs])
        b, se, r2, _ = wls(cells(ys, p), X, w)
        if sv:
            out.append(b[0])
            continue
        for j in range(n_terms):
            out += [b[j], se[j], abs(b[j] / se[j])]
        out.append(r2)
        if tab_12 is None:
            tab_12 = b
    change = [tab_12[0] + tab_12[1], tab_12[1]]
    for g in range(2):
        out += [base[g] + change[g], change[g]]
    return np.array(out)


def in_print(v):
    return (v >= LO) & (v < HI)


def inside(k):
    kind = figures[k][3]
    if kind == "t":
        return LO[k] * np.exp(MARGIN_T), HI[k] / np.exp(MARGIN_T)
    m = MARGIN_R2 if kind == "r2" else MARGIN
    return LO[k] + m, HI[k] - m


def margin(k, v):
    kind = figures[k][3]
    return MARGIN_T * max(abs(v), 0.1) if kind == "t" else MARGIN_R2 if kind == "r2" else MARGIN


v = measure(p0)
kept = in_print(v)
# Tab. 12 (2)'s GDP and SV figures hinge on the neighbours, which this does not move.
reachable = np.array([not f[0].startswith("12 (2)") for f in figures])
rows = [k for k in range(len(figures)) if kept[k] or reachable[k]]
print(f"start: {kept.sum()} of {len(figures)} in print; out:",
      [(figures[k][0], round(v[k], 4)) for k in np.where(~kept)[0]])
p, size, best = p0.copy(), TRUST, (kept.sum(), p0.copy())
jac = None
n = len(p)
for step in range(STEPS):
    if jac is None:
        jac = np.zeros((len(v), n))
        for i in range(n):
            q = p.copy()
            h = 1e-6 * prior[i]
            q[i] += h
            jac[:, i] = (measure(q) - v) / h * prior[i]
    m = len(rows)
    A = lil_matrix((2 * m + 2 * n, 2 * n + m))
    b = np.zeros(2 * m + 2 * n)
    c = np.concatenate([np.zeros(n), np.ones(n), np.zeros(m)])
    for r, k in enumerate(rows):
        lo, hi = inside(k)
        s = margin(k, v[k])
        c[2 * n + r] = KEPT if kept[k] else AIMED
        A[2 * r, :n] = jac[k] / s
        A[2 * r, 2 * n + r] = -1
        b[2 * r] = (hi - v[k]) / s
        A[2 * r + 1, :n] = -jac[k] / s
        A[2 * r + 1, 2 * n + r] = -1
        b[2 * r + 1] = (v[k] - lo) / s
    for i in range(n):
        A[2 * m + 2 * i, i], A[2 * m + 2 * i, n + i] = 1, -1
        A[2 * m + 2 * i + 1, i], A[2 * m + 2 * i + 1, n + i] = -1, -1
    box = [(max(-size, (bounds[i][0] - p[i]) / prior[i]), min(size, (bounds[i][1] - p[i]) / prior[i]))
           for i in range(n)] + [(0, None)] * (n + m)
    res = linprog(c, A_ub=A.tocsr(), b_ub=b, bounds=box, method="highs")
    if res.status != 0:
        print("linear programme:", res.message)
        break
    q = p + res.x[:n] * prior
    w = measure(q)
    if (kept & ~in_print(w)).any():
        size /= 2
        continue
    size = min(2 * size, TRUST)
    p, v, jac = q, w, None
    now = in_print(v)
    if now.sum() > best[0]:
        best = (now.sum(), p.copy())
        print(f"step {step}: {now.sum()} in print, new:", [figures[k][0] for k in np.where(now & ~kept)[0]],
              flush=True)
p = best[1]
v = measure(p)
print(f"best: {in_print(v).sum()} of {len(figures)} in print")
for k in np.where(~in_print(v))[0]:
    print(f"  out: {figures[k][0]} {v[k]:.4f} (box {LO[k]:.3f} to {HI[k]:.3f})")
for c in FREE:
    d = np.array([p[i] - p0[i] for (u, cc), i in index.items() if cc == c])
    print(f"  {c} moved: root mean square {np.sqrt(np.mean(d * d)):.4f}, largest {np.abs(d).max():.4f}")
d = np.array([p[i] - p0[i] for (u, cc), i in index.items() if cc == "rate"])
print(f"  rate changes moved: root mean square {np.sqrt(np.mean(d * d)):.4f}")
