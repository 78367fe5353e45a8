//! Chapter 3 of the report, how the programme was implemented: funded FTE (Abb. 7), staffing
//! before IM (§3.2), organisation (Abb. 9), clients per IM (Abb. 22), plan use (Abb. 25),
//! plan coverage (Abb. 26), working time and where talks take place (Abb. 33).

use super::{Column, Exhibit, ExhibitRow, count, pct};
use crate::core::bundle::{Bundle, Organisation};
use crate::core::choices::Choices;
use crate::core::derive::median;
use std::collections::{BTreeMap, HashSet};

pub const ABB7: &str = "Funded IM full-time equivalents per municipality (Abb. 7)";
pub const STAFFING_BEFORE: &str = "Paid refugee counselling before integration management (§3.2)";
pub const ABB9: &str = "Where integration management sits in the municipality (Abb. 9)";
pub const ABB22: &str = "Refugees counselled per IM (Abb. 22)";
pub const ABB25: &str = "Use of the integration plan, parts A and B (Abb. 25)";
pub const ABB26: &str = "Share of refugees with an integration plan, by survey wave (Abb. 26)";
pub const ABB33: &str = "Hours per task in a typical working week (Abb. 33)";
pub const ABB33_LOCATION: &str = "Where the talks take place (§3.7, beside Abb. 33)";

/// The report converts shares of working time with a 39-hour week (§3.7).
pub const WEEK_HOURS: f64 = 39.0;

fn funded(bundle: &Bundle) -> impl Iterator<Item = &crate::core::bundle::Municipality> {
    bundle.municipalities.iter().filter(|m| m.funded)
}

/// Funded FTE are sums of grants of 0.25, 0.5 …; a sum a rounding error above a bin edge
/// still belongs below it.
const EDGE: f64 = 1e-9;

pub fn abb7(bundle: &Bundle, _: &Choices) -> Exhibit {
    let mut fte: BTreeMap<&str, f64> = funded(bundle)
        .map(|m| (m.municipality_id.as_str(), 0.0))
        .collect();
    for g in &bundle.grants {
        if let Some(f) = fte.get_mut(g.municipality_id.as_str()) {
            *f += g.fte;
        }
    }
    let n = fte.len();
    let bands: [(&str, f64, f64); 5] = [
        ("up to 0.5", f64::NEG_INFINITY, 0.5),
        ("over 0.5 to 1", 0.5, 1.0),
        ("over 1 to 2", 1.0, 2.0),
        ("over 2 to 5", 2.0, 5.0),
        ("over 5", 5.0, f64::INFINITY),
    ];
    let mut rows: Vec<ExhibitRow> = bands
        .iter()
        .map(|(label, low, high)| {
            let k = fte
                .values()
                .filter(|&&f| f > low + EDGE && f <= high + EDGE)
                .count();
            ExhibitRow::new(*label, vec![count(k), pct(k, n)])
        })
        .collect();
    let at_most_one = fte.values().filter(|&&f| f <= 1.0 + EDGE).count();
    rows.push(ExhibitRow::new(
        "at most 1",
        vec![count(at_most_one), pct(at_most_one, n)],
    ));
    Exhibit {
        id: "abb7",
        title: ABB7.into(),
        unit: "municipalities; % of funded municipalities".into(),
        n,
        columns: vec![Column::new("municipalities", 0), Column::new("pct", 1)],
        rows,
        notes: vec![
            "FTE: the sum of all grants of the municipality (the report's figure is the state \
             ministry's list of Aug 2018); a funded municipality without a grant counts as 0."
                .into(),
        ],
    }
}

pub fn staffing_before(bundle: &Bundle, _: &Choices) -> Exhibit {
    let ids: HashSet<&str> = funded(bundle).map(|m| m.municipality_id.as_str()).collect();
    let rows_of = bundle
        .staffing
        .iter()
        .filter(|s| ids.contains(s.municipality_id.as_str()));
    let before: Vec<f64> = rows_of.clone().filter_map(|s| s.fte_before).collect();
    let nobody: Vec<bool> = rows_of.filter_map(|s| s.nobody_before).collect();
    let k_nobody = nobody.iter().filter(|b| **b).count();
    let mean = (!before.is_empty()).then(|| before.iter().sum::<f64>() / before.len() as f64);
    Exhibit {
        id: "staffing-before",
        title: STAFFING_BEFORE.into(),
        unit: "FTE per municipality; % of municipalities".into(),
        n: ids.len(),
        columns: vec![Column::new("value", 2), Column::new("municipalities", 0)],
        rows: vec![
            ExhibitRow::new("mean FTE", vec![mean, count(before.len())]),
            ExhibitRow::new("median FTE", vec![median(&before), count(before.len())]),
            ExhibitRow::new(
                "nobody responsible (%)",
                vec![pct(k_nobody, nobody.len()), count(nobody.len())],
            ),
        ],
        notes: vec![
            "Funded municipalities that answered (framework survey May/Jun 2019). The report's \
             head count (mean 1.36 persons, median 1) is not in the bundle format: staffing \
             holds FTE only."
                .into(),
        ],
    }
}

