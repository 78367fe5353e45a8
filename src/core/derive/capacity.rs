//! Change in counselling capacity (report 5, comparison 3).

use super::Measures;
use crate::core::bundle::Bundle;

/// FTE change per 100 target persons, per district (excluded when a funded municipality
/// lacks `fte_before`).
pub fn district_capacity_change(bundle: &Bundle) -> Measures {
    let _ = bundle;
    unimplemented!("district_capacity_change")
}

/// `fte_after − fte_before` per funded municipality reporting both.
pub fn municipality_capacity_change(bundle: &Bundle) -> Measures {
    let _ = bundle;
    unimplemented!("municipality_capacity_change")
}
