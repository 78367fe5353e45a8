#!/usr/bin/env python3
"""Why two figures were hard to bring into print: Tab. 13 (2)'s GDP coefficient (printed
since the generator's steps 14 and 15, which follow part 3's path) and Tab. 17 (6)'s
SV-employee coefficient (still missed).

Part 1, the algebra. In columns that share their units, weights, outcome and controls and
differ only in the treatment dummy d, a control's coefficient is (the omitted-variable
formula, exact for weighted least squares)

    beta(d) = b - delta(d) * gamma(d),

b the control's coefficient without any dummy, delta(d) its coefficient when d is regressed
on the controls, gamma(d) the treatment coefficient. Tab. 13-16 (2) share the 44 BW districts
(Tab. 14: 42), Tab. 17 (2), (4), (6) the 37 districts with a housing count. gamma(d) is a
printed figure itself, so the gaps between a control's coefficients across the columns are
set by the delta(d): how the dummies relate to the controls given the other controls. The
part prints b, delta, gamma and beta for GDP in Tab. 13-16 and SV employees in Tab. 17.
For Tab. 17's SV employees it also asks whether any b puts the three coefficients in print
at once. b is where the outcome enters, and it is the same in the three columns (moving the
outcome along the control's residual shifts all three coefficients alike); delta(d) is set by
the controls, the weights D and the memberships alone, and gamma(d) may only move inside its
own print box. So the three boxes, each shifted by its delta(d) * gamma(d), must overlap.

Part 1b, why delta(d) is what it is. The treatment coefficient without controls less the one
with them is sum_k beta_k * gap_k (the same formula the other way round; gap_k the weighted
treated-minus-control mean of control k). Printed figures fix both treatments and every
beta_k to one decimal, so they fix this sum, and with it how far the groups may differ in
their controls.

Part 2, the first-order reach. Linearise every figure of Tab. 11-17 in the unknowns of
`sample_figures.Figures` (finite differences) and solve a linear programme: move the missed
figure as far towards its print box as possible while every figure in print stays inside its
box (its edges, no margin), each unknown within R of its prior. Three sets of unknowns:
(a) step 12's: every BW district's five controls and every district's employment rate change;
(b) (a) plus the BW districts' employment weights; (c) (a) plus Tab. 17's district housing
changes and their weights D, Tab. 17's columns without controls held as well. For each R it
prints the linear reach against the distance needed, the figure's value at that point
measured (not linearised) and how many figures are in print there; then the figures that bind
most at R = 0.1 (the programme's largest dual values).

On the sample of 2026-11-30 (d712f91), GDP per head: b - delta * gamma is -0.0369 + 0.540 *
0.0075 = -0.0329 in Tab. 13 and -0.0369 - 0.656 * 0.0083 = -0.0423 in Tab. 15. Printing -0.1
and 0.0 needs Tab. 13's below Tab. 15's, 0.540 delta(13) + 0.656 delta(15) < 0 (it is
+0.0094): GDP's partial relation to early start and to plan B turning negative. Tab. 15's
coefficient, 0.0077 above its lower edge, binds (dual 0.89): moves that lower b lower both.
Reach (a): -0.0119 of the -0.0171 needed at R = 0.1 (measured -0.0113, 171 figures in print
there); the linear reach passes -0.0171 only near R = 0.5 (-0.0197), where the measured move
is -0.0054 with 133 in print; (b) and (c) add at most 0.001 to the reach.
SV employees: 0.1041 - 0.442 * (-0.0685) = 0.1343 in Tab. 17 (6), 0.1041 - 1.642 * 0.0279 =
0.0583 in (2), 0.0083 above its lower edge and binding (dual 0.97; in (c) with (1)'s R²,
0.0052 for 0.01, dual 0.48). (6) needs -0.0843; (a) reaches -0.0188 at R = 0.1 and -0.0414
at R = 0.5 (measured -0.1053, with 134 in print), (c) -0.0196 and -0.0441.
It takes about 15 seconds. On the sample after steps 14 and 15 (Tab. 13's GDP in print),
GDP per head: -0.0479 + 0.451 * 0.0057 = -0.0505 in Tab. 13 and -0.0479 - 0.650 * 0.0024 =
-0.0495 in Tab. 15, each 0.0005 inside its edge; SV employees: 0.1163 - 0.383 * (-0.0798) =
0.1469 in Tab. 17 (6) (needs -0.0969; (a) reaches -0.0221 at R = 0.1 and -0.0409 at
R = 0.5), 0.1163 - 1.551 * 0.0424 = 0.0505 in (2), binding (dual 1.05). No b puts (2), (4)
and (6) in print: (2) needs b >= 0.1158, (6) b < 0.0194, 0.0964 apart, so only a change of
delta(2) (to about -0.02) or delta(6) can bring (6) in, never the outcome alone. Part 1b:
Tab. 14's treatment, 1.218 without and 0.649 with controls, drops by 0.568 = 0.650 * -0.07
(protection) - 0.079 * 3.95 (GDP) + 0.203 * 5.77 (SV employees) - 3.927 * 0.06 (urban):
the capacity group's SV gap carries the drop, and Tab. 17 (2)'s capacity group has it too
(+5.41). Split into what the other controls predict and the rest (whose gap has delta's
sign): 0.203 * 2.38 = 0.483 from the rest, protection seekers -1.707 * -0.07, GDP 0.007 *
3.95, urban -0.940 * 0.06; with delta below zero the others would carry the whole drop, and
only protection seekers (a gap near -0.33 points) plausibly could.

Part 3 (`--long`), the path, for each of the two figures still out of print. First order sees
only a short way. Many small steps can follow a
curved path: a sequential linear programme (as the generator's `slp.rs`) over (a)'s unknowns,
each step within 0.02 of each prior (halved when a step takes a figure out of print, doubled
back after one that does not), every figure in print held inside its box less a sixteenth of
the generator's margins (0.0005 for coefficients and SEs; as `Figures.inside`) and no move cost
to speak of, aimed at Tab. 13 (2)'s GDP coefficient alone. Then the controls are rounded to the
decimals the sample writes (three; new dwellings four) and the figures measured again. On the
sample of 2026-11-30 (d712f91) the coefficient prints at step 561 (-0.0500) and stands at
-0.0513 after 700, 213 of 214 in print; the controls have moved by a root mean square of 0.12
points of protection seekers, 2,960 EUR, 2.1 SV employees, 0.58 dwellings and 0.031 new
dwellings per 100. So the figure is reachable in the continuous solve, with moves smaller than
step 11's (8,840 EUR and 4.3 SV employees). But the figures then sit a sixteenth of a margin
inside their edges, and rounding the controls as written takes 16 out of print (197 of 214:
constants, SEs and coefficients of Tab. 13, 14 and 16 (2) and of every Tab. 17 column with
controls). The generator's stages aim a full margin inside for that reason; a full margin
(0.008) inside both boxes needs Tab. 13's GDP coefficient 0.016 below Tab. 15's, and this
search ends about 0.002 below it (Tab. 15's is held no lower than -0.0495). A trial generator
stage of this search (1,000 steps, then step 12's settling search at full margins) lost 11
figures the same way and was not kept; on the end point of a similar run, writing the controls
with three more decimals kept all 213. That is what the generator's step 14 now does, and step
15 brings back, with the controls alone, what rounding the employment outcome to whole persons
then takes out. On the sample after them, aimed at Tab. 17 (6)'s SV coefficient instead (the
one figure left), the path moves it from 0.1469 to 0.1160 in 700 steps (0.05 needed), 213 of
214 in print, the controls moved by a root mean square of 0.14 points, 2,835 EUR, 2.3 SV
employees, 0.75 dwellings and 0.052 new dwellings per 100: not a path the generator can take
to that figure. The part takes about 9 minutes per figure.

Part 4 (`--design`), what the design must become. Part 1's condition, asked of every term at
once: in a family of columns sharing units, weights, outcome and controls, term k prints in
all of them only if some b_k lies in every box shifted by delta_k(d) * gamma(d), gamma(d)
anywhere in its own box. These conditions involve the controls, the weights and the
memberships alone: no outcome lifts them. Two families: Tab. 17 (2), (4), (6) (seven terms)
and Tab. 13, 15, 16 (2) (the 44 BW districts; five terms). Each term's gap (largest shifted
lower edge less smallest shifted upper edge) must be negative. Then a local search (SLSQP)
for the least SV gap of Tab. 17 that moves of chosen unknowns reach, every other gap held
where it is, the move's root mean square at most R priors. On the sample after steps 14 and
15: Tab. 17's SV gap +0.0964, every other gap at most -0.001 (most exactly -0.001: steps 14
and 15 leave figures a sixteenth of a margin inside their edges). Tab. 17's own unknowns
(dwellings, new dwellings, weights D; they enter no other table) reach +0.0391 within 1.5
priors and -0.0001 only within 3 (dwellings moved by a root mean square of 5.1 per 100, new
dwellings by 0.35 per 100 in a range of 0.1-0.9, D by a log factor of 0.29): not a plausible
design. With the three controls Tab. 12-16 share (protection seekers, GDP, SV employees)
free as well: +0.0010 within half a prior (GDP moved by 7,685 EUR, SV employees by 3.3 per 100,
protection seekers by 0.14 points, dwellings by 0.43 and new dwellings by 0.036 per 100, D
by 1.8%) and -0.0962 within one. So the condition opens only through GDP per head and SV
employees, by about half a prior per district: further than steps 8-15 move them, and the
figures of Tab. 12-16 that involve GDP and SV are what the calibration then has to bring
back. The part takes about 20 minutes.

Part 5 (`--swap`), part 4's conditions at the generator's margin, and with other early-start
groups. The generator aims every figure a margin (0.008) inside its box, so here every
coefficient's box and every gamma's shrinks by it, and a local search (SLSQP on the epigraph)
finds the least largest gap of all twelve terms that moves of every BW control and D reach
within R priors (root mean square). Then the same after two exchanges of early-start
membership that a scratch screen had picked by their effect on GDP's gap (Tab. 13's GDP
coefficient must lie a margin below -0.05, Tab. 15's a margin above it): 08215 (Landkreis
Karlsruhe) leaves the group and 08212 (Karlsruhe) joins, or 08326 (Schwarzwald-Baar-Kreis)
leaves and 08111 (Stuttgart) joins. Both keep Tab. 13 (1) possible (weighted early share 0.489
and 0.541; with Tab. 11's mean change it needs 0.316-0.588) but lower the early districts'
share of the funded municipalities from 0.660 to 0.618 and 0.635 (the generator aims at 0.66,
for Abb. 4). On the sample of 2026-12-02 (9158d87), at the margin: SV's gap (Tab. 17) +0.1127,
GDP's (Tab. 13, 15, 16) +0.0150, every other gap below zero. Within 0.5 priors the largest
gap is +0.0156 with the memberships as they are, +0.0117 and +0.0415 with the two exchanges;
within 1.0 priors -0.0011 as they are (GDP per head moved by a root mean square of 13,611 EUR,
SV employees by 6.1 per 100, protection seekers by 0.44 points, dwellings by 1.0 and new
dwellings by 0.08 per 100, D by 3.9%), +0.0154 and -0.0078 with the exchanges (the first
where SLSQP stops, its GDP and SV gaps closed). The exchanges move GDP's gap at the sample by
0.0001-0.0025 and open nothing sooner: the conditions close with the memberships as they are,
but only with moves of about a prior per control, five times what steps 8-15 moved the
controls. The part takes about 8 minutes.

Part 6 (`--refit`), every figure from part 5's design, and what the early-start group adds.
Part 5's conditions are necessary, not sufficient: the figures of Tab. 11-17 are tied
together beyond them (the columns without controls, the SEs, R², Tab. 14's 42 districts, the
SV-only twins). Here the model of `sample_figures.Figures` with Tab. 17's housing changes and
weights D (481 unknowns, 235 figures) starts from part 5's design within 1.0 priors (its
controls and D; 108 of 235 in print there) and an elastic sequential linear programme
(`elastic_search`: each step the summed distance outside the boxes, shrunk by a sixteenth of
the generator's margins as steps 14 and 15 aim, to first order, within a trust region) runs
up to 800 steps, once with the memberships as they are and once with 08326 out of the
early-start group and 08111 in (part 5's second exchange). On the sample of 2026-12-02
(9158d87): as they are, 234 of 235 in print, Tab. 13 (2)'s GDP coefficient at -0.0445 (needs
-0.0505 or below; Tab. 15's sits at its edge, -0.0495): the pair that steps 14 and 15 closed
opens again once Tab. 17 (6)'s SV coefficient is in print (0.0495). With the exchange, all
235 in print, a sixteenth of a margin inside: Tab. 13's GDP -0.0505, Tab. 15's -0.0495, Tab.
17 (6)'s SV 0.0495. The unknowns moved from the sample by a root mean square of 1.06 priors
for GDP per head (8,500 EUR), 0.37 for SV employees (3.0 per 100), 0.75 for protection seekers
(0.30 points), 0.80 and 1.60 for dwellings and new dwellings (1.6 and 0.16 per 100), 0.68 for
the employment rate changes (0.34 points), 1.00 for the housing changes (2.0 points) and 1.49
for D (a log factor of 0.15, half again what step 7 moved it). So a continuous point that
prints every figure of Tab. 11-17 exists with the exchange, and this search finds none
without it. Not asked here: Tab. 18, the rounding to whole persons and to the written
decimals, and what the exchange does to section 3's figures (the early districts' share of
the funded municipalities falls from 0.660 to 0.635). The part takes about 15 minutes.

Usage: python3 scripts/missed_figures_reach.py [BUNDLE] [--long] [--design] [--swap] [--refit]   (default:
the shipped sample; needs `cargo build --release` for target/release/wirkung, numpy, pandas and
scipy)
"""

