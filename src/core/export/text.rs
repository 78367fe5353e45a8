//! Text on charts: widths from the committed font's advances (so captions wrap to the canvas
//! and labels are placed inside it), and bundle text made safe for SVG.

use std::sync::OnceLock;

/// DejaVu Sans, committed with its licence: the only font the PNG and PDF renderers load, and
/// the first family the SVG names.
pub static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The family the SVG asks for; viewers without DejaVu Sans fall back to a sans-serif.
pub const FONT_FAMILY: &str = "DejaVu Sans";

struct Metrics {
    units_per_em: f64,
    /// Advance of each char below U+0250 (Latin), looked up once.
    latin: Vec<f64>,
    fallback: f64,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| match ttf_parser::Face::parse(FONT_BYTES, 0) {
        Ok(face) => {
            let advance = |c: char| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(f64::from)
            };
            let fallback = advance('M').unwrap_or(1500.0);
            Metrics {
                units_per_em: f64::from(face.units_per_em()),
                latin: (0..0x250u32)
                    .map(|u| char::from_u32(u).and_then(advance).unwrap_or(fallback))
                    .collect(),
                fallback,
            }
        }
        // The font is compiled in; should it ever fail to parse, widths are overestimated
        // (an em per char) so that text still wraps inside the canvas.
        Err(_) => Metrics {
            units_per_em: 1.0,
            latin: Vec::new(),
            fallback: 1.0,
        },
    })
}

/// Width of `text` set in the committed font at `size` pixels (sum of advances; kerning only
/// narrows DejaVu's pairs, so this never underestimates by more than a pixel or two).
pub fn width(text: &str, size: f64) -> f64 {
    let m = metrics();
    let units: f64 = text
        .chars()
        .map(|c| m.latin.get(c as usize).copied().unwrap_or(m.fallback))
        .sum();
    units / m.units_per_em * size
}

/// Bundle text as it may appear in a label: control characters (a tab, a line break, NUL)
/// become spaces, and runs of spaces one space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// `text` cleaned and escaped for SVG character data and attribute values.
pub fn xml(text: &str) -> String {
    clean(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// `text` broken at spaces into lines no wider than `max_width` at `size`; a single word
/// wider than that is cut with a trailing `…` (never left to run off the edge).
pub fn wrap(text: &str, size: f64, max_width: f64) -> Vec<String> {
    let text = clean(text);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size) <= max_width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
        if width(&line, size) > max_width {
            lines.push(truncate(&line, size, max_width));
            line.clear();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut so that it and a trailing `…` fit in `max_width`.
pub fn truncate(text: &str, size: f64, max_width: f64) -> String {
    let text = clean(text);
    if width(&text, size) <= max_width {
        return text;
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if width(&out, size) + width("…", size) > max_width {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        // DejaVu Sans: 'M' is 0.863 em, 'i' 0.278 em.
        assert!(
            (width("M", 100.0) - 86.3).abs() < 0.2,
            "{}",
            width("M", 100.0)
        );
        assert!((width("i", 100.0) - 27.8).abs() < 0.2);
        assert!(width("Employment", 20.0) > width("Employ", 20.0));
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "bw-integration [SYNTHETIC] · Early vs late start · controls: Protection \
                    seekers, % of population 2017, GDP per capita 2017 · 2026-01-02";
        let lines = wrap(text, 24.0, 600.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, 24.0) <= 600.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        let long = wrap(&"x".repeat(200), 24.0, 300.0);
        assert!(long[0].ends_with('…') && width(&long[0], 24.0) <= 300.0);
    }

    #[test]
    fn bundle_text_cannot_break_the_svg() {
        assert_eq!(xml("a<b>&\"c'\u{0}\nd"), "a&lt;b&gt;&amp;&quot;c&apos; d");
        assert_eq!(clean("a\t\tb\r\n"), "a b");
    }
}
