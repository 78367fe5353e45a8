//! District names that identify: Karlsruhe and Heilbronn are each a Stadtkreis and a
//! Landkreis, so where a name repeats the label carries the district's type (and, if that
//! still repeats, its state). Done once after loading, so every page, table and export shows
//! the same label.

use super::District;
use std::collections::HashMap;

/// The district's type as the state calls it: BW says Stadtkreis, the other states
/// kreisfreie Stadt; the rest are Landkreise.
fn district_type(d: &District) -> &'static str {
    match (d.urban, d.state.as_str()) {
        (true, "BW") => "Stadtkreis",
        (true, _) => "kreisfreie Stadt",
        (false, _) => "Landkreis",
    }
}

/// Renames districts whose names repeat to `Name (Type)`, or `Name (Type, State)` where the
/// type does not tell them apart either. Unique names stay as they are.
pub fn label_repeated_names(districts: &mut [District]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for d in districts.iter() {
        *count.entry(d.name.clone()).or_default() += 1;
    }
    let mut typed: HashMap<(String, &'static str), usize> = HashMap::new();
    for d in districts.iter().filter(|d| count[&d.name] > 1) {
        *typed.entry((d.name.clone(), district_type(d))).or_default() += 1;
    }
    for d in districts.iter_mut() {
        if count[&d.name] < 2 {
            continue;
        }
        let kind = district_type(d);
        d.name = if typed[&(d.name.clone(), kind)] > 1 {
            format!("{} ({kind}, {})", d.name, d.state)
        } else {
            format!("{} ({kind})", d.name)
        };
    }
}
