//! The regression table as the report prints it (Tab. 12–18): coefficient with stars,
//! robust standard error in parentheses below, then constant, N and R², one column per model.

use super::fit;
use crate::core::derive::Panel;
use crate::core::estimate::{Coefficient, DidEstimate};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, Widget};

/// One model column: its header and what estimating it gave.
pub struct Model<'a> {
    pub header: &'a str,
    pub result: &'a Result<(Panel, DidEstimate), String>,
}

pub struct RegressionTable<'a> {
    pub models: [Model<'a>; 2],
    /// Row label of the treatment coefficient (the treated group's name).
    pub treated_label: &'a str,
    /// (column, label) of the controls, in the manifest's order.
    pub control_labels: &'a [(String, String)],
    pub theme: &'a Theme,
}

/// Stars as the report uses them: * p<0.10, ** p<0.05, *** p<0.01.
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

/// One decimal like the report, without a sign on a rounded zero.
pub fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

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
        let mut terms: Vec<(String, String)> =
            vec![("treated".into(), self.treated_label.to_string())];
        for (column, label) in self.control_labels {
            if fits
                .iter()
                .flatten()
                .any(|e| e.fit.coefficient(column).is_some())
            {
                terms.push((column.clone(), label.clone()));
            }
        }
        terms.push(("const".into(), "Constant".into()));

        // Where the report's two rows per term do not fit (80×24 with many controls), the
        // standard error goes next to the coefficient instead of below it.
        let compact = 1 + 2 * terms.len() + 2 > area.height as usize;
        let value_w: u16 = if compact { 15 } else { 12 };
        let label_w = (area.width as usize)
            .saturating_sub(2 * value_w as usize + 2)
            .clamp(10, 44);
        let mut rows: Vec<Row> = Vec::new();
        for (term, label) in &terms {
            let cells: Vec<(String, String)> = fits
                .iter()
                .map(|f| coefficient_cells(f.and_then(|e| e.fit.coefficient(term))))
                .collect();
            let style = if term == "treated" { t.title } else { t.text };
            let value = |(coef, se): &(String, String)| {
                let text = if compact && !coef.is_empty() {
                    format!("{coef} {}", se.trim_end())
                } else {
                    coef.clone()
                };
                let pad = if compact { "   " } else { "" };
                Cell::from(Line::from(format!("{text}{pad}")).right_aligned()).style(style)
            };
            rows.push(Row::new(vec![
                Cell::from(fit(label, label_w)).style(style),
                value(&cells[0]),
                value(&cells[1]),
            ]));
            if !compact {
                rows.push(Row::new(vec![
                    Cell::from(""),
                    Cell::from(Line::from(cells[0].1.clone()).right_aligned()).style(t.dim),
                    Cell::from(Line::from(cells[1].1.clone()).right_aligned()).style(t.dim),
                ]));
            }
        }
        let stat = |label: &str, f: &dyn Fn(&DidEstimate) -> String| {
            let mut cells = vec![Cell::from(label.to_string())];
            for (fit, model) in fits.iter().zip(&self.models) {
                let text = match (fit, model.result) {
                    (Some(e), _) => format!("{}   ", f(e)),
                    (None, Err(_)) => "–   ".to_string(),
                    (None, Ok(_)) => String::new(),
                };
                cells.push(Cell::from(Line::from(text).right_aligned()));
            }
            Row::new(cells)
        };
        rows.push(stat("N", &|e| e.fit.n.to_string()));
        rows.push(stat("R²", &|e| format!("{:.2}", e.fit.r2)));

        let header = Row::new(vec![
            Cell::from(""),
            Cell::from(Line::from(format!("{}   ", self.models[0].header)).right_aligned()),
            Cell::from(Line::from(format!("{}   ", self.models[1].header)).right_aligned()),
        ])
        .style(t.title);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_follow_the_report() {
        assert_eq!(stars(0.005), "***");
        assert_eq!(stars(0.049), "**");
        assert_eq!(stars(0.056), "*");
        assert_eq!(stars(0.10), "");
        assert_eq!(one_decimal(-0.04), "0.0");
        assert_eq!(one_decimal(-0.95), "-0.9");
    }
}
