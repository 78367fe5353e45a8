//! What each page shows, as a table and a chart (one function per page).

use super::chart::{Bar, Chart, ChartBody, Series, XAxis};
use super::table::{Cell, TableData};
use super::{ExportError, ExportRequest, Page, PageContent, caption, controls_label};
use crate::core::bundle::{Bundle, Level, Table, Topic};
use crate::core::derive::trends::Group;
use crate::core::derive::{self, UnitMeasure, capacity, staffing, start, topics};
use crate::core::estimate::estimate_did;
use crate::core::period::Month;
use crate::core::report::{self, EstimateReport};
use crate::core::robust::RobustSuite;
use std::collections::BTreeMap;

/// The table and chart of the requested page.
pub fn page_content(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    match req.page {
        Page::Trends => trends(bundle, req),
        Page::Estimate => estimate(bundle, req),
        Page::StartTimes => start_times(bundle, req),
        Page::Topics => topics(bundle, req),
        Page::Staffing => staffing(bundle, req),
        Page::Overview => overview(bundle, req),
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
    }
}

fn require(bundle: &Bundle, table: Table, needed_for: &str) -> Result<(), ExportError> {
    Ok(derive::panel::require(bundle, table, needed_for)?)
}

fn trends(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let t = derive::trends(bundle, &req.choices.spec(bundle))?;
    let (treated, control) = req.choices.comparison.group_labels();
    let mut by_month: BTreeMap<Month, [Option<f64>; 2]> = BTreeMap::new();
    let mut series = vec![
        Series {
            name: treated.to_string(),
            points: Vec::new(),
        },
        Series {
            name: control.to_string(),
            points: Vec::new(),
        },
    ];
    for p in &t.points {
        let k = usize::from(p.group == Group::Control);
        by_month.entry(p.month).or_default()[k] = Some(p.rate);
        series[k].points.push((f64::from(p.month.index()), p.rate));
    }
    let title = format!(
        "{}: {}",
        req.choices.outcome.label(),
        req.choices.comparison.label()
    );
    let table = TableData {
        title: title.clone(),
        header: vec!["month".into(), treated.into(), control.into()],
        rows: by_month
            .iter()
            .map(|(m, r)| {
                let cell = |v: Option<f64>| v.map(Cell::num).unwrap_or(Cell::Missing);
                vec![Cell::text(m.to_string()), cell(r[0]), cell(r[1])]
            })
            .collect(),
    };
    let chart = Chart {
        title,
        y_label: "Employment rate, %".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Lines {
            x_axis: XAxis::Months,
            series,
            marker: Some(f64::from(t.marker.index())),
        },
    };
    Ok(PageContent {
        csv: Some(report::trends_csv(&t)),
        ..plain(table, chart)
    })
}

fn estimate(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let panel = derive::panel(bundle, &req.choices.spec(bundle))?;
    let est = estimate_did(&panel, req.choices.options())?;
    let r = EstimateReport::new(&bundle.manifest, &panel, &est);
    let controls = if panel.control_labels.is_empty() {
        "none".to_string()
    } else {
        panel.control_labels.join(", ")
    };
    let cap = caption(bundle, req, &controls);
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
    let treated = r.coefficients.iter().find(|c| c.term == "treated");
    let effect = treated
        .map(|c| {
            format!(
                " — DiD {}{} ({})",
                report::one_decimal(c.estimate),
                report::stars(c.p_value),
                report::one_decimal(c.std_error)
            )
        })
        .unwrap_or_default();
    let g = &r.groups;
    let chart = Chart {
        title: format!("{}: group means{effect}", r.labels.outcome),
        y_label: "Weighted mean, %".into(),
        caption: cap.clone(),
        source: None,
        body: ChartBody::Lines {
            x_axis: XAxis::Categories(vec![r.labels.base.clone(), r.labels.end.clone()]),
            series: vec![
                Series {
                    name: format!("{} (n = {})", r.labels.treated, g.treated.n),
                    points: vec![(0.0, g.treated.base), (1.0, g.treated.end)],
                },
                Series {
                    name: format!("{} (n = {})", r.labels.control, g.control.n),
                    points: vec![(0.0, g.control.base), (1.0, g.control.end)],
                },
            ],
            marker: None,
        },
    };
    Ok(PageContent {
        markdown: Some(format!("{}\n{}\n", report::estimate_markdown(&r), cap)),
        latex: Some(format!("% {cap}\n{}", report::estimate_latex(&r))),
        csv: Some(report::estimate_csv(&r)),
        ..plain(table, chart)
    })
}

