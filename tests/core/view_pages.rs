//! The page models of `core::view` (Overview, Start times, Staffing, Topics, Trends) on the
//! shipped sample, against numbers computed here from the bundle's raw tables (not through
//! `core::derive`).

use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;
use wirkung::core::bundle::{self, Bundle, Topic};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::period::Month;
use wirkung::core::view::format;
use wirkung::core::view::overview::OverviewView;
use wirkung::core::view::staffing::StaffingView;
use wirkung::core::view::start_times::StartTimesView;
use wirkung::core::view::topics::TopicsView;
use wirkung::core::view::trends::TrendsView;

fn sample() -> &'static Bundle {
    static SAMPLE: OnceLock<Bundle> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
        bundle::load(&dir).expect("the sample loads")
    })
}

fn early_start(b: &Bundle) -> Choices {
    Choices::new(b, Outcome::Employment, Comparison::EarlyStart)
}

/// District start dates by the rule written out: of the grants issued by `grants_issued_by`,
/// the ceil(start_share × |G|)-th earliest start.
fn district_starts(b: &Bundle) -> BTreeMap<String, NaiveDate> {
    let rules = &b.manifest.rules;
    let district_of: HashMap<&str, &str> = b
        .municipalities
        .iter()
        .map(|m| (m.municipality_id.as_str(), m.district_id.as_str()))
        .collect();
    let mut starts: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
    for g in b
        .grants
        .iter()
        .filter(|g| g.issued <= rules.grants_issued_by)
    {
        if let Some(d) = district_of.get(g.municipality_id.as_str()) {
            starts.entry(d.to_string()).or_default().push(g.start);
        }
    }
    starts
        .into_iter()
        .map(|(d, mut s)| {
            s.sort();
            let k = (rules.start_share * s.len() as f64 - 1e-9).ceil().max(1.0) as usize;
            (d, s[k - 1])
        })
        .collect()
}

#[test]
fn start_times_count_districts_by_start_month_and_cutoff() {
    let b = sample();
    let choices = early_start(b);
    let view = StartTimesView::build(b, &choices);
    let starts = district_starts(b);
    let early = starts.values().filter(|s| **s <= choices.cutoff).count();
    assert_eq!(view.districts.len(), starts.len());
    assert_eq!((view.early, view.late), (early, starts.len() - early));
    assert_eq!(
        view.districts_heading,
        format!("Districts: {early} early, {} late", starts.len() - early)
    );
    let mut by_month: BTreeMap<Month, usize> = BTreeMap::new();
    for s in starts.values() {
        *by_month.entry(Month::of_date(*s)).or_default() += 1;
    }
    for m in &view.district_months {
        assert_eq!(
            m.districts,
            by_month.get(&m.month).copied().unwrap_or(0),
            "{}",
            m.month
        );
    }
    let shown: usize = view.district_months.iter().map(|m| m.districts).sum();
    assert_eq!(shown, starts.len());
    // Regions add up to the districts, and every district is in the order of its start.
    let regions: usize = view.regions.iter().map(|r| r.total).sum();
    assert_eq!(regions, starts.len());
    assert!(view.districts.windows(2).all(|w| w[0].start <= w[1].start));
    // Abb. 4: the municipalities with a grant in G, the last bar's cumulative share is the
    // share inside the axis.
    let with_grant: BTreeSet<&str> = b
        .grants
        .iter()
        .filter(|g| g.issued <= b.manifest.rules.grants_issued_by)
        .map(|g| g.municipality_id.as_str())
        .filter(|m| b.municipalities.iter().any(|x| x.municipality_id == *m))
        .collect();
    let abb4 = &view.municipality_months;
    assert_eq!(abb4.total, with_grant.len());
    let inside: usize = abb4.bars.iter().map(|b| b.municipalities).sum();
    assert_eq!(inside + abb4.outside_axis, abb4.total);
    let last = abb4.bars.last().unwrap().cumulative_share;
    assert!((last - inside as f64 / abb4.total as f64).abs() < 1e-12);
    assert_eq!(
        abb4.heading,
        format!(
            "Start months (Abb. 4), N = {}",
            format::count(with_grant.len())
        )
    );
}

