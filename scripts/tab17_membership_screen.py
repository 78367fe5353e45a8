#!/usr/bin/env python3
"""Could other memberships open Tab. 17's SV condition? A screen of the levers that
`missed_figures_reach.py --design` keeps fixed.

Tab. 17 (2), (4), (6) share the 37 districts, their weights D and six controls, and differ only
in the dummy d. A term prints in all three only if one b lies in every print box shifted by
delta(d) * gamma(d) (delta(d): the term's coefficient when d is regressed on the controls;
gamma(d): the treatment coefficient, anywhere in its own box; see `missed_figures_reach.py`,
part 1). A term's gap is the largest shifted lower edge less the smallest shifted upper edge:
it must be negative. On the sample every term's gap is at most -0.001 but SV employees'
(+0.096). Here the treatment coefficients may lie anywhere in their print boxes: a small
linear programme places them where the largest gap of the terms asked about is least (SV
employees' alone, then the others', so that one does not hide the other).

Which districts form the groups decides the delta(d) as much as the controls do, and three
choices are the generator's own (`design.rs`): the housing-talks group (it enters no other
table: the topic shares only sort the districts), which seven Landkreise lack housing waves
(two of them fixed, as they lack capacity too), and the capacity group (Tab. 14 and Tab. 17
(1) see it too, and the programme's capacity figures). The script asks, of the bundle as it
is:

1. housing talks: the best single swap (one district in, one out; 22 of 44 stay in the
   group) and the membership with the least SV gap a swap search (6,000 swaps, fixed seed)
   finds, whatever the other terms do;
2. the seven without housing waves: every exchange of one or two of the five free ones with
   a Landkreis in the 37;
3. capacity: every single swap, then, for the best three by SV gap, Tab. 17's own unknowns
   (dwellings, new dwellings, log D; priors 2 and 0.1 per 100 and 0.1) moved as little as
   closes every gap to -0.001 (SLSQP; the treatment coefficients free in their boxes), to
   see what the swap would cost the controls only Tab. 17 sees;
4. housing talks and Tab. 17's own unknowns together: a search over swaps (annealing, fixed
   seed) scored by the least largest gap of every term that the own unknowns reach within one
   prior (linearised: a linear programme per membership), then the exact solve of part 3 from
   its end, the dwelling controls in their plausible ranges, D fixed and then free within the
   log factors of `sample_figures.WEIGHT_RANGE`.

Measured on the sample of 2026-12-02 (a2bd75f; SV gap +0.094 with the treatment coefficients
free in their boxes, +0.096 at the measured ones):
1. housing talks: the best single swap (08115 in, 08336 out) leaves +0.074 and opens the
   constant's and urban's gaps (+0.41 each); the search's least SV gap is +0.004, after 15
   swaps, with the constant's gap at +5.7, urban's +1.5 and new dwellings' +3.4;
2. exclusions: over 3,920 exchanges the SV gap alone runs from +0.013 (08315 and 08335 with
   housing waves, 08115 and 08336 without) to +0.119, and the best open urban's gap (+1.5)
   and new dwellings' (+0.9);
3. capacity: the best single swap (08336 in, 08115 out) leaves +0.007, with the constant's
   gap at +2.2 and urban's +1.6, which Tab. 17's own unknowns within three priors do not
   close (where SLSQP stops, largest gap +0.37 with dwellings moved by a root mean square of
   5.4 and new dwellings 0.29 per 100, D by a log factor of 0.29; a local solver that does not
   close the gaps stops where the last bits of the arithmetic lead it: these runs' largest
   gaps have ranged 0.37-1.1 for this swap);
4. together: within one prior the memberships as they are reach +0.063 (linearised), the
   search's end (9 swaps) +0.040; solved exactly from there, with D fixed the gaps stay open
   (+0.15 to +0.28 where SLSQP stops, with dwellings moved by 7.6 and new dwellings by 0.45 per
   100: each across most of its range), with D free they close at 2.9 priors per unknown
   (dwellings 4.6, new dwellings 0.36 per 100, D by a log factor of 0.27), about what the own
   unknowns need with the memberships as they are (`missed_figures_reach.py --design`: 3
   priors). Step 7 moved D by a root mean square of 0.10 with several districts at their bound:
   D cannot move so far.
No membership change opens the condition, alone or with the unknowns only Tab. 17 sees. The
same two districts lead every lever: 08115 (capacity group, D 1.6 times the mean, SV employees
3.6 per 100 above what its other controls predict) and 08336 (not in it, 7.2 below, at the
range's floor of 20 per 100); they carry most of delta(2) > 0, and moving their SV employees is
what part 2 of `missed_figures_reach.py` already weighs against Tab. 13-16.

Usage: python3 scripts/tab17_membership_screen.py [BUNDLE]   (default: the shipped sample;
needs `cargo build --release` for target/release/wirkung, numpy, pandas and scipy; about four
minutes)
"""