import copy
import sys
from functools import cache

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize

from sample_figures import (COLUMNS, FREE, MARGIN, SAMPLE, WEIGHT_PRIOR, WEIGHT_RANGE, Figures,
                            panel, treated_of, wls)

# Options are the arguments with "--" (also those of a script importing this one).
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
BUNDLE = ARGS[0] if ARGS else SAMPLE
# Imported (`refit_whole_persons.py` uses parts 5 and 6), the module runs no part.
MAIN = __name__ == "__main__"
LONG = MAIN and "--long" in sys.argv[1:]
DESIGN = MAIN and "--design" in sys.argv[1:]
SWAP = MAIN and "--swap" in sys.argv[1:]
REFIT = MAIN and "--refit" in sys.argv[1:]
# Part 6: steps of the elastic search, and how far inside its box each figure is aimed (a
# multiple of the generator's margins: steps 14 and 15 work a sixteenth inside).
REFIT_STEPS, REFIT_MARGINS = 800, 1.0 / 16.0
SWAP_REACH = [0.5, 1.0]
# Part 3: steps, trust region (priors), margins (a multiple of the generator's), and the
# decimals the sample writes each control to.
LONG_STEPS, LONG_TRUST, LONG_MARGINS = 700, 0.02, 1.0 / 16.0
DECIMALS = {"protection_seekers_pct_2017": 3, "gdp_per_capita_2017": 3,
            "sv_employees_per_100_2019": 3, "dwellings_per_100_2018": 3,
            "new_dwellings_per_100_2018": 4}
