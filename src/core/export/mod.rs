//! Results for slides and papers: each dashboard page as a table (Markdown, LaTeX, CSV, XLSX)
//! or a chart (SVG, PNG, PDF), with a caption naming the bundle, comparison, controls and date. Called
//! by `wirkung export` and by the dashboard's export key; no terminal code here.

pub mod atomic;
pub mod chart;
mod chart_svg;
pub mod event_time;
pub mod map;
mod pages;
pub mod palette;
pub mod raster;
pub mod robustness;
pub mod text;
pub mod ticks;
pub mod xlsx;

pub use crate::core::view::table::{self, Cell, TableData};
pub use atomic::{WriteError, free_name, write_atomic, write_new};
pub use chart::{
    Bar, Chart, ChartBody, ChartError, IntervalPoint, IntervalSeries, MarkerShape, Meaning, Series,
    XAxis,
};
pub use pages::page_content;
pub use robustness::robustness_content;

use crate::core::bundle::Bundle;
use crate::core::choices::{Choices, SettingKind};
use crate::core::derive::{Comparison, ControlSelection, DeriveError};
use crate::core::estimate::EstimateError;
use crate::core::robust::RobustSuite;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub use crate::core::view::Page;

/// Output format of an export; the CLI spells each as its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum_macros::VariantArray, clap::ValueEnum)]
pub enum ExportFormat {
    Svg,
    Png,
    Pdf,
    #[value(name = "md")]
    Markdown,
    #[value(name = "tex")]
    Latex,
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// Every format, in the order the dashboard's `e` writes them.
    pub const ALL: &'static [ExportFormat] = <ExportFormat as strum::VariantArray>::VARIANTS;

    /// Whether the format is a chart (SVG, PNG, PDF) rather than a table.
    pub fn is_chart(self) -> bool {
        matches!(
            self,
            ExportFormat::Svg | ExportFormat::Png | ExportFormat::Pdf
        )
    }

