//! Giving the terminal back however the dashboard ends: a normal quit, a panic, or SIGTERM,
//! SIGHUP, SIGINT or SIGQUIT from outside (a closed terminal window, `kill`, a session
//! manager). Without this a signal leaves raw mode, the alternate screen and a hidden cursor
//! behind, and the user's shell is unusable until `reset`.

use ratatui::crossterm::{
    cursor::Show,
    event::DisableMouseCapture,
    execute,
    terminal::{LeaveAlternateScreen, disable_raw_mode},
};

/// Leaves raw mode, mouse reporting (`--mouse`) and the alternate screen and shows the
/// cursor; harmless when they are already off, so every exit path may call it.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
}

/// Restores the terminal before the panic is reported (the report then lands on the
/// normal screen, readable), whatever hook ran before.
pub fn restore_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// On SIGTERM, SIGHUP, SIGINT or SIGQUIT: restore the terminal and exit with 128 + the
/// signal's number, as a shell reports a process ended by it. The signals are taken on a
/// thread of their own (not in a signal handler), so restoring may write and allocate.
#[cfg(unix)]
pub fn restore_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("terminal-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn restore_on_signals() -> std::io::Result<()> {
    Ok(())
}

/// What the terminal says about its colours: `COLORFGBG` for the background, else its answer
/// to an OSC 11 query (only when both standard input and output are the terminal); the depth
/// from `COLORTERM` and `TERM`.
/// `query`: the longest wait for the answer; `None` asks nothing.
pub fn colours(query: Option<std::time::Duration>) -> crate::tui::theme::TerminalColours {
    use crate::tui::theme::{TerminalColours, background_from_colorfgbg, depth_from_env};
    let var = |name| std::env::var(name).ok();
    let background = var("COLORFGBG")
        .as_deref()
        .and_then(background_from_colorfgbg)
        .or_else(|| query.and_then(query_background));
    TerminalColours {
        background,
        depth: depth_from_env(var("COLORTERM").as_deref(), var("TERM").as_deref()),
    }
}

/// Asks the terminal for its background (OSC 11) followed by a request every terminal
/// answers (primary device attributes, DA1), and reads the answers in raw mode until the
/// DA1 answer or the timeout. The DA1 answer marks the end: a terminal that does not know
/// OSC 11 answers DA1 alone, so the wait is short and no late OSC 11 answer can follow.
/// On a timeout, whatever has arrived is discarded from the input (tcflush), so no answer
/// turns up as key presses.
#[cfg(unix)]
fn query_background(timeout: std::time::Duration) -> Option<crate::tui::theme::Background> {
    use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode, is_raw_mode_enabled};
    use std::io::{IsTerminal, Write};
    use std::os::fd::AsRawFd;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stdout().is_terminal() {
        return None;
    }
    let was_raw = is_raw_mode_enabled().unwrap_or(false);
    if !was_raw {
        enable_raw_mode().ok()?;
    }
    let fd = stdin.as_raw_fd();
    let mut out = std::io::stdout();
    let asked = out
        .write_all(b"\x1b]11;?\x1b\\\x1b[c")
        .and_then(|()| out.flush())
        .is_ok();
    let (reply, complete) = if asked {
        read_answers(fd, timeout)
    } else {
        (Vec::new(), false)
    };
    if !complete {
        // SAFETY: tcflush on the terminal's descriptor; an error leaves the input as it is.
        unsafe {
            libc::tcflush(fd, libc::TCIFLUSH);
        }
    }
    if !was_raw {
        let _ = disable_raw_mode();
    }
    crate::tui::theme::background_from_osc11(&reply)
}

/// Reads from `fd` until the DA1 answer is complete (true) or `timeout` has passed (false).
/// Straight from the descriptor, not through std's buffered stdin: poll(2) reports the
/// descriptor's readiness, and a buffered read could block on a partial answer.
#[cfg(unix)]
fn read_answers(fd: i32, timeout: std::time::Duration) -> (Vec<u8>, bool) {
    let deadline = std::time::Instant::now() + timeout;
    let mut reply = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let mut pollfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut pollfd, 1, ms) };
        if ready <= 0 {
            return (reply, false);
        }
        let mut chunk = [0u8; 64];
        // SAFETY: reads at most chunk.len() bytes into the chunk.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        let Ok(n) = usize::try_from(n) else {
            return (reply, false);
        };
        if n == 0 {
            return (reply, false);
        }
        reply.extend_from_slice(&chunk[..n]);
        if da1_complete(&reply) {
            return (reply, true);
        }
        // A terminal that answers something else endlessly must not keep us here either.
        if reply.len() > 4096 {
            return (reply, false);
        }
    }
}

#[cfg(not(unix))]
fn query_background(_timeout: std::time::Duration) -> Option<crate::tui::theme::Background> {
    None
}

/// The DA1 answer `ESC [ ? … c` has arrived.
fn da1_complete(reply: &[u8]) -> bool {
    reply
        .windows(3)
        .position(|w| w == b"\x1b[?")
        .is_some_and(|start| reply[start + 3..].contains(&b'c'))
}

#[cfg(test)]
mod tests {
    use super::da1_complete;

    /// A pipe standing in for the terminal's input: (read end, write end).
    #[cfg(unix)]
    fn pipe() -> (i32, i32) {
        let mut fds = [0i32; 2];
        // SAFETY: pipe(2) fills the two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    }

    #[cfg(unix)]
    #[test]
    fn a_terminal_that_never_answers_costs_the_timeout_only() {
        let (read, write) = pipe();
        let start = std::time::Instant::now();
        let (reply, complete) = super::read_answers(read, std::time::Duration::from_millis(100));
        let waited = start.elapsed();
        assert!(reply.is_empty() && !complete);
        assert!(waited >= std::time::Duration::from_millis(90), "{waited:?}");
        assert!(
            waited < std::time::Duration::from_millis(1000),
            "{waited:?}"
        );
        // SAFETY: both descriptors are ours.
        unsafe {
            libc::close(read);
            libc::close(write);
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_answers_are_read_up_to_the_device_attributes() {
        let (read, write) = pipe();
        let answer = b"\x1b]11;rgb:fdfd/f6f6/e3e3\x1b\\\x1b[?62;22c";
        // SAFETY: writes the answer from a live buffer into our pipe.
        let n = unsafe { libc::write(write, answer.as_ptr().cast(), answer.len()) };
        assert_eq!(n as usize, answer.len());
        let start = std::time::Instant::now();
        let (reply, complete) = super::read_answers(read, std::time::Duration::from_secs(5));
        assert!(complete);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(
            crate::tui::theme::background_from_osc11(&reply),
            Some(crate::tui::theme::Background::Light)
        );
        // SAFETY: both descriptors are ours.
        unsafe {
            libc::close(read);
            libc::close(write);
        }
    }

    #[test]
    fn the_device_attributes_answer_ends_the_wait() {
        assert!(!da1_complete(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"));
        assert!(!da1_complete(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;2"));
        assert!(da1_complete(
            b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c"
        ));
        assert!(da1_complete(b"\x1b[?1;2c"));
    }
}
