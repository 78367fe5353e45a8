//! Abb. 5 as a map: the districts of the current comparison (BW, and for BW vs neighbours the
//! neighbouring states' too) with their group (treated, control, not in the comparison) and a
//! colour class, either the district's start quarter or the comparison's district measure
//! (the measure of a median split, else the outcome change). The dashboard's map widget and
//! the SVG export draw this model and compute nothing themselves.
//!
//! Boundaries: `sample-data/geo/districts-bw-neighbours.json`, written by
//! `sample-data/geo/make_boundaries.py` from public data (source, licence and vintage are in
//! that file and in `MapView::attribution`).

use crate::core::bundle::{Bundle, Level};
use crate::core::choices::Choices;
use crate::core::derive::panel::{assign_groups, panel};
use crate::core::derive::start::district_starts;
use crate::core::derive::{Comparison, PanelSpec};
use crate::core::robust::dose::measure_unit;
use crate::core::view::table::{Cell, TableData};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const BOUNDARIES_JSON: &str = include_str!("../../../sample-data/geo/districts-bw-neighbours.json");

/// Degrees to km in a plane through the middle of the map (equirectangular at 49° N): BW and
/// its neighbours span about 4° of latitude, where this distorts areas by a few per cent.
const KM_PER_DEG_LAT: f64 = 110.57;
const KM_PER_DEG_LON_AT_49N: f64 = 111.32 * 0.656_059; // cos 49°

#[derive(Deserialize)]
struct BoundaryFile {
    source: String,
    licence: String,
    vintage: String,
    districts: Vec<BoundaryDistrict>,
}

#[derive(Deserialize)]
struct BoundaryDistrict {
    id: String,
    /// Polygons, each its outer ring then its holes, as `[lon, lat]` in degrees.
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

struct Boundaries {
    attribution: String,
    /// Rings in km, by district id.
    rings: BTreeMap<String, Vec<Vec<(f64, f64)>>>,
}

fn boundaries() -> &'static Boundaries {
    static CELL: OnceLock<Boundaries> = OnceLock::new();
    CELL.get_or_init(|| {
        // The file is part of the program (include_str!), checked by the tests; a parse
        // failure is a build defect, not bad user input.
        let file: BoundaryFile =
            serde_json::from_str(BOUNDARIES_JSON).expect("embedded boundary file is valid JSON");
        let rings = file
            .districts
            .into_iter()
            .map(|d| {
                let rings = d
                    .polygons
                    .into_iter()
                    .flatten()
                    .map(|ring| {
                        ring.into_iter()
                            .map(|[lon, lat]| project(lon, lat))
                            .collect()
                    })
                    .collect();
                (d.id, rings)
            })
            .collect();
        Boundaries {
            attribution: format!(
                "Boundaries: {}; licence: {}; vintage: {}",
                file.source, file.licence, file.vintage
            ),
            rings,
        }
    })
}

fn project(lon: f64, lat: f64) -> (f64, f64) {
    (lon * KM_PER_DEG_LON_AT_49N, lat * KM_PER_DEG_LAT)
}

/// What the colour classes show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum MapColouring {
    /// The district's start quarter (BW districts only; the report's Abb. 5).
    #[default]
    StartDate,
    /// The comparison's district measure (median-split comparisons) or the outcome change.
    Measure,
}

impl MapColouring {
    pub fn other(self) -> MapColouring {
        match self {
            MapColouring::StartDate => MapColouring::Measure,
            MapColouring::Measure => MapColouring::StartDate,
        }
    }
}

/// A district's part in the comparison: drawn with its own fill pattern, so the split reads
/// without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapGroup {
    Treated,
    Control,
    /// Shown for orientation, not in the comparison (or excluded from it).
    Outside,
}

/// One district on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapDistrict {
    pub id: String,
    pub name: String,
    pub group: MapGroup,
    /// Index into `MapView::classes`; `None` when the district has no value.
    pub class: Option<usize>,
    pub value: Option<f64>,
    /// Rings (outer rings and holes alike; drawn even-odd) in km east and north.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// Bounding box `(x_min, y_min, x_max, y_max)` in km.
    pub bbox: (f64, f64, f64, f64),
}

