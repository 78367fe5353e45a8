//! Findings of `check`: errors make data wrong or unreadable, warnings are what real
//! deliveries routinely contain and the tool handles by a stated rule (cli.md).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, naming table, column and data row (1-based, header excluded) where they apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(skip)]
    pub severity: Severity,
    pub table: Option<String>,
    pub column: Option<String>,
    pub row: Option<usize>,
    pub message: String,
}

impl Finding {
    pub fn error(
        table: &str,
        column: Option<&str>,
        row: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Error,
            table: Some(table.to_string()),
            column: column.map(str::to_string),
            row,
            message: message.into(),
        }
    }

    pub fn warning(
        table: &str,
        column: Option<&str>,
        row: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(table, column, row, message)
        }
    }

    /// `table, column 'x', row 17: message` — the one-line form used in text output.
    pub fn location(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.table {
            parts.push(t.clone());
        }
        if let Some(c) = &self.column {
            parts.push(format!("column '{c}'"));
        }
        if let Some(r) = self.row {
            parts.push(format!("row {r}"));
        }
        parts.join(", ")
    }
}

/// All findings of one load, in the order found.
///
/// `items` is the short listing people read: row findings of one kind are listed for the
/// first rows and then summarised (collect.rs). `unlisted` holds the rest of those row
/// findings, so that machine-readable output can be complete; `summaries` are the indices
/// in `items` of the summary findings, which such output leaves out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub items: Vec<Finding>,
    #[serde(skip)]
    pub unlisted: Vec<Finding>,
    #[serde(skip)]
    pub summaries: Vec<usize>,
}

impl Findings {
    pub fn push(&mut self, f: Finding) {
        self.items.push(f);
    }
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.items.iter().filter(|f| f.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.items
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    /// Every finding, each row finding on its own and without the summaries of the short
    /// listing (the listed ones first, then the rest in the order found).
    pub fn complete(&self) -> impl Iterator<Item = &Finding> {
        self.items
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.summaries.contains(i))
            .map(|(_, f)| f)
            .chain(&self.unlisted)
    }
}

/// Text from a data file as a message quotes it: in quotes, control characters escaped (so
/// that an ESC in a cell never reaches the terminal raw) and cut after `ECHO_CHARS`
/// characters, so that a huge cell is not copied into every message.
pub fn echo(s: &str) -> String {
    format!("\"{}\"", echo_raw(s))
}

/// Characters of data text a message shows before cutting it.
pub const ECHO_CHARS: usize = 60;

/// `echo` without the quotes.
pub fn echo_raw(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == ECHO_CHARS {
            out += &format!("… ({} bytes in all)", s.len());
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_text_is_escaped_and_cut() {
        assert_eq!(echo("a\u{1b}[2Jb"), "\"a\\u{1b}[2Jb\"");
        let long = "x".repeat(1000);
        let e = echo(&long);
        assert!(e.len() < 120, "{e}");
        assert!(e.contains("1000 bytes in all"), "{e}");
    }
}