import itertools
import sys

import numpy as np
import pandas as pd
from scipy.optimize import linprog, minimize

from sample_figures import COLUMNS, FREE, SAMPLE, WEIGHT_PRIOR, WEIGHT_RANGE, panel, treated_of

BUNDLE = sys.argv[1] if len(sys.argv) > 1 else SAMPLE
CONTROLS = ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019",
            "urban", "dwellings_per_100_2018", "new_dwellings_per_100_2018"]
TERMS = ["constant"] + CONTROLS
SV = TERMS.index("sv_employees_per_100_2019")
PRINTED = {c[0]: c for c in COLUMNS}
# Print boxes of the terms after the treatment (constant, then controls) per column.
BOXES = [np.array([(c - 0.05, c + 0.05) for c, _, _ in PRINTED[k][4][1:]])
         for k in ("17 (2)", "17 (4)", "17 (6)")]
TREATMENT_BOXES = [(c - 0.05, c + 0.0499) for c, _, _ in
                   (PRINTED[k][4][0] for k in ("17 (2)", "17 (4)", "17 (6)"))]


def flags(comparison):
    """Each BW district's group (1/0) as the pipeline derives it."""
    d = panel(BUNDLE, "employment", comparison, False)
    d = d[d.unit_id.str.startswith("08")]
    return dict(zip(d.unit_id, treated_of(d)))


districts = pd.read_csv(f"{BUNDLE}/districts.csv", dtype={"district_id": str})
districts = districts.set_index("district_id")
districts["urban"] = districts.urban.astype(str).str.lower().eq("true").astype(float)
target = pd.read_csv(f"{BUNDLE}/target_group.csv", dtype={"municipality_id": str})
target["district"] = target.municipality_id.str[:5]
base_wave = target.wave.min()
# D as the pipeline weights Tab. 17 for the 37; for the others the same sum, as they would have.
D = target[target.wave == base_wave].groupby("district").target_persons.sum().astype(float)
tab17 = panel(BUNDLE, "housing", "housing-talks", True)
D.update(pd.Series(tab17.weight.values.astype(float), index=tab17.unit_id))
groups = [flags("capacity"), flags("plan-b"), flags("housing-talks")]
bw = sorted(groups[2])
kept = list(tab17.unit_id)


def projection(units, x=None, logd=None):
    """P = (X'WX)^-1 X'W, the weighted projection on the controls (constant first; W from D,
    scaled by exp(logd)): a dummy d's coefficients on the controls are P d."""
    if x is None:
        x = districts.loc[units, CONTROLS].values.astype(float)
    X = np.column_stack([np.ones(len(units)), x])
    xtw = X.T * (D[units].values * (np.exp(logd) if logd is not None else 1.0))
    return np.linalg.solve(xtw @ X, xtw)


def deltas(units, memberships, x=None, logd=None):
    """Each dummy's coefficients on the controls (constant first), weighted by D."""
    p = projection(units, x, logd)
    return [p @ np.array([g[u] for u in units]) for g in memberships]


def gaps(dl, terms=None):
    """Each term's gap where the treatment coefficients, anywhere in their boxes, make the
    largest gap (of `terms`, default all) least: a small linear programme, since a term's gap
    is the largest of (lower edge + delta * gamma in one column) less (upper edge + delta *
    gamma in another) over the nine pairs of columns."""
    terms = range(len(TERMS)) if terms is None else terms
    rows, rhs = [], []
    for j in terms:
        for k, m in itertools.product(range(3), repeat=2):
            row = np.zeros(4)
            row[k] += dl[k][j]
            row[m] -= dl[m][j]
            row[3] = -1.0
            rows.append(row)
            rhs.append(BOXES[m][j, 1] - BOXES[k][j, 0])
    lp = linprog([0, 0, 0, 1], A_ub=np.array(rows), b_ub=rhs,
                 bounds=TREATMENT_BOXES + [(None, None)], method="highs")
    gamma = lp.x[:3]
    shifted = [BOXES[k] + (gamma[k] * dl[k])[:, None] for k in range(3)]
    return np.max([b[:, 0] for b in shifted], axis=0) - np.min([b[:, 1] for b in shifted], axis=0)


def show(label, dl):
    """SV employees' gap (the treatment coefficients placed for it alone) and the other
    terms' (placed for them)."""
    others = [j for j in range(len(TERMS)) if j != SV]
    g = gaps(dl, others)
    print(f"  {label}: SV {gaps(dl, [SV])[SV]:+.3f}; others " +
          ", ".join(f"{TERMS[j].split('_')[0]} {g[j]:+.3f}" for j in others))


