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
