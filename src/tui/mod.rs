//! The dashboard: ratatui + crossterm. Arranges what `core` computes; computes nothing itself.
//!
//! Elm style: a terminal event becomes a `Msg` (msg.rs), `app::update` changes the model
//! and `app::dispatch` re-estimates and performs effects, `view::draw` draws from the model
//! without changing it.

pub mod analysis;
pub mod app;
pub mod cache;
pub mod compare;
pub mod config;
pub mod export;
pub mod map_state;
pub mod msg;
pub mod pages;
pub mod robust_results;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;

use crate::cli::{CliError, open_error};
use crate::core::{bundle, sample};
use app::App;
use color_eyre::eyre::WrapErr;
use config::Remembered;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use theme::{Theme, ThemeArg};

/// The dashboard's own options (`wirkung [BUNDLE] [OPTIONS]`).
#[derive(Debug, Clone, clap::Args, Default)]
pub struct DashboardArgs {
    /// Forget the remembered bundle and choices.
    #[arg(long)]
    pub reset: bool,
    /// Colour theme (remembered for the next start): auto picks full (dark) or light from the
    /// terminal's background and the colour depth from COLORTERM/TERM; high-contrast for
    /// projectors; 16 colours; or none (NO_COLOR is honoured too).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// A second (older) bundle: the Overview lists what changed since it (`x`), as `wirkung diff`.
    #[arg(long, value_name = "OLD_BUNDLE")]
    pub compare: Option<PathBuf>,
    /// Early-start cutoff to open with (default: the remembered one, else the bundle's rule),
    /// as the subcommands take it; held inside the range of the districts' start dates.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<chrono::NaiveDate>,
    /// Directory for `e` exports (default: the user's data directory, exports/).
    #[arg(long)]
    pub export_dir: Option<PathBuf>,
    /// Seconds an `e` export may take before it is abandoned (nothing is written then).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub export_timeout: Option<u64>,
    /// Mouse: the wheel scrolls the page's list, a click selects a row or a page tab. Off by
    /// default, so that selecting text with the mouse keeps working (over SSH too).
    #[arg(long)]
    pub mouse: bool,
}

/// Opens the dashboard on `bundle` (else the remembered one, else the sample built into the
/// binary). What the user can fix (no such bundle, not a bundle, no terminal) is a plain
/// message and exit status 2; color-eyre reports only what is a bug.
pub fn run(bundle: Option<PathBuf>, args: DashboardArgs) -> color_eyre::Result<ExitCode> {
    match open_and_run(bundle, args) {
        Ok(code) => Ok(code),
        Err(Failure::User(e)) => Ok(e.report()),
        Err(Failure::Bug(e)) => Err(e),
    }
}

/// Why the dashboard stopped: something the user can fix, or a bug.
enum Failure {
    User(CliError),
    Bug(color_eyre::Report),
}

