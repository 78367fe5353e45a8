//! Panels and trends of tests/fixtures/hand, worked out by hand below
//! (bundle-format.md, "Units", "Median splits", "Controls"; cli.md "trends").

use crate::common::{assert_close, hand, month, reason};
use wirkung::core::bundle::{Bundle, Level, Table};
use wirkung::core::derive::trends::Group;
use wirkung::core::derive::{
    Comparison, ControlSelection, DeriveError, Outcome, Panel, PanelSpec, panel, trends,
};
use wirkung::core::period::parse_date;

fn spec(
    b: &Bundle,
    outcome: Outcome,
    comparison: Comparison,
    level: Level,
    controls: ControlSelection,
) -> PanelSpec {
    PanelSpec {
        outcome,
        comparison,
        level,
        controls,
        rules: b.manifest.rules.clone(),
    }
}

fn ids(p: &Panel) -> Vec<&str> {
    p.rows.iter().map(|r| r.unit_id.as_str()).collect()
}

#[test]
fn capacity_panel_splits_strictly_above_the_median() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::Capacity,
            Level::District,
            ControlSelection::None,
        );
        let p = panel(&b, &s).unwrap();
        // Capacity 0.8 (08111), 1.0 (08116), 0.7 (08117) → median 0.8. 08111 sits on the
        // median and is control; 08116 is treated. 08117's group is decided (control) before
        // it is dropped for its missing 2017 population.
        assert_close(p.median.unwrap(), 0.8);
        assert_eq!(ids(&p), vec!["08111", "08116"]);
        assert!(!p.rows[0].treated);
        assert!(p.rows[1].treated);
        assert_close(p.rows[0].measure.unwrap(), 0.8);
        // 08116: 120 / 400 = 30 %, Sep 2019 persons 400 + 400 × 0.75 = 700, 280 / 700 = 40 %.
        assert_close(p.rows[1].outcome_base, 30.0);
        assert_close(p.rows[1].outcome_end, 40.0);
        assert_close(p.rows[1].weight, 400.0);
        assert_eq!(reason(&p.excluded, "08117"), "no population for 2017");
        assert!(reason(&p.excluded, "08115").contains("fte_before"));
        assert_eq!(p.excluded.len(), 2);
    }
}

#[test]
fn plan_b_panel_ties_at_the_median_are_controls() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::EmploymentSv,
            Comparison::PlanB,
            Level::District,
            ControlSelection::All,
        );
        let p = panel(&b, &s).unwrap();
        // Shares 0.75, 0, 0.5 → median 0.5; Esslingen (0.5) ties and is control.
        assert_close(p.median.unwrap(), 0.5);
        assert_eq!(ids(&p), vec!["08111", "08115", "08116"]);
        assert_eq!(
            p.rows.iter().map(|r| r.treated).collect::<Vec<_>>(),
            vec![true, false, false]
        );
        // Controls `all` for employment at district level: the two declared for employment.
        assert_eq!(
            p.control_names,
            vec!["protection_seekers_pct_2017", "gdp_per_capita_2017"]
        );
        assert_eq!(p.rows[0].controls, vec![1.2, 50.0]);
        // SV rates of Böblingen: 90 / 600 = 15 %, 140 / 700 = 20 %.
        assert_close(p.rows[1].outcome_base, 15.0);
        assert_close(p.rows[1].outcome_end, 20.0);
    }
}

#[test]
fn bw_vs_neighbours_lists_every_exclusion_reason() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::BwVsNeighbours,
            Level::District,
            ControlSelection::All,
        );
        let p = panel(&b, &s).unwrap();
        assert_eq!(ids(&p), vec!["08111", "08115", "08116", "09162"]);
        assert_eq!(
            p.rows.iter().map(|r| r.treated).collect::<Vec<_>>(),
            vec![true, true, true, false]
        );
        assert_eq!(p.median, None);
        assert_eq!(p.rows[0].measure, None);
        assert_eq!(
            reason(&p.excluded, "06411"),
            "missing control gdp_per_capita_2017"
        );
        assert_eq!(reason(&p.excluded, "08117"), "no population for 2017");
    }
}

#[test]
fn early_start_panel_excludes_districts_without_grants() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::EarlyStart,
            Level::District,
            ControlSelection::None,
        );
        let p = panel(&b, &s).unwrap();
        assert_eq!(ids(&p), vec!["08111", "08115", "08116"]);
        assert_eq!(
            p.rows.iter().map(|r| r.treated).collect::<Vec<_>>(),
            vec![true, false, true]
        );
        assert!(reason(&p.excluded, "08117").contains("2018-09-30"));
        // Moving the cutoff one day earlier makes Stuttgart (start 2018-02-15) a late starter.
        let mut moved = s.clone();
        moved.rules.early_cutoff = parse_date("2018-02-14").unwrap();
        let p = panel(&b, &moved).unwrap();
        assert_eq!(
            p.rows.iter().map(|r| r.treated).collect::<Vec<_>>(),
            vec![false, false, true]
        );
    }
}