MISSED = ["13 (2) term 3 coef", "17 (6) term 4 coef"]
REACH = [0.02, 0.1, 0.5, 2.0]


@cache
def with_controls(outcome, comparison):
    """A column's panel with all controls, read once for parts 1 and 1b."""
    return panel(BUNDLE, outcome, comparison, True)


def common_b(boxes, shifts):
    """Where b must lie for b - shift to print in every box: [largest lower edge + shift,
    smallest upper edge + shift); empty when the first is not below the second."""
    return (max(lo + sh for (lo, _), sh in zip(boxes, shifts)),
            min(hi + sh for (_, hi), sh in zip(boxes, shifts)))


def decomposition(outcome, columns, control, boxes=None):
    """Part 1. With `boxes` (each column's print box of the control's coefficient), also
    whether any b puts them all in print given the products delta(d) * gamma(d): the largest
    lower edge less the smallest upper edge, each shifted by its product, must be negative."""
    print(f"{control} in {outcome} columns: beta(d) = b - delta(d) * gamma(d)")
    products = []
    for label, comparison in columns:
        d = with_controls(outcome, comparison)
        names = list(d.columns[8:])
        X = np.column_stack([np.ones(len(d))] + [d[c].values.astype(float) for c in names])
        w, y, t = d.weight.values.astype(float), d.outcome_change.values, treated_of(d)
        j = names.index(control) + 1
        b, delta = wls(y, X, w)[0][j], wls(t, X, w)[0][j]
        full = wls(y, np.column_stack([t, X]), w)[0]
        print(f"  {label:8} n {len(d):3}  b {b:8.4f}  delta {delta:8.4f}  gamma {full[0]:7.3f}"
              f"  beta {full[j + 1]:8.4f}")
        products.append(delta * full[0])
    if boxes:
        low, high = common_b(boxes, products)
        print(f"  b would need to lie in [{low:.4f}, {high:.4f}): "
              + ("possible" if low < high else
                 f"no b, the products are {low - high:.4f} too far apart"))


