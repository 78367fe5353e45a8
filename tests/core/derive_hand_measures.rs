//! Derived quantities of tests/fixtures/hand, each worked out by hand below
//! (bundle-format.md, "Derived quantities"). The arithmetic is in the comments.

use crate::common::{assert_close, hand, month, reason};
use wirkung::core::bundle::{Level, Topic};
use wirkung::core::derive::employment::{
    Employed, EmploymentData, MissingFigure, employment_outcomes,
};
use wirkung::core::derive::housing::NoHousingOutcome;
use wirkung::core::derive::{capacity, housing, plan_b, start, topics};
use wirkung::core::period::parse_date;

#[test]
fn district_start_is_the_day_half_of_the_grants_have_started() {
    for b in hand() {
        let starts = start::district_starts(&b, &b.manifest.rules);
        let got: Vec<(&str, String, bool, usize)> = starts
            .iter()
            .map(|s| {
                (
                    s.district_id.as_str(),
                    s.start.to_string(),
                    s.early,
                    s.grants,
                )
            })
            .collect();
        // Stuttgart 08111: G = g01..g04 (g05 was issued 2018-10-15, after 2018-09-30, and is
        //   ignored). 0.5 × 4 = 2 starts needed; sorted starts 01-01, 02-15, 03-01, 04-01, so on
        //   2018-02-15 exactly two have started (the 50% boundary) and on 02-14 only one.
        //   02-15 ≤ cutoff 02-15 → early. (With g05, 0.5 × 5 = 2.5 → 3rd start 03-01 → late.)
        // Böblingen 08115: 3 grants, 0.5 × 3 = 1.5 → 2 needed: starts 01-10, 03-01, 05-01 → 03-01, late.
        // Esslingen 08116: 2 grants, 1 needed: starts 2017-11-01, 2018-06-01 → 2017-11-01, early.
        // Göppingen 08117: its only grant was issued 2018-12-01 → G empty → no start.
        // Ordered by start date.
        assert_eq!(
            got,
            vec![
                ("08116", "2017-11-01".to_string(), true, 2),
                ("08111", "2018-02-15".to_string(), true, 4),
                ("08115", "2018-03-01".to_string(), false, 3),
            ]
        );
    }
}

#[test]
fn municipality_start_months_use_the_same_rule() {
    for b in hand() {
        let months = start::municipality_start_months(&b, &b.manifest.rules);
        // One grant each in G: its start month. 08111005 and 08117001 have grants issued after
        // grants_issued_by only, so no start month.
        assert_eq!(months.get("08111002"), Some(&month("2018-02")));
        assert_eq!(months.get("08115002"), Some(&month("2018-01")));
        assert_eq!(months.get("08116001"), Some(&month("2017-11")));
        assert_eq!(months.get("08111005"), None);
        assert_eq!(months.get("08117001"), None);
        assert_eq!(months.len(), 9);
    }
}

#[test]
fn persons_are_interpolated_between_year_ends() {
    for b in hand() {
        let data = EmploymentData::new(&b);
        // December is the year-end figure: P(2017) = 1200.
        assert_close(data.persons("08111", month("2017-12")).unwrap(), 1200.0);
        // Sep 2019: P(2018) + (P(2019) − P(2018)) × 9/12 = 1200 + 600 × 0.75 = 1650.
        assert_close(data.persons("08111", month("2019-09")).unwrap(), 1650.0);
        // Nov 2017: 1000 + 200 × 11/12 = 1183.333…
        assert_close(
            data.persons("08111", month("2017-11")).unwrap(),
            1000.0 + 200.0 * 11.0 / 12.0,
        );
        // Göppingen has no 2017 year-end.
        assert_eq!(
            data.persons("08117", month("2017-12")),
            Err(MissingFigure::Population { year: 2017 })
        );
    }
}

#[test]
fn employment_outcome_is_the_change_in_rate_weighted_by_base_persons() {
    for b in hand() {
        let (base, end) = (month("2017-12"), month("2019-09"));
        let total = employment_outcomes(&b, Employed::Total, base, end);
        let a = total["08111"].as_ref().unwrap();
        // 360 / 1200 × 100 = 30; 825 / 1650 × 100 = 50; weight = persons at base = 1200.
        assert_close(a.base_pct, 30.0);
        assert_close(a.end_pct, 50.0);
        assert_close(a.weight_persons, 1200.0);
        // Darmstadt: 300 / 1000 = 30 %; Sep 2019 persons 1000 + 200 × 0.75 = 1150, 450 / 1150.
        let n2 = total["06411"].as_ref().unwrap();
        assert_close(n2.end_pct, 450.0 / 1150.0 * 100.0);
        assert_eq!(
            total["08117"],
            Err(MissingFigure::Population { year: 2017 })
        );
        let sv = employment_outcomes(&b, Employed::SocialSecurity, base, end);
        // 240 / 1200 = 20 %, 495 / 1650 = 30 %.
        let a = sv["08111"].as_ref().unwrap();
        assert_close(a.base_pct, 20.0);
        assert_close(a.end_pct, 30.0);
    }
}

