//! The district map (`core::view::map::MapView`) as SVG for slides: districts filled in their
//! class colour, control districts hatched over it and districts outside the comparison left
//! white, so the treated/control split reads in monochrome print; a legend, the caption and
//! the boundaries' source, licence and vintage below.

use super::{ExportError, ExportFormat, ExportRequest, Page, caption, raster, source_note};
use crate::core::bundle::Bundle;
use crate::core::view::map::{MapColouring, MapGroup, MapView, sequential_colours};
use std::fmt::Write as _;

/// The map of the Start times page for the request's choices: SVG, PNG or PDF (the map) or
/// CSV (one row per district: group, value, class); `None` for formats a map has no form in.
pub fn render_map(
    bundle: &Bundle,
    req: &ExportRequest,
    colouring: MapColouring,
) -> Option<Result<Vec<u8>, ExportError>> {
    let view = MapView::build(bundle, &req.choices, colouring);
    let req = ExportRequest {
        page: Page::StartTimes,
        ..req.clone()
    };
    let svg = || {
        let source = source_note(bundle);
        map_svg(&view, &caption(bundle, &req, "none"), source.as_deref())
    };
    match req.format {
        ExportFormat::Svg => Some(Ok(svg().into_bytes())),
        ExportFormat::Png => Some(raster::png(&svg(), req.scale).map_err(ExportError::from)),
        ExportFormat::Pdf => Some(raster::pdf(&svg()).map_err(ExportError::from)),
        ExportFormat::Csv => Some(Ok(view.table().csv().into_bytes())),
        ExportFormat::Markdown | ExportFormat::Latex | ExportFormat::Xlsx => None,
    }
}

const MAP_WIDTH: f64 = 640.0;
const LEGEND_WIDTH: f64 = 300.0;
const MARGIN: f64 = 16.0;
const LINE: f64 = 16.0;

fn esc(s: &str) -> String {
    super::text::xml(s)
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Breaks `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The map as a standalone SVG document. `caption` names the bundle, comparison and date;
/// `source` is the bundle's own source line, if any.
pub fn map_svg(view: &MapView, caption: &str, source: Option<&str>) -> String {
    let (x0, y0, x1, y1) = view.bounds;
    let (dx, dy) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let scale = MAP_WIDTH / dx;
    let map_height = dy * scale;
    let mut notes: Vec<String> = Vec::new();
    notes.extend(wrap(caption, 130));
    if let Some(s) = source {
        notes.extend(wrap(s, 130));
    }
    notes.extend(wrap(&view.attribution, 130));
    if !view.without_boundary.is_empty() {
        notes.push(format!(
            "Not on the map (no boundary in the source): {}",
            view.without_boundary.join(", ")
        ));
    }
    let width = MARGIN * 3.0 + MAP_WIDTH + LEGEND_WIDTH;
    let top = MARGIN + 2.0 * LINE;
    let height = top + map_height + MARGIN + notes.len() as f64 * LINE + MARGIN;
    let colours: Vec<String> = sequential_colours(view.classes.len())
        .into_iter()
        .map(hex)
        .collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{family}, Verdana, sans-serif" font-size="12">
<defs><pattern id="control-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="white" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="6" stroke="black" stroke-width="1.6"/></pattern></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="{MARGIN}" y="{:.1}" font-size="15" font-weight="bold">{}</text>"##,
        MARGIN + LINE,
        esc(&view.title),
        family = super::text::FONT_FAMILY,
    );
    let px = |x: f64| MARGIN + (x - x0) * scale;
    let py = |y: f64| top + (y1 - y) * scale;
    for d in &view.districts {
        let mut path = String::new();
        for ring in &d.rings {
            for (k, (x, y)) in ring.iter().enumerate() {
                let _ = write!(
                    path,
                    "{}{:.1} {:.1}",
                    if k == 0 { "M" } else { "L" },
                    px(*x),
                    py(*y)
                );
            }
            path.push('Z');
        }
        let fill = match (d.group, d.class) {
            (MapGroup::Outside, _) => "white".to_string(),
            (_, Some(c)) => colours[c].clone(),
            (_, None) => "#d9d9d9".to_string(),
        };
        let value = d.value.map(|v| format!(": {v:.3}")).unwrap_or_default();
        let _ = writeln!(
            s,
            r##"<path d="{path}" fill="{fill}" fill-rule="evenodd" stroke="#333" stroke-width="0.6"><title>{} {}{value}</title></path>"##,
            esc(&d.id),
            esc(&d.name)
        );
        if d.group == MapGroup::Control {
            let _ = writeln!(
                s,
                r##"<path d="{path}" fill="url(#control-hatch)" fill-rule="evenodd" stroke="none"/>"##
            );
        }
    }
    // Legend: the groups' patterns, then the classes.
    let lx = MARGIN * 2.0 + MAP_WIDTH;
    let mut ly = top;
    let swatch = |s: &mut String, y: f64, fill: &str, hatch: bool, label: &str| {
        let _ = writeln!(
            s,
            r##"<rect x="{lx}" y="{:.1}" width="22" height="12" fill="{fill}" stroke="#333" stroke-width="0.6"/>"##,
            y - 10.0
        );
        if hatch {
            let _ = writeln!(
                s,
                r##"<rect x="{lx}" y="{:.1}" width="22" height="12" fill="url(#control-hatch)"/>"##,
                y - 10.0
            );
        }
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{y:.1}">{}</text>"##,
            lx + 30.0,
            esc(label)
        );
    };
    swatch(
        &mut s,
        ly,
        "#bdbdbd",
        false,
        &format!("{} (treated): solid", view.treated_label),
    );
    ly += LINE * 1.3;
    swatch(
        &mut s,
        ly,
        "#bdbdbd",
        true,
        &format!("{} (control): hatched", view.control_label),
    );
    ly += LINE * 1.3;
    if view.districts.iter().any(|d| d.group == MapGroup::Outside) {
        swatch(&mut s, ly, "white", false, "not in the comparison");
        ly += LINE * 1.3;
    }
    ly += LINE * 0.5;
    for line in wrap(&view.class_heading, 42) {
        let _ = writeln!(
            s,
            r##"<text x="{lx}" y="{ly:.1}" font-weight="bold">{}</text>"##,
            esc(&line)
        );
        ly += LINE;
    }
    ly += LINE * 0.3;
    for (label, colour) in view.classes.iter().zip(&colours) {
        swatch(&mut s, ly, colour, false, label);
        ly += LINE * 1.3;
    }
    swatch(&mut s, ly, "#d9d9d9", false, "no value");
    if let Some(note) = &view.note {
        ly += LINE * 1.3;
        for line in wrap(note, 42) {
            let _ = writeln!(s, r##"<text x="{lx}" y="{ly:.1}">{}</text>"##, esc(&line));
            ly += LINE;
        }
    }
    let mut ny = top + map_height + MARGIN + LINE * 0.8;
    for line in &notes {
        let _ = writeln!(
            s,
            r##"<text x="{MARGIN}" y="{ny:.1}" font-size="10.5" fill="#333">{}</text>"##,
            esc(line)
        );
        ny += LINE;
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(esc("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;");
    }
}
