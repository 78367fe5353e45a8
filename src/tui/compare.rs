//! `wirkung NEW --compare OLD`: what changed since the last delivery, on the Overview (`x`).
//! The comparison is `core::diff`, the same as `wirkung diff OLD NEW`; the dashboard only
//! keeps its text lines to scroll through.

use crate::core::bundle::Bundle;
use crate::core::diff;

/// The lines of `wirkung diff OLD NEW` for the two bundles.
pub fn changes(old: &Bundle, new: &Bundle) -> Vec<String> {
    diff::diff_text(&diff::diff(old, new))
        .lines()
        .map(str::to_string)
        .collect()
}
