//! Charts for slides: the model every page's export fills (`Chart`), written as SVG by
//! `chart_svg` and rendered from that SVG to PNG and PDF by `raster`, so the three files show
//! the same thing.

pub use super::chart_svg::{HEIGHT, WIDTH};
pub use super::palette::Meaning;

/// One line of a line chart (or one group of a scatter), coloured by what it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub meaning: Meaning,
    /// Drawn dashed: a counterfactual, not data.
    pub dashed: bool,
}

impl Series {
    /// A solid line.
    pub fn new(name: impl Into<String>, meaning: Meaning, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            meaning,
            dashed: false,
        }
    }
}

/// One bar of a bar chart, coloured by what it stands for (the chart's legend names it).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub meaning: Meaning,
}

/// What the x axis counts: month indices (`Month::index`) or category positions 0, 1, ...
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    Months,
    Categories(Vec<String>),
}

/// The drawable part of a chart.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartBody {
    Lines {
        x_axis: XAxis,
        series: Vec<Series>,
        /// A vertical line (e.g. the base month), in x units, with its legend entry
        /// (`cutoff 2018-02-15`, `base month 2017-12`).
        marker: Option<(f64, String)>,
    },
    Bars {
        bars: Vec<Bar>,
        /// What each bar colour means (`early starters`, `above the median`).
        legend: Vec<(Meaning, String)>,
        /// Whole-number values (districts, talks): ticks without decimals.
        counts: bool,
        /// A vertical line between bars (position in bar units: 2.5 lies between the third
        /// and the fourth bar) with its label (`cutoff 2018-02-15`).
        marker: Option<(f64, String)>,
        /// A horizontal line with its label (`median +0.12`).
        level: Option<(f64, String)>,
    },
    /// Estimates with their intervals (the event study), a zero line and an optional
    /// vertical marker (the base period), in x units.
    Intervals {
        points: Vec<IntervalPoint>,
        /// Tick labels by x position (e.g. event time -> `2017-12`).
        x_labels: Vec<(f64, String)>,
        /// The base period, with its label.
        marker: Option<(f64, String)>,
    },
    /// Several estimators' estimates and intervals on one axis (the event-time overlay), each
    /// with its own marker shape so they stay apart in monochrome, dodged sideways; a zero
    /// line and an optional vertical marker.
    IntervalSeries {
        series: Vec<IntervalSeries>,
        /// The reference period, with its label.
        marker: Option<(f64, String)>,
    },
    /// Points in groups, one marker shape per group (circle, cross, triangle) so they stay
    /// apart in monochrome, with a labelled horizontal reference line (Goodman-Bacon).
    Scatter {
        x_label: String,
        groups: Vec<Series>,
        reference: Option<(f64, String)>,
    },
}

/// One estimator of an [`ChartBody::IntervalSeries`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSeries {
    pub name: String,
    pub shape: MarkerShape,
    pub meaning: Meaning,
    pub points: Vec<IntervalPoint>,
}

/// Marker shapes that differ without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    Circle,
    Cross,
    Triangle,
    Square,
}

impl ChartBody {
    /// Whether there is no finite value to draw: such a chart is not exported (an empty grid
    /// says nothing on a slide).
    pub fn is_empty(&self) -> bool {
        match self {
            ChartBody::Lines { series, .. } => !series
                .iter()
                .flat_map(|s| &s.points)
                .any(|(x, y)| x.is_finite() && y.is_finite()),
            ChartBody::Bars { bars, .. } => !bars.iter().any(|b| b.value.is_finite()),
            ChartBody::Intervals { points, .. } => !points.iter().any(|p| p.estimate.is_finite()),
            ChartBody::IntervalSeries { series, .. } => !series
                .iter()
                .flat_map(|s| &s.points)
                .any(|p| p.estimate.is_finite()),
            ChartBody::Scatter { groups, .. } => !groups
                .iter()
                .flat_map(|s| &s.points)
                .any(|(x, y)| x.is_finite() && y.is_finite()),
        }
    }
}

/// One estimate with its interval, drawn as a dot on a vertical bar.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalPoint {
    pub x: f64,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// A chart with its title, y-axis label and the caption under it (bundle, comparison,
/// controls, date).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub y_label: String,
    pub caption: String,
    /// Where the data come from (the bundle's `source`: attribution and licence), printed
    /// under the caption.
    pub source: Option<String>,
    pub body: ChartBody,
}

/// Why a chart could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// The chart has no value to draw; its title says which chart (and, for a check that
    /// does not apply, why).
    #[error("nothing to draw: {0}")]
    NothingToDraw(String),
    /// The renderer could not read the SVG it was given (a map's or a chart's).
    #[error("cannot render the chart: {0}")]
    Render(String),
    #[error("cannot encode the chart as PNG: {0}")]
    Png(String),
    #[error("cannot convert the chart to PDF: {0}")]
    Pdf(String),
    /// `--scale` outside what a slide needs (and memory allows).
    #[error("--scale must be between {min} and {max}, not {0}", min = MIN_SCALE, max = MAX_SCALE)]
    Scale(f32),
}

/// PNG pixel multiplier limits: 1920×1080 times 0.25 to 4 (up to 7680×4320).
pub const MIN_SCALE: f32 = 0.25;
pub const MAX_SCALE: f32 = 4.0;

/// The chart as an SVG document (1920×1080 user units).
pub fn svg(chart: &Chart) -> Result<String, ChartError> {
    super::chart_svg::svg(chart)
}

/// The chart as PNG bytes: 1920×1080 pixels times `scale` (`--scale 2` for high-DPI).
pub fn png(chart: &Chart, scale: f32) -> Result<Vec<u8>, ChartError> {
    super::raster::png(&svg(chart)?, scale)
}

/// The chart as a one-page vector PDF, text kept as text (searchable, copyable).
pub fn pdf(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    super::raster::pdf(&svg(chart)?)
}
