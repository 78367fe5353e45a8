//! The App model and `update(&mut App, Msg)` (the Elm architecture): all state changes happen
//! here, drawing only reads; `dispatch` re-estimates when the choices changed and performs the
//! effects `update` asked for.

use super::analysis::{Analysis, PanelPair};
use super::cache::KeyedCache;
use super::config::Remembered;
use super::msg::Msg;
use super::robust_results::{RobustJobs, RobustView};
use super::theme::Theme;
use crate::core::bundle::{Bundle, Level, Topic};
use crate::core::choices::{Choices, PanelKey, TrendKey};
use crate::core::derive::{Comparison, DeriveError, Outcome};
use crate::core::estimate::VarianceType;
use crate::core::period::parse_date;
use crate::core::view::district::DistrictView;
use crate::core::view::event_time::Estimator;
use crate::core::view::implementation::ImplementationView;
use crate::core::view::overview::{BundleSummary, OverviewView};
use crate::core::view::staffing::StaffingView;
use crate::core::view::start_times::StartTimesView;
use crate::core::view::topics::TopicsView;
use crate::core::view::trends::TrendsView;
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::core::view::Page;

/// Which talk share ranks the districts on the topics page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    Labour,
    Housing,
}

/// The whole dashboard state.
pub struct App {
    pub bundle: Arc<Bundle>,
    pub bundle_path: PathBuf,
    pub theme: Theme,
    pub page: Page,
    pub choices: Choices,
    pub help: bool,
    /// The page's panel `z` maximised (an index into `pages::panels`), if any.
    pub zoom: Option<usize>,
    pub show_findings: bool,
    /// `wirkung diff` lines against the bundle given with `--compare`, if any.
    pub changes: Option<Vec<String>>,
    pub show_changes: bool,
    /// Cursor per page (the row under the cursor in that page's list).
    pub cursor: [usize; Page::ALL.len()],
    /// Topics drawn in the quarterly chart (Abb. 35), indexed like `Topic::ALL`.
    pub topics_shown: [bool; 8],
    pub ranking: Ranking,
    /// Row of the district ranking on the topics page.
    pub ranking_cursor: usize,
    pub show_difference: bool,
    /// Robustness page: the event-time view instead of the checks table, and which of
    /// its estimators are drawn (indexed like `Estimator::ALL`).
    pub event_time_view: bool,
    pub estimators_shown: [bool; 4],
    pub should_quit: bool,
    /// Where `e` writes exports (`--export-dir`, default: the user's data directory).
    pub export_dir: PathBuf,
    /// How long an export may run before it is abandoned (`--export-timeout`).
    pub export_limit: std::time::Duration,
    /// Whether `e` writes on a worker thread (the interactive dashboard); tests write at once.
    pub exports_in_background: bool,
    /// The export being written on the worker, if any.
    pub export: Option<super::export::RunningExport>,
    /// A one-off message for the status bar (e.g. where an export went); cleared by the next key.
    pub status: Option<String>,
    /// The search being typed after `/` (None: not typing).
    pub search: Option<String>,
    /// The last search submitted, for `n` / `N`.
    pub last_search: Option<String>,
    /// What the help overlay's lines are filtered by (`/` typed while help is open).
    pub help_filter: Option<String>,
    /// The order of each sortable list, indexed by `SortedList`.
    pub sorts: [ListSort; 5],
    /// The changes (`x`) with the headline estimates that moved most first (`s`).
    pub changes_by_size: Option<Vec<String>>,
    /// The district detail opened with Enter (Esc closes it); rebuilt when the choices change.
    pub district: Option<Box<crate::core::view::district::DistrictView>>,
    /// How many columns the change view is scrolled to the right (← / →).
    pub changes_offset: usize,
    /// The `wirkung …` command shown by `y` (an overlay; Esc closes it).
    pub command: Option<String>,
    /// Opened on the sample built into the binary: commands first write it out.
    pub embedded_sample: bool,
    /// Whether `y` also copies through the terminal (OSC 52); off in tests.
    pub clipboard: bool,
    pub analysis: Arc<Analysis>,
    /// The models of pages 1–5 for the current choices (`core::view`), drawn as they are.
    pub overview: OverviewView,
    pub start_times: Arc<StartTimesView>,
    pub staffing: Arc<StaffingView>,
    pub topics: Arc<TopicsView>,
    pub trends: Arc<Result<TrendsView, DeriveError>>,
    /// Page 8 depends on the bundle alone: built once when it is opened.
    pub implementation: Arc<ImplementationView>,
    /// The Overview's bundle part, computed once when the bundle is opened.
    summary: Arc<BundleSummary>,
    caches: Caches,
    // Robustness page (robust_results.rs): the checks for the current choices, and the
    // jobs that compute them.
    pub robust: RobustView,
    robust_jobs: RobustJobs,
    /// What `update` asked the event loop to do outside the model (write an export).
    effects: Vec<Effect>,
    /// The Start times page's district map (`m`).
    pub map: super::map_state::MapState,
}

