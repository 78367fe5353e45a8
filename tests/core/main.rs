//! The library core: estimation, derived panels and measures, loading, .xlsx tables and
//! the robustness checks, against hand-worked and independently computed references.
//!
//! One test binary for these modules (each was its own file under tests/ before): every
//! integration-test binary links the library and polars, so fewer binaries link faster.

#[path = "../common/mod.rs"]
mod common;

mod derive_hand_measures;
mod derive_hand_panels;
mod derive_organisation;
mod derive_reference;
mod derive_report;
mod derive_rules;
mod estimate_cr1;
mod estimate_did;
mod estimate_nist;
mod estimate_properties;
mod estimate_reference;
mod estimate_t_tail;
mod estimate_wls;
mod load_fuzz;
mod load_labels;
mod load_large;
mod load_parquet;
mod load_valid;
mod power;
mod robust_bacon_sdid;
mod robust_cli;
mod robust_district_office;
mod robust_event_time;
mod robust_honest_did;
mod robust_honest_inference;
mod robust_reference;
mod robust_ri;
mod robust_sample;
mod robust_sample_reference;
mod robust_spillover;
mod table_files;
mod view_district;
mod view_exhibits;
mod view_map;
mod view_pages;
mod xlsx_tables;
