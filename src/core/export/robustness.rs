//! The Robustness page as an export: one table row per check with what the page shows
//! (statistic, interval, p-value, draws, the one-line reading), and the event-study
//! coefficients with their 95% intervals as a chart. The checks come in as data (a
//! `RobustSuite`), so the dashboard exports what it already computed and the CLI what it
//! computes with `wirkung robustness`'s defaults.

use super::chart::{Chart, ChartBody, IntervalPoint, Meaning};
use super::{ExportRequest, PageContent, caption, controls_label};
use crate::core::bundle::{Bundle, Level};
use crate::core::robust::{EventStudy, RobustError, RobustSuite};
use crate::core::view::robust::{CheckView, Number, suite_views};
use crate::core::view::table::{Cell, TableData};

/// The table columns; a check fills those that apply to it.
const HEADER: [&str; 9] = [
    "check",
    "statistic",
    "estimate",
    "std_error",
    "low",
    "high",
    "p_value",
    "draws",
    "reading",
];

fn cell(v: Option<f64>) -> Cell {
    v.map_or(Cell::Missing, |value| Cell::Number { value, decimals: 3 })
}

/// One check as a row: the view's numbers in the columns that apply, or why none do.
fn cells(view: &CheckView) -> Vec<Cell> {
    let name = Cell::text(view.name);
    match &view.shown {
        Ok(s) => {
            let (low, high) = s.interval.map_or((None, None), |i| (i.low, i.high));
            vec![
                name,
                Cell::Text(s.statistic.clone()),
                s.estimate
                    .map_or(Cell::Missing, |Number { value, decimals }| Cell::Number {
                        value,
                        decimals,
                    }),
                cell(s.std_error),
                cell(low),
                cell(high),
                s.p_value.map_or(Cell::Missing, |p| Cell::Number {
                    value: p.value,
                    decimals: 4,
                }),
                s.draws.map_or(Cell::Missing, |d| Cell::int(d as i64)),
                Cell::Text(s.reading.clone()),
            ]
        }
        // As the page does: the check is listed, with why it does not apply.
        Err(why) => {
            let mut v = vec![name];
            v.extend(std::iter::repeat_n(Cell::Missing, HEADER.len() - 2));
            v.push(Cell::Text(format!("not applicable: {why}")));
            v
        }
    }
}

/// One row per check, in `Check::ALL` order (the page's order).
pub fn suite_table(title: String, s: &RobustSuite) -> TableData {
    TableData {
        title,
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows: suite_views(s).iter().map(cells).collect(),
    }
}

/// The event-study coefficients over event time, 95% HC1 intervals, base period marked.
fn event_chart(
    req: &ExportRequest,
    study: Result<&EventStudy, &RobustError>,
    cap: String,
) -> Chart {
    let what = format!(
        "{} ({})",
        req.choices.comparison.label(),
        req.choices.outcome.id()
    );
    let (title, points, x_labels, marker) = match study {
        Ok(e) => {
            let points = e
                .coefficients
                .iter()
                .map(|c| IntervalPoint {
                    x: f64::from(c.relative),
                    estimate: c.estimate,
                    low: c.ci_low_hc1,
                    high: c.ci_high_hc1,
                })
                .collect();
            let mut labels: Vec<(f64, String)> = e
                .coefficients
                .iter()
                .map(|c| (f64::from(c.relative), c.period.clone()))
                .collect();
            labels.push((0.0, e.base_period.clone()));
            (
                format!("Event study, base {}: {what}", e.base_period),
                points,
                labels,
                Some((0.0, format!("base period {}", e.base_period))),
            )
        }
        Err(why) => (
            format!("Event study not applicable: {why}"),
            Vec::new(),
            Vec::new(),
            None,
        ),
    };
    Chart {
        title,
        y_label: "Coefficient, pp (95% HC1 interval)".into(),
        caption: cap,
        source: None,
        body: ChartBody::Intervals {
            points,
            x_labels,
            marker,
        },
    }
}

/// The Robustness page's table and chart for `suite`, computed for the request's choices.
pub fn robustness_content(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
) -> PageContent {
    let cap = caption(
        bundle,
        req,
        &controls_label(&req.choices.control_selection(bundle)),
    );
    let options = req.choices.robust_options();
    let level = match req.choices.level {
        Level::District => "districts",
        Level::Municipality => "municipalities",
    };
    let title = format!(
        "Robustness checks: {}, {}, {level} ({}; seed {})",
        req.choices.outcome.label(),
        req.choices.comparison.label(),
        if options.weighted {
            "weighted"
        } else {
            "unweighted"
        },
        options.seed
    );
    PageContent {
        table: suite_table(title, suite),
        chart: event_chart(req, suite.event_study(), cap),
        markdown: None,
        latex: None,
        csv: None,
        sheet: None,
    }
}

// ---- One check's own table and chart (`wirkung export --page robustness --check C`) ----

