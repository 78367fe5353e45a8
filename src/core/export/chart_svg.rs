//! The chart as an SVG document, laid out for a 16:9 slide: the title and caption wrapped to
//! the width, a legend above the plot naming every series and reference line, ticks from
//! `ticks`, labels measured with the committed font so that none leaves the canvas. PNG and
//! PDF are this SVG rendered (see `raster`), so all three show the same.

use super::chart::{Bar, Chart, ChartBody, IntervalPoint, IntervalSeries, MarkerShape, Series};
use super::chart::{ChartError, XAxis};
use super::palette::{self, Meaning};
use super::text::{self, FONT_FAMILY};
use super::ticks::{self, Ticks};
use std::fmt::Write as _;

/// Canvas in SVG user units (pixels at `--scale 1`).
pub const WIDTH: f64 = 1920.0;
pub const HEIGHT: f64 = 1080.0;
const MARGIN: f64 = 48.0;
const TITLE: f64 = 40.0;
const LEGEND: f64 = 26.0;
const TICK: f64 = 24.0;
const AXIS_DESC: f64 = 26.0;
const CAPTION: f64 = 24.0;
const SOURCE: f64 = 22.0;
/// Band between legend and plot for the labels of vertical markers.
const MARKER_BAND: f64 = 40.0;

/// An SVG under construction; every text goes through `text`, which escapes it.
struct Svg {
    out: String,
}

#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

struct TextStyle {
    size: f64,
    anchor: Anchor,
    fill: &'static str,
    bold: bool,
    /// Degrees, about the anchor point.
    rotate: f64,
}

fn style(size: f64, anchor: Anchor) -> TextStyle {
    TextStyle {
        size,
        anchor,
        fill: palette::TEXT,
        bold: false,
        rotate: 0.0,
    }
}

