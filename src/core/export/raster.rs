//! PNG and PDF from a chart's SVG: usvg lays the text out with the committed font (shaped and
//! kerned by rustybuzz; plotters placed glyphs one by one from rounded advances, which split
//! words: "Employme nt", "SYN THETIC"), resvg paints it, svg2pdf writes the same tree as a
//! vector PDF with the font embedded.

use super::chart::{ChartError, MAX_SCALE, MIN_SCALE};
use super::text::{FONT_BYTES, FONT_FAMILY};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The committed font as the only font: output does not depend on the machine's fonts.
fn options() -> usvg::Options<'static> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_BYTES.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    });
    usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fonts.clone(),
        ..usvg::Options::default()
    }
}

/// The SVG parsed and laid out, as both renderers take it.
pub fn tree(svg: &str) -> Result<usvg::Tree, ChartError> {
    usvg::Tree::from_str(svg, &options()).map_err(|e| ChartError::Render(e.to_string()))
}

/// The SVG as PNG: its size times `scale`, on white, 8-bit RGB.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, ChartError> {
    if !(MIN_SCALE..=MAX_SCALE).contains(&scale) {
        return Err(ChartError::Scale(scale));
    }
    let tree = tree(svg)?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).round().max(1.0) as u32,
        (size.height() * scale).round().max(1.0) as u32,
    );
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| ChartError::Png(format!("{w}×{h} pixels")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // Opaque on white, so the premultiplied pixels are the plain colours; RGB keeps the file
    // small.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = ::png::Encoder::new(&mut out, w, h);
        encoder.set_color(::png::ColorType::Rgb);
        encoder.set_depth(::png::BitDepth::Eight);
        let png_err = |e: ::png::EncodingError| ChartError::Png(e.to_string());
        let mut writer = encoder.write_header().map_err(png_err)?;
        writer.write_image_data(&rgb).map_err(png_err)?;
    }
    Ok(out)
}

/// The SVG as a one-page PDF of its size (1920×1080 pt for a chart), vector, with the
/// committed font subset embedded so that its text can be searched and copied.
pub fn pdf(svg: &str) -> Result<Vec<u8>, ChartError> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| ChartError::Pdf(e.to_string()))
}
