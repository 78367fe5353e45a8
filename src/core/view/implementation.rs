//! Page 8, Implementation: the report's chapter 3 (how the programme was implemented) and
//! chapter 4 (best-possible implementation) as the exhibits `wirkung exhibit` prints, one
//! selected at a time, with the share column drawn as bars.

use crate::core::bundle::Bundle;
use crate::core::choices::Choices;
use crate::core::exhibit::{self, Exhibit, ExhibitError};
use crate::core::view::table::{Cell, TableData};

/// The exhibits of the page, in the report's order, with their short names for the list
/// (Abb. 43, one row per district, stays on the Staffing page).
pub const PAGE_EXHIBITS: [(&str, &str); 12] = [
    ("abb7", "Abb. 7 funded FTE"),
    ("staffing-before", "§3.2 staff before IM"),
    ("abb9", "Abb. 9 organisation"),
    ("abb22", "Abb. 22 clients per IM"),
    ("abb25", "Abb. 25 plan use"),
    ("abb26", "Abb. 26 plan coverage"),
    ("abb33", "Abb. 33 hours per task"),
    ("abb33-location", "Abb. 33 talk location"),
    ("abb39", "Abb. 39 best practice"),
    ("tab7", "Tab. 7 by organisation"),
    ("tab9", "Tab. 9 staff before IM"),
    ("tab10", "Tab. 10 staffing ratio"),
];

/// One exhibit of the page, or why the bundle cannot fill it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExhibitItem {
    pub short: &'static str,
    pub exhibit: Result<Exhibit, ExhibitError>,
    /// The column drawn as bars: the only share column of the exhibit, if it has one.
    pub bar_column: Option<usize>,
}

/// What the Implementation page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplementationView {
    pub items: Vec<ExhibitItem>,
}

impl ImplementationView {
    /// The page; it depends on the bundle alone (the choices only carry the defaults).
    pub fn build(bundle: &Bundle, choices: &Choices) -> ImplementationView {
        let items = PAGE_EXHIBITS
            .iter()
            .map(|(id, short)| {
                let exhibit = exhibit::build(id, bundle, choices);
                let bar_column = exhibit.as_ref().ok().and_then(share_column);
                ExhibitItem {
                    short,
                    exhibit,
                    bar_column,
                }
            })
            .collect();
        ImplementationView { items }
    }

    /// Every exhibit in one long table (the export): exhibit, row, column, value.
    pub fn table(&self) -> TableData {
        let mut rows = Vec::new();
        for item in &self.items {
            let Ok(e) = &item.exhibit else { continue };
            for r in &e.rows {
                for (c, v) in e.columns.iter().zip(&r.values) {
                    rows.push(vec![
                        Cell::text(e.id),
                        Cell::text(&r.label),
                        Cell::text(&c.key),
                        match v {
                            Some(v) => Cell::Number {
                                value: *v,
                                decimals: c.decimals,
                            },
                            None => Cell::Missing,
                        },
                    ]);
                }
            }
        }
        TableData {
            title: "How the programme was implemented (report chapters 3 and 4)".into(),
            header: vec![
                "exhibit".into(),
                "row".into(),
                "column".into(),
                "value".into(),
            ],
            rows,
        }
    }
}

/// A percentage column worth drawing as bars: the exhibit's only column in percent.
fn share_column(e: &Exhibit) -> Option<usize> {
    let shares: Vec<usize> = e
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.key.ends_with("pct") || c.key.ends_with("_week"))
        .map(|(i, _)| i)
        .collect();
    match shares.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}
