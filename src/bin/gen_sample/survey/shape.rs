//! Who inside a district answers what: the survey's answers placed so that chapters 3 and 4 of
//! the report come out of the real pipeline (Abb. 25, 33, 39, Tab. 7, 9, 10), without moving
//! any district measure of the DiD comparisons. Each district keeps its number of IMs who use
//! plan B often; only which of its municipalities and IMs they are changes.
//!
//! Two steps. First every municipality with a response gets a practice class (which of the
//! four definitions of Abb. 39 it meets) and a staffing-ratio flag, by a seeded annealing
//! search over the report's shares by organisation, prior staff and ratio, the significance
//! levels of Tab. 9 and 10 (two-proportion z test) and every district's fixed plan-B count.
//! Then the IMs' answers are filled so the report's majority rules (§4) give exactly those
//! classes.

use super::Response;
use crate::frame::Municipality;
use crate::programme::Staffing;
use crate::util::{Rng, chance, normal, round_to, shuffle, uniform, weighted};
use statrs::function::erf::erfc;
use std::collections::BTreeMap;

/// Abb. 39: plan B, A+B, A+B+appointments, A+B+outreach (% of municipalities).
const ABB39: [f64; 4] = [25.0, 16.0, 8.0, 7.0];
/// Tab. 7, per definition: district office, municipal administration, external provider.
const TAB7: [[f64; 3]; 4] = [
    [37.0, 23.0, 14.0],
    [23.0, 15.0, 8.0],
    [11.0, 7.0, 4.0],
    [11.0, 5.0, 3.0],
];
/// Tab. 9, per definition: nobody responsible before IM, all others; and the report's stars.
const TAB9: [[f64; 2]; 4] = [[18.0, 29.0], [10.0, 18.0], [7.0, 8.0], [4.0, 8.0]];
const TAB9_STARS: [u8; 4] = [3, 3, 0, 0];
/// Tab. 10, per definition: low staffing ratio, all others; and the report's stars.
const TAB10: [[f64; 2]; 4] = [[29.0, 23.0], [19.0, 14.0], [9.0, 7.0], [11.0, 4.0]];
const TAB10_STARS: [u8; 4] = [2, 2, 0, 3];
/// §4: 42% of the municipalities have a low staffing ratio.
const LOW_RATIO_PCT: f64 = 42.0;
/// Abb. 25: plan A often or very often.
const PLAN_A_OFTEN: f64 = 0.38;
/// Abb. 33, hours per week: the report's shares of a 39-hour week (23, 17, 8, 12%).
const HOURS: [f64; 4] = [9.0, 6.6, 3.1, 4.7];

/// Practice classes: 0 none, 1 plan B only, 2 plans A and B, 3 A+B with appointments, 4 A+B
/// with outreach, 5 A+B with both.
const CLASSES: usize = 6;

fn meets(class: usize) -> [bool; 4] {
    [
        class >= 1,
        class >= 2,
        class == 3 || class == 5,
        class == 4 || class == 5,
    ]
}

/// What a municipality's flag asks of the IMs who answered the question.
#[derive(Clone, Copy, PartialEq)]
enum Rule {
    /// More than half of them.
    Majority,
    /// At most half of them.
    AtMostHalf,
    /// Any number (the flag does not enter any definition the municipality could meet).
    Free,
}

impl Rule {
    /// Smallest and largest number of IMs with the bit among `n` answering.
    fn range(self, n: usize) -> (usize, usize) {
        match self {
            _ if n == 0 => (0, 0),
            Rule::Majority => (n / 2 + 1, n),
            Rule::AtMostHalf => (0, n / 2),
            Rule::Free => (0, n),
        }
    }
}

/// The five IM-level bits: plan B often, plan A often, appointment hours above the median,
/// outreach hours above the median, clients below the median.
const BITS: usize = 5;