/// How a list is ordered (`s` cycles through its list's orders; the panel title names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSort {
    /// By start date, with the cutoff drawn between the early and the late ones.
    StartDate,
    Name,
    /// Highest value first, with the median drawn between the groups.
    Value,
    /// Errors first, then warnings.
    Severity,
    /// By table, column and row.
    Table,
    /// As `wirkung diff` prints it.
    Report,
    /// The headline estimates that moved most first.
    Size,
}

impl ListSort {
    pub fn label(self) -> &'static str {
        match self {
            ListSort::StartDate => "start date",
            ListSort::Name => "name",
            ListSort::Value => "value",
            ListSort::Severity => "severity",
            ListSort::Table => "table",
            ListSort::Report => "report order",
            ListSort::Size => "size of change",
        }
    }
}

/// The dashboard's sortable lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortedList {
    /// Start times: the districts.
    Districts,
    /// Staffing: the capacity ranking.
    Capacity,
    /// Topics: the district ranking by talk share.
    Ranking,
    /// Overview: the check findings (`f`).
    Findings,
    /// Overview: the changes since the `--compare` bundle (`x`).
    Changes,
}

impl SortedList {
    pub const ALL: [SortedList; 5] = [
        SortedList::Districts,
        SortedList::Capacity,
        SortedList::Ranking,
        SortedList::Findings,
        SortedList::Changes,
    ];

    /// The orders `s` cycles through, the first being the default.
    pub fn orders(self) -> &'static [ListSort] {
        match self {
            SortedList::Districts => &[ListSort::StartDate, ListSort::Name],
            SortedList::Capacity | SortedList::Ranking => &[ListSort::Value, ListSort::Name],
            SortedList::Findings => &[ListSort::Severity, ListSort::Table],
            SortedList::Changes => &[ListSort::Report, ListSort::Size],
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Work with the world outside the model that `update` asks for and the event loop performs
/// (`dispatch`), so that `update` itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write every format of the current page into `dir`; the date goes into the captions.
    Export { dir: PathBuf, date: NaiveDate },
    /// Put the text on the terminal's clipboard (OSC 52, which also works over SSH).
    Copy(String),
}

impl App {
    /// Opens `bundle` with the report's default choices, then applies what was remembered
    /// (the cutoff only when it was remembered for this very bundle).
    pub fn new(bundle: Bundle, bundle_path: PathBuf, theme: Theme, remembered: &Remembered) -> App {
        let same_bundle = remembered.bundle.as_deref() == Some(bundle_path.as_path());
        let cutoff = remembered
            .cutoff
            .as_deref()
            .filter(|_| same_bundle)
            .and_then(|s| parse_date(s).ok())
            .unwrap_or(bundle.manifest.rules.early_cutoff);
        let cutoff = Choices::new(&bundle, Outcome::Employment, Comparison::EarlyStart)
            .clamp_cutoff(&bundle, cutoff);
        let mut choices = Choices {
            level: remembered.level.unwrap_or(Level::District),
            variance: remembered.variance.unwrap_or(VarianceType::Hc1),
            weighted: remembered.weighted.unwrap_or(true),
            cutoff,
            ..Choices::new(
                &bundle,
                remembered.outcome.unwrap_or(Outcome::Employment),
                remembered.comparison.unwrap_or(Comparison::EarlyStart),
            )
        };
        choices.disable_controls(
            &bundle,
            &remembered.disabled_controls.iter().cloned().collect(),
        );
        let has_errors = bundle.findings.has_errors();
        // A bundle with errors opens on the Overview with its findings listed.
        let page = match remembered.page.and_then(|i| Page::ALL.get(i)) {
            Some(p) if !has_errors => *p,
            _ => Page::Overview,
        };
        let summary = Arc::new(BundleSummary::new(&bundle));
        let topics = Arc::new(TopicsView::build(&bundle));
        let implementation = Arc::new(ImplementationView::build(&bundle, &choices));
        let bundle = Arc::new(bundle);
        let mut caches = Caches::new();
        let results = caches.results(&bundle, &choices);
        App {
            overview: overview(&summary, &bundle, &choices, &results.analysis),
            analysis: results.analysis,
            trends: results.trends,
            start_times: results.start_times,
            staffing: results.staffing,
            topics,
            implementation,
            summary,
            bundle,
            bundle_path,
            theme,
            page,
            choices,
            help: false,
            zoom: None,
            show_findings: has_errors,
            changes: None,
            show_changes: false,
            cursor: [0; Page::ALL.len()],
            topics_shown: [true; 8],
            ranking: Ranking::Labour,
            ranking_cursor: 0,
            show_difference: false,
            event_time_view: false,
            estimators_shown: [true; 4],
            should_quit: false,
            export_dir: super::export::default_dir(),
            export_limit: super::export::DEFAULT_LIMIT,
            exports_in_background: false,
            export: None,
            status: None,
            command: None,
            search: None,
            last_search: None,
            help_filter: None,
            sorts: SortedList::ALL.map(|list| list.orders()[0]),
            changes_by_size: None,
            district: None,
            changes_offset: 0,
            embedded_sample: false,
            clipboard: false,
            caches,
            robust: RobustView::NotRequested,
            robust_jobs: RobustJobs::new(false),
            effects: Vec::new(),
            map: super::map_state::MapState::new(),
        }
        .with_checks_requested()
    }

