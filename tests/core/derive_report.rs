//! Report formatting (cli.md, "JSON shapes"): fields, rounding, stars, full precision.

use crate::common;

use wirkung::core::bundle::Level;
use wirkung::core::derive::{
    ClusterBy, Comparison, ControlSelection, Exclusion, Outcome, Panel, PanelRow, PanelSpec,
};
use wirkung::core::estimate::{
    Coefficient, DidEstimate, EstimateOptions, Fit, GroupMeans, VarianceType,
};
use wirkung::core::report::{self, EstimateReport};

/// An outcome with more digits than any rounding would keep.
const END: f64 = 43.123456789012345;

fn coefficient(term: &str, estimate: f64, std_error: f64, p_value: f64) -> Coefficient {
    Coefficient {
        term: wirkung::core::estimate::Term::from_name(term),
        estimate,
        std_error,
        t: estimate / std_error,
        p_value,
        ci_low: estimate - 2.0 * std_error,
        ci_high: estimate + 2.0 * std_error,
    }
}

fn example() -> (Panel, DidEstimate) {
    let b = common::hand_bundle_in_code();
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::EarlyStart,
        level: Level::District,
        controls: ControlSelection::All,
        rules: b.manifest.rules.clone(),
    };
    let row = |id: &str, name: &str, treated: bool| PanelRow {
        unit_id: id.into(),
        name: name.into(),
        treated,
        measure: None,
        outcome_base: 30.0,
        outcome_end: END,
        weight: 1200.0,
        controls: vec![1.2],
        cluster: None,
    };
    let panel = Panel {
        spec,
        rows: vec![
            row("08111", "Stuttgart, Stadt", true),
            row("08115", "Böblingen \"BB\"", false),
        ],
        control_names: vec!["protection_seekers_pct_2017".into()],
        control_labels: vec!["Protection seekers, % of population 2017".into()],
        cluster_by: ClusterBy::State,
        median: None,
        excluded: vec![Exclusion {
            unit: "08117".into(),
            reason: "no start date".into(),
        }],
    };
    let fit = Fit {
        coefficients: vec![
            coefficient("treated", -0.04, 0.7, 0.48),
            coefficient("const", 11.26, 3.4, 0.002),
            coefficient("protection_seekers_pct_2017", -0.7, 0.3, 0.06),
        ],
        n: 44,
        df_resid: 41,
        df_inference: 41,
        clusters: None,
        r2: 0.3349,
        variance: VarianceType::Hc1,
        residuals: vec![],
    };
    let estimate = DidEstimate {
        fit,
        options: EstimateOptions::default(),
        treated: GroupMeans {
            n: 22,
            base: 30.04,
            end: 43.1,
        },
        control: GroupMeans {
            n: 22,
            base: 30.2,
            end: 43.8,
        },
        warnings: vec![],
        cluster_by: ClusterBy::State,
        mde_80: Some(2.0),
    };
    (panel, estimate)
}

#[test]
fn stars_and_rounding_follow_the_report() {
    assert_eq!(report::stars(0.009), "***");
    assert_eq!(report::stars(0.01), "**");
    assert_eq!(report::stars(0.049), "**");
    assert_eq!(report::stars(0.05), "*");
    assert_eq!(report::stars(0.0999), "*");
    assert_eq!(report::stars(0.10), "");
    assert_eq!(report::one_decimal(-0.04), "0.0");
    assert_eq!(report::one_decimal(12.44), "12.4");
    assert_eq!(report::one_decimal(-3.06), "-3.1");
}

#[test]
fn estimate_json_has_exactly_the_documented_fields() {
    let (panel, estimate) = example();
    let b = common::hand_bundle_in_code();
    let r = EstimateReport::new(&b.manifest, &panel, &estimate);
    let v: serde_json::Value = serde_json::from_str(&report::estimate_json(&r)).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "clusters",
            "coefficients",
            "comparison",
            "df_inference",
            "df_resid",
            "excluded",
            "groups",
            "level",
            "mde_80",
            "n",
            "outcome",
            "r2",
            "report_column",
            "se",
            "warnings",
            "weighted"
        ]
    );
    assert_eq!(v["outcome"], "employment");
    assert_eq!(v["comparison"], "early-start");
    assert_eq!(v["level"], "district");
    assert_eq!(v["se"], "hc1");
    assert_eq!(v["weighted"], true);
    assert_eq!(v["r2"], 0.3349);
    let c = &v["coefficients"][0];
    let mut ckeys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    ckeys.sort();
    assert_eq!(
        ckeys,
        [
            "ci_high",
            "ci_low",
            "estimate",
            "p_value",
            "std_error",
            "t",
            "term"
        ]
    );
    assert_eq!(c["term"], "treated");
    assert_eq!(v["groups"]["treated"]["n"], 22);
    assert_eq!(v["groups"]["control"]["end"], 43.8);
    assert_eq!(v["excluded"][0]["unit"], "08117");
    assert_eq!(v["excluded"][0]["reason"], "no start date");
}

