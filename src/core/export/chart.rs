//! Charts for slides, drawn with plotters into SVG text or PNG bytes. The same drawing code
//! serves both backends, so the two files show the same thing.

use crate::core::period::Month;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::sync::OnceLock;

/// Slide-sized (16:9) canvas in pixels.
pub const SIZE: (u32, u32) = (1280, 720);

/// DejaVu Sans, committed with its licence, so PNG text renders on machines without fonts.
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const FONT: &str = "sans-serif";

/// A line's colour by series index: treated blue, control orange, then a few more.
const PALETTE: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// One bar of a bar chart; `highlight` draws it in the treated colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub highlight: bool,
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
    },
    /// Estimates with their intervals (the event study), a zero line and an optional
    /// vertical marker (the base period), in x units.
    Intervals {
        points: Vec<IntervalPoint>,
        /// Tick labels by x position (e.g. event time -> `2017-12`).
        x_labels: Vec<(f64, String)>,
        marker: Option<f64>,
    },
    /// Several estimators' estimates and intervals on one axis (the event-time overlay), each
    /// with its own marker shape so they stay apart in monochrome, dodged sideways; a zero
    /// line and an optional vertical marker.
    IntervalSeries {
        series: Vec<IntervalSeries>,
        marker: Option<f64>,
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

/// What an empty chart says under its title.
pub const NOTHING_TO_DRAW: &str = "No values to draw: the data give this chart none.";

impl ChartBody {
    /// Whether there is no finite value to draw (plotters loops forever over an axis without
    /// ticks, so an empty chart never reaches it).
    pub fn is_empty(&self) -> bool {
        match self {
            ChartBody::Lines { series, .. } => !series
                .iter()
                .flat_map(|s| &s.points)
                .any(|(x, y)| x.is_finite() && y.is_finite()),
            ChartBody::Bars { bars } => !bars.iter().any(|b| b.value.is_finite()),
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    #[error("the bundled chart font could not be loaded")]
    Font,
    /// plotters refused a drawing step (its message).
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    #[error("cannot encode the chart as PNG: {0}")]
    Png(String),
}

fn register_font() -> Result<(), ChartError> {
    static DONE: OnceLock<Result<(), ChartError>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            .map_err(|_| ChartError::Font)
    })
    .clone()
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, ChartError> {
    register_font()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// The chart as PNG bytes (8-bit RGB).
pub fn png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    register_font()?;
    let (w, h) = SIZE;
    let mut pixels = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present().map_err(err)?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = ::png::Encoder::new(&mut out, w, h);
        encoder.set_color(::png::ColorType::Rgb);
        encoder.set_depth(::png::BitDepth::Eight);
        let png_err = |e: ::png::EncodingError| ChartError::Png(e.to_string());
        let mut writer = encoder.write_header().map_err(png_err)?;
        writer.write_image_data(&pixels).map_err(png_err)?;
    }
    Ok(out)
}

/// Tick labels with one decimal; never "-0.0".
fn y_tick(v: &f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_string() } else { s }
}

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Value range with a little air, always containing zero for bars.
fn y_range(values: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = ((hi - lo) * 0.08).max(0.5);
    (
        if with_zero && lo == 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = SIZE;
    let footer_height = if chart.source.is_some() { 68 } else { 44 };
    let (main, footer) = root.split_vertically(h - footer_height);
    footer
        .draw(&Text::new(
            chart.caption.clone(),
            (24, 12),
            (FONT, 18).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
    if let Some(source) = &chart.source {
        footer
            .draw(&Text::new(
                source.clone(),
                (24, 38),
                (FONT, 15).into_font().color(&RGBColor(90, 90, 90)),
            ))
            .map_err(err)?;
    }
    let _ = w;
    if chart.body.is_empty() {
        // Nothing to plot (no district with a capacity change; a check that does not apply,
        // whose title says why): the title and a plain note, never axes without ticks.
        main.draw(&Text::new(
            chart.title.clone(),
            (24, 24),
            (FONT, 30).into_font(),
        ))
        .map_err(err)?;
        main.draw(&Text::new(
            NOTHING_TO_DRAW,
            (24, 90),
            (FONT, 22).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
        return Ok(());
    }
    match &chart.body {
        ChartBody::Lines {
            x_axis,
            series,
            marker,
        } => draw_lines(&main, chart, x_axis, series, marker.as_ref()),
        ChartBody::Bars { bars } => draw_bars(&main, chart, bars),
        ChartBody::Intervals {
            points,
            x_labels,
            marker,
        } => draw_intervals(&main, chart, points, x_labels, *marker),
        ChartBody::IntervalSeries { series, marker } => {
            draw_interval_series(&main, chart, series, *marker)
        }
        ChartBody::Scatter {
            x_label,
            groups,
            reference,
        } => draw_scatter(&main, chart, x_label, groups, reference.as_ref()),
    }
}

/// The smallest and largest of `xs`, or `fallback` when there is no proper range.
fn x_extent(xs: impl Iterator<Item = f64>, fallback: (f64, f64)) -> (f64, f64) {
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if x0.is_finite() && x1 > x0 {
        (x0, x1)
    } else {
        fallback
    }
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A plot area with the chart's title on top and room for both axes' labels.
fn plot_area<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    chart: &Chart,
    title_size: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Plot<'a, DB>, ChartError> {
    ChartBuilder::on(area)
        .caption(chart.title.clone(), (FONT, title_size))
        .margin(24)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// Grid and axis labels in the house style: light grid, the chart's y label, `x_fmt` ticks.
fn mesh<DB: DrawingBackend>(
    ctx: &mut Plot<'_, DB>,
    chart: &Chart,
    x_labels: usize,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError> {
    ctx.configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(x_fmt)
        .y_desc(chart.y_label.clone())
        .y_label_formatter(&y_tick)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)
}

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    x_axis: &XAxis,
    series: &[Series],
    marker: Option<&(f64, String)>,
) -> Result<(), ChartError> {
    let (x0, x1) = x_extent(
        series.iter().flat_map(|s| s.points.iter().map(|p| p.0)),
        (0.0, 1.0),
    );
    let pad = (x1 - x0) * 0.03;
    let (y0, y1) = y_range(
        series.iter().flat_map(|s| s.points.iter().map(|p| p.1)),
        false,
    );
    let mut ctx = plot_area(area, chart, 30, (x0 - pad)..(x1 + pad), y0..y1)?;
    let x_fmt = |x: &f64| -> String {
        match x_axis {
            XAxis::Months => Month::from_index(x.round() as i32).to_string(),
            XAxis::Categories(names) => {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
        }
    };
    let n_labels = match x_axis {
        XAxis::Months => 10,
        XAxis::Categories(names) => names.len().max(2),
    };
    mesh(&mut ctx, chart, n_labels, &x_fmt)?;
    if let Some((m, label)) = marker {
        let grey = RGBColor(150, 150, 150);
        ctx.draw_series(LineSeries::new(
            vec![(*m, y0), (*m, y1)],
            grey.stroke_width(2),
        ))
        .map_err(err)?
        .label(label.clone())
        .legend(move |(x, y)| {
            PathElement::new(vec![(x + 12, y - 9), (x + 12, y + 9)], grey.stroke_width(2))
        });
    }
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        ctx.draw_series(LineSeries::new(
            s.points.iter().copied(),
            color.stroke_width(3),
        ))
        .map_err(err)?
        .label(s.name.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
    }
    ctx.configure_series_labels()
        .label_font((FONT, 18))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    bars: &[Bar],
) -> Result<(), ChartError> {
    let n = bars.len().max(1) as u32;
    let (y0, y1) = y_range(bars.iter().map(|b| b.value), true);
    let mut ctx = ChartBuilder::on(area)
        .caption(chart.title.clone(), (FONT, 30))
        .margin(24)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d((0u32..(n - 1).max(1)).into_segmented(), y0..y1)
        .map_err(err)?;
    let x_fmt = |v: &SegmentValue<u32>| -> String {
        match v {
            SegmentValue::CenterOf(i) => bars
                .get(*i as usize)
                .map(|b| b.label.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    ctx.configure_mesh()
        .disable_x_mesh()
        .x_labels(bars.len().clamp(1, 16))
        .x_label_formatter(&x_fmt)
        .y_desc(chart.y_label.clone())
        .y_label_formatter(&y_tick)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 18))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    ctx.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let color = if b.highlight { PALETTE[0] } else { PALETTE[1] };
        let i = i as u32;
        let mut r = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), b.value),
            ],
            color.filled(),
        );
        r.set_margin(0, 0, 3, 3);
        r
    }))
    .map_err(err)?;
    Ok(())
}

