//! Each page as a table and a chart: the page's model from `core::view`, mapped onto the
//! export's `TableData` and `Chart` (the dashboard draws the same model).

use super::chart::{Bar, Chart, ChartBody, Meaning, Series, XAxis};
use super::table::{Cell, TableData};
use super::{ExportError, ExportRequest, Page, PageContent, caption, controls_label};
use crate::core::bundle::{Bundle, Table};
use crate::core::choices::Choices;
use crate::core::derive::{self, DeriveError};
use crate::core::estimate::{Term, estimate_did};
use crate::core::report::{self, EstimateReport};
use crate::core::robust::RobustSuite;
use crate::core::view::AnalysisError;
use crate::core::view::format;
use crate::core::view::implementation::ImplementationView;
use crate::core::view::overview::OverviewView;
use crate::core::view::staffing::StaffingView;
use crate::core::view::start_times::StartTimesView;
use crate::core::view::topics::TopicsView;
use crate::core::view::trends::{TrendLine, TrendsView};

/// The table and chart of the requested page.
pub fn page_content(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    match req.page {
        Page::Trends => trends(bundle, req),
        Page::Estimate => estimate(bundle, req),
        Page::StartTimes => start_times(bundle, req),
        Page::Topics => topics(bundle, req),
        Page::Staffing => staffing(bundle, req),
        Page::Overview => overview(bundle, req),
        Page::Implementation => implementation(bundle, req),
        Page::Robustness => {
            // Headless: the checks with `wirkung robustness`'s defaults (seeded, repeatable).
            let suite = RobustSuite::compute(
                bundle,
                &req.choices.spec(bundle),
                &req.choices.robust_options(),
            );
            Ok(super::robustness_content(bundle, req, &suite))
        }
    }
}

fn plain(table: TableData, chart: Chart) -> PageContent {
    PageContent {
        table,
        chart,
        markdown: None,
        latex: None,
        csv: None,
        sheet: None,
    }
}

fn require(bundle: &Bundle, table: Table, needed_for: &str) -> Result<(), ExportError> {
    Ok(derive::panel::require(bundle, table, needed_for)?)
}

fn trends(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let view = TrendsView::build(bundle, &req.choices)?;
    // The dashboard shows the employment lines under a housing choice with a note; a file
    // carries no such note, so an export names only what was asked for.
    if view.note.is_some() {
        return Err(DeriveError::Unsupported(
            "trends are monthly employment rates; housing has only two survey waves".into(),
        )
        .into());
    }
    let line = |l: &TrendLine, meaning| {
        Series::new(
            l.legend,
            meaning,
            l.points
                .iter()
                .map(|(m, rate)| (f64::from(m.index()), *rate))
                .collect(),
        )
    };
    let chart = Chart {
        title: view.title.clone(),
        y_label: view.unit.into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Lines {
            x_axis: XAxis::Months,
            series: vec![
                line(&view.treated, Meaning::Treated),
                line(&view.control, Meaning::Comparison),
            ],
            marker: Some((f64::from(view.marker.index()), view.marker_legend.clone())),
        },
    };
    Ok(PageContent {
        csv: Some(report::trends_csv(&view.trends)),
        ..plain(view.table(), chart)
    })
}