fn rules(class: usize, low: bool) -> [Rule; BITS] {
    use Rule::*;
    let m = meets(class);
    let pick = |on: bool, matters: bool| match (on, matters) {
        (true, _) => Majority,
        (false, true) => AtMostHalf,
        (false, false) => Free,
    };
    [
        pick(m[0], true),
        // Plan A only enters with plan B: a municipality without plan B may use A freely.
        pick(m[1], m[0]),
        pick(m[2], m[1]),
        pick(m[3], m[1]),
        pick(low, true),
    ]
}

struct Unit {
    district: usize,
    /// 0 district office, 1 municipal, 2 external; 3 unknown.
    org: usize,
    /// 0 nobody before IM, 1 others, 2 unknown.
    nobody: usize,
    /// IMs who answered each bit's question.
    answered: [Vec<usize>; BITS],
}

impl Unit {
    fn n(&self, bit: usize) -> usize {
        self.answered[bit].len()
    }
    fn allows(&self, class: usize, low: bool) -> bool {
        let m = meets(class);
        (!m[1] || self.n(1) > 0)
            && (!m[2] || self.n(2) > 0)
            && (!m[3] || self.n(3) > 0)
            && (!low || self.n(4) > 0)
    }
}

/// Counts by (organisation, prior staff, low ratio, class) and the bit ranges the classes
/// allow: per district for plan B (its count is fixed), overall for the others.
struct State {
    cells: Vec<i64>,
    district_range: BTreeMap<usize, (i64, i64)>,
    range: [(i64, i64); BITS],
}

fn cell(org: usize, nobody: usize, low: bool, class: usize) -> usize {
    ((org * 3 + nobody) * 2 + usize::from(low)) * CLASSES + class
}

impl State {
    fn apply(&mut self, u: &Unit, class: usize, low: bool, sign: i64) {
        self.cells[cell(u.org, u.nobody, low, class)] += sign;
        for (bit, rule) in rules(class, low).iter().enumerate() {
            let (lo, hi) = rule.range(u.n(bit));
            let (lo, hi) = (sign * lo as i64, sign * hi as i64);
            if bit == 0 {
                let r = self.district_range.entry(u.district).or_default();
                r.0 += lo;
                r.1 += hi;
            }
            self.range[bit].0 += lo;
            self.range[bit].1 += hi;
        }
    }

    /// (hits per definition, municipalities) over the cells `keep` selects.
    fn share(&self, keep: impl Fn(usize, usize, bool) -> bool) -> ([i64; 4], i64) {
        let (mut hits, mut n) = ([0i64; 4], 0i64);
        for org in 0..4 {
            for nobody in 0..3 {
                for low in [false, true] {
                    if !keep(org, nobody, low) {
                        continue;
                    }
                    for class in 0..CLASSES {
                        let k = self.cells[cell(org, nobody, low, class)];
                        n += k;
                        for (d, m) in meets(class).iter().enumerate() {
                            if *m {
                                hits[d] += k;
                            }
                        }
                    }
                }
            }
        }
        (hits, n)
    }
}

fn pct(h: i64, n: i64) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * h as f64 / n as f64
    }
}

/// Two-sided p-value of the two-proportion z test on the pooled share (the exhibit's test).
fn p_value(ha: i64, na: i64, hb: i64, nb: i64) -> f64 {
    if na == 0 || nb == 0 {
        return 1.0;
    }
    let (na, nb) = (na as f64, nb as f64);
    let pooled = (ha + hb) as f64 / (na + nb);
    let var = pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb);
    if var <= 0.0 {
        return 1.0;
    }
    let z = (ha as f64 / na - hb as f64 / nb) / var.sqrt();
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Distance of a p-value from the band that prints the report's stars, kept clear of the
/// star thresholds so rounding in a re-analysis does not flip them.
fn star_miss(p: f64, stars: u8) -> f64 {
    let (lo, hi) = match stars {
        3 => (0.0, 0.004),
        2 => (0.015, 0.035),
        1 => (0.055, 0.085),
        _ => (0.15, 1.0),
    };
    let lp = p.max(1e-300).log10();
    if p < lo {
        lo.log10() - lp
    } else if p > hi {
        lp - hi.log10()
    } else {
        0.0
    }
}

