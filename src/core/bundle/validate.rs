//! Cross-table validation: keys, foreign keys, impossible values, periods.
use super::Bundle;

pub(super) fn validate(_bundle: &mut Bundle) {}
