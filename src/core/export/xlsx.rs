//! A table export as an Excel workbook (evaluators share spreadsheets): one sheet with the
//! title, the SYNTHETIC badge and the caption above the table, the notes and the source (with
//! its licence) below it. Numbers are stored as numbers at full precision and shown rounded
//! as on screen (the cell's number format), so a reader can recompute with them.

use crate::core::view::table::{Cell, NotedTable};
use rust_xlsxwriter::{Color, Format, Workbook, XlsxError};

/// What the sheet says besides the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText<'a> {
    /// The sheet's name (Excel allows 31 characters, without `[]:*?/\`).
    pub name: &'a str,
    pub caption: &'a str,
    pub synthetic: bool,
    pub source: Option<&'a str>,
}

/// The badge row of a synthetic bundle.
pub const SYNTHETIC_BADGE: &str =
    "[SYNTHETIC] The bundle is marked synthetic: these numbers are not observed data.";

/// Widest column, in characters: longer text runs on (a note row is one cell wide).
const MAX_WIDTH: usize = 60;

fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "table".into()
    } else {
        clean
    }
}

/// The workbook's bytes: title, badge, caption, then each table (bold header, numbers with
/// the screen's decimals) with its notes, then the source.
pub fn workbook(text: &SheetText, tables: &[NotedTable]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(text.name))?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let badge = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0xB0_0020));
    let note = Format::new().set_italic();
    let number = |decimals: usize| {
        let places = decimals.min(10);
        let pattern = if places == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(places))
        };
        Format::new().set_num_format(pattern)
    };
    let mut widths: Vec<usize> = Vec::new();
    let mut widen = |col: usize, chars: usize| {
        if widths.len() <= col {
            widths.resize(col + 1, 0);
        }
        widths[col] = widths[col].max(chars.min(MAX_WIDTH));
    };
    let mut row: u32 = 0;
    if let Some(first) = tables.first() {
        sheet.write_string_with_format(row, 0, &first.table.title, &title)?;
        row += 1;
    }
    if text.synthetic {
        sheet.write_string_with_format(row, 0, SYNTHETIC_BADGE, &badge)?;
        row += 1;
    }
    sheet.write_string(row, 0, text.caption)?;
    row += 2;
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            sheet.write_string_with_format(row, 0, &t.table.title, &bold)?;
            row += 1;
        }
        for (col, h) in t.table.header.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, h, &bold)?;
            widen(col, h.chars().count());
        }
        row += 1;
        for cells in &t.table.rows {
            for (col, cell) in cells.iter().enumerate() {
                let c = col as u16;
                match cell {
                    Cell::Number { value, decimals } if value.is_finite() => {
                        sheet.write_number_with_format(row, c, *value, &number(*decimals))?;
                    }
                    // Excel has no NaN or infinity: the text says what the number is.
                    Cell::Number { .. } | Cell::Text(_) => {
                        sheet.write_string(row, c, cell.rounded())?;
                    }
                    Cell::Missing => {}
                }
                widen(col, cell.rounded().chars().count());
            }
            row += 1;
        }
        for n in &t.notes {
            sheet.write_string_with_format(row, 0, n, &note)?;
            row += 1;
        }
        row += 1;
    }
    if let Some(source) = text.source {
        sheet.write_string(row, 0, source)?;
    }
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*w as f64 + 2.0).max(8.0))?;
    }
    book.save_to_buffer()
}