#[test]
fn district_capacity_change_per_100_target_persons() {
    for b in hand() {
        let m = capacity::district_capacity_change(&b);
        let v: Vec<(&str, f64)> = m
            .values
            .iter()
            .map(|u| (u.unit_id.as_str(), u.value))
            .collect();
        // Stuttgart: both values in 001..004: (1.5−0.5) + (0.5−0) + (1−1) + (0.7−0.2) = 2.0;
        //   08111005 has fte_before but no fte_after: it does not count and does not exclude.
        //   D = 100 + 50 + 50 + 30 + 20 = 250 target persons at 2018-12-15 (08111005 reports 20
        //   although its housing_decentral is missing). 2.0 / 2.5 = 0.8.
        // Esslingen: (2−1) + (1.5−0.5) = 2.0; D = 200 → 1.0.
        // Göppingen: (0.5−0) + (0.4−0.2) = 0.7; D = 60 + 40 = 100 → 0.7 (08117003 is not funded).
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].0, "08111");
        assert_close(v[0].1, 0.8);
        assert_eq!(v[1].0, "08116");
        assert_close(v[1].1, 1.0);
        assert_eq!(v[2].0, "08117");
        assert_close(v[2].1, 0.7);
        // Böblingen: funded 08115002 has no fte_before → the district is excluded.
        assert!(reason(&m.excluded, "08115").contains("08115002"));
    }
}

#[test]
fn municipality_capacity_change_needs_both_values() {
    for b in hand() {
        let m = capacity::municipality_capacity_change(&b);
        let value = |id: &str| m.values.iter().find(|u| u.unit_id == id).map(|u| u.value);
        assert_close(value("08111001").unwrap(), 1.0);
        assert_close(value("08117002").unwrap(), 0.4 - 0.2);
        assert_eq!(value("08111005"), None);
        assert_eq!(reason(&m.excluded, "08111005"), "fte_after missing");
        assert_eq!(reason(&m.excluded, "08115002"), "fte_before missing");
        assert!(reason(&m.excluded, "08117003").contains("not funded"));
        assert_eq!(m.values.len(), 10);
    }
}

#[test]
fn district_housing_keeps_exactly_forty_percent_missing() {
    for b in hand() {
        let h = housing::district_housing(&b, &b.manifest.rules);
        // Stuttgart: 5 funded; 08111004 lacks the 2020 row, 08111005 lacks housing_decentral in
        //   2018 → 2 of 5 = 40 % missing ≤ 0.4 → kept. Pooled over 001–003:
        //   2018: (40 + 20 + 10) / (100 + 50 + 50) = 70 / 200 = 35 %;
        //   2020: (60 + 30 + 10) / (120 + 50 + 40) = 100 / 210 = 47.619… %. Weight D = 250.
        let a = h["08111"].as_ref().unwrap();
        assert_close(a.base_pct, 35.0);
        assert_close(a.end_pct, 100.0 / 210.0 * 100.0);
        assert_close(a.weight, 250.0);
        // Böblingen: 08115002 has 0 target persons in 2018 (not present), 08115003 no rows →
        //   2 of 3 = 67 % > 40 % → excluded.
        assert!(
            h["08115"]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("2 of 3")
        );
        // Esslingen: (50 + 30) / 200 = 40 %; (70 + 20) / 150 = 60 %; D = 200.
        let c = h["08116"].as_ref().unwrap();
        assert_close(c.base_pct, 40.0);
        assert_close(c.end_pct, 60.0);
        assert_close(c.weight, 200.0);
        // Neighbouring districts are not units of a housing comparison.
        assert!(!h.contains_key("09162"));
        // Moving the rule to 0.3 drops Stuttgart (0.4 > 0.3).
        let mut strict = b.manifest.rules.clone();
        strict.housing_max_missing = 0.3;
        assert!(housing::district_housing(&b, &strict)["08111"].is_err());
    }
}

