//! Chapter 4, "best-possible implementation" in the sense of case management, at
//! municipality level (report §4, N = 1,031): which municipalities use the integration plan
//! often, and with above-average appointment or outreach hours (Abb. 39), by organisation
//! (Tab. 7), with or without counselling staff before IM (Tab. 9) and by staffing ratio
//! (Tab. 10).
//!
//! The report's rules (§4): an IM uses a plan often when they answer often or very often (3
//! or 4); a municipality uses it often when a majority (more than half) of its IMs do. An IM
//! spends above-average hours on appointments (outreach) when above the median of all IMs
//! who answered; a municipality does when more than half of its IMs do. A municipality has a
//! low staffing ratio when a majority of its IMs counsel fewer clients than the median IM.
//! Readings the report leaves open, fixed here: the majority is taken over the IMs of the
//! municipality who answered the question (a municipality none of whose IMs answered it does
//! not meet it), and the municipalities counted are the funded ones with at least one
//! survey response.

use super::proportion_test::ProportionTest;
use super::{Column, Exhibit, ExhibitRow, count, pct};
use crate::core::bundle::{Bundle, Organisation, SurveyResponse};
use crate::core::choices::Choices;
use crate::core::derive::median;
use std::collections::{BTreeMap, HashMap};

pub const ABB39: &str = "Municipalities with best-possible implementation, by definition (Abb. 39)";
pub const TAB7: &str = "Best-possible implementation by organisation of IM (Tab. 7)";
pub const TAB9: &str =
    "Best-possible implementation with and without counselling staff before IM (Tab. 9)";
pub const TAB10: &str = "Best-possible implementation by staffing ratio (Tab. 10)";

/// The four definitions of Abb. 39, in the report's order.
pub const DEFINITIONS: [&str; 4] = [
    "plan B",
    "plans A and B",
    "plans A and B, appointments",
    "plans A and B, outreach",
];

/// One municipality classified by the report's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Practice {
    pub municipality_id: String,
    pub plan_a: bool,
    pub plan_b: bool,
    pub appointments: bool,
    pub outreach: bool,
    pub low_ratio: bool,
}

impl Practice {
    /// Whether the municipality meets each definition of `DEFINITIONS`.
    pub fn meets(&self) -> [bool; 4] {
        let ab = self.plan_a && self.plan_b;
        [
            self.plan_b,
            ab,
            ab && self.appointments,
            ab && self.outreach,
        ]
    }
}

/// More than half of the answers meet the criterion.
fn majority<T>(
    answers: &[&SurveyResponse],
    value: impl Fn(&SurveyResponse) -> Option<T>,
    meets: impl Fn(T) -> bool,
) -> bool {
    let (mut answered, mut yes) = (0usize, 0usize);
    for r in answers {
        if let Some(v) = value(r) {
            answered += 1;
            yes += usize::from(meets(v));
        }
    }
    2 * yes > answered
}

/// Every funded municipality with at least one survey response, classified (in id order).
pub fn classify(bundle: &Bundle) -> Vec<Practice> {
    let all = &bundle.manager_survey;
    let med = |f: fn(&SurveyResponse) -> Option<f64>| {
        median(&all.iter().filter_map(f).collect::<Vec<f64>>())
    };
    let appointments = med(|r| r.hours_appointments);
    let outreach = med(|r| r.hours_outreach);
    let clients = med(|r| r.clients.map(|c| c as f64));
    let funded: HashMap<&str, ()> = bundle
        .municipalities
        .iter()
        .filter(|m| m.funded)
        .map(|m| (m.municipality_id.as_str(), ()))
        .collect();
    let mut by_municipality: BTreeMap<&str, Vec<&SurveyResponse>> = BTreeMap::new();
    for r in all {
        if funded.contains_key(r.municipality_id.as_str()) {
            by_municipality
                .entry(&r.municipality_id)
                .or_default()
                .push(r);
        }
    }
    let above = |m: Option<f64>| move |h: f64| m.is_some_and(|m| h > m);
    by_municipality
        .into_iter()
        .map(|(id, rs)| Practice {
            municipality_id: id.to_string(),
            plan_a: majority(&rs, |r| r.plan_a_use, |u| u >= 3),
            plan_b: majority(&rs, |r| r.plan_b_use, |u| u >= 3),
            appointments: majority(&rs, |r| r.hours_appointments, above(appointments)),
            outreach: majority(&rs, |r| r.hours_outreach, above(outreach)),
            low_ratio: majority(
                &rs,
                |r| r.clients.map(|c| c as f64),
                |c| clients.is_some_and(|m| c < m),
            ),
        })
        .collect()
}

const RULES_NOTE: &str = "Municipality level (funded municipalities with at least one IM survey response). A plan \
     is used often when more than half of the municipality's IMs who answered say often or \
     very often; appointments (outreach): more than half of them above the median hours of all \
     IMs.";

pub fn abb39(bundle: &Bundle, _: &Choices) -> Exhibit {
    let p = classify(bundle);
    let n = p.len();
    let rows = (0..4)
        .map(|d| {
            let k = p.iter().filter(|m| m.meets()[d]).count();
            ExhibitRow::new(DEFINITIONS[d], vec![count(k), pct(k, n)])
        })
        .collect();
    Exhibit {
        id: "abb39",
        title: ABB39.into(),
        unit: "municipalities; % of municipalities".into(),
        n,
        columns: vec![Column::new("municipalities", 0), Column::new("pct", 1)],
        rows,
        notes: vec![RULES_NOTE.to_string()],
    }
}

