//! District names that identify (issue "In front of an audience", point 4): where two
//! districts share a name (Karlsruhe and Heilbronn are each a Stadtkreis and a Landkreis), the
//! loaded label carries the type, so every page, table and export can tell them apart.

use std::collections::BTreeSet;
use std::path::Path;
use wirkung::core::bundle;
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::view::start_times::StartTimesView;

fn sample() -> bundle::Bundle {
    bundle::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration")).unwrap()
}

#[test]
fn repeated_district_names_carry_their_type() {
    let b = sample();
    let name = |id: &str| {
        b.districts
            .iter()
            .find(|d| d.district_id == id)
            .unwrap()
            .name
            .clone()
    };
    assert_eq!(name("08212"), "Karlsruhe (Stadtkreis)");
    assert_eq!(name("08215"), "Karlsruhe (Landkreis)");
    assert_eq!(name("08121"), "Heilbronn (Stadtkreis)");
    assert_eq!(name("08125"), "Heilbronn (Landkreis)");
    // A name that is unique stays as the delivery spells it.
    assert_eq!(name("08222"), "Mannheim");
    let names: BTreeSet<&str> = b.districts.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), b.districts.len(), "every label is unique");
}

#[test]
fn the_start_times_page_names_every_district_once() {
    let b = sample();
    let view = StartTimesView::build(
        &b,
        &Choices::new(&b, Outcome::Employment, Comparison::EarlyStart),
    );
    let table = view.table();
    // Column 1 is the name (column 0 the id).
    let names: Vec<String> = table.rows.iter().map(|r| format!("{:?}", r[1])).collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(
        names.iter().any(|n| n.contains("Karlsruhe (Landkreis)")),
        "{names:?}"
    );
}
