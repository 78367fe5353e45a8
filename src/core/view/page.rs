//! The dashboard's pages, which are also what `wirkung export --page` names.

use strum::VariantArray;
use strum_macros::{Display, IntoStaticStr};

/// The pages, in tab order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Display,
    IntoStaticStr,
    strum_macros::VariantArray,
    clap::ValueEnum,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Page {
    Overview,
    StartTimes,
    Staffing,
    Topics,
    Trends,
    Estimate,
    Robustness,
    Implementation,
}

impl Page {
    /// Every page, in tab order.
    pub const ALL: &'static [Page] = Page::VARIANTS;

    /// The page's name on the command line and in file names (`start-times`).
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// The page's title on its tab.
    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::StartTimes => "Start times",
            Page::Staffing => "Staffing",
            Page::Topics => "Topics",
            Page::Trends => "Trends",
            Page::Estimate => "Estimate",
            Page::Robustness => "Robustness",
            Page::Implementation => "Implementation",
        }
    }

    /// Position in tab order (0 for Overview).
    pub fn index(self) -> usize {
        Page::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The page `by` tabs further, wrapping around.
    pub fn offset(self, by: isize) -> Page {
        let n = Page::ALL.len() as isize;
        Page::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}
