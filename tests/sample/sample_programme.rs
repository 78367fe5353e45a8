//! The shipped synthetic sample reproduces the report's implementation figures (section 3 and
//! the group definitions of section 5) when the REAL derivations run on it. Figures are
//! compared as report-facts.md prints them (whole percent, two decimals of FTE, ...).

use chrono::NaiveDate;
use wirkung::core::bundle::{self, Bundle, Level, Topic};
use wirkung::core::derive::{
    self, Comparison, ControlSelection, Measures, Outcome, PanelSpec, capacity, panel, plan_b,
    staffing, staffing::StaffingChange, start, topics,
};
use wirkung::core::period::Month;

fn sample() -> Bundle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    bundle::load(&dir).expect("the shipped sample loads")
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// Median and the means of the units at or below / strictly above it (the report's median
/// split, bundle-format.md "Median splits").
fn split(m: &Measures) -> (f64, f64, f64, usize) {
    let values: Vec<f64> = m.values.iter().map(|u| u.value).collect();
    let median = derive::median(&values).expect("values");
    let (lo, hi): (Vec<f64>, Vec<f64>) = values.iter().partition(|&&v| v <= median);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    (median, mean(&lo), mean(&hi), values.len())
}

#[test]
fn abb_4_municipality_and_district_starts() {
    let b = sample();
    let months: Vec<Month> = start::municipality_start_months(&b, &b.manifest.rules)
        .into_values()
        .collect();
    let by = |y, m| {
        let cut = Month::new(y, m).unwrap();
        months.iter().filter(|&&s| s <= cut).count() as f64 / months.len() as f64
    };
    eprintln!(
        "municipalities started by Jan 2018 {:.1}%, by May 2018 {:.1}%",
        100.0 * by(2018, 1),
        100.0 * by(2018, 5)
    );
    assert_eq!(months.iter().min(), Month::new(2017, 1).as_ref());
    assert_eq!(months.iter().max(), Month::new(2018, 10).as_ref());
    assert!(
        by(2018, 1) > 0.5,
        "more than half by Jan 2018: {}",
        by(2018, 1)
    );
    assert_eq!(round(by(2018, 5), 2), 0.95, "about 95% by May 2018");

    let starts = start::district_starts(&b, &b.manifest.rules);
    let mean_day = |early: bool| {
        let days: Vec<i64> = starts
            .iter()
            .filter(|s| s.early == early)
            .map(|s| s.start.signed_duration_since(NaiveDate::MIN).num_days())
            .collect();
        (
            days.len(),
            days.iter().sum::<i64>() as f64 / days.len() as f64,
        )
    };
    let day = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .signed_duration_since(NaiveDate::MIN)
            .num_days() as f64
    };
    let (n_early, early) = mean_day(true);
    let (n_late, late) = mean_day(false);
    assert_eq!(n_early + n_late, 44);
    assert!((early - day(2018, 1, 1)).abs() <= 3.0, "early mean start");
    assert!((late - day(2018, 4, 1)).abs() <= 3.0, "late mean start");
}

#[test]
fn tab_5_staffing_and_fte_change() {
    let b = sample();
    let t = staffing::staffing_table(&b);
    assert_eq!(t.total, 1078);
    let published = [
        (StaffingChange::Decrease, 97, 0.12),
        (StaffingChange::NoChange, 162, 0.07),
        (StaffingChange::Increase, 736, 0.75),
        (StaffingChange::NoAnswer, 83, 0.06),
    ];
    for (change, n, weighted) in published {
        let row = t.rows.iter().find(|r| r.change == change).unwrap();
        assert_eq!(row.municipalities, n, "{change:?}");
        assert_eq!(round(row.refugee_weighted_share, 2), weighted, "{change:?}");
    }
    let changes: Vec<f64> = staffing::fte_change_per_municipality(&b)
        .values
        .iter()
        .map(|u| u.value)
        .collect();
    assert_eq!(changes.len(), 995);
    let mean = changes.iter().sum::<f64>() / changes.len() as f64;
    assert_eq!(round(mean, 2), 0.54, "mean FTE change {mean}");
    assert_eq!(round(derive::median(&changes).unwrap(), 1), 0.3);
}

