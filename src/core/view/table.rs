//! A table as people and machines read it: Markdown, LaTeX and aligned text with numbers
//! rounded for people, CSV at full precision (cli.md asks this of every format). The one CSV
//! writer of the project (`csv`) lives here.

use crate::core::report::latex_escape;
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
    /// As people read it: rounded, "-0.0" without its sign.
    pub fn rounded(&self) -> String {
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
    /// As machines read it: full precision, unquoted (the CSV writer quotes).
    pub fn full(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number { value, .. } => value.to_string(),
            Cell::Missing => String::new(),
        }
    }
    fn is_number(&self) -> bool {
        matches!(self, Cell::Number { .. })
    }
}

/// A table with the notes that belong under it (a regression table's conventions).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotedTable {
    pub table: TableData,
    pub notes: Vec<String>,
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

    /// LaTeX that compiles in a plain `article` (no packages): the title above, the
    /// table (split where it is too wide or too long for a page), and `notes` (plain text:
    /// caption, source) as visible paragraphs below.
    pub fn latex(&self, notes: &[&str]) -> String {
        use crate::core::report::latex::{Fragment, TexCell, TexRow, TexTable};
        let table = TexTable {
            header: self.header.iter().map(|h| TexCell::text(h)).collect(),
            rows: self
                .rows
                .iter()
                .map(|r| TexRow::Cells(r.iter().map(|c| TexCell::text(&c.rounded())).collect()))
                .collect(),
            numeric: (0..self.header.len())
                .map(|i| self.numeric_column(i))
                .collect(),
        };
        Fragment {
            title: self.title.clone(),
            subtitles: Vec::new(),
            tables: vec![table],
            notes: notes.iter().map(|n| latex_escape(n)).collect(),
        }
        .render()
    }

    /// CSV with the header row, numbers at full precision.
    pub fn csv(&self) -> String {
        csv(
            &self.header,
            self.rows.iter().map(|r| r.iter().map(Cell::full).collect()),
        )
    }

    /// Aligned plain text for a terminal: numbers right-aligned, rounded as on screen.
    pub fn text(&self) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::rounded).collect())
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .chain(self.header.get(i))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        let line = |row: &[String]| {
            let parts: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let w = widths.get(i).copied().unwrap_or(0);
                    if self.numeric_column(i) {
                        format!("{s:>w$}")
                    } else {
                        format!("{s:<w$}")
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        let mut out = String::new();
        let _ = writeln!(out, "{}", line(&self.header));
        for row in &cells {
            let _ = writeln!(out, "{}", line(row));
        }
        out
    }
}

/// CSV (RFC 4180: quotes where a field needs them, `\n` between rows) of a header and rows of
/// plain fields, written by csv-core, the engine of the `csv` crate.
pub fn csv(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv_core::WriterBuilder::new()
        .terminator(csv_core::Terminator::Any(b'\n'))
        .build();
    let mut out: Vec<u8> = Vec::new();
    let mut record = |fields: &[String], out: &mut Vec<u8>| {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                drive(out, |buf| writer.delimiter(buf));
            }
            let mut input = field.as_bytes();
            loop {
                let mut buf = [0u8; 1024];
                let (result, read, written) = writer.field(input, &mut buf);
                out.extend_from_slice(&buf[..written]);
                input = &input[read..];
                if matches!(result, csv_core::WriteResult::InputEmpty) {
                    break;
                }
            }
        }
        // The terminator also writes a quoted field's closing quote.
        drive(out, |buf| writer.terminator(buf));
    };
    record(header, &mut out);
    for row in rows {
        record(&row, &mut out);
    }
    // Every input was valid UTF-8 and the writer only adds ASCII quotes and separators.
    String::from_utf8(out).unwrap_or_default()
}

/// Runs one csv-core output step until it fits the buffer.
fn drive(out: &mut Vec<u8>, mut step: impl FnMut(&mut [u8]) -> (csv_core::WriteResult, usize)) {
    loop {
        let mut buf = [0u8; 64];
        let (result, written) = step(&mut buf);
        out.extend_from_slice(&buf[..written]);
        if matches!(result, csv_core::WriteResult::InputEmpty) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let header = vec!["unit_id".to_string(), "name".to_string()];
        let rows = vec![
            vec!["06412".to_string(), "Frankfurt am Main, Stadt".to_string()],
            vec!["08111".to_string(), "say \"hi\"".to_string()],
            vec!["08212".to_string(), "two\nlines".to_string()],
            vec!["08221".to_string(), String::new()],
        ];
        assert_eq!(
            csv(&header, rows),
            "unit_id,name\n06412,\"Frankfurt am Main, Stadt\"\n08111,\"say \"\"hi\"\"\"\n08212,\"two\nlines\"\n08221,\n"
        );
    }
}