impl From<color_eyre::Report> for Failure {
    fn from(e: color_eyre::Report) -> Failure {
        Failure::Bug(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Bug(e.into())
    }
}

const WHAT_TO_DO: &str = "Give the path of a bundle directory (one holding bundle.toml), or run `wirkung` alone for the shipped sample.";

fn open_and_run(bundle: Option<PathBuf>, args: DashboardArgs) -> Result<ExitCode, Failure> {
    let state_file = config::state_file();
    let remembered = match &state_file {
        Some(path) if args.reset => {
            config::forget(path).map_err(|e| {
                Failure::User(CliError::failure(format!(
                    "cannot forget the remembered state in {}: {e}",
                    path.display()
                )))
            })?;
            Remembered::default()
        }
        Some(path) => config::load(path),
        None => Remembered::default(),
    };
    // The sample is unpacked from the binary into a temporary directory that lives as long
    // as the session (the loader reads directories).
    let (path, embedded) = match choose_bundle(bundle, &remembered) {
        Some(p) => (std::fs::canonicalize(&p).unwrap_or(p), None),
        None => {
            let unpacked = sample::unpack().map_err(|e| {
                Failure::User(CliError::failure(format!(
                    "cannot unpack the shipped sample: {e}"
                )))
            })?;
            (unpacked.path().to_path_buf(), Some(unpacked))
        }
    };
    // Read everything before the terminal is taken over, so that a bundle that cannot be
    // read is a plain message on a normal terminal.
    let loaded =
        bundle::load(&path).map_err(|e| Failure::User(open_error(&path, e, WHAT_TO_DO)))?;
    let changes = match &args.compare {
        Some(old) => {
            let old_bundle = bundle::load(old).map_err(|e| {
                Failure::User(open_error(
                    old,
                    e,
                    "--compare takes the older bundle's directory.",
                ))
            })?;
            Some(compare::changes_both_orders(&old_bundle, &loaded))
        }
        None => None,
    };
    if !std::io::stdout().is_terminal() {
        return Err(Failure::User(CliError::usage(
            "the dashboard needs an interactive terminal (standard output is not one).\n  For scripts use `wirkung check`, `estimate`, `trends` or `export`; `wirkung --help` lists them.",
        )));
    }
    // An explicit --theme, else the remembered one, else what the terminal suggests.
    let theme_arg = args.theme.or(remembered.theme);
    let no_color = std::env::var("NO_COLOR").ok();
    let asks_terminal = theme_arg.unwrap_or_default() == ThemeArg::Auto
        && no_color.as_deref().is_none_or(str::is_empty);
    let colours = terminal::colours(asks_terminal.then_some(BACKGROUND_QUERY));
    let theme = Theme::choose(theme_arg.unwrap_or_default(), no_color.as_deref(), colours);
    let mut app = App::new(loaded, path, theme, &remembered);
    app.embedded_sample = embedded.is_some();
    app.clipboard = true;
    if let Some(dir) = args.export_dir {
        app.export_dir = dir;
    }
    if let Some(seconds) = args.export_timeout {
        app.export_limit = std::time::Duration::from_secs(seconds);
    }
    app.exports_in_background = true;
    if let Some((lines, by_size)) = changes {
        app.changes = Some(lines);
        app.changes_by_size = Some(by_size);
        app.page = app::Page::Overview;
        app.show_changes = true;
        app.show_findings = false;
    }
    app.run_checks_in_background();
    // After the line above: on the Robustness page the moved cutoff's checks run on the
    // worker, not before the first frame.
    if let Some(cutoff) = args.cutoff {
        app::dispatch(&mut app, msg::Msg::SetCutoff(cutoff));
    }

    // SIGTERM, SIGHUP, SIGINT and panics give the terminal back (terminal.rs).
    terminal::restore_on_signals().wrap_err("cannot watch for signals")?;
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Raw mode may already be on when the alternate screen failed.
            let _ = ratatui::try_restore();
            return Err(Failure::User(CliError::usage(format!(
                "cannot set up the terminal: {e}.\n  The dashboard needs an interactive terminal; for scripts use the subcommands (`wirkung --help`)."
            ))));
        }
    };
    terminal::restore_on_panic();
    if args.mouse {
        ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::EnableMouseCapture
        )?;
    }
    let result = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    if args.mouse {
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableMouseCapture
        );
    }
    result.wrap_err("the dashboard's terminal failed")?;
    if let Some(path) = &state_file {
        let mut remembered = app.remembered();
        remembered.theme = theme_arg;
        // The unpacked sample's directory is gone after this session; no bundle remembered
        // means the sample again next time.
        if embedded.is_some() {
            remembered.bundle = None;
        }
        // Forgetting the choices is no reason to fail a session that went well.
        if let Err(e) = config::save(path, &remembered) {
            eprintln!(
                "wirkung: could not remember the choices in {}: {e}",
                path.display()
            );
        }
    }
    drop(embedded);
    Ok(ExitCode::SUCCESS)
}

/// The bundle argument, else the remembered bundle if it still exists; `None`: the sample
/// built into the binary.
fn choose_bundle(arg: Option<PathBuf>, remembered: &Remembered) -> Option<PathBuf> {
    if arg.is_some() {
        return arg;
    }
    remembered
        .bundle
        .clone()
        .filter(|p| p.join("bundle.toml").is_file())
}

/// How long the terminal may take to say its background colour (a local terminal answers
/// in about a millisecond, one over SSH in a round trip).
const BACKGROUND_QUERY: std::time::Duration = std::time::Duration::from_millis(100);

/// How often the event loop looks for finished robustness checks while they run.
const CHECKS_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Blocks on the next terminal event (no polling), updates, and redraws once per event.
fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> color_eyre::Result<()> {
    terminal.draw(|f| view::draw(app, f))?;
    while !app.should_quit {
        // While robustness checks or an export run, wake every 50 ms to collect them;
        // otherwise block.
        if (app.checks_running() || app.export.is_some()) && !event::poll(CHECKS_POLL)? {
            let checks = app::collect_checks(app);
            if app::collect_export(app) || checks {
                terminal.draw(|f| view::draw(app, f))?;
            }
            continue;
        }
        let event = event::read()?;
        let msg = match &event {
            event::Event::Mouse(mouse) if app.search.is_none() => {
                let size = terminal.size()?;
                view::mouse_msg(app, *mouse, size.width, size.height)
            }
            _ if app.search.is_some() => msg::search_key(&event),
            _ => msg::from_event(&event, app.page),
        };
        let Some(msg) = msg else {
            continue;
        };
        app::dispatch(app, msg);
        if !app.should_quit {
            terminal.draw(|f| view::draw(app, f))?;
        }
    }
    Ok(())
}
