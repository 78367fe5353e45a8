//! The model: everything the CLI prints and the dashboard shows is computed here.
//! No ratatui or crossterm import anywhere below this module.

pub mod bundle;
pub mod choices;
pub mod derive;
pub mod diff;
pub mod estimate;
pub mod exhibit;
pub mod export;
pub mod import;
pub mod period;
pub mod report;
pub mod robust;
pub mod sample;
pub mod view;
