//! What the programme pages (start times, staffing, topics) show that depends on the bundle
//! alone: computed once when a bundle is opened, read by the dashboard's pages.

use crate::core::bundle::{Bundle, Topic};
use crate::core::derive::staffing::{self, Bin, CapacitySplit, StaffingTable};
use crate::core::derive::{start, topics};
use crate::core::period::Month;
use std::collections::BTreeMap;

/// Quantities that depend on the bundle alone, computed once when it is opened.
#[derive(Debug, Clone)]
pub struct BundleFacts {
    pub municipality_start_months: BTreeMap<String, Month>,
    pub staffing: StaffingTable,
    /// Abb. 6 bins of the FTE change per municipality, and how many municipalities it counts.
    pub fte_change_bins: Vec<Bin>,
    pub fte_change_n: usize,
    /// Abb. 43.
    pub capacity: CapacitySplit,
    /// Abb. 34, indexed like `Topic::ALL`.
    pub topic_totals: [i64; 8],
    /// Abb. 35.
    pub quarterly_topics: Vec<(i32, u32, [f64; 8])>,
    /// District shares of labour-market and housing talks with their median splits.
    pub labour_talks: CapacitySplit,
    pub housing_talks: CapacitySplit,
}

/// Abb. 6 bins: 0.25 FTE wide from −1 to +3 FTE; the outer bins hold everything beyond.
const FTE_BINS: (f64, f64, f64) = (-1.0, 3.0, 0.25);

impl BundleFacts {
    pub fn compute(bundle: &Bundle) -> BundleFacts {
        let rules = &bundle.manifest.rules;
        let fte = staffing::fte_change_per_municipality(bundle);
        let fte_values: Vec<f64> = fte.values.iter().map(|v| v.value).collect();
        BundleFacts {
            municipality_start_months: start::municipality_start_months(bundle, rules),
            staffing: staffing::staffing_table(bundle),
            fte_change_bins: staffing::histogram(&fte_values, FTE_BINS.0, FTE_BINS.1, FTE_BINS.2),
            fte_change_n: fte_values.len(),
            capacity: staffing::district_capacity_split(bundle),
            topic_totals: topics::topic_totals(bundle),
            quarterly_topics: topics::quarterly_topic_shares(bundle),
            labour_talks: staffing::median_split(topics::district_topic_shares(
                bundle,
                Topic::Labour,
            )),
            housing_talks: staffing::median_split(topics::district_topic_shares(
                bundle,
                Topic::Housing,
            )),
        }
    }
}
