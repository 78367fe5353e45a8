//! The framework survey on staffing (Tab. 5, Abb. 6): paid refugee-counselling FTE before IM and
//! after, per funded municipality; the district sums meet the designed capacity change.

use crate::design::Design;
use crate::frame::Municipality;
use crate::util::{Rng, median, normal, round_to, uniform, weighted};
use std::collections::BTreeMap;

/// Mean FTE change among the municipalities reporting both values (Abb. 6: +0.54, N = 995).
const MEAN_CHANGE: f64 = 0.54;
/// Refugee-weighted shares of decrease, no change, increase and no answer (Tab. 5).
const WEIGHTED_SHARES: [f64; 4] = [0.12, 0.07, 0.75, 0.06];
/// Capacity change per 100 target persons in the two districts that lack pre-IM staff: starts
/// at the designed median (no comparison ever sees it).
const EXCLUDED_CAPACITY: f64 = 0.55;
/// Share of the municipalities reporting staff before IM that had nobody (report section 3).
const NOBODY_BEFORE: f64 = 0.25;
/// Mean and median FTE before IM (report section 3: 0.69, median 0.2).
const BEFORE_MEAN: f64 = 0.69;
const BEFORE_MEDIAN: f64 = 0.2;
/// Median FTE change (Abb. 6: +0.3).
const MEDIAN_CHANGE: f64 = 0.3;
/// At most this share of Tab. 18's municipalities (both housing waves, both staffing values)
/// report no increase, so that the weaker half's median is the published +0.1 FTE and not 0:
/// Tab. 5's 26% without an increase fall more often on municipalities without both waves.
const TAB18_NONPOSITIVE_SHARE: f64 = 0.21;

#[derive(Debug, Clone)]
pub struct Staffing {
    pub municipality: usize,
    pub fte_before: Option<f64>,
    pub fte_after: Option<f64>,
    pub nobody_before: Option<bool>,
}

/// Framework survey (Tab. 5): decrease 97, no change 162, increase 736, no answer 83. District
/// sums of the changes meet the designed capacity change per 100 target persons.
pub fn staffing(
    rng: &mut Rng,
    munis: &[Municipality],
    tp: &[i64],
    dz: &Design,
    missing: &[bool],
) -> Vec<Staffing> {
    let rng = &mut super::substream(rng);
    let funded: Vec<usize> = (0..munis.len()).filter(|&m| munis[m].funded).collect();
    let no_answer = no_answer(rng, munis, dz, missing, &funded);
    let answering: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| no_answer[m] == 0)
        .collect();
    let d_of = |m: usize| munis[m].district;
    let mut dsum: BTreeMap<usize, f64> = BTreeMap::new();
    let mut n_funded: BTreeMap<usize, usize> = BTreeMap::new();
    for &m in &funded {
        *dsum.entry(d_of(m)).or_default() += tp[m] as f64;
        *n_funded.entry(d_of(m)).or_default() += 1;
    }
    let (targets, excluded_capacity) = capacity_targets(dz, &dsum, &n_funded, answering.len());
    // Tab. 18 splits the municipalities with both housing waves (and both staffing values).
    let complete: Vec<bool> = (0..munis.len())
        .map(|m| munis[m].funded && !missing[m] && no_answer[m] == 0)
        .collect();
    let cat = categories(rng, munis, &answering, &targets, &no_answer, &complete);

    let (before, raw) = draws(rng, munis, &funded, &cat, &no_answer);
    let mut want_of: BTreeMap<usize, f64> = targets.clone();
    for &d in &dz.capacity_excluded {
        want_of.insert(d, excluded_capacity);
    }
    let wants: BTreeMap<usize, f64> = want_of
        .iter()
        .map(|(d, t)| (*d, t * dsum.get(d).copied().unwrap_or(0.0) / 100.0))
        .collect();
    // Only each district's sum is designed; the spread of the increases inside the districts
    // is chosen so that the median change is the report's (Abb. 6).
    let settled = |spread: f64| {
        let after = settle(munis, &answering, &cat, &before, &raw, &wants, spread);
        let changes: Vec<f64> = answering.iter().map(|&m| after[m] - before[m]).collect();
        (median(&changes), after)
    };
    let (mut lo, mut hi) = (0.2, 4.0);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        if settled(mid).0 > MEDIAN_CHANGE {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // The median moves in steps of 0.01 FTE: keep the bracket end that lands nearer.
    let (at_lo, at_hi) = (settled(lo), settled(hi));
    let after = if (at_lo.0 - MEDIAN_CHANGE).abs() < (at_hi.0 - MEDIAN_CHANGE).abs() {
        at_lo.1
    } else {
        at_hi.1
    };
    funded
        .iter()
        .map(|&m| {
            let b = before[m];
            let a = if no_answer[m] == 0 {
                after[m]
            } else {
                after_value(b, raw[m].exp(), 2)
            };
            match no_answer[m] {
                1 => Staffing {
                    municipality: m,
                    fte_before: None,
                    fte_after: Some(a),
                    nobody_before: None,
                },
                2 => Staffing {
                    municipality: m,
                    fte_before: Some(b),
                    fte_after: None,
                    nobody_before: Some(b == 0.0),
                },
                _ => Staffing {
                    municipality: m,
                    fte_before: Some(b),
                    fte_after: Some(a),
                    nobody_before: Some(b == 0.0),
                },
            }
        })
        .collect()
}