impl Svg {
    fn new() -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT_FAMILY}, Verdana, sans-serif">"#
        );
        let _ = writeln!(
            out,
            r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
        );
        Svg { out }
    }

    fn text(&mut self, x: f64, y: f64, s: &TextStyle, content: &str) {
        let rotate = if s.rotate != 0.0 {
            format!(r#" transform="rotate({:.1} {x:.1} {y:.1})""#, s.rotate)
        } else {
            String::new()
        };
        let weight = if s.bold { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{}" text-anchor="{}" fill="{}"{weight}{rotate}>{}</text>"#,
            s.size,
            s.anchor.svg(),
            s.fill,
            text::xml(content)
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}"/>"#
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dashed: bool) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let dash = if dashed {
            r#" stroke-dasharray="14 8""#
        } else {
            ""
        };
        let _ = writeln!(
            self.out,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"{dash}/>"#,
            pts.join(" ")
        );
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}"/>"#,
            w.max(0.0),
            h.max(0.0)
        );
    }

    fn marker(&mut self, shape: MarkerShape, (x, y): (f64, f64), colour: &str) {
        let r = 7.0;
        let _ = match shape {
            MarkerShape::Circle => writeln!(
                self.out,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{colour}"/>"#
            ),
            MarkerShape::Cross => writeln!(
                self.out,
                r#"<path d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="{colour}" stroke-width="3" fill="none"/>"#,
                x - r,
                y - r,
                x + r,
                y + r,
                x - r,
                y + r,
                x + r,
                y - r
            ),
            MarkerShape::Triangle => writeln!(
                self.out,
                r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="none" stroke="{colour}" stroke-width="3"/>"#,
                x,
                y - r - 1.0,
                x - r,
                y + r - 1.0,
                x + r,
                y + r - 1.0
            ),
            MarkerShape::Square => writeln!(
                self.out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="{colour}" stroke-width="3"/>"#,
                x - r + 1.0,
                y - r + 1.0,
                2.0 * r - 2.0,
                2.0 * r - 2.0
            ),
        };
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// What a legend entry shows before its name.
#[derive(Clone)]
enum Swatch {
    Line {
        meaning: Meaning,
        dashed: bool,
    },
    Fill(Meaning),
    Marker(MarkerShape, Meaning),
    /// A reference line: vertical for a marker, horizontal for a level.
    Reference {
        vertical: bool,
    },
}

struct LegendEntry {
    swatch: Swatch,
    name: String,
}

const SWATCH: f64 = 40.0;

fn entry_width(e: &LegendEntry) -> f64 {
    SWATCH + 10.0 + text::width(&e.name, LEGEND).min(WIDTH - 2.0 * MARGIN - SWATCH - 10.0)
}

/// The legend's rows, each entry placed left to right and wrapped to the canvas width.
fn legend_rows(entries: &[LegendEntry]) -> Vec<Vec<&LegendEntry>> {
    let mut rows: Vec<Vec<&LegendEntry>> = Vec::new();
    let mut used = f64::INFINITY;
    for e in entries {
        let w = entry_width(e);
        if used + 36.0 + w > WIDTH - 2.0 * MARGIN {
            rows.push(Vec::new());
            used = -36.0;
        }
        used += 36.0 + w;
        if let Some(row) = rows.last_mut() {
            row.push(e);
        }
    }
    rows
}

fn draw_legend(svg: &mut Svg, entries: &[LegendEntry], top: f64) -> f64 {
    let row_height = 40.0;
    let mut y = top;
    for row in legend_rows(entries) {
        let mut x = MARGIN;
        let mid = y + row_height / 2.0;
        for e in row {
            match &e.swatch {
                Swatch::Line { meaning, dashed } => svg.polyline(
                    &[(x, mid), (x + SWATCH, mid)],
                    meaning.colour(),
                    4.0,
                    *dashed,
                ),
                Swatch::Fill(m) => svg.rect(x + 6.0, mid - 12.0, SWATCH - 12.0, 24.0, m.colour()),
                Swatch::Marker(shape, m) => svg.marker(*shape, (x + SWATCH / 2.0, mid), m.colour()),
                Swatch::Reference { vertical: true } => svg.polyline(
                    &[
                        (x + SWATCH / 2.0, mid - 14.0),
                        (x + SWATCH / 2.0, mid + 14.0),
                    ],
                    Meaning::Reference.colour(),
                    3.0,
                    true,
                ),
                Swatch::Reference { vertical: false } => svg.polyline(
                    &[(x, mid), (x + SWATCH, mid)],
                    Meaning::Reference.colour(),
                    3.0,
                    true,
                ),
            }
            let max = WIDTH - MARGIN - (x + SWATCH + 10.0);
            svg.text(
                x + SWATCH + 10.0,
                mid + LEGEND * 0.35,
                &style(LEGEND, Anchor::Start),
                &text::truncate(&e.name, LEGEND, max),
            );
            x += entry_width(e) + 36.0;
        }
        y += row_height;
    }
    y
}

/// Maps data to the plot rectangle.
#[derive(Clone, Copy)]
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.right - self.left)
    }
    fn py(&self, y: f64) -> f64 {
        self.bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (self.bottom - self.top)
    }
    fn at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.px(x), self.py(y))
    }
}

/// How x tick labels are set: level, or turned 45° when they do not fit side by side.
struct XLabels {
    /// (position in data units, label)
    ticks: Vec<(f64, String)>,
    size: f64,
    turned: bool,
}

/// Most lines a category name may be broken into under its bar before it is turned instead.
const LABEL_LINES: usize = 3;

impl XLabels {
    /// The widest line of any label (a label broken to fit its slot has several).
    fn widest(&self) -> f64 {
        self.ticks
            .iter()
            .flat_map(|(_, l)| l.lines())
            .map(|l| text::width(l, self.size))
            .fold(0.0, f64::max)
    }
    fn line_height(&self) -> f64 {
        self.size * 1.2
    }
    fn height(&self) -> f64 {
        if self.turned {
            self.widest() * std::f64::consts::FRAC_1_SQRT_2 + self.size + 16.0
        } else {
            let lines = self.ticks.iter().map(|(_, l)| l.lines().count()).max();
            (lines.unwrap_or(1).max(1) - 1) as f64 * self.line_height() + self.size + 16.0
        }
    }
    /// Every label broken at spaces into at most `LABEL_LINES` lines of `width`, or `None`
    /// when one would need more or has a word wider than that.
    fn wrapped(&self, width: f64) -> Option<Vec<(f64, String)>> {
        self.ticks
            .iter()
            .map(|(at, l)| {
                let lines = text::wrap(l, self.size, width);
                let fits = lines.len() <= LABEL_LINES && lines.iter().all(|l| !l.ends_with('…'));
                fits.then(|| (*at, lines.join("\n")))
            })
            .collect()
    }
}

