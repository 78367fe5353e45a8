//! Chapter 3's figures that pages 2–4 draw (Abb. 4, the regions of Abb. 5, Tab. 5, Abb. 6,
//! Abb. 34, Abb. 35, Abb. 43), taken from those pages' models so the screen and the
//! headless numbers cannot drift apart.

use super::{Column, Exhibit, ExhibitRow, count, pct};
use crate::core::bundle::{Bundle, Level, Topic};
use crate::core::choices::Choices;
use crate::core::derive::staffing;
use crate::core::view::staffing::StaffingView;
use crate::core::view::start_times::StartTimesView;
use crate::core::view::topics::TopicsView;

pub const ABB4: &str = "Start of integration management in the municipalities (Abb. 4)";
pub const REGIONS: &str = "Early and late starting districts by government region (Abb. 5)";
pub const TAB5: &str = "Change in counselling capacity through integration management (Tab. 5)";
pub const ABB6: &str = "Change in counselling FTE per municipality, unweighted (Abb. 6)";
pub const ABB34: &str = "Topics of the counselling talks (Abb. 34)";
pub const ABB35: &str = "Topics of the counselling talks by quarter (Abb. 35)";
pub const ABB43: &str =
    "Change in counselling capacity per district, per 100 target persons (Abb. 43)";

pub fn abb4(bundle: &Bundle, choices: &Choices) -> Exhibit {
    let m = StartTimesView::build(bundle, choices).municipality_months;
    let mut notes = vec![
        "Start month: the month in which at least the bundle's start_share of the IMs funded \
         for the municipality had started work (grants issued by grants_issued_by)."
            .to_string(),
    ];
    if m.outside_axis > 0 {
        notes.push(format!(
            "{} municipalities start outside Jan 2017 – Oct 2018 and are in no row (but in N).",
            m.outside_axis
        ));
    }
    if let Some(half) = &m.half_by {
        notes.push(format!("Half of the municipalities had started by {half}."));
    }
    Exhibit {
        id: "abb4",
        title: ABB4.into(),
        unit: "municipalities; cumulative % of municipalities with a start month".into(),
        n: m.total,
        columns: vec![
            Column::new("municipalities", 0),
            Column::new("cumulative_pct", 1),
        ],
        rows: m
            .bars
            .iter()
            .map(|b| {
                ExhibitRow::new(
                    &b.label,
                    vec![
                        count(b.municipalities),
                        (m.total > 0).then_some(b.cumulative_share * 100.0),
                    ],
                )
            })
            .collect(),
        notes,
    }
}

pub fn regions(bundle: &Bundle, choices: &Choices) -> Exhibit {
    let view = StartTimesView::build(bundle, choices);
    Exhibit {
        id: "abb5-regions",
        title: REGIONS.into(),
        unit: "districts; % early of the region's districts".into(),
        n: view.districts.len(),
        columns: vec![
            Column::new("districts", 0),
            Column::new("early", 0),
            Column::new("late", 0),
            Column::new("early_pct", 1),
        ],
        rows: view
            .regions
            .iter()
            .map(|r| {
                ExhibitRow::new(
                    &r.region,
                    vec![
                        count(r.total),
                        count(r.early),
                        count(r.late),
                        pct(r.early, r.total),
                    ],
                )
            })
            .collect(),
        notes: vec![format!(
            "Early: district start on or before the cutoff {} (the district start is the day \
             on which the start_share of its grants had started).",
            view.cutoff
        )],
    }
}

pub fn tab5(bundle: &Bundle, _: &Choices) -> Exhibit {
    // The page model holds Tab. 5 as written text; its numbers come from this table.
    let s = staffing::staffing_table(bundle);
    let mut rows: Vec<ExhibitRow> = s
        .rows
        .iter()
        .map(|r| {
            ExhibitRow::new(
                r.change.label(),
                vec![
                    count(r.municipalities),
                    (s.total > 0).then_some(r.share * 100.0),
                    (s.total > 0).then_some(r.refugee_weighted_share * 100.0),
                ],
            )
        })
        .collect();
    rows.push(ExhibitRow::new(
        "Total",
        vec![count(s.total), pct(s.total, s.total), pct(s.total, s.total)],
    ));
    let mut notes = vec![
        "Funded municipalities by the sign of fte_after − fte_before (changes within ±0.005 FTE \
         are no change); no answer: a value or the staffing row missing. Weighted shares use \
         refugees on 15 Sep 2017."
            .to_string(),
    ];
    if s.without_refugee_count > 0 {
        notes.push(format!(
            "{} municipalities without a refugee count have weight 0.",
            s.without_refugee_count
        ));
    }
    Exhibit {
        id: "tab5",
        title: TAB5.into(),
        unit: "municipalities; % of funded municipalities".into(),
        n: s.total,
        columns: vec![
            Column::new("municipalities", 0),
            Column::new("share_pct", 1),
            Column::new("refugee_weighted_pct", 1),
        ],
        rows,
        notes,
    }
}

