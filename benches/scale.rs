//! `cargo bench --bench scale [-- --factors 1,10,30,100 --anchor-max 30 --csv]`: the scale
//! benchmark of `wirkung check` (README "Memory and scale"). Peak resident memory is a
//! property of a whole process, which criterion does not measure, so the benchmark is
//! `scripts/scale_bench.py` (it builds the scaled copies with pyarrow and runs the polars
//! anchor beside each); this target builds the release binary it times and runs it.

use std::path::Path;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo bench` passes `--bench` to every target; the script's own options pass through.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let build = Command::new(env!("CARGO"))
        .args(["build", "--release", "--bin", "wirkung"])
        .current_dir(root)
        .status();
    if !matches!(build, Ok(s) if s.success()) {
        eprintln!("scale: `cargo build --release --bin wirkung` failed");
        return ExitCode::FAILURE;
    }
    match Command::new("python3")
        .arg(root.join("scripts/scale_bench.py"))
        .args(&args)
        .current_dir(root)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("scale: cannot run python3 scripts/scale_bench.py: {e}");
            ExitCode::FAILURE
        }
    }
}