impl MapDistrict {
    /// Whether the point (km) lies inside the district (even-odd rule over all rings).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let (x0, y0, x1, y1) = self.bbox;
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return false;
        }
        let mut inside = false;
        for ring in &self.rings {
            for (a, b) in ring.iter().zip(ring.iter().cycle().skip(1)) {
                if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// The map for one set of choices.
#[derive(Debug, Clone, PartialEq)]
pub struct MapView {
    /// `Districts by start quarter – BW vs neighbouring states`.
    pub title: String,
    pub colouring: MapColouring,
    /// What the colour classes are, with the unit.
    pub class_heading: String,
    /// Class labels, in order (a sequential palette runs along them).
    pub classes: Vec<String>,
    pub treated_label: &'static str,
    pub control_label: &'static str,
    pub districts: Vec<MapDistrict>,
    /// `(x_min, y_min, x_max, y_max)` of all districts, km.
    pub bounds: (f64, f64, f64, f64),
    /// Districts of the comparison the boundary file has no polygon for.
    pub without_boundary: Vec<String>,
    /// Source, licence and vintage of the boundaries.
    pub attribution: String,
    /// Why there are no classes, when there are none (no grants, no measure ...).
    pub note: Option<String>,
}

impl MapView {
    /// The map for the comparison, outcome and cutoff in `choices`.
    pub fn build(bundle: &Bundle, choices: &Choices, colouring: MapColouring) -> MapView {
        let comparison = choices.comparison;
        let rules = choices.rules(bundle);
        let groups = assign_groups(bundle, comparison, Level::District, &rules).ok();
        let show_neighbours = comparison == Comparison::BwVsNeighbours;
        let shown: Vec<_> = bundle
            .districts
            .iter()
            .filter(|d| show_neighbours || d.state == "BW")
            .collect();

        let (class_heading, values, note) = match colouring {
            MapColouring::StartDate => {
                let starts = district_starts(bundle, &rules);
                let values: BTreeMap<String, f64> = starts
                    .iter()
                    .map(|s| (s.district_id.clone(), quarter_index(s.start)))
                    .collect();
                let note = values
                    .is_empty()
                    .then(|| "no district has a start date (grants missing?)".to_string());
                ("Start quarter (BW districts)".to_string(), values, note)
            }
            MapColouring::Measure => measure_values(bundle, choices, groups.as_ref()),
        };
        let classes = match colouring {
            MapColouring::StartDate => quarter_classes(&values),
            MapColouring::Measure => quartile_classes(&values),
        };

        let geo = boundaries();
        let mut without_boundary = Vec::new();
        let mut districts = Vec::new();
        for d in shown {
            let group = match groups.as_ref().and_then(|g| g.assigned.get(&d.district_id)) {
                Some(a) if a.treated => MapGroup::Treated,
                Some(_) => MapGroup::Control,
                None => MapGroup::Outside,
            };
            let Some(rings) = geo.rings.get(&d.district_id) else {
                if group != MapGroup::Outside {
                    without_boundary.push(format!("{} {}", d.district_id, d.name));
                }
                continue;
            };
            let value = values.get(&d.district_id).copied();
            districts.push(MapDistrict {
                id: d.district_id.clone(),
                name: d.name.clone(),
                group,
                class: value.and_then(|v| classes.index_of(v)),
                value,
                bbox: bbox(rings.iter().flatten()),
                rings: rings.clone(),
            });
        }
        let bounds = bbox(districts.iter().flat_map(|d| d.rings.iter().flatten()));
        let what = match colouring {
            MapColouring::StartDate => "start quarter",
            MapColouring::Measure => "measure",
        };
        MapView {
            title: format!("Districts by {what} – {}", comparison.label()),
            colouring,
            class_heading,
            classes: classes.labels,
            treated_label: comparison.group_labels().0,
            control_label: comparison.group_labels().1,
            districts,
            bounds,
            without_boundary,
            attribution: geo.attribution.clone(),
            note,
        }
    }

    /// One row per district drawn: id, name, group, value, class (the map's CSV).
    pub fn table(&self) -> TableData {
        TableData {
            title: self.title.clone(),
            header: ["district_id", "name", "group", "value", "class"]
                .iter()
                .map(|h| h.to_string())
                .collect(),
            rows: self
                .districts
                .iter()
                .map(|d| {
                    vec![
                        Cell::text(d.id.clone()),
                        Cell::text(d.name.clone()),
                        Cell::text(match d.group {
                            MapGroup::Treated => "treated",
                            MapGroup::Control => "control",
                            MapGroup::Outside => "outside",
                        }),
                        d.value.map_or(Cell::Missing, |v| Cell::Number {
                            value: v,
                            decimals: 3,
                        }),
                        d.class
                            .map_or(Cell::Missing, |c| Cell::text(self.classes[c].clone())),
                    ]
                })
                .collect(),
        }
    }

    /// The district under a point (km), if any.
    pub fn district_at(&self, x: f64, y: f64) -> Option<&MapDistrict> {
        self.districts.iter().find(|d| d.contains(x, y))
    }
}

/// The measure of a median split (capacity change, plan-B share, talk share), else the
/// outcome change of the comparison's district panel.
fn measure_values(
    bundle: &Bundle,
    choices: &Choices,
    groups: Option<&crate::core::derive::panel::Groups>,
) -> (String, BTreeMap<String, f64>, Option<String>) {
    if let Some(unit) = measure_unit(choices.comparison) {
        let values: BTreeMap<String, f64> = groups
            .map(|g| {
                g.assigned
                    .iter()
                    .filter_map(|(id, a)| a.measure.map(|m| (id.clone(), m)))
                    .collect()
            })
            .unwrap_or_default();
        let note = values
            .is_empty()
            .then(|| "the measure is missing for every district".to_string());
        return (format!("Measure: {unit}, quartiles"), values, note);
    }
    let spec = PanelSpec {
        level: Level::District,
        ..choices.spec(bundle)
    };
    match panel(bundle, &spec) {
        Ok(p) => {
            let values = p
                .rows
                .iter()
                .map(|r| (r.unit_id.clone(), r.outcome_change()))
                .collect();
            (
                format!(
                    "Outcome change (end − base), percentage points, quartiles: {}",
                    choices.outcome.label()
                ),
                values,
                None,
            )
        }
        Err(e) => (
            "Outcome change".to_string(),
            BTreeMap::new(),
            Some(e.to_string()),
        ),
    }
}

/// `n` colours along viridis from blue to yellow (its darkest purple left out: it vanishes on
/// a dark terminal), as RGB: sequential and readable with the common colour-vision
/// deficiencies; the terminal and the SVG use the same ramp.
pub fn sequential_colours(n: usize) -> Vec<(u8, u8, u8)> {
    const STOPS: [(f64, f64, f64); 4] = [
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    (0..n)
        .map(|i| {
            let t = if n <= 1 {
                0.5
            } else {
                i as f64 / (n - 1) as f64
            };
            let pos = t * (STOPS.len() - 1) as f64;
            let k = (pos.floor() as usize).min(STOPS.len() - 2);
            let f = pos - k as f64;
            let (a, b) = (STOPS[k], STOPS[k + 1]);
            let mix = |u: f64, v: f64| (u + f * (v - u)).round() as u8;
            (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
        })
        .collect()
}

fn bbox<'a>(points: impl Iterator<Item = &'a (f64, f64)>) -> (f64, f64, f64, f64) {
    points.fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(x0, y0, x1, y1), &(x, y)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
    )
}

/// Classes and the rule that puts a value into one.
struct Classes {
    labels: Vec<String>,
    /// Upper bounds of every class but the last (values above the last go into the last).
    upper: Vec<f64>,
}

impl Classes {
    fn index_of(&self, v: f64) -> Option<usize> {
        if self.labels.is_empty() || !v.is_finite() {
            return None;
        }
        Some(self.upper.iter().take_while(|&&u| v > u).count())
    }
}

/// Quarters since 2017 Q1 (the first retroactive start) as a number: 0 = 2017 Q1.
fn quarter_index(d: chrono::NaiveDate) -> f64 {
    use chrono::Datelike;
    ((d.year() - 2017) * 4 + (d.month0() / 3) as i32) as f64
}

fn quarter_label(q: i64) -> String {
    format!("{} Q{}", 2017 + q.div_euclid(4), q.rem_euclid(4) + 1)
}

/// One class per quarter from the first to the last start.
fn quarter_classes(values: &BTreeMap<String, f64>) -> Classes {
    let qs: Vec<i64> = values.values().map(|&v| v as i64).collect();
    let (Some(&first), Some(&last)) = (qs.iter().min(), qs.iter().max()) else {
        return Classes {
            labels: Vec::new(),
            upper: Vec::new(),
        };
    };
    Classes {
        labels: (first..=last).map(quarter_label).collect(),
        upper: (first..last).map(|q| q as f64 + 0.5).collect(),
    }
}

/// Four classes at the quartiles of the values (type 7 quantiles, as numpy's default); fewer
/// when values repeat.
fn quartile_classes(values: &BTreeMap<String, f64>) -> Classes {
    let mut v: Vec<f64> = values.values().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return Classes {
            labels: Vec::new(),
            upper: Vec::new(),
        };
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    let mut upper: Vec<f64> = [0.25, 0.5, 0.75].into_iter().map(q).collect();
    upper.dedup();
    let (min, max) = (v[0], v[v.len() - 1]);
    let fmt = |x: f64| format!("{x:.2}");
    let mut labels = Vec::new();
    let mut low = min;
    for &u in &upper {
        labels.push(format!("{} to {}", fmt(low), fmt(u)));
        low = u;
    }
    labels.push(format!("{} to {}", fmt(low), fmt(max)));
    Classes { labels, upper }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartile_classes_split_at_the_quartiles() {
        let values: BTreeMap<String, f64> = (1..=9).map(|i| (i.to_string(), i as f64)).collect();
        let c = quartile_classes(&values);
        assert_eq!(c.upper, vec![3.0, 5.0, 7.0]);
        assert_eq!(c.index_of(3.0), Some(0));
        assert_eq!(c.index_of(3.5), Some(1));
        assert_eq!(c.index_of(9.0), Some(3));
        assert_eq!(c.labels[0], "1.00 to 3.00");
    }

    #[test]
    fn a_square_with_a_hole_contains_only_its_ring() {
        let outer = vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        let hole = vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)];
        let d = MapDistrict {
            id: "x".into(),
            name: "x".into(),
            group: MapGroup::Treated,
            class: None,
            value: None,
            bbox: bbox([outer.clone(), hole.clone()].iter().flatten()),
            rings: vec![outer, hole],
        };
        assert!(d.contains(2.0, 2.0));
        assert!(!d.contains(5.0, 5.0));
        assert!(!d.contains(11.0, 5.0));
    }
}
