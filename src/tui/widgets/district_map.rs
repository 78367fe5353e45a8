//! The district map (`core::view::map::MapView`) on a braille canvas: each district filled
//! with its group's dot pattern (treated dense, control sparse, outside the comparison
//! empty) in its class colour, the boundaries drawn over the fill, and a legend beside it.
//! The patterns carry the treated/control split without colour (`--theme mono`).

use crate::core::view::map::{MapDistrict, MapGroup, MapView};
use crate::tui::theme::{Theme, ThemeKind};
use crate::tui::widgets::{fit, message};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as Segment, Painter, Shape};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

/// The braille cell each group's pattern makes (dots at even column and row parity): shown
/// in the legend so it matches the map.
const TREATED_GLYPH: &str = "⢕";
const CONTROL_GLYPH: &str = "⠅";
/// Average cells per district below which the boundaries are left out (see `render_map`).
const MIN_CELLS_FOR_BOUNDARIES: f64 = 8.0;

pub struct DistrictMap<'a> {
    pub view: &'a MapView,
    pub theme: &'a Theme,
}

impl Widget for DistrictMap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let block = Block::bordered()
            .title(Line::styled(format!(" {} ", self.view.title), t.title))
            .title_bottom(Line::styled(" m next map / list ", t.dim))
            .border_style(t.border);
        let inner = block.inner(area);
        block.render(area, buf);
        let legend_width = (inner.width / 3).clamp(20, 34);
        let [map, legend] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(legend_width)])
                .areas(inner);
        if self.view.districts.is_empty() {
            message(
                vec![Line::styled(
                    "No district of this comparison has a boundary.",
                    t.warning,
                )],
                map,
                buf,
            );
        } else {
            self.render_map(map, buf);
        }
        self.render_legend(legend, buf);
    }
}

impl DistrictMap<'_> {
    fn render_map(&self, area: Rect, buf: &mut Buffer) {
        if area.width < 2 || area.height < 2 {
            return;
        }
        // Braille pixels are about square (2 × 4 per cell of about 1:2), so equal km per
        // pixel on both axes keeps the map's shape.
        let (w, h) = (f64::from(area.width) * 2.0, f64::from(area.height) * 4.0);
        let (x0, y0, x1, y1) = self.view.bounds;
        let scale = ((x1 - x0) / w).max((y1 - y0) / h);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let x_bounds = [cx - scale * w / 2.0, cx + scale * w / 2.0];
        let y_bounds = [cy - scale * h / 2.0, cy + scale * h / 2.0];
        let palette = self.theme.sequential(self.view.classes.len());
        let fill = Fill {
            districts: &self.view.districts,
            palette: &palette,
            unclassed: fg(self.theme.dim),
            x_bounds,
            y_bounds,
            pixels: (usize::from(area.width) * 2, usize::from(area.height) * 4),
        };
        let edge = fg(self.theme.border);
        // Where a district gets only a few cells, its boundary would cover its fill and hide
        // the treated/control patterns: the boundaries are drawn only when districts average
        // at least MIN_CELLS_FOR_BOUNDARIES cells.
        let cells_per_district = ((x1 - x0) * (y1 - y0) / (scale * scale * 8.0))
            / self.view.districts.len().max(1) as f64;
        let draw_boundaries = cells_per_district >= MIN_CELLS_FOR_BOUNDARIES;
        Canvas::default()
            .background_color(self.theme.base.bg.unwrap_or_default())
            .marker(Marker::Braille)
            .x_bounds(x_bounds)
            .y_bounds(y_bounds)
            .paint(|ctx| {
                ctx.draw(&fill);
                // A layer of its own: where a boundary passes, the cell shows the line
                // rather than the line merged into the fill's dots.
                ctx.layer();
                if !draw_boundaries {
                    return;
                }
                for d in &self.view.districts {
                    for ring in &d.rings {
                        for pair in ring.windows(2) {
                            ctx.draw(&Segment {
                                x1: pair[0].0,
                                y1: pair[0].1,
                                x2: pair[1].0,
                                y2: pair[1].1,
                                color: edge,
                            });
                        }
                    }
                }
            })
            .render(area, buf);
    }

    fn render_legend(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        let width = usize::from(area.width.saturating_sub(3)).max(4);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{TREATED_GLYPH}{TREATED_GLYPH} "), t.treated),
                Span::raw(fit(v.treated_label, width)),
            ]),
            Line::from(vec![
                Span::styled(format!("{CONTROL_GLYPH}{CONTROL_GLYPH} "), t.control),
                Span::raw(fit(v.control_label, width)),
            ]),
        ];
        if v.districts.iter().any(|d| d.group == MapGroup::Outside) {
            lines.push(Line::from(vec![
                Span::raw("   "),
                Span::styled("outline only: not in it", t.dim),
            ]));
        }
        lines.push(Line::styled(v.class_heading.clone(), t.dim));
        let palette = t.sequential(v.classes.len());
        for (label, colour) in v.classes.iter().zip(&palette) {
            lines.push(Line::from(vec![
                Span::styled("██ ", Style::new().fg(*colour)),
                Span::raw(label.clone()),
            ]));
        }
        if t.kind == ThemeKind::Mono && !v.classes.is_empty() {
            lines.push(Line::styled(
                "(classes need colour; CSV/SVG export lists them)",
                t.dim,
            ));
        }
        if let Some(note) = &v.note {
            lines.push(Line::styled(note.clone(), t.warning));
        }
        if !v.without_boundary.is_empty() {
            lines.push(Line::styled(
                format!("Not on the map: {}", v.without_boundary.join(", ")),
                t.warning,
            ));
        }
        lines.push(Line::styled(
            "Boundaries: © GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0 (sample-data/README.md)",
            t.dim,
        ));
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }
}

fn fg(style: Style) -> Color {
    style.fg.unwrap_or(Color::Reset)
}

/// The districts' fill: every braille pixel whose centre lies in a district, thinned to its
/// group's pattern.
struct Fill<'a> {
    districts: &'a [MapDistrict],
    palette: &'a [Color],
    unclassed: Color,
    x_bounds: [f64; 2],
    y_bounds: [f64; 2],
    /// Braille pixels across and down (2 × 4 per cell).
    pixels: (usize, usize),
}

impl Shape for Fill<'_> {
    fn draw(&self, painter: &mut Painter) {
        let (w, h) = self.pixels;
        let [left, right] = self.x_bounds;
        let [bottom, top] = self.y_bounds;
        for j in 0..h {
            let y = top - (j as f64) * (top - bottom) / ((h - 1).max(1) as f64);
            for i in 0..w {
                // Both patterns lie on the checkerboard: treated districts fill all of it,
                // control districts every other row and column of it.
                if (i + j) % 2 != 0 {
                    continue;
                }
                let x = left + (i as f64) * (right - left) / ((w - 1).max(1) as f64);
                let Some(d) = self.districts.iter().find(|d| d.contains(x, y)) else {
                    continue;
                };
                let paint = match d.group {
                    MapGroup::Treated => true,
                    MapGroup::Control => i % 2 == 0,
                    MapGroup::Outside => false,
                };
                if paint {
                    let colour = d
                        .class
                        .and_then(|c| self.palette.get(c).copied())
                        .unwrap_or(self.unclassed);
                    painter.paint(i, j, colour);
                }
            }
        }
    }
}
