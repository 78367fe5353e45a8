//! The real binary in a real terminal: tmux runs `wirkung` on the sample at 120×40, the test
//! presses keys through every page, switches a control off, reads the changed coefficient
//! from the screen, quits, and checks that the shell's screen and terminal mode came back.

use crate::common_tui;

use std::process::Command;
use std::time::{Duration, Instant};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::tui::widgets::regression_table::{one_decimal, stars};

pub(crate) struct Session {
    name: String,
    pub(crate) config: tempfile::TempDir,
}

impl Session {
    pub(crate) fn start() -> Option<Session> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed; skipping the terminal test");
            return None;
        }
        let config = tempfile::tempdir().unwrap();
        // One tmux server per session: tests run in parallel threads of one process.
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("wirkung-e2e-{}-{n}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &name,
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "120",
                "-y",
                "40",
                "sh",
            ])
            .env("XDG_CONFIG_HOME", config.path())
            .env("HOME", config.path())
            .status()
            .unwrap();
        assert!(status.success());
        Some(Session { name, config })
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.name])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", &self.name, k]);
        }
    }

    /// Types `text` literally (no key-name lookup), then Enter.
    pub(crate) fn type_line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.name, "-l", text]);
        self.keys(&["Enter"]);
    }

    pub(crate) fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.name])
    }

    /// The screen with its colours as escape sequences (`capture-pane -e`).
    pub(crate) fn screen_with_colours(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", &self.name])
    }

    /// Waits until the screen contains `text` (the dashboard redraws on every key).
    pub(crate) fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits until `settled` holds for the screen. A frame reaches the terminal in pieces, so
    /// a capture taken while a redraw is on its way can show one text of the new frame beside
    /// the rest of the old one; a test that reads numbers waits for all it needs.
    pub(crate) fn wait_until(&self, what: &str, settled: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if settled(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "never saw {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.name, "kill-server"])
            .output();
    }
}

/// The two numbers of the treated row: columns (1) and (2) of the regression table.
fn treated_row(screen: &str, label: &str) -> Vec<String> {
    let line = screen
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} row:\n{screen}"));
    let after = &line[line.find(label).unwrap() + label.len()..];
    after
        .split_whitespace()
        .filter(|t| t.trim_end_matches('*').parse::<f64>().is_ok())
        .take(2)
        .map(str::to_string)
        .collect()
}

fn cli_treated(controls: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args([
            "estimate",
            SAMPLE_BUNDLE,
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
        ])
        .args(["--controls", &controls.join(","), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let treated = json["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["term"] == "treated")
        .unwrap();
    let (e, p) = (
        treated["estimate"].as_f64().unwrap(),
        treated["p_value"].as_f64().unwrap(),
    );
    format!("{}{}", one_decimal(e), stars(p))
}

#[test]
fn keys_drive_the_real_binary_and_the_terminal_is_restored() {
    let Some(s) = Session::start() else { return };
    let app = common_tui::sample_app();
    let controls: Vec<String> = app
        .choices
        .available_controls(&app.bundle)
        .iter()
        .map(|c| c.column.clone())
        .collect();
    let urban = common_tui::control_column(&app, "urban");
    let urban_pos = controls.iter().position(|c| *c == urban).unwrap();
    let without_urban: Vec<String> = controls.iter().filter(|c| **c != urban).cloned().collect();

    let cmd = format!(
        "printf 'SHELL-%s\\n' BEFORE; {} {SAMPLE_BUNDLE}; echo WIRKUNG-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    );
    s.type_line(&cmd);
    s.wait_for("1 Overview");
    s.wait_for("Tab. 11");
    for (key, marker) in [
        ("2", "Abb. 4"),
        ("3", "Tab. 5"),
        ("4", "Abb. 34"),
        ("5", "Employment rate"),
        ("6", "DiD:"),
    ] {
        s.keys(&[key]);
        s.wait_for(marker);
    }
    s.keys(&["?"]);
    s.wait_for("? or Esc closes");
    s.keys(&["Escape"]);
    let before = s.wait_for("(2)");
    let treated_label = "Early start";
    let row = treated_row(&before, treated_label);
    assert_eq!(row[1], cli_treated(&controls), "screen:\n{before}");

    for _ in 0..urban_pos {
        s.keys(&["Down"]);
    }
    s.keys(&["Space"]);
    let expected = cli_treated(&without_urban);
    let start = Instant::now();
    let after = loop {
        let screen = s.screen();
        if screen.contains("[ ]") {
            break screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "control never switched off:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let row = treated_row(&after, treated_label);
    assert_eq!(
        row[1], expected,
        "column (2) must show the estimate without urban; screen:\n{after}"
    );

    s.keys(&["q"]);
    let end = s.wait_for("WIRKUNG-EXIT-0");
    assert!(
        end.contains("SHELL-BEFORE"),
        "the shell's screen must come back:\n{end}"
    );
    assert!(
        !end.contains("1 Overview"),
        "the dashboard must leave the alternate screen:\n{end}"
    );
    // The marker is computed by the shell so that the typed command line does not match.
    s.type_line("stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e icanon -e -echo -e -icanon | tr '\\n' ' '; echo MODES-$((40+2))");
    let modes = s.wait_for("MODES-42");
    let line = modes.lines().find(|l| l.contains("MODES-42")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "raw mode must be off:\n{modes}"
    );
    assert!(
        !words.contains(&"-icanon") && !words.contains(&"-echo"),
        "raw mode must be off:\n{modes}"
    );

    // The choices were remembered in the user's config directory ...
    let state_file = s.config.path().join("wirkung").join("state.toml");
    let state = std::fs::read_to_string(&state_file).expect("state.toml written on quit");
    assert!(
        state.contains(&format!("disabled_controls = [\"{urban}\"]")),
        "{state}"
    );
    s.type_line("clear");
    // ... and restored on the next start without a bundle argument: page 6, urban off.
    s.type_line(&format!(
        "{}; echo SECOND-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    // The table comes before the choices panel: wait for Urban's check box, not the title.
    let restored = s.wait_for("] Urban");
    assert!(restored.contains("[ ] Urban"), "{restored}");
    s.keys(&["q"]);
    s.wait_for("SECOND-EXIT-0");
    s.type_line("clear");
    // ... and --reset forgets them: the Overview, every control on.
    s.type_line(&format!(
        "{} --reset; echo THIRD-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    s.keys(&["6"]);
    let reset = s.wait_for("] Urban");
    assert!(!reset.contains("[ ]"), "{reset}");
    s.keys(&["q"]);
    s.wait_for("THIRD-EXIT-0");
    let state = std::fs::read_to_string(&state_file).unwrap();
    assert!(state.contains("disabled_controls = []"), "{state}");
}

#[test]
fn a_bundle_that_cannot_be_read_gives_a_readable_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg(dir.path().join("no-such-bundle"))
        .env("XDG_CONFIG_HOME", dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-bundle"), "{err}");
    assert!(err.contains("no such directory"), "{err}");
    // The terminal was never taken over: no alternate-screen escape anywhere.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\x1b[?1049h"));
}

#[test]
fn without_a_terminal_the_dashboard_says_so_and_writes_no_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg(SAMPLE_BUNDLE)
        .env("XDG_CONFIG_HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("interactive terminal"));
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}
