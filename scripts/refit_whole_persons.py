#!/usr/bin/env python3
"""Does the point that prints every figure of Tab. 11-17 survive whole persons? The route a
generator stage would take from `missed_figures_reach.py --refit` to a bundle.

Part 6 of `missed_figures_reach.py` finds, from part 5's design and with one early-start
exchange (08326 late, 08111 early), a continuous point where all 235 figures of Tab. 11-17
print a sixteenth of a margin inside their boxes: the BW districts' controls, every
district's employment rate change, Tab. 17's district housing changes and their weights D all
moved. A bundle writes none of these continuously. A rate change moves by one employed person
at the end month (the end rate over the end count, as the generator's count stage), a
housing change by one person of the district's pooled end-wave target persons (100 over
them, as `housing_counts`), D by one target person, and the controls are written to their
decimals (three more in steps 14 and 15). Rounded at once, 206 of 235 print.

So the unknowns are rounded one kind at a time, each followed by part 6's elastic search over
the kinds not yet rounded (those rounded held where they are):
1. the figures that see the rate changes alone (Tab. 11, Tab. 12-16 column (1)) are first
   pushed a full margin inside their boxes (`WIDE`), the rest staying a sixteenth inside: at a
   sixteenth, rounding the rates left Tab. 13 (1)'s constant SE at 0.4501 and Tab. 11's BW
   change at 13.2493, which nothing else moves;
2. the rate changes, coarsest first, each to the neighbouring whole person with the smaller
   summed distance outside, then single-person moves while that sum falls;
3. the housing changes, each to the nearest whole person, while D is still free (columns (1),
   (3), (5) of Tab. 17 see only the housing changes and D: with D rounded first they could
   not be brought back);
4. D, to whole target persons;
5. the controls, to their written decimals plus three.

Measured on the sample of 2026-12-03 (97b0816), about 13 minutes: the design's largest gap
-0.0011, part 6's point 235 of 235; the figures of step 1 a full margin inside: 235; the rates
rounded 226, searched again 235; the housing changes rounded 218, searched again 235; D
rounded 231, searched again 235; the controls rounded 235. The unknowns then stand from the
bundle by a root mean square of 0.74 priors (rate changes), 0.77 (protection seekers), 1.09
(GDP per head), 0.40 (SV employees), 0.82 and 1.71 (dwellings, new dwellings), 1.03 (housing
changes) and 1.65 (D). So the route holds to whole persons in this model. Rounded in another
order it does not: with D before the housing changes, Tab. 17 (1)'s treatment SE and (5)'s
constant SE stay out, and with the rates at a sixteenth of a margin, Tab. 13 (1)'s constant
SE and Tab. 11's BW change (in trial runs while building this script). From the generator's
own state with the exchange drawn into the design (`gen-sample --exchange 08326,08111`),
part 6's search itself ends at 233 of 235 (228 from a design within 1.5 priors), so the
exchange would have to come after the generator's steps 1-15. Not modelled: each district's persons placed in its municipalities
(each municipality's end share within 1-99%, and Tab. 18's municipal columns, which see
them), D dealt out over the municipalities without housing waves (`housing_weights`), the
count stage's own descent and margins, and what the exchange does outside Tab. 11-17 (the
early districts' share of the funded municipalities falls from 0.660 to 0.635).

With `--lp`, part 5's design comes from a sequential linear programme instead of SLSQP (the
solver a generator stage has is a linear one): its gaps' kinks split into smooth pieces, the
mean absolute move within one prior. Measured on the same sample, about 14 minutes: 1,500
steps leave the largest gap at +0.0007 (the controls and D moved by a root mean square of 1.31
priors), part 6 prints all 235, and the roundings go as above (rates 229, housing changes 219,
D 229, each searched back to 235; the controls rounded 235), the unknowns then moved by 0.75
(rate changes), 0.72, 0.97, 0.34, 0.93 and 2.35 (the five controls), 1.06 (housing changes)
and 2.00 priors (D, a log factor of 0.20). With 300 steps (+0.021, in a trial run while
building the option) part 6 ends at 233 (Tab. 13 (2)'s GDP and Tab. 17 (6)'s SV out): the
design must close its gaps.

Usage: python3 scripts/refit_whole_persons.py [BUNDLE] [--lp]   (default: the shipped sample;
needs `cargo build --release` for target/release/wirkung, numpy, pandas and scipy)
"""

