//! wirkung: difference-in-differences for programme evaluators.
//!
//! `core` holds the model (bundle loading, derived panels, estimation, reports) and has no
//! terminal code; `cli` prints what `core` computes; `tui` arranges it on screen.

pub mod cli;
pub mod core;
pub mod tui;
