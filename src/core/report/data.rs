//! Panel and trends output (cli.md, `panel` and `trends`): CSV and JSON, full precision.

use super::{csv_field, to_json};
use crate::core::derive::{Comparison, Exclusion, Outcome, Panel, Trends};
use serde::Serialize;
use std::fmt::Write as _;

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// `panel --format csv`: `unit_id,name,treated,measure,outcome_base,outcome_end,
/// outcome_change,weight,<control columns>`, full precision.
pub fn panel_csv(panel: &Panel) -> String {
    let mut out =
        String::from("unit_id,name,treated,measure,outcome_base,outcome_end,outcome_change,weight");
    for c in &panel.control_names {
        out.push(',');
        out.push_str(&csv_field(c));
    }
    out.push('\n');
    for row in &panel.rows {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(&row.unit_id),
            csv_field(&row.name),
            row.treated,
            opt(row.measure),
            row.outcome_base,
            row.outcome_end,
            row.outcome_change(),
            row.weight
        );
        for v in &row.controls {
            let _ = write!(out, ",{v}");
        }
        out.push('\n');
    }
    out
}

/// One panel row as `panel --format json` prints it: the fixed fields, then the controls.
#[derive(Debug, Clone, Serialize)]
pub struct PanelRowJson<'a> {
    pub unit_id: &'a str,
    pub name: &'a str,
    pub treated: bool,
    pub measure: Option<f64>,
    pub outcome_base: f64,
    pub outcome_end: f64,
    pub outcome_change: f64,
    pub weight: f64,
    /// Control column → value, in the panel's order.
    #[serde(flatten)]
    pub controls: Controls<'a>,
}

/// Control columns and values of one row, serialised as a map in the declared order.
#[derive(Debug, Clone)]
pub struct Controls<'a> {
    pub names: &'a [String],
    pub values: &'a [f64],
}

impl Serialize for Controls<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.names.len()))?;
        for (name, value) in self.names.iter().zip(self.values) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// `panel --format json`: `{"rows": [...], "median": m, "excluded": [...]}` (cli.md).
#[derive(Debug, Clone, Serialize)]
pub struct PanelJson<'a> {
    pub rows: Vec<PanelRowJson<'a>>,
    pub median: Option<f64>,
    pub excluded: &'a [Exclusion],
}

impl<'a> PanelJson<'a> {
    /// The JSON shape of `panel`, fields in the documented order.
    pub fn new(panel: &'a Panel) -> PanelJson<'a> {
        let rows = panel
            .rows
            .iter()
            .map(|row| PanelRowJson {
                unit_id: &row.unit_id,
                name: &row.name,
                treated: row.treated,
                measure: row.measure,
                outcome_base: row.outcome_base,
                outcome_end: row.outcome_end,
                outcome_change: row.outcome_change(),
                weight: row.weight,
                controls: Controls {
                    names: &panel.control_names,
                    values: &row.controls,
                },
            })
            .collect();
        PanelJson {
            rows,
            median: panel.median,
            excluded: &panel.excluded,
        }
    }
}

/// `panel --format json`, pretty-printed.
pub fn panel_json(panel: &Panel) -> String {
    to_json(&PanelJson::new(panel))
}

/// `trends --format csv`: `month,group,rate,persons`, full precision.
pub fn trends_csv(trends: &Trends) -> String {
    let mut out = String::from("month,group,rate,persons\n");
    for p in &trends.points {
        let _ = writeln!(out, "{},{},{},{}", p.month, p.group.id(), p.rate, p.persons);
    }
    out
}

/// `trends --format json`: `{"outcome", "comparison", "marker", "points": [{month, group,
/// rate, persons}]}`.
#[derive(Debug, Clone, Serialize)]
pub struct TrendsJson<'a> {
    pub outcome: Outcome,
    pub comparison: Comparison,
    pub marker: crate::core::period::Month,
    pub points: &'a [crate::core::derive::TrendPoint],
}

/// `trends --format json`, pretty-printed.
pub fn trends_json(trends: &Trends, outcome: Outcome, comparison: Comparison) -> String {
    to_json(&TrendsJson {
        outcome,
        comparison,
        marker: trends.marker,
        points: &trends.points,
    })
}