def reach(name, figures):
    v = figures.measure(figures.p0)
    held = [k for k in np.where(figures.in_print(v))[0]]
    print(f"\n({name}) {len(figures.p0)} unknowns, {len(held)} of {len(v)} figures in print")
    jac = figures.jacobian(figures.p0, v)
    rows = np.vstack([jac[held], -jac[held]])
    slack = np.concatenate([figures.HI[held] - 1e-9 - v[held], v[held] - figures.LO[held]])
    labels = [figures.labels[k] for k in held]
    for target in MISSED:
        k = figures.index_of(target)
        lo, hi = figures.LO[k], figures.HI[k]
        direction = 1.0 if v[k] < lo else -1.0
        needed = lo - v[k] if v[k] < lo else hi - v[k]
        print(f"  {target}: {v[k]:.4f}, box [{lo:.3f}, {hi:.3f}), needs {needed:+.4f}")
        for r in REACH:
            box = [(max(-r, (b[0] - q) / pr), min(r, (b[1] - q) / pr))
                   for b, q, pr in zip(figures.bounds, figures.p0, figures.prior)]
            lp = linprog(-direction * jac[k], A_ub=rows, b_ub=slack, bounds=box, method="highs")
            if lp.status != 0:
                print(f"    R {r}: {lp.message}")
                continue
            p = figures.p0 + lp.x * figures.prior
            w = figures.measure(p)
            print(f"    R {r:4}: linear {jac[k] @ lp.x:+.4f}, measured {w[k] - v[k]:+.4f},"
                  f" {figures.in_print(w).sum()} in print there")
            if r == 0.1:
                dual = -lp.ineqlin.marginals
                top = np.argsort(-dual)[:5]
                side = ["upper"] * len(held) + ["lower"] * len(held)
                print("      binding: " + "; ".join(
                    f"{labels[i % len(held)]} ({side[i]} edge, {dual[i]:.3g})"
                    for i in top if dual[i] > 1e-9))


if MAIN:
    decomposition("employment", [("13 (2)", "early-start"), ("14 (2)", "capacity"),
                                 ("15 (2)", "plan-b"), ("16 (2)", "labour-talks")],
                  "gdp_per_capita_2017")
    decomposition("housing", [("17 (2)", "capacity"), ("17 (4)", "plan-b"),
                              ("17 (6)", "housing-talks")], "sv_employees_per_100_2019",
                  [(0.05, 0.15), (-0.05, 0.05), (-0.05, 0.05)])


def treatment_shift(outcome, comparison, label):
    """Part 1b: gamma without controls minus gamma with them is sum_k beta_k * gap_k (the
    omitted-variable formula the other way round: beta_k the control's coefficient in the
    column with controls, gap_k the weighted treated-minus-control mean of the control)."""
    d = with_controls(outcome, comparison)
    names = list(d.columns[8:])
    w, y, t = d.weight.values.astype(float), d.outcome_change.values, treated_of(d)
    X = np.column_stack([np.ones(len(d))] + [d[c].values.astype(float) for c in names])
    short = wls(y, np.column_stack([np.ones(len(d)), t]), w)[0][1]
    full = wls(y, np.column_stack([t, X]), w)[0]
    gap = [np.average(c[t == 1], weights=w[t == 1]) - np.average(c[t == 0], weights=w[t == 0])
           for c in X[:, 1:].T]
    print(f"  {label:12} {short:6.3f} - {full[0]:6.3f} = {short - full[0]:+.3f}: " + ", ".join(
        f"{n.split('_')[0]} {b:.3f} x {g:+.2f}" for n, b, g in zip(names, full[2:], gap)))
    # The same sum with SV employees split into what the other controls predict of it (pi,
    # their coefficients when SV employees are regressed on them) and its residual, whose
    # gap has delta's sign: each other control then enters with beta_k + beta_SV * pi_k.
    j = names.index("sv_employees_per_100_2019")
    others = [k for k in range(X.shape[1]) if k != j + 1]
    pi = wls(X[:, j + 1], X[:, others], w)[0]
    resid = X[:, j + 1] - X[:, others] @ pi
    r_gap = (np.average(resid[t == 1], weights=w[t == 1])
             - np.average(resid[t == 0], weights=w[t == 0]))
    parts = [(names[k - 1], full[k + 1] + full[j + 2] * p, gap[k - 1])
             for k, p in zip(others[1:], pi[1:])]
    print(f"  {'':12} = SV residual {full[j + 2]:.3f} x {r_gap:+.2f}, " + ", ".join(
        f"{n.split('_')[0]} {c:.3f} x {g:+.2f}" for n, c, g in parts))


