#!/usr/bin/env python3
"""Can all of Tab. 12's figures print if the neighbouring districts' controls and their own
employment rate changes move, the BW districts' staying as they are?

Tab. 12 (2) regresses the 201 districts' employment rate changes (BW and neighbouring
states) on the BW dummy, protection-seeker share, GDP per head, SV employees per 100 and an
urban dummy. Its GDP and SV figures hinge on the 157 neighbouring districts: the BW districts'
controls and rates also serve Tab. 13-17, which do not see the neighbours, and the printed SEs
(0.0 and 0.1, about what the 44 BW districts give alone) say the neighbours' two controls
must be nearly linear in their others. Tab. 11's neighbour means are held automatically by
holding Tab. 12 (1): with the BW rates fixed, its constant is the neighbours' weighted mean
change and its treatment the gap to BW's (their base rates do not move).

Method: a sequential linear programme (the generator's `slp.rs` with `Holds::Hard`). Each step
linearises the 27 figures (Tab. 12 (2)'s six terms' coefficient, SE and t band and R², the
SV-only coefficient with controls, whose outcome stays, and Tab. 12 (1)'s two terms and R²)
by finite differences per prior, and a linear programme (HiGHS) finds the move minimising
Σ|z| (in priors) + 1000 · each figure's shortfall from its box less a margin (in margins).
Figures in print at the current point also get hard rows: inside their shrunk box they stay
there, outside it they move at least halfway in (if that is infeasible, no further out).
(With hard rows alone, figures just inside their print boxes only halve their distance to the
margin each step, and the search never ends.) A starred term's t is taken with the printed
coefficient's sign, so a wrong-signed coefficient cannot buy a star; a term without stars
uses |t| against [0, t_0.10). The trust region starts and is capped at half a prior; a step
that takes a figure out of print is undone and the region halved, an accepted one doubles
it. It stops once every figure is inside its margin, or after STEPS steps.

On the sample of 2026-11-30 (2718711, written before step 13 below existed), 23 of 27
figures print at the start (out: Tab. 12 (2)'s GDP coefficient 0.004 and t -0.29, SV
coefficient -0.004 and SE 0.047). The SV SE comes in at step 4, GDP's t at 64, SV's
coefficient at 75 and GDP's coefficient at 86; at step 91 (45 of them undone) all 27 are
inside their margins. The neighbours' controls have moved by a root mean square of 0.64
points of protection seekers (largest 2.1), 25,700 EUR of GDP per head (largest 53,500) and
15.2 SV employees per 100 (largest 36), their rate changes by 1.56 points (largest 3.3): far,
as the SEs said. It takes about 15 seconds.

The rate changes found are continuous; this script does not round them to whole persons nor
the controls to their decimals. The generator's step 13 (`employment_controls.rs`,
`Reach::Neighbours`, with `slp::Holds::Hard`) is this search followed by a settling search
and the whole-person count stage; run on the sample as shipped after that step, the script
starts from its result.

Usage: python3 scripts/tab12_neighbours_slp.py [BUNDLE] [STEPS]   (default: the shipped
sample, 200; needs `cargo build --release` for target/release/wirkung, numpy, pandas, scipy)
"""

import sys
import time

import numpy as np
from scipy.optimize import linprog

import sample_figures
from sample_figures import SAMPLE, star_band, wls

BUNDLE = sys.argv[1] if len(sys.argv) > 1 else SAMPLE
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
# The neighbours' three controls: prior (how far one moves before it costs as much as a
# figure's margin) and plausible range; then the prior of their rate changes (points).
FREE = {
    "protection_seekers_pct_2017": (0.4, (0.5, 2.8)),
    "gdp_per_capita_2017": (8.0, (24.0, 100.0)),
    "sv_employees_per_100_2019": (8.0, (20.0, 85.0)),
}
RATE_PRIOR = 0.5
TRUST = 0.5
MARGIN, MARGIN_T, MARGIN_R2 = 0.008, 0.01, 0.0005
AIMED = 1000.0
# Printed terms (coefficient, SE, stars) in design order [treated, controls..., constant].
TAB_12_2 = [(0.1, 0.5, 0), (-0.6, 0.3, 1), (-0.1, 0.0, 1), (0.1, 0.1, 0), (-3.1, 1.0, 3),
            (14.8, 1.2, 3)]
TAB_12_2_R2, SV_ONLY = 0.29, 0.5
TAB_12_1, TAB_12_1_R2 = [(0.9, 0.7, 0), (12.4, 0.6, 3)], 0.01


