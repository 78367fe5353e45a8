//! Results -> serde structs and text/markdown/latex/csv rows, shared by the CLI and the
//! dashboard (cli.md, "JSON shapes").

mod data;
pub mod latex;

pub use data::{
    Controls, PanelJson, PanelRowJson, TrendsJson, panel_csv, panel_json, trends_csv, trends_json,
};

use crate::core::bundle::{Bundle, Level, Manifest};
use crate::core::choices::Choices;
use crate::core::derive::{
    self, ClusterBy, Comparison, ControlSelection, Exclusion, Outcome, Panel, PanelSpec,
};
use crate::core::estimate::{
    Coefficient, DidEstimate, GroupMeans, Term, VarianceType, estimate_did,
};
use crate::core::view::AnalysisError;
use serde::Serialize;
use std::fmt::Write as _;

/// Units and weighted mean outcomes of the two groups (cli.md, `groups`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    pub treated: GroupMeans,
    pub control: GroupMeans,
}

/// Labels for people; not part of the JSON.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportLabels {
    pub outcome: String,
    pub comparison: String,
    pub treated: String,
    pub control: String,
    /// The base and end period (months for employment, survey waves for housing).
    pub base: String,
    pub end: String,
    /// One label per coefficient, in the same order.
    pub terms: Vec<String>,
    /// The variance convention in words.
    pub se: String,
    /// The minimum detectable effect in words.
    pub mde: Option<String>,
}

/// One estimate, shaped exactly as `estimate --format json` prints it (cli.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateReport {
    /// Which column of the report's regression table this model is: `(1)` without
    /// controls, `(2)` with them (Tab. 12–18).
    pub report_column: &'static str,
    pub outcome: Outcome,
    pub comparison: Comparison,
    pub level: Level,
    pub weighted: bool,
    pub se: VarianceType,
    pub n: usize,
    pub r2: f64,
    pub df_resid: usize,
    /// Degrees of freedom of the t distribution behind p-values and intervals: `df_resid`, or
    /// G − 1 under CR1.
    pub df_inference: usize,
    /// The clusters of CR1 standard errors; `null` for the other variance types.
    pub clusters: Option<ClusterSummary>,
    /// The smallest true effect of the treatment (in the outcome's units) this estimate would
    /// detect with 80% power in a two-sided 5% t test, from its own SE and `df_inference`;
    /// `null` when the SE is undefined.
    pub mde_80: Option<f64>,
    pub coefficients: Vec<Coefficient>,
    pub groups: GroupSummary,
    pub excluded: Vec<Exclusion>,
    /// What limits the inference (few units, leverage near 1), one sentence each.
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub labels: ReportLabels,
}

/// What CR1 standard errors cluster on, and how many clusters there are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterSummary {
    pub by: ClusterBy,
    pub count: usize,
}

/// The report's column of a model: `(1)` without controls, `(2)` with them.
pub fn report_column(panel: &Panel) -> &'static str {
    if panel.control_names.is_empty() {
        "(1)"
    } else {
        "(2)"
    }
}

/// The report's regression table for `choices`: column (1) without controls, then column
/// (2) with the chosen controls, unless none is chosen (it would repeat (1)).
pub fn estimate_columns(
    bundle: &Bundle,
    choices: &Choices,
) -> Result<Vec<EstimateReport>, AnalysisError> {
    let with = choices.spec(bundle);
    let without = PanelSpec {
        controls: ControlSelection::None,
        ..with.clone()
    };
    let mut columns = Vec::with_capacity(2);
    for spec in [without, with] {
        let panel = derive::panel(bundle, &spec)?;
        if !columns.is_empty() && panel.control_names.is_empty() {
            break;
        }
        let estimate = estimate_did(&panel, choices.options())?;
        columns.push(EstimateReport::new(&bundle.manifest, &panel, &estimate));
    }
    Ok(columns)
}