pub fn abb9(bundle: &Bundle, _: &Choices) -> Exhibit {
    let all: Vec<Option<Organisation>> = funded(bundle).map(|m| m.organisation).collect();
    // The report's shares are of all 1,078 funded municipalities (they add up to 98%), so
    // the municipalities without an answer stay in the denominator as a row of their own.
    let n = all.len();
    let k = |f: &dyn Fn(Option<Organisation>) -> bool| all.iter().filter(|o| f(**o)).count();
    use Organisation::*;
    let groups: [(&str, usize); 7] = [
        ("district office itself", k(&|o| o == Some(DistrictOffice))),
        ("municipal administration", k(&|o| o == Some(Municipal))),
        (
            "external, for the municipality",
            k(&|o| o == Some(ExternalMunicipal)),
        ),
        (
            "external, for the district office",
            k(&|o| o == Some(ExternalDistrict)),
        ),
        (
            "external provider (both)",
            k(&|o| matches!(o, Some(ExternalMunicipal | ExternalDistrict))),
        ),
        (
            "via the district office",
            k(&|o| matches!(o, Some(DistrictOffice | ExternalDistrict))),
        ),
        ("no answer", k(&|o| o.is_none())),
    ];
    Exhibit {
        id: "abb9",
        title: ABB9.into(),
        unit: "municipalities; % of funded municipalities".into(),
        n,
        columns: vec![Column::new("municipalities", 0), Column::new("pct", 1)],
        rows: groups
            .iter()
            .map(|(label, c)| ExhibitRow::new(*label, vec![count(*c), pct(*c, n)]))
            .collect(),
        notes: vec![
            "Via the district office: run by the district office itself or by an external \
             provider it commissioned (the report's 65%). Shares of all funded municipalities, \
             those without an organisation included (the report's N = 1,078)."
                .into(),
        ],
    }
}

pub fn abb22(bundle: &Bundle, _: &Choices) -> Exhibit {
    let clients: Vec<i64> = bundle
        .manager_survey
        .iter()
        .filter_map(|r| r.clients)
        .collect();
    let n = clients.len();
    let band = |f: &dyn Fn(i64) -> bool| clients.iter().filter(|c| f(**c)).count();
    let rows = [
        ("up to 79", band(&|c| c <= 79)),
        ("80 to 120", band(&|c| (80..=120).contains(&c))),
        ("more than 120", band(&|c| c > 120)),
    ];
    Exhibit {
        id: "abb22",
        title: ABB22.into(),
        unit: "IMs (survey responses); % of responses with a client count".into(),
        n,
        columns: vec![Column::new("responses", 0), Column::new("pct", 1)],
        rows: rows
            .iter()
            .map(|(label, k)| ExhibitRow::new(*label, vec![count(*k), pct(*k, n)]))
            .collect(),
        notes: vec![format!(
            "IM survey Nov 2019; {} responses, {} without a client count.",
            bundle.manager_survey.len(),
            bundle.manager_survey.len() - n
        )],
    }
}

/// The survey's 4-point scale.
const SCALE: [&str; 4] = ["very rarely", "rarely", "often", "very often"];

pub fn abb25(bundle: &Bundle, _: &Choices) -> Exhibit {
    let answers = |f: fn(&crate::core::bundle::SurveyResponse) -> Option<u8>| -> Vec<u8> {
        bundle.manager_survey.iter().filter_map(f).collect()
    };
    let a = answers(|r| r.plan_a_use);
    let b = answers(|r| r.plan_b_use);
    let share =
        |v: &[u8], f: &dyn Fn(u8) -> bool| pct(v.iter().filter(|x| f(**x)).count(), v.len());
    let mut rows: Vec<ExhibitRow> = SCALE
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let level = i as u8 + 1;
            ExhibitRow::new(
                *label,
                vec![share(&a, &|x| x == level), share(&b, &|x| x == level)],
            )
        })
        .collect();
    rows.push(ExhibitRow::new(
        "often or very often",
        vec![share(&a, &|x| x >= 3), share(&b, &|x| x >= 3)],
    ));
    Exhibit {
        id: "abb25",
        title: ABB25.into(),
        unit: "% of responses that answered".into(),
        n: bundle.manager_survey.len(),
        columns: vec![Column::new("plan_a_pct", 1), Column::new("plan_b_pct", 1)],
        rows,
        notes: vec![format!(
            "IM survey Nov 2019: plan A answered by {}, plan B by {} of {} responses \
             (1 very rarely … 4 very often).",
            a.len(),
            b.len(),
            bundle.manager_survey.len()
        )],
    }
}

/// Abb. 26's classes of plan coverage, % of the target group.
const COVERAGE_BANDS: [(&str, f64, f64); 5] = [
    ("under 20%", f64::NEG_INFINITY, 20.0),
    ("20 to under 40%", 20.0, 40.0),
    ("40 to under 60%", 40.0, 60.0),
    ("60 to under 80%", 60.0, 80.0),
    ("80% and more", 80.0, f64::INFINITY),
];