def panel(outcome, controls):
    return sample_figures.panel(BUNDLE, outcome, "bw-vs-neighbours", controls)


emp, sv, plain = panel("employment", True), panel("employment-sv", True), panel("employment", False)
for d in (sv, plain):
    assert (d.unit_id.values == emp.unit_id.values).all() and (d.weight == emp.weight).all()
assert np.allclose(plain.outcome_change, emp.outcome_change)
N = len(emp)
w = emp.weight.values.astype(float)
treated = emp.treated.astype(str).str.lower().eq("true").astype(float).values
urban = emp.urban.values.astype(float)
y0, ysv = emp.outcome_change.values.astype(float), sv.outcome_change.values.astype(float)
X0 = emp[list(FREE)].values.astype(float)
nb = ~emp.unit_id.str.startswith("08").values
NB = int(nb.sum())
# Parameters: each neighbour's three controls (row by row), then each neighbour's rate change.
p0 = np.concatenate([X0[nb].ravel(), y0[nb]])
prior = np.concatenate([np.tile([f[0] for f in FREE.values()], NB), np.full(NB, RATE_PRIOR)])
lb = np.concatenate([np.tile([f[1][0] for f in FREE.values()], NB), np.full(NB, -np.inf)])
ub = np.concatenate([np.tile([f[1][1] for f in FREE.values()], NB), np.full(NB, np.inf)])
assert ((p0 >= lb) & (p0 <= ub)).all(), "a neighbour's control starts outside its range"


# Figures: (label, lo, hi, kind, sign of t or 0 for |t|) in the order `measure` gives them.
# A figure printed as v to one decimal prints for [v - 0.05, v + 0.05).
figures = []
for col, terms, r2 in (("12 (2)", TAB_12_2, TAB_12_2_R2), ("12 (1)", TAB_12_1, TAB_12_1_R2)):
    names = (["treated", "protection", "GDP", "SV", "urban", "constant"] if len(terms) == 6
             else ["treated", "constant"])
    for name, (coef, se, stars) in zip(names, terms):
        lo, hi = star_band(stars, N - len(terms))
        sign = np.sign(coef) if stars > 0 and coef != 0 else 0.0
        figures += [(f"{col} {name} coef", coef - 0.05, coef + 0.05, "plain", 0.0),
                    (f"{col} {name} SE", se - 0.05, se + 0.05, "plain", 0.0),
                    (f"{col} {name} t", lo, hi, "t", sign)]
    figures.append((f"{col} R2", r2 - 0.005, r2 + 0.005, "r2", 0.0))
    if col == "12 (2)":
        figures.append(("12 (2) SV-only coef", SV_ONLY - 0.05, SV_ONLY + 0.05, "plain", 0.0))
LO, HI = np.array([f[1] for f in figures]), np.array([f[2] for f in figures])


def inside(k):
    """Figure k's box shrunk by its margin (t as a log-ratio)."""
    kind = figures[k][3]
    if kind == "t":
        return LO[k] * np.exp(MARGIN_T), HI[k] / np.exp(MARGIN_T)
    m = MARGIN_R2 if kind == "r2" else MARGIN
    return LO[k] + m, HI[k] - m


def margin(k, v):
    kind = figures[k][3]
    return MARGIN_T * max(abs(v), 0.1) if kind == "t" else MARGIN_R2 if kind == "r2" else MARGIN


INSIDE = np.array([inside(k) for k in range(len(figures))])


def settled(v):
    """Whether every figure is inside its shrunk box (to a millionth of a margin: the
    programme's moves end exactly on the shrunk edges)."""
    tol = 1e-6 * np.array([margin(k, v[k]) for k in range(len(v))])
    return (v >= INSIDE[:, 0] - tol) & (v <= INSIDE[:, 1] + tol)


def measure(p):
    X, y = X0.copy(), y0.copy()
    X[nb] = p[: 3 * NB].reshape(-1, 3)
    y[nb] = p[3 * NB:]
    D = np.column_stack([treated, X, urban, np.ones(N)])
    out = []
    for D_, terms in ((D, TAB_12_2), (np.column_stack([treated, np.ones(N)]), TAB_12_1)):
        b, se, r2, _ = wls(y, D_, w)
        for j in range(len(terms)):
            sign, t = figures[len(out) + 2][4], b[j] / se[j]
            out += [b[j], se[j], sign * t if sign else abs(t)]
        out.append(r2)
        if D_ is D:
            out.append(wls(ysv, D, w)[0][0])
    return np.array(out)


