//! `wirkung NEW --compare OLD`: what changed since the last delivery, on the Overview (`x`).
//! The comparison is `core::diff`, the same as `wirkung diff OLD NEW`; the dashboard only
//! keeps its text lines to scroll through.

use crate::core::bundle::Bundle;
use crate::core::diff;

/// The lines of `wirkung diff OLD NEW` for the two bundles.
pub fn changes(old: &Bundle, new: &Bundle) -> Vec<String> {
    lines(&diff::diff(old, new))
}

/// The lines in report order and with the estimates that moved most first (`s`).
pub fn changes_both_orders(old: &Bundle, new: &Bundle) -> (Vec<String>, Vec<String>) {
    let d = diff::diff(old, new);
    (lines(&d), lines(&diff::by_size(&d)))
}

fn lines(d: &diff::BundleDiff) -> Vec<String> {
    diff::diff_text(d).lines().map(str::to_string).collect()
}