/// Everything the common layout needs from a chart body.
struct Axes {
    x: (f64, f64),
    x_labels: XLabels,
    x_desc: Option<String>,
    y: Ticks,
    y_desc: String,
    legend: Vec<LegendEntry>,
    /// Vertical reference lines with their labels, in x units.
    markers: Vec<(f64, String)>,
    /// Category slots (bars): x positions are slot centres, labels thinned by slot.
    slots: bool,
}

/// The y ticks for `values`, with `zero` always inside.
fn y_ticks(values: impl Iterator<Item = f64>, zero: bool, whole: bool) -> Ticks {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = if zero { 0.0 } else { (hi - lo) * 0.05 };
    ticks::nice(lo - pad, hi + pad, 6, whole)
}

/// Title, legend and footer around a plot frame; returns the frame for the body to draw in.
fn layout(svg: &mut Svg, chart: &Chart, axes: &mut Axes) -> Frame {
    let full = WIDTH - 2.0 * MARGIN;
    let mut y = MARGIN;
    for line in text::wrap(&chart.title, TITLE, full) {
        y += TITLE * 1.15;
        let mut s = style(TITLE, Anchor::Start);
        s.bold = true;
        svg.text(MARGIN, y, &s, &line);
    }
    y += 12.0;
    y = draw_legend(svg, &axes.legend, y);
    let top = y + if axes.markers.is_empty() {
        16.0
    } else {
        MARKER_BAND
    };
    // Footer: caption, then the source line, wrapped to the width, from the bottom up.
    let caption = text::wrap(&chart.caption, CAPTION, full);
    let source = chart
        .source
        .as_deref()
        .map(|s| text::wrap(s, SOURCE, full))
        .unwrap_or_default();
    let footer = caption.len() as f64 * CAPTION * 1.3 + source.len() as f64 * SOURCE * 1.3;
    let mut fy = HEIGHT - MARGIN / 2.0 - footer;
    let footer_top = fy;
    for line in &caption {
        fy += CAPTION * 1.3;
        let mut s = style(CAPTION, Anchor::Start);
        s.fill = palette::NOTE;
        svg.text(MARGIN, fy - CAPTION * 0.3, &s, line);
    }
    for line in &source {
        fy += SOURCE * 1.3;
        let mut s = style(SOURCE, Anchor::Start);
        s.fill = palette::NOTE;
        svg.text(MARGIN, fy - SOURCE * 0.3, &s, line);
    }
    // The y axis: its description turned, then the widest tick label.
    let y_tick_width = axes
        .y
        .values
        .iter()
        .map(|v| text::width(&axes.y.label(*v), TICK))
        .fold(0.0, f64::max);
    let desc_room = if axes.y_desc.is_empty() {
        0.0
    } else {
        AXIS_DESC * 1.4
    };
    let mut left = MARGIN + desc_room + y_tick_width + 14.0;
    let x_desc_room = if axes.x_desc.is_some() {
        AXIS_DESC * 1.6
    } else {
        0.0
    };
    let mut right = WIDTH - MARGIN;
    // The plot narrows until the first and last x labels lie on the canvas.
    let fit = |labels: &XLabels, left: f64, right: f64, x: (f64, f64)| {
        let f = Frame {
            left,
            right,
            top: 0.0,
            bottom: 1.0,
            x,
            y: (0.0, 1.0),
        };
        let mut need_left = left;
        let mut need_right = right;
        for (at, l) in &labels.ticks {
            let px = f.px(*at);
            let w = l
                .lines()
                .map(|l| text::width(l, labels.size))
                .fold(0.0, f64::max);
            if labels.turned {
                need_left = need_left.max(left + (MARGIN - (px - w * 0.72)));
            } else {
                need_left = need_left.max(left + (MARGIN - (px - w / 2.0)));
                need_right = need_right.min(right - ((px + w / 2.0) - (WIDTH - MARGIN)));
            }
        }
        (need_left, need_right)
    };
    // Labels turn when they would touch their neighbours; many categories get smaller type.
    let n = axes.x_labels.ticks.len().max(1) as f64;
    let slot = (right - left) / n;
    if axes.slots && n > 20.0 {
        axes.x_labels.size = 18.0;
    }
    if axes.x_labels.widest() + 12.0 > slot * if axes.slots { 1.0 } else { 0.9 } {
        // A bar's name is first broken over a few lines under it, so that a slide reads it
        // level and whole; only names that still do not fit are turned (and may be cut).
        match axes
            .slots
            .then(|| axes.x_labels.wrapped(slot - 12.0))
            .flatten()
        {
            Some(ticks) => axes.x_labels.ticks = ticks,
            None => axes.x_labels.turned = true,
        }
    }
    if axes.x_labels.turned {
        // Long names are cut so the plot keeps most of the height.
        let size = axes.x_labels.size;
        for (_, l) in axes.x_labels.ticks.iter_mut() {
            *l = text::truncate(l, size, 340.0);
        }
        // Turned labels need a line's height apart: every k-th category is labelled.
        let step = if axes.slots {
            ((size * 1.5) / slot).ceil().max(1.0) as usize
        } else {
            1
        };
        if step > 1 {
            axes.x_labels.ticks = axes.x_labels.ticks.iter().step_by(step).cloned().collect();
        }
    }
    for _ in 0..3 {
        let (l, r) = fit(&axes.x_labels, left, right, axes.x);
        left = l;
        right = r;
    }
    let bottom = footer_top - 20.0 - axes.x_labels.height() - x_desc_room;
    let frame = Frame {
        left,
        right,
        top,
        bottom,
        x: axes.x,
        y: (
            axes.y.values.first().copied().unwrap_or(0.0),
            axes.y.values.last().copied().unwrap_or(1.0),
        ),
    };
    // Grid and y ticks.
    for v in &axes.y.values {
        let py = frame.py(*v);
        svg.line((left, py), (right, py), palette::GRID, 1.5);
        svg.text(
            left - 12.0,
            py + TICK * 0.35,
            &style(TICK, Anchor::End),
            &axes.y.label(*v),
        );
    }
    if !axes.y_desc.is_empty() {
        let mut s = style(AXIS_DESC, Anchor::Middle);
        s.rotate = -90.0;
        let plot_height = bottom - top;
        let desc = text::truncate(&axes.y_desc, AXIS_DESC, plot_height);
        svg.text(MARGIN + AXIS_DESC, (top + bottom) / 2.0, &s, &desc);
    }
    svg.line((left, bottom), (right, bottom), palette::AXIS, 2.0);
    svg.line((left, top), (left, bottom), palette::AXIS, 2.0);
    // X ticks.
    let labels = &axes.x_labels;
    for (at, label) in &labels.ticks {
        let px = frame.px(*at);
        svg.line((px, bottom), (px, bottom + 8.0), palette::AXIS, 2.0);
        if labels.turned {
            let mut s = style(labels.size, Anchor::End);
            s.rotate = -45.0;
            svg.text(px + labels.size * 0.3, bottom + 16.0, &s, label);
        } else {
            for (k, line) in label.lines().enumerate() {
                svg.text(
                    px,
                    bottom + 12.0 + labels.size + k as f64 * labels.line_height(),
                    &style(labels.size, Anchor::Middle),
                    line,
                );
            }
        }
    }
    if let Some(desc) = &axes.x_desc {
        svg.text(
            (left + right) / 2.0,
            bottom + labels.height() + AXIS_DESC,
            &style(AXIS_DESC, Anchor::Middle),
            &text::truncate(desc, AXIS_DESC, right - left),
        );
    }
    // Vertical reference lines are labelled in the band above the plot, so no label covers
    // data.
    for (at, label) in &axes.markers {
        let px = frame.px(*at);
        svg.polyline(
            &[(px, top - 8.0), (px, bottom)],
            Meaning::Reference.colour(),
            3.0,
            true,
        );
        let w = text::width(label, LEGEND);
        let mut s = style(LEGEND, Anchor::Start);
        s.fill = palette::NOTE;
        let x = if px + 8.0 + w <= WIDTH - MARGIN {
            px + 8.0
        } else {
            s.anchor = Anchor::End;
            px - 8.0
        };
        svg.text(x, top - 12.0, &s, label);
    }
    frame
}