/// Staff before IM (exactly a quarter of the municipalities reporting it had nobody, the rest
/// in proportion to their refugees, mean as published) and each municipality's raw change: the log of an
/// increase, or the share of its staff a decreasing municipality lost.
fn draws(
    rng: &mut Rng,
    munis: &[Municipality],
    funded: &[usize],
    cat: &[u8],
    no_answer: &[u8],
) -> (Vec<f64>, Vec<f64>) {
    let mut before = vec![0.0; munis.len()];
    let mut raw = vec![0.0; munis.len()];
    let reporting: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| no_answer[m] != 1)
        .collect();
    // Nobody before: only where staff grew (or the after value is missing), and mostly in
    // small municipalities (cities had refugee counselling before IM).
    let candidates: Vec<usize> = reporting.iter().copied().filter(|&m| cat[m] == 2).collect();
    let nobody: Vec<usize> = weighted_order(rng, munis, candidates, -1.0)
        .into_iter()
        .take((NOBODY_BEFORE * reporting.len() as f64).round() as usize)
        .collect();
    for &m in funded {
        let size = (munis[m].population as f64 / 10_000.0)
            .ln()
            .clamp(-2.0, 4.5);
        // Counselling staff followed the refugees a municipality had to care for; large
        // municipalities vary less around that rate than villages do.
        if !nobody.contains(&m) {
            let r = munis[m].refugees_2017 as f64;
            let sd = 0.9 / (1.0 + r / 300.0).sqrt();
            before[m] = r / 100.0 * (sd * normal(rng)).exp();
        }
        raw[m] = match cat[m] {
            0 => uniform(rng, 0.2, 0.8),
            1 => 0.0,
            _ => -1.0 + 0.45 * size + 0.6 * normal(rng),
        };
    }
    // Scale to the published mean; the cap makes this a short fixed point. No municipality had
    // more than one counsellor per 75 refugees (half an FTE is always possible). A power
    // `g` > 1 skews the values (few large teams, many part-time posts) until the median is the
    // published one as well.
    let with_skew = |g: f64| -> Vec<f64> {
        let scaled = |f: f64, m: usize| {
            if before[m] > 0.0 {
                let cap = (munis[m].refugees_2017 as f64 / 75.0).max(0.5);
                round_to((before[m].powf(g) * f).clamp(0.05, cap), 2)
            } else {
                0.0
            }
        };
        let mut f = 1.0;
        for _ in 0..20 {
            let now = reporting.iter().map(|&m| scaled(f, m)).sum::<f64>() / reporting.len() as f64;
            f *= BEFORE_MEAN / now;
        }
        (0..munis.len()).map(|m| scaled(f, m)).collect()
    };
    let median_of = |v: &[f64]| median(&reporting.iter().map(|&m| v[m]).collect::<Vec<f64>>());
    let (mut lo, mut hi) = (0.5, 3.0);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        if median_of(&with_skew(mid)) > BEFORE_MEDIAN {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let before = with_skew(hi);
    (before, raw)
}