    /// What to remember for the next start.
    pub fn remembered(&self) -> Remembered {
        Remembered {
            bundle: Some(self.bundle_path.clone()),
            page: Some(self.page.index()),
            comparison: Some(self.choices.comparison),
            outcome: Some(self.choices.outcome),
            level: Some(self.choices.level),
            variance: Some(self.choices.variance),
            weighted: Some(self.choices.weighted),
            disabled_controls: self
                .choices
                .disabled_controls(&self.bundle)
                .into_iter()
                .collect(),
            cutoff: Some(self.choices.cutoff.to_string()),
            // The theme is chosen before the App exists; the caller fills it in.
            theme: None,
        }
    }

    /// Estimates computed so far (cache misses), for tests and the bench.
    pub fn estimations(&self) -> usize {
        self.caches.analyses.computed()
    }

    /// Panel pairs built so far (cache misses), for tests.
    pub fn panel_builds(&self) -> usize {
        self.caches.panels.computed()
    }

    /// Drops the cached estimates (the bench measures a cold re-estimate with it).
    pub fn clear_estimate_cache(&mut self) {
        self.caches.analyses.clear();
    }

    /// Brings the shown results up to the current choices, from the cache where possible.
    fn reestimate(&mut self) {
        let results = self.caches.results(&self.bundle, &self.choices);
        self.overview = overview(
            &self.summary,
            &self.bundle,
            &self.choices,
            &results.analysis,
        );
        self.analysis = results.analysis;
        self.trends = results.trends;
        self.start_times = results.start_times;
        self.staffing = results.staffing;
    }

    /// Number of rows in the current page's list, for moving the cursor.
    fn list_len(&self) -> usize {
        match self.page {
            Page::Overview => {
                if self.show_changes {
                    self.change_lines().len()
                } else if self.show_findings {
                    self.bundle.findings.items.len()
                } else {
                    0
                }
            }
            Page::StartTimes => self.start_times.districts.len(),
            Page::Staffing => self.staffing.capacity.items.len(),
            Page::Topics => Topic::ALL.len(),
            Page::Trends => 0,
            Page::Estimate => self.choices.available_controls(&self.bundle).len(),
            Page::Robustness if self.event_time_view => Estimator::ALL.len(),
            Page::Robustness => crate::core::robust::Check::ALL.len(),
            Page::Implementation => self.implementation.items.len(),
        }
    }

    /// The `wirkung …` command that prints the view on screen (`y`).
    pub fn view_command(&self) -> String {
        let check = (self.page == Page::Robustness)
            .then(|| crate::core::robust::Check::ALL.get(self.cursor(Page::Robustness)))
            .flatten()
            .map(|c| c.id());
        let sample = crate::core::sample::NAME;
        let bundle_arg = if self.embedded_sample {
            sample.to_string()
        } else {
            self.bundle_path.display().to_string()
        };
        let command = match &self.district {
            // The open detail is what is on screen.
            Some(d) => {
                let cutoff = if self.choices.cutoff_moved(&self.bundle) {
                    format!(" --cutoff {}", self.choices.cutoff)
                } else {
                    String::new()
                };
                format!(
                    "wirkung district {bundle_arg} {} --comparison {} --outcome {}{cutoff}",
                    d.district_id,
                    self.choices.comparison.id(),
                    self.choices.outcome.id()
                )
            }
            None => crate::core::choices::command(
                &self.choices,
                &self.bundle,
                &bundle_arg,
                self.page,
                check,
            ),
        };
        if self.embedded_sample {
            format!("wirkung sample --out {sample} && {command}")
        } else {
            command
        }
    }

    /// The labels of the current page's list, in the order the cursor walks it (what `/`
    /// searches).
    pub fn list_labels(&self) -> Vec<String> {
        match self.page {
            Page::Overview => {
                if self.show_changes {
                    self.change_lines().to_vec()
                } else if self.show_findings {
                    self.findings_in_order()
                        .iter()
                        .map(|f| format!("{}: {}", f.location(), f.message))
                        .collect()
                } else {
                    Vec::new()
                }
            }
            Page::StartTimes => self
                .district_order()
                .into_iter()
                .map(|i| self.start_times.districts[i].name.clone())
                .collect(),
            Page::Staffing => self
                .ranking_order(SortedList::Capacity)
                .into_iter()
                .map(|i| self.staffing.capacity.items[i].0.name.clone())
                .collect(),
            Page::Topics => Topic::ALL.iter().map(|t| t.label().to_string()).collect(),
            Page::Trends => Vec::new(),
            Page::Estimate => self
                .choices
                .available_controls(&self.bundle)
                .iter()
                .map(|c| c.display_label().to_string())
                .collect(),
            Page::Implementation => self
                .implementation
                .items
                .iter()
                .map(|i| i.short.to_string())
                .collect(),
            Page::Robustness if self.event_time_view => Estimator::ALL
                .iter()
                .map(|e| e.label().to_string())
                .collect(),
            Page::Robustness => crate::core::robust::Check::ALL
                .iter()
                .map(|c| crate::core::view::robust::name(*c).to_string())
                .collect(),
        }
    }