fn line_entries(series: &[Series]) -> Vec<LegendEntry> {
    series
        .iter()
        .map(|s| LegendEntry {
            swatch: Swatch::Line {
                meaning: s.meaning,
                dashed: s.dashed,
            },
            name: s.name.clone(),
        })
        .collect()
}

fn marker_entry(label: &str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::Reference { vertical: true },
        name: label.to_string(),
    }
}

fn level_entry(label: &str) -> LegendEntry {
    LegendEntry {
        swatch: Swatch::Reference { vertical: false },
        name: label.to_string(),
    }
}

fn extent(xs: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = xs
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    lo.is_finite().then_some((lo, hi))
}

/// The chart as an SVG document; a chart without a single finite value is an error naming
/// the chart (never axes without ticks, never an empty grid).
pub fn svg(chart: &Chart) -> Result<String, ChartError> {
    if chart.body.is_empty() {
        return Err(ChartError::NothingToDraw(text::clean(&chart.title)));
    }
    let mut svg = Svg::new();
    match &chart.body {
        ChartBody::Lines {
            x_axis,
            series,
            marker,
        } => lines(&mut svg, chart, x_axis, series, marker.as_ref()),
        ChartBody::Bars {
            bars,
            legend,
            counts,
            marker,
            level,
        } => bars_chart(
            &mut svg,
            chart,
            bars,
            legend,
            *counts,
            marker.as_ref(),
            level.as_ref(),
        ),
        ChartBody::Intervals {
            points,
            x_labels,
            marker,
        } => intervals(&mut svg, chart, points, x_labels, marker.as_ref()),
        ChartBody::IntervalSeries { series, marker } => {
            interval_series(&mut svg, chart, series, marker.as_ref())
        }
        ChartBody::Scatter {
            x_label,
            groups,
            reference,
        } => scatter(&mut svg, chart, x_label, groups, reference.as_ref()),
    }
    Ok(svg.finish())
}

