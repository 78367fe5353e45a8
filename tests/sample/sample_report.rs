//! The shipped synthetic sample reproduces every printed figure of the report's Tab. 11–18
//! when the REAL pipeline runs on it: bundle::load → derive::panel → estimate::estimate_did
//! (HC1, weighted; column (1) without controls, column (2) with all declared controls).
//!
//! `PUBLISHED` below is the report's tables as printed, column by column; each figure is
//! compared at the report's rounding: coefficients and SEs to one decimal, R² to two, N
//! exactly, stars from the pipeline's own p-value (* p<.10, ** p<.05, *** p<.01, Student's t
//! with n − k df), and the one p-value the text prints (Tab. 12 SV-only, 0.056) to three
//! decimals. Tab. 18's district columns (1) and (3) repeat Tab. 17's columns (2) and (4)
//! figure for figure (`tab_18_district_columns_repeat_tab_17` checks that on the table
//! itself), so they are counted once.

use std::collections::BTreeMap;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec, panel};
use wirkung::core::estimate::{DidEstimate, EstimateOptions, estimate_did};
use wirkung::core::report::stars;

fn sample() -> Bundle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    bundle::load(&dir).expect("the shipped sample loads")
}

fn estimate(
    b: &Bundle,
    outcome: Outcome,
    comparison: Comparison,
    level: Level,
    with_controls: bool,
) -> DidEstimate {
    let spec = PanelSpec {
        outcome,
        comparison,
        level,
        controls: if with_controls {
            ControlSelection::All
        } else {
            ControlSelection::None
        },
        rules: b.manifest.rules.clone(),
    };
    let p = panel(b, &spec).unwrap_or_else(|e| panic!("{outcome} {comparison}: {e}"));
    estimate_did(&p, EstimateOptions::default())
        .unwrap_or_else(|e| panic!("{outcome} {comparison}: {e}"))
}

/// One decimal as printed; never "-0.0".
fn r1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