#[test]
fn comparison_groups_of_section_5() {
    let b = sample();
    let (median, lo, hi, n) = split(&capacity::district_capacity_change(&b));
    assert_eq!(n, 42);
    assert_eq!(round(median, 2), 0.55);
    assert_eq!((round(lo, 2), round(hi, 2)), (0.27, 0.83));
    let increased = capacity::district_capacity_change(&b)
        .values
        .iter()
        .filter(|u| u.value > 0.0)
        .count();
    assert_eq!(increased, 39);

    let (median, lo, hi, n) = split(&plan_b::plan_b_shares(&b, Level::District));
    assert_eq!(n, 44);
    assert_eq!(round(median, 2), 0.26);
    assert_eq!((round(lo, 2), round(hi, 2)), (0.12, 0.52));

    let (median, lo, hi, n) = split(&topics::district_topic_shares(&b, Topic::Labour));
    assert_eq!(n, 44);
    assert!((0.105..0.11).contains(&median), "just under 11%: {median}");
    assert_eq!((round(lo, 2), round(hi, 2)), (0.09, 0.13));
}

#[test]
fn abb_25_plan_use_and_abb_34_35_topics() {
    let b = sample();
    let answered: Vec<u8> = b
        .manager_survey
        .iter()
        .filter_map(|r| r.plan_b_use)
        .collect();
    assert_eq!(b.manager_survey.len(), 1666);
    let often = answered.iter().filter(|&&u| u >= 3).count() as f64 / answered.len() as f64;
    assert_eq!(round(often, 2), 0.31, "plan B often");
    let answered_a: Vec<u8> = b
        .manager_survey
        .iter()
        .filter_map(|r| r.plan_a_use)
        .collect();
    let often_a = answered_a.iter().filter(|&&u| u >= 3).count() as f64 / answered_a.len() as f64;
    assert_eq!(round(often_a, 2), 0.38, "plan A often");

    let totals = topics::topic_totals(&b);
    let all: i64 = totals.iter().sum();
    assert_eq!(all, 2_035_789);
    let share = |t: Topic| totals[t as usize] as f64 / all as f64;
    assert_eq!(round(share(Topic::Housing), 2), 0.13);
    assert!((0.29..=0.32).contains(&share(Topic::Other)), "other ~30%");

    let q = topics::quarterly_topic_shares(&b);
    let at = |y, quarter| {
        q.iter()
            .find(|(yy, qq, _)| *yy == y && *qq == quarter)
            .unwrap()
            .2
    };
    let (first, last) = (at(2017, 1), at(2019, 2));
    // Abb. 35 is read off a chart; Q1 2017 holds only the few retroactively funded
    // municipalities, so its shares carry sampling noise of about half a point.
    let near = |got: f64, want: f64, tol: f64| (got - want).abs() <= tol;
    assert!(near(first[Topic::Labour as usize], 0.26, 0.01), "{first:?}");
    assert!(
        near(first[Topic::Children as usize], 0.05, 0.01),
        "{first:?}"
    );
    assert!(near(last[Topic::Labour as usize], 0.11, 0.005), "{last:?}");
    assert!(
        near(last[Topic::Children as usize], 0.13, 0.005),
        "{last:?}"
    );
    assert!(near(last[Topic::Other as usize], 0.31, 0.01), "{last:?}");
}

/// Tab. 18's municipality groups (capacity, 728 municipalities): the weaker half's median
/// change is the published +0.1 FTE. The stronger half's published +1.2 is not met (the sample
/// gives about +0.7; sample-data/README.md says why).
#[test]
fn tab_18_weaker_half_median() {
    let b = sample();
    let spec = PanelSpec {
        outcome: Outcome::Housing,
        comparison: Comparison::Capacity,
        level: Level::Municipality,
        controls: ControlSelection::None,
        rules: b.manifest.rules.clone(),
    };
    let p = panel(&b, &spec).unwrap();
    assert_eq!(p.rows.len(), 728);
    let weaker: Vec<f64> = p
        .rows
        .iter()
        .filter(|r| !r.treated)
        .map(|r| r.measure.unwrap())
        .collect();
    assert_eq!(round(derive::median(&weaker).unwrap(), 1), 0.1);
}
