//! Hostile input and faults: every case builds a bundle (or workbook, or fault) in a
//! temporary directory, runs the release binary with a 10 s limit and checks the outcome
//! class — a clear error naming file, column or row, or handled with a finding — and that
//! no file outside what the command may write changed. Never exit 101 (a panic), never a
//! hang. The Parquet files of unusual types come from tests/fixtures/hostile/make_parquet.py.

use rust_xlsxwriter::Workbook;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

fn hand_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand")
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// `root/bundle`: a copy of the hand-worked bundle; `root/outside/precious.csv`: another
/// project's file that nothing may touch.
fn setup(root: &Path) -> PathBuf {
    let bundle = root.join("bundle");
    std::fs::create_dir_all(&bundle).unwrap();
    for e in std::fs::read_dir(hand_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, bundle.join(p.file_name().unwrap())).unwrap();
        }
    }
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("precious.csv"),
        "district_id,year,persons_15_64\n",
    )
    .unwrap();
    std::fs::copy(
        fixture("activity_timestamps.parquet"),
        outside.join("victim.parquet"),
    )
    .unwrap();
    bundle
}

/// Every entry under `dir` (symlinks not followed, pipes not read): kind, mode, contents.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (String, u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode();
            let ft = meta.file_type();
            let entry = if ft.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                (
                    "link".into(),
                    mode,
                    target.into_os_string().into_encoded_bytes(),
                )
            } else if ft.is_dir() {
                stack.push(p.clone());
                ("dir".into(), mode, Vec::new())
            } else if ft.is_file() {
                ("file".into(), mode, std::fs::read(&p).unwrap())
            } else {
                ("special".into(), mode, Vec::new())
            };
            out.insert(p, entry);
        }
    }
    out
}

struct Outcome {
    code: Option<i32>,
    output: String,
    elapsed: Duration,
}

/// Runs the binary with a time limit; a run that is still going after `LIMIT` is killed
/// and fails the test as a hang.
fn run(args: &[OsString], env: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hang: {args:?} ran longer than {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&std::fs::read(&out).unwrap()),
        String::from_utf8_lossy(&std::fs::read(&err).unwrap())
    );
    Outcome {
        code: status.code(),
        output,
        elapsed: start.elapsed(),
    }
}

/// What a case must end in.
#[derive(Clone, Copy)]
enum Class {
    /// A non-zero exit (1 or 2) with a message holding every needle.
    Error(&'static [&'static str]),
    /// Read on: any exit but a crash; the output holds every needle (the finding that says
    /// what was done) and none of `quiet` (e.g. no complaint about an ignored column).
    Handled(&'static [&'static str], &'static [&'static str]),
}

struct Case {
    name: &'static str,
    /// Builds the case under the root (bundle in `root/bundle`) and gives the arguments.
    build: fn(&Path, &Path) -> Vec<OsString>,
    env: &'static [(&'static str, &'static str)],
    class: Class,
    /// The command may write inside the bundle (imports); nothing else may change.
    writes_bundle: bool,
}

fn check_args(bundle: &Path) -> Vec<OsString> {
    vec!["check".into(), bundle.into()]
}