/// The targets the state misses: squared percentage points, star bands, and any bit count
/// the classes make impossible (districts' plan-B counts, overall totals).
fn loss(s: &State, k_district: &BTreeMap<usize, i64>, totals: &[i64; BITS]) -> f64 {
    let mut l = 0.0;
    let (h, n) = s.share(|_, _, _| true);
    for d in 0..4 {
        l += (pct(h[d], n) - ABB39[d]).powi(2);
    }
    let groups: Vec<([i64; 4], i64)> = (0..3).map(|g| s.share(|o, _, _| o == g)).collect();
    for d in 0..4 {
        for g in 0..3 {
            l += (pct(groups[g].0[d], groups[g].1) - TAB7[d][g]).powi(2);
        }
    }
    let pair = |a: ([i64; 4], i64), b: ([i64; 4], i64), t: &[[f64; 2]; 4], st: &[u8; 4]| {
        let mut l = 0.0;
        for d in 0..4 {
            l += (pct(a.0[d], a.1) - t[d][0]).powi(2) + (pct(b.0[d], b.1) - t[d][1]).powi(2);
            l += 20.0 * star_miss(p_value(a.0[d], a.1, b.0[d], b.1), st[d]).powi(2);
        }
        l
    };
    l += pair(
        s.share(|_, z, _| z == 0),
        s.share(|_, z, _| z == 1),
        &TAB9,
        &TAB9_STARS,
    );
    let low = s.share(|_, _, w| w);
    l += pair(low, s.share(|_, _, w| !w), &TAB10, &TAB10_STARS);
    l += (pct(low.1, n) - LOW_RATIO_PCT).powi(2);
    let outside = |(lo, hi): (i64, i64), k: i64| ((lo - k).max(0) + (k - hi).max(0)) as f64;
    for (d, &k) in k_district {
        l += 1000.0 * outside(s.district_range[d], k);
    }
    for bit in 1..BITS {
        l += 1000.0 * outside(s.range[bit], totals[bit]);
    }
    l
}