/// What the report's column numbers mean, said under every table that prints them.
pub fn column_note(columns: &[EstimateReport]) -> String {
    columns
        .iter()
        .map(|r| match r.report_column {
            "(1)" => "(1) without controls",
            _ => "(2) with controls",
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The label of a regression term: the treated group, "Constant", or the control's label.
pub fn term_label(panel: &Panel, term: &Term) -> String {
    match term {
        Term::Treated => panel
            .spec
            .comparison
            .group_labels_at(panel.spec.level)
            .0
            .to_string(),
        Term::Constant => "Constant".to_string(),
        Term::Measure | Term::Named(_) => panel
            .control_names
            .iter()
            .position(|c| c == term.name())
            .and_then(|i| panel.control_labels.get(i))
            .cloned()
            .unwrap_or_else(|| term.name().to_string()),
    }
}

impl EstimateReport {
    /// Collects the estimate of `panel` with the labels the manifest gives.
    pub fn new(manifest: &Manifest, panel: &Panel, estimate: &DidEstimate) -> EstimateReport {
        let spec = &panel.spec;
        let (base, end) = match spec.outcome {
            Outcome::Housing => (
                manifest.periods.housing_base.to_string(),
                manifest.periods.housing_end.to_string(),
            ),
            _ => (
                manifest.periods.employment_base.to_string(),
                manifest.periods.employment_end.to_string(),
            ),
        };
        let (treated, control) = spec.comparison.group_labels_at(spec.level);
        let fit = &estimate.fit;
        EstimateReport {
            report_column: report_column(panel),
            outcome: spec.outcome,
            comparison: spec.comparison,
            level: spec.level,
            weighted: estimate.options.weighted,
            se: estimate.options.variance,
            n: fit.n,
            r2: fit.r2,
            df_resid: fit.df_resid,
            df_inference: fit.df_inference,
            clusters: fit.clusters.map(|count| ClusterSummary {
                by: panel.cluster_by,
                count,
            }),
            mde_80: estimate.mde_80,
            coefficients: fit.coefficients.clone(),
            groups: GroupSummary {
                treated: estimate.treated.clone(),
                control: estimate.control.clone(),
            },
            excluded: panel.excluded.clone(),
            warnings: estimate.warnings.iter().map(|w| w.to_string()).collect(),
            labels: ReportLabels {
                outcome: spec.outcome.label().to_string(),
                comparison: spec.comparison.label().to_string(),
                treated: treated.to_string(),
                control: control.to_string(),
                base,
                end,
                terms: fit
                    .coefficients
                    .iter()
                    .map(|c| term_label(panel, &c.term))
                    .collect(),
                se: estimate.se_label(),
                mde: estimate.mde_line(),
            },
        }
    }

    /// Coefficients in the report's order: treatment, controls, constant.
    pub fn rows(&self) -> Vec<RegressionRow> {
        let mut idx: Vec<usize> = (0..self.coefficients.len()).collect();
        idx.sort_by_key(|&i| self.coefficients[i].term.report_rank());
        idx.into_iter()
            .map(|i| {
                let c = &self.coefficients[i];
                RegressionRow {
                    label: self
                        .labels
                        .terms
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| c.term.to_string()),
                    estimate: one_decimal(c.estimate),
                    stars: stars(c.p_value),
                    std_error: format!("({})", one_decimal(c.std_error)),
                }
            })
            .collect()
    }

    /// The variance convention in words (`DidEstimate::se_label`).
    pub fn se_label(&self) -> &str {
        &self.labels.se
    }

    /// The minimum detectable effect in words (`DidEstimate::mde_line`).
    pub fn mde_line(&self) -> Option<&str> {
        self.labels.mde.as_deref()
    }

    fn title(&self) -> String {
        format!(
            "{}: change {} to {}",
            self.labels.outcome, self.labels.base, self.labels.end
        )
    }

    fn subtitle(&self) -> String {
        let level = match self.level {
            Level::District => "districts",
            Level::Municipality => "municipalities",
        };
        let weights = if self.weighted {
            "weighted"
        } else {
            "unweighted"
        };
        format!(
            "{} ({level}); {weights}; {} in parentheses",
            self.labels.comparison,
            self.se_label()
        )
    }

    /// The 2×2 block of group means like the report's Tab. 11: (label, base, end, change).
    pub fn group_rows(&self) -> Vec<(String, f64, f64, f64)> {
        let (t, c) = (&self.groups.treated, &self.groups.control);
        vec![
            (
                format!("{} (n = {})", self.labels.treated, t.n),
                t.base,
                t.end,
                t.end - t.base,
            ),
            (
                format!("{} (n = {})", self.labels.control, c.n),
                c.base,
                c.end,
                c.end - c.base,
            ),
            (
                "Difference".to_string(),
                t.base - c.base,
                t.end - c.end,
                (t.end - t.base) - (c.end - c.base),
            ),
        ]
    }
}

/// One coefficient as the report prints it: one decimal, stars, SE in parentheses.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionRow {
    pub label: String,
    pub estimate: String,
    pub stars: &'static str,
    pub std_error: String,
}

/// `*` p<0.10, `**` p<0.05, `***` p<0.01 (the report's convention).
pub fn stars(p: f64) -> &'static str {
    if p < 0.01 {
        "***"
    } else if p < 0.05 {
        "**"
    } else if p < 0.10 {
        "*"
    } else {
        ""
    }
}

