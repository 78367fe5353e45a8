//! Page 1, Overview: what the bundle is (with the SYNTHETIC badge and its source), its
//! contents, what `check` found, its tables and files, and the simple 2×2 DiD of the chosen
//! comparison, laid out as the report's Tab. 11 (which prints it for BW vs the neighbours
//! only).

use crate::core::bundle::{Bundle, Table};
use crate::core::choices::Choices;
use crate::core::derive::{self, ControlSelection, Outcome, PanelSpec};
use crate::core::estimate::{DidEstimate, estimate_did};
use crate::core::view::AnalysisError;
use crate::core::view::format;
use crate::core::view::table::{Cell, TableData};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The bundle's card: name, badge, note, attribution and description.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleCard {
    pub name: String,
    pub synthetic: bool,
    /// What synthetic means, for a synthetic bundle.
    pub synthetic_note: Option<&'static str>,
    /// `Source: …` (the data's attribution and licence), when the bundle names one.
    pub source: Option<String>,
    pub description: String,
}

/// One line of the contents: a label, a count and what it adds (`44 in BW`).
#[derive(Debug, Clone, PartialEq)]
pub struct ContentsRow {
    pub label: &'static str,
    pub count: String,
    pub detail: String,
}

/// What `check` found and how the activity rows were cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSummary {
    pub errors: usize,
    pub warnings: usize,
    /// `3 errors`, `0 warnings`.
    pub errors_text: String,
    pub warnings_text: String,
    pub cleaning: String,
    /// Tables missing or unreadable as a whole.
    pub unreadable: Vec<&'static str>,
}

/// One table of the bundle: its file and rows read.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFile {
    pub table: Table,
    /// The file name, `(missing)` when there is none.
    pub file: String,
    pub rows: Option<usize>,
}

/// What the Overview shows of the bundle alone (computed once when it is opened).
#[derive(Debug, Clone, PartialEq)]
pub struct BundleSummary {
    pub card: BundleCard,
    pub contents: Vec<ContentsRow>,
    pub check: CheckSummary,
    pub tables: Vec<TableFile>,
    /// `Bundle bw-integration: tables and rows`.
    pub tables_title: String,
}

/// One row of Tab. 11.
#[derive(Debug, Clone, PartialEq)]
pub struct DidRow {
    pub label: String,
    /// Units in the group; empty on the difference row.
    pub units: String,
    pub base: String,
    pub end: String,
    pub change: String,
    /// Which group the row is (treated, control), `None` for the difference.
    pub group: Option<derive::trends::Group>,
}

/// Tab. 11: weighted group means at base and end, and the simple DiD.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleDid {
    pub header: [String; 5],
    /// Treated, control and their difference.
    pub rows: Vec<DidRow>,
    /// Change treated − change control, `+1.2`.
    pub did: String,
    /// `weighted means; 40.9% of units treated`.
    pub detail: String,
    pub reading: &'static str,
}

/// What the Overview page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewView {
    pub bundle: Arc<BundleSummary>,
    /// `Simple DiD (as Tab. 11): Early vs late start – Employment rate …`. "as": the report
    /// prints this 2×2 only for BW vs the neighbours; the other comparisons' figures are
    /// column (1) of Tab. 13–17, and a reader looking up Tab. 11 would find other numbers.
    pub did_heading: String,
    /// Tab. 11 from column (1) of the estimate (no controls), or why there is none.
    pub did: Result<SimpleDid, AnalysisError>,
}

impl OverviewView {
    /// The page for `choices`, estimating column (1) itself (the headless path).
    pub fn build(bundle: &Bundle, choices: &Choices) -> OverviewView {
        let estimate = (|| -> Result<DidEstimate, AnalysisError> {
            let spec = PanelSpec {
                controls: ControlSelection::None,
                ..choices.spec(bundle)
            };
            let panel = derive::panel(bundle, &spec)?;
            Ok(estimate_did(&panel, choices.options())?)
        })();
        OverviewView::new(
            Arc::new(BundleSummary::new(bundle)),
            bundle,
            choices,
            estimate.as_ref(),
        )
    }

    /// The page from a summary and column (1) already computed (the dashboard's caches).
    pub fn new(
        summary: Arc<BundleSummary>,
        bundle: &Bundle,
        choices: &Choices,
        without_controls: Result<&DidEstimate, &AnalysisError>,
    ) -> OverviewView {
        OverviewView {
            bundle: summary,
            did_heading: format!(
                "Simple DiD (as Tab. 11): {} – {}",
                choices.comparison.label(),
                choices.outcome.label()
            ),
            did: without_controls
                .map(|e| SimpleDid::new(bundle, choices, e))
                .map_err(Clone::clone),
        }
    }