/// Interpolated HHL persons 15–64 of a district in a month (bundle-format.md).
fn persons(b: &Bundle, district: &str, m: Month) -> f64 {
    let year_end = |y: i32| {
        b.population
            .iter()
            .find(|p| p.district_id == district && p.year == y)
            .map(|p| p.persons_15_64 as f64)
            .unwrap()
    };
    let this = year_end(m.year);
    if m.month == 12 {
        return this;
    }
    let previous = year_end(m.year - 1);
    previous + (this - previous) * f64::from(m.month) / 12.0
}

#[test]
fn trends_show_the_early_starters_rate_of_a_month() {
    let b = sample();
    let choices = early_start(b);
    let view = TrendsView::build(b, &choices).unwrap();
    let starts = district_starts(b);
    let bw: BTreeSet<&str> = b
        .districts
        .iter()
        .filter(|d| d.state == "BW")
        .map(|d| d.district_id.as_str())
        .collect();
    let early: Vec<&str> = starts
        .iter()
        .filter(|(d, s)| bw.contains(d.as_str()) && **s <= choices.cutoff)
        .map(|(d, _)| d.as_str())
        .collect();
    let month = Month::new(2018, 6).unwrap();
    let (employed, people) = early.iter().fold((0i64, 0.0), |(e, p), d| {
        let n = b
            .employment
            .iter()
            .find(|r| r.district_id == *d && r.month == month)
            .unwrap()
            .employed_total;
        (e + n, p + persons(b, d, month))
    });
    let expected = employed as f64 * 100.0 / people;
    let shown = view
        .treated
        .points
        .iter()
        .find(|(m, _)| *m == month)
        .unwrap()
        .1;
    assert!((shown - expected).abs() < 1e-9, "{shown} vs {expected}");
    assert_eq!(view.marker, Month::of_date(choices.cutoff));
    assert_eq!(view.treated.legend, "Early start");
    assert_eq!(
        view.title,
        format!("{} – Early vs late start", Outcome::Employment.label())
    );
    assert_eq!(view.note, None);
    // The difference line is treated − control month by month.
    let control: BTreeMap<Month, f64> = view.control.points.iter().copied().collect();
    for (m, d) in &view.difference {
        let t = view.treated.points.iter().find(|p| p.0 == *m).unwrap().1;
        assert!((d - (t - control[m])).abs() < 1e-12);
    }
    // Housing shows the employment lines, with a note saying so.
    let housing = Choices::new(b, Outcome::Housing, Comparison::Capacity);
    let view = TrendsView::build(b, &housing).unwrap();
    assert_eq!(view.outcome, Outcome::Employment);
    assert!(view.note.is_some());
}

#[test]
fn topics_count_talks_and_quarter_shares_from_the_activity_rows() {
    let b = sample();
    let view = TopicsView::build(b);
    let mut totals = [0i64; 8];
    for a in &b.activity {
        for (t, n) in totals.iter_mut().zip(a.talks) {
            *t += n;
        }
    }
    let all: i64 = totals.iter().sum();
    assert_eq!(view.total_talks, all);
    assert_eq!(
        view.heading,
        format!(
            "Talks by topic (Abb. 34), N = {}",
            format::count(all as usize)
        )
    );
    for (row, n) in view.topics.iter().zip(totals) {
        assert_eq!(row.talks, n, "{}", row.label);
        assert_eq!(
            row.share_text,
            format!("{:.1}%", n as f64 * 100.0 / all as f64)
        );
    }
    // Labour-market share of talks in the first quarter of 2018.
    let q: Vec<_> = b
        .activity
        .iter()
        .filter(|a| a.date >= NaiveDate::from_ymd_opt(2018, 1, 1).unwrap())
        .filter(|a| a.date < NaiveDate::from_ymd_opt(2018, 4, 1).unwrap())
        .collect();
    let labour: i64 = q.iter().map(|a| a.talks[0]).sum();
    let talks: i64 = q.iter().map(|a| a.talks.iter().sum::<i64>()).sum();
    let shown = view.quarters.iter().find(|q| q.label == "2018Q1").unwrap();
    assert!((shown.percent[0] - labour as f64 * 100.0 / talks as f64).abs() < 1e-9);
    // The ranking splits at the median: as many strictly above as the values say.
    let r = &view.labour;
    let mut values: Vec<f64> = r.items.iter().map(|(u, _)| u.value).collect();
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    assert_eq!(r.above, values.iter().filter(|v| **v > median).count());
    assert_eq!(r.above + r.below, n);
    assert_eq!(r.median_text(), format!("{:.1}%", median * 100.0));
    assert_eq!(view.topics[0].topic, Topic::Labour);
}