    /// The order of `list`.
    pub fn sort(&self, list: SortedList) -> ListSort {
        self.sorts[list.index()]
    }

    /// The sortable list the current page (or its open overlay) shows, if any.
    pub fn sorted_list(&self) -> Option<SortedList> {
        match self.page {
            Page::StartTimes if self.map.view.is_none() => Some(SortedList::Districts),
            Page::Staffing => Some(SortedList::Capacity),
            Page::Topics => Some(SortedList::Ranking),
            Page::Overview if self.show_changes => Some(SortedList::Changes),
            Page::Overview if self.show_findings => Some(SortedList::Findings),
            _ => None,
        }
    }

    /// The Start times page's districts in the chosen order, as indices into the view's list
    /// (which is by start date).
    pub fn district_order(&self) -> Vec<usize> {
        let districts = &self.start_times.districts;
        let mut order: Vec<usize> = (0..districts.len()).collect();
        if self.sort(SortedList::Districts) == ListSort::Name {
            order.sort_by_key(|&i| districts[i].name.to_lowercase());
        }
        order
    }

    /// The ranking of `list` (Capacity or Ranking) in the chosen order, as indices into its
    /// items (which ascend by value): highest first, or by name.
    pub fn ranking_order(&self, list: SortedList) -> Vec<usize> {
        let ranking = self.ranking_of(list);
        let mut order: Vec<usize> = (0..ranking.items.len()).rev().collect();
        if self.sort(list) == ListSort::Name {
            order.sort_by_key(|&i| ranking.items[i].0.name.to_lowercase());
        }
        order
    }

    /// The ranking a list shows: the capacity change, or the talk share chosen with `h`.
    pub fn ranking_of(&self, list: SortedList) -> &crate::core::view::ranking::Ranking {
        match (list, self.ranking) {
            (SortedList::Capacity, _) => &self.staffing.capacity,
            (_, Ranking::Labour) => &self.topics.labour,
            (_, Ranking::Housing) => &self.topics.housing,
        }
    }

    /// The change view's lines in the chosen order.
    pub fn change_lines(&self) -> &[String] {
        let by_size = (self.sort(SortedList::Changes) == ListSort::Size)
            .then_some(self.changes_by_size.as_deref())
            .flatten();
        by_size.or(self.changes.as_deref()).unwrap_or_default()
    }

    /// The bundle's findings as the Overview lists them: errors first, then warnings, or
    /// by table, column and row.
    pub fn findings_in_order(&self) -> Vec<&crate::core::bundle::Finding> {
        let mut ordered: Vec<_> = self.bundle.findings.items.iter().collect();
        match self.sort(SortedList::Findings) {
            ListSort::Table => ordered.sort_by(|a, b| {
                let key = |f: &crate::core::bundle::Finding| {
                    (f.table.is_none(), f.table.clone(), f.column.clone(), f.row)
                };
                key(a).cmp(&key(b))
            }),
            _ => ordered.sort_by_key(|f| f.severity != crate::core::bundle::Severity::Error),
        }
        ordered
    }

    /// The district under the cursor of the page's district list (Start times, Staffing at
    /// either level through the municipality's district, Topics' ranking).
    pub fn district_under_cursor(&self) -> Option<String> {
        let unit = match self.page {
            Page::StartTimes if self.map.view.is_none() => {
                let i = *self.district_order().get(self.cursor(Page::StartTimes))?;
                self.start_times.districts[i].district_id.clone()
            }
            Page::Staffing => {
                let order = self.ranking_order(SortedList::Capacity);
                let i = *order.get(self.cursor(Page::Staffing))?;
                self.staffing.capacity.items[i].0.unit_id.clone()
            }
            Page::Topics => {
                let order = self.ranking_order(SortedList::Ranking);
                let i = *order.get(self.ranking_cursor)?;
                self.ranking_of(SortedList::Ranking).items[i]
                    .0
                    .unit_id
                    .clone()
            }
            _ => return None,
        };
        if self.bundle.districts.iter().any(|d| d.district_id == unit) {
            return Some(unit);
        }
        // A municipality of the Staffing page's municipality level: its district.
        self.bundle
            .municipalities
            .iter()
            .find(|m| m.municipality_id == unit)
            .map(|m| m.district_id.clone())
    }

