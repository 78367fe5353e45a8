//! The Start times page's district map (`m`): snapshots at the smallest supported (80×24) and
//! a roomy (120×40) size, the cycle list → start quarter → measure → list, and the
//! treated/control split readable without colour.

use crate::common_tui::{app_for, sample_app, snapshot_screen};
use std::path::PathBuf;
use wirkung::core::derive::Comparison;
use wirkung::core::view::map::MapColouring;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;

fn to_comparison(app: &mut App, comparison: Comparison) {
    while app.choices.comparison != comparison {
        dispatch(app, Msg::CycleComparison);
    }
}

#[test]
fn map_cycles_through_start_quarter_measure_and_back_to_the_list() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    assert!(app.map.view.is_none());
    dispatch(&mut app, Msg::CycleMap);
    let view = app.map.view.clone().expect("map shown");
    assert_eq!(view.colouring, MapColouring::StartDate);
    dispatch(&mut app, Msg::CycleMap);
    assert_eq!(
        app.map.view.as_ref().unwrap().colouring,
        MapColouring::Measure
    );
    dispatch(&mut app, Msg::CycleMap);
    assert!(app.map.view.is_none());
    // Leaving the page drops the map; coming back shows it again for the current choices.
    dispatch(&mut app, Msg::CycleMap);
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    assert!(app.map.view.is_none());
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    assert!(app.map.view.is_some());
}

#[test]
fn map_follows_the_comparison() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::CycleMap);
    to_comparison(&mut app, Comparison::EarlyStart);
    assert_eq!(app.map.view.as_ref().unwrap().districts.len(), 44);
    to_comparison(&mut app, Comparison::BwVsNeighbours);
    assert_eq!(app.map.view.as_ref().unwrap().districts.len(), 202);
}

#[test]
fn map_snapshots_bw_vs_neighbours_and_early_start() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::CycleMap);
    to_comparison(&mut app, Comparison::BwVsNeighbours);
    insta::assert_snapshot!("map_bw_vs_neighbours_80x24", snapshot_screen(&app, 80, 24));
    insta::assert_snapshot!(
        "map_bw_vs_neighbours_120x40",
        snapshot_screen(&app, 120, 40)
    );
    to_comparison(&mut app, Comparison::EarlyStart);
    insta::assert_snapshot!("map_early_start_80x24", snapshot_screen(&app, 80, 24));
    dispatch(&mut app, Msg::CycleMap);
    insta::assert_snapshot!(
        "map_early_start_measure_120x40",
        snapshot_screen(&app, 120, 40)
    );
}

#[test]
fn map_in_monochrome_tells_treated_from_control_by_pattern() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    let mut app = app_for(&dir, Theme::mono());
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::CycleMap);
    to_comparison(&mut app, Comparison::BwVsNeighbours);
    let text = snapshot_screen(&app, 120, 40);
    // BW's districts are filled with the dense pattern, the neighbours' with the sparse one;
    // both are plentiful and both are explained in the legend.
    let dense = text.matches('⢕').count();
    let sparse = text.matches('⠅').count();
    assert!(dense > 40 && sparse > 40, "dense {dense}, sparse {sparse}");
    assert!(text.contains("⢕⢕ Baden-Württemberg"), "{text}");
    assert!(text.contains("⠅⠅ Neighbouring states"), "{text}");
}

#[test]
fn e_with_the_map_on_screen_also_writes_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = sample_app();
    app.export_dir = dir.path().to_path_buf();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::CycleMap);
    dispatch(&mut app, Msg::Export);
    let status = app.status.clone().expect("a status message");
    assert!(status.contains("exported 9 files"), "{status}");
    let svg = std::fs::read_to_string(dir.path().join("map-early-start.svg")).unwrap();
    assert!(svg.contains("Districts by start quarter – Early vs late start"));
    assert!(svg.contains("© GeoBasis-DE / BKG 2021 (Daten verändert)"));
    assert!(svg.contains("dl-de/by-2-0"));
    let csv = std::fs::read_to_string(dir.path().join("map-early-start.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 44);
}