/// One decimal as in the report's tables; never prints "-0.0".
pub fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".to_string() } else { s }
}

const STAR_NOTE: &str = "* p<0.10, ** p<0.05, *** p<0.01";

/// One regression term across the columns: its label, and per column the coefficient
/// (one decimal), its stars and the standard error in parentheses (empty where the column's
/// model has no such term).
struct TermRow {
    label: String,
    cells: Vec<Option<(String, &'static str, String)>>,
}

/// Every term of the columns once, with its label, in the report's order: treatment,
/// controls, constant.
fn ordered_terms(columns: &[EstimateReport]) -> Vec<(Term, String)> {
    let mut terms: Vec<(Term, String)> = Vec::new();
    for r in columns {
        for (i, c) in r.coefficients.iter().enumerate() {
            if !terms.iter().any(|(t, _)| *t == c.term) {
                let label = r
                    .labels
                    .terms
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| c.term.to_string());
                terms.push((c.term.clone(), label));
            }
        }
    }
    terms.sort_by_key(|(t, _)| t.report_rank());
    terms
}

/// The terms of all columns in the report's order: treatment, controls, constant.
fn term_rows(columns: &[EstimateReport]) -> Vec<TermRow> {
    ordered_terms(columns)
        .into_iter()
        .map(|(term, label)| TermRow {
            label,
            cells: columns
                .iter()
                .map(|r| {
                    r.coefficients.iter().find(|c| c.term == term).map(|c| {
                        (
                            one_decimal(c.estimate),
                            stars(c.p_value),
                            format!("({})", one_decimal(c.std_error)),
                        )
                    })
                })
                .collect(),
        })
        .collect()
}

/// The minimum detectable effect of each column in words; numbered when there are two.
fn mde_lines(columns: &[EstimateReport]) -> Vec<String> {
    columns
        .iter()
        .filter_map(|r| {
            r.mde_line().map(|m| {
                if columns.len() > 1 {
                    format!("{} {m}", r.report_column)
                } else {
                    m.to_string()
                }
            })
        })
        .collect()
}

