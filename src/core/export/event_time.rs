//! The Robustness page's event-time view as an export: the overlay of TWFE,
//! Callaway–Sant'Anna, Sun–Abraham and imputation by months since start (SVG, PNG; one marker
//! shape per estimator) and the overall ATT by estimator (Markdown, LaTeX, CSV, XLSX), from the same
//! `EventTimeOverlay` the dashboard draws.

use super::chart::{Chart, ChartBody, IntervalPoint, IntervalSeries, MarkerShape, Meaning};
use super::{
    ExportError, ExportRequest, PageContent, caption, controls_label, render_content, write_new,
};
use crate::core::bundle::Bundle;
use crate::core::robust::RobustSuite;
use crate::core::view::event_time::{Estimator, EventTimeOverlay, overlay_of};
use std::path::{Path, PathBuf};

fn shape(e: Estimator) -> MarkerShape {
    match e {
        Estimator::Twfe => MarkerShape::Circle,
        Estimator::CallawaySantAnna => MarkerShape::Cross,
        Estimator::SunAbraham => MarkerShape::Triangle,
        Estimator::Imputation => MarkerShape::Square,
    }
}

/// Each estimator's colour, the same on every chart (the event study is TWFE's).
fn meaning(e: Estimator) -> Meaning {
    Meaning::Series(match e {
        Estimator::Twfe => 0,
        Estimator::CallawaySantAnna => 1,
        Estimator::SunAbraham => 2,
        Estimator::Imputation => 3,
    })
}

/// Table and chart of the overlay with the estimators in `shown` drawn.
pub fn event_time_content(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
    shown: &[Estimator],
) -> PageContent {
    let overlay: EventTimeOverlay = overlay_of(suite, shown);
    // One line under the chart: the table's title and caption carry the full notes.
    let mut cap = caption(
        bundle,
        req,
        &controls_label(&req.choices.control_selection(bundle)),
    );
    if let Some(note) = &overlay.control_note {
        cap = format!("{cap} · {note}");
    }
    let series = overlay
        .visible()
        .map(|(e, points)| IntervalSeries {
            name: e.label().to_string(),
            shape: shape(e),
            meaning: meaning(e),
            points: points
                .iter()
                .map(|p| IntervalPoint {
                    x: f64::from(p.event_time),
                    estimate: p.estimate,
                    low: p.low,
                    high: p.high,
                })
                .collect(),
        })
        .collect();
    let mut table = overlay.table();
    // The chart's caption is one line; the table's title carries every note.
    table.title = format!(
        "Overall ATT by estimator: {}. {}",
        req.choices.outcome.label(),
        overlay.notes.join(". ")
    );
    PageContent {
        table,
        chart: Chart {
            title: overlay.title.clone(),
            y_label: format!("Effect, pp, 95% intervals; {}", overlay.weighting_short),
            caption: cap,
            source: None,
            body: ChartBody::IntervalSeries {
                series,
                // The reference month of TWFE and Sun–Abraham.
                marker: Some((-1.0, "reference month −1 (TWFE, Sun–Abraham)".into())),
            },
        },
        markdown: None,
        latex: None,
        csv: None,
        sheet: None,
    }
}

/// The file name of the event-time view (beside the checks' `robustness-<comparison>`).
pub fn file_name(req: &ExportRequest) -> String {
    format!(
        "robustness-event-time-{}.{}",
        req.choices.comparison.id(),
        req.format.extension()
    )
}

/// Renders the event-time view in the request's format.
pub fn render_event_time(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
    shown: &[Estimator],
) -> Result<Vec<u8>, ExportError> {
    render_content(
        event_time_content(bundle, req, suite, shown),
        req.format,
        bundle,
        "event-time",
        req.scale,
    )
}

/// Writes the event-time view to `out` (a file, or a directory for [`file_name`]) without
/// overwriting anything.
pub fn export_event_time_to(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
    shown: &[Estimator],
    out: &Path,
) -> Result<PathBuf, ExportError> {
    let bytes = render_event_time(bundle, req, suite, shown)?;
    let path = if out.is_dir() {
        out.join(file_name(req))
    } else {
        out.to_path_buf()
    };
    Ok(write_new(&path, &bytes)?)
}
