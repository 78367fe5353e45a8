//! The command line and the files it reads and writes: `check`, `derive`, the outputs,
//! `diff`, `import` and the exports.
//!
//! One test binary for these modules (each was its own file under tests/ before): every
//! integration-test binary links the library and polars, so fewer binaries link faster.

#[path = "../common/mod.rs"]
mod common;

mod check_bad;
mod check_cli;
mod check_identity;
mod cli_derive;
mod cli_district;
mod cli_district_office;
mod cli_errors;
mod cli_exhibit;
mod cli_numbering;
mod cli_outputs;
mod cli_power;
mod diff_bundles;
mod export_charts;
mod export_latex;
mod export_map;
mod export_pages;
mod export_robustness;
mod export_xlsx;
mod hostile_inputs;
mod import_activity;
mod import_identity;