/// Each column's warnings; a sentence both columns share is said once, the others carry
/// their column's number.
fn warning_lines(columns: &[EstimateReport]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in columns {
        for w in &r.warnings {
            let everywhere = columns.iter().all(|o| o.warnings.contains(w));
            let line = if everywhere || columns.len() == 1 {
                w.clone()
            } else {
                format!("{} {w}", r.report_column)
            };
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// Units left out: those of the first column, then those only the later columns leave out
/// (a missing control value), with their column's number.
fn excluded_lines(columns: &[EstimateReport]) -> Vec<(String, String)> {
    let Some(first) = columns.first() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = first
        .excluded
        .iter()
        .map(|e| (e.unit.clone(), e.reason.clone()))
        .collect();
    for r in &columns[1..] {
        for e in &r.excluded {
            if !first.excluded.iter().any(|f| f.unit == e.unit) {
                out.push((
                    e.unit.clone(),
                    format!("{} only: {}", r.report_column, e.reason),
                ));
            }
        }
    }
    out
}

/// Plain-text table that reads like the report's regression tables: one column per model,
/// (1) without and (2) with controls, as the report numbers them.
pub fn estimate_text(columns: &[EstimateReport]) -> String {
    let Some(last) = columns.last() else {
        return String::new();
    };
    let rows = term_rows(columns);
    let groups = columns[0].group_rows();
    let width = rows
        .iter()
        .map(|row| row.label.chars().count())
        .chain(groups.iter().map(|g| g.0.chars().count()))
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = String::new();
    let _ = writeln!(out, "{}", last.title());
    let _ = writeln!(out, "{}", last.subtitle());
    let _ = writeln!(out);
    let line = |out: &mut String, label: &str, cells: Vec<String>| {
        let _ = writeln!(out, "{label:<width$}  {}", cells.concat().trim_end());
    };
    line(
        &mut out,
        "",
        columns
            .iter()
            .map(|r| format!("{:>10}   ", r.report_column))
            .collect(),
    );
    for row in &rows {
        let (coef, se): (Vec<String>, Vec<String>) = row
            .cells
            .iter()
            .map(|c| match c {
                Some((e, stars, se)) => (format!("{e:>10}{stars:<3}"), format!("{se:>10}   ")),
                None => (" ".repeat(13), " ".repeat(13)),
            })
            .unzip();
        line(&mut out, &row.label, coef);
        line(&mut out, "", se);
    }
    let _ = writeln!(out, "{}", "-".repeat(width + 2 + 13 * columns.len()));
    line(
        &mut out,
        "N",
        columns.iter().map(|r| format!("{:>10}   ", r.n)).collect(),
    );
    line(
        &mut out,
        "R²",
        columns
            .iter()
            .map(|r| format!("{:>10}   ", format!("{:.2}", r.r2)))
            .collect(),
    );
    let _ = writeln!(out, "{}", column_note(columns));
    let _ = writeln!(out, "{STAR_NOTE}");
    for m in mde_lines(columns) {
        let _ = writeln!(out, "{m}");
    }
    let _ = writeln!(out);
    let (base, end) = (&columns[0].labels.base, &columns[0].labels.end);
    let _ = writeln!(
        out,
        "{:<width$}  {:>12}{:>12}{:>12}",
        "Group means, %", base, end, "Change"
    );
    for (label, base, end, change) in &groups {
        let _ = writeln!(
            out,
            "{label:<width$}  {:>12}{:>12}{:>12}",
            one_decimal(*base),
            one_decimal(*end),
            one_decimal(*change)
        );
    }
    let excluded = excluded_lines(columns);
    if !excluded.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Excluded units ({}):", excluded.len());
        for (unit, reason) in &excluded {
            let _ = writeln!(out, "  {unit}  {reason}");
        }
    }
    for w in warning_lines(columns) {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// Markdown tables: coefficients by column and group means.
pub fn estimate_markdown(columns: &[EstimateReport]) -> String {
    let Some(last) = columns.last() else {
        return String::new();
    };
    let md = |s: &str| s.replace('|', "\\|").replace('*', "\\*");
    let mut out = String::new();
    let _ = writeln!(out, "**{}**  ", md(&last.title()));
    let _ = writeln!(out, "{}", md(&last.subtitle()));
    let _ = writeln!(out);
    let heads: Vec<&str> = columns.iter().map(|r| r.report_column).collect();
    let _ = writeln!(
        out,
        "| | {} |\n|---|{}",
        heads.join(" | "),
        "---:|".repeat(columns.len())
    );
    for row in term_rows(columns) {
        let (coef, se): (Vec<String>, Vec<String>) = row
            .cells
            .iter()
            .map(|c| match c {
                Some((e, stars, se)) => (format!("{e}{}", md(stars)), se.clone()),
                None => (String::new(), String::new()),
            })
            .unzip();
        let _ = writeln!(out, "| {} | {} |", md(&row.label), coef.join(" | "));
        let _ = writeln!(out, "| | {} |", se.join(" | "));
    }
    let ns: Vec<String> = columns.iter().map(|r| r.n.to_string()).collect();
    let r2s: Vec<String> = columns.iter().map(|r| format!("{:.2}", r.r2)).collect();
    let _ = writeln!(
        out,
        "| N | {} |\n| R² | {} |",
        ns.join(" | "),
        r2s.join(" | ")
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", column_note(columns));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", md(STAR_NOTE));
    for m in mde_lines(columns) {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", md(&m));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| Group means, % | {} | {} | Change |\n|---|---:|---:|---:|",
        columns[0].labels.base, columns[0].labels.end
    );
    for (label, base, end, change) in columns[0].group_rows() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&label),
            one_decimal(base),
            one_decimal(end),
            one_decimal(change)
        );
    }
    let warnings = warning_lines(columns);
    if !warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Warnings:");
        let _ = writeln!(out);
        for w in &warnings {
            let _ = writeln!(out, "- {}", md(w));
        }
    }
    let excluded = excluded_lines(columns);
    if !excluded.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Excluded units ({}):", excluded.len());
        let _ = writeln!(out);
        for (unit, reason) in &excluded {
            let _ = writeln!(out, "- {unit}: {}", md(reason));
        }
    }
    out
}

