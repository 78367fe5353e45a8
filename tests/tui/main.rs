//! The dashboard: snapshots, updates, redraws, exports and a session in tmux.
//!
//! One test binary for these modules (each was its own file under tests/ before): every
//! integration-test binary links the library and polars, so fewer binaries link faster.

#[path = "../common/mod.rs"]
mod common;

#[path = "../common_tui/mod.rs"]
mod common_tui;

mod tui_audience;
mod tui_bad_bundles;
mod tui_compare;
mod tui_district;
mod tui_district_office;
mod tui_event_time;
mod tui_export;
mod tui_export_worker;
mod tui_implementation;
mod tui_map;
mod tui_mouse;
mod tui_redraw;
mod tui_robustness;
mod tui_signals;
mod tui_snapshots;
mod tui_themes;
mod tui_tmux;
mod tui_update;