/// FTE after IM per answering municipality: increases `exp(spread · raw)` scaled to each
/// district's wanted sum (decreases, in shrinking districts), rounded as written.
fn settle(
    munis: &[Municipality],
    answering: &[usize],
    cat: &[u8],
    before: &[f64],
    raw: &[f64],
    wants: &BTreeMap<usize, f64>,
    spread: f64,
) -> Vec<f64> {
    let mut after = vec![0.0; munis.len()];
    let mut change = vec![0.0; munis.len()];
    for &m in answering {
        change[m] = match cat[m] {
            0 => -before[m] * raw[m],
            1 => 0.0,
            _ => (spread * raw[m]).exp(),
        };
    }
    for (&d, &want) in wants {
        let local: Vec<usize> = answering
            .iter()
            .copied()
            .filter(|&m| munis[m].district == d)
            .collect();
        let of = |c: u8| local.iter().copied().filter(move |&m| cat[m] == c);
        let inc: f64 = of(2).map(|m| change[m]).sum();
        let dec: f64 = of(0).map(|m| -change[m]).sum();
        if want > 0.05 - dec && inc > 0.0 {
            let s = (want + dec) / inc;
            for m in of(2) {
                change[m] *= s;
            }
        } else {
            for m in of(2) {
                change[m] = 0.02;
            }
            let inc2 = 0.02 * of(2).count() as f64;
            let room: f64 = of(0).map(|m| before[m]).sum();
            for m in of(0) {
                change[m] = -before[m] * ((inc2 - want) / room).min(0.95);
            }
        }
        // Values are written with two decimals: settle the rounding remainder on the
        // municipality with the largest change of the district's direction, so the district
        // sum is exactly what the design asks for.
        for &m in &local {
            after[m] = after_value(before[m], change[m], cat[m]);
        }
        let got: f64 = local.iter().map(|&m| after[m] - before[m]).sum();
        let rest = round_to(want - got, 2);
        let c = if want > 0.0 { 2 } else { 0 };
        if let Some(m) = of(c).max_by(|&a, &b| change[a].abs().total_cmp(&change[b].abs())) {
            after[m] = after_value(before[m], after[m] - before[m] + rest, c);
        }
    }
    after
}

/// FTE after IM, rounded as written, on the right side of `before` for the category.
fn after_value(before: f64, change: f64, cat: u8) -> f64 {
    let a = round_to((before + change).max(0.0), 2);
    match cat {
        2 if a <= before => round_to(before + 0.01, 2),
        0 if a >= before => round_to((before - 0.01).max(0.0), 2),
        1 => before,
        _ => a,
    }
}

/// No answer (0 answered, 1 before missing, 2 after missing): `fte_before` missing in three
/// municipalities of each capacity-excluded district, otherwise `fte_after`; all but five
/// of them also miss a housing wave. Larger municipalities skipped the question more often
/// (Tab. 5: 8% of municipalities, 6% refugee-weighted, against 4% if drawn evenly).
fn no_answer(
    rng: &mut Rng,
    munis: &[Municipality],
    dz: &Design,
    missing: &[bool],
    funded: &[usize],
) -> Vec<u8> {
    let mut out = vec![0u8; munis.len()];
    let pool_missing = weighted_order(
        rng,
        munis,
        funded.iter().copied().filter(|&m| missing[m]).collect(),
        0.2,
    );
    let mut n = 0;
    for &d in &dz.capacity_excluded {
        for &m in pool_missing
            .iter()
            .filter(|&&m| munis[m].district == d)
            .take(3)
        {
            out[m] = 1;
            n += 1;
        }
    }
    for &m in &pool_missing {
        if n >= 78 {
            break;
        }
        if out[m] == 0 {
            out[m] = 2;
            n += 1;
        }
    }
    let pool_complete = weighted_order(
        rng,
        munis,
        funded
            .iter()
            .copied()
            .filter(|&m| !missing[m] && !munis[m].urban)
            .collect(),
        0.0,
    );
    for &m in pool_complete.iter().take(5) {
        out[m] = 2;
    }
    // Exchange a no-answer for an answer inside a district (both miss a housing wave) until the
    // refugee-weighted share is as published.
    let w = |m: usize| munis[m].refugees_2017 as f64;
    let total: f64 = funded.iter().map(|&m| w(m)).sum();
    let goal = WEIGHTED_SHARES[3] * total;
    let mut sum: f64 = funded.iter().filter(|&&m| out[m] != 0).map(|&m| w(m)).sum();
    for _ in 0..200 {
        let mut best: Option<(f64, usize, usize)> = None;
        for &a in pool_missing.iter().filter(|&&m| out[m] == 2) {
            for &b in pool_missing
                .iter()
                .filter(|&&m| out[m] == 0 && munis[m].district == munis[a].district)
            {
                let gap = (goal - (sum - w(a) + w(b))).abs();
                if gap < best.map_or((goal - sum).abs() - 1e-9, |x| x.0) {
                    best = Some((gap, a, b));
                }
            }
        }
        let Some((_, a, b)) = best else { break };
        sum += w(b) - w(a);
        out.swap(a, b);
    }
    out
}