    /// `12/54`: the cursor's row in the page's list, for the footer; None without a list.
    pub fn position(&self) -> Option<String> {
        let len = self.list_len();
        (len > 0).then(|| format!("{}/{len}", self.cursor(self.page).min(len - 1) + 1))
    }

    /// The estimators the event-time view draws.
    pub fn estimators(&self) -> Vec<Estimator> {
        Estimator::ALL
            .into_iter()
            .zip(self.estimators_shown)
            .filter_map(|(e, on)| on.then_some(e))
            .collect()
    }

    /// The current page's cursor, clamped to its list.
    pub fn cursor(&self, page: Page) -> usize {
        self.cursor[page.index()]
    }
}

/// The Overview's model from the bundle summary and column (1) of the estimate.
fn overview(
    summary: &Arc<BundleSummary>,
    bundle: &Bundle,
    choices: &Choices,
    analysis: &Analysis,
) -> OverviewView {
    let without_controls = analysis.without_controls.as_ref().map(|(_, e)| e);
    OverviewView::new(Arc::clone(summary), bundle, choices, without_controls)
}

/// What the choices decide, from the caches where possible.
struct Results {
    analysis: Arc<Analysis>,
    trends: Arc<Result<TrendsView, DeriveError>>,
    start_times: Arc<StartTimesView>,
    staffing: Arc<StaffingView>,
}

/// Results by what decides them.
struct Caches {
    analyses: KeyedCache<Choices, Analysis>,
    panels: KeyedCache<PanelKey, PanelPair>,
    trends: KeyedCache<TrendKey, Result<TrendsView, DeriveError>>,
    start_times: KeyedCache<NaiveDate, StartTimesView>,
    staffing: KeyedCache<Level, StaffingView>,
}

impl Caches {
    fn new() -> Caches {
        Caches {
            analyses: KeyedCache::new(256),
            panels: KeyedCache::new(64),
            trends: KeyedCache::new(64),
            start_times: KeyedCache::new(64),
            staffing: KeyedCache::new(2),
        }
    }

