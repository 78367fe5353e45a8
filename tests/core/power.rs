//! Power and minimum detectable effects against scipy and statsmodels
//! (tests/reference/power/make_power_reference.py wrote power_reference.json).

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::estimate::power::{
    ALPHA, DesignUnit, POWER, PowerError, design_power, mde_80, mde_exact,
};

fn reference() -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/reference/power/power_reference.json"))
        .expect("power_reference.json");
    serde_json::from_str(&text).expect("JSON")
}

#[track_caller]
fn close(actual: f64, expected: &Value, rel: f64, what: &str) {
    let e = expected.as_f64().unwrap();
    assert!(
        (actual - e).abs() <= rel * e.abs(),
        "{what}: {actual} vs reference {e}"
    );
}

#[test]
fn mde_80_is_the_t_quantile_formula_and_close_to_the_exact_noncentral_mde() {
    for r in reference()["mde"].as_array().unwrap() {
        let (se, df) = (r["se"].as_f64().unwrap(), r["df"].as_f64().unwrap());
        let what = format!("se {se} df {df}");
        close(mde_80(se, df).unwrap(), &r["mde_80"], 1e-9, &what);
        close(
            mde_exact(se, df, ALPHA, POWER).unwrap(),
            &r["mde_exact"],
            1e-6,
            &what,
        );
    }
}

#[test]
fn design_helper_matches_statsmodels_ttestindpower() {
    let reference = reference();
    for d in reference["designs"].as_array().unwrap() {
        let name = d["name"].as_str().unwrap();
        let units: Vec<DesignUnit> = (0..d["delta_y"].as_array().unwrap().len())
            .map(|i| DesignUnit {
                delta_y: d["delta_y"][i].as_f64().unwrap(),
                weight: d["weight"][i].as_f64().unwrap(),
                treated: d["treated"][i].as_bool().unwrap(),
            })
            .collect();
        let now = design_power(&units, None, ALPHA, POWER).unwrap();
        close(now.residual_sd, &d["residual_sd"], 1e-10, name);
        close(now.treated_share, &d["treated_share"], 1e-12, name);
        close(now.mde_current, &d["mde_current"], 1e-6, name);
        assert!(now.units_needed.is_none());
        for need in d["needed"].as_array().unwrap() {
            let effect = need["effect"].as_f64().unwrap();
            let r = design_power(&units, Some(effect), ALPHA, POWER).unwrap();
            let n = r.units_needed.unwrap();
            close(
                n.exact,
                &need["exact_total"],
                1e-6,
                &format!("{name} {effect}"),
            );
            // Whole units: at least the continuous solution, and split at the treated share.
            assert!(n.total as f64 >= n.exact && n.total as f64 <= n.exact + 2.0);
            assert_eq!(n.total, n.treated + n.control);
            assert!((n.treated as f64) >= n.exact * r.treated_share - 1e-6);
        }
        // The MDE with the current units needs about the current number of units.
        let back = design_power(&units, Some(now.mde_current), ALPHA, POWER).unwrap();
        let exact = back.units_needed.unwrap().exact;
        assert!(
            (exact - units.len() as f64).abs() < 1e-4 * units.len() as f64,
            "{name}"
        );
    }
}

#[test]
fn a_zero_effect_cannot_be_planned_for() {
    let units: Vec<DesignUnit> = (0..6)
        .map(|i| DesignUnit {
            delta_y: i as f64,
            weight: 1.0,
            treated: i % 2 == 0,
        })
        .collect();
    assert_eq!(
        design_power(&units, Some(0.0), ALPHA, POWER),
        Err(PowerError::Effect(0.0))
    );
}
