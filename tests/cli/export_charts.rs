//! Charts for slides, rendered back: every exported SVG laid out by usvg with the committed
//! font, and every text element found inside the 1920×1080 canvas; legends naming each series
//! of a multi-series chart; whole-number ticks on count axes and calendar ticks on month axes;
//! PNG at the requested scale; PDF as a vector file whose text carries the SYNTHETIC badge and
//! the source line; bundle text that cannot break the SVG; a chart with nothing to draw refused
//! with exit status 2.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use wirkung::core::bundle::{self, Bundle};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::export::{self, ExportFormat, ExportRequest, Page, raster};
use wirkung::core::robust::{Check, RobustSuite};
use wirkung::core::view::event_time::Estimator;
use wirkung::core::view::map::MapColouring;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> Bundle {
    bundle::load(&root().join("sample-data/bw-integration")).expect("sample loads")
}

fn request(b: &Bundle, page: Page, comparison: Comparison, format: ExportFormat) -> ExportRequest {
    ExportRequest {
        page,
        choices: Choices::new(b, Outcome::Employment, comparison),
        format,
        date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        scale: 1.0,
    }
}

/// Every chart the sample exports, by name: each page's, the event-time view, the checks with
/// a chart of their own, and both maps.
fn sample_svgs() -> Vec<(String, String)> {
    let b = sample();
    let mut out = Vec::new();
    let svg = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    for &page in Page::ALL {
        for comparison in [Comparison::EarlyStart, Comparison::Capacity] {
            let req = request(&b, page, comparison, ExportFormat::Svg);
            if let Ok(bytes) = export::render(&b, &req) {
                out.push((format!("{page} {comparison:?}"), svg(bytes)));
            } else {
                // Only a page whose chart has no comparison of its own may refuse, and never
                // the default.
                assert_ne!(comparison, Comparison::EarlyStart, "{page}");
            }
        }
    }
    let req = request(
        &b,
        Page::Robustness,
        Comparison::EarlyStart,
        ExportFormat::Svg,
    );
    let suite = RobustSuite::compute(&b, &req.choices.spec(&b), &req.choices.robust_options());
    out.push((
        "event time".into(),
        svg(export::event_time::render_event_time(&b, &req, &suite, &Estimator::ALL).unwrap()),
    ));
    for check in [Check::Bacon, Check::Sdid] {
        let req = request(
            &b,
            Page::Robustness,
            Comparison::BwVsNeighbours,
            ExportFormat::Svg,
        );
        let result = wirkung::core::robust::run(
            check,
            &b,
            &req.choices.spec(&b),
            &req.choices.robust_options(),
        );
        let (bytes, _) =
            export::robustness::export_check(&b, &req, check, result.as_ref(), None).unwrap();
        out.push((format!("check {check:?}"), svg(bytes)));
    }
    for colouring in [MapColouring::StartDate, MapColouring::Measure] {
        let req = request(
            &b,
            Page::StartTimes,
            Comparison::EarlyStart,
            ExportFormat::Svg,
        );
        let bytes = export::map::render_map(&b, &req, colouring)
            .unwrap()
            .unwrap();
        out.push((format!("map {colouring:?}"), svg(bytes)));
    }
    out
}

/// Every text node of the laid-out SVG with its box in canvas coordinates.
fn text_boxes(svg: &str) -> (f32, f32, Vec<(String, [f32; 4])>) {
    fn walk(g: &resvg::usvg::Group, out: &mut Vec<(String, [f32; 4])>) {
        for node in g.children() {
            match node {
                resvg::usvg::Node::Group(g) => walk(g, out),
                resvg::usvg::Node::Text(t) => {
                    let b = t.abs_bounding_box();
                    let content: String = t.chunks().iter().map(|c| c.text()).collect();
                    out.push((content, [b.left(), b.top(), b.right(), b.bottom()]));
                }
                _ => {}
            }
        }
    }
    let tree = raster::tree(svg).expect("usvg reads the SVG");
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    (tree.size().width(), tree.size().height(), out)
}

fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn every_text_of_every_exported_chart_lies_inside_the_canvas() {
    let charts = sample_svgs();
    assert!(charts.len() >= 12, "{} charts", charts.len());
    for (name, svg) in &charts {
        let (w, h, boxes) = text_boxes(svg);
        assert!(!boxes.is_empty(), "{name}: no text laid out");
        assert_eq!(
            boxes.len(),
            svg_texts(svg).len(),
            "{name}: a text was not laid out (missing glyphs?)"
        );
        for (text, [l, t, r, b]) in &boxes {
            assert!(
                *l >= 0.0 && *t >= 0.0 && *r <= w && *b <= h,
                "{name}: {text:?} at [{l:.0}, {t:.0}, {r:.0}, {b:.0}] leaves the {w}×{h} canvas"
            );
        }
    }
}