    /// The results for `choices`, from the caches where possible.
    fn results(&mut self, bundle: &Bundle, choices: &Choices) -> Results {
        let panels = &mut self.panels;
        // The estimates ignore the checks' options.
        let estimate_key = Choices {
            robust: Default::default(),
            ..choices.clone()
        };
        let analysis = self.analyses.get_or_compute(estimate_key, || {
            let pair =
                panels.get_or_compute(choices.panel_key(), || PanelPair::compute(bundle, choices));
            Analysis::compute(bundle, choices, &pair)
        });
        // Trends and start dates ignore controls, level, variance and weights; staffing
        // depends on the level alone.
        let trends = self
            .trends
            .get_or_compute(choices.trend_key(), || TrendsView::build(bundle, choices));
        let start_times = self
            .start_times
            .get_or_compute(choices.cutoff, || StartTimesView::build(bundle, choices));
        let staffing = self
            .staffing
            .get_or_compute(choices.level, || StaffingView::build(bundle, choices));
        Results {
            analysis,
            trends,
            start_times,
            staffing,
        }
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], current: T) -> T {
    let i = all.iter().position(|x| *x == current).unwrap_or(0);
    all[(i + 1) % all.len()]
}

/// Applies one message to the model: no I/O and no estimation here (`dispatch` re-estimates
/// when the choices changed and performs the effects).
pub fn update(app: &mut App, msg: Msg) {
    if msg != Msg::Resize {
        app.status = None;
    }
    // The detail belongs to the page it was opened on.
    if matches!(msg, Msg::GoTo(_) | Msg::NextPage | Msg::PrevPage) {
        app.district = None;
    }
    match msg {
        Msg::Export => app.effects.push(Effect::Export {
            dir: app.export_dir.clone(),
            date: chrono::Local::now().date_naive(),
        }),
        Msg::Quit => app.should_quit = true,
        Msg::Back => {
            if app.command.is_some() {
                app.command = None;
            } else if app.help {
                app.help = false;
                app.help_filter = None;
            } else if app.district.is_some() {
                app.district = None;
            } else if super::pages::zoomed(app).is_some() {
                app.zoom = None;
            } else if app.show_changes && app.page == Page::Overview {
                app.show_changes = false;
            } else if app.show_findings && app.page == Page::Overview {
                app.show_findings = false;
            } else {
                // An Esc too many must not end a presentation.
                app.status = Some("nothing to close; q quits".into());
            }
        }
        Msg::Zoom => {
            let n = super::pages::panels(app).len();
            app.zoom = match super::pages::zoomed(app) {
                None => (n > 0).then_some(0),
                Some(k) if k + 1 < n => Some(k + 1),
                Some(_) => None,
            };
        }
        Msg::ToggleHelp => {
            app.help = !app.help;
            app.help_filter = None;
        }
        Msg::CycleSort => cycle_sort(app),
        Msg::OpenDistrict => match app.district_under_cursor() {
            Some(id) => {
                app.district = DistrictView::build(&app.bundle, &app.choices, &id).map(Box::new);
            }
            None => {
                app.status = Some(
                    "Enter opens a district from the districts of Start times, Staffing or Topics"
                        .into(),
                );
            }
        },
        // Another page shows whole: its panels are other ones.
        Msg::GoTo(p) => {
            app.page = p;
            app.zoom = None;
        }
        Msg::NextPage => {
            app.page = app.page.offset(1);
            app.zoom = None;
        }
        Msg::PrevPage => {
            app.page = app.page.offset(-1);
            app.zoom = None;
        }
        Msg::CycleComparison => {
            app.choices.comparison = cycle(Comparison::ALL, app.choices.comparison);
        }
        Msg::CycleOutcome => {
            app.choices.outcome = cycle(Outcome::ALL, app.choices.outcome);
        }
        Msg::CycleLevel => {
            app.choices.level = cycle(&[Level::District, Level::Municipality], app.choices.level);
            app.cursor[Page::Estimate.index()] = 0;
        }
        Msg::CycleVariance => {
            app.choices.variance = cycle(VarianceType::ALL, app.choices.variance);
        }
        Msg::ToggleWeighting => {
            app.choices.weighted = !app.choices.weighted;
        }
        Msg::MoveCutoff(days) => {
            let moved = app
                .choices
                .cutoff
                .checked_add_signed(chrono::TimeDelta::days(days));
            if let Some(d) = moved {
                let clamped = app.choices.clamp_cutoff(&app.bundle, d);
                if clamped != d {
                    app.status = Some(format!(
                        "cutoff {clamped}: the range of the districts' start dates ends here"
                    ));
                }
                app.choices.cutoff = clamped;
            }
        }
        Msg::SetCutoff(d) => {
            let clamped = app.choices.clamp_cutoff(&app.bundle, d);
            if clamped != d {
                app.status = Some(format!(
                    "cutoff {clamped}: {d} is outside the range of the districts' start dates"
                ));
            }
            app.choices.cutoff = clamped;
        }
        Msg::ToggleSvOnly => {
            app.choices.outcome = match app.choices.outcome {
                Outcome::EmploymentSv => Outcome::Employment,
                _ => Outcome::EmploymentSv,
            };
        }
        Msg::ToggleDifference => app.show_difference = !app.show_difference,
        Msg::CycleMap => app.map.cycle(),
        Msg::SwitchRanking => {
            app.ranking = match app.ranking {
                Ranking::Labour => Ranking::Housing,
                Ranking::Housing => Ranking::Labour,
            };
            app.ranking_cursor = 0;
        }
        Msg::ToggleFindings => {
            app.show_findings = !app.show_findings;
            app.show_changes = false;
            app.cursor[Page::Overview.index()] = 0;
        }
        Msg::ScrollSideways(columns) => {
            // The smallest panel (80 columns: 76 behind its borders and the cursor's column)
            // shows the widest line's end at this offset; wider panels stop earlier when
            // drawn.
            let widest = app
                .changes
                .iter()
                .flatten()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            app.changes_offset = app
                .changes_offset
                .saturating_add_signed(columns as isize)
                .min(widest.saturating_sub(76));
        }
        Msg::ToggleChanges => {
            if app.changes.is_none() {
                app.status = Some(
                    "no second bundle to compare: start with `wirkung NEW --compare OLD`".into(),
                );
            } else {
                app.show_changes = !app.show_changes;
                app.show_findings = false;
                app.cursor[Page::Overview.index()] = 0;
            }
        }
        Msg::CursorUp => {
            let c = &mut app.cursor[app.page.index()];
            *c = c.saturating_sub(1);
        }
        Msg::CursorDown => {
            let len = app.list_len();
            let c = &mut app.cursor[app.page.index()];
            *c = (*c + 1).min(len.saturating_sub(1));
        }
        Msg::PageUp | Msg::PageDown => {
            let step: isize = if msg == Msg::PageUp { -10 } else { 10 };
            // On Topics the arrows walk the topics; the long district ranking pages.
            let (c, len) = if app.page == Page::Topics {
                let len = match app.ranking {
                    Ranking::Labour => app.topics.labour.items.len(),
                    Ranking::Housing => app.topics.housing.items.len(),
                };
                (&mut app.ranking_cursor, len)
            } else {
                let len = app.list_len();
                (&mut app.cursor[app.page.index()], len)
            };
            *c = c.saturating_add_signed(step).min(len.saturating_sub(1));
        }
        Msg::FirstRow => app.cursor[app.page.index()] = 0,
        Msg::LastRow => app.cursor[app.page.index()] = app.list_len().saturating_sub(1),
        Msg::ToggleSelected => toggle_selected(app),
        Msg::ResetChoices => {
            app.choices = app.choices.reset(&app.bundle);
            app.status = Some(format!(
                "choices reset to the bundle's defaults (cutoff {})",
                app.choices.cutoff
            ));
        }
        Msg::ShowCommand => {
            let command = app.view_command();
            if app.clipboard {
                app.effects.push(Effect::Copy(command.clone()));
            }
            app.command = Some(command);
        }
        Msg::StartSearch => app.search = Some(String::new()),
        Msg::SearchChar(c) => {
            if let Some(q) = &mut app.search {
                q.push(c);
            }
        }
        Msg::SearchBackspace => {
            if let Some(q) = &mut app.search {
                q.pop();
            }
        }
        Msg::SearchCancel => {
            app.search = None;
            if app.help {
                app.help_filter = None;
            }
        }
        Msg::SearchSubmit => {
            let query = app.search.take().unwrap_or_default();
            if app.help {
                // In help the search filters its lines and keeps filtering after Enter.
                app.help_filter = (!query.is_empty()).then_some(query);
            } else if !query.is_empty() {
                app.last_search = Some(query);
                jump_to_match(app, 0, 1);
            }
        }
        Msg::NextMatch => jump_to_match(app, 1, 1),
        Msg::PrevMatch => jump_to_match(app, 1, -1),
        Msg::KeyOfPage(p) => {
            app.status = Some(format!(
                "that key works on page {} {} (? lists this page's keys)",
                p.index() + 1,
                p.title()
            ));
        }
        Msg::ToggleEventTimeView => {
            app.event_time_view = !app.event_time_view;
            // The two views list different rows.
            app.cursor[Page::Robustness.index()] = 0;
        }
        Msg::Resize => {}
    }
}

/// `s`: the next order of the list on screen; the row under the cursor stays under it.
fn cycle_sort(app: &mut App) {
    let Some(list) = app.sorted_list() else {
        app.status = Some(match app.page {
            Page::Overview => {
                "s sorts the findings (f) or the changes (x) while they are open".into()
            }
            _ => "s sorts the districts (Start times)".into(),
        });
        return;
    };
    if list == SortedList::Changes && app.changes_by_size.is_none() {
        app.status = Some("the change view has one order here".into());
        return;
    }
    let cursor = match list {
        SortedList::Ranking => app.ranking_cursor,
        _ => app.cursor(app.page),
    };
    // What is under the cursor, as an index into the unsorted list.
    let selected = match list {
        SortedList::Districts => app.district_order().get(cursor).copied(),
        SortedList::Capacity | SortedList::Ranking => app.ranking_order(list).get(cursor).copied(),
        SortedList::Findings => {
            let ordered = app.findings_in_order();
            ordered.get(cursor).and_then(|f| {
                app.bundle
                    .findings
                    .items
                    .iter()
                    .position(|x| std::ptr::eq(x, *f))
            })
        }
        SortedList::Changes => None,
    };
    let orders = list.orders();
    let now = orders
        .iter()
        .position(|&o| o == app.sort(list))
        .unwrap_or(0);
    app.sorts[list.index()] = orders[(now + 1) % orders.len()];
    let order: Vec<usize> = match list {
        SortedList::Districts => app.district_order(),
        SortedList::Capacity | SortedList::Ranking => app.ranking_order(list),
        SortedList::Findings => {
            let ordered = app.findings_in_order();
            ordered
                .iter()
                .filter_map(|f| {
                    app.bundle
                        .findings
                        .items
                        .iter()
                        .position(|x| std::ptr::eq(x, *f))
                })
                .collect()
        }
        SortedList::Changes => Vec::new(),
    };
    let moved = selected
        .and_then(|s| order.iter().position(|&i| i == s))
        .unwrap_or(0);
    match list {
        SortedList::Ranking => app.ranking_cursor = moved,
        _ => app.cursor[app.page.index()] = moved,
    }
    app.status = Some(format!("sorted by {}", app.sort(list).label()));
}

/// Moves the cursor to the next (`direction` 1) or previous (-1) row of the page's list whose
/// label holds the last search (case-insensitive), starting `skip` rows away from the cursor
/// (0: the cursor's own row may match) and wrapping around; the status bar says how many rows
/// match.
fn jump_to_match(app: &mut App, skip: usize, direction: isize) {
    let Some(query) = app.last_search.clone() else {
        app.status = Some("no search yet: / starts one".into());
        return;
    };
    let needle = query.to_lowercase();
    let labels = app.list_labels();
    let matches: Vec<usize> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains(&needle))
        .map(|(i, _)| i)
        .collect();
    if matches.is_empty() {
        app.status = Some(format!("/{query}: no match in this page's list"));
        return;
    }
    let n = labels.len() as isize;
    let cursor = app.cursor(app.page) as isize;
    let found = (0..n)
        .map(|k| (cursor + direction * (skip as isize + k)).rem_euclid(n) as usize)
        .find(|i| matches.contains(i))
        .unwrap_or(matches[0]);
    app.cursor[app.page.index()] = found;
    let which = matches.iter().position(|&i| i == found).unwrap_or(0) + 1;
    app.status = Some(format!(
        "/{query}: match {which} of {} (n next, N previous)",
        matches.len()
    ));
}

