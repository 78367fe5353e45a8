//! The terminal is given back when the dashboard is ended from outside: tmux runs `wirkung`
//! on the sample, the test sends SIGTERM, SIGHUP and SIGINT to it, and checks the exit
//! status the shell sees (128 + signal), that the alternate screen was left and the cursor
//! shown (as tmux reports them) and that the terminal mode is cooked again (`icanon`, `echo`).

use crate::tui_tmux::Session;
use std::process::Command;

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal() {
    let Some(s) = Session::start() else { return };
    let pid_file = s.config.path().join("pid");
    for (signal, status) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        s.type_line("clear");
        s.type_line(&format!(
            "sh -c 'echo $$ > {}; exec {}'; echo EXIT-{signal}-$?",
            pid_file.display(),
            env!("CARGO_BIN_EXE_wirkung")
        ));
        s.wait_for("Tab. 11");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), pid.trim()])
            .status()
            .unwrap();
        assert!(killed.success());
        s.wait_for(&format!("EXIT-{signal}-{status}"));
        // tmux knows whether the pane is on the alternate screen and shows the cursor.
        let flags = s.tmux(&[
            "display",
            "-p",
            "-t",
            s.name(),
            "#{alternate_on} #{cursor_flag}",
        ]);
        assert_eq!(
            flags.trim(),
            "0 1",
            "{signal}: alternate screen, cursor shown"
        );
        s.type_line(
            "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo MODE-$((40+2))",
        );
        // The output ends in MODE-42; the typed command line does not.
        let mode = s.wait_for("MODE-42");
        let line = mode
            .lines()
            .find(|l| l.trim_end().ends_with("MODE-42"))
            .unwrap_or_default();
        assert!(
            line.contains("icanon") && !line.contains("-icanon"),
            "{signal}: {mode}"
        );
        assert!(
            line.contains("echo") && !line.contains("-echo"),
            "{signal}: {mode}"
        );
    }
}