if MAIN:
    print("treatment without minus with controls = sum of coefficient x treated-minus-control gap")
    treatment_shift("employment", "capacity", "14")
    for comparison, label in [("capacity", "17 (1)/(2)"), ("plan-b", "17 (3)/(4)"),
                              ("housing-talks", "17 (5)/(6)")]:
        treatment_shift("housing", comparison, label)

if MAIN:
    reach("a: step 12's unknowns", Figures(BUNDLE))
    reach("b: and the employment weights", Figures(BUNDLE, employment_weights=True))
    reach("c: and Tab. 17's housing changes and weights D", Figures(BUNDLE, housing=True))


def long_path(figures, target):
    """Part 3: the sequential linear programme towards `target`, the figures in print at the
    start held inside their boxes less LONG_MARGINS of a margin (or, outside that, moving at
    least halfway in)."""
    n, k = len(figures.p0), figures.index_of(target)
    p, v = figures.p0.copy(), figures.measure(figures.p0)
    held = np.where(figures.in_print(v))[0]
    size, first = LONG_TRUST, None
    for step in range(LONG_STEPS):
        jac = figures.jacobian(p, v)
        rows, rhs = [], []
        for h in held:
            lo, hi = figures.inside(h, LONG_MARGINS)
            lo = v[h] + (lo - v[h]) / 2 if v[h] < lo else lo
            hi = v[h] - (v[h] - hi) / 2 if v[h] > hi else hi
            rows += [np.concatenate([jac[h], np.zeros(n)]), np.concatenate([-jac[h], np.zeros(n)])]
            rhs += [hi - v[h], v[h] - lo]
        for i in range(n):  # |z_i| as t_i: z - t <= 0, -z - t <= 0
            for sign in (1.0, -1.0):
                row = np.zeros(2 * n)
                row[i], row[n + i] = sign, -1.0
                rows.append(row)
                rhs.append(0.0)
        box = [(max(-size, (b[0] - q) / pr), min(size, (b[1] - q) / pr))
               for b, q, pr in zip(figures.bounds, p, figures.prior)] + [(0, None)] * n
        # The aim per unit of the figure against a move of one prior: as the generator's
        # AIMED penalty per (fine) margin.
        centre = (figures.LO[k] + figures.HI[k]) / 2
        c = np.concatenate([jac[k] * np.sign(v[k] - centre) * 1e3, np.full(n, 5e-5)])
        lp = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=box, method="highs")
        if lp.status != 0:
            size /= 2
            continue
        q = p + lp.x[:n] * figures.prior
        w = figures.measure(q)
        if not figures.in_print(w)[held].all():
            size /= 2
            continue
        p, v, size = q, w, min(2 * size, LONG_TRUST)
        if first is None and figures.in_print(v)[k]:
            first = step
            print(f"  in print at step {step}: {v[k]:.4f}")
    moved = p - figures.p0

    def rms(name):
        return np.sqrt(np.mean([moved[i] ** 2 for (u, c), i in figures.index.items() if c == name]))

    print(f"  after {LONG_STEPS} steps: {target} {v[k]:.4f}, {figures.in_print(v).sum()} of "
          f"{len(v)} in print; controls moved by a root mean square of "
          + ", ".join(f"{rms(name):.3f} ({name})" for name in FREE))
    # Rounded as steps 4-13 write the controls, and with the three more decimals of steps 14
    # and 15.
    for extra in (0, 3):
        rounded = p.copy()
        for (u, c), i in figures.index.items():
            if c in DECIMALS:
                rounded[i] = round(rounded[i], DECIMALS[c] + extra)
        r = figures.measure(rounded)
        lost = [figures.labels[h]
                for h in np.where(figures.in_print(v) & ~figures.in_print(r))[0]]
        print(f"  the controls rounded to {extra} more decimals: {figures.in_print(r).sum()} in "
              "print; out: " + ("; ".join(lost) or "none"))


if LONG:
    figures = Figures(BUNDLE)
    start = figures.in_print(figures.measure(figures.p0))
    for target in MISSED:
        if not start[figures.index_of(target)]:
            print(f"\n(long) {target} along many small steps")
            long_path(figures, target)


def swapped(frame, swap):
    """An early-start panel with two districts' memberships exchanged (part 5)."""
    leaves, joins = swap
    f = frame.copy()
    f["treated"] = treated_of(f) == 1.0
    assert f.treated[f.unit_id == leaves].all() and not f.treated[f.unit_id == joins].any()
    f.loc[f.unit_id == leaves, "treated"] = False
    f.loc[f.unit_id == joins, "treated"] = True
    return f