print(f"{len(kept)} districts in Tab. 17, {len(bw)} BW districts")
show("as the sample is", deltas(kept, groups))

print("\n1. housing talks")
inside = [u for u in bw if groups[2][u] == 1]
outside = [u for u in bw if groups[2][u] == 0]
best = None
for a, b in itertools.product(outside, inside):
    talks = dict(groups[2], **{a: 1.0, b: 0.0})
    dl = deltas(kept, groups[:2] + [talks])
    g = gaps(dl, [SV])[SV]
    if best is None or g < best[0]:
        best = (g, a, b, dl)
show(f"best single swap ({best[1]} in, {best[2]} out)", best[3])
rng = np.random.default_rng(7)
talks = dict(groups[2])
score = gaps(deltas(kept, groups[:2] + [talks]), [SV])[SV]
for _ in range(6000):
    a = rng.choice([u for u in bw if talks[u] == 0])
    b = rng.choice([u for u in bw if talks[u] == 1])
    trial = dict(talks, **{a: 1.0, b: 0.0})
    s = gaps(deltas(kept, groups[:2] + [trial]), [SV])[SV]
    if s < score:
        talks, score = trial, s
moved = sum(talks[u] != groups[2][u] for u in bw) // 2
show(f"least SV gap the search finds ({moved} swaps)", deltas(kept, groups[:2] + [talks]))

print("\n2. the seven without housing waves")
no_capacity = [u for u in bw if u not in groups[0]]
landkreise = [u for u in bw if districts.loc[u, "urban"] == 0 and u not in no_capacity]
free = [u for u in bw if u not in kept and u not in no_capacity]
exchanges = []
for k in (1, 2):
    for back in itertools.combinations(free, k):
        for out in itertools.combinations([u for u in landkreise if u in kept], k):
            units = sorted((set(kept) | set(back)) - set(out))
            dl = deltas(units, groups)
            exchanges.append((gaps(dl, [SV])[SV], back, out, dl))
exchanges.sort(key=lambda e: e[0])
print(f"  {len(exchanges)} exchanges: SV gap alone from {exchanges[0][0]:+.3f} to"
      f" {exchanges[-1][0]:+.3f}")
for g, back, out, dl in exchanges[:3]:
    show(f"{', '.join(back)} with housing waves, {', '.join(out)} without", dl)

print("\n3. capacity")
capacity_in = [u for u in groups[0] if groups[0][u] == 1]
capacity_out = [u for u in groups[0] if groups[0][u] == 0]
swaps = []
for a, b in itertools.product(capacity_out, capacity_in):
    capacity = dict(groups[0], **{a: 1.0, b: 0.0})
    dl = deltas(kept, [capacity] + groups[1:])
    swaps.append((gaps(dl, [SV])[SV], dl, a, b, capacity))
swaps.sort(key=lambda s: s[0])
# Tab. 17's own unknowns, in priors (sample_figures.FREE; D as a log factor): the two dwelling
# controls of the 37, then their log D.
OWN = ["dwellings_per_100_2018", "new_dwellings_per_100_2018"]
x0 = districts.loc[kept, CONTROLS].values.astype(float)
n = len(kept)
priors = np.repeat([FREE[c][0] for c in OWN] + [WEIGHT_PRIOR], n)


def moved_design(z):
    """The 37 districts' controls and log D after the move z (in priors)."""
    x = x0.copy()
    for i, c in enumerate(OWN):
        x[:, CONTROLS.index(c)] += (z * priors)[i * n:(i + 1) * n]
    return x, (z * priors)[2 * n:]


def pair_rows(z, memberships):
    """Every term's nine pair conditions at the move z (unknowns, then the three treatment
    coefficients), each >= 0 when met with 0.001 to spare."""
    dl = deltas(kept, memberships, *moved_design(z[:3 * n]))
    gamma = z[3 * n:]
    return np.array([BOXES[m][j, 1] + gamma[m] * dl[m][j] - BOXES[k][j, 0] - gamma[k] * dl[k][j]
                     - 0.001 for j in range(len(TERMS))
                     for k, m in itertools.product(range(3), repeat=2)])


