//! The sample travels with the binary (issue "In front of an audience", point 8): the files
//! compiled in are exactly `sample-data/bw-integration/`, and a binary copied to an empty
//! directory, far from the source tree, writes and opens them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wirkung::core::sample;

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration")
}

#[test]
fn the_embedded_files_are_the_sample_directory() {
    let mut on_disk: Vec<String> = std::fs::read_dir(sample_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = sample::FILES.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
    for (name, bytes) in sample::FILES {
        assert_eq!(
            *bytes,
            std::fs::read(sample_dir().join(name)).unwrap().as_slice(),
            "{name}"
        );
    }
    let total: usize = sample::FILES.iter().map(|(_, b)| b.len()).sum();
    assert!(total < 2_000_000, "{total} bytes");
}

/// The binary, copied into `dir`, run there with an empty home.
fn run_copy(dir: &Path, args: &[&str]) -> Output {
    Command::new(dir.join("wirkung"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .output()
        .unwrap()
}

fn estimate_json(output: Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_copied_binary_writes_the_sample_and_estimates_on_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_wirkung"), dir.path().join("wirkung")).unwrap();
    let out = run_copy(dir.path(), &["sample", "--out", "my-sample"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("wirkung my-sample"));
    for (name, bytes) in sample::FILES {
        assert_eq!(
            std::fs::read(dir.path().join("my-sample").join(name)).unwrap(),
            *bytes,
            "{name}"
        );
    }
    let args = |bundle: &str| -> Vec<String> {
        [
            "estimate",
            bundle,
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec()
    };
    let copied = estimate_json(run_copy(
        dir.path(),
        &args("my-sample")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    ));
    let source = estimate_json(
        Command::new(env!("CARGO_BIN_EXE_wirkung"))
            .args(args(sample_dir().to_str().unwrap()))
            .output()
            .unwrap(),
    );
    assert_eq!(copied, source);

    // A second write into the same place refuses and leaves the files alone.
    std::fs::write(
        dir.path().join("my-sample/bundle.toml"),
        "edited by the user",
    )
    .unwrap();
    let again = run_copy(dir.path(), &["sample", "--out", "my-sample"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("my-sample/bundle.toml")).unwrap(),
        "edited by the user"
    );
}