fn start_times(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Grants, "the start times")?;
    let starts = start::district_starts(bundle, &req.choices.rules(bundle));
    let title = format!(
        "District start of integration management (cutoff {})",
        req.choices.cutoff
    );
    let table = TableData {
        title: title.clone(),
        header: vec![
            "district_id".into(),
            "name".into(),
            "start".into(),
            "early".into(),
            "grants".into(),
        ],
        rows: starts
            .iter()
            .map(|s| {
                vec![
                    Cell::text(&s.district_id),
                    Cell::text(&s.name),
                    Cell::text(s.start.to_string()),
                    Cell::text(if s.early { "yes" } else { "no" }),
                    Cell::int(s.grants as i64),
                ]
            })
            .collect(),
    };
    // Districts per start month; a month counts as early when its starts are early.
    let mut per_month: BTreeMap<Month, (usize, bool)> = BTreeMap::new();
    for s in &starts {
        let e = per_month
            .entry(Month::of_date(s.start))
            .or_insert((0, false));
        e.0 += 1;
        e.1 |= s.early;
    }
    let bars = match (per_month.keys().next(), per_month.keys().last()) {
        (Some(&first), Some(&last)) => first
            .through(last)
            .map(|m| {
                let (n, early) = per_month.get(&m).copied().unwrap_or((0, false));
                Bar {
                    label: m.to_string(),
                    value: n as f64,
                    highlight: early,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let chart = Chart {
        title,
        y_label: "Districts starting".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars { bars },
    };
    Ok(plain(table, chart))
}

fn topics(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Activity, "the talk topics")?;
    let totals = topics::topic_totals(bundle);
    let all: i64 = totals.iter().sum();
    let share = |n: i64| {
        if all > 0 {
            n as f64 * 100.0 / all as f64
        } else {
            0.0
        }
    };
    let title = "Talks by topic, % of all talks".to_string();
    let table = TableData {
        title: title.clone(),
        header: vec!["topic".into(), "talks".into(), "share_pct".into()],
        rows: Topic::ALL
            .iter()
            .zip(totals)
            .map(|(t, n)| vec![Cell::text(t.label()), Cell::int(n), Cell::num(share(n))])
            .collect(),
    };
    let bars = Topic::ALL
        .iter()
        .zip(totals)
        .map(|(t, n)| Bar {
            label: t.label().to_string(),
            value: share(n),
            highlight: matches!(t, Topic::Labour | Topic::Housing),
        })
        .collect();
    let chart = Chart {
        title,
        y_label: "Share of talks, %".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars { bars },
    };
    Ok(plain(table, chart))
}

fn staffing(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    require(bundle, Table::Staffing, "the staffing page")?;
    let (measures, title, unit) = match req.choices.level {
        Level::District => (
            capacity::district_capacity_change(bundle),
            "Change in IM staff (FTE) per 100 target persons, by district",
            "fte_change_per_100",
        ),
        Level::Municipality => (
            capacity::municipality_capacity_change(bundle),
            "Change in IM staff (FTE), by municipality",
            "fte_change",
        ),
    };
    // The page's split (stronger = strictly above the median), largest change first.
    let values: Vec<(UnitMeasure, bool)> = staffing::median_split(measures)
        .districts
        .into_iter()
        .rev()
        .collect();
    let table = TableData {
        title: title.to_string(),
        header: vec!["unit_id".into(), "name".into(), unit.into()],
        rows: values
            .iter()
            .map(|(v, _)| {
                vec![
                    Cell::text(&v.unit_id),
                    Cell::text(&v.name),
                    Cell::Number {
                        value: v.value,
                        decimals: 2,
                    },
                ]
            })
            .collect(),
    };
    let bars = values
        .iter()
        .map(|(v, above)| Bar {
            label: v.name.clone(),
            value: v.value,
            highlight: *above,
        })
        .collect();
    let chart = Chart {
        title: title.to_string(),
        y_label: "FTE change".into(),
        caption: caption(bundle, req, "none"),
        source: None,
        body: ChartBody::Bars { bars },
    };
    Ok(plain(table, chart))
}

fn overview(bundle: &Bundle, req: &ExportRequest) -> Result<PageContent, ExportError> {
    let title = format!("Bundle {}: tables and rows", bundle.manifest.bundle.name);
    let rows: Vec<(Table, Option<usize>, String)> = Table::ALL
        .iter()
        .map(|t| {
            let src = bundle.sources.get(t);
            let file = src
                .and_then(|s| s.file.file_name())
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| "(missing)".into());
            (*t, src.map(|s| s.rows), file)
        })
        .collect();
    let mut table = TableData {
        title: title.clone(),
        header: vec!["table".into(), "file".into(), "rows".into()],
        rows: rows
            .iter()
            .map(|(t, n, f)| {
                vec![
                    Cell::text(t.name()),
                    Cell::text(f),
                    n.map(|n| Cell::int(n as i64)).unwrap_or(Cell::Missing),
                ]
            })
            .collect(),
    };
    let errors = bundle.findings.errors().count();
    let warnings = bundle.findings.warnings().count();
    table.rows.push(vec![
        Cell::text("findings"),
        Cell::text(format!("{errors} errors, {warnings} warnings")),
        Cell::int((errors + warnings) as i64),
    ]);
    let bars = rows
        .iter()
        .map(|(t, n, _)| Bar {
            label: t.name().to_string(),
            value: n.unwrap_or(0) as f64,
            highlight: true,
        })
        .collect();
    let chart = Chart {
        title,
        y_label: "Rows".into(),
        caption: caption(
            bundle,
            req,
            &controls_label(&req.choices.control_selection(bundle)),
        ),
        source: None,
        body: ChartBody::Bars { bars },
    };
    Ok(plain(table, chart))
}
