//! The dashboard selects the "IM via the district office vs not" comparison with `c` like any
//! other: the Estimate page (snapshots at 80×24 and 120×40, and housing by municipality), the
//! status bar, and the map coloured by the districts' share.

use crate::common_tui::{sample_app, snapshot_screen};
use wirkung::core::bundle::Level;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;

fn to_district_office(app: &mut App) {
    for _ in 0..Comparison::ALL.len() {
        if app.choices.comparison == Comparison::DistrictOffice {
            return;
        }
        dispatch(app, Msg::CycleComparison);
    }
    panic!("c never reached district-office");
}

#[test]
fn estimate_page_by_district_share_and_by_municipality() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    to_district_office(&mut app);
    let small = snapshot_screen(&app, 80, 24);
    insta::assert_snapshot!("estimate_district_office_80x24", small);
    let big = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("estimate_district_office_120x40", big);
    assert!(big.contains("IM via the district office vs not"), "{big}");
    assert!(big.contains("district-office"), "{big}");
    // Housing at municipality level: the municipality's own organisation.
    while app.choices.outcome != Outcome::Housing {
        dispatch(&mut app, Msg::CycleOutcome);
    }
    while app.choices.level != Level::Municipality {
        dispatch(&mut app, Msg::CycleLevel);
    }
    assert_eq!(app.choices.comparison, Comparison::DistrictOffice);
    insta::assert_snapshot!(
        "estimate_district_office_housing_municipality_120x40",
        snapshot_screen(&app, 120, 40)
    );
}

#[test]
fn the_map_colours_districts_by_their_share() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    to_district_office(&mut app);
    dispatch(&mut app, Msg::CycleMap);
    dispatch(&mut app, Msg::CycleMap);
    let view = app.map.view.as_ref().expect("map shown");
    assert_eq!(view.districts.len(), 44);
    let s = snapshot_screen(&app, 120, 40);
    assert!(s.contains("via the district office"), "{s}");
}
