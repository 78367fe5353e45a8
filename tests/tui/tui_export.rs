//! `e` exports the page on screen through `core::export`: every format, into the chosen
//! directory, never overwriting, and the status bar says where.

use crate::common_tui::sample_app;
use wirkung::tui::app::{Page, dispatch};
use wirkung::tui::msg::Msg;

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn e_on_the_trends_page_writes_every_format_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slides");
    let mut app = sample_app();
    app.export_dir = out.clone();
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    dispatch(&mut app, Msg::Export);

    assert_eq!(
        names(&out),
        [
            "trends-early-start.csv",
            "trends-early-start.md",
            "trends-early-start.pdf",
            "trends-early-start.png",
            "trends-early-start.svg",
            "trends-early-start.tex",
            "trends-early-start.xlsx"
        ]
    );
    let status = app.status.clone().expect("a status message");
    assert!(status.contains("exported 7 files"), "{status}");
    assert!(status.contains(&out.display().to_string()), "{status}");
    let svg = std::fs::read_to_string(out.join("trends-early-start.svg")).unwrap();
    assert!(
        svg.contains("SYNTHETIC"),
        "the caption marks the synthetic sample"
    );
    assert!(svg.contains("Early start") && svg.contains("Late start"));

    // The same choices give the same bytes as the headless command would (same core code);
    // a second export never overwrites the first.
    dispatch(&mut app, Msg::Export);
    assert_eq!(names(&out).len(), 14);
    assert!(out.join("trends-early-start-1.svg").exists());
    let again = std::fs::read_to_string(out.join("trends-early-start-1.svg")).unwrap();
    assert_eq!(svg, again);

    // The next key clears the message.
    dispatch(&mut app, Msg::CursorDown);
    assert!(app.status.is_none());
}

#[test]
fn the_estimate_export_follows_the_toggled_controls() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = sample_app();
    app.export_dir = dir.path().to_path_buf();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    dispatch(&mut app, Msg::Export);
    let with_all = std::fs::read_to_string(dir.path().join("estimate-early-start.csv")).unwrap();
    // Switch off the control under the cursor (the first one) and export again.
    dispatch(&mut app, Msg::ToggleSelected);
    dispatch(&mut app, Msg::Export);
    let with_fewer =
        std::fs::read_to_string(dir.path().join("estimate-early-start-1.csv")).unwrap();
    assert_ne!(
        with_all, with_fewer,
        "the export shows the current controls"
    );
}

#[test]
fn with_every_control_switched_off_the_export_is_the_no_controls_regression() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = sample_app();
    app.export_dir = dir.path().to_path_buf();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    let n = app.choices.available_controls(&app.bundle).len();
    for _ in 0..n {
        dispatch(&mut app, Msg::ToggleSelected);
        dispatch(&mut app, Msg::CursorDown);
    }
    assert_eq!(
        app.choices.control_selection(&app.bundle),
        wirkung::core::derive::ControlSelection::None
    );
    dispatch(&mut app, Msg::Export);
    let status = app.status.clone().unwrap();
    assert!(status.starts_with("exported 7 files"), "{status}");
    let csv = std::fs::read_to_string(dir.path().join("estimate-early-start.csv")).unwrap();
    assert!(
        !csv.contains("urban"),
        "no control in the exported regression:\n{csv}"
    );
}

#[test]
fn e_on_the_robustness_page_writes_the_workers_results_and_nothing_while_they_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slides");
    let mut app = sample_app();
    app.export_dir = out.clone();
    app.run_checks_in_background();
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    // The worker's result is collected only by the event loop, so it is still running here.
    assert!(app.checks_running());
    dispatch(&mut app, Msg::Export);
    let status = app.status.clone().expect("a status message");
    assert!(status.contains("still being computed"), "{status}");
    assert!(
        !status.contains("failed"),
        "waiting is not a failure: {status}"
    );
    assert!(!out.exists(), "nothing is written while the checks run");

    app.wait_for_checks();
    let runs = app.check_runs();
    dispatch(&mut app, Msg::Export);
    let status = app.status.clone().expect("a status message");
    assert!(status.contains("exported 7 files"), "{status}");
    assert_eq!(
        names(&out),
        [
            "robustness-early-start.csv",
            "robustness-early-start.md",
            "robustness-early-start.pdf",
            "robustness-early-start.png",
            "robustness-early-start.svg",
            "robustness-early-start.tex",
            "robustness-early-start.xlsx"
        ]
    );
    assert_eq!(app.check_runs(), runs, "the export computes nothing again");

    // The file is the headless export of the same choices: same core renderer, same checks.
    let csv = std::fs::read_to_string(out.join("robustness-early-start.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + wirkung::core::robust::Check::ALL.len(),
        "{csv}"
    );
    let headless = dir.path().join("headless.csv");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args([
            "export",
            wirkung::cli::SAMPLE_BUNDLE,
            "--page",
            "robustness",
        ])
        .args(["--outcome", "employment", "--comparison", "early-start"])
        .args(["--format", "csv", "--out"])
        .arg(&headless)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert_eq!(csv, std::fs::read_to_string(&headless).unwrap());
    let svg = std::fs::read_to_string(out.join("robustness-early-start.svg")).unwrap();
    assert!(svg.contains("SYNTHETIC") && svg.contains("Early vs late start"));

    // Pressed again: new names, the first files untouched.
    dispatch(&mut app, Msg::Export);
    assert_eq!(names(&out).len(), 14);
    assert_eq!(
        csv,
        std::fs::read_to_string(out.join("robustness-early-start-1.csv")).unwrap()
    );
}
