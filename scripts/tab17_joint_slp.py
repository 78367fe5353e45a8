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

import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from sample_figures import FREE, SAMPLE, Figures

BUNDLE = sys.argv[1] if len(sys.argv) > 1 else SAMPLE
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
TRUST = 0.02
AIMED, KEPT = 1e4, 1e5

F = Figures(BUNDLE)
p0, prior, bounds, index = F.p0, F.prior, F.bounds, F.index
figures = F.labels
measure, in_print, inside, margin = F.measure, F.in_print, F.inside, F.margin

v = measure(p0)
kept = in_print(v)
# Tab. 12 (2)'s GDP and SV figures hinge on the neighbours, which this does not move.
reachable = np.array([not f.startswith("12 (2)") for f in figures])
rows = [k for k in range(len(figures)) if kept[k] or reachable[k]]
print(f"start: {kept.sum()} of {len(figures)} in print; out:",
      [(figures[k], round(v[k], 4)) for k in np.where(~kept)[0]])
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
        print(f"step {step}: {now.sum()} in print, new:", [figures[k] for k in np.where(now & ~kept)[0]],
              flush=True)
p = best[1]
v = measure(p)
print(f"best: {in_print(v).sum()} of {len(figures)} in print")
for k in np.where(~in_print(v))[0]:
    print(f"  out: {figures[k]} {v[k]:.4f} (box {F.LO[k]:.3f} to {F.HI[k]:.3f})")
for c in FREE:
    d = np.array([p[i] - p0[i] for (u, cc), i in index.items() if cc == c])
    print(f"  {c} moved: root mean square {np.sqrt(np.mean(d * d)):.4f}, largest {np.abs(d).max():.4f}")
d = np.array([p[i] - p0[i] for (u, cc), i in index.items() if cc == "rate"])
print(f"  rate changes moved: root mean square {np.sqrt(np.mean(d * d)):.4f}")
