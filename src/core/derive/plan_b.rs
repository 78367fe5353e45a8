//! Share of IMs using plan B often or very often (report 5, comparison 4).

use super::Measures;
use crate::core::bundle::{Bundle, Level};

/// Plan-B share (0–1) per district or municipality; units without an answer are excluded.
pub fn plan_b_shares(bundle: &Bundle, level: Level) -> Measures {
    let _ = (bundle, level);
    unimplemented!("plan_b_shares")
}