fn estimate(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    // The CSV is the one model `--controls` chooses (as `estimate --format csv`); the tables
    // are the report's columns; the chart shows column (1), whose DiD is exactly the
    // difference of the group means it draws.
    let panel = derive::panel(bundle, &req.choices.spec(bundle))?;
    let est = estimate_did(&panel, req.choices.options())?;
    let chosen = EstimateReport::new(&bundle.manifest, &panel, &est);
    let columns = report::estimate_columns(bundle, &req.choices).map_err(|e| match e {
        AnalysisError::Derive(d) => ExportError::from(d),
        AnalysisError::Estimate(e) => ExportError::from(e),
        AnalysisError::NoControls => ExportError::from(DeriveError::Empty(e.to_string())),
    })?;
    let controls = if panel.control_labels.is_empty() {
        "none".to_string()
    } else {
        panel.control_labels.join(", ")
    };
    let cap = caption(bundle, req, &controls);
    let r = &columns[0];
    let table = TableData {
        title: r.labels.outcome.clone(),
        header: vec![
            "group".into(),
            r.labels.base.clone(),
            r.labels.end.clone(),
            "change".into(),
        ],
        rows: r
            .group_rows()
            .into_iter()
            .map(|(l, b, e, c)| vec![Cell::Text(l), Cell::num(b), Cell::num(e), Cell::num(c)])
            .collect(),
    };
    let treated = r.coefficients.iter().find(|c| c.term == Term::Treated);
    let effect = treated
        .map(|c| {
            format!(
                " — {} without controls: DiD {}{} ({})",
                r.report_column,
                report::one_decimal(c.estimate),
                report::stars(c.p_value),
                report::one_decimal(c.std_error)
            )
        })
        .unwrap_or_default();
    let chart = Chart {
        title: format!("{}: group means{effect}", r.labels.outcome),
        y_label: "Weighted mean, %".into(),
        caption: cap.clone(),
        source: None,
        body: group_means(r, false),
    };
    Ok(PageContent {
        markdown: Some(format!(
            "{}\n{}\n",
            report::estimate_markdown(&columns),
            cap
        )),
        latex: Some(report::estimate_latex(
            &columns,
            &[cap.clone()]
                .into_iter()
                .chain(super::source_note(bundle))
                .collect::<Vec<_>>(),
        )),
        csv: Some(report::estimate_csv(&chosen)),
        sheet: Some(report::estimate_tables(&columns)),
        ..plain(table, chart)
    })
}

fn start_times(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Grants, "the start times")?;
    let view = StartTimesView::build(bundle, &req.choices);
    let bars = view
        .district_months
        .iter()
        .map(|m| Bar {
            label: m.month.to_string(),
            value: m.districts as f64,
            meaning: if m.early {
                Meaning::Treated
            } else {
                Meaning::Comparison
            },
        })
        .collect::<Vec<_>>();
    // The cutoff lies between the last early month and the first late one.
    let cutoff_at = view
        .district_months
        .iter()
        .rposition(|m| m.early)
        .map(|i| i as f64 + 0.5);
    let chart = Chart {
        title: view.title.clone(),
        y_label: "Districts starting in the month".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars {
            bars,
            legend: vec![
                (
                    Meaning::Treated,
                    format!("early start ({} districts)", format::count(view.early)),
                ),
                (
                    Meaning::Comparison,
                    format!("late start ({} districts)", format::count(view.late)),
                ),
            ],
            counts: true,
            marker: cutoff_at.map(|at| (at, format!("cutoff {}", view.cutoff))),
            level: None,
        },
    };
    Ok(plain(view.table(), chart))
}

fn topics(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Activity, "the talk topics")?;
    let view = TopicsView::build(bundle);
    let bars = view
        .topics
        .iter()
        .map(|t| Bar {
            label: t.label.to_string(),
            value: t.percent,
            meaning: if t.ranked {
                Meaning::Highlighted
            } else {
                Meaning::Other
            },
        })
        .collect();
    let chart = Chart {
        title: view.title.to_string(),
        y_label: "Share of talks, %".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars {
            bars,
            legend: vec![
                (
                    Meaning::Highlighted,
                    "topics the page ranks districts by (labour market, housing)".into(),
                ),
                (Meaning::Other, "other topics".into()),
            ],
            counts: false,
            marker: None,
            level: None,
        },
    };
    Ok(plain(view.table(), chart))
}

fn staffing(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Staffing, "the staffing page")?;
    let view = StaffingView::build(bundle, &req.choices);
    let bars = view
        .capacity
        .highest_first()
        .map(|(v, above)| Bar {
            label: v.name.clone(),
            value: v.value,
            meaning: if *above {
                Meaning::Treated
            } else {
                Meaning::Comparison
            },
        })
        .collect();
    let c = &view.capacity;
    let chart = Chart {
        title: c.title.clone(),
        y_label: "FTE change".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars {
            bars,
            legend: vec![
                (
                    Meaning::Treated,
                    format!(
                        "{}: above the median ({})",
                        c.groups.0,
                        format::count(c.above)
                    ),
                ),
                (
                    Meaning::Comparison,
                    format!(
                        "{}: at or below the median ({})",
                        c.groups.1,
                        format::count(c.below)
                    ),
                ),
            ],
            counts: false,
            marker: None,
            // As the page marks it.
            level: c
                .median
                .map(|m| (m, format!("median {}", c.format.show(m)))),
        },
    };
    Ok(plain(view.table(), chart))
}

