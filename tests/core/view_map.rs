//! The district map's model on the shipped sample, and the committed boundary file against
//! the district frame: every district of BW, BY, HE and RP has a polygon, the
//! polygons lie where their state is, and the border flag of the sample is the committed
//! adjacency.

use std::path::PathBuf;
use wirkung::core::bundle;
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::view::map::{MapColouring, MapGroup, MapView};

fn sample() -> bundle::Bundle {
    bundle::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration"))
        .expect("sample loads")
}

#[test]
fn bw_vs_neighbours_map_has_every_district() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::BwVsNeighbours);
    let map = MapView::build(&b, &choices, MapColouring::StartDate);
    assert_eq!(map.districts.len(), 202);
    assert!(
        map.without_boundary.is_empty(),
        "{:?}",
        map.without_boundary
    );
    let count = |g: MapGroup| map.districts.iter().filter(|d| d.group == g).count();
    assert_eq!(count(MapGroup::Treated), 44);
    // The groups are the comparison's (Zweibrücken, a control without employment data, is
    // dropped later, by the panel).
    assert_eq!(count(MapGroup::Control), 158);
    assert_eq!(count(MapGroup::Outside), 0);
    // Start quarters exist for BW districts only.
    assert!(
        map.districts
            .iter()
            .all(|d| d.class.is_some() == (d.group == MapGroup::Treated))
    );
    assert_eq!(map.classes.first().map(String::as_str), Some("2017 Q4"));
    // dl-de/by-2-0 asks for this source note, the change notice and the licence.
    for needle in [
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "dl-de/by-2-0",
        "https://www.govdata.de/dl-de/by-2-0",
        "Stand 01.01.2021",
    ] {
        assert!(
            map.attribution.contains(needle),
            "{needle:?} missing in {}",
            map.attribution
        );
    }
}

#[test]
fn a_point_inside_stuttgart_is_stuttgart_and_bw_lies_south_west_of_bavaria() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::BwVsNeighbours);
    let map = MapView::build(&b, &choices, MapColouring::StartDate);
    // Stuttgart Schlossplatz, 9.18 E 48.78 N, in the map's km plane (equirectangular, 49 N).
    let (x, y) = (9.18 * 111.32 * 0.656_059, 48.78 * 110.57);
    assert_eq!(map.district_at(x, y).map(|d| d.id.as_str()), Some("08111"));
    let centre = |state: &str| {
        let ds: Vec<_> = map
            .districts
            .iter()
            .filter(|d| {
                b.districts
                    .iter()
                    .any(|f| f.district_id == d.id && f.state == state)
            })
            .collect();
        let n = ds.len() as f64;
        (
            ds.iter().map(|d| (d.bbox.0 + d.bbox.2) / 2.0).sum::<f64>() / n,
            ds.iter().map(|d| (d.bbox.1 + d.bbox.3) / 2.0).sum::<f64>() / n,
        )
    };
    let (bw, by, he) = (centre("BW"), centre("BY"), centre("HE"));
    assert!(
        bw.0 < by.0 && bw.1 < he.1,
        "BW {bw:?}, BY {by:?}, HE {he:?}"
    );
}

#[test]
fn measure_map_of_a_median_split_uses_the_measure_in_quartiles() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::Capacity);
    let map = MapView::build(&b, &choices, MapColouring::Measure);
    assert_eq!(map.districts.len(), 44);
    assert_eq!(map.classes.len(), 4);
    assert!(map.class_heading.contains("FTE per 100 target persons"));
    let with_value = map.districts.iter().filter(|d| d.value.is_some()).count();
    assert!(with_value >= 40, "{with_value}");
    // Treated districts lie above the median, so in the upper two quartile classes.
    for d in &map.districts {
        if let (MapGroup::Treated, Some(c)) = (d.group, d.class) {
            assert!(c >= 2, "{} in class {c}", d.name);
        }
    }
}

#[test]
fn sample_border_flags_are_the_committed_adjacency() {
    let b = sample();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("sample-data/geo/borders-bw.csv")).unwrap();
    let bordering: Vec<String> = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').rev().nth(1) == Some("true"))
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(bordering.len(), 20);
    for d in &b.districts {
        assert_eq!(
            d.borders_bw,
            Some(bordering.contains(&d.district_id)),
            "{} {}",
            d.district_id,
            d.name
        );
    }
    assert!(
        b.districts
            .iter()
            .filter(|d| d.state == "BW")
            .all(|d| d.borders_bw == Some(false))
    );
}
