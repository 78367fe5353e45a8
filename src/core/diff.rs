//! What changed between two versions of a bundle: tables and row counts, new months and
//! waves, revised values, new or vanished units, and every headline estimate before and after.

use crate::core::bundle::{Bundle, Level, Table};
use crate::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use crate::core::estimate::{EstimateOptions, estimate_did};
use crate::core::period::Month;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How many revised values the report lists (largest absolute change first).
pub const TOP_REVISIONS: usize = 20;

/// Row counts of one table in both versions (`None`: missing or unreadable).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRows {
    pub table: String,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// One value present in both versions under the same key, with a different value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub table: String,
    /// The row's key, e.g. `08111 2019-03`.
    pub key: String,
    /// The name of the district or municipality the key starts with, where the bundles
    /// know it (district labels carry their type where names repeat).
    pub name: Option<String>,
    pub column: String,
    pub old: f64,
    pub new: f64,
    pub change: f64,
}

/// Units (districts, municipalities) that appear or vanish.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UnitChanges {
    pub new_districts: Vec<String>,
    pub vanished_districts: Vec<String>,
    pub new_municipalities: Vec<String>,
    pub vanished_municipalities: Vec<String>,
    /// The names of the ids above, from the bundle that has them.
    pub names: BTreeMap<String, String>,
}

/// The treatment coefficient of one estimate, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Headline {
    Estimate {
        estimate: f64,
        std_error: f64,
        p_value: f64,
        n: usize,
    },
    Failed {
        error: String,
    },
}

/// The two control specifications the diff re-estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum_macros::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Controls {
    /// The manifest's controls: the report's specification.
    All,
    None,
}

/// Which estimates a change of `bundle.toml` moves by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum_macros::Display)]
pub enum Moves {
    #[strum(to_string = "every estimate")]
    Every,
    #[strum(to_string = "every estimate reading that table")]
    ReadingTable,
    #[strum(to_string = "the estimates with controls all")]
    WithAllControls,
    #[strum(to_string = "the early-start estimates")]
    EarlyStart,
}

impl Moves {
    /// Whether this change can explain a change of `e`.
    pub fn explains(self, e: &EstimateChange) -> bool {
        match self {
            Moves::Every | Moves::ReadingTable => true,
            Moves::WithAllControls => e.controls == Controls::All,
            Moves::EarlyStart => e.comparison == Comparison::EarlyStart,
        }
    }
}

/// Serialised as its sentence, the shape `diff --format json` has always had.
impl Serialize for Moves {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One comparison × outcome (× level) × controls, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateChange {
    pub outcome: Outcome,
    pub comparison: Comparison,
    pub level: Level,
    /// `all` (the manifest's controls: the report's specification) or `none`.
    pub controls: Controls,
    pub old: Headline,
    pub new: Headline,
    /// new − old of the coefficient and p-value, when both exist.
    pub estimate_change: Option<f64>,
    pub p_value_change: Option<f64>,
}

/// One setting of `bundle.toml` that differs (`periods.employment_end`, `controls`,
/// `tables.activity`), and which estimates it moves by itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManifestChange {
    pub setting: String,
    /// The setting's value as `bundle.toml` spells it; `None`: not set.
    pub old: Option<String>,
    pub new: Option<String>,
    pub explains: Moves,
}

/// Everything `wirkung diff` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleDiff {
    /// Changes of `bundle.toml` (periods, rules, controls, tables' files), reported first:
    /// they move estimates without any data being revised.
    pub manifest: Vec<ManifestChange>,
    pub tables: Vec<TableRows>,
    pub new_months: Vec<Month>,
    pub vanished_months: Vec<Month>,
    pub new_waves: Vec<chrono::NaiveDate>,
    pub vanished_waves: Vec<chrono::NaiveDate>,
    /// All revised values found (the list below holds the largest).
    pub revisions_total: usize,
    pub revisions: Vec<Revision>,
    /// Months with at least one revised employment value.
    pub revised_months: Vec<Month>,
    pub units: UnitChanges,
    pub estimates: Vec<EstimateChange>,
}