/// The Overview's chart is Tab. 11 drawn: both groups' weighted means at base and end, and
/// the treated group's path had it changed as the comparison group did; the gap at the end
/// is the simple DiD the title names (column (1), no controls).
fn overview(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let view = OverviewView::build(bundle, &req.choices);
    let without_controls = Choices {
        controls: crate::core::derive::ControlSelection::None,
        ..req.choices.clone()
    };
    let columns = report::estimate_columns(bundle, &without_controls).map_err(|e| match e {
        AnalysisError::Derive(d) => ExportError::from(d),
        AnalysisError::Estimate(e) => ExportError::from(e),
        AnalysisError::NoControls => ExportError::from(DeriveError::Empty(e.to_string())),
    })?;
    let r = &columns[0];
    let did = view
        .did
        .as_ref()
        .map(|d| format!(": DiD {} pp", d.did))
        .unwrap_or_default();
    let chart = Chart {
        title: format!("{}{did} (weighted means, no controls)", view.did_heading),
        // The title says the values are weighted means; the outcome label carries its unit.
        y_label: r.labels.outcome.clone(),
        caption: caption(
            bundle,
            req,
            &controls_label(&req.choices.control_selection(bundle)),
        ),
        source: None,
        body: group_means(r, true),
    };
    Ok(plain(view.table(), chart))
}

/// The two groups' means at base and end (column (1)); with `counterfactual`, the treated
/// group's base plus the comparison group's change, dashed.
fn group_means(r: &EstimateReport, counterfactual: bool) -> ChartBody {
    let g = &r.groups;
    let mut series = vec![
        Series::new(
            format!("{} (n = {})", r.labels.treated, g.treated.n),
            Meaning::Treated,
            vec![(0.0, g.treated.base), (1.0, g.treated.end)],
        ),
        Series::new(
            format!("{} (n = {})", r.labels.control, g.control.n),
            Meaning::Comparison,
            vec![(0.0, g.control.base), (1.0, g.control.end)],
        ),
    ];
    if counterfactual {
        series.push(Series {
            dashed: true,
            ..Series::new(
                format!(
                    "{} had it changed as {} did",
                    r.labels.treated, r.labels.control
                ),
                Meaning::Treated,
                vec![
                    (0.0, g.treated.base),
                    (1.0, g.treated.base + g.control.end - g.control.base),
                ],
            )
        });
    }
    ChartBody::Lines {
        x_axis: XAxis::Categories(vec![r.labels.base.clone(), r.labels.end.clone()]),
        series,
        marker: None,
    }
}

/// The organisation form Abb. 9 singles out.
const DISTRICT_OFFICE: &str = "via the district office";

fn implementation(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let view = ImplementationView::build(bundle, &req.choices);
    // The chart: the report's main organisational finding (Abb. 9), the table: every exhibit.
    let abb9 = view
        .items
        .iter()
        .find_map(|i| i.exhibit.as_ref().ok().filter(|e| e.id == "abb9"));
    let bars = abb9
        .map(|e| {
            e.rows
                .iter()
                .filter_map(|r| {
                    Some(Bar {
                        label: r.label.clone(),
                        value: r.values.get(1).copied().flatten()?,
                        meaning: if r.label == DISTRICT_OFFICE {
                            Meaning::Highlighted
                        } else {
                            Meaning::Other
                        },
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let chart = Chart {
        title: abb9.map_or_else(|| "Organisation of IM (Abb. 9)".into(), |e| e.title.clone()),
        y_label: "% of funded municipalities".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars {
            bars,
            legend: vec![
                (
                    Meaning::Highlighted,
                    format!("{DISTRICT_OFFICE} (the report's main finding)"),
                ),
                (Meaning::Other, "other forms of organisation".into()),
            ],
            counts: false,
            marker: None,
            level: None,
        },
    };
    Ok(plain(view.table(), chart))
}