    /// Tables, files and rows read, with the findings as a last row (the exported table).
    pub fn table(&self) -> TableData {
        let b = &self.bundle;
        let mut rows: Vec<Vec<Cell>> = b
            .tables
            .iter()
            .map(|t| {
                vec![
                    Cell::text(t.table.name()),
                    Cell::text(&t.file),
                    t.rows.map(|n| Cell::int(n as i64)).unwrap_or(Cell::Missing),
                ]
            })
            .collect();
        rows.push(vec![
            Cell::text("findings"),
            Cell::text(format!(
                "{}, {}",
                b.check.errors_text, b.check.warnings_text
            )),
            Cell::int((b.check.errors + b.check.warnings) as i64),
        ]);
        TableData {
            title: b.tables_title.clone(),
            header: vec!["table".into(), "file".into(), "rows".into()],
            rows,
        }
    }
}

impl BundleSummary {
    pub fn new(bundle: &Bundle) -> BundleSummary {
        let info = &bundle.manifest.bundle;
        let card = BundleCard {
            name: info.name.clone(),
            synthetic: info.synthetic,
            synthetic_note: info.synthetic.then_some(
                "Synthetic data: made up to resemble the report's published figures, not the evaluation's microdata.",
            ),
            source: (!info.source.is_empty()).then(|| format!("Source: {}", info.source)),
            description: info.description.clone(),
        };
        let errors = bundle.findings.errors().count();
        let warnings = bundle.findings.warnings().count();
        let c = &bundle.activity_cleaning;
        let check = CheckSummary {
            errors,
            warnings,
            errors_text: format!("{} errors", format::count(errors)),
            warnings_text: format!("{} warnings", format::count(warnings)),
            cleaning: format!(
                "activity: {} rows read, {} exact duplicates dropped, {} conflicting kept",
                format::count(c.rows_read),
                format::count(c.exact_duplicates_dropped),
                format::count(c.conflicting_rows)
            ),
            unreadable: Table::ALL
                .iter()
                .filter(|t| !bundle.has(**t))
                .map(|t| t.name())
                .collect(),
        };
        let tables = Table::ALL
            .iter()
            .map(|t| {
                let src = bundle.sources.get(t);
                TableFile {
                    table: *t,
                    file: src
                        .and_then(|s| s.file.file_name())
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "(missing)".into()),
                    rows: src.map(|s| s.rows),
                }
            })
            .collect();
        BundleSummary {
            card,
            contents: contents(bundle),
            check,
            tables,
            tables_title: format!("Bundle {}: tables and rows", info.name),
        }
    }
}

fn contents(b: &Bundle) -> Vec<ContentsRow> {
    let bw = b
        .districts
        .iter()
        .filter(|d| d.state == derive::TREATED_STATE)
        .count();
    let funded = b.municipalities.iter().filter(|m| m.funded).count();
    let months: BTreeSet<_> = b.employment.iter().map(|e| e.month).collect();
    let span = match (months.first(), months.last()) {
        (Some(a), Some(z)) => format!("{a}–{z}"),
        _ => String::new(),
    };
    let row = |label: &'static str, n: usize, detail: String| ContentsRow {
        label,
        count: format::count(n),
        detail,
    };
    vec![
        row(
            "Districts",
            b.districts.len(),
            format!("{} in BW", format::count(bw)),
        ),
        row(
            "Municipalities",
            b.municipalities.len(),
            format!("{} funded", format::count(funded)),
        ),
        row("IM grants", b.grants.len(), String::new()),
        row("Months", months.len(), span),
        row("Activity days", b.activity.len(), String::new()),
        row("IM survey", b.manager_survey.len(), "responses".into()),
    ]
}

impl SimpleDid {
    fn new(bundle: &Bundle, choices: &Choices, e: &DidEstimate) -> SimpleDid {
        use derive::trends::Group;
        let periods = &bundle.manifest.periods;
        let (base, end) = match choices.outcome {
            Outcome::Housing => (
                periods.housing_base.to_string(),
                periods.housing_end.to_string(),
            ),
            _ => (
                periods.employment_base.to_string(),
                periods.employment_end.to_string(),
            ),
        };
        let (treated_name, control_name) = choices.comparison.group_labels_at(choices.level);
        let row = |label: &str, units: String, b: f64, e: f64, group| DidRow {
            label: label.to_string(),
            units,
            base: format::fixed(b, 1),
            end: format::fixed(e, 1),
            change: format::signed(e - b, 1),
            group,
        };
        let (tr, co) = (&e.treated, &e.control);
        let did = (tr.end - tr.base) - (co.end - co.base);
        let share = if tr.n + co.n > 0 {
            tr.n as f64 / (tr.n + co.n) as f64
        } else {
            0.0
        };
        SimpleDid {
            header: ["Group".into(), "Units".into(), base, end, "Change".into()],
            rows: vec![
                row(
                    treated_name,
                    format::count(tr.n),
                    tr.base,
                    tr.end,
                    Some(Group::Treated),
                ),
                row(
                    control_name,
                    format::count(co.n),
                    co.base,
                    co.end,
                    Some(Group::Control),
                ),
                row(
                    "Difference",
                    String::new(),
                    tr.base - co.base,
                    tr.end - co.end,
                    None,
                ),
            ],
            did: format::signed(did, 1),
            detail: format!(
                "weighted means; {} of units treated",
                format::share_percent(share)
            ),
            reading: "Equals the treatment coefficient without controls (page 6).",
        }
    }
}