/// The chart a check draws of its own: the Goodman-Bacon scatter, the synthetic DiD's
/// trends; a check without one says so in the chart's title.
fn own_chart(view: &CheckView, cap: String) -> Chart {
    use super::chart::{Series, XAxis};
    use crate::core::robust::bacon::ComparisonKind;
    use crate::core::view::robust::CheckChart;
    use crate::core::view::robust_staggered::{BaconScatter, SdidTrend};
    let weights = |w: bool| {
        if w {
            "weighted by persons"
        } else {
            "unweighted"
        }
    };
    let bacon = |s: &BaconScatter| Chart {
        title: format!(
            "Goodman-Bacon decomposition ({}): TWFE {} = Σ weight × 2×2 DiD",
            weights(s.weighted),
            crate::core::view::format::signed(s.twfe, 3)
        ),
        y_label: "2×2 DiD estimate, pp".into(),
        caption: cap.clone(),
        source: None,
        body: ChartBody::Scatter {
            x_label: "weight in the TWFE coefficient".into(),
            groups: ComparisonKind::ALL
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    Series::new(
                        k.label(),
                        // After the four estimators' colours: a kind of 2×2 comparison is
                        // no estimator.
                        Meaning::Series(4 + i),
                        s.points
                            .iter()
                            .filter(|p| p.kind == k)
                            .map(|p| (p.weight, p.estimate))
                            .collect(),
                    )
                })
                .collect(),
            reference: Some((s.twfe, "TWFE coefficient".into())),
        },
    };
    let sdid = |s: &SdidTrend| Chart {
        title: format!(
            "Synthetic DiD ({}): BW vs its synthetic control, ATT {}",
            weights(s.weighted),
            crate::core::view::format::signed(s.att, 3)
        ),
        y_label: "Employment rate, %".into(),
        caption: cap.clone(),
        source: None,
        body: ChartBody::Lines {
            x_axis: XAxis::Months,
            series: vec![
                Series::new(
                    "BW",
                    Meaning::Treated,
                    s.points
                        .iter()
                        .map(|p| (f64::from(p.0.index()), p.1))
                        .collect(),
                ),
                Series::new(
                    format!(
                        "synthetic control, shifted by {}",
                        crate::core::view::format::signed(s.offset, 2)
                    ),
                    Meaning::Comparison,
                    s.points
                        .iter()
                        .map(|p| (f64::from(p.0.index()), p.2))
                        .collect(),
                ),
            ],
            marker: Some((f64::from(s.base.index()), format!("base month {}", s.base))),
        },
    };
    match view.shown.as_ref().map(|s| s.chart.as_ref()) {
        Ok(Some(CheckChart::Bacon(s))) => bacon(s),
        Ok(Some(CheckChart::Sdid(s))) => sdid(s),
        other => Chart {
            title: match other {
                Err(why) => format!("{} not applicable: {why}", view.name),
                _ => format!("{} has no chart of its own", view.name),
            },
            y_label: String::new(),
            caption: cap,
            source: None,
            body: ChartBody::Lines {
                x_axis: XAxis::Months,
                series: Vec::new(),
                marker: None,
            },
        },
    }
}

/// One check's full table (its numbers, as `wirkung robustness --format csv` prints them)
/// and its own chart.
pub fn check_content(
    bundle: &Bundle,
    req: &ExportRequest,
    check: crate::core::robust::Check,
    result: Result<&crate::core::robust::CheckResult, &RobustError>,
) -> PageContent {
    let cap = caption(
        bundle,
        req,
        &controls_label(&req.choices.control_selection(bundle)),
    );
    let view = CheckView::new(check, result);
    let table = match &view.shown {
        Ok(s) => s.table.clone(),
        Err(why) => TableData {
            title: format!("{}: not applicable", view.name),
            header: vec!["reading".into()],
            rows: vec![vec![Cell::Text(format!("not applicable: {why}"))]],
        },
    };
    PageContent {
        table,
        chart: own_chart(&view, cap),
        markdown: None,
        latex: None,
        csv: None,
        sheet: None,
    }
}

/// Writes one check's table or chart (see `check_content`) to `out`, or returns the bytes
/// when `out` is `None` (standard output).
pub fn export_check(
    bundle: &Bundle,
    req: &ExportRequest,
    check: crate::core::robust::Check,
    result: Result<&crate::core::robust::CheckResult, &RobustError>,
    out: Option<&std::path::Path>,
) -> Result<(Vec<u8>, Option<std::path::PathBuf>), super::ExportError> {
    let bytes = super::render_content(
        check_content(bundle, req, check, result),
        req.format,
        bundle,
        &format!("robustness-{}", check.id()),
        req.scale,
    )?;
    match out {
        Some(path) => {
            let path = if path.is_dir() {
                path.join(format!(
                    "robustness-{}-{}.{}",
                    check.id(),
                    req.choices.comparison.id(),
                    req.format.extension()
                ))
            } else {
                path.to_path_buf()
            };
            let written = super::atomic::write_new(&path, &bytes)?;
            Ok((Vec::new(), Some(written)))
        }
        None => Ok((bytes, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::robust::Check;
    use crate::core::view::robust::name;

    #[test]
    fn every_check_is_a_row_even_when_none_applies() {
        let t = suite_table(
            "t".into(),
            &RobustSuite::unsupported(RobustError::Unsupported("housing has two waves".into())),
        );
        assert_eq!(t.rows.len(), Check::ALL.len());
        for (row, check) in t.rows.iter().zip(Check::ALL.iter().copied()) {
            assert_eq!(row.len(), HEADER.len());
            assert_eq!(row[0], Cell::text(name(check)));
            assert_eq!(
                row[HEADER.len() - 1],
                Cell::text("not applicable: housing has two waves")
            );
            assert!(row[1..HEADER.len() - 1].iter().all(|c| *c == Cell::Missing));
        }
    }
}