pub fn abb26(bundle: &Bundle, _: &Choices) -> Exhibit {
    let ids: HashSet<&str> = funded(bundle).map(|m| m.municipality_id.as_str()).collect();
    let waves = [
        bundle.manifest.periods.housing_base,
        bundle.manifest.periods.housing_end,
    ];
    // Coverage per funded municipality and wave: with_plan / target_persons × 100.
    let coverage: Vec<Vec<f64>> = waves
        .iter()
        .map(|w| {
            bundle
                .target_group
                .iter()
                .filter(|t| t.wave == *w && ids.contains(t.municipality_id.as_str()))
                .filter_map(|t| match (t.with_plan, t.target_persons) {
                    (Some(p), Some(n)) if n > 0 => Some(p as f64 * 100.0 / n as f64),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let mut rows: Vec<ExhibitRow> = COVERAGE_BANDS
        .iter()
        .map(|(label, low, high)| {
            ExhibitRow::new(
                *label,
                coverage
                    .iter()
                    .map(|c| {
                        pct(
                            c.iter().filter(|v| **v >= *low && **v < *high).count(),
                            c.len(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    rows.push(ExhibitRow::new(
        "mean coverage",
        coverage
            .iter()
            .map(|c| (!c.is_empty()).then(|| c.iter().sum::<f64>() / c.len() as f64))
            .collect(),
    ));
    rows.push(ExhibitRow::new(
        "median coverage",
        coverage.iter().map(|c| median(c)).collect(),
    ));
    Exhibit {
        id: "abb26",
        title: ABB26.into(),
        unit: "% of municipalities with a value (bands); % of the target group (mean, median)"
            .into(),
        n: ids.len(),
        columns: waves
            .iter()
            .map(|w| Column::new(format!("wave_{w}"), 1))
            .collect(),
        rows,
        notes: vec![format!(
            "Coverage: with_plan / target_persons × 100 per funded municipality (target_persons \
             > 0 and with_plan present: {} at the first wave, {} at the second); mean and median \
             over municipalities, unweighted.",
            coverage[0].len(),
            coverage[1].len()
        )],
    }
}

pub fn abb33(bundle: &Bundle, _: &Choices) -> Exhibit {
    type Hours = fn(&crate::core::bundle::SurveyResponse) -> Option<f64>;
    let tasks: [(&str, Hours); 4] = [
        ("open office hours", |r| r.hours_open_office),
        ("appointments", |r| r.hours_appointments),
        ("outreach (at the client's)", |r| r.hours_outreach),
        ("documentation", |r| r.hours_documentation),
    ];
    let rows = tasks
        .iter()
        .map(|(label, f)| {
            let h: Vec<f64> = bundle.manager_survey.iter().filter_map(f).collect();
            let mean = (!h.is_empty()).then(|| h.iter().sum::<f64>() / h.len() as f64);
            ExhibitRow::new(
                *label,
                vec![mean, mean.map(|m| m * 100.0 / WEEK_HOURS), count(h.len())],
            )
        })
        .collect();
    Exhibit {
        id: "abb33",
        title: ABB33.into(),
        unit: "mean hours per week; % of a 39-hour week".into(),
        n: bundle.manager_survey.len(),
        columns: vec![
            Column::new("mean_hours", 1),
            Column::new("pct_of_39h_week", 1),
            Column::new("responses", 0),
        ],
        rows,
        notes: vec![
            "Means over the responses that answered each task. The report gives shares of \
             working time and converts them with a 39-hour week; the bundle holds four of its \
             tasks (no preparation, coordination or accompaniment hours), so the shares are \
             the mean hours over 39."
                .into(),
        ],
    }
}

pub fn abb33_location(bundle: &Bundle, _: &Choices) -> Exhibit {
    let mut talks = [0i64; 3];
    let mut days = 0usize;
    for a in &bundle.activity {
        if let (Some(o), Some(s), Some(c)) = (a.talks_office, a.talks_onsite, a.talks_accompanying)
        {
            talks[0] += o;
            talks[1] += s;
            talks[2] += c;
            days += 1;
        }
    }
    let all: i64 = talks.iter().sum();
    let share = |t: i64| (all > 0).then(|| t as f64 * 100.0 / all as f64);
    let labels = ["office", "at the client's", "accompaniment"];
    let skipped = bundle.activity.len() - days;
    Exhibit {
        id: "abb33-location",
        title: ABB33_LOCATION.into(),
        unit: "talks; % of talks with a location".into(),
        n: usize::try_from(all).unwrap_or(0),
        columns: vec![Column::new("talks", 0), Column::new("share_pct", 1)],
        rows: labels
            .iter()
            .zip(talks)
            .map(|(label, t)| ExhibitRow::new(*label, vec![Some(t as f64), share(t)]))
            .collect(),
        notes: vec![format!(
            "Key figures: talks_office, talks_onsite, talks_accompanying over the {} working \
             days that fill all three ({} days leave one empty).",
            days, skipped
        )],
    }
}
