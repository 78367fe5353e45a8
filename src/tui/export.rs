//! `e`: write what the current page shows into the export directory, in every format that
//! page has (charts as SVG and PNG, tables as Markdown, LaTeX and CSV). The files are made by
//! `core::export`, the same code as `wirkung export`, so a slide can be rebuilt by script.

use super::app::{App, Page};
use crate::core::export::{self, ExportFormat, ExportRequest};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The default export directory: the user's data directory (`directories`), `exports/`.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "wirkung")
        .map(|d| d.data_dir().join("exports"))
        .unwrap_or_else(|| PathBuf::from("wirkung-exports"))
}

/// The page as `wirkung export` names it; the Robustness page has no export yet.
fn export_page(page: Page) -> Option<export::Page> {
    match page {
        Page::Overview => Some(export::Page::Overview),
        Page::StartTimes => Some(export::Page::StartTimes),
        Page::Staffing => Some(export::Page::Staffing),
        Page::Topics => Some(export::Page::Topics),
        Page::Trends => Some(export::Page::Trends),
        Page::Estimate => Some(export::Page::Estimate),
        Page::Robustness => None,
    }
}

/// Writes every format of the current page into `dir` (created if needed), never
/// overwriting a file; returns the paths written, or a message for the status bar.
pub fn export_current_page(
    app: &App,
    dir: &Path,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, String> {
    let page = export_page(app.page).ok_or_else(|| {
        "the Robustness page has no export yet; `wirkung robustness … --format csv` prints it"
            .to_string()
    })?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
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
            export::export_to(&app.bundle, &request, dir).map_err(|e| e.to_string())
        })
        .collect()
}