#[test]
fn staffing_counts_funded_municipalities_by_direction_of_change() {
    let b = sample();
    let view = StaffingView::build(b, &early_start(b));
    let survey: HashMap<&str, (Option<f64>, Option<f64>)> = b
        .staffing
        .iter()
        .map(|s| (s.municipality_id.as_str(), (s.fte_before, s.fte_after)))
        .collect();
    let funded: Vec<_> = b.municipalities.iter().filter(|m| m.funded).collect();
    let increase = funded
        .iter()
        .filter(|m| {
            matches!(survey.get(m.municipality_id.as_str()),
                Some((Some(before), Some(after))) if after - before > 0.005)
        })
        .count();
    let t = &view.changes;
    assert_eq!(t.total, format::count(funded.len()));
    let row = t.rows.iter().find(|r| r.label == "Increase").unwrap();
    assert_eq!(row.municipalities, format::count(increase));
    assert_eq!(
        row.share,
        format!("{:.1}%", increase as f64 * 100.0 / funded.len() as f64)
    );
    // Abb. 6 counts every municipality with both values once.
    let both = b
        .staffing
        .iter()
        .filter(|s| s.fte_before.is_some() && s.fte_after.is_some())
        .filter(|s| {
            funded
                .iter()
                .any(|m| m.municipality_id == s.municipality_id)
        })
        .count();
    let binned: usize = view.fte_change.bars.iter().map(|(_, n)| n).sum();
    assert_eq!(view.fte_change.n, both);
    assert_eq!(binned, both);
    // The exported table is the ranking, highest first, two decimals.
    let table = view.table();
    assert_eq!(table.rows.len(), view.capacity.items.len());
    assert_eq!(table.header[2], "fte_change_per_100");
}

#[test]
fn overview_counts_the_tables_and_its_did_is_the_coefficient_without_controls() {
    let b = sample();
    let choices = early_start(b);
    let view = OverviewView::build(b, &choices);
    let s = &view.bundle;
    let row = |label: &str| s.contents.iter().find(|r| r.label == label).unwrap();
    assert_eq!(row("Districts").count, format::count(b.districts.len()));
    let bw = b.districts.iter().filter(|d| d.state == "BW").count();
    assert_eq!(row("Districts").detail, format!("{bw} in BW"));
    let months: BTreeSet<Month> = b.employment.iter().map(|e| e.month).collect();
    assert_eq!(row("Months").count, months.len().to_string());
    assert_eq!(s.check.errors, b.findings.errors().count());
    assert!(s.card.synthetic && s.card.synthetic_note.is_some());
    // Tab. 11's DiD equals the treatment coefficient of column (1).
    let did = view.did.as_ref().unwrap();
    let spec = wirkung::core::derive::PanelSpec {
        controls: wirkung::core::derive::ControlSelection::None,
        ..choices.spec(b)
    };
    let panel = wirkung::core::derive::panel(b, &spec).unwrap();
    let est = wirkung::core::estimate::estimate_did(&panel, choices.options()).unwrap();
    let report = wirkung::core::report::EstimateReport::new(&b.manifest, &panel, &est);
    let coef = report
        .coefficients
        .iter()
        .find(|c| c.term == wirkung::core::estimate::Term::Treated)
        .unwrap()
        .estimate;
    assert_eq!(did.did, format::signed(coef, 1));
    assert_eq!(did.rows[0].units, format::count(est.treated.n));
    assert_eq!(
        did.header[2],
        b.manifest.periods.employment_base.to_string()
    );
    // The exported table lists every table with the rows read, then the findings.
    let table = view.table();
    assert_eq!(
        table.rows.len(),
        wirkung::core::bundle::Table::ALL.len() + 1
    );
}