/// Places the answers of `out` (whose plan-B answered/skipped pattern and per-district
/// number of plan-B users are kept) and returns a line for the generator log.
pub fn shape(
    rng: &mut Rng,
    out: &mut [Response],
    munis: &[Municipality],
    staff: &[Staffing],
) -> String {
    // Item non-response first, so the search knows which flags a municipality can meet.
    let mut has = vec![[true; BITS]; out.len()];
    let mut hours_answered = vec![[true; 4]; out.len()];
    for (i, r) in out.iter().enumerate() {
        has[i][0] = r.plan_b.is_some();
        has[i][1] = !chance(rng, 0.02);
        for t in 0..4 {
            hours_answered[i][t] = !chance(rng, 0.04);
        }
        has[i][2] = hours_answered[i][1];
        has[i][3] = hours_answered[i][2];
        has[i][4] = !chance(rng, 0.03);
    }
    let nobody: BTreeMap<usize, Option<bool>> = staff
        .iter()
        .map(|s| (s.municipality, s.nobody_before))
        .collect();
    let mut by_muni: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, r) in out.iter().enumerate() {
        by_muni.entry(r.municipality).or_default().push(i);
    }
    let units: Vec<Unit> = by_muni
        .into_iter()
        .map(|(m, ims)| {
            let answered =
                std::array::from_fn(|b| ims.iter().copied().filter(|&i| has[i][b]).collect());
            Unit {
                district: munis[m].district,
                org: match munis[m].organisation {
                    Some("district_office") => 0,
                    Some("municipal") => 1,
                    Some(_) => 2,
                    None => 3,
                },
                nobody: match nobody.get(&m).copied().flatten() {
                    Some(true) => 0,
                    Some(false) => 1,
                    None => 2,
                },
                answered,
            }
        })
        .collect();
    let mut k_district: BTreeMap<usize, i64> = BTreeMap::new();
    for r in out.iter() {
        let e = k_district
            .entry(munis[r.municipality].district)
            .or_default();
        *e += i64::from(r.plan_b.is_some_and(|p| p >= 3));
    }
    let answering = |b: usize| has.iter().filter(|h| h[b]).count() as i64;
    let totals: [i64; BITS] = [
        k_district.values().sum(),
        (PLAN_A_OFTEN * answering(1) as f64).round() as i64,
        answering(2) / 2,
        answering(3) / 2,
        answering(4) / 2,
    ];

    let (class, low) = search(rng, &units, &k_district, &totals);

    // IM bits under the classes' rules: plan B per district (its fixed count), the rest
    // overall. Plan A goes first to the IMs who use plan B often (Abb. 39: about two thirds
    // of the plan-B municipalities also use plan A often).
    let mut bit = vec![[false; BITS]; out.len()];
    for (&d, &k) in &k_district {
        let members: Vec<usize> = (0..units.len())
            .filter(|&u| units[u].district == d)
            .collect();
        fill(rng, &units, &members, &class, &low, 0, k, &mut bit, |_| {
            false
        });
    }
    let all: Vec<usize> = (0..units.len()).collect();
    let plan_b: Vec<bool> = bit.iter().map(|b| b[0]).collect();
    fill(
        rng,
        &units,
        &all,
        &class,
        &low,
        1,
        totals[1],
        &mut bit,
        |i| plan_b[i],
    );
    for b in 2..BITS {
        fill(
            rng,
            &units,
            &all,
            &class,
            &low,
            b,
            totals[b],
            &mut bit,
            |_| false,
        );
    }

    let client_cut = clients_at(0.5).floor();
    for (i, r) in out.iter_mut().enumerate() {
        let b = bit[i];
        if r.plan_b.is_some() {
            r.plan_b = Some(if b[0] {
                3 + weighted(rng, &[0.6, 0.4]) as u8
            } else {
                1 + weighted(rng, &[0.45, 0.55]) as u8
            });
        }
        // Abb. 25's reading aid: 17% of all IMs use plan A very rarely.
        r.plan_a = has[i][1].then(|| {
            if b[1] {
                3 + weighted(rng, &[0.55, 0.45]) as u8
            } else {
                1 + weighted(rng, &[0.27, 0.73]) as u8
            }
        });
        // Abb. 22 bands; the IMs below the median client count draw from its lower half.
        r.clients = has[i][4].then(|| {
            let c = if b[4] {
                clients_at(uniform(rng, 0.0, 0.5))
                    .floor()
                    .min(client_cut - 1.0)
            } else {
                clients_at(uniform(rng, 0.5, 1.0)).floor().max(client_cut)
            };
            c as i64
        });
        let mut hours = [None; 4];
        for t in 0..4 {
            if !hours_answered[i][t] {
                continue;
            }
            let mu = HOURS[t];
            let dev = round_to(0.4 * mu * normal(rng).abs(), 1);
            let above = match t {
                1 => Some(b[2]),
                2 => Some(b[3]),
                _ => None,
            };
            // Above or below the median by at least 0.1 h, so the exhibit's median sits
            // between the two halves and "above the median" is exactly the bit.
            hours[t] = Some(match above {
                Some(true) => round_to(mu + 0.1 + dev, 1),
                Some(false) => round_to((mu - 0.1 - dev).max(0.0), 1),
                None => round_to((mu + if chance(rng, 0.5) { dev } else { -dev }).max(0.0), 1),
            });
        }
        r.hours = hours;
    }

    let n = units.len() as f64;
    let share = |d: usize| 100.0 * class.iter().filter(|&&c| meets(c)[d]).count() as f64 / n;
    format!(
        "survey practice (Abb. 39): {} municipalities, plan B {:.1}%, A+B {:.1}%, +appointments {:.1}%, +outreach {:.1}%, low staffing ratio {:.1}%",
        units.len(),
        share(0),
        share(1),
        share(2),
        share(3),
        100.0 * low.iter().filter(|l| **l).count() as f64 / n
    )
}

