//! What is shown, once for every front-end: the dashboard's widgets, the export writers and
//! the CLI's printers render these values and compute nothing themselves.
//!
//! One file per page: `overview`, `start_times`, `staffing`, `topics`, `trends` each hold one
//! typed model built from the bundle and the choices; the Estimate page's model is
//! `core::report::EstimateReport`, the Robustness page's `robust::CheckView`.

pub mod district;
pub mod event_time;
pub mod format;
pub mod implementation;
pub mod map;
pub mod overview;
pub mod page;
pub mod ranking;
pub mod robust;
pub mod robust_staggered;
pub mod staffing;
pub mod start_times;
pub mod table;
pub mod topics;
pub mod trends;

pub use page::Page;

use crate::core::derive::DeriveError;
use crate::core::estimate::EstimateError;

/// Why a column of the Estimate page (or the Overview's simple DiD) has nothing to show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Derive(#[from] DeriveError),
    #[error("{0}")]
    Estimate(#[from] EstimateError),
    /// Column (2) with every control switched off would repeat column (1).
    #[error("every control is switched off")]
    NoControls,
}