class CommonB:
    """Part 4 (`--design`): part 1's condition for every term at once, on the design alone.
    In a family of columns that share units, weights, outcome and controls, term k prints in
    every column only if some b_k lies in each box shifted by delta_k(d) * gamma(d): the
    largest shifted lower edge less the smallest shifted upper edge (the term's "gap") must be
    negative. delta_k(d) depends on the controls, the weights and the memberships alone, and
    gamma(d) may lie anywhere in its box (an unknown here), so these are conditions on the
    design that no outcome can lift. Two families: Tab. 17 (2), (4), (6) (37 districts, seven
    terms) and Tab. 13, 15, 16 (2) (the 44 BW districts, five terms; Tab. 14 has 42)."""

    FAMILIES = {"housing": ("17 (2)", "17 (4)", "17 (6)"), "employment": ("13", "15", "16")}

    def __init__(self, moving, margin=0.0, swap=None):
        """`margin`: how far inside its print box each coefficient must lie (part 5 asks
        for the generator's); `swap`: (leaves, joins), two BW districts whose early-start
        memberships are exchanged (part 5)."""
        self.index, p0, prior, bounds = {}, [], [], []
        self.families, self.margin = [], margin
        for outcome, names in self.FAMILIES.items():
            cols = [c for c in COLUMNS if c[0] in names and c[3]]
            frames = [with_controls(outcome, c[2]) for c in cols]
            if swap is not None and outcome == "employment":
                frames = [swapped(f, swap) if c[2] == "early-start" else f
                          for c, f in zip(cols, frames)]
            d = frames[0]
            assert all(list(f.unit_id) == list(d.unit_id) for f in frames)
            controls = list(d.columns[8:])
            cells = {}
            for c in controls + ["D"]:
                if c not in moving or (c == "D" and outcome != "housing"):
                    continue
                values = d[c].values if c != "D" else np.zeros(len(d))
                pr, rng = (WEIGHT_PRIOR, WEIGHT_RANGE) if c == "D" else FREE[c]
                cells[c] = [self._unknown((u, c), float(v), pr, rng, p0, prior, bounds)
                            for u, v in zip(d.unit_id, values)]
            gammas = []
            for c, f in zip(cols, frames):
                X = np.column_stack([treated_of(f), np.ones(len(f))]
                                    + [f[k].values.astype(float) for k in controls])
                g = wls(f.outcome_change.values, X, f.weight.values.astype(float))[0][0]
                centre = c[4][0][0]
                box = (centre - 0.0499 + margin, centre + 0.0499 - margin)
                gammas.append(self._unknown((c[0], "gamma"), float(np.clip(g, *box)), 0.05, box,
                                            p0, prior, bounds))
            self.families.append((outcome, d, [treated_of(f) for f in frames],
                                  [c[4] for c in cols], controls, cells, gammas))
        self.p0, self.prior, self.bounds = np.array(p0), np.array(prior), bounds
        self.labels = [f"{o} {k}" for o, d, _, _, controls, _, _ in self.families
                       for k in ["constant"] + controls]

    def _unknown(self, key, value, pr, rng, p0, prior, bounds):
        """One unknown per (district, control): the two families share a district's value."""
        if key in self.index:
            return self.index[key]
        self.index[key] = len(p0)
        p0.append(value)
        prior.append(pr)
        bounds.append(rng)
        return self.index[key]

    def shifted(self, p):
        """Per family at `p`: its columns' printed terms, and per column the shifts
        delta_k(d) * gamma(d) of its terms (constant first, then the controls)."""
        for _, d, ts, terms, controls, cells, gammas in self.families:
            X = np.column_stack([np.ones(len(d))] + [
                p[cells[c]] if c in cells else d[c].values.astype(float) for c in controls])
            w = d.weight.values.astype(float) * (np.exp(p[cells["D"]]) if "D" in cells else 1.0)
            yield terms, [wls(t, X, w)[0] * p[g] for t, g in zip(ts, gammas)]

    def gaps(self, p):
        out = []
        half = 0.05 - self.margin
        for terms, shifts in self.shifted(p):
            for k in range(len(shifts[0])):
                low, high = common_b([(col[k + 1][0] - half, col[k + 1][0] + half)
                                      for col in terms], [sh[k] for sh in shifts])
                out.append(low - high)
        return np.array(out)

    def moved(self, p):
        """Root mean square move per unknown kind, in its own unit (D: log factor)."""
        parts = []
        for c in list(FREE) + ["D"]:
            ix = [i for (_, cc), i in self.index.items() if cc == c]
            if ix:
                parts.append(f"{c} {np.sqrt(np.mean((p[ix] - self.p0[ix]) ** 2)):.3f}")
        return ", ".join(parts)