fn set_table_entry(bundle: &Path, table: &str, entry: &str) {
    let path = bundle.join("bundle.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = format!("{text}\n[tables]\n{table} = {entry:?}\n");
    std::fs::write(path, text).unwrap();
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

fn replace_with_parquet(bundle: &Path, table: &str, fixture_name: &str) {
    std::fs::remove_file(bundle.join(format!("{table}.csv"))).unwrap();
    std::fs::copy(
        fixture(fixture_name),
        bundle.join(format!("{table}.parquet")),
    )
    .unwrap();
}

/// A one-sheet workbook of the population table with one more value at (row, col).
fn population_workbook(path: &Path, rows: u32, stray: Option<(u32, u16)>) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["district_id", "year", "persons_15_64"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=rows {
        ws.write_string(r, 0, "08111").unwrap();
        ws.write_number(r, 1, 2016.0).unwrap();
        ws.write_string(r, 2, "padding text that inflates well ".repeat(4))
            .unwrap();
    }
    if let Some((r, c)) = stray {
        ws.write_string(r, c, "stray").unwrap();
    }
    wb.save(path).unwrap();
}

fn edit_manifest(bundle: &Path, from: &str, to: &str) {
    let p = bundle.join("bundle.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(p, text.replace(from, to)).unwrap();
}

/// Rewrites a CSV file as German Excel saves it: BOM, `;`, decimal commas, CRLF.
fn german(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::from("\u{feff}");
    for line in text.lines() {
        let fields: Vec<String> = line
            .split(',')
            .map(|f| {
                let decimal = f.contains('.') && f.parse::<f64>().is_ok();
                if decimal {
                    f.replace('.', ",")
                } else {
                    f.to_string()
                }
            })
            .collect();
        out += &fields.join(";");
        out += "\r\n";
    }
    std::fs::write(path, out).unwrap();
}

/// Rewrites a UTF-8 file (Latin-1 characters only) in Windows-1252.
fn cp1252(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    std::fs::write(path, bytes).unwrap();
}

fn import_args(bundle: &Path, files: &[PathBuf], extra: &[&str]) -> Vec<OsString> {
    let mut a: Vec<OsString> = vec!["import".into(), "activity".into()];
    a.extend(files.iter().map(|f| f.clone().into_os_string()));
    a.push("--into".into());
    a.push(bundle.into());
    a.extend(extra.iter().map(OsString::from));
    a
}

/// One key-figure workbook of two new rows (IM 9 of alliance Z9).
fn key_figures(path: &Path) {
    key_figures_for(path, "08111001");
}

fn key_figures_for(path: &Path, municipality: &str) {
    activity_workbook(path, "9", "Z9", municipality);
}

/// Two days of manager `manager` of `alliance` as a key-figure workbook.
fn activity_workbook(path: &Path, manager: &str, alliance: &str, municipality: &str) {
    let header = [
        "manager_id",
        "alliance_id",
        "municipality_id",
        "date",
        "talks_labour",
        "talks_language",
        "talks_education",
        "talks_housing",
        "talks_health",
        "talks_participation",
        "talks_children",
        "talks_other",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, day) in ["2019-10-01", "2019-10-02"].iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, manager).unwrap();
        ws.write_string(r, 1, alliance).unwrap();
        ws.write_string(r, 2, municipality).unwrap();
        ws.write_string(r, 3, *day).unwrap();
        for c in 4..12 {
            ws.write_number(r, c, 1.0).unwrap();
        }
    }
    wb.save(path).unwrap();
}

fn cases() -> Vec<Case> {
    vec![
        // 1. The bundle is a sandbox.
        Case {
            name: "[tables] path climbing out of the bundle",
            build: |_, b| {
                set_table_entry(b, "population", "../outside/precious.csv");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "lies outside the bundle", "precious.csv"]),
            writes_bundle: false,
        },
        Case {
            name: "[tables] absolute path /etc/passwd",
            build: |_, b| {
                set_table_entry(b, "population", "/etc/passwd");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "lies outside the bundle", "/etc/passwd"]),
            writes_bundle: false,
        },
        Case {
            name: "symlinked table leaving the bundle",
            build: |root, b| {
                std::fs::remove_file(b.join("population.csv")).unwrap();
                std::os::unix::fs::symlink(
                    root.join("outside/precious.csv"),
                    b.join("population.csv"),
                )
                .unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "lies outside the bundle"]),
            writes_bundle: false,
        },
        Case {
            name: "import --force into a [tables] path outside the bundle",
            build: |root, b| {
                set_table_entry(b, "activity", "../outside/victim.parquet");
                let wb = root.join("in.xlsx");
                key_figures(&wb);
                import_args(b, &[wb], &["--force"])
            },
            env: &[],
            class: Class::Error(&["activity", "outside the bundle"]),
            writes_bundle: true,
        },
        // 2. Bounded work.
        Case {
            name: "bundle.toml is a named pipe",
            build: |_, b| {
                std::fs::remove_file(b.join("bundle.toml")).unwrap();
                mkfifo(&b.join("bundle.toml"));
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["bundle.toml", "named pipe"]),
            writes_bundle: false,
        },
        Case {
            name: "bundle.toml is /dev/zero",
            build: |_, b| {
                std::fs::remove_file(b.join("bundle.toml")).unwrap();
                std::os::unix::fs::symlink("/dev/zero", b.join("bundle.toml")).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["bundle.toml", "a device"]),
            writes_bundle: false,
        },
        Case {
            name: "bundle.toml is /dev/urandom",
            build: |_, b| {
                std::fs::remove_file(b.join("bundle.toml")).unwrap();
                std::os::unix::fs::symlink("/dev/urandom", b.join("bundle.toml")).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["bundle.toml", "a device"]),
            writes_bundle: false,
        },
        Case {
            name: "bundle.toml over 1 MB",
            build: |_, b| {
                let p = b.join("bundle.toml");
                let mut text = std::fs::read_to_string(&p).unwrap();
                text += &format!("# {}\n", "x".repeat(2 << 20));
                std::fs::write(p, text).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["bundle.toml", "more than the limit of 1048576 bytes"]),
            writes_bundle: false,
        },
        Case {
            name: "table is a named pipe",
            build: |_, b| {
                std::fs::remove_file(b.join("population.csv")).unwrap();
                mkfifo(&b.join("population.csv"));
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "named pipe"]),
            writes_bundle: false,
        },
        Case {
            name: "table is a directory",
            build: |_, b| {
                std::fs::remove_file(b.join("population.csv")).unwrap();
                std::fs::create_dir(b.join("population.csv")).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "a directory"]),
            writes_bundle: false,
        },
        Case {
            name: "table over the configured size limit",
            build: |_, b| {
                let mut text = std::fs::read_to_string(b.join("population.csv")).unwrap();
                while text.len() < (2 << 20) {
                    text += "08111,2016,1000\n";
                }
                std::fs::write(b.join("population.csv"), text).unwrap();
                check_args(b)
            },
            env: &[("WIRKUNG_MAX_TABLE_MB", "1")],
            class: Class::Error(&["population", "WIRKUNG_MAX_TABLE_MB"]),
            writes_bundle: false,
        },
        Case {
            name: "newline-free 40 MB table",
            build: |_, b| {
                std::fs::write(b.join("population.csv"), "x".repeat(40 << 20)).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "no line break"]),
            writes_bundle: false,
        },
        Case {
            name: "a 200 kB cell is not echoed whole",
            build: |_, b| {
                let text = format!(
                    "district_id,year,persons_15_64\n08111,{},1\n",
                    "9x".repeat(100_000)
                );
                std::fs::write(b.join("population.csv"), text).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "column 'year'", "row 1", "bytes in all"]),
            writes_bundle: false,
        },
        Case {
            name: ".xlsx with one stray value in XFD1048576",
            build: |_, b| {
                std::fs::remove_file(b.join("population.csv")).unwrap();
                population_workbook(&b.join("population.xlsx"), 3, Some((1_048_575, 16_383)));
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "XFD1048576", "stray value"]),
            writes_bundle: false,
        },
        Case {
            name: ".xlsx inflating beyond the table limit",
            build: |_, b| {
                std::fs::remove_file(b.join("population.csv")).unwrap();
                population_workbook(&b.join("population.xlsx"), 20_000, None);
                check_args(b)
            },
            env: &[("WIRKUNG_MAX_TABLE_MB", "1")],
            class: Class::Error(&[
                "population",
                "inflates to more than",
                "WIRKUNG_MAX_TABLE_MB",
            ]),
            writes_bundle: false,
        },
        // 3. Panics become findings.
        Case {
            name: "undeclared extra Parquet columns of every type",
            build: |_, b| {
                replace_with_parquet(b, "activity", "activity_extra_types.parquet");
                check_args(b)
            },
            env: &[],
            class: Class::Handled(
                &["activity.parquet"],
                &[
                    "x_int8",
                    "x_int16",
                    "x_uint8",
                    "x_uint16",
                    "x_float16",
                    "x_struct",
                    "x_map",
                    "x_category",
                    "x_decimal",
                    "x_list",
                    "UNREADABLE",
                ],
            ),
            writes_bundle: false,
        },
        Case {
            name: "declared column stored as decimal128",
            build: |_, b| {
                replace_with_parquet(b, "population", "population_decimal128.parquet");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "persons_15_64", "decimal128(12, 0)"]),
            writes_bundle: false,
        },
        Case {
            name: "declared column stored as decimal256",
            build: |_, b| {
                replace_with_parquet(b, "population", "population_decimal256.parquet");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "persons_15_64", "decimal256(40, 0)"]),
            writes_bundle: false,
        },
        Case {
            name: "declared column stored as a map",
            build: |_, b| {
                replace_with_parquet(b, "population", "population_map.parquet");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "persons_15_64", "a map"]),
            writes_bundle: false,
        },
        Case {
            name: "declared column stored as int16",
            build: |_, b| {
                replace_with_parquet(b, "population", "population_int16.parquet");
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "persons_15_64", "int16"]),
            writes_bundle: false,
        },
        // 4. Safe import.
        Case {
            name: "import of a CSV file (nothing importable)",
            build: |_, b| import_args(b, &[b.join("population.csv")], &[]),
            env: &[],
            class: Class::Error(&["nothing could be imported", "population.csv"]),
            writes_bundle: false,
        },
        Case {
            name: "import of a missing path",
            build: |root, b| import_args(b, &[root.join("nowhere.xlsx")], &[]),
            env: &[],
            class: Class::Error(&["nothing could be imported", "nowhere.xlsx"]),
            writes_bundle: false,
        },
        Case {
            name: "import of a workbook missing a column",
            build: |root, b| {
                let wb = root.join("short.xlsx");
                population_workbook(&wb, 2, None);
                import_args(b, &[wb], &[])
            },
            env: &[],
            class: Class::Error(&["nothing could be imported", "short.xlsx", "talks_labour"]),
            writes_bundle: false,
        },
        Case {
            name: "import --dry-run writes nothing",
            build: |root, b| {
                let wb = root.join("in.xlsx");
                key_figures(&wb);
                import_args(b, &[wb], &["--dry-run"])
            },
            env: &[],
            class: Class::Handled(&["Dry run, nothing written", "12 rows"], &[]),
            writes_bundle: false,
        },
        // 5. Excel and German reality.
        Case {
            name: "German Excel CSV: ';', decimal comma, BOM, CRLF",
            build: |_, b| {
                german(&b.join("districts.csv"));
                check_args(b)
            },
            env: &[],
            class: Class::Handled(
                &[
                    "districts.csv: read as a German spreadsheet export",
                    "decimal commas",
                ],
                &["decimal comma?", "UNREADABLE"],
            ),
            writes_bundle: false,
        },
        Case {
            name: "CSV in Windows-1252",
            build: |_, b| {
                cp1252(&b.join("municipalities.csv"));
                check_args(b)
            },
            env: &[],
            class: Class::Handled(&["municipalities.csv", "Windows-1252"], &["UNREADABLE"]),
            writes_bundle: false,
        },
        Case {
            name: "district ids whose leading zero Excel dropped",
            build: |_, b| {
                let p = b.join("employment.csv");
                let text = std::fs::read_to_string(&p).unwrap().replace("\n08", "\n8");
                std::fs::write(p, text).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Handled(
                &[
                    "employment, column 'district_id'",
                    "lost their leading zero",
                    "8111 → 08111",
                ],
                &["points nowhere"],
            ),
            writes_bundle: false,
        },
        // 8. Plausibility.
        Case {
            name: "early_cutoff after every start date",
            build: |_, b| {
                edit_manifest(
                    b,
                    "early_cutoff        = \"2018-02-15\"",
                    "early_cutoff = \"2099-01-01\"",
                );
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["early_cutoff 2099-01-01", "no late group"]),
            writes_bundle: false,
        },
        Case {
            name: "topics_until before any activity",
            build: |_, b| {
                edit_manifest(
                    b,
                    "topics_until    = \"2019-06-30\"",
                    "topics_until = \"1900-01-01\"",
                );
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["topics_until 1900-01-01", "before the first activity day"]),
            writes_bundle: false,
        },
        Case {
            name: "a control of 1e308",
            build: |_, b| {
                let p = b.join("districts.csv");
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("true,600000,1.2,50.0", "true,600000,1.2,1e308");
                std::fs::write(p, text).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["districts, column 'gdp_per_capita_2017', row 1", "1e308"]),
            writes_bundle: false,
        },
        Case {
            name: "a header naming one column twice",
            build: |_, b| {
                let p = b.join("population.csv");
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("district_id,year,persons_15_64", "district_id,year,year");
                std::fs::write(p, text).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["population", "'year' appears twice"]),
            writes_bundle: false,
        },
        Case {
            name: "header-only employment table",
            build: |_, b| {
                std::fs::write(
                    b.join("employment.csv"),
                    "district_id,month,employed_total,employed_sv\n",
                )
                .unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["employment", "header but no data rows"]),
            writes_bundle: false,
        },
        Case {
            name: "import of municipality ids Excel turned into numbers",
            build: |root, b| {
                let wb = root.join("in.xlsx");
                key_figures_for(&wb, "8111001");
                import_args(b, &[wb], &[])
            },
            env: &[],
            class: Class::Handled(&["lost their leading zero", "8111001 → 08111001"], &[]),
            writes_bundle: true,
        },
        Case {
            name: "import of a manager id Excel turned into a number",
            build: |root, b| {
                // The delivered table writes IM 1 of alliance A1 as "01"; the workbook's "1".
                let p = b.join("activity.csv");
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("\n1,A1,", "\n01,A1,");
                std::fs::write(p, text).unwrap();
                let wb = root.join("in.xlsx");
                activity_workbook(&wb, "1", "A1", "08111001");
                import_args(b, &[wb], &[])
            },
            env: &[],
            class: Class::Handled(&["lost their leading zero", "manager_id 1 → 01"], &[]),
            writes_bundle: true,
        },
        Case {
            name: "import of a manager id that could be two of its alliance's",
            build: |root, b| {
                // Alliance A1 has IMs "01" and "001": the workbook's "1" could be either.
                let p = b.join("activity.csv");
                let text = std::fs::read_to_string(&p).unwrap();
                let mut seen = 0;
                let lines: Vec<String> = text
                    .lines()
                    .map(|l| match l.strip_prefix("1,A1,") {
                        Some(rest) => {
                            seen += 1;
                            let id = if seen == 1 { "01" } else { "001" };
                            format!("{id},A1,{rest}")
                        }
                        None => l.to_string(),
                    })
                    .collect();
                std::fs::write(p, lines.join("\n") + "\n").unwrap();
                let wb = root.join("in.xlsx");
                activity_workbook(&wb, "1", "A1", "08111001");
                import_args(b, &[wb], &[])
            },
            env: &[],
            class: Class::Error(&["manager_id 1", "001, 01", "nothing was written"]),
            writes_bundle: false,
        },
        // 6. Text from data is data.
        Case {
            name: "ESC sequences in the bundle name and in a cell",
            build: |_, b| {
                let p = b.join("bundle.toml");
                let text = std::fs::read_to_string(&p).unwrap().replace(
                    "name = \"Hand-worked test bundle\"",
                    "name = \"Hand\\u001b[2J\\u001b]0;pwned\\u0007\"",
                );
                std::fs::write(p, text).unwrap();
                let csv = "district_id,year,persons_15_64\n08111,\u{1b}[31m2016,1000\n";
                std::fs::write(b.join("population.csv"), csv).unwrap();
                check_args(b)
            },
            env: &[],
            class: Class::Error(&["\\u{1b}[2J", "column 'year'"]),
            writes_bundle: false,
        },
    ]
}