fn lines(
    svg: &mut Svg,
    chart: &Chart,
    x_axis: &XAxis,
    series: &[Series],
    marker: Option<&(f64, String)>,
) {
    let xs = || series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x0, x1) = extent(xs().chain(marker.map(|m| m.0))).unwrap_or((0.0, 1.0));
    let (x, ticks) = match x_axis {
        XAxis::Months => {
            let pad = ((x1 - x0) * 0.02).max(0.5);
            (
                (x0 - pad, x1 + pad),
                ticks::months(x0.round() as i32, x1.round() as i32, 12),
            )
        }
        XAxis::Categories(names) => (
            (-0.4, (names.len().max(1) - 1) as f64 + 0.4),
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as f64, n.clone()))
                .collect(),
        ),
    };
    let mut legend = line_entries(series);
    legend.extend(marker.map(|m| marker_entry(&m.1)));
    let mut axes = Axes {
        x,
        x_labels: XLabels {
            ticks,
            size: TICK,
            turned: false,
        },
        x_desc: None,
        y: y_ticks(
            series.iter().flat_map(|s| s.points.iter().map(|p| p.1)),
            false,
            false,
        ),
        y_desc: chart.y_label.clone(),
        legend,
        markers: marker.cloned().into_iter().collect(),
        slots: false,
    };
    let frame = layout(svg, chart, &mut axes);
    // Value labels of two-point category charts (group means), gathered first so that labels
    // of different series at one x never overlap.
    let mut labels: Vec<(f64, f64, f64, &Series, f64)> = Vec::new();
    for s in series {
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|p| frame.at(*p))
            .collect();
        svg.polyline(&pts, s.meaning.colour(), 4.0, s.dashed);
        // Two-point category charts (group means): the values are the message, so they are
        // written beside the line ends.
        if matches!(x_axis, XAxis::Categories(_)) && !s.dashed {
            for (x, y) in s
                .points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
            {
                let (px, py) = frame.at((*x, *y));
                let _ = writeln!(
                    svg.out,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="6" fill="{}"/>"#,
                    s.meaning.colour()
                );
                labels.push((*x, px, py, s, *y));
            }
        }
    }
    spread_labels(&mut labels, TICK * 1.2);
    for (x, px, py, s, y) in labels {
        let first = x <= 0.0;
        let mut st = style(TICK, if first { Anchor::End } else { Anchor::Start });
        st.fill = s.meaning.colour();
        st.bold = true;
        let dx = if first { -14.0 } else { 14.0 };
        svg.text(px + dx, py + TICK * 0.35, &st, &ticks::number(y, 1));
    }
}

