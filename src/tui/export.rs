//! `e`: write what the current page shows into the export directory, in every format that
//! page has (charts as SVG and PNG, tables as Markdown, LaTeX and CSV). The files are made by
//! `core::export`, the same code as `wirkung export`, so a slide can be rebuilt by script.
//! The Robustness page exports the checks the worker already computed for the current
//! choices; while they run, nothing is written.

use super::app::App;
use crate::core::export::{self, ExportFormat, ExportRequest, Page};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The default export directory: the user's data directory (`directories`), `exports/`.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "wirkung")
        .map(|d| d.data_dir().join("exports"))
        .unwrap_or_else(|| PathBuf::from("wirkung-exports"))
}

/// Why nothing (or not everything) was exported; the status bar shows the message.
#[derive(Debug, thiserror::Error)]
pub enum PageExportError {
    #[error(
        "nothing exported yet: the robustness checks are still being computed; press e again when they are shown"
    )]
    ChecksRunning,
    #[error("export failed: cannot create {}: {source}", dir.display())]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("export failed: {0}")]
    Export(#[from] export::ExportError),
}

/// Writes every format of the current page into `dir` (created if needed), never
/// overwriting a file; returns the paths written, or why it did not (a failure, or the
/// page is not ready yet).
pub fn export_current_page(
    app: &App,
    dir: &Path,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, PageExportError> {
    let page = app.page;
    // Only results computed for exactly these choices are exported; re-running the checks
    // here would block the dashboard for as long as the worker takes.
    let suite = match page {
        Page::Robustness => Some(
            app.robust
                .current(&app.choices.robust_key())
                .ok_or(PageExportError::ChecksRunning)?,
        ),
        _ => None,
    };
    std::fs::create_dir_all(dir).map_err(|source| PageExportError::CreateDir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut written: Vec<PathBuf> = ExportFormat::ALL
        .iter()
        .map(|&format| {
            let request = ExportRequest {
                page,
                choices: app.choices.clone(),
                format,
                date: today,
                scale: 1.0,
            };
            match suite {
                Some(s) if app.event_time_view => export::event_time::export_event_time_to(
                    &app.bundle,
                    &request,
                    s,
                    &app.estimators(),
                    dir,
                ),
                Some(s) => export::export_robustness_to(&app.bundle, &request, s, dir),
                None => export::export_to(&app.bundle, &request, dir),
            }
            // A chart with nothing to draw (a check that does not apply) is left out; its
            // table, which says why, is written.
            .map(Some)
            .or_else(|e| match e {
                export::ExportError::Render(export::ChartError::NothingToDraw(_)) => Ok(None),
                e => Err(PageExportError::from(e)),
            })
        })
        .filter_map(Result::transpose)
        .collect::<Result<_, _>>()?;
    // The map on screen goes out too, as SVG and as its district table.
    if let (Page::StartTimes, Some(colouring)) = (page, app.map.colouring) {
        for format in [ExportFormat::Svg, ExportFormat::Csv] {
            let request = ExportRequest {
                page,
                choices: app.choices.clone(),
                format,
                date: today,
                scale: 1.0,
            };
            if let Some(bytes) = export::map::render_map(&app.bundle, &request, colouring) {
                let bytes = bytes?;
                let name = format!("map-{}.{}", app.choices.comparison.id(), format.extension());
                written.push(
                    export::write_new(&dir.join(name), &bytes)
                        .map_err(export::ExportError::from)?,
                );
            }
        }
    }
    Ok(written)
}