#[test]
fn charts_are_slide_sized() {
    for (name, svg) in sample_svgs().iter().filter(|(n, _)| !n.starts_with("map")) {
        let (w, h, _) = text_boxes(svg);
        assert_eq!((w, h), (1920.0, 1080.0), "{name}");
    }
}

/// The names of a multi-series chart's series, and its reference lines, are legend text.
#[test]
fn every_multi_series_chart_names_its_series_in_a_legend() {
    let charts = sample_svgs();
    let texts = |prefix: &str| -> Vec<String> {
        let (_, svg) = charts
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("no chart {prefix}"));
        svg_texts(svg)
    };
    let has = |prefix: &str, wanted: &[&str]| {
        let t = texts(prefix);
        for w in wanted {
            assert!(
                t.iter().any(|x| x.contains(w)),
                "{prefix}: legend lacks {w:?} in {t:?}"
            );
        }
    };
    has(
        "trends EarlyStart",
        &["Early start", "Late start", "cutoff 2018-02-15"],
    );
    has(
        "start-times EarlyStart",
        &["early start (", "late start (", "cutoff 2018-02-15"],
    );
    has(
        "staffing",
        &["above the median", "at or below the median", "median "],
    );
    has("topics", &["topics the page ranks", "other topics"]);
    has(
        "overview EarlyStart",
        &[
            "Early start (n =",
            "Late start (n =",
            "had it changed as",
            "DiD",
        ],
    );
    has(
        "estimate EarlyStart",
        &["Early start (n =", "Late start (n ="],
    );
    has(
        "implementation",
        &["via the district office", "other forms"],
    );
    has(
        "event time",
        &["TWFE", "Callaway", "Sun", "mputation", "reference month"],
    );
    has("check Sdid", &["BW", "synthetic control", "base month"]);
    has("check Bacon", &["TWFE coefficient"]);
    has("robustness EarlyStart", &["base period"]);
}

#[test]
fn count_axes_have_whole_ticks_and_month_axes_calendar_ticks() {
    let charts = sample_svgs();
    let ticks = |prefix: &str| -> Vec<String> {
        let (_, svg) = charts.iter().find(|(n, _)| n.starts_with(prefix)).unwrap();
        let doc = roxmltree::Document::parse(svg).unwrap();
        // Tick labels are the end-anchored (y) and middle-anchored (x) texts in tick size.
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("font-size") == Some("24"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    };
    let start = ticks("start-times EarlyStart");
    let numeric: Vec<&String> = start
        .iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || c == ','))
        .collect();
    assert!(numeric.len() >= 3, "{start:?}");
    assert!(
        start
            .iter()
            .all(|t| !t.ends_with(".0") && !t.contains(".5")),
        "{start:?}"
    );
    let trends = ticks("trends EarlyStart");
    let months: Vec<&String> = trends
        .iter()
        .filter(|t| t.len() == 7 && t.as_bytes()[4] == b'-')
        .collect();
    assert!(months.len() >= 4, "{trends:?}");
    for m in months {
        let month: u32 = m[5..].parse().unwrap();
        assert!([1, 4, 7, 10].contains(&month), "{m} is no quarter start");
    }
}