import copy
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import linprog

import missed_figures_reach as mfr
from sample_figures import FREE, MARGIN, Figures

BUNDLE = mfr.BUNDLE
# Step 1: how far inside (margins) the figures that see the rates alone are pushed, and the
# elastic search's steps after each rounding.
WIDE, STEPS = 1.0, 300
# `--lp`: part 5's design by sequential linear programming instead of SLSQP (`lp_design`): its
# steps, the cap on each unknown's move and the budget on their mean absolute move (priors).
LP, LP_STEPS, LP_CAP, LP_BUDGET = "--lp" in sys.argv[1:], 1500, 3.0, 1.0
START = time.time()


def spacings(figures):
    """Per unknown, one whole person's move: rate changes (the end rate over the end count),
    housing changes (100 over the district's pooled end-wave target persons of the funded
    municipalities with both housing waves); D is rounded on its own scale (`rounded`)."""
    rates = mfr.panel(BUNDLE, "employment", "bw-vs-neighbours", False)
    emp = pd.read_csv(f"{BUNDLE}/employment.csv", dtype={"district_id": str})
    end_month = emp.month.max()
    employed = emp[emp.month == end_month].set_index("district_id").employed_total
    per_rate = {u: r / employed[u] for u, r in zip(rates.unit_id, rates.outcome_end)}
    tg = pd.read_csv(f"{BUNDLE}/target_group.csv", dtype={"municipality_id": str})
    munis = pd.read_csv(f"{BUNDLE}/municipalities.csv",
                        dtype={"municipality_id": str, "district_id": str})
    both = tg.groupby("municipality_id").housing_decentral.apply(
        lambda s: len(s) == 2 and s.notna().all())
    end = tg[(tg.wave == tg.wave.max()) & tg.municipality_id.isin(both[both].index)].merge(
        munis[["municipality_id", "district_id", "funded"]], on="municipality_id")
    end = end[end.funded.astype(str).str.lower() == "true"]
    pooled = end.groupby("district_id").target_persons.sum()
    out = np.zeros(len(figures.p0))
    for (u, c), i in figures.index.items():
        if c == "rate":
            out[i] = per_rate[u]
        elif c == "housing":
            out[i] = 100.0 / pooled[u]
    return out


def target_persons(figures):
    """Per D unknown, the district's D as written (its weight in Tab. 17)."""
    out = {}
    for _, _, ws, _, _, _ in figures.regressions:
        for w, i in ws:
            if i is not None:
                out[i] = w
    return out


def kind_of(figures):
    kinds = [None] * len(figures.p0)
    for (_, c), i in figures.index.items():
        kinds[i] = c
    return kinds


def rounded(figures, p, kinds, which, step, d_of):
    """`p` with the unknowns of the kinds `which` rounded: rate and housing changes to whole
    persons from where the bundle has them, D to whole target persons, the controls to their
    decimals plus three."""
    q = p.copy()
    for i, c in enumerate(kinds):
        if c not in which:
            continue
        if c in ("rate", "housing"):
            q[i] = figures.p0[i] + np.round((p[i] - figures.p0[i]) / step[i]) * step[i]
        elif c == "D":
            q[i] = np.log(np.round(d_of[i] * np.exp(p[i])) / d_of[i])
        else:
            q[i] = round(p[i], mfr.DECIMALS[c] + 3)
    return q


