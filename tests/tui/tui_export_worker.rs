//! `e` in the real dashboard writes on a worker thread with a time limit: `q` quits at once
//! while an export is slow, a slow export is abandoned after `--export-timeout` with nothing
//! left behind, and a normal export still arrives. The slowness comes from the test-only
//! WIRKUNG_TEST_EXPORT_DELAY_MS (the worker sleeps before writing).

use crate::tui_tmux::Session;
use std::time::{Duration, Instant};
use wirkung::cli::SAMPLE_BUNDLE;

fn entries(dir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn start(s: &Session, delay_ms: u64, timeout: u64, dir: &std::path::Path, tag: &str) {
    s.type_line(&format!(
        "WIRKUNG_TEST_EXPORT_DELAY_MS={delay_ms} {} {SAMPLE_BUNDLE} --export-dir {} --export-timeout {timeout}; echo {tag}-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung"),
        dir.display()
    ));
    s.wait_for("Tab. 11");
    s.keys(&["5"]);
    s.wait_for("Employment rate");
}

#[test]
fn q_quits_at_once_while_an_export_hangs() {
    let Some(s) = Session::start() else { return };
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("exports");
    start(&s, 120_000, 600, &dir, "SLOW");
    s.keys(&["e"]);
    s.wait_for("exporting…");
    // The dashboard still answers keys while the worker sleeps.
    s.keys(&["6"]);
    s.wait_for("Choices");
    let asked = Instant::now();
    s.keys(&["q"]);
    s.wait_for("SLOW-EXIT-0");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "q took {:?}",
        asked.elapsed()
    );
    // Nothing half-written stays behind: no export, no staging directory.
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
}

#[test]
fn a_slow_export_is_abandoned_after_its_time_limit() {
    let Some(s) = Session::start() else { return };
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("exports");
    start(&s, 6_000, 1, &dir, "LIMIT");
    s.keys(&["e"]);
    let shown = s.wait_for("export abandoned after 1 s");
    assert!(shown.contains("nothing written"), "{shown}");
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    // When the worker wakes up later, its files go nowhere.
    std::thread::sleep(Duration::from_secs(6));
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    s.keys(&["q"]);
    s.wait_for("LIMIT-EXIT-0");
}

#[test]
fn an_export_within_its_time_limit_arrives() {
    let Some(s) = Session::start() else { return };
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("exports");
    start(&s, 300, 60, &dir, "DONE");
    s.keys(&["e"]);
    s.wait_for("exported 7 files");
    let mut names = entries(&dir);
    names.sort();
    assert_eq!(
        names,
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
    // A second export never overwrites the first.
    s.keys(&["e"]);
    s.wait_for("exported 7 files");
    let start = Instant::now();
    while entries(&dir).len() < 14 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            entries(&dir)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(dir.join("trends-early-start-1.svg").exists());
    s.keys(&["q"]);
    s.wait_for("DONE-EXIT-0");
}
