//! Every page drawn into ratatui's TestBackend at a roomy (120×40) and the smallest
//! supported size (80×24), compared with the reviewed snapshots in tests/tui/snapshots/.

use crate::common_tui::{sample_app, snapshot_screen};
use wirkung::core::derive::Comparison;
use wirkung::tui::app::{Page, dispatch};
use wirkung::tui::msg::Msg;

fn snapshot_pages(width: u16, height: u16) {
    let mut app = sample_app();
    for &page in Page::ALL {
        dispatch(&mut app, Msg::GoTo(page));
        let name = format!(
            "{}_{width}x{height}",
            page.title().to_lowercase().replace(' ', "_")
        );
        insta::assert_snapshot!(name, snapshot_screen(&app, width, height));
    }
}

#[test]
fn pages_at_120x40() {
    snapshot_pages(120, 40);
}

#[test]
fn pages_at_80x24() {
    snapshot_pages(80, 24);
}

#[test]
fn overlays_and_variants() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::ToggleHelp);
    insta::assert_snapshot!("help_80x24", snapshot_screen(&app, 80, 24));
    dispatch(&mut app, Msg::ToggleHelp);
    dispatch(&mut app, Msg::ToggleFindings);
    insta::assert_snapshot!("findings_120x40", snapshot_screen(&app, 120, 40));
    // The district detail (Enter on Start times) over its page.
    let mut detail = sample_app();
    dispatch(&mut detail, Msg::GoTo(Page::StartTimes));
    dispatch(&mut detail, Msg::OpenDistrict);
    insta::assert_snapshot!("district_detail_80x24", snapshot_screen(&detail, 80, 24));
    insta::assert_snapshot!("district_detail_120x40", snapshot_screen(&detail, 120, 40));
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    dispatch(&mut app, Msg::ToggleDifference);
    dispatch(&mut app, Msg::ToggleSvOnly);
    insta::assert_snapshot!(
        "trends_sv_difference_120x40",
        snapshot_screen(&app, 120, 40)
    );
}

#[test]
fn estimate_variants() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    // Housing with capacity: six controls, compact table at 80×24.
    dispatch(&mut app, Msg::CycleOutcome);
    dispatch(&mut app, Msg::CycleOutcome);
    dispatch(&mut app, Msg::CycleComparison);
    insta::assert_snapshot!(
        "estimate_housing_capacity_80x24",
        snapshot_screen(&app, 80, 24)
    );
    dispatch(&mut app, Msg::CycleLevel);
    dispatch(&mut app, Msg::CycleVariance);
    dispatch(&mut app, Msg::ToggleWeighting);
    insta::assert_snapshot!(
        "estimate_housing_municipality_120x40",
        snapshot_screen(&app, 120, 40)
    );
    // Unsupported: housing by start date.
    dispatch(&mut app, Msg::CycleLevel);
    while app.choices.comparison != Comparison::EarlyStart {
        dispatch(&mut app, Msg::CycleComparison);
    }
    insta::assert_snapshot!("estimate_unsupported_80x24", snapshot_screen(&app, 80, 24));
}

#[test]
fn too_small_asks_to_enlarge_and_never_panics() {
    let app = sample_app();
    let text = snapshot_screen(&app, 60, 20);
    assert!(text.contains("Please enlarge"), "{text}");
    for (w, h) in [(1, 1), (79, 24), (80, 23), (0, 0), (200, 3)] {
        snapshot_screen(&app, w.max(1), h.max(1));
    }
}

#[test]
fn status_bar_always_shows_bundle_choices_and_badge() {
    let mut app = sample_app();
    for &page in Page::ALL {
        dispatch(&mut app, Msg::GoTo(page));
        for (w, h) in [(80, 24), (120, 40)] {
            let text = snapshot_screen(&app, w, h);
            let status = text.lines().nth(h as usize - 1).unwrap();
            assert!(status.contains("bw-integration"), "{status}");
            assert!(
                status.contains("Early vs late start") || status.contains("early-start"),
                "{status}"
            );
            assert!(status.contains("employment"), "{status}");
            if app.bundle.is_synthetic() {
                assert!(status.contains("SYNTHETIC"), "{status}");
            }
        }
    }
}

#[test]
fn every_page_draws_at_every_size_without_panicking() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::ToggleFindings);
    for &page in Page::ALL {
        dispatch(&mut app, Msg::GoTo(page));
        for w in (1..=160).step_by(7) {
            for h in (1..=60).step_by(5) {
                snapshot_screen(&app, w, h);
            }
        }
    }
    dispatch(&mut app, Msg::ToggleHelp);
    for (w, h) in [(80, 24), (81, 25), (200, 60)] {
        snapshot_screen(&app, w, h);
    }
}

/// The sample says it is synthetic and names the real data it uses (the district frame's
/// licence) on the first page, at the smallest supported size too.
#[test]
fn overview_shows_synthetic_and_attribution_at_every_size() {
    let app = sample_app();
    for (w, h) in [(80, 24), (120, 40)] {
        let text = snapshot_screen(&app, w, h);
        assert!(text.contains("SYNTHETIC"), "{w}x{h}");
        assert!(text.contains("Destatis"), "{w}x{h}:\n{text}");
        assert!(text.contains("CC BY 4.0"), "{w}x{h}:\n{text}");
    }
}