def open_sv_condition(moving, rms):
    """Part 4: the least gap of Tab. 17's SV-employee term that moves of `moving` reach,
    every other term's gap held at or below where it is (or -0.003, inside), the move's root
    mean square at most `rms` priors (SLSQP; a local search)."""
    design = CommonB(moving)
    sv = design.labels.index("housing sv_employees_per_100_2019")
    g0 = design.gaps(design.p0)
    others = [k for k in range(len(g0)) if k != sv]
    cap = np.maximum(g0[others], -0.003)
    moving_ix = [i for (u, c), i in design.index.items() if c != "gamma"]

    def point(z):
        return design.p0 + z * design.prior

    constraints = [{"type": "ineq", "fun": lambda z: cap - design.gaps(point(z))[others]},
                   {"type": "ineq", "fun": lambda z: rms ** 2 * len(moving_ix)
                    - np.sum(z[moving_ix] ** 2)}]
    box = [((lo - q) / pr, (hi - q) / pr)
           for (lo, hi), q, pr in zip(design.bounds, design.p0, design.prior)]
    fit = minimize(lambda z: 100 * design.gaps(point(z))[sv], np.zeros(len(design.p0)),
                   method="SLSQP", constraints=constraints, bounds=box,
                   options={"maxiter": 1500, "ftol": 1e-10})
    p = point(fit.x)
    g = design.gaps(p)
    print(f"  {', '.join(moving)} within {rms} priors: SV gap {g0[sv]:+.4f} -> {g[sv]:+.4f}"
          f" (others at most {np.max(g[others] - cap):+.4f} over where they were); moved by "
          f"a root mean square of {design.moved(p)}")


if DESIGN:
    print("\n(design) every term's common b, on the design alone: gaps at the sample")
    start = CommonB([])
    for label, gap in zip(start.labels, start.gaps(start.p0)):
        print(f"  {label:45} {gap:+.4f}")
    tab_17_only = ["D", "dwellings_per_100_2018", "new_dwellings_per_100_2018"]
    for moving, rms in [(tab_17_only, 1.5), (tab_17_only, 3.0), (["D"] + list(FREE), 0.5),
                        (["D"] + list(FREE), 1.0)]:
        open_sv_condition(moving, rms)


def least_largest_gap(design, rms):
    """Part 5: the least largest gap over every term of both families that moves of the
    design's unknowns reach, the move's root mean square at most `rms` priors (SLSQP on the
    epigraph: minimise s with every gap at most s; a local search)."""
    moving_ix = [i for (u, c), i in design.index.items() if c != "gamma"]
    n = len(design.p0)

    def point(x):
        return design.p0 + x[:n] * design.prior

    constraints = [{"type": "ineq", "fun": lambda x: x[n] - design.gaps(point(x))},
                   {"type": "ineq", "fun": lambda x: rms ** 2 * len(moving_ix)
                    - np.sum(x[moving_ix] ** 2)}]
    box = [((lo - q) / pr, (hi - q) / pr)
           for (lo, hi), q, pr in zip(design.bounds, design.p0, design.prior)] + [(None, None)]
    g0 = design.gaps(design.p0)
    fit = minimize(lambda x: 100 * x[n], np.append(np.zeros(n), g0.max()), method="SLSQP",
                   constraints=constraints, bounds=box,
                   options={"maxiter": 1500, "ftol": 1e-10})
    return point(fit.x), design.gaps(point(fit.x))


def early_group(swap):
    """The early-start group's weighted share (employment weights) and its share of the
    funded municipalities, after `swap`."""
    d = with_controls("employment", "early-start")
    if swap is not None:
        d = swapped(d, swap)
    t, w = treated_of(d), d.weight.values.astype(float)
    munis = pd.read_csv(f"{BUNDLE}/municipalities.csv", dtype={"district_id": str})
    funded = munis[munis.funded.astype(str).str.lower() == "true"].district_id.value_counts()
    early = set(d.unit_id[t == 1])
    return (np.sum(w * t) / w.sum(),
            sum(v for k, v in funded.items() if k in early) / funded.sum())


# Tab. 13 (1) and Tab. 11: constant + treatment x (weighted early share) = BW mean change.
# With the constant in [13.65, 13.75), the treatment in [-0.95, -0.85) and the mean change in
# [13.25, 13.35), the share must lie in [0.30 / 0.95, 0.50 / 0.85).
EARLY_SHARE = (0.30 / 0.95, 0.50 / 0.85)
SWAPS = [None, ("08215", "08212"), ("08326", "08111")]

if SWAP:
    print(f"\n(swap) the largest gap of every term at a margin of {MARGIN} (the generator's),"
          " memberships as they are and with two early-start swaps")
    for swap in SWAPS:
        share, munis = early_group(swap)
        name = "as they are" if swap is None else f"{swap[0]} leaves, {swap[1]} joins"
        print(f"  {name}: weighted early share {share:.3f} (Tab. 13 (1) needs "
              f"{EARLY_SHARE[0]:.3f}-{EARLY_SHARE[1]:.3f}), funded municipalities {munis:.3f}")
        design = CommonB(["D"] + list(FREE), MARGIN, swap)
        g0 = design.gaps(design.p0)
        gdp = design.labels.index("employment gdp_per_capita_2017")
        sv = design.labels.index("housing sv_employees_per_100_2019")
        print(f"    at the sample: largest gap {g0.max():+.4f} ({design.labels[g0.argmax()]}),"
              f" GDP (Tab. 13, 15, 16) {g0[gdp]:+.4f}, SV (Tab. 17) {g0[sv]:+.4f}")
        for rms in SWAP_REACH:
            p, g = least_largest_gap(design, rms)
            print(f"    within {rms} priors: largest gap {g.max():+.4f} "
                  f"({design.labels[g.argmax()]}), GDP {g[gdp]:+.4f}, SV {g[sv]:+.4f}; moved"
                  f" by a root mean square of {design.moved(p)}")


