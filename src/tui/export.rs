//! `e`: write what the current page shows into the export directory, in every format that
//! page has (charts as SVG and PNG, tables as Markdown, LaTeX, CSV and XLSX). The files are
//! made by `core::export`, the same code as `wirkung export`, so a slide can be rebuilt by script.
//! The Robustness page exports the checks the worker already computed for the current
//! choices; while they run, nothing is written.
//!
//! In the dashboard an export runs on a worker thread with a time limit (`RunningExport`):
//! a chart that takes forever must not freeze the screen or `q`. It writes into a hidden
//! staging directory inside the export directory; the files are moved into place only when
//! the export finished in time, and the staging directory is removed whatever happens.

use super::app::App;
use crate::core::bundle::Bundle;
use crate::core::choices::Choices;
use crate::core::export::{self, ExportFormat, ExportRequest, Page};
use crate::core::robust::RobustSuite;
use crate::core::view::event_time::Estimator;
use crate::core::view::map::MapColouring;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// The default export directory: the user's data directory (`directories`), `exports/`.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "wirkung")
        .map(|d| d.data_dir().join("exports"))
        .unwrap_or_else(|| PathBuf::from("wirkung-exports"))
}

/// How long an export may take before the dashboard abandons it (`--export-timeout`).
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// Tests only: the worker sleeps this many milliseconds before writing, so that a test can
/// show that a slow export neither blocks `q` nor outlives its time limit.
const TEST_DELAY_ENV: &str = "WIRKUNG_TEST_EXPORT_DELAY_MS";

/// Why nothing (or not everything) was exported; the status bar shows the message.
#[derive(Debug, thiserror::Error)]
pub enum PageExportError {
    #[error(
        "nothing exported yet: the robustness checks are still being computed; press e again when they are shown"
    )]
    ChecksRunning,
    #[error("export failed: cannot create {}: {source}", dir.display())]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("export failed: {0}")]
    Export(#[from] export::ExportError),
    #[error("export failed: cannot move {} into place: {source}", path.display())]
    Publish {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("export failed: cannot start the export worker: {0}")]
    Worker(std::io::Error),
}

/// Everything an export of the page on screen needs, owned, so that it can be written on
/// another thread while the dashboard goes on.
pub struct PageExport {
    bundle: Arc<Bundle>,
    page: Page,
    choices: Choices,
    /// The Robustness page's checks for exactly these choices.
    suite: Option<RobustSuite>,
    event_time: Option<Vec<Estimator>>,
    map: Option<MapColouring>,
}

impl PageExport {
    /// What the current page would export; only results computed for exactly these choices
    /// are exported (re-running the checks here would take as long as the worker takes).
    pub fn of(app: &App) -> Result<PageExport, PageExportError> {
        let suite = match app.page {
            Page::Robustness => Some(
                app.robust
                    .current(&app.choices.robust_key())
                    .ok_or(PageExportError::ChecksRunning)?
                    .clone(),
            ),
            _ => None,
        };
        Ok(PageExport {
            bundle: Arc::clone(&app.bundle),
            page: app.page,
            choices: app.choices.clone(),
            suite,
            event_time: app.event_time_view.then(|| app.estimators()),
            map: match app.page {
                Page::StartTimes => app.map.colouring,
                _ => None,
            },
        })
    }