/// Moves the labels at one x apart vertically until neighbours are at least `gap` pixels
/// apart, keeping their order and their mean position (two group means of 30.2 and 30.1 would
/// otherwise print on top of each other).
fn spread_labels<T>(labels: &mut [(f64, f64, f64, T, f64)], gap: f64) {
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.total_cmp(&b.2)));
    let mut start = 0;
    while start < labels.len() {
        let end = start
            + labels[start..]
                .iter()
                .take_while(|l| l.0 == labels[start].0)
                .count();
        let group = &mut labels[start..end];
        for _ in 0..group.len() {
            for i in 1..group.len() {
                let overlap = gap - (group[i].2 - group[i - 1].2);
                if overlap > 0.0 {
                    group[i - 1].2 -= overlap / 2.0;
                    group[i].2 += overlap / 2.0;
                }
            }
        }
        start = end;
    }
}

fn bars_chart(
    svg: &mut Svg,
    chart: &Chart,
    bars: &[Bar],
    legend: &[(Meaning, String)],
    counts: bool,
    marker: Option<&(f64, String)>,
    level: Option<&(f64, String)>,
) {
    let n = bars.len().max(1);
    let mut entries: Vec<LegendEntry> = legend
        .iter()
        .map(|(m, name)| LegendEntry {
            swatch: Swatch::Fill(*m),
            name: name.clone(),
        })
        .collect();
    entries.extend(marker.map(|m| marker_entry(&m.1)));
    entries.extend(level.map(|l| level_entry(&l.1)));
    let mut axes = Axes {
        x: (-0.5, n as f64 - 0.5),
        x_labels: XLabels {
            ticks: bars
                .iter()
                .enumerate()
                .map(|(i, b)| (i as f64, b.label.clone()))
                .collect(),
            size: TICK,
            turned: false,
        },
        x_desc: None,
        y: y_ticks(
            bars.iter().map(|b| b.value).chain(level.map(|l| l.0)),
            true,
            counts,
        ),
        y_desc: chart.y_label.clone(),
        legend: entries,
        markers: marker.cloned().into_iter().collect(),
        slots: true,
    };
    let frame = layout(svg, chart, &mut axes);
    let slot = (frame.right - frame.left) / n as f64;
    let gap = (slot * 0.15).clamp(1.0, 24.0);
    let zero = frame.py(0.0);
    for (i, b) in bars.iter().enumerate() {
        if !b.value.is_finite() {
            continue;
        }
        let x = frame.px(i as f64) - slot / 2.0 + gap / 2.0;
        let top = frame.py(b.value);
        svg.rect(
            x,
            top.min(zero),
            slot - gap,
            (zero - top).abs(),
            b.meaning.colour(),
        );
    }
    svg.line((frame.left, zero), (frame.right, zero), palette::AXIS, 2.0);
    // The median (or other level) after the bars, so that it reads over them.
    if let Some(l) = level {
        draw_levels(svg, &frame, std::slice::from_ref(l));
    }
}