    /// File extension (also the CLI's spelling).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Markdown => "md",
            ExportFormat::Latex => "tex",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// Everything an export depends on: the page, the user's choices and the caption date.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub page: Page,
    pub choices: Choices,
    pub format: ExportFormat,
    /// Printed in the caption; passed in so that exports are reproducible.
    pub date: NaiveDate,
    /// PNG pixel multiplier (1: 1920×1080; 2 for high-DPI screens); other formats ignore it.
    pub scale: f32,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Derive(#[from] DeriveError),
    #[error("estimation failed: {0}")]
    Estimate(#[from] EstimateError),
    #[error(transparent)]
    Render(#[from] ChartError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("writing the workbook failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// A page's table and chart, before formatting.
#[derive(Debug, Clone, PartialEq)]
pub struct PageContent {
    pub table: TableData,
    pub chart: Chart,
    /// Ready-made text for formats the report module already formats (estimate page).
    pub markdown: Option<String>,
    pub latex: Option<String>,
    pub csv: Option<String>,
    /// The tables of a workbook when they are more than `table` (estimate page: the
    /// regression table and the group means).
    pub sheet: Option<Vec<table::NotedTable>>,
}

/// `bundle name [SYNTHETIC] · comparison · controls: ... · cutoff … · changed choices · date`
/// (issue: slides must say where a number came from, and how to reproduce it).
pub fn caption(bundle: &Bundle, req: &ExportRequest, controls: &str) -> String {
    let synthetic = if bundle.is_synthetic() {
        " [SYNTHETIC]"
    } else {
        ""
    };
    let mut parts = vec![format!("{}{synthetic}", bundle.manifest.bundle.name)];
    if matches!(
        req.page,
        Page::Trends | Page::Estimate | Page::StartTimes | Page::Robustness
    ) {
        parts.push(req.choices.comparison.label().to_string());
    }
    if matches!(req.page, Page::Estimate | Page::Robustness) {
        parts.push(format!("controls: {controls}"));
    }
    // The early-start groups depend on the cutoff; any other choice that differs from the
    // bundle's defaults is named too, so that the slide can be reproduced.
    // Only what the page depends on: trends and start dates ignore the estimate's options,
    // staffing depends on the level alone; the controls are named above.
    let early_start = req.choices.comparison == Comparison::EarlyStart;
    let depends = |kind: SettingKind| match req.page {
        Page::Trends | Page::StartTimes => kind == SettingKind::Cutoff,
        Page::Staffing => kind == SettingKind::Level,
        Page::Topics | Page::Implementation => false,
        Page::Overview | Page::Estimate => kind != SettingKind::Controls,
        Page::Robustness => !matches!(kind, SettingKind::Controls | SettingKind::Se),
    };
    for setting in req.choices.settings(bundle) {
        if depends(setting.kind)
            && (setting.changed || (setting.kind == SettingKind::Cutoff && early_start))
        {
            parts.push(setting.to_string());
        }
    }
    parts.push(req.date.format("%Y-%m-%d").to_string());
    parts.join(" · ")
}

/// Human description of a control selection, for captions.
pub fn controls_label(sel: &ControlSelection) -> String {
    match sel {
        ControlSelection::All => "all declared".to_string(),
        ControlSelection::None => "none".to_string(),
        ControlSelection::Named(names) => names.join(", "),
    }
}

/// The exported file's bytes (the Robustness page computes its checks here; see
/// `render_robustness` for checks already computed).
pub fn render(bundle: &Bundle, req: &ExportRequest) -> Result<Vec<u8>, ExportError> {
    render_content(
        page_content(bundle, req)?,
        req.format,
        bundle,
        req.page.id(),
        req.scale,
    )
}

/// The Robustness page's file from checks already computed for the request's choices (the
/// dashboard's worker results), so nothing is computed twice.
pub fn render_robustness(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
) -> Result<Vec<u8>, ExportError> {
    render_content(
        robustness_content(bundle, req, suite),
        req.format,
        bundle,
        req.page.id(),
        req.scale,
    )
}

/// "Source: …" from the bundle's manifest, when it names one: exported slides carry the
/// attribution (and licence) of the data they show.
pub fn source_note(bundle: &Bundle) -> Option<String> {
    let source = bundle.manifest.bundle.source.trim();
    (!source.is_empty()).then(|| format!("Source: {source}"))
}

/// Writes the Robustness page's file from checks already computed (see `export_to`).
pub fn export_robustness_to(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
    out: &Path,
) -> Result<PathBuf, ExportError> {
    write_to(bundle, req, &render_robustness(bundle, req, suite)?, out)
}

/// The file's bytes in `format`; every format people read carries the caption (with the
/// SYNTHETIC badge) and the bundle's source line. `sheet` names the workbook's sheet.
fn render_content(
    content: PageContent,
    format: ExportFormat,
    bundle: &Bundle,
    sheet: &str,
    scale: f32,
) -> Result<Vec<u8>, ExportError> {
    let source = source_note(bundle);
    let caption = content.chart.caption.clone();
    let mut chart = content.chart;
    chart.source = source.clone();
    let text = match format {
        ExportFormat::Svg => {
            return Ok(chart::svg(&chart)?.into_bytes());
        }
        ExportFormat::Png => return Ok(chart::png(&chart, scale)?),
        ExportFormat::Pdf => return Ok(chart::pdf(&chart)?),
        ExportFormat::Xlsx => {
            let tables = content.sheet.unwrap_or_else(|| {
                vec![table::NotedTable {
                    table: content.table,
                    notes: Vec::new(),
                }]
            });
            let text = xlsx::SheetText {
                name: sheet,
                caption: &caption,
                synthetic: bundle.is_synthetic(),
                source: source.as_deref(),
            };
            return Ok(xlsx::workbook(&text, &tables)?);
        }
        ExportFormat::Markdown => {
            let mut md = content
                .markdown
                .unwrap_or_else(|| content.table.markdown(&caption));
            if let Some(source) = &source {
                md.push_str(&format!("\n{}\n", source.replace('*', "\\*")));
            }
            md
        }
        ExportFormat::Latex => content.latex.unwrap_or_else(|| {
            let mut notes = vec![caption.as_str()];
            notes.extend(source.as_deref());
            content.table.latex(&notes)
        }),
        // CSV stays plain data: one header row, then rows.
        ExportFormat::Csv => content.csv.unwrap_or_else(|| content.table.csv()),
    };
    Ok(text.into_bytes())
}

/// A default file name: `<page>-<comparison>.<ext>` (e.g. `trends-early-start.svg`), with
/// `-cutoff-<date>` when the early-start cutoff was moved from the bundle's.
pub fn default_file_name(bundle: &Bundle, req: &ExportRequest) -> String {
    let c = &req.choices;
    let cutoff = if c.comparison == Comparison::EarlyStart && c.cutoff_moved(bundle) {
        format!("-cutoff-{}", c.cutoff)
    } else {
        String::new()
    };
    match req.page {
        Page::Trends | Page::Estimate | Page::StartTimes | Page::Robustness => format!(
            "{}-{}{cutoff}.{}",
            req.page.id(),
            c.comparison.id(),
            req.format.extension()
        ),
        _ => format!("{}{cutoff}.{}", req.page.id(), req.format.extension()),
    }
}

/// Renders and writes the export to `out` (a file, or a directory for the default name)
/// without overwriting anything; returns the path written.
pub fn export_to(bundle: &Bundle, req: &ExportRequest, out: &Path) -> Result<PathBuf, ExportError> {
    write_to(bundle, req, &render(bundle, req)?, out)
}

fn write_to(
    bundle: &Bundle,
    req: &ExportRequest,
    bytes: &[u8],
    out: &Path,
) -> Result<PathBuf, ExportError> {
    let path = if out.is_dir() {
        out.join(default_file_name(bundle, req))
    } else {
        out.to_path_buf()
    };
    Ok(write_new(&path, bytes)?)
}
