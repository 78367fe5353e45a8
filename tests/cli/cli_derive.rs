//! End-to-end tests of `panel`, `estimate` and `trends`: exit statuses and output shapes
//! (cli.md) on tests/fixtures/hand.

use crate::common;

use std::process::{Command, Output};

fn wirkung(args: &[&str]) -> Output {
    let hand = common::hand_dir();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if *a == "HAND" {
                hand.display().to_string()
            } else {
                a.to_string()
            }
        })
        .collect();
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(&args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_usage_exits_2_with_the_reason() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "estimate",
                "HAND",
                "--outcome",
                "jobs",
                "--comparison",
                "plan-b",
            ],
            "invalid value 'jobs' for '--outcome <OUTCOME>'",
        ),
        (
            &[
                "estimate",
                "HAND",
                "--outcome",
                "employment",
                "--comparison",
                "luck",
            ],
            "invalid value 'luck' for '--comparison <COMPARISON>'",
        ),
        (
            &[
                "estimate",
                "HAND",
                "--outcome",
                "employment",
                "--comparison",
                "plan-b",
                "--level",
                "state",
            ],
            "invalid value 'state' for '--level <LEVEL>'",
        ),
        (
            &[
                "estimate",
                "HAND",
                "--outcome",
                "employment",
                "--comparison",
                "plan-b",
                "--se",
                "hc9",
            ],
            "invalid value 'hc9' for '--se <SE>'",
        ),
        (
            &[
                "estimate",
                "HAND",
                "--outcome",
                "housing",
                "--comparison",
                "bw-vs-neighbours",
            ],
            "neighbouring states",
        ),
        (
            &[
                "panel",
                "HAND",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
                "--level",
                "municipality",
            ],
            "per district only",
        ),
        (
            &[
                "panel",
                "HAND",
                "--outcome",
                "housing",
                "--comparison",
                "labour-talks",
                "--level",
                "municipality",
            ],
            "not supported",
        ),
        (
            &[
                "panel",
                "HAND",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
                "--controls",
                "a,,b",
            ],
            "empty control name",
        ),
        (
            &[
                "trends",
                "HAND",
                "--outcome",
                "housing",
                "--comparison",
                "early-start",
            ],
            "start date",
        ),
    ];
    for (args, expected) in cases {
        let o = wirkung(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(expected),
            "{args:?}: stderr {:?} lacks {expected:?}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn a_path_that_is_no_bundle_exits_2() {
    let o = wirkung(&[
        "panel",
        "/nonexistent/bundle",
        "--outcome",
        "employment",
        "--comparison",
        "plan-b",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/bundle"), "{}", stderr(&o));
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    // About 80 kB of panel rows: more than a pipe holds, so the writes after the reader has
    // gone fail with a broken pipe (as under `| head`).
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args([
            "panel",
            sample,
            "--outcome",
            "housing",
            "--comparison",
            "capacity",
            "--level",
            "municipality",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}