def report(name, figures, p):
    v = figures.measure(p)
    out = np.where(~figures.in_print(v))[0]
    print(f"  {name}: {figures.in_print(v).sum()} of {len(v)} in print ({time.time() - START:.0f} s)"
          + ("; out: " + "; ".join(f"{figures.labels[k]} {v[k]:.4f}" for k in out[:8])
             + (f" and {len(out) - 8} more" if len(out) > 8 else "") if len(out) else ""),
          flush=True)


def held(figures, p, fixed):
    """`figures` with the unknowns in `fixed` held at their values in `p`."""
    g = copy.copy(figures)
    g.bounds = [(p[i], p[i]) if i in fixed else b for i, b in enumerate(figures.bounds)]
    return g


def rates_one_at_a_time(figures, p, kinds, step, scales):
    """Step 2: coarsest first, each rate change to the neighbouring whole person with the
    smaller summed distance outside (the others as they are), then single-person moves while
    that sum falls."""
    summed = mfr.aimed_boxes(figures, scales)[3]

    def outside(q):
        return summed(figures.measure(q))

    rates = sorted((i for i, c in enumerate(kinds) if c == "rate"), key=lambda i: -step[i])
    for i in rates:
        k = (p[i] - figures.p0[i]) / step[i]
        options = []
        for r in (np.floor(k), np.ceil(k)):
            q = p.copy()
            q[i] = figures.p0[i] + r * step[i]
            options.append((outside(q), q))
        p = min(options, key=lambda o: o[0])[1]
    best = outside(p)
    while True:
        moved = False
        for i in rates:
            for sign in (1, -1):
                q = p.copy()
                q[i] += sign * step[i]
                o = outside(q)
                if o < best - 1e-12:
                    p, best, moved = q, o, True
                    break
        if not moved:
            return p


def pieces(design, p):
    """Part 5's gaps as smooth pieces: per family, term and ordered pair of columns (j, j'),
    j's shifted lower edge less j''s shifted upper edge. A gap is the largest of its pieces;
    linearised whole, its kinks (which column's edge is the largest) made every step of a
    linear programme from the sample fail."""
    out = []
    half = 0.05 - design.margin
    for terms, shifts in design.shifted(p):
        for k in range(len(shifts[0])):
            for j, a in enumerate(terms):
                for jj, b in enumerate(terms):
                    if j != jj:
                        out.append(a[k + 1][0] - half + shifts[j][k]
                                   - (b[k + 1][0] + half + shifts[jj][k]))
    return np.array(out)


def lp_design(design):
    """Part 5's design by sequential linear programming, as a generator stage could solve it
    (clarabel solves linear programmes; there is no SLSQP): each step minimises the largest
    piece to first order, every unknown within a trust region (priors; grown by half after a
    step that lowers the largest piece, halved otherwise), within `LP_CAP` priors of the
    bundle, and the mean absolute move of the controls and D within `LP_BUDGET` priors."""
    n = len(design.p0)
    moving = np.zeros(n, dtype=bool)
    for (_, c), i in design.index.items():
        moving[i] = c != "gamma"
    lo = np.array([(b[0] - q) / pr for b, q, pr in zip(design.bounds, design.p0, design.prior)])
    hi = np.array([(b[1] - q) / pr for b, q, pr in zip(design.bounds, design.p0, design.prior)])

    def largest(x):
        return pieces(design, design.p0 + x * design.prior)

    x, g, size = np.zeros(n), largest(np.zeros(n)), 0.1
    mi = np.where(moving)[0]
    for _ in range(LP_STEPS):
        if size < 1e-5:
            break
        jac = np.zeros((len(g), n))
        for i in range(n):
            e = x.copy()
            e[i] += 1e-6
            jac[:, i] = (largest(e) - g) / 1e-6
        # Variables: the step (n), |x + step| (n), the largest piece s.
        rows = [np.concatenate([jac[k], np.zeros(n), [-1.0]]) for k in range(len(g))]
        rhs = list(-g)
        for i in mi:
            for sign in (1.0, -1.0):
                row = np.zeros(2 * n + 1)
                row[i], row[n + i] = sign, -1.0
                rows.append(row)
                rhs.append(-sign * x[i])
        row = np.zeros(2 * n + 1)
        row[n + mi] = 1.0
        rows.append(row)
        rhs.append(LP_BUDGET * len(mi))
        box = []
        for i in range(n):
            a, b = max(-size, lo[i] - x[i]), min(size, hi[i] - x[i])
            if moving[i]:
                a, b = max(a, -LP_CAP - x[i]), min(b, LP_CAP - x[i])
            # A value the bundle has outside its plausible range may stay there.
            box.append((min(a, 0.0), max(b, 0.0)))
        c = np.zeros(2 * n + 1)
        c[-1] = 1.0
        lp = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs),
                     bounds=box + [(0, None)] * n + [(None, None)], method="highs")
        if lp.status != 0:
            size /= 2
            continue
        y = x + lp.x[:n]
        h = largest(y)
        if h.max() < g.max():
            x, g, size = y, h, min(1.5 * size, 0.3)
        else:
            size /= 2
    point = design.p0 + x * design.prior
    return point, design.gaps(point), np.sqrt(np.mean(x[mi] ** 2))