/// Shares of each definition in each group; `groups` gives each municipality's group index.
fn shares_by_group(p: &[Practice], groups: &[Option<usize>], k: usize) -> Vec<Vec<(usize, usize)>> {
    (0..4)
        .map(|d| {
            (0..k)
                .map(|g| {
                    let members = p.iter().zip(groups).filter(|(_, gi)| **gi == Some(g));
                    let (mut hits, mut n) = (0, 0);
                    for (m, _) in members {
                        n += 1;
                        hits += usize::from(m.meets()[d]);
                    }
                    (hits, n)
                })
                .collect()
        })
        .collect()
}

pub fn tab7(bundle: &Bundle, _: &Choices) -> Exhibit {
    let p = classify(bundle);
    let org: HashMap<&str, Option<Organisation>> = bundle
        .municipalities
        .iter()
        .map(|m| (m.municipality_id.as_str(), m.organisation))
        .collect();
    let groups: Vec<Option<usize>> = p
        .iter()
        .map(
            |m| match org.get(m.municipality_id.as_str()).copied().flatten() {
                Some(Organisation::DistrictOffice) => Some(0),
                Some(Organisation::Municipal) => Some(1),
                Some(Organisation::ExternalMunicipal | Organisation::ExternalDistrict) => Some(2),
                None => None,
            },
        )
        .collect();
    let table = shares_by_group(&p, &groups, 3);
    let sizes: Vec<usize> = table[0].iter().map(|(_, n)| *n).collect();
    let n: usize = sizes.iter().sum();
    Exhibit {
        id: "tab7",
        title: TAB7.into(),
        unit: "% of the group's municipalities".into(),
        n,
        columns: vec![
            Column::new("district_office_pct", 1),
            Column::new("municipal_pct", 1),
            Column::new("external_pct", 1),
        ],
        rows: table
            .iter()
            .zip(DEFINITIONS)
            .map(|(g, label)| ExhibitRow::new(label, g.iter().map(|(h, n)| pct(*h, *n)).collect()))
            .collect(),
        notes: vec![
            RULES_NOTE.to_string(),
            format!(
                "Groups: run by the district office itself {}, by the municipal administration \
                 {}, by an external provider (commissioned by the municipality or the district \
                 office) {}; {} municipalities without an organisation are left out.",
                sizes[0],
                sizes[1],
                sizes[2],
                p.len() - n
            ),
        ],
    }
}

/// A two-group table with the test of each row (Tab. 9, Tab. 10).
fn two_groups(
    id: &'static str,
    title: &str,
    keys: [&str; 2],
    groups: &[Option<usize>],
    p: &[Practice],
    group_note: String,
) -> Exhibit {
    let table = shares_by_group(p, groups, 2);
    let sizes: Vec<usize> = table[0].iter().map(|(_, n)| *n).collect();
    let rows = table
        .iter()
        .zip(DEFINITIONS)
        .map(|(g, label)| {
            let ((ha, na), (hb, nb)) = (g[0], g[1]);
            let test = ProportionTest::compute(ha, na, hb, nb);
            ExhibitRow {
                label: label.to_string(),
                values: vec![
                    pct(ha, na),
                    pct(hb, nb),
                    test.map(|t| t.z),
                    test.map(|t| t.p_value),
                ],
                stars: test.map(|t| t.stars().to_string()),
            }
        })
        .collect();
    Exhibit {
        id,
        title: title.into(),
        unit: "% of the group's municipalities; z and two-sided p of the difference".into(),
        n: sizes.iter().sum(),
        columns: vec![
            Column::new(keys[0], 1),
            Column::new(keys[1], 1),
            Column::new("z", 2),
            Column::new("p_value", 3),
        ],
        rows,
        notes: vec![
            "Test: two-proportion z test on the pooled share, two-sided; z² is Pearson's χ² of \
             the 2×2 table without continuity correction, so the p-value is the same. \
             * p < 0.10, ** p < 0.05, *** p < 0.01."
                .into(),
            group_note,
            RULES_NOTE.to_string(),
        ],
    }
}

pub fn tab9(bundle: &Bundle, _: &Choices) -> Exhibit {
    let p = classify(bundle);
    let nobody: HashMap<&str, Option<bool>> = bundle
        .staffing
        .iter()
        .map(|s| (s.municipality_id.as_str(), s.nobody_before))
        .collect();
    let groups: Vec<Option<usize>> = p
        .iter()
        .map(
            |m| match nobody.get(m.municipality_id.as_str()).copied().flatten() {
                Some(true) => Some(0),
                Some(false) => Some(1),
                None => None,
            },
        )
        .collect();
    let unknown = groups.iter().filter(|g| g.is_none()).count();
    let (a, b) = (
        groups.iter().filter(|g| **g == Some(0)).count(),
        groups.iter().filter(|g| **g == Some(1)).count(),
    );
    two_groups(
        "tab9",
        TAB9,
        ["nobody_before_pct", "others_pct"],
        &groups,
        &p,
        format!(
            "Groups: nobody responsible for refugees before IM (staffing.nobody_before) {a}, \
             all others {b}; {unknown} without an answer are left out."
        ),
    )
}

pub fn tab10(bundle: &Bundle, _: &Choices) -> Exhibit {
    let p = classify(bundle);
    let groups: Vec<Option<usize>> = p
        .iter()
        .map(|m| Some(if m.low_ratio { 0 } else { 1 }))
        .collect();
    let low = p.iter().filter(|m| m.low_ratio).count();
    two_groups(
        "tab10",
        TAB10,
        ["low_ratio_pct", "others_pct"],
        &groups,
        &p,
        format!(
            "Low staffing ratio: more than half of the municipality's IMs who gave a client \
             count counsel fewer clients than the median IM ({low} of {} municipalities, {}); \
             all others, including municipalities without a client count, are the other group.",
            p.len(),
            pct(low, p.len()).map_or("n/a".into(), |v| format!("{v:.1}%"))
        ),
    )
}
