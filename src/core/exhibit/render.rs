//! An exhibit as text, CSV, JSON, Markdown, LaTeX or XLSX: mapped onto the one table writer of
//! `view::table`, so numbers are rounded for people and kept at full precision for machines.

use super::Exhibit;
use crate::core::view::table::{Cell, TableData};

/// The formats of `wirkung exhibit --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, strum_macros::Display)]
#[strum(serialize_all = "lowercase")]
pub enum ExhibitFormat {
    Text,
    Csv,
    Json,
    Md,
    Tex,
    Xlsx,
}

impl Exhibit {
    /// The exhibit as a table: the label, one column per value, `sig` when a row is tested.
    pub fn table(&self) -> TableData {
        let tested = self.rows.iter().any(|r| r.stars.is_some());
        let mut header = vec!["label".to_string()];
        header.extend(self.columns.iter().map(|c| c.key.clone()));
        if tested {
            header.push("sig".into());
        }
        TableData {
            title: self.title.clone(),
            header,
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let mut cells = vec![Cell::text(&r.label)];
                    cells.extend(self.columns.iter().zip(&r.values).map(|(c, v)| match v {
                        Some(v) if v.is_finite() => Cell::Number {
                            value: *v,
                            decimals: c.decimals,
                        },
                        _ => Cell::Missing,
                    }));
                    if tested {
                        cells.push(Cell::text(r.stars.clone().unwrap_or_default()));
                    }
                    cells
                })
                .collect(),
        }
    }

    /// What a reader needs beside the numbers: N, the unit, the notes and where the data
    /// came from (`source`: the bundle's name, SYNTHETIC when it is).
    pub fn caption(&self, source: &str) -> String {
        let mut parts = vec![format!(
            "N = {}; {}.",
            crate::core::view::format::count(self.n),
            self.unit
        )];
        parts.extend(self.notes.iter().cloned());
        parts.push(source.to_string());
        parts.join(" ")
    }

    /// The exhibit in `format`; `source` goes into the caption of the formats people read.
    pub fn render(&self, format: ExhibitFormat, source: &str) -> String {
        let table = self.table();
        match format {
            ExhibitFormat::Text => {
                let mut out = format!("{} [{}]\n\n", self.title, self.id);
                out.push_str(&table.text());
                out.push('\n');
                out.push_str(&format!(
                    "N = {}; {}.\n",
                    crate::core::view::format::count(self.n),
                    self.unit
                ));
                for n in &self.notes {
                    out.push_str(n);
                    out.push('\n');
                }
                out.push_str(source);
                out.push('\n');
                out
            }
            ExhibitFormat::Csv => table.csv(),
            ExhibitFormat::Json => serde_json::to_string_pretty(self).unwrap_or_default() + "\n",
            ExhibitFormat::Md => table.markdown(&self.caption(source)),
            ExhibitFormat::Tex => table.latex(&[&self.caption(source)]),
            // A workbook is bytes, not text (`Exhibit::xlsx`); its caption says where to get it.
            ExhibitFormat::Xlsx => format!(
                "{} [{}]: the workbook is written by `--format xlsx` only\n",
                self.title, self.id
            ),
        }
    }

    /// The exhibit as a workbook: caption (with `name`: the bundle's name, SYNTHETIC when it
    /// is) above the table, `source` (the data's source and licence) below it.
    pub fn xlsx(
        &self,
        name: &str,
        synthetic: bool,
        source: Option<&str>,
    ) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        crate::core::export::xlsx::workbook(
            &crate::core::export::xlsx::SheetText {
                name: self.id,
                caption: &self.caption(name),
                synthetic,
                source,
            },
            &[crate::core::view::table::NotedTable {
                table: self.table(),
                notes: Vec::new(),
            }],
        )
    }
}