#[test]
fn every_hostile_case_ends_in_its_class_without_crash_hang_or_stray_write() {
    let mut failures = Vec::new();
    let (mut errors, mut handled) = (0, 0);
    for case in cases() {
        let root = tempfile::tempdir().unwrap();
        let bundle = setup(root.path());
        let args = (case.build)(root.path(), &bundle);
        let before = tree(root.path());
        let o = run(&args, case.env);
        let after = tree(root.path());
        let mut problems = Vec::new();
        if o.code == Some(101) || o.output.contains("panicked") {
            problems.push("panicked".to_string());
        }
        if o.code.is_none() {
            problems.push("killed by a signal".to_string());
        }
        if o.output.contains('\u{1b}') {
            problems.push("a raw ESC reached the output".to_string());
        }
        // No message may copy a whole huge line or cell.
        if o.output.len() > 64 << 10 {
            problems.push(format!("{} bytes of output", o.output.len()));
        }
        let (needles, quiet): (&[&str], &[&str]) = match case.class {
            Class::Error(n) => {
                if !matches!(o.code, Some(1) | Some(2)) {
                    problems.push(format!("exit {:?}, expected 1 or 2", o.code));
                }
                errors += 1;
                (n, &[])
            }
            Class::Handled(n, q) => {
                handled += 1;
                (n, q)
            }
        };
        for n in needles {
            if !o.output.contains(n) {
                problems.push(format!("output lacks {n:?}"));
            }
        }
        for q in quiet {
            if o.output.contains(q) {
                problems.push(format!("output has {q:?}"));
            }
        }
        for (path, entry) in &after {
            let allowed = case.writes_bundle && path.starts_with(&bundle);
            if before.get(path) != Some(entry) && !allowed {
                problems.push(format!("{} changed or appeared", path.display()));
            }
        }
        for path in before.keys() {
            let allowed = case.writes_bundle && path.starts_with(&bundle);
            if !after.contains_key(path) && !allowed {
                problems.push(format!("{} disappeared", path.display()));
            }
        }
        if !problems.is_empty() {
            let head: String = o.output.chars().take(1500).collect();
            failures.push(format!(
                "{}: {} ({:.1} s)\n{head}",
                case.name,
                problems.join("; "),
                o.elapsed.as_secs_f64()
            ));
        }
    }
    println!("hostile cases: {errors} clear errors, {handled} handled with a finding");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check_json(bundle: &Path) -> serde_json::Value {
    let o = run(
        &[
            "check".into(),
            bundle.into(),
            "--format".into(),
            "json".into(),
        ],
        &[],
    );
    assert_ne!(o.code, Some(101));
    let json = o
        .output
        .lines()
        .take_while(|l| !l.starts_with("error"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {}", o.output))
}

#[test]
fn check_json_lists_every_finding_while_text_stays_short() {
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    let mut text = String::from("district_id,year,persons_15_64\n");
    for _ in 0..45 {
        text += "08111,not-a-year,1000\n";
    }
    std::fs::write(bundle.join("population.csv"), text).unwrap();
    let json = check_json(&bundle);
    let year_errors = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["table"] == "population" && f["column"] == "year" && f["row"].is_number())
        .count();
    assert_eq!(year_errors, 45);
    assert!(
        !json["errors"]
            .to_string()
            .contains("more findings of this kind"),
        "no summary in JSON"
    );
    let o = run(&check_args(&bundle), &[]);
    assert!(
        o.output.contains("25 more findings of this kind"),
        "{}",
        o.output
    );
}

#[test]
fn import_keeps_every_row_column_type_and_mode_and_a_backup() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    // pandas' way: dates as timestamps, plus a column the format does not know.
    replace_with_parquet(&bundle, "activity", "activity_timestamps.parquet");
    let target = bundle.join("activity.parquet");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let original = std::fs::read(&target).unwrap();
    let wb = root.path().join("in.xlsx");
    key_figures(&wb);
    let o = run(
        &import_args(&bundle, std::slice::from_ref(&wb), &["--force"]),
        &[],
    );
    assert_eq!(o.code, Some(0), "{}", o.output);
    let (before, _) = wirkung::core::bundle::read_table_file_with_skipped(&fixture(
        "activity_timestamps.parquet",
    ))
    .unwrap();
    let after = wirkung::core::bundle::read_table_file(&target).unwrap();
    assert_eq!(after.height(), before.height() + 2);
    assert_eq!(after.width(), before.width());
    assert_eq!(after.schema(), before.schema(), "column types kept");
    assert!(after.column("comment").is_ok());
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let backup = bundle.join("activity.parquet.before-import");
    assert_eq!(std::fs::read(&backup).unwrap(), original);
    // The loader reads the new rows' dates like the delivered ones.
    let b = wirkung::core::bundle::load(&bundle).unwrap();
    assert!(
        b.activity
            .iter()
            .any(|a| a.date.to_string() == "2019-10-02")
    );
    assert!(
        b.activity
            .iter()
            .any(|a| a.date.to_string() == "2019-03-01")
    );

    // A stale temporary file of a killed import is removed by the next one.
    let stale = bundle.join(".wirkung-import-killed.tmp");
    std::fs::write(&stale, b"half a table").unwrap();
    let o = run(&import_args(&bundle, &[wb], &["--force"]), &[]);
    assert_eq!(o.code, Some(0), "{}", o.output);
    assert!(!stale.exists());
    // The backup is now the table of the first import.
    assert_ne!(std::fs::read(&backup).unwrap(), original);
}

#[test]
fn a_second_import_while_one_holds_the_lock_fails_clearly_and_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    let wb = root.path().join("in.xlsx");
    key_figures(&wb);
    let lock = std::fs::File::open(&bundle).unwrap();
    lock.lock().unwrap();
    let before = tree(root.path());
    let o = run(&import_args(&bundle, &[wb], &[]), &[]);
    assert_eq!(o.code, Some(1), "{}", o.output);
    assert!(o.output.contains("another import"), "{}", o.output);
    assert_eq!(tree(root.path()), before);
}