def in_print(v):
    return (v >= LO) & (v < HI)


def step_lp(jac, v, held, box, halfway):
    """The move (in priors) of one step, or None if the programme is infeasible."""
    n, m = jac.shape[1], len(v)
    # Variables z+ (n), z- (n), shortfalls (m); z = z+ - z-, so Σ|z| = Σ(z+ + z-). Every
    # figure is aimed into its shrunk box (soft rows); one in print also has hard rows.
    c = np.concatenate([np.ones(2 * n), np.full(m, AIMED)])
    A, b = [], []
    for k in range(m):
        lo, hi = INSIDE[k]
        s = margin(k, v[k])
        lo, hi = (lo - v[k]) / s, (hi - v[k]) / s  # in margins, relative to now
        row = np.concatenate([jac[k] / s, -jac[k] / s, np.zeros(m)])
        row[2 * n + k] = -1.0
        A += [row, np.concatenate([-row[:2 * n], row[2 * n:]])]
        b += [hi, -lo]
        if held[k]:
            lo = lo / 2 if halfway and lo > 0 else 0.0 if lo > 0 else lo
            hi = hi / 2 if halfway and hi < 0 else 0.0 if hi < 0 else hi
            row = np.concatenate([jac[k] / s, -jac[k] / s, np.zeros(m)])
            A += [row, -row]
            b += [hi, -lo]
    bounds = ([(0, max(hi, 0)) for _, hi in box] + [(0, max(-lo, 0)) for lo, _ in box]
              + [(0, None)] * m)
    r = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    return r.x[:n] - r.x[n:2 * n] if r.status == 0 else None


t0 = time.time()
v0 = measure(p0)
p, v, size, undone, taken = p0.copy(), v0, TRUST, 0, 0
print(f"start: {in_print(v).sum()} of {len(figures)} in print; out:",
      [(figures[k][0], round(float(v[k]), 4)) for k in np.where(~in_print(v))[0]])
while taken < STEPS and not settled(v).all():
    taken += 1
    jac = np.empty((len(v), len(p)))
    for i in range(len(p)):
        q = p.copy()
        q[i] += 1e-6 * prior[i]
        jac[:, i] = (measure(q) - v) / 1e-6
    held = in_print(v)
    box = [(max(-size, (lb[i] - p[i]) / prior[i]), min(size, (ub[i] - p[i]) / prior[i]))
           for i in range(len(p))]
    z = step_lp(jac, v, held, box, True)
    if z is None:
        z = step_lp(jac, v, held, box, False)  # halfway in cannot be had: no further out
    if z is None:
        print(f"step {taken}: linear programme infeasible")
        break
    q = p + z * prior
    wv = measure(q)
    if (held & ~in_print(wv)).any():
        size /= 2
        undone += 1
        if size < 1e-4:
            print(f"step {taken}: trust region below 1e-4 priors")
            break
        continue
    size = min(2 * size, TRUST)
    if in_print(wv).sum() > held.sum():
        print(f"step {taken}: {in_print(wv).sum()} in print, new:",
              [figures[k][0] for k in np.where(in_print(wv) & ~held)[0]], flush=True)
    p, v = q, wv
print(f"end after {taken} steps ({undone} undone), {time.time() - t0:.0f} s: "
      f"{in_print(v0).sum()} -> {in_print(v).sum()} of {len(figures)} in print, "
      f"{settled(v).sum()} inside their margins")
for k in np.where(~in_print(v))[0]:
    print(f"  out: {figures[k][0]} {v[k]:.4f} (box {LO[k]:.3f} to {HI[k]:.3f})")
dz = (p - p0)[: 3 * NB].reshape(-1, 3)
for j, (c, scale, unit) in enumerate(zip(FREE, (1, 1000, 1), ("points", "EUR", "per 100"))):
    rms, top = np.sqrt(np.mean(dz[:, j] ** 2)) * scale, np.abs(dz[:, j]).max() * scale
    print(f"  {c} moved: root mean square {rms:,.{0 if scale > 1 else 3}f} {unit}, "
          f"largest {top:,.{0 if scale > 1 else 3}f}")
dr = (p - p0)[3 * NB:]
print(f"  neighbours' rate changes moved: root mean square {np.sqrt(np.mean(dr ** 2)):.4f} "
      f"points, largest {np.abs(dr).max():.4f}")
