//! The regression table as the report prints it (Tab. 12–18): coefficient with stars,
//! robust standard error in parentheses below, then constant, N, R² and the minimum detectable
//! effect, one column per model.

use super::fit;
use crate::core::derive::Panel;
use crate::core::estimate::{Coefficient, DidEstimate, Term};
use crate::tui::analysis::AnalysisError;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, Widget};

/// One model column: its header and what estimating it gave.
pub struct Model<'a> {
    pub header: &'a str,
    pub result: &'a Result<(Panel, DidEstimate), AnalysisError>,
}

pub struct RegressionTable<'a> {
    pub models: [Model<'a>; 2],
    /// Row label of the treatment coefficient (the treated group's name).
    pub treated_label: &'a str,
    /// (column, label) of the controls, in the manifest's order.
    pub control_labels: &'a [(String, String)],
    pub theme: &'a Theme,
}

// The report's number format, shared with the CLI's text output.
pub use crate::core::report::{one_decimal, stars};

fn coefficient_cells(c: Option<&Coefficient>) -> (String, String) {
    match c {
        Some(c) => (
            format!("{}{:<3}", one_decimal(c.estimate), stars(c.p_value)),
            format!("({})   ", one_decimal(c.std_error)),
        ),
        None => (String::new(), String::new()),
    }
}

impl Widget for RegressionTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let fits: Vec<Option<&DidEstimate>> = self
            .models
            .iter()
            .map(|m| m.result.as_ref().ok().map(|r| &r.1))
            .collect();
        // Terms in the report's order: treatment, controls, constant.
        let mut terms: Vec<(Term, String)> = vec![(Term::Treated, self.treated_label.to_string())];
        for (column, label) in self.control_labels {
            let term = Term::Named(column.clone());
            if fits
                .iter()
                .flatten()
                .any(|e| e.fit.coefficient(&term).is_some())
            {
                terms.push((term, label.clone()));
            }
        }
        terms.push((Term::Constant, "Constant".into()));

        // Where the report's two rows per term do not fit (80×24 with many controls), the
        // standard error goes next to the coefficient instead of below it.
        let compact = 1 + 2 * terms.len() + 3 > area.height as usize;
        let pad = if compact { "" } else { "   " };
        // (label, [coefficient text; 2], [standard-error text; 2]) per term.
        let term_rows: Vec<(&Term, &String, [String; 2], [String; 2])> = terms
            .iter()
            .map(|(term, label)| {
                let cells: Vec<(String, String)> = fits
                    .iter()
                    .map(|f| coefficient_cells(f.and_then(|e| e.fit.coefficient(term))))
                    .collect();
                let coef = |(c, s): &(String, String)| {
                    if compact && !c.is_empty() {
                        format!("{c} {}", s.trim_end())
                    } else {
                        c.clone()
                    }
                };
                (
                    term,
                    label,
                    [coef(&cells[0]), coef(&cells[1])],
                    [cells[0].1.clone(), cells[1].1.clone()],
                )
            })
            .collect();
        let stat = |f: &dyn Fn(&DidEstimate) -> String| -> [String; 2] {
            let cell = |i: usize| match (fits[i], self.models[i].result) {
                (Some(e), _) => format!("{}{pad}", f(e)),
                (None, Err(_)) => format!("–{pad}"),
                (None, Ok(_)) => String::new(),
            };
            [cell(0), cell(1)]
        };
        let n = stat(&|e| e.fit.n.to_string());
        let r2 = stat(&|e| format!("{:.2}", e.fit.r2));
        // What the treatment estimate could have detected (80% power, 5% two-sided).
        let mde = stat(&|e| e.mde_80.map_or("–".into(), |m| format!("{m:.1}")));
        let headers = [
            format!("{}{pad}", self.models[0].header),
            format!("{}{pad}", self.models[1].header),
        ];
        // Value columns as wide as their widest text, so a long coefficient is never cut.
        let value_w = term_rows
            .iter()
            .flat_map(|r| r.2.iter().chain(r.3.iter()))
            .chain(n.iter())
            .chain(r2.iter())
            .chain(mde.iter())
            .chain(headers.iter())
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .max(10) as u16;
        let label_w = (area.width as usize)
            .saturating_sub(2 * value_w as usize + 2)
            .clamp(10, 44);
        let right = |s: &str| Cell::from(Line::from(s.to_string()).right_aligned());
        let mut rows: Vec<Row> = Vec::new();
        for (term, label, coefs, ses) in &term_rows {
            let style = if **term == Term::Treated {
                t.title
            } else {
                t.text
            };
            rows.push(Row::new(vec![
                Cell::from(fit(label, label_w)).style(style),
                right(&coefs[0]).style(style),
                right(&coefs[1]).style(style),
            ]));
            if !compact {
                rows.push(Row::new(vec![
                    Cell::from(""),
                    right(&ses[0]).style(t.dim),
                    right(&ses[1]).style(t.dim),
                ]));
            }
        }
        rows.push(Row::new(vec![Cell::from("N"), right(&n[0]), right(&n[1])]));
        rows.push(Row::new(vec![
            Cell::from("R²"),
            right(&r2[0]),
            right(&r2[1]),
        ]));
        rows.push(Row::new(vec![
            Cell::from("MDE 80%, pp"),
            right(&mde[0]),
            right(&mde[1]),
        ]));
        let header =
            Row::new(vec![Cell::from(""), right(&headers[0]), right(&headers[1])]).style(t.title);
        Table::new(
            rows,
            [
                Constraint::Length(label_w as u16),
                Constraint::Length(value_w),
                Constraint::Length(value_w),
            ],
        )
        .header(header)
        .column_spacing(1)
        .render(area, buf);
    }
}