/// Escapes text for LaTeX (shared by the report tables and slide exports; `latex::escape`).
pub fn latex_escape(s: &str) -> String {
    latex::escape(s)
}

/// The report's regression table and its group means as LaTeX that compiles in a plain
/// `article`: title and subtitle above, notes below, then `provenance` (plain text: caption,
/// SYNTHETIC badge, source and licence), all visible text.
pub fn estimate_latex(columns: &[EstimateReport], provenance: &[String]) -> String {
    use latex::{Fragment, TexCell, TexRow, TexTable};
    let Some(last) = columns.last() else {
        return String::new();
    };
    let n = columns.len();
    let text = TexCell::text;
    let mut header = vec![text("")];
    header.extend(columns.iter().map(|r| text(r.report_column)));
    let mut rows = Vec::new();
    for row in term_rows(columns) {
        let (coef, se): (Vec<TexCell>, Vec<TexCell>) = row
            .cells
            .iter()
            .map(|c| match c {
                Some((e, stars, se)) => {
                    let latex = if stars.is_empty() {
                        e.clone()
                    } else {
                        format!("{e}$^{{{stars}}}$")
                    };
                    (TexCell::raw(latex, &format!("{e}{stars}")), text(se))
                }
                None => (text(""), text("")),
            })
            .unzip();
        rows.push(TexRow::Cells(
            std::iter::once(text(&row.label)).chain(coef).collect(),
        ));
        rows.push(TexRow::Cells(std::iter::once(text("")).chain(se).collect()));
    }
    rows.push(TexRow::Rule);
    rows.push(TexRow::Cells(
        std::iter::once(TexCell::raw("$N$".into(), "N"))
            .chain(columns.iter().map(|r| text(&r.n.to_string())))
            .collect(),
    ));
    rows.push(TexRow::Cells(
        std::iter::once(TexCell::raw("$R^2$".into(), "R2"))
            .chain(columns.iter().map(|r| text(&format!("{:.2}", r.r2))))
            .collect(),
    ));
    let coefficients = TexTable {
        header,
        rows,
        numeric: std::iter::once(false)
            .chain(std::iter::repeat_n(true, n))
            .collect(),
    };
    let (base, end) = (&columns[0].labels.base, &columns[0].labels.end);
    let means = TexTable {
        header: vec![
            text("Group means, %"),
            text(base),
            text(end),
            text("Change"),
        ],
        rows: columns[0]
            .group_rows()
            .into_iter()
            .map(|(label, b, e, c)| {
                TexRow::Cells(vec![
                    text(&label),
                    text(&one_decimal(b)),
                    text(&one_decimal(e)),
                    text(&one_decimal(c)),
                ])
            })
            .collect(),
        numeric: vec![false, true, true, true],
    };
    let mut notes = vec![
        latex_escape(&column_note(columns)),
        "$^{*}$~$p<0.10$, $^{**}$~$p<0.05$, $^{***}$~$p<0.01$".to_string(),
    ];
    notes.extend(mde_lines(columns).iter().map(|m| latex_escape(m)));
    // What limits the inference travels with the table (a slide without it claims too much).
    notes.extend(
        warning_lines(columns)
            .iter()
            .map(|w| format!("Warning: {}", latex_escape(w))),
    );
    let excluded = excluded_lines(columns);
    if !excluded.is_empty() {
        let units: Vec<String> = excluded
            .iter()
            .map(|(unit, reason)| format!("{unit}: {reason}"))
            .collect();
        notes.push(latex_escape(&format!(
            "Excluded units ({}): {}.",
            excluded.len(),
            units.join("; ")
        )));
    }
    notes.extend(provenance.iter().map(|p| latex_escape(p)));
    Fragment {
        title: last.title(),
        subtitles: vec![last.subtitle()],
        tables: vec![coefficients, means],
        notes,
    }
    .render()
}