/// Abb. 22's client distribution as a quantile function: up to 79 for 34% of IMs, 80–120 for
/// 35%, a long tail above.
fn clients_at(u: f64) -> f64 {
    if u < 0.34 {
        15.0 + 64.0 * u / 0.34
    } else if u < 0.69 {
        80.0 + 40.0 * (u - 0.34) / 0.35
    } else {
        121.0 + 80.0 * ((u - 0.69) / 0.31).powi(2)
    }
}

/// Simulated annealing over the municipalities' classes and staffing-ratio flags.
fn search(
    rng: &mut Rng,
    units: &[Unit],
    k_district: &BTreeMap<usize, i64>,
    totals: &[i64; BITS],
) -> (Vec<usize>, Vec<bool>) {
    let mut class = vec![0usize; units.len()];
    let mut low = vec![false; units.len()];
    let mut s = State {
        cells: vec![0; 4 * 3 * 2 * CLASSES],
        district_range: BTreeMap::new(),
        range: [(0, 0); BITS],
    };
    for (u, unit) in units.iter().enumerate() {
        s.apply(unit, class[u], low[u], 1);
    }
    let mut current = loss(&s, k_district, totals);
    const STEPS: usize = 1_500_000;
    for step in 0..STEPS {
        let temp = 4.0 * (0.0005f64 / 4.0).powf(step as f64 / STEPS as f64);
        let u = crate::util::below(rng, units.len());
        let (c0, l0) = (class[u], low[u]);
        let (c1, l1) = if chance(rng, 0.7) {
            (crate::util::below(rng, CLASSES), l0)
        } else {
            (c0, !l0)
        };
        if (c1, l1) == (c0, l0) || !units[u].allows(c1, l1) {
            continue;
        }
        s.apply(&units[u], c0, l0, -1);
        s.apply(&units[u], c1, l1, 1);
        let next = loss(&s, k_district, totals);
        if next <= current || chance(rng, (-(next - current) / temp).exp()) {
            current = next;
            class[u] = c1;
            low[u] = l1;
        } else {
            s.apply(&units[u], c1, l1, -1);
            s.apply(&units[u], c0, l0, 1);
        }
    }
    (class, low)
}

/// Sets bit `b` on exactly `total` IMs of `members` (as far as the rules allow): each
/// municipality's minimum first, then free places in random order, IMs with `prefer` first.
fn fill(
    rng: &mut Rng,
    units: &[Unit],
    members: &[usize],
    class: &[usize],
    low: &[bool],
    b: usize,
    total: i64,
    bits: &mut [[bool; BITS]],
    prefer: impl Fn(usize) -> bool,
) {
    let mut placed = 0i64;
    let mut free: Vec<usize> = Vec::new();
    for &u in members {
        let mut ims = units[u].answered[b].clone();
        shuffle(rng, &mut ims);
        ims.sort_by_key(|&i| !prefer(i));
        let (lo, hi) = rules(class[u], low[u])[b].range(ims.len());
        for &i in &ims[..lo] {
            bits[i][b] = true;
            placed += 1;
        }
        free.extend_from_slice(&ims[lo..hi]);
    }
    shuffle(rng, &mut free);
    free.sort_by_key(|&i| !prefer(i));
    for i in free {
        if placed >= total {
            break;
        }
        bits[i][b] = true;
        placed += 1;
    }
}