    /// Writes every format into `dir` (created if needed), never overwriting a file;
    /// returns the paths written.
    pub fn write(&self, dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, PageExportError> {
        std::fs::create_dir_all(dir).map_err(|source| PageExportError::CreateDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        self.write_files(dir, today)
    }

    /// Writes every format into the existing directory `dir`; never creates it, so that a
    /// worker woken after its staging directory was removed writes nothing anywhere.
    fn write_files(&self, dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, PageExportError> {
        let request = |format| ExportRequest {
            page: self.page,
            choices: self.choices.clone(),
            format,
            date: today,
            scale: 1.0,
        };
        let bundle = &self.bundle;
        let mut written: Vec<PathBuf> = ExportFormat::ALL
            .iter()
            .map(|&format| {
                let request = request(format);
                match (&self.suite, &self.event_time) {
                    (Some(s), Some(shown)) => {
                        export::event_time::export_event_time_to(bundle, &request, s, shown, dir)
                    }
                    (Some(s), None) => export::export_robustness_to(bundle, &request, s, dir),
                    (None, _) => export::export_to(bundle, &request, dir),
                }
                // A chart with nothing to draw (a check that does not apply) is left out; its
                // table, which says why, is written.
                .map(Some)
                .or_else(|e| match e {
                    export::ExportError::Render(export::ChartError::NothingToDraw(_)) => Ok(None),
                    e => Err(PageExportError::from(e)),
                })
            })
            .filter_map(Result::transpose)
            .collect::<Result<_, _>>()?;
        // The map on screen goes out too, as SVG and as its district table.
        if let Some(colouring) = self.map {
            for format in [ExportFormat::Svg, ExportFormat::Csv] {
                let request = request(format);
                if let Some(bytes) = export::map::render_map(bundle, &request, colouring) {
                    let bytes = bytes?;
                    let name = format!(
                        "map-{}.{}",
                        self.choices.comparison.id(),
                        format.extension()
                    );
                    written.push(
                        export::write_new(&dir.join(name), &bytes)
                            .map_err(export::ExportError::from)?,
                    );
                }
            }
        }
        Ok(written)
    }
}

/// Writes every format of the current page into `dir` at once (tests, and the dashboard
/// where exports are not sent to a worker).
pub fn export_current_page(
    app: &App,
    dir: &Path,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, PageExportError> {
    PageExport::of(app)?.write(dir, today)
}

/// An export being written on a worker thread, with its deadline.
pub struct RunningExport {
    finished: mpsc::Receiver<Result<Vec<PathBuf>, PageExportError>>,
    /// Dropping it removes whatever the worker wrote (abandoned, failed, or quit).
    staging: tempfile::TempDir,
    dir: PathBuf,
    started: Instant,
    limit: Duration,
}

impl RunningExport {
    /// Starts writing `job` on a worker thread into a staging directory inside `dir`.
    pub fn start(
        job: PageExport,
        dir: &Path,
        today: NaiveDate,
        limit: Duration,
    ) -> Result<RunningExport, PageExportError> {
        let create = |source| PageExportError::CreateDir {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(create)?;
        // Inside the export directory, so that moving the files into place is a rename on
        // one file system; dot-prefixed like every temporary file of ours.
        let staging = tempfile::Builder::new()
            .prefix(".wirkung-export-")
            .tempdir_in(dir)
            .map_err(create)?;
        // The worker writes one level down: once the staging directory is removed (the
        // export abandoned), `files` has no parent and every late write fails instead of
        // landing beside it in the export directory.
        let into = staging.path().join("files");
        std::fs::create_dir(&into).map_err(create)?;
        let delay = std::env::var(TEST_DELAY_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_millis);
        let (send, finished) = mpsc::channel();
        std::thread::Builder::new()
            .name("export".into())
            .spawn(move || {
                if let Some(d) = delay {
                    std::thread::sleep(d);
                }
                // The receiver is gone when the export was abandoned; nothing to tell then.
                let _ = send.send(job.write_files(&into, today));
            })
            .map_err(PageExportError::Worker)?;
        Ok(RunningExport {
            finished,
            staging,
            dir: dir.to_path_buf(),
            started: Instant::now(),
            limit,
        })
    }

    /// The status bar's message once the export has finished, failed or run out of time;
    /// `None` while it is still running. The caller drops the export after a message, which
    /// removes the staging directory.
    pub fn poll(&self) -> Option<String> {
        match self.finished.try_recv() {
            Ok(Ok(staged)) => Some(match self.publish(&staged) {
                Ok(n) => format!("exported {n} files to {}", self.dir.display()),
                Err(e) => e.to_string(),
            }),
            Ok(Err(e)) => Some(e.to_string()),
            Err(mpsc::TryRecvError::Disconnected) => {
                Some("export failed: the export stopped without a result".into())
            }
            Err(mpsc::TryRecvError::Empty) if self.started.elapsed() >= self.limit => {
                Some(format!(
                    "export abandoned after {} s (the time limit, --export-timeout): nothing written",
                    self.limit.as_secs()
                ))
            }
            Err(mpsc::TryRecvError::Empty) => None,
        }
    }

    /// Moves the staged files into the export directory under names that do not exist yet.
    fn publish(&self, staged: &[PathBuf]) -> Result<usize, PageExportError> {
        for path in staged {
            let name = path.file_name().unwrap_or_default();
            let publish_error = |source| PageExportError::Publish {
                path: path.clone(),
                source,
            };
            // A hard link never replaces an existing file; where links are not supported,
            // a rename to a name checked free just before.
            loop {
                let target = export::free_name(&self.dir.join(name));
                match std::fs::hard_link(path, &target) {
                    Ok(()) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(_) => {
                        std::fs::rename(path, &target).map_err(publish_error)?;
                        break;
                    }
                }
            }
        }
        debug_assert!(self.staging.path().is_dir());
        Ok(staged.len())
    }
}