def main():
    how = (f"by linear programmes (mean move {LP_BUDGET:g}, each {LP_CAP:g} priors)" if LP
           else "(1.0 priors)")
    print(f"part 5's design {how} and part 6's search with {mfr.EXCHANGE[0]} late and "
          f"{mfr.EXCHANGE[1]} early, then whole persons one kind at a time")
    design = mfr.CommonB(["D"] + list(FREE), MARGIN, None)
    if LP:
        d_point, d_gaps, rms = lp_design(design)
        print(f"  moved by a root mean square of {rms:.2f} priors")
    else:
        d_point, d_gaps = mfr.least_largest_gap(design, 1.0)
    figures = mfr.exchanged(Figures(BUNDLE, housing=True), mfr.EXCHANGE)
    start = mfr.design_start(design, d_point, figures)
    print(f"  design: largest gap {d_gaps.max():+.4f}")
    p, _, _ = mfr.elastic_search(figures, start, mfr.REFIT_MARGINS, mfr.REFIT_STEPS)
    report("part 6's point", figures, p)
    alone = [label.startswith("11 ") or ("(1)" in label and not label.startswith("17"))
             for label in figures.labels]
    scales = np.where(alone, WIDE, mfr.REFIT_MARGINS)
    p, _, _ = mfr.elastic_search(figures, p, scales, mfr.REFIT_STEPS)
    report(f"Tab. 11 and columns (1) {WIDE:g} margin inside", figures, p)
    kinds, step, d_of = kind_of(figures), spacings(figures), target_persons(figures)
    fixed = set()
    for which in (["rate"], ["housing"], ["D"], list(mfr.DECIMALS)):
        if which == ["rate"]:
            p = rates_one_at_a_time(figures, p, kinds, step, scales)
        else:
            p = rounded(figures, p, kinds, which, step, d_of)
        report(f"{', '.join(which) if len(which) == 1 else 'controls'} rounded", figures, p)
        fixed |= {i for i, c in enumerate(kinds) if c in which}
        if len(fixed) < len(p):
            p, _, _ = mfr.elastic_search(held(figures, p, fixed), p, scales, STEPS)
            report("  the rest searched again", figures, p)
    moved = (p - figures.p0) / figures.prior
    print("  moved from the bundle by a root mean square (priors) of " + ", ".join(
        f"{c} {np.sqrt(np.mean([moved[i] ** 2 for i, k in enumerate(kinds) if k == c])):.2f}"
        for c in dict.fromkeys(kinds)))


if __name__ == "__main__":
    main()