fn draw_levels(svg: &mut Svg, frame: &Frame, levels: &[(f64, String)]) {
    for (at, label) in levels {
        let py = frame.py(*at);
        svg.polyline(
            &[(frame.left, py), (frame.right, py)],
            Meaning::Reference.colour(),
            3.0,
            true,
        );
        let w = text::width(label, LEGEND);
        svg.rect(
            frame.right - w - 16.0,
            py - LEGEND - 10.0,
            w + 12.0,
            LEGEND + 6.0,
            "white",
        );
        let mut s = style(LEGEND, Anchor::End);
        s.fill = palette::NOTE;
        svg.text(frame.right - 10.0, py - 12.0, &s, label);
    }
}

/// Labels of `labelled` positions thinned to about `max`, keeping the first.
fn thin(labelled: &[(f64, String)], max: usize) -> Vec<(f64, String)> {
    let step = labelled.len().div_ceil(max.max(1)).max(1);
    labelled.iter().step_by(step).cloned().collect()
}

fn zero_line(svg: &mut Svg, frame: &Frame) {
    if frame.y.0 < 0.0 && frame.y.1 > 0.0 {
        let py = frame.py(0.0);
        svg.line((frame.left, py), (frame.right, py), palette::AXIS, 2.0);
    }
}

fn intervals(
    svg: &mut Svg,
    chart: &Chart,
    points: &[IntervalPoint],
    x_labels: &[(f64, String)],
    marker: Option<&(f64, String)>,
) {
    let (x0, x1) =
        extent(points.iter().map(|p| p.x).chain(marker.map(|m| m.0))).unwrap_or((-1.0, 1.0));
    let pad = ((x1 - x0) * 0.03).max(0.6);
    let mut sorted = x_labels.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let mut axes = Axes {
        x: (x0 - pad, x1 + pad),
        x_labels: XLabels {
            ticks: thin(&sorted, 12),
            size: TICK,
            turned: false,
        },
        x_desc: None,
        y: y_ticks(
            points.iter().flat_map(|p| [p.low, p.high, p.estimate]),
            true,
            false,
        ),
        y_desc: chart.y_label.clone(),
        legend: marker.map(|m| vec![marker_entry(&m.1)]).unwrap_or_default(),
        markers: marker.cloned().into_iter().collect(),
        slots: false,
    };
    let frame = layout(svg, chart, &mut axes);
    zero_line(svg, &frame);
    let colour = Meaning::Series(0).colour();
    for p in points {
        if p.low.is_finite() && p.high.is_finite() {
            svg.line(frame.at((p.x, p.low)), frame.at((p.x, p.high)), colour, 3.0);
        }
    }
    // One circle per estimate (tests count them).
    for p in points.iter().filter(|p| p.estimate.is_finite()) {
        svg.marker(MarkerShape::Circle, frame.at((p.x, p.estimate)), colour);
    }
}