/// Compares two loaded bundles.
pub fn diff(old: &Bundle, new: &Bundle) -> BundleDiff {
    let tables = Table::ALL
        .iter()
        .map(|t| TableRows {
            table: t.name().to_string(),
            old: old.sources.get(t).map(|s| s.rows),
            new: new.sources.get(t).map(|s| s.rows),
        })
        .collect();
    let months = |b: &Bundle| {
        b.employment
            .iter()
            .map(|e| e.month)
            .collect::<BTreeSet<_>>()
    };
    let waves = |b: &Bundle| {
        b.target_group
            .iter()
            .map(|t| t.wave)
            .collect::<BTreeSet<_>>()
    };
    let (om, nm) = (months(old), months(new));
    let (ow, nw) = (waves(old), waves(new));
    let (mut revisions, revised_months) = revisions(old, new);
    revisions.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
    let revisions_total = revisions.len();
    revisions.truncate(TOP_REVISIONS);
    let names = unit_names(old, new);
    for r in &mut revisions {
        r.name = r
            .key
            .split(' ')
            .next()
            .and_then(|id| names.get(id))
            .cloned();
    }
    BundleDiff {
        manifest: manifest_changes(old, new),
        tables,
        new_months: nm.difference(&om).copied().collect(),
        vanished_months: om.difference(&nm).copied().collect(),
        new_waves: nw.difference(&ow).copied().collect(),
        vanished_waves: ow.difference(&nw).copied().collect(),
        revisions_total,
        revisions,
        revised_months: revised_months.into_iter().collect(),
        units: units(old, new, &names),
        estimates: estimates(old, new),
    }
}

