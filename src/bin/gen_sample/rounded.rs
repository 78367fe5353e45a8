//! Step 16's fourth part: the rounded point of `refit` written into the tables it stands for.
//!
//! Each kind goes where the search's model put it: employed and SV employed persons move at
//! the end month (phased in from Dec 2017 as the count stage moves them), the controls take
//! their values (written with three more decimals), D moves through the district's
//! municipalities without both housing waves (resized as `housing_weights` resizes them, so
//! no outcome moves), and decentrally housed persons move at the end wave within the
//! district's municipalities with both waves (from or to shared housing). The model sees no
//! municipality: where those persons go moves Tab. 18's municipal columns, which
//! `municipal_controls` then shapes again.

use crate::district_controls::{set_values, values};
use crate::frame::{District, Municipality};
use crate::housing_weights::{Resized, deal};
use crate::paths::EmploymentRow;
use crate::refit::Rounded;
use crate::waves::WaveRow;
use std::collections::BTreeMap;

/// Employed persons: the count stage's moves for the total; SV employed the same way,
/// never above the total.
pub fn employment(r: &Rounded, ds: &[District], rows: &mut [EmploymentRow]) {
    crate::employment_counts::apply(&r.employed, ds, rows);
    crate::employment_counts::phase_in(&r.sv_employed, ds, rows, |row, step| {
        row.sv = (row.sv + step).clamp(0, row.total)
    });
}

/// The controls, as `refit` rounded them.
pub fn controls(r: &Rounded, ds: &mut [District]) {
    for d in ds.iter_mut() {
        let mut v = values(d);
        let mut moved = false;
        for (slot, x) in v.iter_mut().enumerate() {
            if let Some(&new) = r.controls.get(&(d.id.clone(), slot)) {
                *x = new;
                moved = true;
            }
        }
        if moved {
            set_values(d, v);
        }
    }
}

/// D: each district's funded municipalities without both housing waves resized together by
/// the difference (dealt in proportion to their size, each keeping one person). Returns the
/// municipalities resized.
pub fn weights(
    r: &Rounded,
    ds: &[District],
    munis: &[Municipality],
    waves: &mut [WaveRow],
) -> Result<usize, String> {
    let (both, base) = housing_waves(munis, waves);
    let mut resized: BTreeMap<String, Resized> = BTreeMap::new();
    for (id, &new_d) in &r.d {
        let Some(k) = ds.iter().position(|d| &d.id == id) else {
            continue;
        };
        let in_district = |m: usize| munis[m].funded && munis[m].district == k;
        let d: i64 = base
            .iter()
            .filter(|(m, _)| in_district(**m))
            .map(|(_, t)| t)
            .sum();
        if new_d == d {
            continue;
        }
        let free: Vec<(&str, i64)> = base
            .iter()
            .filter(|(m, _)| in_district(**m) && !both.contains_key(*m))
            .map(|(&m, &t)| (munis[m].id.as_str(), t))
            .collect();
        let old: i64 = free.iter().map(|(_, t)| t).sum();
        let total = old + new_d - d;
        if free.is_empty() || total < free.len() as i64 {
            return Err(format!(
                "step 16: district {id} cannot take D {new_d} (now {d}; {old} persons in {} municipalities without housing waves)",
                free.len()
            ));
        }
        for ((m, new), (_, was)) in deal(&free, total).into_iter().zip(&free) {
            if new != *was {
                resized.insert(m.to_string(), Resized { old: *was, new });
            }
        }
    }
    crate::housing_weights::apply(&resized, munis, waves);
    Ok(resized.len())
}

/// Decentrally housed persons: each district's moves dealt one at a time to the municipality
/// with both waves that has the most room (shared persons to give, or decentral ones to
/// give back, beyond 1% of its target persons, so every share stays within 1-99%).
pub fn housing(
    r: &Rounded,
    ds: &[District],
    munis: &[Municipality],
    waves: &mut [WaveRow],
) -> Result<usize, String> {
    let (both, _) = housing_waves(munis, waves);
    let mut moves: BTreeMap<String, i64> = BTreeMap::new();
    for (id, &k) in r.housed.iter().filter(|(_, k)| **k != 0) {
        let Some(d) = ds.iter().position(|d| &d.id == id) else {
            continue;
        };
        // Per municipality of the district with both waves: its end-wave row.
        let mut rows: Vec<(usize, i64, i64, i64)> = both
            .iter()
            .filter(|(m, _)| munis[**m].district == d)
            .map(|(&m, &end)| {
                let w = &waves[end];
                (
                    m,
                    w.target_persons.unwrap_or(0),
                    w.decentral.unwrap_or(0),
                    w.shared.unwrap_or(0),
                )
            })
            .collect();
        let mut given: BTreeMap<usize, i64> = BTreeMap::new();
        for _ in 0..k.abs() {
            let room = |&(_, t, dec, sh): &(usize, i64, i64, i64)| {
                let floor = (0.01 * t as f64).ceil() as i64;
                if k > 0 { sh - floor } else { dec - floor }
            };
            let Some(best) = (0..rows.len()).max_by_key(|&i| (room(&rows[i]), rows[i].0)) else {
                break;
            };
            if room(&rows[best]) <= 0 {
                return Err(format!(
                    "step 16: district {id} has no room for {k} decentrally housed persons"
                ));
            }
            let step = k.signum();
            rows[best].2 += step;
            rows[best].3 -= step;
            *given.entry(rows[best].0).or_default() += step;
        }
        for (m, g) in given {
            moves.insert(munis[m].id.clone(), g);
        }
    }
    crate::housing_counts::apply(&moves, munis, waves);
    Ok(moves.len())
}

