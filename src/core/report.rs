//! Results -> serde structs and text/markdown/latex/csv rows, shared by the CLI and the
//! dashboard (cli.md, "JSON shapes").

mod data;

pub use data::{
    Controls, PanelJson, PanelRowJson, TrendsJson, panel_csv, panel_json, trends_csv, trends_json,
};

use crate::core::bundle::{Level, Manifest};
use crate::core::derive::{ClusterBy, Comparison, Exclusion, Outcome, Panel};
use crate::core::estimate::{Coefficient, DidEstimate, GroupMeans, VarianceType};
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

/// The label of a regression term: the treated group, "Constant", or the control's label.
pub fn term_label(panel: &Panel, term: &str) -> String {
    match term {
        "treated" => panel.spec.comparison.group_labels().0.to_string(),
        "const" => "Constant".to_string(),
        column => panel
            .control_names
            .iter()
            .position(|c| c == column)
            .and_then(|i| panel.control_labels.get(i))
            .cloned()
            .unwrap_or_else(|| column.to_string()),
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
        let (treated, control) = spec.comparison.group_labels();
        let fit = &estimate.fit;
        EstimateReport {
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
        let rank = |t: &str| match t {
            "treated" => 0,
            "const" => 2,
            _ => 1,
        };
        let mut idx: Vec<usize> = (0..self.coefficients.len()).collect();
        idx.sort_by_key(|&i| rank(&self.coefficients[i].term));
        idx.into_iter()
            .map(|i| {
                let c = &self.coefficients[i];
                RegressionRow {
                    label: self
                        .labels
                        .terms
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| c.term.clone()),
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

/// Plain-text table that reads like the report's regression tables.
pub fn estimate_text(r: &EstimateReport) -> String {
    let rows = r.rows();
    let groups = r.group_rows();
    let width = rows
        .iter()
        .map(|row| row.label.chars().count())
        .chain(groups.iter().map(|g| g.0.chars().count()))
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.title());
    let _ = writeln!(out, "{}", r.subtitle());
    let _ = writeln!(out);
    for row in &rows {
        let _ = writeln!(
            out,
            "{:<width$}  {:>10}{}",
            row.label, row.estimate, row.stars
        );
        let _ = writeln!(out, "{:<width$}  {:>10}", "", row.std_error);
    }
    let _ = writeln!(out, "{}", "-".repeat(width + 15));
    let _ = writeln!(out, "{:<width$}  {:>10}", "N", r.n);
    let _ = writeln!(out, "{:<width$}  {:>10.2}", "R²", r.r2);
    let _ = writeln!(out, "{STAR_NOTE}");
    if let Some(mde) = r.mde_line() {
        let _ = writeln!(out, "{mde}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<width$}  {:>12}{:>12}{:>12}",
        "Group means, %", r.labels.base, r.labels.end, "Change"
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
    write_excluded_text(&mut out, &r.excluded);
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

fn write_excluded_text(out: &mut String, excluded: &[Exclusion]) {
    if excluded.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Excluded units ({}):", excluded.len());
    for e in excluded {
        let _ = writeln!(out, "  {}  {}", e.unit, e.reason);
    }
}

/// Markdown tables: coefficients and group means.
pub fn estimate_markdown(r: &EstimateReport) -> String {
    let md = |s: &str| s.replace('|', "\\|").replace('*', "\\*");
    let mut out = String::new();
    let _ = writeln!(out, "**{}**  ", md(&r.title()));
    let _ = writeln!(out, "{}", md(&r.subtitle()));
    let _ = writeln!(out);
    let _ = writeln!(out, "| | (1) |\n|---|---:|");
    for row in r.rows() {
        let _ = writeln!(
            out,
            "| {} | {}{} |",
            md(&row.label),
            row.estimate,
            md(row.stars)
        );
        let _ = writeln!(out, "| | {} |", row.std_error);
    }
    let _ = writeln!(out, "| N | {} |\n| R² | {:.2} |", r.n, r.r2);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", md(STAR_NOTE));
    if let Some(mde) = r.mde_line() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", md(mde));
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| Group means, % | {} | {} | Change |\n|---|---:|---:|---:|",
        r.labels.base, r.labels.end
    );
    for (label, base, end, change) in r.group_rows() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&label),
            one_decimal(base),
            one_decimal(end),
            one_decimal(change)
        );
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Warnings:");
        let _ = writeln!(out);
        for w in &r.warnings {
            let _ = writeln!(out, "- {}", md(w));
        }
    }
    if !r.excluded.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Excluded units ({}):", r.excluded.len());
        let _ = writeln!(out);
        for e in &r.excluded {
            let _ = writeln!(out, "- {}: {}", e.unit, md(&e.reason));
        }
    }
    out
}

/// A LaTeX comment line (`% text`): text from a bundle (its name, its source) may hold line
/// breaks, and a line break would end the comment and turn the rest into live LaTeX
/// (`\input`, `\write18`). Every control character becomes a space.
pub fn latex_comment(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("% {flat}\n")
}

/// Escapes LaTeX's special characters (shared by the report tables and slide exports).
pub fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '²' => out.push_str("$^2$"),
            // A line break inside a cell would end it early; other control characters are
            // not text.
            c if c.is_control() => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// A LaTeX `tabular` of the coefficients (booktabs-free, so it compiles anywhere).
pub fn estimate_latex(r: &EstimateReport) -> String {
    let mut out = String::new();
    out.push_str(&latex_comment(&r.title()));
    out.push_str(&latex_comment(&r.subtitle()));
    let _ = writeln!(
        out,
        "\\begin{{tabular}}{{lr}}\n\\hline\n & (1) \\\\\n\\hline"
    );
    for row in r.rows() {
        let stars = if row.stars.is_empty() {
            String::new()
        } else {
            format!("$^{{{}}}$", row.stars)
        };
        let _ = writeln!(
            out,
            "{} & {}{} \\\\",
            latex_escape(&row.label),
            row.estimate,
            stars
        );
        let _ = writeln!(out, " & {} \\\\", row.std_error);
    }
    let _ = writeln!(
        out,
        "\\hline\n$N$ & {} \\\\\n$R^2$ & {:.2} \\\\\n\\hline",
        r.n, r.r2
    );
    let _ = writeln!(
        out,
        "\\multicolumn{{2}}{{l}}{{\\footnotesize $^{{*}}$ p<0.10, $^{{**}}$ p<0.05, $^{{***}}$ p<0.01}} \\\\"
    );
    if let Some(mde) = r.mde_line() {
        let _ = writeln!(
            out,
            "\\multicolumn{{2}}{{l}}{{\\footnotesize {}}} \\\\",
            latex_escape(mde)
        );
    }
    // What limits the inference travels with the table (a slide without it claims too much).
    for w in &r.warnings {
        let _ = writeln!(
            out,
            "\\multicolumn{{2}}{{p{{0.9\\linewidth}}}}{{\\footnotesize Warning: {}}} \\\\",
            latex_escape(w)
        );
    }
    let _ = writeln!(out, "\\end{{tabular}}");
    out
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
    let mut out = String::from("term,label,estimate,std_error,t,p_value,ci_low,ci_high\n");
    for (i, c) in r.coefficients.iter().enumerate() {
        let label = r.labels.terms.get(i).map(String::as_str).unwrap_or(&c.term);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(&c.term),
            csv_field(label),
            c.estimate,
            c.std_error,
            c.t,
            c.p_value,
            c.ci_low,
            c.ci_high
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
