//! Page 4, Topics: what the IMs talked about. Share of talks by topic (Abb. 34), quarterly
//! topic shares (Abb. 35), and districts ranked by their share of labour-market or housing
//! talks, split at the median (comparison 5 and housing talks).

use crate::core::bundle::{Bundle, Topic};
use crate::core::derive::{Comparison, staffing, topics};
use crate::core::view::format;
use crate::core::view::ranking::{MeasureFormat, Ranking};
use crate::core::view::table::{Cell, TableData};

/// One topic of Abb. 34.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRow {
    pub topic: Topic,
    pub label: &'static str,
    pub talks: i64,
    /// Share of all talks, 0–1.
    pub share: f64,
    /// The same share in percent (tables and charts).
    pub percent: f64,
    /// `23.4%`.
    pub share_text: String,
    /// Topics the report's comparisons rank districts by (labour market, housing).
    pub ranked: bool,
}

/// One quarter of Abb. 35.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterShares {
    /// `2018Q1`.
    pub label: String,
    /// Percent of the quarter's talks per topic, indexed like `Topic::ALL`.
    pub percent: [f64; 8],
}

/// What the Topics page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicsView {
    /// `Talks by topic (Abb. 34), N = 123,456`.
    pub heading: String,
    /// `Talks by topic, % of all talks`.
    pub title: &'static str,
    pub total_talks: i64,
    /// Indexed like `Topic::ALL`.
    pub topics: Vec<TopicRow>,
    pub quarterly_heading: &'static str,
    /// Quarters with any talk, in time order.
    pub quarters: Vec<QuarterShares>,
    pub labour: Ranking,
    pub housing: Ranking,
}

impl TopicsView {
    /// The page; it depends on the bundle alone.
    pub fn build(bundle: &Bundle) -> TopicsView {
        let totals = topics::topic_totals(bundle);
        let all: i64 = totals.iter().sum();
        let topics = Topic::ALL
            .iter()
            .zip(totals)
            .map(|(t, talks)| {
                let (share, percent) = if all > 0 {
                    (talks as f64 / all as f64, talks as f64 * 100.0 / all as f64)
                } else {
                    (0.0, 0.0)
                };
                TopicRow {
                    topic: *t,
                    label: t.label(),
                    talks,
                    share,
                    percent,
                    share_text: format::share_percent(share),
                    ranked: matches!(t, Topic::Labour | Topic::Housing),
                }
            })
            .collect();
        let quarters = topics::quarterly_topic_shares(bundle)
            .into_iter()
            .map(|(year, quarter, shares)| QuarterShares {
                label: format!("{year}Q{quarter}"),
                percent: shares.map(|s| s * 100.0),
            })
            .collect();
        let ranking = |topic: Topic, comparison: Comparison, what: &str| {
            Ranking::new(
                staffing::median_split(topics::district_topic_shares(bundle, topic)),
                comparison,
                format!("{what} talk share"),
                format!("Districts by share of {} talks", what.to_lowercase()),
                "share_pct",
                None,
                MeasureFormat::SharePercent,
            )
        };
        TopicsView {
            heading: format!(
                "Talks by topic (Abb. 34), N = {}",
                format::count(usize::try_from(all).unwrap_or(0))
            ),
            title: "Talks by topic, % of all talks",
            total_talks: all,
            topics,
            quarterly_heading: "Topic shares by quarter, % (Abb. 35)",
            quarters,
            labour: ranking(Topic::Labour, Comparison::LabourTalks, "Labour-market"),
            housing: ranking(Topic::Housing, Comparison::HousingTalks, "Housing"),
        }
    }

    /// Talks and share (percent, one decimal) per topic (the exported table).
    pub fn table(&self) -> TableData {
        TableData {
            title: self.title.to_string(),
            header: vec!["topic".into(), "talks".into(), "share_pct".into()],
            rows: self
                .topics
                .iter()
                .map(|t| {
                    vec![
                        Cell::text(t.label),
                        Cell::int(t.talks),
                        Cell::num(t.percent),
                    ]
                })
                .collect(),
        }
    }
}