fn staffing_view(bundle: &Bundle, choices: &Choices) -> StaffingView {
    StaffingView::build(
        bundle,
        &Choices {
            level: Level::District,
            ..choices.clone()
        },
    )
}

pub fn abb6(bundle: &Bundle, choices: &Choices) -> Exhibit {
    let h = staffing_view(bundle, choices).fte_change;
    // The report's reading of Abb. 6 (§3.2): "40% between (just above) 0 and 0.5 FTE"; the
    // 0 bin also holds the municipalities without change.
    let changes: Vec<f64> = staffing::fte_change_per_municipality(bundle)
        .values
        .iter()
        .map(|v| v.value)
        .collect();
    let small_rise = changes
        .iter()
        .filter(|&&d| d > 0.005 && d <= 0.5 + 1e-9)
        .count();
    let mut rows: Vec<ExhibitRow> = h
        .bars
        .iter()
        .map(|(label, k)| ExhibitRow::new(label, vec![count(*k), pct(*k, h.n)]))
        .collect();
    rows.push(ExhibitRow::new(
        "over 0 to 0.5",
        vec![count(small_rise), pct(small_rise, changes.len())],
    ));
    Exhibit {
        id: "abb6",
        title: ABB6.into(),
        unit: "municipalities; % of municipalities with FTE before and after".into(),
        n: h.n,
        columns: vec![Column::new("municipalities", 0), Column::new("pct", 1)],
        rows,
        notes: vec![format!(
            "Bins by lower edge (FTE), {}; the last row counts increases above 0.005 FTE up \
             to 0.5 FTE.",
            h.legend
        )],
    }
}

pub fn abb34(bundle: &Bundle, _: &Choices) -> Exhibit {
    let v = TopicsView::build(bundle);
    let n = usize::try_from(v.total_talks).unwrap_or(0);
    Exhibit {
        id: "abb34",
        title: ABB34.into(),
        unit: "talks; % of all talks".into(),
        n,
        columns: vec![Column::new("talks", 0), Column::new("share_pct", 1)],
        rows: v
            .topics
            .iter()
            .map(|t| {
                ExhibitRow::new(
                    t.label,
                    vec![Some(t.talks as f64), (n > 0).then_some(t.percent)],
                )
            })
            .collect(),
        notes: vec![
            "All key-figure rows after the reading rules (exact duplicates dropped, impossible \
             dates left out); the location columns are not topics."
                .into(),
        ],
    }
}

pub fn abb35(bundle: &Bundle, _: &Choices) -> Exhibit {
    let v = TopicsView::build(bundle);
    Exhibit {
        id: "abb35",
        title: ABB35.into(),
        unit: "% of the quarter's talks".into(),
        n: usize::try_from(v.total_talks).unwrap_or(0),
        columns: Topic::ALL
            .iter()
            .map(|t| Column::new(t.column().trim_start_matches("talks_"), 1))
            .collect(),
        rows: v
            .quarters
            .iter()
            .map(|q| ExhibitRow::new(&q.label, q.percent.iter().map(|p| Some(*p)).collect()))
            .collect(),
        notes: vec!["Quarters without any talk are left out.".into()],
    }
}

pub fn abb43(bundle: &Bundle, choices: &Choices) -> Exhibit {
    let r = staffing_view(bundle, choices).capacity;
    let mut notes = vec![format!(
        "Median {}; above_median = 1 for the districts of the stronger-expansion group.",
        r.median_text()
    )];
    if let Some(note) = &r.excluded_note {
        notes.push(note.clone());
    }
    Exhibit {
        id: "abb43",
        title: ABB43.into(),
        unit: "FTE per 100 target persons".into(),
        n: r.items.len(),
        columns: vec![
            Column::new("fte_change_per_100", 2),
            Column::new("above_median", 0),
        ],
        rows: r
            .highest_first()
            .map(|(v, above)| {
                ExhibitRow::new(
                    format!("{} {}", v.unit_id, v.name),
                    vec![Some(v.value), Some(if *above { 1.0 } else { 0.0 })],
                )
            })
            .collect(),
        notes,
    }
}
