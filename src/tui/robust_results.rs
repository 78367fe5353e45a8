//! What the Robustness page shows: every check of `core::robust` for the current choices,
//! keyed by the choices that decide them. Nothing here computes a statistic; it calls core
//! and keeps the results (or the one-line reason a check does not apply).
//!
//! The checks together take longer than a keystroke may (the wild bootstrap's test inversion
//! alone is most of it), so they run on a worker thread. Each result carries the key of the
//! choices it was computed for; the page shows a result only when that key is the current
//! one, so a stale result is never presented as current.

use crate::core::bundle::Bundle;
use crate::core::choices::Choices;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// Every check for one set of choices (core's type, so that the export writes what the
/// page shows).
pub use crate::core::robust::RobustSuite;

/// What decides the checks: the choices minus the variance type (each check has its own
/// inference).
pub type RobustKey = Choices;

/// The checks' key for `choices`.
pub fn robust_key(choices: &Choices) -> RobustKey {
    choices.robust_key()
}

/// Runs every check of core::robust for `choices` (the slow part of the page).
pub fn compute_suite(bundle: &Bundle, choices: &Choices) -> RobustSuite {
    RobustSuite::compute(bundle, &choices.spec(bundle), &choices.robust_options())
}

/// Suites kept; each is a few hundred kilobytes at most.
const CACHE_CAPACITY: usize = 64;

/// What the page has, tagged with the key of the choices it is for.
#[derive(Debug, Clone)]
pub enum RobustView {
    /// The page has not been opened yet, so nothing was asked for.
    NotRequested,
    /// The checks for these choices are running.
    Computing { key: RobustKey },
    Ready {
        key: RobustKey,
        suite: Arc<RobustSuite>,
    },
}

impl RobustView {
    /// The suite if it belongs to the choices with `key`; anything else is not current.
    pub fn current(&self, key: &RobustKey) -> Option<&RobustSuite> {
        match self {
            RobustView::Ready { key: k, suite } if k == key => Some(suite),
            _ => None,
        }
    }
}

/// A finished computation, tagged with the key of the choices it belongs to.
struct Finished {
    key: RobustKey,
    suite: RobustSuite,
}

/// The checks by choice key, computed on a worker thread (or inline, for tests and
/// benches). `request` is cheap and never blocks; `receive` takes finished results.
pub struct RobustJobs {
    /// Finished suites by choice key; cleared when full (a re-computation is the only cost).
    cache: HashMap<RobustKey, Arc<RobustSuite>>,
    computed: usize,
    /// Key of the job running now, if any; only one runs at a time.
    running: Option<RobustKey>,
    /// Key of the choices the page currently shows.
    wanted: Option<RobustKey>,
    /// Choices to compute once the running job ends (the latest request wins).
    queued: Option<RobustKey>,
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

    fn store(&mut self, key: RobustKey, suite: RobustSuite) -> Arc<RobustSuite> {
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
        self.wanted = Some(key.clone());
        if let Some(s) = self.cache.get(&key) {
            return RobustView::Ready {
                key,
                suite: Arc::clone(s),
            };
        }
        if !self.background {
            let suite = self.store(key.clone(), compute_suite(bundle, &key));
            return RobustView::Ready { key, suite };
        }
        match &self.running {
            Some(k) if *k == key => self.queued = None,
            // One job at a time on a two-core laptop: the latest choice waits its turn.
            Some(_) => self.queued = Some(key.clone()),
            None => self.start(bundle, key.clone()),
        }
        RobustView::Computing { key }
    }

    /// Computes the checks for `key` (the choices that decide them) on a worker thread.
    fn start(&mut self, bundle: &Arc<Bundle>, key: RobustKey) {
        self.running = Some(key.clone());
        let bundle = Arc::clone(bundle);
        let tx = self.done_tx.clone();
        thread::spawn(move || {
            let suite = compute_suite(&bundle, &key);
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
        let suite = self.store(key.clone(), suite);
        if self.running.as_ref() == Some(&key) {
            self.running = None;
        }
        (self.wanted.as_ref() == Some(&key)).then_some(RobustView::Ready { key, suite })
    }

    /// Starts the queued request if nothing runs and it is still wanted and not cached.
    fn start_queued(&mut self, bundle: &Arc<Bundle>) {
        if self.running.is_none()
            && let Some(key) = self.queued.take()
            && self.wanted.as_ref() == Some(&key)
            && !self.cache.contains_key(&key)
        {
            self.start(bundle, key);
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