fn interval_series(
    svg: &mut Svg,
    chart: &Chart,
    series: &[IntervalSeries],
    marker: Option<&(f64, String)>,
) {
    let all = || series.iter().flat_map(|s| &s.points);
    let (x0, x1) = extent(all().map(|p| p.x).chain(marker.map(|m| m.0))).unwrap_or((-1.0, 1.0));
    let pad = ((x1 - x0) * 0.03).max(0.8);
    let xt = ticks::nice(x0, x1, 12, true);
    let mut legend: Vec<LegendEntry> = series
        .iter()
        .map(|s| LegendEntry {
            swatch: Swatch::Marker(s.shape, s.meaning),
            name: s.name.clone(),
        })
        .collect();
    legend.extend(marker.map(|m| marker_entry(&m.1)));
    let mut axes = Axes {
        x: (x0 - pad, x1 + pad),
        x_labels: XLabels {
            ticks: xt
                .values
                .iter()
                .filter(|v| **v >= x0 - pad && **v <= x1 + pad)
                .map(|v| (*v, xt.label(*v)))
                .collect(),
            size: TICK,
            turned: false,
        },
        x_desc: Some("Months since start".into()),
        y: y_ticks(all().flat_map(|p| [p.low, p.high, p.estimate]), true, false),
        y_desc: chart.y_label.clone(),
        legend,
        markers: marker.cloned().into_iter().collect(),
        slots: false,
    };
    let frame = layout(svg, chart, &mut axes);
    zero_line(svg, &frame);
    let n = series.len().max(1) as f64;
    for (i, s) in series.iter().enumerate() {
        let colour = s.meaning.colour();
        // Dodged so that the estimators at one event time do not cover each other.
        let dodge = (i as f64 - (n - 1.0) / 2.0) * 0.18;
        for p in &s.points {
            if p.low.is_finite() && p.high.is_finite() {
                svg.line(
                    frame.at((p.x + dodge, p.low)),
                    frame.at((p.x + dodge, p.high)),
                    colour,
                    2.0,
                );
            }
        }
        for p in s.points.iter().filter(|p| p.estimate.is_finite()) {
            svg.marker(s.shape, frame.at((p.x + dodge, p.estimate)), colour);
        }
    }
}

fn scatter(
    svg: &mut Svg,
    chart: &Chart,
    x_label: &str,
    groups: &[Series],
    reference: Option<&(f64, String)>,
) {
    let points = || groups.iter().flat_map(|g| g.points.iter().copied());
    let (_, x1) = extent(points().map(|p| p.0).chain([0.0])).unwrap_or((0.0, 1.0));
    let xt = ticks::nice(0.0, x1.max(1e-9), 8, false);
    let x_max = xt.values.last().copied().unwrap_or(1.0);
    let shapes = [
        MarkerShape::Circle,
        MarkerShape::Cross,
        MarkerShape::Triangle,
    ];
    let mut legend: Vec<LegendEntry> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendEntry {
            swatch: Swatch::Marker(shapes[i % 3], g.meaning),
            name: g.name.clone(),
        })
        .collect();
    legend.extend(reference.map(|r| level_entry(&r.1)));
    let mut axes = Axes {
        x: (0.0, x_max),
        x_labels: XLabels {
            ticks: xt.values.iter().map(|v| (*v, xt.label(*v))).collect(),
            size: TICK,
            turned: false,
        },
        x_desc: Some(x_label.to_string()),
        y: y_ticks(
            points().map(|p| p.1).chain(reference.map(|r| r.0)),
            true,
            false,
        ),
        y_desc: chart.y_label.clone(),
        legend,
        markers: Vec::new(),
        slots: false,
    };
    let frame = layout(svg, chart, &mut axes);
    zero_line(svg, &frame);
    if let Some(r) = reference {
        draw_levels(svg, &frame, std::slice::from_ref(r));
    }
    for (i, g) in groups.iter().enumerate() {
        for p in g
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
        {
            svg.marker(shapes[i % 3], frame.at(*p), g.meaning.colour());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::spread_labels;

    #[test]
    fn labels_at_one_x_are_spread_apart_and_others_left_alone() {
        // Two group means 1 px apart at x = 0, one label alone at x = 1.
        let mut labels = vec![
            (0.0, 100.0, 501.0, 'a', 30.1),
            (0.0, 100.0, 500.0, 'b', 30.2),
            (1.0, 900.0, 300.0, 'c', 40.0),
        ];
        spread_labels(&mut labels, 30.0);
        let at = |c: char| labels.iter().find(|l| l.3 == c).unwrap().2;
        assert!((at('a') - at('b') - 30.0).abs() < 1e-9, "{labels:?}");
        assert!(
            (at('a') + at('b') - 1001.0).abs() < 1e-9,
            "the pair keeps its centre"
        );
        assert_eq!(at('c'), 300.0);
    }
}