/// The funded municipalities with both housing waves (their end-wave row's index), and every
/// funded municipality's target persons at the base wave.
fn housing_waves(
    munis: &[Municipality],
    waves: &[WaveRow],
) -> (BTreeMap<usize, usize>, BTreeMap<usize, i64>) {
    let mut rows: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, w) in waves.iter().enumerate() {
        if munis[w.municipality].funded {
            rows.entry(w.municipality).or_default().push(i);
        }
    }
    let mut both = BTreeMap::new();
    let mut base = BTreeMap::new();
    for (m, idx) in rows {
        if idx.len() == 2 && idx.iter().all(|&i| waves[i].decentral.is_some()) {
            let end = idx
                .iter()
                .copied()
                .find(|&i| waves[i].end_wave)
                .expect("an end wave");
            both.insert(m, end);
        }
        if let Some(t) = idx
            .iter()
            .find(|&&i| !waves[i].end_wave)
            .and_then(|&i| waves[i].target_persons)
        {
            base.insert(m, t);
        }
    }
    (both, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::testing::{district, municipality};

    fn wave(m: usize, end: bool, t: i64, housing: Option<(i64, i64)>) -> WaveRow {
        WaveRow {
            municipality: m,
            end_wave: end,
            target_persons: Some(t),
            decentral: housing.map(|h| h.0),
            shared: housing.map(|h| h.1),
            unknown: housing.map(|_| 0),
            with_plan: Some(t / 2),
        }
    }

    fn rounded(housed: i64, d: i64) -> Rounded {
        let one = |k: i64| [("08001".to_string(), k)].into_iter().collect();
        Rounded {
            employed: BTreeMap::new(),
            sv_employed: BTreeMap::new(),
            housed: one(housed),
            d: one(d),
            controls: BTreeMap::new(),
        }
    }

    /// Two municipalities with both waves (100 and 50 target persons at the end), one
    /// without housing waves (40 at the base).
    fn tables() -> (Vec<District>, Vec<Municipality>, Vec<WaveRow>) {
        let ds = vec![district("08001")];
        let munis = vec![
            municipality("a", 0),
            municipality("b", 0),
            municipality("c", 0),
        ];
        let waves = vec![
            wave(0, false, 90, Some((30, 60))),
            wave(0, true, 100, Some((40, 60))),
            wave(1, false, 50, Some((10, 40))),
            wave(1, true, 50, Some((48, 2))),
            wave(2, false, 40, None),
            wave(2, true, 40, None),
        ];
        (ds, munis, waves)
    }

    #[test]
    fn housed_persons_go_where_there_is_room_and_no_share_leaves_1_to_99_percent() {
        let (ds, munis, mut waves) = tables();
        // Ten more decentrally housed: "b" has 2 shared (one above its 1% floor), "a" 60.
        assert_eq!(housing(&rounded(10, 180), &ds, &munis, &mut waves), Ok(1));
        assert_eq!((waves[1].decentral, waves[1].shared), (Some(50), Some(50)));
        assert_eq!((waves[3].decentral, waves[3].shared), (Some(48), Some(2)));
        // Base waves stay.
        assert_eq!(waves[0].decentral, Some(30));
        // Fifty fewer: "a" gives 49 (keeping 1 of 100), "b" must give the last one.
        let (_, _, mut waves) = tables();
        assert_eq!(housing(&rounded(-50, 180), &ds, &munis, &mut waves), Ok(2));
        let end_decentral: i64 = [1, 3].iter().map(|&i| waves[i].decentral.unwrap()).sum();
        assert_eq!(end_decentral, 88 - 50);
        for i in [1, 3] {
            let share =
                waves[i].decentral.unwrap() as f64 / waves[i].target_persons.unwrap() as f64;
            assert!((0.01..=0.99).contains(&share), "{share}");
        }
        // More than the shares allow: a message naming the district.
        let (_, _, mut waves) = tables();
        let err = housing(&rounded(200, 180), &ds, &munis, &mut waves).unwrap_err();
        assert!(err.contains("08001"), "{err}");
    }

    #[test]
    fn d_moves_through_the_municipality_without_housing_waves_alone() {
        let (ds, munis, mut waves) = tables();
        // D is 90 + 50 + 40 = 180 at the base wave; 200 resizes "c" from 40 to 60.
        assert_eq!(weights(&rounded(0, 200), &ds, &munis, &mut waves), Ok(1));
        assert_eq!(waves[4].target_persons, Some(60));
        assert_eq!(waves[0].target_persons, Some(90));
        assert_eq!(waves[2].target_persons, Some(50));
        // Unchanged D resizes nothing; a D the free municipality cannot take is refused.
        let (_, _, mut waves) = tables();
        assert_eq!(weights(&rounded(0, 180), &ds, &munis, &mut waves), Ok(0));
        let err = weights(&rounded(0, 100), &ds, &munis, &mut waves).unwrap_err();
        assert!(err.contains("08001"), "{err}");
    }
}