/// The same diff with the headline estimates that moved most first (the dashboard's change
/// view sorted by size); estimates without a change on both sides come last.
pub fn by_size(d: &BundleDiff) -> BundleDiff {
    let mut sorted = d.clone();
    sorted.estimates.sort_by(|a, b| {
        let size = |e: &EstimateChange| e.estimate_change.map(f64::abs);
        match (size(a), size(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    sorted
}

/// Names of every district and municipality of either bundle by id (the newer bundle's name
/// where both have one). Municipality names that repeat within a bundle carry their
/// district's label, as district names carry their type.
fn unit_names(old: &Bundle, new: &Bundle) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for b in [old, new] {
        let district: BTreeMap<&str, &str> = b
            .districts
            .iter()
            .map(|d| (d.district_id.as_str(), d.name.as_str()))
            .collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &b.municipalities {
            *count.entry(m.name.as_str()).or_default() += 1;
        }
        for d in &b.districts {
            names.insert(d.district_id.clone(), d.name.clone());
        }
        for m in &b.municipalities {
            let name = match district.get(m.district_id.as_str()) {
                Some(d) if count[m.name.as_str()] > 1 => format!("{} ({d})", m.name),
                _ => m.name.clone(),
            };
            names.insert(m.municipality_id.clone(), name);
        }
    }
    names
}

/// The settings of `bundle.toml` that differ, section by section; the bundle's own
/// description (name, source) is no setting of the analysis and is left out.
fn manifest_changes(old: &Bundle, new: &Bundle) -> Vec<ManifestChange> {
    let settings = |b: &Bundle| -> BTreeMap<String, String> {
        let m = &b.manifest;
        let mut out = BTreeMap::new();
        for (section, value) in [
            ("periods", serde_json::to_value(&m.periods)),
            ("rules", serde_json::to_value(&m.rules)),
        ] {
            if let Ok(serde_json::Value::Object(fields)) = value {
                for (k, v) in fields {
                    out.insert(format!("{section}.{k}"), plain(&v));
                }
            }
        }
        // Controls by column: a relabelled or re-scoped control is one changed line.
        for c in &m.controls {
            let spec = serde_json::to_value(c)
                .map(|v| plain(&v))
                .unwrap_or_default();
            out.insert(format!("controls.{}", c.column), spec);
        }
        for (table, file) in &m.tables {
            out.insert(format!("tables.{table}"), file.clone());
        }
        out
    };
    let (o, n) = (settings(old), settings(new));
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    keys.into_iter()
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| ManifestChange {
            setting: k.clone(),
            old: o.get(k).cloned(),
            new: n.get(k).cloned(),
            explains: if k == "rules.early_cutoff" {
                Moves::EarlyStart
            } else if k.starts_with("controls.") {
                Moves::WithAllControls
            } else if k.starts_with("tables.") {
                Moves::ReadingTable
            } else {
                Moves::Every
            },
        })
        .collect()
}

/// A JSON value as `bundle.toml` would spell it (strings without quotes).
fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One row's numeric values, and the month of employment data it holds (revised months are
/// taken from here, not read back out of the printed key).
struct KeyedRow {
    employment_month: Option<Month>,
    values: Vec<(&'static str, Option<f64>)>,
}

impl KeyedRow {
    fn new(values: Vec<(&'static str, Option<f64>)>) -> KeyedRow {
        KeyedRow {
            employment_month: None,
            values,
        }
    }
}

/// Rows by the key the report prints (`08111 2019-03`).
type Keyed = BTreeMap<String, KeyedRow>;

/// Keyed numeric values of the tables whose revisions matter for the estimates.
fn keyed(b: &Bundle) -> Vec<(Table, Keyed)> {
    let mut employment = Keyed::new();
    for e in &b.employment {
        employment.insert(
            format!("{} {}", e.district_id, e.month),
            KeyedRow {
                employment_month: Some(e.month),
                values: vec![
                    ("employed_total", Some(e.employed_total as f64)),
                    ("employed_sv", Some(e.employed_sv as f64)),
                ],
            },
        );
    }
    let mut population = Keyed::new();
    for p in &b.population {
        population.insert(
            format!("{} {}", p.district_id, p.year),
            KeyedRow::new(vec![("persons_15_64", Some(p.persons_15_64 as f64))]),
        );
    }
    let f = |v: Option<i64>| v.map(|x| x as f64);
    let mut target = Keyed::new();
    for t in &b.target_group {
        target.insert(
            format!("{} {}", t.municipality_id, t.wave),
            KeyedRow::new(vec![
                ("target_persons", f(t.target_persons)),
                ("housing_decentral", f(t.housing_decentral)),
                ("housing_shared", f(t.housing_shared)),
                ("housing_unknown", f(t.housing_unknown)),
                ("with_plan", f(t.with_plan)),
            ]),
        );
    }
    let mut staffing = Keyed::new();
    for s in &b.staffing {
        staffing.insert(
            s.municipality_id.clone(),
            KeyedRow::new(vec![
                ("fte_before", s.fte_before),
                ("fte_after", s.fte_after),
            ]),
        );
    }
    vec![
        (Table::Employment, employment),
        (Table::Population, population),
        (Table::TargetGroup, target),
        (Table::Staffing, staffing),
    ]
}

/// Every value present in both versions that changed, and the employment months revised.
fn revisions(old: &Bundle, new: &Bundle) -> (Vec<Revision>, BTreeSet<Month>) {
    let mut out = Vec::new();
    let mut months = BTreeSet::new();
    for ((table, o), (_, n)) in keyed(old).into_iter().zip(keyed(new)) {
        for (key, old_row) in &o {
            let Some(new_row) = n.get(key) else {
                continue;
            };
            for ((column, a), (_, b)) in old_row.values.iter().zip(&new_row.values) {
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    months.extend(old_row.employment_month);
                    out.push(Revision {
                        table: table.name().to_string(),
                        key: key.clone(),
                        name: None,
                        column: column.to_string(),
                        old: *a,
                        new: *b,
                        change: b - a,
                    });
                }
            }
        }
    }
    (out, months)
}

fn units(old: &Bundle, new: &Bundle, names: &BTreeMap<String, String>) -> UnitChanges {
    let d = |b: &Bundle| {
        b.districts
            .iter()
            .map(|d| d.district_id.clone())
            .collect::<BTreeSet<_>>()
    };
    let m = |b: &Bundle| {
        b.municipalities
            .iter()
            .map(|m| m.municipality_id.clone())
            .collect::<BTreeSet<_>>()
    };
    let (od, nd, om, nm) = (d(old), d(new), m(old), m(new));
    let changes = UnitChanges {
        new_districts: nd.difference(&od).cloned().collect(),
        vanished_districts: od.difference(&nd).cloned().collect(),
        new_municipalities: nm.difference(&om).cloned().collect(),
        vanished_municipalities: om.difference(&nm).cloned().collect(),
        names: BTreeMap::new(),
    };
    let listed: Vec<&String> = [
        &changes.new_districts,
        &changes.vanished_districts,
        &changes.new_municipalities,
        &changes.vanished_municipalities,
    ]
    .into_iter()
    .flatten()
    .collect();
    let names = listed
        .into_iter()
        .filter_map(|id| Some((id.clone(), names.get(id)?.clone())))
        .collect();
    UnitChanges { names, ..changes }
}

/// The treatment coefficient with the given controls and the default options (HC1,
/// weighted).
pub fn headline(
    b: &Bundle,
    outcome: Outcome,
    comparison: Comparison,
    level: Level,
    controls: ControlSelection,
) -> Headline {
    let spec = PanelSpec {
        outcome,
        comparison,
        level,
        controls,
        rules: b.manifest.rules.clone(),
    };
    let failed = |error: String| Headline::Failed { error };
    let panel = match derive::panel(b, &spec) {
        Ok(p) => p,
        Err(e) => return failed(e.to_string()),
    };
    let est = match estimate_did(&panel, EstimateOptions::default()) {
        Ok(e) => e,
        Err(e) => return failed(format!("estimation failed: {e}")),
    };
    match est.fit.treated() {
        Some(c) => Headline::Estimate {
            estimate: c.estimate,
            std_error: c.std_error,
            p_value: c.p_value,
            n: est.fit.n,
        },
        None => failed("no treatment coefficient".into()),
    }
}

fn estimates(old: &Bundle, new: &Bundle) -> Vec<EstimateChange> {
    let mut out = Vec::new();
    for &comparison in Comparison::ALL {
        for &outcome in Outcome::ALL {
            for (level, (controls, selection)) in [Level::District, Level::Municipality]
                .into_iter()
                .flat_map(|l| {
                    [
                        (Controls::All, ControlSelection::All),
                        (Controls::None, ControlSelection::None),
                    ]
                    .map(|c| (l, c))
                })
            {
                if derive::check_supported(outcome, comparison, level).is_err() {
                    continue;
                }
                let (o, n) = (
                    headline(old, outcome, comparison, level, selection.clone()),
                    headline(new, outcome, comparison, level, selection),
                );
                let (estimate_change, p_value_change) = match (&o, &n) {
                    (
                        Headline::Estimate {
                            estimate: a,
                            p_value: pa,
                            ..
                        },
                        Headline::Estimate {
                            estimate: b,
                            p_value: pb,
                            ..
                        },
                    ) => (Some(b - a), Some(pb - pa)),
                    _ => (None, None),
                };
                out.push(EstimateChange {
                    outcome,
                    comparison,
                    level,
                    controls,
                    old: o,
                    new: n,
                    estimate_change,
                    p_value_change,
                });
            }
        }
    }
    out
}

fn count(n: Option<usize>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "missing".into())
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Ids with their names: `08111 Stuttgart, 08212 Karlsruhe (Stadtkreis)`.
fn list_named(ids: &[String], names: &BTreeMap<String, String>) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter()
        .map(|id| match names.get(id) {
            Some(n) => format!("{id} {n}"),
            None => id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn headline_text(h: &Headline) -> String {
    match h {
        Headline::Estimate {
            estimate,
            std_error,
            p_value,
            ..
        } => format!("{estimate:>7.2} ({std_error:.2}) p={p_value:.3}"),
        Headline::Failed { .. } => format!("{:>24}", "—"),
    }
}

/// The diff as text for people.
pub fn diff_text(d: &BundleDiff) -> String {
    let mut out = String::new();
    if d.manifest.is_empty() {
        out.push_str("Manifest (bundle.toml): unchanged\n\n");
    } else {
        out.push_str("Manifest (bundle.toml) changed: these alone move estimates\n");
        for c in &d.manifest {
            let _ = writeln!(
                out,
                "  {:<28}{} -> {}   (moves {})",
                c.setting,
                c.old.as_deref().unwrap_or("(not set)"),
                c.new.as_deref().unwrap_or("(not set)"),
                c.explains
            );
        }
        out.push('\n');
    }
    out.push_str("Tables (rows old -> new)\n");
    for t in &d.tables {
        let mark = if t.old == t.new { "" } else { "  *" };
        let _ = writeln!(
            out,
            "  {:<16}{:>8} -> {:<8}{mark}",
            t.table,
            count(t.old),
            count(t.new)
        );
    }
    let _ = writeln!(out, "\nNew months: {}", list(&d.new_months));
    if !d.vanished_months.is_empty() {
        let _ = writeln!(out, "Vanished months: {}", list(&d.vanished_months));
    }
    let _ = writeln!(out, "New survey waves: {}", list(&d.new_waves));
    if !d.vanished_waves.is_empty() {
        let _ = writeln!(out, "Vanished survey waves: {}", list(&d.vanished_waves));
    }
    let u = &d.units;
    let _ = writeln!(
        out,
        "Districts: new {}; vanished {}",
        list_named(&u.new_districts, &u.names),
        list_named(&u.vanished_districts, &u.names)
    );
    let _ = writeln!(
        out,
        "Municipalities: new {}; vanished {}",
        list_named(&u.new_municipalities, &u.names),
        list_named(&u.vanished_municipalities, &u.names)
    );
    let _ = writeln!(
        out,
        "\nRevised values: {} (employment months revised: {})",
        d.revisions_total,
        list(&d.revised_months)
    );
    for r in &d.revisions {
        let _ = writeln!(
            out,
            "  {:<13}{:<22}{:<30}{:<18}{:>12} -> {:<12}({:+})",
            r.table,
            r.key,
            r.name.as_deref().unwrap_or(""),
            r.column,
            r.old,
            r.new,
            r.change
        );
    }
    if d.revisions_total > d.revisions.len() {
        let _ = writeln!(
            out,
            "  ... and {} smaller revisions",
            d.revisions_total - d.revisions.len()
        );
    }
    let _ = writeln!(
        out,
        "\nHeadline estimates (treatment coefficient, SE, p; HC1, weighted; controls all = the manifest's)"
    );
    if !d.manifest.is_empty() {
        out.push_str(
            "  (manifest): moved by a bundle.toml change above, not by revised data alone\n",
        );
    }
    for e in &d.estimates {
        let level = match e.level {
            Level::District => "",
            Level::Municipality => " (municipalities)",
        };
        let change = match (e.estimate_change, e.p_value_change) {
            (Some(c), Some(p)) => format!("Δ {c:+.2}, Δp {p:+.3}"),
            _ => String::new(),
        };
        // Which of the manifest's changes can explain this estimate's change.
        let explained = d.manifest.iter().any(|c| c.explains.explains(e));
        let change = if explained && e.old != e.new {
            format!("{change}  (manifest)")
        } else {
            change
        };
        let _ = writeln!(
            out,
            "  {:<58} {}  ->  {}  {change}",
            format!(
                "{} / {}{level}, controls {}",
                e.comparison.id(),
                e.outcome.id(),
                e.controls
            ),
            headline_text(&e.old),
            headline_text(&e.new)
        );
        for (which, h) in [("old", &e.old), ("new", &e.new)] {
            if let Headline::Failed { error } = h {
                let _ = writeln!(out, "      {which}: {error}");
            }
        }
    }
    out
}

/// The diff as pretty-printed JSON (full precision).
pub fn diff_json(d: &BundleDiff) -> String {
    serde_json::to_string_pretty(d).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