/// The report's regression table and its group means as tables with their notes (for
/// spreadsheets): numbers stay numbers, rounded on display as the report rounds them.
pub fn estimate_tables(columns: &[EstimateReport]) -> Vec<crate::core::view::table::NotedTable> {
    use crate::core::view::table::{Cell, NotedTable, TableData};
    let Some(last) = columns.last() else {
        return Vec::new();
    };
    let mut header = vec!["term".to_string()];
    for r in columns {
        let c = r.report_column;
        header.extend([
            format!("{c} estimate"),
            format!("{c} stars"),
            format!("{c} std_error"),
        ]);
    }
    let terms = ordered_terms(columns);
    let mut rows: Vec<Vec<Cell>> = terms
        .iter()
        .map(|(term, label)| {
            let mut row = vec![Cell::text(label)];
            for r in columns {
                match r.coefficients.iter().find(|c| c.term == *term) {
                    Some(c) => row.extend([
                        Cell::num(c.estimate),
                        Cell::text(stars(c.p_value)),
                        Cell::num(c.std_error),
                    ]),
                    None => row.extend([Cell::Missing, Cell::Missing, Cell::Missing]),
                }
            }
            row
        })
        .collect();
    let stat = |label: &str, value: &dyn Fn(&EstimateReport) -> Cell| {
        let mut row = vec![Cell::text(label)];
        for r in columns {
            row.extend([value(r), Cell::Missing, Cell::Missing]);
        }
        row
    };
    rows.push(stat("N", &|r| Cell::int(r.n as i64)));
    rows.push(stat("R²", &|r| Cell::Number {
        value: r.r2,
        decimals: 2,
    }));
    let mut notes = vec![last.subtitle(), column_note(columns), STAR_NOTE.to_string()];
    notes.extend(mde_lines(columns));
    notes.extend(
        warning_lines(columns)
            .into_iter()
            .map(|w| format!("Warning: {w}")),
    );
    for (unit, reason) in excluded_lines(columns) {
        notes.push(format!("Excluded: {unit}: {reason}"));
    }
    let (base, end) = (&columns[0].labels.base, &columns[0].labels.end);
    let means = TableData {
        title: "Group means, %".into(),
        header: vec!["group".into(), base.clone(), end.clone(), "change".into()],
        rows: columns[0]
            .group_rows()
            .into_iter()
            .map(|(l, b, e, c)| vec![Cell::Text(l), Cell::num(b), Cell::num(e), Cell::num(c)])
            .collect(),
    };
    vec![
        NotedTable {
            table: TableData {
                title: last.title(),
                header,
                rows,
            },
            notes,
        },
        NotedTable {
            table: means,
            notes: Vec::new(),
        },
    ]
}

/// Quotes a CSV field when it contains a separator, quote or line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Coefficients as CSV, full precision.
pub fn estimate_csv(r: &EstimateReport) -> String {
    // `report_column` last, so that readers of the columns before it are unaffected.
    let mut out =
        String::from("term,label,estimate,std_error,t,p_value,ci_low,ci_high,report_column\n");
    for (i, c) in r.coefficients.iter().enumerate() {
        let label = r
            .labels
            .terms
            .get(i)
            .map(String::as_str)
            .unwrap_or(c.term.name());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(c.term.name()),
            csv_field(label),
            c.estimate,
            c.std_error,
            c.t,
            c.p_value,
            c.ci_low,
            c.ci_high,
            r.report_column
        );
    }
    out
}

/// `estimate --format json` (cli.md), pretty-printed.
pub fn estimate_json(r: &EstimateReport) -> String {
    to_json(r)
}

/// Pretty JSON of a report struct.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail; say so in the output rather than panic.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