/// Space on a list: a topic on the topics page, a control on the estimate page.
fn toggle_selected(app: &mut App) {
    let cursor = app.cursor(app.page);
    match app.page {
        Page::Topics => {
            if let Some(shown) = app.topics_shown.get_mut(cursor) {
                *shown = !*shown;
            }
        }
        Page::Robustness if app.event_time_view => {
            if let Some(shown) = app.estimators_shown.get_mut(cursor) {
                *shown = !*shown;
            }
        }
        Page::Estimate => {
            let column = app
                .choices
                .available_controls(&app.bundle)
                .get(cursor)
                .map(|c| c.column.clone());
            if let Some(column) = column {
                app.choices.toggle_control(&app.bundle, &column);
            }
        }
        _ => {}
    }
}

/// What the event loop does for one key: the message, then, if the choices changed, the
/// results for the new ones (from the caches where possible), then the effects.
pub fn dispatch(app: &mut App, msg: Msg) {
    let before = app.choices.clone();
    let cursor_before = (app.cursor, app.ranking_cursor, app.ranking);
    update(app, msg);
    if app.choices != before {
        app.reestimate();
    }
    // The open detail follows the cursor and the choices.
    if app.district.is_some()
        && (app.choices != before || cursor_before != (app.cursor, app.ranking_cursor, app.ranking))
    {
        let id = app
            .district_under_cursor()
            .or_else(|| app.district.as_ref().map(|d| d.district_id.clone()));
        app.district = id
            .and_then(|id| DistrictView::build(&app.bundle, &app.choices, &id))
            .map(Box::new);
    }
    app.request_checks();
    app.map
        .refresh(&app.bundle, &app.choices, app.page == Page::StartTimes);
    for effect in std::mem::take(&mut app.effects) {
        perform(app, effect);
    }
}

