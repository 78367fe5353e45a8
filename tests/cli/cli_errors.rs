//! Errors a user can read (issue: "In front of an audience", point 7): a path that is no
//! bundle, a misspelt command, bad arguments and a missing terminal are one or two plain
//! lines naming the path and what to do, exit status 2, no colour and no source locations.

use std::process::{Command, Output, Stdio};

fn wirkung(args: &[&str], no_color: bool) -> Output {
    let config = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirkung"));
    cmd.args(args)
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    cmd.output().expect("the binary runs")
}

/// Exit 2, nothing on stdout, one or two plain lines on stderr containing `needles`.
fn assert_user_error(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!err.contains('\x1b'), "escape sequence in {err:?}");
    for bug_marker in ["Location:", "BACKTRACE", "src/", "panicked"] {
        assert!(!err.contains(bug_marker), "{bug_marker:?} in {err}");
    }
    let lines = err.lines().filter(|l| !l.trim().is_empty()).count();
    assert!((1..=2).contains(&lines), "{lines} lines: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

#[test]
fn a_missing_bundle_names_the_path_and_what_to_do() {
    // NO_COLOR set, and stderr not a terminal: both mean no colour.
    for no_color in [true, false] {
        let out = wirkung(&["/no/such/bundle"], no_color);
        assert_user_error(&out, &["/no/such/bundle", "no such directory", "wirkung"]);
    }
    let out = wirkung(
        &[
            "estimate",
            "/no/such/bundle",
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
        ],
        true,
    );
    assert_user_error(&out, &["/no/such/bundle", "wirkung sample --out"]);
}

#[test]
fn a_directory_or_file_that_is_no_bundle_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = wirkung(&[dir.path().to_str().unwrap()], true);
    assert_user_error(&out, &[dir.path().to_str().unwrap(), "no bundle.toml"]);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let out = wirkung(&[file.to_str().unwrap()], true);
    assert_user_error(&out, &["notes.txt", "is a file"]);
    let out = wirkung(
        &[
            "trends",
            file.to_str().unwrap(),
            "--outcome",
            "employment",
            "--comparison",
            "capacity",
        ],
        true,
    );
    assert_user_error(&out, &["notes.txt", "is a file"]);
    // Nothing was written next to the user's file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_misspelt_command_suggests_the_command() {
    let out = wirkung(&["estmate"], true);
    assert_user_error(&out, &["estmate", "did you mean `wirkung estimate`"]);
}

#[test]
fn bad_arguments_are_usage_errors_without_colour() {
    let out = wirkung(
        &[
            "estimate",
            "x",
            "--outcome",
            "employmnt",
            "--comparison",
            "early-start",
        ],
        true,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("employmnt"), "{err}");
    assert!(!err.contains("Location:"), "{err}");
}

#[test]
fn without_a_terminal_the_dashboard_says_what_to_use() {
    // stdout is a pipe here.
    let out = wirkung(&[], true);
    assert_user_error(&out, &["interactive terminal", "wirkung check"]);
}
