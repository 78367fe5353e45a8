//! Fuzzing the readers for a bounded time (proptest, a fixed number of cases each): any
//! bytes as a CSV table, any text as bundle.toml, any damage to a workbook give a result
//! or an error, never a panic.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use wirkung::core::bundle;

fn hand_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(crate::common::hand_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn workbook_bytes() -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsx/kennzahlen-A1-1.xlsx");
    std::fs::read(path).unwrap()
}

/// Bytes that look like CSV often enough to reach the parser's corners: separators,
/// quotes, line breaks, a BOM, digits and letters.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(b"district_id,year,persons_15_64\n".to_vec()),
        Just(b"08111".to_vec()),
        Just(b"2016".to_vec()),
        Just(b"1,5".to_vec()),
        Just(b"\xe4\xff".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn load_never_panics(dir: &Path) {
    // Ok or a BundleError: both are answers; only a panic fails.
    let _ = bundle::load(dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_csv_table_is_read_or_refused(bytes in csv_bytes()) {
        let dir = hand_copy();
        std::fs::write(dir.path().join("population.csv"), &bytes).unwrap();
        load_never_panics(dir.path());
    }

    #[test]
    fn any_manifest_text_is_read_or_refused(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("[bundle]".to_string()),
                Just("format = 1".to_string()),
                Just("name = \"x\"".to_string()),
                Just("[periods]".to_string()),
                Just("employment_base = \"2017-12\"".to_string()),
                Just("[tables]".to_string()),
                Just("population = \"../x.csv\"".to_string()),
                Just("activity = \"activity.xlsx#\"".to_string()),
                Just("[rules]".to_string()),
                Just("early_cutoff = 2099-01-01".to_string()),
                "[ -~]{0,30}",
            ],
            0..25,
        ),
        keep_original in any::<bool>(),
    ) {
        let dir = hand_copy();
        let path = dir.path().join("bundle.toml");
        let mut text = if keep_original { std::fs::read_to_string(&path).unwrap() } else { String::new() };
        text += &lines.join("\n");
        std::fs::write(&path, text).unwrap();
        load_never_panics(dir.path());
    }

    #[test]
    fn any_damaged_workbook_is_read_or_refused(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = workbook_bytes();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let _ = bundle::read_table_file(&path);
    }
}