#[test]
fn estimate_text_reads_like_the_report_table() {
    let (panel, estimate) = example();
    let b = common::hand_bundle_in_code();
    let r = EstimateReport::new(&b.manifest, &panel, &estimate);
    let text = report::estimate_text(std::slice::from_ref(&r));
    let lines: Vec<&str> = text.lines().collect();
    // Treatment first with its group label, SE in parentheses below, then controls, constant.
    let at = |label: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in\n{text}"))
    };
    let (t, p, c) = (at("Early start "), at("Protection seekers"), at("Constant"));
    assert!(t < p && p < c, "{text}");
    assert!(lines[t].trim_end().ends_with("0.0"), "{}", lines[t]);
    assert!(lines[t + 1].trim_end().ends_with("(0.7)"));
    assert!(lines[p].trim_end().ends_with("-0.7*"));
    assert!(lines[c].trim_end().ends_with("11.3***"));
    assert!(lines[at("N ")].trim_end().ends_with("44"));
    assert!(lines[at("R²")].trim_end().ends_with("0.33"));
    // The 2×2 block: (43.1 − 30.0) − (43.8 − 30.2) = 13.1 − 13.6 = −0.5.
    assert!(lines[at("Early start (n = 22)")].contains("13.1"));
    assert!(lines[at("Late start (n = 22)")].contains("13.6"));
    assert!(lines[at("Difference")].trim_end().ends_with("-0.5"));
    assert!(text.contains("08117  no start date"));
    assert!(text.contains("robust standard errors (HC1)"));
    assert!(text.contains("* p<0.10, ** p<0.05, *** p<0.01"));

    let md = report::estimate_markdown(std::slice::from_ref(&r));
    assert!(md.contains("| Constant | 11.3\\*\\*\\* |"), "{md}");
    let tex = report::estimate_latex(std::slice::from_ref(&r), &[]);
    assert!(
        tex.contains("Protection seekers, \\% of population 2017 & -0.7$^{*}$ \\\\"),
        "{tex}"
    );
    assert!(tex.contains("\\begin{tabular}") && tex.contains("\\end{tabular}"));
    let csv = report::estimate_csv(&r);
    assert_eq!(
        csv.lines().next().unwrap(),
        "term,label,estimate,std_error,t,p_value,ci_low,ci_high,report_column"
    );
    assert!(csv.contains("\nconst,Constant,11.26,3.4,"), "{csv}");
    // The model has controls: column (2) of the report.
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",(2)")), "{csv}");
    assert!(text.contains("(2) with controls"), "{text}");
    assert!(csv.contains("\"Protection seekers, % of population 2017\""));
}

#[test]
fn panel_outputs_keep_full_precision_and_quote_names() {
    let (panel, _) = example();
    let csv = report::panel_csv(&panel);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "unit_id,name,treated,measure,outcome_base,outcome_end,outcome_change,weight,protection_seekers_pct_2017"
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("08111,\"Stuttgart, Stadt\",true,,30,"),
        "{first}"
    );
    assert!(first.ends_with(",1200,1.2"), "{first}");
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("08115,\"Böblingen \"\"BB\"\"\",false,")
    );
    let json: serde_json::Value = serde_json::from_str(&report::panel_json(&panel)).unwrap();
    assert_eq!(json["median"], serde_json::Value::Null);
    assert_eq!(json["rows"][0]["outcome_end"].as_f64(), Some(END));
    // Every digit survives the CSV: it parses back to the same double.
    assert_eq!(
        first.split(',').nth(6).unwrap().parse::<f64>().unwrap(),
        END
    );
    assert_eq!(json["rows"][0]["protection_seekers_pct_2017"], 1.2);
    assert_eq!(json["rows"][0]["measure"], serde_json::Value::Null);
    assert_eq!(json["excluded"][0]["reason"], "no start date");
}
