//! The sample generator is deterministic, the committed bundle is what it writes, its plan is
//! the groups the pipeline derives from that bundle, another seed plans other groups, and the
//! bundle loads with the planted duplicate and conflicting activity rows as warnings only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SEED: &str = "2023";

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration")
}

/// Runs the generator with `seed`; it must succeed.
fn generate(seed: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_gen-sample"))
        .args(["--seed", seed, "--out"])
        .arg(out)
        .arg("--quiet")
        .status()
        .expect("gen-sample runs");
    assert!(status.success(), "gen-sample failed with seed {seed}");
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("output directory")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_seed_writes_identical_files_and_the_committed_bundle() {
    let a = tempfile::tempdir().expect("temp dir");
    generate(SEED, a.path());
    let fa = files(a.path());
    assert_eq!(fa.len(), 10, "bundle.toml and nine tables");
    // The committed sample is exactly what the generator writes with the documented seed, on
    // the platform it was generated on (x86-64 with AVX2/FMA): the linear-algebra kernels are
    // picked by CPU features, and the calibration's iterations carry their last bits along.
    // Equal files are two runs with the same seed agreeing (this one and the one that wrote
    // the bundle); only when they differ is a second run here needed, to tell a generator that
    // is not deterministic from a platform whose kernels round differently. The generator
    // takes about 20 minutes, so the common case runs it once.
    let shipped = files(&shipped());
    if fa != shipped {
        let b = tempfile::tempdir().expect("temp dir");
        generate(SEED, b.path());
        for ((na, da), (nb, db)) in fa.iter().zip(&files(b.path())) {
            assert_eq!(na, nb);
            assert!(da == db, "{na} differs between two runs with the same seed");
        }
        let names: Vec<&String> = shipped.iter().map(|(n, _)| n).collect();
        assert_eq!(names, fa.iter().map(|(n, _)| n).collect::<Vec<_>>());
        for ((n, d), (_, s)) in fa.iter().zip(&shipped) {
            assert!(
                d == s,
                "{n}: committed file is not what `gen-sample --seed {SEED}` writes, though two \
                 runs here agree (another platform's kernels?)"
            );
        }
    }
}

/// `gen-sample --seed S --plan`: per BW district, its group in each comparison as the plan's
/// column name → (district id → treated), and the excluded flags.
fn plan(seed: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    plan_with(seed, &[])
}

/// `plan`, with more arguments (`--exchange`).
fn plan_with(seed: &str, more: &[&str]) -> BTreeMap<String, BTreeMap<String, String>> {
    let out = Command::new(env!("CARGO_BIN_EXE_gen-sample"))
        .args(["--seed", seed, "--plan"])
        .args(more)
        .output()
        .expect("gen-sample runs");
    assert!(
        out.status.success(),
        "gen-sample --plan {more:?} failed with seed {seed}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header.last(), Some(&"name"));
    let mut columns: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for line in lines {
        // The name comes last and may be quoted with commas in it.
        let cells: Vec<&str> = line.splitn(header.len(), ',').collect();
        for (h, v) in header[1..header.len() - 1].iter().zip(&cells[1..]) {
            columns
                .entry(h.to_string())
                .or_default()
                .insert(cells[0].to_string(), v.to_string());
        }
    }
    assert_eq!(columns["early_start"].len(), 44, "BW's 44 districts");
    columns
}

#[test]
fn the_plan_is_what_the_pipeline_derives_and_another_seed_plans_other_groups() {
    let ours = plan(SEED);
    // Each comparison's panel from the committed bundle puts every district where the plan of
    // its seed put it.
    for (comparison, outcome, column) in [
        ("early-start", "employment", "early_start"),
        ("capacity", "employment", "capacity"),
        ("plan-b", "employment", "plan_b"),
        ("labour-talks", "employment", "labour_talks"),
        ("housing-talks", "housing", "housing_talks"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
            .arg("panel")
            .arg(shipped())
            .args(["--outcome", outcome, "--comparison", comparison])
            .args(["--format", "json"])
            .output()
            .expect("wirkung runs");
        assert!(out.status.success(), "panel {comparison}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let rows = v["rows"].as_array().expect("rows");
        let bw: Vec<&serde_json::Value> = rows
            .iter()
            .filter(|r| r["unit_id"].as_str().is_some_and(|id| id.starts_with("08")))
            .collect();
        assert!(bw.len() >= 30, "{comparison}: {} BW districts", bw.len());
        for r in bw {
            let id = r["unit_id"].as_str().unwrap();
            let planned = &ours[column][id];
            let treated = if r["treated"] == true { "1" } else { "0" };
            assert_eq!(planned, treated, "{comparison}: district {id}");
        }
    }
    let other = plan("7");
    let differ = ours
        .iter()
        .filter(|(column, groups)| other[*column] != **groups)
        .count();
    assert!(differ > 0, "seed 7 plans the same groups as seed {SEED}");
}

#[test]
fn the_committed_seeds_exchange_moves_those_two_districts_and_nothing_else() {
    // 08326 (Schwarzwald-Baar-Kreis) starts early in seed 2023's drawn design, 08111
    // (Stuttgart) late, and the seed's default run swaps their start dates after the
    // calibration (`--plan` applies the exchange to the drawn grants and activity): each
    // changes group and every other membership stays as drawn, the topic-share groups included
    // (the moved activity days keep their talks). `--exchange none` plans the drawn groups,
    // and naming the pair explicitly plans what the default does.
    let drawn = plan_with(SEED, &["--exchange", "none"]);
    let ours = plan(SEED);
    assert_eq!(ours, plan_with(SEED, &["--exchange", "08326,08111"]));
    assert_eq!(
        (
            &drawn["early_start"]["08326"][..],
            &drawn["early_start"]["08111"][..]
        ),
        ("1", "0")
    );
    assert_eq!(
        (
            &ours["early_start"]["08326"][..],
            &ours["early_start"]["08111"][..]
        ),
        ("0", "1")
    );
    for (column, groups) in &drawn {
        for (id, group) in groups {
            if column != "early_start" || !["08326", "08111"].contains(&id.as_str()) {
                assert_eq!(&ours[column][id], group, "{column}: district {id}");
            }
        }
    }
    // The wrong way round, an id outside BW, or one id: a message naming the problem.
    for (arg, says) in [
        ("08111,08326", "08111 (Stuttgart) does not start early"),
        ("09162,08111", "09162 is not a BW district"),
        ("08326", "--exchange needs two district ids"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_gen-sample"))
            .args(["--seed", SEED, "--plan", "--exchange", arg])
            .output()
            .expect("gen-sample runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "--exchange {arg} succeeded");
        assert!(stderr.contains(says), "--exchange {arg}: {stderr}");
        assert!(out.stdout.is_empty(), "--exchange {arg} printed a plan");
    }
}

#[test]
fn shipped_bundle_has_warnings_but_no_errors() {
    let b = wirkung::core::bundle::load(&shipped()).expect("loads");
    let errors: Vec<String> = b
        .findings
        .errors()
        .map(|f| format!("{}: {}", f.location(), f.message))
        .collect();
    assert!(
        errors.is_empty(),
        "errors in the shipped sample:\n{}",
        errors.join("\n")
    );
    assert!(b.is_synthetic());
    let c = &b.activity_cleaning;
    assert_eq!(c.exact_duplicates_dropped, 7_711);
    assert!(
        c.conflicting_rows >= 12,
        "conflicting rows {}",
        c.conflicting_rows
    );
    assert_eq!(c.impossible_dates, 0);
    assert_eq!(b.activity.len(), 300_724, "working days after cleaning");
    let talks: i64 = b.activity.iter().map(|d| d.talks.iter().sum::<i64>()).sum();
    assert_eq!(talks, 2_035_789);
    assert!(
        b.findings
            .warnings()
            .any(|w| w.table.as_deref() == Some("activity") && w.message.contains("duplicate"))
    );
}

#[test]
fn check_command_reports_warnings_only() {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg("check")
        .arg(shipped())
        .args(["--format", "json"])
        .output()
        .expect("wirkung runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["errors"].as_array().map(Vec::len),
        Some(0),
        "{}",
        v["errors"]
    );
    let warnings = v["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w["table"] == "activity"
            && w["message"].as_str().unwrap_or("").contains("duplicate"))
    );
}
