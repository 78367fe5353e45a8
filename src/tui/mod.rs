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
pub mod msg;
pub mod pages;
pub mod robust_results;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;

use crate::core::bundle;
use crate::core::bundle::SAMPLE_BUNDLE;
use app::App;
use color_eyre::eyre::{WrapErr, eyre};
use config::Remembered;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use theme::{Theme, ThemeArg};

/// The dashboard's own options (`wirkung [BUNDLE] [OPTIONS]`).
#[derive(Debug, Clone, clap::Args, Default)]
pub struct DashboardArgs {
    /// Forget the remembered bundle and choices.
    #[arg(long)]
    pub reset: bool,
    /// Colour theme: full colour, 16 colours, or none (NO_COLOR is honoured too).
    #[arg(long, value_enum, default_value_t = ThemeArg::Full)]
    pub theme: ThemeArg,
    /// A second (older) bundle: the Overview lists what changed since it (`x`), as `wirkung diff`.
    #[arg(long, value_name = "OLD_BUNDLE")]
    pub compare: Option<PathBuf>,
    /// Directory for `e` exports (default: the user's data directory, exports/).
    #[arg(long)]
    pub export_dir: Option<PathBuf>,
}

/// Opens the dashboard on `bundle` (else the remembered one, else the shipped sample).
pub fn run(bundle: Option<PathBuf>, args: DashboardArgs) -> color_eyre::Result<ExitCode> {
    let state_file = config::state_file();
    let remembered = match &state_file {
        Some(path) if args.reset => {
            config::forget(path).wrap_err_with(|| {
                format!("cannot forget the remembered state in {}", path.display())
            })?;
            Remembered::default()
        }
        Some(path) => config::load(path),
        None => Remembered::default(),
    };
    let path = choose_bundle(bundle, &remembered);
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    // Read everything before the terminal is taken over, so that a bundle that cannot be
    // read is a plain message on a normal terminal.
    let loaded = bundle::load(&path)
        .map_err(|e| eyre!("{e}"))
        .wrap_err_with(|| {
            format!(
                "cannot open the dashboard on {}; `wirkung check <BUNDLE>` lists what is wrong",
                path.display()
            )
        })?;
    let changes = match &args.compare {
        Some(old) => {
            let old_bundle = bundle::load(old)
                .map_err(|e| eyre!("{e}"))
                .wrap_err_with(|| {
                    format!("cannot open the bundle to compare with, {}", old.display())
                })?;
            Some(compare::changes(&old_bundle, &loaded))
        }
        None => None,
    };
    let theme = Theme::choose(args.theme, std::env::var("NO_COLOR").ok().as_deref());
    let mut app = App::new(loaded, path, theme, &remembered);
    if let Some(dir) = args.export_dir {
        app.export_dir = dir;
    }
    if changes.is_some() {
        app.changes = changes;
        app.page = app::Page::Overview;
        app.show_changes = true;
        app.show_findings = false;
    }
    app.run_checks_in_background();

    if !std::io::stdout().is_terminal() {
        color_eyre::eyre::bail!(
            "the dashboard needs an interactive terminal; for scripts use `wirkung check`, `panel`, `estimate` or `trends`"
        );
    }
    // SIGTERM, SIGHUP, SIGINT and panics give the terminal back (terminal.rs).
    terminal::restore_on_signals().wrap_err("cannot watch for signals")?;
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Raw mode may already be on when the alternate screen failed.
            let _ = ratatui::try_restore();
            return Err(e)
                .wrap_err("cannot set up the terminal (is this an interactive terminal?)");
        }
    };
    terminal::restore_on_panic();
    let result = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    result?;
    if let Some(path) = &state_file {
        // Forgetting the choices is no reason to fail a session that went well.
        if let Err(e) = config::save(path, &app.remembered()) {
            eprintln!(
                "wirkung: could not remember the choices in {}: {e}",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The bundle argument, else the remembered bundle if it still exists, else the sample.
fn choose_bundle(arg: Option<PathBuf>, remembered: &Remembered) -> PathBuf {
    if let Some(p) = arg {
        return p;
    }
    match &remembered.bundle {
        Some(p) if p.join("bundle.toml").is_file() => p.clone(),
        _ => Path::new(SAMPLE_BUNDLE).to_path_buf(),
    }
}

/// How often the event loop looks for finished robustness checks while they run.
const CHECKS_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Blocks on the next terminal event (no polling), updates, and redraws once per event.
fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> color_eyre::Result<()> {
    terminal.draw(|f| view::draw(app, f))?;
    while !app.should_quit {
        // While robustness checks run, wake every 50 ms to collect them; otherwise block.
        if app.checks_running() && !event::poll(CHECKS_POLL)? {
            if app::collect_checks(app) {
                terminal.draw(|f| view::draw(app, f))?;
            }
            continue;
        }
        let event = event::read()?;
        let Some(msg) = msg::from_event(&event, app.page) else {
            continue;
        };
        app::dispatch(app, msg);
        if !app.should_quit {
            terminal.draw(|f| view::draw(app, f))?;
        }
    }
    Ok(())
}