def close_gaps(label, memberships, start, bounds, maxiter):
    """The least move of Tab. 17's own unknowns (in priors, within `bounds`; the treatment
    coefficients in their boxes) that closes every gap (SLSQP from `start`), and what it
    costs each kind of unknown."""
    fit = minimize(lambda z: z[:3 * n] @ z[:3 * n], start, method="SLSQP",
                   constraints=[{"type": "ineq", "fun": pair_rows, "args": (memberships,)}],
                   bounds=bounds + TREATMENT_BOXES, options={"maxiter": maxiter})
    z = fit.x[:3 * n]
    closed = -np.min(pair_rows(fit.x, memberships)) - 0.001
    rms = [np.sqrt(np.mean(((z * priors)[i * n:(i + 1) * n]) ** 2)) for i in range(3)]
    print(f"  {label}: {'closed' if closed <= 0 else 'not closed'}"
          f" (largest gap {closed:+.3f}) with dwellings moved by a root mean square of"
          f" {rms[0]:.2f}, new dwellings {rms[1]:.3f} per 100, D by a log factor of {rms[2]:.3f};"
          f" {np.sqrt(z @ z / n / 3):.2f} priors per unknown")


for _, dl, a, b, capacity in swaps[:3]:
    show(f"swap {a} in, {b} out", dl)
    close_gaps("  Tab. 17's own unknowns", [capacity] + groups[1:],
               np.concatenate([np.zeros(3 * n), [np.mean(t) for t in TREATMENT_BOXES]]),
               [(-3.0, 3.0)] * (3 * n), 300)

print("\n4. housing talks with Tab. 17's own unknowns")
# delta(d) = P(z) d is linear in the dummy, so one Jacobian of the projection after the move z
# serves every membership the search tries.
P0 = projection(kept, *moved_design(np.zeros(3 * n)))
dP = np.stack([(projection(kept, *moved_design(e * 1e-5)) - P0) / 1e-5 for e in np.eye(3 * n)])
fixed = [np.array([g[u] for u in kept]) for g in groups[:2]]
centres = np.array([np.mean(t) for t in TREATMENT_BOXES])


def linear_reach(talks, radius):
    """The least largest gap over every term, linearised in the move z (each unknown within
    `radius` priors) and the treatment coefficients (in their boxes) about z = 0 and the
    boxes' centres: a linear programme in (z, gamma, gap)."""
    dummies = fixed + [np.array([talks[u] for u in kept])]
    dl = [P0 @ d for d in dummies]
    jac = [dP @ d for d in dummies]
    rows, rhs = [], []
    for j in range(len(TERMS)):
        for k, m in itertools.permutations(range(3), 2):
            row = np.zeros(3 * n + 4)
            row[:3 * n] = centres[k] * jac[k][:, j] - centres[m] * jac[m][:, j]
            row[3 * n + k] += dl[k][j]
            row[3 * n + m] -= dl[m][j]
            row[-1] = -1.0
            rows.append(row)
            rhs.append(BOXES[m][j, 1] - BOXES[k][j, 0])
    lp = linprog(np.eye(3 * n + 4)[-1], A_ub=np.array(rows), b_ub=rhs, method="highs",
                 bounds=[(-radius, radius)] * (3 * n) + TREATMENT_BOXES + [(None, None)])
    return lp.fun, lp.x[:3 * n + 3]


# Annealing over swaps (fixed seed), scored by the linearised reach within one prior.
rng = np.random.default_rng(3)
talks = dict(groups[2])
score, heat = linear_reach(talks, 1.0)[0], 0.003
print(f"  memberships as now: linearised least largest gap {score:+.3f} within one prior")
for _ in range(3000):
    a = rng.choice([u for u in bw if talks[u] == 0])
    b = rng.choice([u for u in bw if talks[u] == 1])
    trial = dict(talks, **{a: 1.0, b: 0.0})
    s = linear_reach(trial, 1.0)[0]
    if s < score or rng.random() < np.exp(-(s - score) / heat):
        talks, score = trial, s
    heat *= 0.998
moved = sum(talks[u] != groups[2][u] for u in bw) // 2
print(f"  the search's end ({moved} swaps): linearised {score:+.3f}")
memberships = groups[:2] + [talks]
# Each dwelling control within its plausible range; D fixed, then within the log factors the
# scripts allow (step 7 reaches less: it scales only the municipalities without a housing wave).
dwelling_ranges = [((FREE[c][1][0] - x0[i, CONTROLS.index(c)]) / FREE[c][0],
                    (FREE[c][1][1] - x0[i, CONTROLS.index(c)]) / FREE[c][0])
                   for c in OWN for i in range(n)]
for label, d_range in (("D fixed", (0.0, 0.0)), ("D free", WEIGHT_RANGE)):
    ranges = dwelling_ranges + [(d_range[0] / WEIGHT_PRIOR, d_range[1] / WEIGHT_PRIOR)] * n
    start = np.clip(linear_reach(talks, 1.0)[1], [r[0] for r in ranges + TREATMENT_BOXES],
                    [r[1] for r in ranges + TREATMENT_BOXES])
    close_gaps(f"solved exactly from there, {label}", memberships, start, ranges, 500)