#[test]
fn import_into_a_read_only_bundle_fails_and_modifies_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    let wb = root.path().join("in.xlsx");
    key_figures(&wb);
    std::fs::set_permissions(&bundle, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions; then there is no read-only directory to test with.
    let probe = bundle.join(".probe");
    if std::fs::write(&probe, b"").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        std::fs::set_permissions(&bundle, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    let before = tree(root.path());
    let o = run(&import_args(&bundle, &[wb], &[]), &[]);
    std::fs::set_permissions(&bundle, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.code, Some(1), "{}", o.output);
    assert!(o.output.contains("cannot"), "{}", o.output);
    std::fs::set_permissions(&bundle, std::fs::Permissions::from_mode(0o555)).unwrap();
    assert_eq!(tree(root.path()), before);
    std::fs::set_permissions(&bundle, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn german_and_windows_1252_exports_read_like_the_original() {
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    let original = wirkung::core::bundle::load(&bundle).unwrap();
    german(&bundle.join("districts.csv"));
    german(&bundle.join("staffing.csv"));
    cp1252(&bundle.join("municipalities.csv"));
    let b = wirkung::core::bundle::load(&bundle).unwrap();
    assert_eq!(b.districts, original.districts);
    assert_eq!(b.staffing, original.staffing);
    assert_eq!(b.municipalities, original.municipalities);
    assert!(b.municipalities.iter().any(|m| m.name == "A-Süd"));
    let notes = b
        .findings
        .warnings()
        .filter(|f| f.message.contains("German spreadsheet export"))
        .count();
    assert_eq!(notes, 3, "{:?}", b.findings);
}

#[test]
fn ids_that_lost_their_zero_join_like_the_original() {
    let root = tempfile::tempdir().unwrap();
    let bundle = setup(root.path());
    let original = wirkung::core::bundle::load(&bundle).unwrap();
    for table in ["employment.csv", "grants.csv"] {
        let p = bundle.join(table);
        let text = std::fs::read_to_string(&p).unwrap().replace(",08", ",8");
        let text = text.replace("\n08", "\n8");
        std::fs::write(p, text).unwrap();
    }
    let b = wirkung::core::bundle::load(&bundle).unwrap();
    assert_eq!(b.employment, original.employment);
    assert_eq!(b.grants, original.grants);
    assert_eq!(
        b.findings.errors().count(),
        original.findings.errors().count(),
        "{:?}",
        b.findings
    );
}

#[test]
fn bundle_text_in_exports_is_escaped_for_svg_markdown_and_csv() {
    let root = tempfile::tempdir().unwrap();
    let bundle = root.path().join("sample");
    std::fs::create_dir(&bundle).unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    for e in std::fs::read_dir(&sample).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, bundle.join(p.file_name().unwrap())).unwrap();
    }
    edit_manifest(
        &bundle,
        "name = \"Integration management, Baden-Württemberg (synthetic sample)\"",
        "name = \"A<b>&\\\"c\\\"|d\\u0007\\u001b[2J\"",
    );
    let out = root.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    let cases = [
        ("trends", "svg", "x.svg"),
        ("estimate", "md", "x.md"),
        ("estimate", "csv", "x.csv"),
    ];
    for (page, format, file) in cases {
        let path = out.join(file);
        let o = run(
            &[
                "export".into(),
                bundle.clone().into(),
                "--page".into(),
                page.into(),
                "--comparison".into(),
                "early-start".into(),
                "--format".into(),
                format.into(),
                "--out".into(),
                path.clone().into(),
            ],
            &[],
        );
        assert_eq!(o.code, Some(0), "{format}: {}", o.output);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text}"
        );
        match format {
            "svg" => {
                roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            }
            // No table row may be split by the name's `|` (the caption is a paragraph).
            "md" => assert!(
                text.lines()
                    .filter(|l| l.starts_with('|'))
                    .all(|l| !l.contains("c\"|d")),
                "{text}"
            ),
            _ => {}
        }
    }
}
