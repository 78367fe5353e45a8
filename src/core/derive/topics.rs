//! Talks by topic from the IM key figures (Abb. 34/35; comparisons 5 and housing talks).

use super::Measures;
use crate::core::bundle::{Bundle, Topic};

/// Share (0–1) of talks on `topic` among all eight topics, per district, over activity dated
/// on or before `topics_until`.
pub fn district_topic_shares(bundle: &Bundle, topic: Topic) -> Measures {
    let _ = (bundle, topic);
    unimplemented!("district_topic_shares")
}

/// Talks per topic over all activity, indexed like `Topic::ALL` (Abb. 34).
pub fn topic_totals(bundle: &Bundle) -> [i64; 8] {
    let _ = bundle;
    unimplemented!("topic_totals")
}

/// Share (0–1) of each topic per calendar quarter, `(year, quarter, shares)` in time order
/// (Abb. 35).
pub fn quarterly_topic_shares(bundle: &Bundle) -> Vec<(i32, u32, [f64; 8])> {
    let _ = bundle;
    unimplemented!("quarterly_topic_shares")
}
