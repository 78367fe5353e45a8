//! `e`: write what the current page shows into the export directory, in every format that
//! page has (charts as SVG and PNG, tables as Markdown, LaTeX and CSV). The files are made by
//! `core::export`, the same code as `wirkung export`, so a slide can be rebuilt by script.
//! The Robustness page exports the checks the worker already computed for the current
//! choices; while they run, nothing is written.

use super::app::{App, Page};
use super::robust_results::robust_key;
use crate::core::export::{self, ExportFormat, ExportRequest};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The default export directory: the user's data directory (`directories`), `exports/`.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "wirkung")
        .map(|d| d.data_dir().join("exports"))
        .unwrap_or_else(|| PathBuf::from("wirkung-exports"))
}

/// The page as `wirkung export` names it.
fn export_page(page: Page) -> export::Page {
    match page {
        Page::Overview => export::Page::Overview,
        Page::StartTimes => export::Page::StartTimes,
        Page::Staffing => export::Page::Staffing,
        Page::Topics => export::Page::Topics,
        Page::Trends => export::Page::Trends,
        Page::Estimate => export::Page::Estimate,
        Page::Robustness => export::Page::Robustness,
    }
}

/// Writes every format of the current page into `dir` (created if needed), never
/// overwriting a file; returns the paths written, or the status bar's message (it says
/// whether anything failed or the page is not ready yet).
pub fn export_current_page(
    app: &App,
    dir: &Path,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, String> {
    let page = export_page(app.page);
    // Only results computed for exactly these choices are exported; re-running the checks
    // here would block the dashboard for as long as the worker takes.
    let suite = match page {
        export::Page::Robustness => Some(app.robust.current(robust_key(&app.choices)).ok_or_else(
            || {
                "nothing exported yet: the robustness checks are still being computed; press e again when they are shown"
                    .to_string()
            },
        )?),
        _ => None,
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("export failed: cannot create {}: {e}", dir.display()))?;
    let choices = &app.choices;
    let spec = choices.spec(&app.bundle);
    ExportFormat::ALL
        .into_iter()
        .map(|format| {
            let request = ExportRequest {
                page,
                spec: spec.clone(),
                options: choices.options(),
                format,
                date: today,
            };
            match suite {
                Some(s) => export::export_robustness_to(&app.bundle, &request, s, dir),
                None => export::export_to(&app.bundle, &request, dir),
            }
            .map_err(|e| format!("export failed: {e}"))
        })
        .collect()
}