def exchanged(figures, swap):
    """`figures` with two districts' early-start memberships exchanged in every Tab. 13
    regression (columns (1), (2) and the SV-only twin; all on the 44 BW districts in the
    panel's order)."""
    leaves, joins = swap
    unit_of = {i: u for (u, c), i in figures.index.items() if c == "rate"}
    first = next(r for r in figures.regressions
                 if r[0][0] == "13" and isinstance(r[1][0], (int, np.integer)))
    units = [unit_of[c] for c in first[1]]
    a, b = units.index(leaves), units.index(joins)
    regressions = []
    for key, ys, ws, treated, xs, base in figures.regressions:
        if key[0] == "13":
            assert len(ys) == len(units) and treated[a] == 1.0 and treated[b] == 0.0
            treated = treated.copy()
            treated[a], treated[b] = 0.0, 1.0
        regressions.append((key, ys, ws, treated, xs, base))
    out = copy.copy(figures)
    out.regressions = regressions
    return out


def aimed_boxes(figures, scale):
    """Each figure's box shrunk by `scale` margins (one for all, or one per figure), its
    width, and the figures' summed distance outside those boxes (each per its box's width)
    at values v."""
    scales = np.broadcast_to(np.asarray(scale, dtype=float), figures.LO.shape)
    inner = [figures.inside(k, s) for k, s in enumerate(scales)]
    lo = np.array([a for a, _ in inner])
    # Boxes are half-open ([lo, hi)): a figure aimed exactly at hi would not print.
    hi = np.array([b for _, b in inner]) - 1e-6
    width = figures.HI - figures.LO

    def outside(v):
        return np.sum(np.maximum(0, np.maximum(lo - v, v - hi)) / width)

    return lo, hi, width, outside


def design_start(design, point, figures):
    """The unknowns of `figures` as the bundle has them, with those the design moved (its
    controls and D) at the design's `point`."""
    start = figures.p0.copy()
    for key, i in design.index.items():
        if key in figures.index:
            start[figures.index[key]] = point[i]
    return start


def elastic_search(figures, p, scale, steps):
    """Part 6: a sequential linear programme that brings every figure into its box shrunk by
    `scale` margins (`aimed_boxes`): each step minimises the figures' summed distances outside
    to first order, every unknown within a trust region of its prior (grown by half after a
    step that lowers the measured sum, halved otherwise; an unknown whose bounds are one value
    stays)."""
    lo, hi, width, outside = aimed_boxes(figures, scale)
    v = figures.measure(p)
    n, m, size = len(p), len(v), 0.02
    for _ in range(steps):
        if outside(v) == 0 or size < 1e-6:
            break
        jac = figures.jacobian(p, v) / width[:, None]
        a_ub = np.block([[-jac, -np.eye(m)], [jac, -np.eye(m)]])
        b_ub = np.concatenate([(v - lo) / width, (hi - v) / width])
        box = [(max(-size, (b[0] - q) / pr), min(size, (b[1] - q) / pr))
               for b, q, pr in zip(figures.bounds, p, figures.prior)] + [(0, None)] * m
        lp = linprog(np.concatenate([np.zeros(n), np.ones(m)]), A_ub=a_ub, b_ub=b_ub,
                     bounds=box, method="highs")
        if lp.status != 0:
            size /= 2
            continue
        q = p + lp.x[:n] * figures.prior
        w = figures.measure(q)
        if outside(w) < outside(v):
            p, v, size = q, w, min(1.5 * size, 0.2)
        else:
            size /= 2
    return p, v, outside(v)


# Part 5's second exchange, the one part 6 finds every figure with.
EXCHANGE = SWAPS[2]

if REFIT:
    print(f"\n(refit) every figure of Tab. 11-17 from part 5's design (1.0 priors), a "
          f"{REFIT_MARGINS:g} margin inside")
    design = CommonB(["D"] + list(FREE), MARGIN, None)
    d_point, d_gaps = least_largest_gap(design, 1.0)
    figures = Figures(BUNDLE, housing=True)
    start = design_start(design, d_point, figures)
    pairs = [("13 (2) term 3 coef", "Tab. 13 GDP"), ("15 (2) term 3 coef", "Tab. 15 GDP"),
             ("17 (6) term 4 coef", "Tab. 17 (6) SV")]
    print(f"  design: largest gap {d_gaps.max():+.4f}; there "
          f"{figures.in_print(figures.measure(start)).sum()} of {len(figures.LO)} in print")
    for swap in (None, EXCHANGE):
        f = figures if swap is None else exchanged(figures, swap)
        name = "memberships as they are" if swap is None else f"{swap[0]} leaves, {swap[1]} joins"
        p, v, gap = elastic_search(f, start, REFIT_MARGINS, REFIT_STEPS)
        moved = (p - f.p0) / f.prior
        kinds = {}
        for (u, c), i in f.index.items():
            kinds.setdefault(c, []).append(moved[i])
        print(f"  {name}: {f.in_print(v).sum()} of {len(v)} in print, summed distance outside "
              f"{gap:.5f}; " + ", ".join(f"{label} {v[f.index_of(k)]:.4f}" for k, label in pairs)
              + "; moved from the sample by a root mean square (priors) of "
              + ", ".join(f"{c} {np.sqrt(np.mean(np.square(x))):.2f}" for c, x in kinds.items()))
        print("    out of print: " + ("; ".join(
            f"{f.labels[k]} {v[k]:.4f}" for k in np.where(~f.in_print(v))[0]) or "none"))
