//! Talks by topic from the IM key figures (Abb. 34/35; comparisons 5 and housing talks).

use super::{Exclusion, Measures, UnitMeasure, municipality_districts, treated_state_districts};
use crate::core::bundle::{Bundle, Topic};
use chrono::Datelike;
use std::collections::{BTreeMap, HashMap};

fn topic_index(topic: Topic) -> usize {
    Topic::ALL.iter().position(|t| *t == topic).unwrap_or(0)
}

/// Share (0–1) of talks on `topic` among all eight topics, per district, over activity dated
/// on or before `topics_until`.
pub fn district_topic_shares(bundle: &Bundle, topic: Topic) -> Measures {
    let until = bundle.manifest.periods.topics_until;
    let district_of = municipality_districts(bundle);
    let k = topic_index(topic);
    // (talks on the topic, talks on all eight topics); location columns are not topics.
    let mut talks: HashMap<&str, (i64, i64)> = HashMap::new();
    for a in bundle.activity.iter().filter(|a| a.date <= until) {
        if let Some(d) = district_of.get(a.municipality_id) {
            let t = talks.entry(d).or_insert((0, 0));
            t.0 += a.talks[k];
            t.1 += a.talks.iter().sum::<i64>();
        }
    }
    let mut out = Measures::default();
    for d in treated_state_districts(bundle) {
        match talks.get(d.district_id.as_str()) {
            Some(&(on_topic, all)) if all > 0 => out.values.push(UnitMeasure {
                unit_id: d.district_id.clone(),
                name: d.name.clone(),
                value: on_topic as f64 / all as f64,
            }),
            _ => out.excluded.push(Exclusion {
                unit: d.district_id.clone(),
                reason: format!("no talks recorded on or before {until}"),
            }),
        }
    }
    out
}

/// Talks per topic over all activity, indexed like `Topic::ALL` (Abb. 34).
pub fn topic_totals(bundle: &Bundle) -> [i64; 8] {
    let mut totals = [0i64; 8];
    for a in &bundle.activity {
        for (t, n) in totals.iter_mut().zip(a.talks) {
            *t += n;
        }
    }
    totals
}

/// Share (0–1) of each topic per calendar quarter, `(year, quarter, shares)` in time order
/// (Abb. 35). Quarters without any talk are left out.
pub fn quarterly_topic_shares(bundle: &Bundle) -> Vec<(i32, u32, [f64; 8])> {
    let mut by_quarter: BTreeMap<(i32, u32), [i64; 8]> = BTreeMap::new();
    for a in &bundle.activity {
        let q = by_quarter
            .entry((a.date.year(), (a.date.month() - 1) / 3 + 1))
            .or_insert([0; 8]);
        for (t, n) in q.iter_mut().zip(a.talks) {
            *t += n;
        }
    }
    by_quarter
        .into_iter()
        .filter_map(|((y, q), talks)| {
            let all: i64 = talks.iter().sum();
            (all > 0).then(|| (y, q, talks.map(|n| n as f64 / all as f64)))
        })
        .collect()
}
