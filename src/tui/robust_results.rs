//! What the Robustness page shows: every check of `core::robust` for the current choices,
//! keyed by the hash of what decides them. Nothing here computes a statistic; it calls core
//! and keeps the results (or the one-line reason a check does not apply).
//!
//! The checks together take longer than a keystroke may (the wild bootstrap's test inversion
//! alone is most of it), so they run on a worker thread. Each result carries the key of the
//! choices it was computed for; the page shows a result only when that key is the current
//! one, so a stale result is never presented as current.

use super::analysis::Choices;
use super::cache::key_of;
use crate::core::bundle::Bundle;
use crate::core::derive::{PanelSpec, check_supported};
use crate::core::robust::{
    self, DoseResult, EventStudy, LeaveOneOut, PlaceboResult, RandomizationInference, RobustError,
    RobustOptions, Staggered, WildBootstrap,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// One check's result, or why it cannot be shown (the core error, in one line).
pub type CheckResult<T> = Result<T, String>;

/// Every check for one set of choices.
#[derive(Debug)]
pub struct RobustSuite {
    pub event_study: CheckResult<EventStudy>,
    pub placebo: CheckResult<PlaceboResult>,
    pub ri: CheckResult<RandomizationInference>,
    pub wild: CheckResult<WildBootstrap>,
    pub loo: CheckResult<LeaveOneOut>,
    pub dose: CheckResult<DoseResult>,
    pub staggered: CheckResult<Staggered>,
}

/// The checks' own options for these choices: the report's defaults (9,999 draws, fixed
/// seed, placebo Dec 2015 → Sep 2017, monthly event study) with the user's weighting.
pub fn robust_options(choices: &Choices) -> RobustOptions {
    RobustOptions {
        weighted: choices.weighted,
        ..RobustOptions::default()
    }
}

/// The panel spec the checks receive: the current choices with column (2)'s controls.
pub fn robust_spec(bundle: &Bundle, choices: &Choices) -> PanelSpec {
    choices.spec(bundle)
}

/// What decides the checks: every choice except the variance type (each check has its own
/// inference: HC1, district clusters, permutations or the bootstrap).
pub fn robust_key(choices: &Choices) -> u64 {
    key_of(&(
        "robust",
        choices.comparison,
        choices.outcome,
        choices.level,
        &choices.disabled_controls,
        choices.weighted,
        choices.cutoff,
    ))
}

fn run<T>(f: impl FnOnce() -> Result<T, RobustError>) -> CheckResult<T> {
    f().map_err(|e| e.to_string())
}

impl RobustSuite {
    /// Runs every check of core::robust for `choices` (the slow part of the page).
    pub fn compute(bundle: &Bundle, choices: &Choices) -> RobustSuite {
        let spec = robust_spec(bundle, choices);
        let options = robust_options(choices);
        // An unsupported combination (housing by start date ...) is said once, as the
        // Estimate page says it, instead of seven different ways.
        if let Err(e) = check_supported(spec.outcome, spec.comparison, spec.level) {
            let why = e.to_string();
            return RobustSuite::unavailable(&why);
        }
        let (b, s, o) = (bundle, &spec, &options);
        // The two resampling checks are the slow ones; they run next to the rest.
        let ((wild, ri), (event_study, placebo, loo, dose, staggered)) = rayon::join(
            || {
                (
                    run(|| robust::wild_bootstrap(b, s, o)),
                    run(|| robust::randomization_inference(b, s, o)),
                )
            },
            || {
                (
                    run(|| robust::event_study(b, s, o)),
                    run(|| robust::placebo(b, s, o)),
                    run(|| robust::leave_one_out(b, s, o)),
                    run(|| robust::dose(b, s, o)),
                    run(|| robust::staggered(b, s, o)),
                )
            },
        );
        RobustSuite {
            event_study,
            placebo,
            ri,
            wild,
            loo,
            dose,
            staggered,
        }
    }

    /// Every check fails for the same reason.
    pub fn unavailable(why: &str) -> RobustSuite {
        RobustSuite {
            event_study: Err(why.to_string()),
            placebo: Err(why.to_string()),
            ri: Err(why.to_string()),
            wild: Err(why.to_string()),
            loo: Err(why.to_string()),
            dose: Err(why.to_string()),
            staggered: Err(why.to_string()),
        }
    }
}

/// Suites kept; each is a few hundred kilobytes at most.
const CACHE_CAPACITY: usize = 64;

/// What the page has, tagged with the key of the choices it is for.
#[derive(Debug, Clone)]
pub enum RobustView {
    /// The page has not been opened yet, so nothing was asked for.
    NotRequested,
    /// The checks for these choices are running.
    Computing {
        key: u64,
    },
    Ready {
        key: u64,
        suite: Arc<RobustSuite>,
    },
}

impl RobustView {
    /// The suite if it belongs to the choices with `key`; anything else is not current.
    pub fn current(&self, key: u64) -> Option<&RobustSuite> {
        match self {
            RobustView::Ready { key: k, suite } if *k == key => Some(suite),
            _ => None,
        }
    }
}

/// A finished computation, tagged with the key of the choices it belongs to.
struct Finished {
    key: u64,
    suite: RobustSuite,
}

/// The checks by choice key, computed on a worker thread (or inline, for tests and
/// benches). `request` is cheap and never blocks; `receive` takes finished results.
pub struct RobustJobs {
    /// Finished suites by choice key; cleared when full (a re-computation is the only cost).
    cache: HashMap<u64, Arc<RobustSuite>>,
    computed: usize,
    /// Key of the job running now, if any; only one runs at a time.
    running: Option<u64>,
    /// Key of the choices the page currently shows.
    wanted: Option<u64>,
    /// Choices to compute once the running job ends (the latest request wins).
    queued: Option<(u64, Choices)>,
    done_tx: Sender<Finished>,
    done_rx: Receiver<Finished>,
    background: bool,
}

impl RobustJobs {
    /// `background`: run the checks on a worker thread (the dashboard) or inline (tests).
    pub fn new(background: bool) -> RobustJobs {
        let (done_tx, done_rx) = mpsc::channel();
        RobustJobs {
            cache: HashMap::new(),
            computed: 0,
            running: None,
            wanted: None,
            queued: None,
            done_tx,
            done_rx,
            background,
        }
    }

    /// Run later requests on a worker thread (the dashboard) instead of inline (tests).
    pub fn set_background(&mut self, background: bool) {
        self.background = background;
    }

    /// Whether a job is running (the event loop then also waits on it).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// How many suites were computed (cache misses), for tests.
    pub fn computed(&self) -> usize {
        self.computed
    }

    /// Forgets every finished suite.
    pub fn clear(&mut self) {
        self.cache.clear();
    }

    fn store(&mut self, key: u64, suite: RobustSuite) -> Arc<RobustSuite> {
        if self.cache.len() >= CACHE_CAPACITY {
            self.cache.clear();
        }
        self.computed += 1;
        let s = Arc::new(suite);
        self.cache.insert(key, Arc::clone(&s));
        s
    }

    /// The checks for `choices`: from the cache, or started now (Computing until done).
    pub fn request(&mut self, bundle: &Arc<Bundle>, choices: &Choices) -> RobustView {
        self.drain();
        let key = robust_key(choices);
        self.wanted = Some(key);
        if let Some(s) = self.cache.get(&key) {
            return RobustView::Ready {
                key,
                suite: Arc::clone(s),
            };
        }
        if !self.background {
            let suite = self.store(key, RobustSuite::compute(bundle, choices));
            return RobustView::Ready { key, suite };
        }
        match self.running {
            Some(k) if k == key => self.queued = None,
            // One job at a time on a two-core laptop: the latest choice waits its turn.
            Some(_) => self.queued = Some((key, choices.clone())),
            None => self.start(bundle, key, choices.clone()),
        }
        RobustView::Computing { key }
    }

    fn start(&mut self, bundle: &Arc<Bundle>, key: u64, choices: Choices) {
        self.running = Some(key);
        let bundle = Arc::clone(bundle);
        let tx = self.done_tx.clone();
        thread::spawn(move || {
            let suite = RobustSuite::compute(&bundle, &choices);
            // The receiver lives as long as the dashboard; after it is gone nobody waits.
            let _ = tx.send(Finished { key, suite });
        });
    }

    /// Stores what finished; the view of the wanted key if it is among them.
    fn drain(&mut self) -> Option<RobustView> {
        let mut current = None;
        while let Ok(finished) = self.done_rx.try_recv() {
            if let Some(v) = self.finish(finished) {
                current = Some(v);
            }
        }
        current
    }

    fn finish(&mut self, Finished { key, suite }: Finished) -> Option<RobustView> {
        let suite = self.store(key, suite);
        if self.running == Some(key) {
            self.running = None;
        }
        (self.wanted == Some(key)).then_some(RobustView::Ready { key, suite })
    }

    /// Starts the queued request if nothing runs and it is still wanted and not cached.
    fn start_queued(&mut self, bundle: &Arc<Bundle>) {
        if self.running.is_none()
            && let Some((key, choices)) = self.queued.take()
            && self.wanted == Some(key)
            && !self.cache.contains_key(&key)
        {
            self.start(bundle, key, choices);
        }
    }

    /// Stores finished jobs, starts the queued one, and returns the view for the current
    /// choices if a job for them just finished.
    pub fn receive(&mut self, bundle: &Arc<Bundle>) -> Option<RobustView> {
        let current = self.drain();
        self.start_queued(bundle);
        current
    }

    /// Blocks until no job runs (queued ones included) and returns the view of the wanted
    /// key if one finished; for tests.
    pub fn wait(&mut self, bundle: &Arc<Bundle>) -> Option<RobustView> {
        let mut last = self.receive(bundle);
        while self.running.is_some() {
            let Ok(finished) = self.done_rx.recv() else {
                break;
            };
            if let Some(v) = self.finish(finished) {
                last = Some(v);
            }
            self.start_queued(bundle);
        }
        last
    }
}