#[test]
fn png_is_1920_by_1080_times_the_scale_with_the_group_colours() {
    let b = sample();
    for (scale, size) in [(1.0, (1920, 1080)), (0.5, (960, 540))] {
        let req = ExportRequest {
            scale,
            ..request(&b, Page::Trends, Comparison::EarlyStart, ExportFormat::Png)
        };
        let bytes = export::render(&b, &req).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("valid PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), size);
        if scale == 1.0 {
            let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
            let count = |rgb: [u8; 3]| px.iter().filter(|p| **p == rgb).count();
            assert!(count(export::Meaning::Treated.rgb()) > 500);
            assert!(count(export::Meaning::Comparison.rgb()) > 500);
        }
    }
    let req = ExportRequest {
        scale: 9.0,
        ..request(&b, Page::Trends, Comparison::EarlyStart, ExportFormat::Png)
    };
    let err = export::render(&b, &req).unwrap_err().to_string();
    assert!(err.contains("--scale must be between"), "{err}");
}

fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn pdf_is_a_vector_file_carrying_the_badge_and_the_source() {
    let b = sample();
    for page in [Page::Trends, Page::StartTimes, Page::Staffing] {
        let req = request(&b, page, Comparison::EarlyStart, ExportFormat::Pdf);
        let pdf = export::render(&b, &req).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{page}");
        // Vector: no embedded raster image.
        assert!(!pdf.windows(13).any(|w| w == b"/Subtype /Ima"), "{page}");
        match pdftotext(&pdf) {
            Some(text) => {
                let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(flat.contains("[SYNTHETIC]"), "{page}: {flat}");
                assert!(flat.contains("Source: District frame"), "{page}: {flat}");
                assert!(flat.contains("CC BY 4.0"), "{page}: {flat}");
            }
            None => eprintln!("pdftotext not installed: PDF text not checked (skipped)"),
        }
    }
    let req = request(
        &b,
        Page::StartTimes,
        Comparison::EarlyStart,
        ExportFormat::Pdf,
    );
    let map = export::map::render_map(&b, &req, MapColouring::StartDate)
        .unwrap()
        .unwrap();
    assert!(map.starts_with(b"%PDF"));
}

/// Control characters and XML specials in the bundle's name, source and district names never
/// make an invalid SVG and never reach a label raw.
#[test]
fn hostile_bundle_text_is_escaped_and_cleaned() {
    let mut b = sample();
    let hostile = "Kreis <b>&amp\u{7}\t\"quoted\"\r\n'x' ]]> \u{0}end";
    b.manifest.bundle.name = hostile.into();
    b.manifest.bundle.source = format!("{hostile} CC BY 4.0");
    for d in b.districts.iter_mut() {
        d.name = format!("{hostile} {}", d.name);
    }
    for page in [Page::Staffing, Page::Trends, Page::StartTimes] {
        let req = request(&b, page, Comparison::EarlyStart, ExportFormat::Svg);
        let svg = String::from_utf8(export::render(&b, &req).unwrap()).unwrap();
        let texts = svg_texts(&svg);
        assert!(
            texts
                .iter()
                .any(|t| t.contains("Kreis <b>&amp \"quoted\" 'x' ]]> end")),
            "{page}: {texts:?}"
        );
        assert!(
            texts.iter().all(|t| !t.chars().any(char::is_control)),
            "{page}"
        );
        let (w, h, boxes) = text_boxes(&svg);
        for (text, [l, t, r, bt]) in boxes {
            assert!(
                l >= 0.0 && t >= 0.0 && r <= w && bt <= h,
                "{page}: {text:?}"
            );
        }
        let req = ExportRequest {
            format: ExportFormat::Png,
            ..req
        };
        assert!(export::render(&b, &req).is_ok(), "{page}");
    }
}

fn wirkung(args: &[&str], out: &Path) -> (Option<i32>, String) {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// A chart with nothing to draw is refused with exit status 2 and a reason, and no file is
/// written; its table (which says why) still exports.
#[test]
fn a_chart_with_nothing_to_draw_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("sample-data/bw-integration");
    let sample = sample.to_str().unwrap();
    // The placebo test has a table and no chart of its own.
    let args = [
        "export",
        sample,
        "--page",
        "robustness",
        "--check",
        "placebo",
        "--format",
        "svg",
    ];
    let (code, err) = wirkung(&args, dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nothing to draw"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let mut csv = args.to_vec();
    let last = csv.len() - 1;
    csv[last] = "csv";
    let (code, err) = wirkung(&csv, dir.path());
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = wirkung(
        &[
            "export", sample, "--page", "trends", "--format", "png", "--scale", "10",
        ],
        &dir.path().join("big.png"),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--scale must be between"), "{err}");
}

/// The committed slide assets are what `scripts/assets.sh` writes today: one chart per page.
#[test]
fn assets_hold_one_chart_per_page() {
    let dir = root().join("assets");
    for &page in Page::ALL {
        let found = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(page.id()) && name.ends_with(".svg")
            });
        assert!(found, "assets/ has no SVG of {page}");
    }
    let pngs = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .count();
    assert!(pngs >= 2, "{pngs} PNGs in assets/");
}

/// A bar's name that is wider than its bar is broken over level lines under it, not turned
/// and cut: the Implementation chart's "external, for the municipality" reads whole.
#[test]
fn bar_names_are_broken_over_lines_not_cut() {
    let charts = sample_svgs();
    let (_, svg) = charts
        .iter()
        .find(|(n, _)| n.starts_with("implementation"))
        .unwrap();
    let doc = roxmltree::Document::parse(svg).unwrap();
    let ticks: Vec<(f64, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("font-size") == Some("24"))
        .filter(|n| n.attribute("text-anchor") == Some("middle"))
        .map(|n| {
            assert!(n.attribute("transform").is_none(), "turned: {svg}");
            let x = n.attribute("x").unwrap().parse::<f64>().unwrap();
            (x, n.text().unwrap_or(""))
        })
        .collect();
    assert!(ticks.iter().all(|(_, t)| !t.contains('…')), "{ticks:?}");
    let under = |first: &str| -> Vec<&str> {
        let (x, _) = ticks.iter().find(|(_, t)| *t == first).unwrap();
        ticks
            .iter()
            .filter(|(at, _)| at == x)
            .map(|(_, t)| *t)
            .collect()
    };
    assert_eq!(
        under("external, for the")
            .iter()
            .filter(|t| **t == "municipality" || **t == "district office")
            .count(),
        1,
        "{ticks:?}"
    );
    assert!(ticks.iter().any(|(_, t)| *t == "district office itself"));
}