fn r2dp(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

const PROTECTION: &str = "protection_seekers_pct_2017";
const GDP: &str = "gdp_per_capita_2017";
const SV: &str = "sv_employees_per_100_2019";
const URBAN: &str = "urban";
const DWELLINGS: &str = "dwellings_per_100_2018";
const NEW_DWELLINGS: &str = "new_dwellings_per_100_2018";
const REFUGEES: &str = "refugees_2017_per_pop_2015";
const TAX: &str = "tax_revenue_per_capita_2016";
const SV_2015: &str = "sv_employees_2015";
const TREATED: &str = "treated";
const CONST: &str = "const";

/// One printed regression column: the terms as the table prints them, (term, coefficient,
/// stars, robust SE), then N and R².
struct Column {
    table: &'static str,
    column: &'static str,
    outcome: Outcome,
    comparison: Comparison,
    level: Level,
    controls: bool,
    terms: &'static [(&'static str, f64, &'static str, f64)],
    n: usize,
    r2: f64,
}

/// Tab. 12–16: employment at district level; otherwise as `housing`.
const fn employment(
    table: &'static str,
    column: &'static str,
    comparison: Comparison,
    controls: bool,
    terms: &'static [(&'static str, f64, &'static str, f64)],
    n: usize,
    r2: f64,
) -> Column {
    let mut c = housing(
        table,
        column,
        comparison,
        Level::District,
        controls,
        terms,
        n,
        r2,
    );
    c.outcome = Outcome::Employment;
    c
}

// A column's eight facts read best as one literal call per printed column.
#[allow(clippy::too_many_arguments)]
const fn housing(
    table: &'static str,
    column: &'static str,
    comparison: Comparison,
    level: Level,
    controls: bool,
    terms: &'static [(&'static str, f64, &'static str, f64)],
    n: usize,
    r2: f64,
) -> Column {
    let outcome = Outcome::Housing;
    Column {
        table,
        column,
        outcome,
        comparison,
        level,
        controls,
        terms,
        n,
        r2,
    }
}

use Comparison::{BwVsNeighbours, Capacity, EarlyStart, HousingTalks, LabourTalks, PlanB};
use Level::{District, Municipality};

/// Tab. 12–18 as printed (report section 5; the German text's decimal commas read as points,
/// a printed "0" or "12" as 0.0 and 12.0). Tab. 16 prints the SV coefficient as "0.2*".
#[rustfmt::skip]
const PUBLISHED: [Column; 20] = [
    // Tab. 12 BW vs neighbours
    employment("Tab. 12", "(1)", BwVsNeighbours, false,
        &[(TREATED, 0.9, "", 0.7), (CONST, 12.4, "***", 0.6)], 201, 0.01),
    employment("Tab. 12", "(2)", BwVsNeighbours, true,
        &[(TREATED, 0.1, "", 0.5), (PROTECTION, -0.6, "*", 0.3), (GDP, -0.1, "*", 0.0),
          (SV, 0.1, "", 0.1), (URBAN, -3.1, "***", 1.0), (CONST, 14.8, "***", 1.2)], 201, 0.29),
    // Tab. 13 early vs late start
    employment("Tab. 13", "(1)", EarlyStart, false,
        &[(TREATED, -0.9, "", 0.8), (CONST, 13.7, "***", 0.4)], 44, 0.03),
    employment("Tab. 13", "(2)", EarlyStart, true,
        &[(TREATED, -0.5, "", 0.7), (PROTECTION, -0.7, "", 1.1), (GDP, -0.1, "", 0.0),
          (SV, 0.2, "", 0.1), (URBAN, -4.8, "**", 1.9), (CONST, 11.3, "***", 3.4)], 44, 0.33),
    // Tab. 14 stronger vs weaker capacity expansion
    employment("Tab. 14", "(1)", Capacity, false,
        &[(TREATED, 1.2, "", 0.8), (CONST, 12.8, "***", 0.6)], 42, 0.07),
    employment("Tab. 14", "(2)", Capacity, true,
        &[(TREATED, 0.6, "", 0.7), (PROTECTION, 0.6, "", 1.0), (GDP, -0.1, "", 0.0),
          (SV, 0.2, "", 0.1), (URBAN, -3.9, "**", 1.8), (CONST, 9.9, "***", 3.0)], 42, 0.25),
    // Tab. 15 frequent vs rare use of plan B
    employment("Tab. 15", "(1)", PlanB, false,
        &[(TREATED, 0.7, "", 0.9), (CONST, 12.9, "***", 0.6)], 44, 0.02),
    employment("Tab. 15", "(2)", PlanB, true,
        &[(TREATED, 0.7, "", 0.7), (PROTECTION, -0.9, "", 1.2), (GDP, 0.0, "", 0.0),
          (SV, 0.2, "", 0.1), (URBAN, -4.5, "**", 2.1), (CONST, 11.5, "***", 3.4)], 44, 0.34),
    // Tab. 16 more vs fewer labour-market talks
    employment("Tab. 16", "(1)", LabourTalks, false,
        &[(TREATED, 0.6, "", 0.9), (CONST, 12.9, "***", 0.7)], 44, 0.01),
    employment("Tab. 16", "(2)", LabourTalks, true,
        &[(TREATED, -0.9, "", 0.7), (PROTECTION, -0.8, "", 1.1), (GDP, -0.1, "", 0.0),
          (SV, 0.2, "*", 0.1), (URBAN, -5.3, "**", 2.1), (CONST, 11.7, "***", 3.4)], 44, 0.35),
    // Tab. 17 housing, districts: (1)/(2) capacity, (3)/(4) plan B, (5)/(6) housing talks
    housing("Tab. 17", "(1)", Capacity, District, false,
        &[(TREATED, 1.1, "", 2.6), (CONST, 2.2, "", 1.8)], 37, 0.01),
    housing("Tab. 17", "(2)", Capacity, District, true,
        &[(TREATED, 1.6, "", 2.6), (PROTECTION, 3.7, "", 3.8), (GDP, -0.2, "", 0.3),
          (SV, 0.1, "", 0.4), (URBAN, 9.7, "", 10.9), (DWELLINGS, -0.2, "", 0.6),
          (NEW_DWELLINGS, -5.7, "", 18.3), (CONST, 12.0, "", 31.2)], 37, 0.15),
    housing("Tab. 17", "(3)", PlanB, District, false,
        &[(TREATED, -2.5, "", 2.5), (CONST, 4.0, "***", 1.4)], 37, 0.03),
    housing("Tab. 17", "(4)", PlanB, District, true,
        &[(TREATED, -2.2, "", 3.0), (PROTECTION, 3.4, "", 4.3), (GDP, -0.2, "", 0.3),
          (SV, 0.0, "", 0.5), (URBAN, 9.9, "", 11.4), (DWELLINGS, -0.2, "", 0.6),
          (NEW_DWELLINGS, -5.3, "", 18.8), (CONST, 14.6, "", 33.4)], 37, 0.16),
    housing("Tab. 17", "(5)", HousingTalks, District, false,
        &[(TREATED, -0.4, "", 2.7), (CONST, 2.9, "", 2.5)], 37, 0.00),
    housing("Tab. 17", "(6)", HousingTalks, District, true,
        &[(TREATED, 0.4, "", 2.8), (PROTECTION, 4.6, "", 3.1), (GDP, -0.2, "", 0.3),
          (SV, 0.0, "", 0.4), (URBAN, 8.3, "", 10.6), (DWELLINGS, -0.2, "", 0.6),
          (NEW_DWELLINGS, -7.3, "", 18.3), (CONST, 9.3, "", 33.4)], 37, 0.14),
    // Tab. 18 housing, municipalities (columns (2) and (4); (1) and (3) repeat Tab. 17)
    housing("Tab. 18", "(1)", Capacity, District, true,
        &[(TREATED, 1.6, "", 2.6), (PROTECTION, 3.7, "", 3.8), (GDP, -0.2, "", 0.3),
          (SV, 0.1, "", 0.4), (URBAN, 9.7, "", 10.9), (DWELLINGS, -0.2, "", 0.6),
          (NEW_DWELLINGS, -5.7, "", 18.3), (CONST, 12.0, "", 31.2)], 37, 0.15),
    housing("Tab. 18", "(2)", Capacity, Municipality, true,
        &[(TREATED, 3.7, "", 4.7), (REFUGEES, 8.1, "", 5.7), (TAX, 4.5, "", 3.6),
          (SV_2015, -0.2, "", 0.2), (URBAN, 15.4, "**", 7.8), (DWELLINGS, 0.0, "", 0.4),
          (NEW_DWELLINGS, -8.7, "", 10.6), (CONST, -3.4, "", 22.5)], 728, 0.06),
    housing("Tab. 18", "(3)", PlanB, District, true,
        &[(TREATED, -2.2, "", 3.0), (PROTECTION, 3.4, "", 4.3), (GDP, -0.2, "", 0.3),
          (SV, 0.0, "", 0.5), (URBAN, 9.9, "", 11.4), (DWELLINGS, -0.2, "", 0.6),
          (NEW_DWELLINGS, -5.3, "", 18.8), (CONST, 14.6, "", 33.4)], 37, 0.16),
    housing("Tab. 18", "(4)", PlanB, Municipality, true,
        &[(TREATED, 4.2, "", 4.8), (REFUGEES, 7.7, "", 5.1), (TAX, 3.7, "", 3.0),
          (SV_2015, -0.2, "", 0.1), (URBAN, 11.5, "*", 6.2), (DWELLINGS, 0.0, "", 0.4),
          (NEW_DWELLINGS, -9.2, "", 10.3), (CONST, -2.2, "", 21.0)], 731, 0.06),
];

/// The SV-only variants (social-security employment alone), printed in the text and
/// footnotes without SEs or stars: the treatment coefficient without and with controls.
/// Tab. 16's footnote says "+1.3 and −0.3 (with and without controls)", the reverse of every
/// other footnote; the sample reads it as (without, with) = (+1.3, −0.3) like the others.
const SV_ONLY: [(&str, Comparison, f64, f64); 5] = [
    ("Tab. 12", BwVsNeighbours, 1.3, 0.5),
    ("Tab. 13", EarlyStart, -0.8, -0.5),
    ("Tab. 14", Capacity, 0.8, 0.1),
    ("Tab. 15", PlanB, 0.3, 0.2),
    ("Tab. 16", LabourTalks, 1.3, -0.3),
];

/// The p-value the text prints for Tab. 12's SV-only estimate without controls ("p-Wert von
/// 0,056"), three decimals.
const TAB_12_SV_ONLY_P: f64 = 0.056;

/// Tab. 11: weighted group means of the employment rate (%), Dec 2017 and Sep 2019, their
/// changes and the simple DiD.
const TAB_11: [(&str, &str, f64); 7] = [
    ("Baden-Württemberg", "Dec 2017", 30.1),
    ("Baden-Württemberg", "Sep 2019", 43.4),
    ("Baden-Württemberg", "change", 13.3),
    ("neighbouring states", "Dec 2017", 29.5),
    ("neighbouring states", "Sep 2019", 41.9),
    ("neighbouring states", "change", 12.4),
    ("simple DiD", "change", 0.9),
];

/// One compared figure: where it is printed, what the report prints, what the sample gives.
struct Compared {
    key: String,
    published: String,
    measured: String,
    ok: bool,
}

fn check_all(b: &Bundle) -> Vec<Compared> {
    let mut cache: BTreeMap<String, DidEstimate> = BTreeMap::new();
    let mut fit = |outcome: Outcome, c: Comparison, level: Level, controls: bool| {
        let key = format!("{outcome} {c} {level:?} {controls}");
        cache
            .entry(key)
            .or_insert_with(|| estimate(b, outcome, c, level, controls))
            .clone()
    };
    let mut out = Vec::new();
    let mut push = |key: String, published: String, measured: String, ok: bool| {
        out.push(Compared {
            key,
            published,
            measured,
            ok,
        })
    };

    let e = fit(Outcome::Employment, BwVsNeighbours, District, false);
    let means = [
        e.treated.base,
        e.treated.end,
        e.treated.end - e.treated.base,
        e.control.base,
        e.control.end,
        e.control.end - e.control.base,
        (e.treated.end - e.treated.base) - (e.control.end - e.control.base),
    ];
    for ((row, col, want), got) in TAB_11.iter().zip(means) {
        push(
            format!("Tab. 11 | {col} | {row}"),
            format!("{want:.1}"),
            format!("{got:.3}"),
            r1(got) == *want,
        );
    }

    for col in &PUBLISHED {
        let e = fit(col.outcome, col.comparison, col.level, col.controls);
        let at = format!("{} | {}", col.table, col.column);
        for &(term, want, want_stars, want_se) in col.terms {
            let c = e
                .fit
                .by_name(term)
                .unwrap_or_else(|| panic!("{at}: no term {term}"));
            push(
                format!("{at} | {term} | coefficient"),
                format!("{want:.1}"),
                format!("{:.3}", c.estimate),
                r1(c.estimate) == want,
            );
            push(
                format!("{at} | {term} | stars"),
                format!("'{want_stars}'"),
                format!("'{}' (p {:.4})", stars(c.p_value), c.p_value),
                stars(c.p_value) == want_stars,
            );
            push(
                format!("{at} | {term} | SE"),
                format!("{want_se:.1}"),
                format!("{:.3}", c.std_error),
                r1(c.std_error) == want_se,
            );
        }
        push(
            format!("{at} | N"),
            col.n.to_string(),
            e.fit.n.to_string(),
            e.fit.n == col.n,
        );
        push(
            format!("{at} | R²"),
            format!("{:.2}", col.r2),
            format!("{:.4}", e.fit.r2),
            r2dp(e.fit.r2) == col.r2,
        );
    }

    for (table, c, without, with) in SV_ONLY {
        for (column, controls, want) in
            [("SV-only (1)", false, without), ("SV-only (2)", true, with)]
        {
            let e = fit(Outcome::EmploymentSv, c, District, controls);
            let t = e.fit.treated().expect("treatment term");
            push(
                format!("{table} | {column} | {TREATED} | coefficient"),
                format!("{want:.1}"),
                format!("{:.3}", t.estimate),
                r1(t.estimate) == want,
            );
            if table == "Tab. 12" && !controls {
                push(
                    format!("{table} | {column} | {TREATED} | p-value"),
                    format!("{TAB_12_SV_ONLY_P:.3}"),
                    format!("{:.4}", t.p_value),
                    (t.p_value * 1000.0).round() / 1000.0 == TAB_12_SV_ONLY_P,
                );
            }
        }
    }
    out
}

/// Tab. 18's district columns are Tab. 17's columns (2) and (4) printed again; the test table
/// holds both as printed, and they must agree (so the count treats them as one figure each).
#[test]
fn tab_18_district_columns_repeat_tab_17() {
    let find = |t: &str, c: &str| {
        PUBLISHED
            .iter()
            .find(|p| p.table == t && p.column == c)
            .unwrap_or_else(|| panic!("{t} {c} in the table"))
    };
    for (a, b) in [
        (("Tab. 18", "(1)"), ("Tab. 17", "(2)")),
        (("Tab. 18", "(3)"), ("Tab. 17", "(4)")),
    ] {
        let (x, y) = (find(a.0, a.1), find(b.0, b.1));
        assert_eq!(x.terms, y.terms, "{a:?} vs {b:?}");
        assert_eq!(
            (x.n, x.r2, x.comparison, x.level, x.controls),
            (y.n, y.r2, y.comparison, y.level, y.controls)
        );
    }
}

/// Every printed figure of Tab. 11–18 at the report's rounding. `--nocapture` prints each
/// measured value next to the published one.
#[test]
fn every_printed_figure_of_tab_11_to_18() {
    let b = sample();
    let all = check_all(&b);
    // Distinct figures: Tab. 18 (1) and (3) repeat Tab. 17 (2) and (4).
    let repeated = |k: &str| k.starts_with("Tab. 18 | (1)") || k.starts_with("Tab. 18 | (3)");
    let distinct: Vec<&Compared> = all.iter().filter(|c| !repeated(&c.key)).collect();
    assert_eq!(distinct.len(), 312, "the table lost or gained figures");
    for c in &all {
        eprintln!(
            "| {} | {} | {} | {} |",
            c.key,
            c.published,
            c.measured,
            if c.ok { "ok" } else { "MISSED" }
        );
    }
    let matched = distinct.iter().filter(|c| c.ok).count();
    eprintln!(
        "matched {matched} of {} distinct printed figures",
        distinct.len()
    );
    // No skip list: every figure, the repeated ones of Tab. 18 included, must match.
    let missed: Vec<String> = all
        .iter()
        .filter(|c| !c.ok)
        .map(|c| {
            format!(
                "{}: published {}, measured {}",
                c.key, c.published, c.measured
            )
        })
        .collect();
    assert!(
        missed.is_empty(),
        "{} printed figures missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
