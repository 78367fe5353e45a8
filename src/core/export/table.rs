//! A page's table as Markdown, LaTeX and CSV (numbers rounded for people, full precision in
//! CSV, as cli.md asks of every format).

use crate::core::report::{csv_field, latex_escape};
use std::fmt::Write as _;

/// One cell: text, or a number shown with `decimals` places (CSV keeps full precision).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number { value: f64, decimals: usize },
    Missing,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// A number shown with one decimal, like the report's tables.
    pub fn num(value: f64) -> Cell {
        Cell::Number { value, decimals: 1 }
    }
    /// A whole number.
    pub fn int(value: i64) -> Cell {
        Cell::Number {
            value: value as f64,
            decimals: 0,
        }
    }
    fn rounded(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number { value, decimals } => {
                let s = format!("{value:.decimals$}");
                // "-0.0" reads like a sign error on a slide.
                if s.trim_start_matches('-')
                    .chars()
                    .all(|c| c == '0' || c == '.')
                {
                    s.trim_start_matches('-').to_string()
                } else {
                    s
                }
            }
            Cell::Missing => String::new(),
        }
    }
    fn full(&self) -> String {
        match self {
            Cell::Text(s) => csv_field(s),
            Cell::Number { value, .. } => value.to_string(),
            Cell::Missing => String::new(),
        }
    }
    fn is_number(&self) -> bool {
        matches!(self, Cell::Number { .. })
    }
}

/// A titled table with a header row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableData {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl TableData {
    fn numeric_column(&self, i: usize) -> bool {
        self.rows
            .iter()
            .any(|r| r.get(i).is_some_and(Cell::is_number))
    }

    /// A Markdown table under the title, with the caption below.
    pub fn markdown(&self, caption: &str) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('*', "\\*");
        let mut out = format!("**{}**\n\n", esc(&self.title));
        let _ = writeln!(
            out,
            "| {} |",
            self.header
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let rule: Vec<&str> = (0..self.header.len())
            .map(|i| {
                if self.numeric_column(i) {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| esc(&c.rounded())).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(out, "\n{}", esc(caption));
        out
    }

    /// A LaTeX `tabular` (no packages needed) with the title and caption as comments.
    pub fn latex(&self, caption: &str) -> String {
        let spec: String = (0..self.header.len())
            .map(|i| if self.numeric_column(i) { 'r' } else { 'l' })
            .collect();
        let mut out = format!("% {}\n% {}\n", self.title, caption);
        let _ = writeln!(out, "\\begin{{tabular}}{{{spec}}}\n\\hline");
        let head: Vec<String> = self.header.iter().map(|h| latex_escape(h)).collect();
        let _ = writeln!(out, "{} \\\\\n\\hline", head.join(" & "));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| latex_escape(&c.rounded())).collect();
            let _ = writeln!(out, "{} \\\\", cells.join(" & "));
        }
        let _ = writeln!(out, "\\hline\n\\end{{tabular}}");
        out
    }

    /// CSV with the header row, numbers at full precision.
    pub fn csv(&self) -> String {
        let mut out = self
            .header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::full).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}