fn draw_intervals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    points: &[IntervalPoint],
    x_labels: &[(f64, String)],
    marker: Option<f64>,
) -> Result<(), ChartError> {
    let (x0, x1) = x_extent(points.iter().map(|p| p.x).chain(marker), (-1.0, 1.0));
    let pad = ((x1 - x0) * 0.03).max(0.5);
    // The zero line must be visible: an effect is read against it.
    let (y0, y1) = y_range(
        points
            .iter()
            .flat_map(|p| [p.low, p.high, p.estimate])
            .chain([0.0]),
        false,
    );
    let mut ctx = plot_area(area, chart, 26, (x0 - pad)..(x1 + pad), y0..y1)?;
    let x_fmt = |x: &f64| -> String {
        x_labels
            .iter()
            .find(|(at, _)| (at - x).abs() < 1e-6)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    mesh(&mut ctx, chart, 10, &x_fmt)?;
    let grey = RGBColor(150, 150, 150);
    ctx.draw_series(LineSeries::new(
        vec![(x0 - pad, 0.0), (x1 + pad, 0.0)],
        grey.stroke_width(1),
    ))
    .map_err(err)?;
    if let Some(m) = marker {
        ctx.draw_series(LineSeries::new(
            vec![(m, y0), (m, y1)],
            grey.stroke_width(2),
        ))
        .map_err(err)?;
    }
    let color = PALETTE[0];
    ctx.draw_series(points.iter().map(|p| {
        PathElement::new(
            vec![(p.x, p.low), (p.x, p.high)],
            color.mix(0.5).stroke_width(2),
        )
    }))
    .map_err(err)?;
    // One circle per estimate (tests count them).
    ctx.draw_series(
        points
            .iter()
            .map(|p| Circle::new((p.x, p.estimate), 4, color.filled())),
    )
    .map_err(err)?;
    Ok(())
}

fn draw_interval_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    series: &[IntervalSeries],
    marker: Option<f64>,
) -> Result<(), ChartError> {
    let all = || series.iter().flat_map(|s| &s.points);
    let (x0, x1) = x_extent(all().map(|p| p.x).chain(marker), (-1.0, 1.0));
    let pad = ((x1 - x0) * 0.03).max(0.8);
    let (y0, y1) = y_range(
        all().flat_map(|p| [p.low, p.high, p.estimate]).chain([0.0]),
        false,
    );
    let mut ctx = plot_area(area, chart, 26, (x0 - pad)..(x1 + pad), y0..y1)?;
    let x_fmt = |x: &f64| format!("{x:.0}");
    mesh(&mut ctx, chart, 12, &x_fmt)?;
    let grey = RGBColor(150, 150, 150);
    ctx.draw_series(LineSeries::new(
        vec![(x0 - pad, 0.0), (x1 + pad, 0.0)],
        grey.stroke_width(1),
    ))
    .map_err(err)?;
    if let Some(m) = marker {
        ctx.draw_series(LineSeries::new(
            vec![(m, y0), (m, y1)],
            grey.stroke_width(2),
        ))
        .map_err(err)?;
    }
    let n = series.len().max(1) as f64;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        // Dodged so that the estimators at one event time do not cover each other.
        let dodge = (i as f64 - (n - 1.0) / 2.0) * 0.2;
        let at = |p: &IntervalPoint| (p.x + dodge, p.estimate);
        ctx.draw_series(s.points.iter().map(|p| {
            PathElement::new(
                vec![(p.x + dodge, p.low), (p.x + dodge, p.high)],
                color.mix(0.6).stroke_width(2),
            )
        }))
        .map_err(err)?;
        let style = color.stroke_width(2);
        let name = s.name.clone();
        match s.shape {
            MarkerShape::Circle => ctx
                .draw_series(
                    s.points
                        .iter()
                        .map(|p| Circle::new(at(p), 5, color.filled())),
                )
                .map_err(err)?
                .label(name)
                .legend(move |c| Circle::new(c, 5, color.filled())),
            MarkerShape::Cross => ctx
                .draw_series(s.points.iter().map(|p| Cross::new(at(p), 6, style)))
                .map_err(err)?
                .label(name)
                .legend(move |c| Cross::new(c, 6, style)),
            MarkerShape::Triangle => ctx
                .draw_series(
                    s.points
                        .iter()
                        .map(|p| TriangleMarker::new(at(p), 7, style)),
                )
                .map_err(err)?
                .label(name)
                .legend(move |c| TriangleMarker::new(c, 7, style)),
            MarkerShape::Square => ctx
                .draw_series(
                    s.points.iter().map(|p| {
                        EmptyElement::at(at(p)) + Rectangle::new([(-5, -5), (5, 5)], style)
                    }),
                )
                .map_err(err)?
                .label(name)
                .legend(move |c| EmptyElement::at(c) + Rectangle::new([(-5, -5), (5, 5)], style)),
        };
    }
    ctx.configure_series_labels()
        .label_font((FONT, 18))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    x_label: &str,
    groups: &[Series],
    reference: Option<&(f64, String)>,
) -> Result<(), ChartError> {
    let points = || groups.iter().flat_map(|g| g.points.iter().copied());
    let (_, x1) = x_extent(points().map(|p| p.0).chain([0.0]), (0.0, 1.0));
    let (y0, y1) = y_range(
        points()
            .map(|p| p.1)
            .chain(reference.map(|r| r.0))
            .chain([0.0]),
        false,
    );
    let mut ctx = ChartBuilder::on(area)
        .caption(chart.title.clone(), (FONT, 26))
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x1 * 1.05, y0..y1)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_desc(x_label.to_string())
        .x_label_formatter(&|x: &f64| format!("{x:.2}"))
        .y_desc(chart.y_label.clone())
        .y_label_formatter(&y_tick)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(150, 150, 150);
    ctx.draw_series(LineSeries::new(
        vec![(0.0, 0.0), (x1 * 1.05, 0.0)],
        grey.stroke_width(1),
    ))
    .map_err(err)?;
    if let Some((y, label)) = reference {
        let black = RGBColor(40, 40, 40);
        ctx.draw_series(LineSeries::new(
            vec![(0.0, *y), (x1 * 1.05, *y)],
            black.stroke_width(2),
        ))
        .map_err(err)?
        .label(label.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], black.stroke_width(2)));
    }
    for (i, g) in groups.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let style = color.stroke_width(2);
        // One shape per group: circle, cross, triangle.
        match i % 3 {
            0 => ctx
                .draw_series(g.points.iter().map(|&p| Circle::new(p, 6, style)))
                .map_err(err)?
                .label(g.name.clone())
                .legend(move |p| Circle::new(p, 6, style)),
            1 => ctx
                .draw_series(g.points.iter().map(|&p| Cross::new(p, 6, style)))
                .map_err(err)?
                .label(g.name.clone())
                .legend(move |p| Cross::new(p, 6, style)),
            _ => ctx
                .draw_series(g.points.iter().map(|&p| TriangleMarker::new(p, 7, style)))
                .map_err(err)?
                .label(g.name.clone())
                .legend(move |p| TriangleMarker::new(p, 7, style)),
        };
    }
    ctx.configure_series_labels()
        .label_font((FONT, 18))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    Ok(())
}