/// Performs one effect and says in the status bar how it went.
fn perform(app: &mut App, effect: Effect) {
    match effect {
        Effect::Copy(text) => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let copied =
                write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes())).and_then(|()| out.flush());
            if copied.is_err() {
                app.status = Some("could not copy the command; select it on screen".into());
            }
        }
        Effect::Export { dir, date } => {
            use super::export::{PageExport, RunningExport};
            if app.export.is_some() {
                app.status = Some("an export is still being written; q quits anyway".into());
                return;
            }
            let job = match PageExport::of(app) {
                Ok(job) => job,
                Err(e) => {
                    app.status = Some(e.to_string());
                    return;
                }
            };
            if !app.exports_in_background {
                app.status = Some(match job.write(&dir, date) {
                    Ok(paths) => format!("exported {} files to {}", paths.len(), dir.display()),
                    Err(e) => e.to_string(),
                });
                return;
            }
            match RunningExport::start(job, &dir, date, app.export_limit) {
                Ok(running) => app.export = Some(running),
                Err(e) => app.status = Some(e.to_string()),
            }
        }
    }
}

// ---- Robustness page: the checks of core::robust for the current choices ----

impl App {
    fn with_checks_requested(mut self) -> App {
        self.request_checks();
        self
    }

    /// Asks for the robustness checks of the current choices while their page is shown
    /// (they are too costly to run for every change made elsewhere).
    fn request_checks(&mut self) {
        if self.page == Page::Robustness {
            self.robust = self.robust_jobs.request(&self.bundle, &self.choices);
        }
    }

    /// Runs the checks on a worker thread from now on (the interactive dashboard); tests
    /// and benches keep the default, inline computation.
    pub fn run_checks_in_background(&mut self) {
        self.robust_jobs.set_background(true);
    }

    /// Whether checks are being computed (the event loop then wakes to collect them).
    pub fn checks_running(&self) -> bool {
        self.robust_jobs.busy()
    }

    /// Robustness suites computed so far (cache misses), for tests.
    pub fn check_runs(&self) -> usize {
        self.robust_jobs.computed()
    }

    /// Drops the cached checks (timings measure a cold refresh with it).
    pub fn clear_check_cache(&mut self) {
        self.robust_jobs.clear();
    }

    /// Blocks until running checks have finished; for tests.
    pub fn wait_for_checks(&mut self) {
        if let Some(view) = self.robust_jobs.wait(&self.bundle) {
            self.robust = view;
        }
        self.request_checks();
    }
}

/// Takes a finished (or timed-out) export and says how it went; true when the status bar
/// changed. Dropping the export removes its staging directory.
pub fn collect_export(app: &mut App) -> bool {
    let Some(message) = app.export.as_ref().and_then(|e| e.poll()) else {
        return false;
    };
    app.export = None;
    app.status = Some(message);
    true
}

/// Takes finished checks; true when the page's view changed (then it needs a redraw).
pub fn collect_checks(app: &mut App) -> bool {
    match app.robust_jobs.receive(&app.bundle) {
        Some(view) => {
            app.robust = view;
            true
        }
        None => false,
    }
}

/// Standard base64 (RFC 4648, with padding), for OSC 52.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648, section 10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }
}