#[test]
fn municipality_housing_needs_both_waves_present() {
    for b in hand() {
        let h = housing::municipality_housing(&b);
        // 08111001: 40 / 100 = 40 %, 60 / 120 = 50 %; weight 100.
        let m = h["08111001"].as_ref().unwrap();
        assert_close(m.base_pct, 40.0);
        assert_close(m.end_pct, 50.0);
        assert_close(m.weight, 100.0);
        let wave = |d: &str| parse_date(d).unwrap();
        assert_eq!(
            h["08111004"],
            Err(NoHousingOutcome::NoSurveyRow {
                wave: wave("2020-01-31")
            })
        );
        assert_eq!(
            h["08111005"],
            Err(NoHousingOutcome::DecentralMissing {
                wave: wave("2018-12-15")
            })
        );
        let no_target = h["08115002"].as_ref().unwrap_err();
        assert_eq!(
            no_target,
            &NoHousingOutcome::NoTargetPersons {
                wave: wave("2018-12-15")
            }
        );
        // The sentence the panel lists the unit with.
        assert_eq!(
            no_target.to_string(),
            "no target persons in wave 2018-12-15"
        );
        let shares = housing::municipality_shares(&b, parse_date("2020-01-31").unwrap());
        // 08115002: 5 / 10 in 2020 although its 2018 wave is not present.
        assert_close(shares["08115002"], 50.0);
    }
}

#[test]
fn plan_b_share_counts_only_answers() {
    for b in hand() {
        let d = plan_b::plan_b_shares(&b, Level::District);
        let value = |m: &wirkung::core::derive::Measures, id: &str| {
            m.values.iter().find(|u| u.unit_id == id).map(|u| u.value)
        };
        // Stuttgart: answers 4, 3, 1, 4 (r04 did not answer) → 3 of 4 often = 0.75.
        assert_close(value(&d, "08111").unwrap(), 0.75);
        // Böblingen: 2, 2 (r06 did not answer) → 0 / 2 = 0.
        assert_close(value(&d, "08115").unwrap(), 0.0);
        // Esslingen: 3, 2 → 0.5. Göppingen: no answer → excluded.
        assert_close(value(&d, "08116").unwrap(), 0.5);
        assert!(reason(&d.excluded, "08117").contains("plan_b_use"));
        let m = plan_b::plan_b_shares(&b, Level::Municipality);
        // 08111003: answers 1 and 4 → 0.5.
        assert_close(value(&m, "08111003").unwrap(), 0.5);
        assert_eq!(value(&m, "08111004"), None);
        assert_eq!(m.values.len(), 7);
    }
}

#[test]
fn topic_shares_follow_the_reading_rules() {
    for b in hand() {
        let labour = topics::district_topic_shares(&b, Topic::Labour);
        let value = |m: &wirkung::core::derive::Measures, id: &str| {
            m.values.iter().find(|u| u.unit_id == id).unwrap().value
        };
        // Stuttgart: 2019-03-01 (2 labour of 5) and 2019-03-04 (1 of 5); its exact duplicate is
        //   dropped, and 2019-07-01 lies after topics_until → 3 / 10.
        assert_close(value(&labour, "08111"), 0.3);
        // Böblingen: 1 of 4; the row dated 2019-02-30 is left out.
        assert_close(value(&labour, "08115"), 0.25);
        // Esslingen: 1 of 5 + 0 of 4 = 1 / 9.
        assert_close(value(&labour, "08116"), 1.0 / 9.0);
        // Göppingen: the conflicting rows of 2019-05-02 are both kept: (3 + 1) / (4 + 4).
        assert_close(value(&labour, "08117"), 0.5);
        let housing_talks = topics::district_topic_shares(&b, Topic::Housing);
        assert_close(value(&housing_talks, "08116"), 3.0 / 9.0);
        // All rows: labour 2+1+10+1+1+0+3+1 = 19, language 1, housing 1+2+1+3+1+1 = 9,
        // other 1+2+2+4+1+2 = 12.
        assert_eq!(topics::topic_totals(&b), [19, 1, 0, 9, 0, 0, 0, 12]);
        let q = topics::quarterly_topic_shares(&b);
        // 2019 Q1: 23 talks, 5 on labour; Q2: 8 talks; Q3: 10 labour talks.
        assert_eq!(
            q.iter().map(|(y, q, _)| (*y, *q)).collect::<Vec<_>>(),
            vec![(2019, 1), (2019, 2), (2019, 3)]
        );
        assert_close(q[0].2[0], 5.0 / 23.0);
        assert_close(q[2].2[0], 1.0);
    }
}