/// `pool` in a random order in which municipality m comes early with weight
/// refugees^`power` (sampling without replacement by exponential clocks).
fn weighted_order(
    rng: &mut Rng,
    munis: &[Municipality],
    pool: Vec<usize>,
    power: f64,
) -> Vec<usize> {
    let mut keyed: Vec<(f64, usize)> = pool
        .into_iter()
        .map(|m| {
            let w = (munis[m].refugees_2017.max(1) as f64).powf(power);
            (-uniform(rng, 1e-12, 1.0).ln() / w, m)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    keyed.into_iter().map(|(_, m)| m).collect()
}

/// The designed district capacity values, rearranged within each group (so the groups, the
/// median, the group means and the number of increases stay as designed) such that the
/// state's total change gives the report's mean change per municipality: larger districts
/// then expand more in FTE. A district of one municipality (a Stadtkreis) never gets a
/// non-positive value, since one municipality cannot both grow and shrink. What a
/// rearrangement cannot reach is taken up by the two excluded districts (no comparison sees
/// them): their common value starts at the designed median and is returned second.
fn capacity_targets(
    dz: &Design,
    dsum: &BTreeMap<usize, f64>,
    n_funded: &BTreeMap<usize, usize>,
    n_answering: usize,
) -> (BTreeMap<usize, f64>, f64) {
    let d = |u: &usize| dsum.get(u).copied().unwrap_or(0.0) / 100.0;
    let excluded: f64 = dz
        .capacity_excluded
        .iter()
        .map(|u| EXCLUDED_CAPACITY * d(u))
        .sum();
    let goal = MEAN_CHANGE * n_answering as f64 - excluded;
    let mut v = dz.capacity_target.clone();
    let units: Vec<usize> = v.keys().copied().collect();
    let single = |u: &usize| n_funded.get(u) == Some(&1);
    let cost = |v: &BTreeMap<usize, f64>| {
        let total: f64 = v.iter().map(|(u, x)| x * d(u)).sum();
        let bad = v.iter().filter(|(u, x)| single(u) && **x <= 0.0).count();
        (goal - total).abs() + 1000.0 * bad as f64
    };
    for _ in 0..200 {
        let now = cost(&v);
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, a) in units.iter().enumerate() {
            for b in &units[i + 1..] {
                if dz.capacity.get(a) != dz.capacity.get(b) {
                    continue;
                }
                let mut w = v.clone();
                w.insert(*a, v[b]);
                w.insert(*b, v[a]);
                let c = cost(&w);
                if c < best.map_or(now - 1e-6, |x| x.0) {
                    best = Some((c, *a, *b));
                }
            }
        }
        let Some((_, a, b)) = best else { break };
        let (xa, xb) = (v[&a], v[&b]);
        v.insert(a, xb);
        v.insert(b, xa);
    }
    let total: f64 = v.iter().map(|(u, x)| x * d(u)).sum();
    let room: f64 = dz.capacity_excluded.iter().map(d).sum();
    let excluded_value = if room > 0.0 {
        (EXCLUDED_CAPACITY + (goal - total) / room).clamp(0.1, 1.5)
    } else {
        EXCLUDED_CAPACITY
    };
    (v, excluded_value)
}

/// Categories (0 decrease, 1 no change, 2 increase) for the answering municipalities: drawn
/// by size, made consistent with the districts' targets, then exchanged inside districts
/// until the refugee-weighted shares of Tab. 5 hold and no more than
/// `TAB18_NONPOSITIVE_SHARE` of the `complete` municipalities lack an increase.
fn categories(
    rng: &mut Rng,
    munis: &[Municipality],
    answering: &[usize],
    targets: &BTreeMap<usize, f64>,
    no_answer: &[u8],
    complete: &[bool],
) -> Vec<u8> {
    let mut cat = vec![2u8; munis.len()];
    let mut pool = answering.to_vec();
    for (c, count, power) in [(0u8, 97usize, 0.3), (1u8, 162usize, -0.5)] {
        for _ in 0..count {
            let w: Vec<f64> = pool
                .iter()
                .map(|&m| (munis[m].refugees_2017 as f64).powf(power))
                .collect();
            let i = weighted(rng, &w);
            cat[pool[i]] = c;
            pool.remove(i);
        }
    }
    // A district designed to grow needs an increase (a Stadtkreis is a single municipality);
    // one designed to shrink needs decreases in half its municipalities, taken from growing
    // districts. Categories are swapped with other districts so the Tab. 5 counts stay exact.
    let d_of = |m: usize| munis[m].district;
    for (&d, &target) in targets {
        let want = if target > 0.0 { 2u8 } else { 0u8 };
        let local: Vec<usize> = answering
            .iter()
            .copied()
            .filter(|&m| d_of(m) == d)
            .collect();
        let need = if want == 2 {
            1
        } else {
            (local.len() / 2).max(1)
        };
        let have = local.iter().filter(|&&m| cat[m] == want).count();
        let change: Vec<usize> = local
            .iter()
            .copied()
            .filter(|&m| cat[m] != want)
            .take(need.saturating_sub(have))
            .collect();
        for m in change {
            let donor = answering.iter().copied().find(|&o| {
                let od = d_of(o);
                cat[o] == want
                    && od != d
                    && answering
                        .iter()
                        .filter(|&&x| d_of(x) == od && cat[x] == want)
                        .count()
                        >= 3
                    && targets.get(&od).is_none_or(|t| *t > 0.0 || want == 2)
            });
            if let Some(o) = donor {
                cat[o] = cat[m];
                cat[m] = want;
            }
        }
    }
    // Exchanges inside a district keep every district's counts, hence its target's sign.
    let w = |m: usize| munis[m].refugees_2017 as f64;
    let total: f64 = answering.iter().map(|&m| w(m)).sum::<f64>()
        + (0..munis.len())
            .filter(|&m| no_answer[m] != 0)
            .map(w)
            .sum::<f64>();
    let mut share = [0.0f64; 3];
    for &m in answering {
        share[cat[m] as usize] += w(m) / total;
    }
    let n_complete = answering.iter().filter(|&&m| complete[m]).count().max(1) as f64;
    let mut nonpositive = answering
        .iter()
        .filter(|&&m| complete[m] && cat[m] != 2)
        .count() as f64;
    let error = |s: &[f64; 3], nonpositive: f64| {
        (0..3)
            .map(|c| (s[c] - WEIGHTED_SHARES[c]).powi(2))
            .sum::<f64>()
            + (nonpositive / n_complete - TAB18_NONPOSITIVE_SHARE)
                .max(0.0)
                .powi(2)
    };
    // A swap of a and b changes how many of Tab. 18's municipalities have no increase.
    let moved = |a: usize, b: usize, cat: &[u8]| -> f64 {
        let np = |m: usize, c: u8| f64::from(u8::from(complete[m] && c != 2));
        np(a, cat[b]) + np(b, cat[a]) - np(a, cat[a]) - np(b, cat[b])
    };
    let mut by_district: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &m in answering {
        by_district.entry(d_of(m)).or_default().push(m);
    }
    for _ in 0..2000 {
        let now = error(&share, nonpositive);
        let mut best: Option<(f64, usize, usize)> = None;
        for ms in by_district.values() {
            for (i, &a) in ms.iter().enumerate() {
                for &b in &ms[i + 1..] {
                    let (ca, cb) = (cat[a] as usize, cat[b] as usize);
                    if ca == cb {
                        continue;
                    }
                    let mut s = share;
                    let dw = (w(b) - w(a)) / total;
                    s[ca] += dw;
                    s[cb] -= dw;
                    let e = error(&s, nonpositive + moved(a, b, &cat));
                    if e < best.map_or(now - 1e-12, |x| x.0) {
                        best = Some((e, a, b));
                    }
                }
            }
        }
        let Some((_, a, b)) = best else { break };
        let (ca, cb) = (cat[a] as usize, cat[b] as usize);
        let dw = (w(b) - w(a)) / total;
        share[ca] += dw;
        share[cb] -= dw;
        nonpositive += moved(a, b, &cat);
        cat.swap(a, b);
    }
    cat
}
