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
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub items: Vec<Finding>,
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
}