#[test]
fn housing_panels_at_both_levels() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::Housing,
            Comparison::Capacity,
            Level::District,
            ControlSelection::All,
        );
        let p = panel(&b, &s).unwrap();
        assert_eq!(
            p.control_names,
            vec![
                "protection_seekers_pct_2017",
                "gdp_per_capita_2017",
                "dwellings_per_100_2018"
            ]
        );
        assert_eq!(ids(&p), vec!["08111", "08116", "08117"]);
        // Göppingen: (30 + 10) / 100 = 40 %, (36 + 14) / 100 = 50 %, weight D = 100.
        let d = &p.rows[2];
        assert_close(d.outcome_change(), 10.0);
        assert_close(d.weight, 100.0);
        assert!(reason(&p.excluded, "08115").contains("fte_before"));

        let s = spec(
            &b,
            Outcome::Housing,
            Comparison::Capacity,
            Level::Municipality,
            ControlSelection::All,
        );
        let p = panel(&b, &s).unwrap();
        // Changes 1, .5, 0, .5, .5, .5, 1, 1, .5, .2 → sorted 0 .2 .5 .5 .5 | .5 .5 1 1 1 → 0.5.
        assert_close(p.median.unwrap(), 0.5);
        assert_eq!(p.control_names, vec!["tax_revenue_per_capita_2016"]);
        assert_eq!(
            ids(&p),
            vec![
                "08111001", "08111002", "08111003", "08115001", "08116001", "08117001", "08117002"
            ]
        );
        let treated: Vec<&str> = p
            .rows
            .iter()
            .filter(|r| r.treated)
            .map(|r| r.unit_id.as_str())
            .collect();
        assert_eq!(treated, vec!["08111001", "08116001"]);
        // 08116002 is treated (1.0) but lacks the municipality control.
        assert_eq!(
            reason(&p.excluded, "08116002"),
            "missing control tax_revenue_per_capita_2016"
        );
        assert_eq!(
            reason(&p.excluded, "08115003"),
            "no survey row for wave 2018-12-15"
        );
        // 08115001: 40 / 80 = 50 %, 50 / 80 = 62.5 %.
        assert_close(p.rows[3].outcome_change(), 12.5);
        assert_eq!(p.excluded.len(), 6);
    }
}

#[test]
fn bad_choices_are_typed_errors() {
    for mut b in hand() {
        let s = spec(
            &b,
            Outcome::Housing,
            Comparison::BwVsNeighbours,
            Level::District,
            ControlSelection::All,
        );
        assert!(matches!(panel(&b, &s), Err(DeriveError::Unsupported(_))));
        let named = ControlSelection::Named(vec!["tax_revenue_per_capita_2016".into()]);
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::PlanB,
            Level::District,
            named,
        );
        assert_eq!(
            panel(&b, &s).unwrap_err(),
            DeriveError::UnknownControl("tax_revenue_per_capita_2016".into())
        );
        // Named controls may be any declared for the level, even outside `all`.
        let named = ControlSelection::Named(vec!["constant_one".into()]);
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::PlanB,
            Level::District,
            named,
        );
        assert_eq!(panel(&b, &s).unwrap().rows[0].controls, vec![1.0]);
        b.unreadable.insert(Table::Grants);
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::EarlyStart,
            Level::District,
            ControlSelection::None,
        );
        let err = panel(&b, &s).unwrap_err();
        assert!(matches!(
            err,
            DeriveError::MissingTable {
                table: Table::Grants,
                ..
            }
        ));
        assert!(err.to_string().contains("grants"));
        // An unrelated unreadable table does not stop another comparison.
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::PlanB,
            Level::District,
            ControlSelection::None,
        );
        assert!(panel(&b, &s).is_ok());
    }
}

#[test]
fn trends_sum_employed_and_interpolated_persons_per_group() {
    for b in hand() {
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::EarlyStart,
            Level::District,
            ControlSelection::All,
        );
        let t = trends(&b, &s).unwrap();
        // Early-start: marker at the cutoff month.
        assert_eq!(t.marker, month("2018-02"));
        let point = |m: &str, g: Group| {
            t.points
                .iter()
                .find(|p| p.month == month(m) && p.group == g)
                .unwrap()
        };
        // Treated = Stuttgart + Esslingen; control = Böblingen (Göppingen has no start).
        // Nov 2017: employed 300 + 110; persons (1000 + 200 × 11/12) + 400.
        let nov = point("2017-11", Group::Treated);
        assert_close(nov.persons, 1000.0 + 200.0 * 11.0 / 12.0 + 400.0);
        assert_close(nov.rate, 410.0 / nov.persons * 100.0);
        // Dec 2017: (360 + 120) / (1200 + 400) = 30 %; control 150 / 600 = 25 %.
        assert_close(point("2017-12", Group::Treated).rate, 30.0);
        assert_close(point("2017-12", Group::Control).rate, 25.0);
        // Sep 2019: (825 + 280) / (1650 + 700).
        assert_close(
            point("2019-09", Group::Treated).rate,
            1105.0 / 2350.0 * 100.0,
        );
        // Months between without data have no point: 3 months × 2 groups.
        assert_eq!(t.points.len(), 6);
        let s = spec(
            &b,
            Outcome::Employment,
            Comparison::BwVsNeighbours,
            Level::District,
            ControlSelection::All,
        );
        assert_eq!(trends(&b, &s).unwrap().marker, month("2017-12"));
        let s = spec(
            &b,
            Outcome::Housing,
            Comparison::Capacity,
            Level::District,
            ControlSelection::All,
        );
        assert!(matches!(trends(&b, &s), Err(DeriveError::Unsupported(_))));
    }
}
