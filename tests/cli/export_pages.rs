//! Exports of every page: charts rendered back (SVG parsed, PNG decoded), tables equal to the
//! report formatters, files never overwritten and written atomically.

use chrono::NaiveDate;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome};
use wirkung::core::estimate::estimate_did;
use wirkung::core::export::{self, ExportFormat, ExportRequest, Page};
use wirkung::core::report::{self, EstimateReport};

fn hand() -> Bundle {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    bundle::load(&dir).expect("hand bundle loads")
}

fn request(bundle: &Bundle, page: Page, format: ExportFormat) -> ExportRequest {
    let mut choices = Choices::new(bundle, Outcome::Employment, Comparison::EarlyStart);
    // The hand bundle is too small for the estimate with controls.
    choices
        .select_controls(bundle, &ControlSelection::None)
        .expect("no controls is always a selection");
    ExportRequest {
        page,
        choices,
        format,
        date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        scale: 1.0,
    }
}

fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

#[test]
fn trends_svg_has_both_series_marker_and_caption() {
    let b = hand();
    let req = request(&b, Page::Trends, ExportFormat::Svg);
    let svg = String::from_utf8(export::render(&b, &req).unwrap()).unwrap();
    let texts = svg_texts(&svg);
    let caption =
        "Hand-worked test bundle [SYNTHETIC] · Early vs late start · cutoff 2018-02-15 · 2026-01-02"
            .to_string();
    assert!(
        texts.iter().any(|t| t.trim() == caption),
        "caption missing in {texts:?}"
    );
    assert!(texts.iter().any(|t| t == "Early start"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Late start"), "{texts:?}");
    // The vertical line has its own legend entry, naming the exact cutoff.
    assert!(texts.iter().any(|t| t == "cutoff 2018-02-15"), "{texts:?}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Two group lines, the marker line and two legend swatches.
    let lines: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .collect();
    assert!(lines.len() >= 3, "{} polylines", lines.len());
    // The treated line has one vertex per month with data.
    let trends = derive::trends(&b, &req.choices.spec(&b)).unwrap();
    let treated_points = trends
        .points
        .iter()
        .filter(|p| p.group == derive::trends::Group::Treated)
        .count();
    let longest = lines
        .iter()
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(longest, treated_points);
}

#[test]
fn png_decodes_to_slide_size_with_both_series_colours() {
    let b = hand();
    let bytes = export::render(&b, &request(&b, Page::Trends, ExportFormat::Png)).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("valid PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1920, 1080));
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
    let count = |rgb: [u8; 3]| px.iter().filter(|p| **p == rgb).count();
    assert!(count([31, 119, 180]) > 500, "treated line not drawn");
    assert!(count([255, 127, 14]) > 500, "control line not drawn");
    // Text was rendered with the bundled font: dark-grey caption pixels exist.
    assert!(
        px.iter()
            .any(|p| p[0] < 140 && p[0] == p[1] && p[1] == p[2])
    );
}

#[test]
fn estimate_tables_reuse_the_report_formatters() {
    let b = hand();
    let req = request(&b, Page::Estimate, ExportFormat::Markdown);
    let panel = derive::panel(&b, &req.choices.spec(&b)).unwrap();
    let est = estimate_did(&panel, req.choices.options()).unwrap();
    let r = EstimateReport::new(&b.manifest, &panel, &est);
    let columns = report::estimate_columns(&b, &req.choices).unwrap();
    let md = String::from_utf8(export::render(&b, &req).unwrap()).unwrap();
    assert!(md.starts_with(&report::estimate_markdown(&columns)));
    assert!(md.contains("· controls: none ·"), "{md}");
    let csv = export::render(&b, &request(&b, Page::Estimate, ExportFormat::Csv)).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap(), report::estimate_csv(&r));
    let tex = export::render(&b, &request(&b, Page::Estimate, ExportFormat::Latex)).unwrap();
    let tex = String::from_utf8(tex).unwrap();
    // The report's table with the caption and the bundle's source as visible notes.
    let tex_req = request(&b, Page::Estimate, ExportFormat::Latex);
    let provenance: Vec<String> = [export::caption(&b, &tex_req, "none")]
        .into_iter()
        .chain(export::source_note(&b))
        .collect();
    assert_eq!(tex, report::estimate_latex(&columns, &provenance));
    let csv = export::render(&b, &request(&b, Page::Trends, ExportFormat::Csv)).unwrap();
    let trends = derive::trends(&b, &req.choices.spec(&b)).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap(), report::trends_csv(&trends));
}

#[test]
fn every_page_renders_in_every_format() {
    let b = hand();
    for &page in Page::ALL {
        for &format in ExportFormat::ALL {
            let bytes = match export::render(&b, &request(&b, page, format)) {
                Ok(bytes) => bytes,
                // The hand bundle's 23 months leave the event study no district: the
                // Robustness chart has nothing to draw (its table says why).
                Err(e) if page == Page::Robustness && format.is_chart() => {
                    assert!(
                        e.to_string().starts_with("nothing to draw: Event study"),
                        "{e}"
                    );
                    continue;
                }
                Err(e) => panic!("{page} {format:?}: {e}"),
            };
            assert!(bytes.len() > 50, "{page} {format:?} is nearly empty");
            if format == ExportFormat::Svg {
                let texts = svg_texts(std::str::from_utf8(&bytes).unwrap());
                assert!(
                    texts
                        .iter()
                        .any(|t| t.contains("Hand-worked test bundle [SYNTHETIC]")),
                    "{page}: no caption"
                );
            }
        }
    }
}

#[test]
fn topics_table_counts_match_the_activity_table() {
    let b = hand();
    let csv = export::render(&b, &request(&b, Page::Topics, ExportFormat::Csv)).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let labour: i64 = b.activity.iter().map(|a| a.talks[0]).sum();
    let line = csv
        .lines()
        .find(|l| l.starts_with("Labour market,"))
        .unwrap();
    assert!(
        line.starts_with(&format!("Labour market,{labour},")),
        "{line}"
    );
}

#[test]
fn export_never_overwrites_and_numbers_the_new_file() {
    let b = hand();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("slide.md");
    std::fs::write(&target, "the user's own notes").unwrap();
    let req = request(&b, Page::Topics, ExportFormat::Markdown);
    let first = export::export_to(&b, &req, &target).unwrap();
    let second = export::export_to(&b, &req, &target).unwrap();
    assert_eq!(first, dir.path().join("slide-1.md"));
    assert_eq!(second, dir.path().join("slide-2.md"));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "the user's own notes"
    );
    // A directory gets the default name.
    let third = export::export_to(
        &b,
        &request(&b, Page::Trends, ExportFormat::Svg),
        dir.path(),
    )
    .unwrap();
    assert_eq!(third, dir.path().join("trends-early-start.svg"));
    // No temp file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn interrupted_write_leaves_the_target_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    std::fs::write(&target, "old").unwrap();
    let err = export::write_atomic(&target, b"new content", true, Some(4)).unwrap_err();
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert!(export::write_atomic(&target, b"new", false, None).is_err());
    export::write_atomic(&target, b"new", true, None).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new");
}

#[test]
fn cli_export_writes_a_file_and_rejects_bad_pages() {
    let bin = env!("CARGO_BIN_EXE_wirkung");
    let dir = tempfile::tempdir().unwrap();
    let hand = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    let out = dir.path().join("t.png");
    let run = std::process::Command::new(bin)
        .args(["export", hand.to_str().unwrap(), "--page", "trends"])
        .args(["--comparison", "early-start", "--format", "png", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.is_file());
    let bad = std::process::Command::new(bin)
        .args([
            "export",
            hand.to_str().unwrap(),
            "--page",
            "nonsense",
            "--format",
            "svg",
        ])
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let housing_trends = std::process::Command::new(bin)
        .args(["export", hand.to_str().unwrap(), "--page", "trends"])
        .args([
            "--outcome",
            "housing",
            "--comparison",
            "capacity",
            "--format",
            "svg",
        ])
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(housing_trends.status.code(), Some(2));
}

#[test]
fn committed_asset_is_the_sample_trend_chart() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let svg = std::fs::read_to_string(root.join("assets/trends-early-start.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "Early start") && texts.iter().any(|t| t == "Late start"));
    let sample = bundle::load(&root.join("sample-data/bw-integration")).unwrap();
    let req = request(&sample, Page::Trends, ExportFormat::Svg);
    let fresh = String::from_utf8(export::render(&sample, &req).unwrap()).unwrap();
    let caption_prefix = format!(
        "{} [SYNTHETIC] · Early vs late start · ",
        sample.manifest.bundle.name
    );
    assert!(
        texts.iter().any(|t| t.starts_with(&caption_prefix)),
        "{texts:?}"
    );
    // Same drawing, line for line, apart from the caption (it carries the export date): a
    // chart left over from an earlier sample fails here.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains(&caption_prefix))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (old, new) = (strip(&svg), strip(&fresh));
    assert_eq!(
        old.len(),
        new.len(),
        "regenerate assets/trends-early-start.svg"
    );
    for (a, b) in old.iter().zip(&new) {
        assert_eq!(a, b, "regenerate assets/trends-early-start.svg");
    }
}

/// Slides made from the sample carry the attribution (and licence) of the real district frame
/// it uses: every chart and table format except the plain-data CSV names the source.
#[test]
fn exports_of_the_sample_name_the_source_and_its_licence() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sample = bundle::load(&root.join("sample-data/bw-integration")).unwrap();
    for &page in Page::ALL.iter().filter(|p| **p != Page::Robustness) {
        for format in [
            ExportFormat::Svg,
            ExportFormat::Markdown,
            ExportFormat::Latex,
        ] {
            let req = request(&sample, page, format);
            let text = String::from_utf8(export::render(&sample, &req).unwrap()).unwrap();
            let source_line = text
                .lines()
                .find(|l| l.contains("Source: District frame"))
                .unwrap_or_else(|| panic!("{page:?} {format:?} names no source"));
            assert!(source_line.contains("CC BY 4.0"), "{source_line}");
        }
    }
    // A bundle that names no source gets no source line.
    let hand = hand();
    let req = request(&hand, Page::Trends, ExportFormat::Markdown);
    let text = String::from_utf8(export::render(&hand, &req).unwrap()).unwrap();
    assert_eq!(
        text.contains("Source:"),
        !hand.manifest.bundle.source.trim().is_empty()
    );
}

/// No district with a capacity change (a header-only `staffing` table): the staffing chart
/// has nothing to draw. plotters used to loop forever computing an axis without ticks, which
/// froze the dashboard's `e`; then the chart was an empty grid with a note; now the chart is
/// refused, naming the chart, in bounded time (the table still exports).
#[test]
fn an_empty_staffing_chart_is_refused_instead_of_drawn() {
    let mut b = hand();
    b.staffing.clear();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let svg = export::render(&b, &request(&b, Page::Staffing, ExportFormat::Svg));
        let png = export::render(&b, &request(&b, Page::Staffing, ExportFormat::Png));
        let csv = export::render(&b, &request(&b, Page::Staffing, ExportFormat::Csv));
        let _ = tx.send((
            svg.map_err(|e| e.to_string()),
            png.map_err(|e| e.to_string()),
            csv.is_ok(),
        ));
    });
    let (svg, png, csv) = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the staffing export finishes");
    for e in [svg.unwrap_err(), png.unwrap_err()] {
        assert!(e.starts_with("nothing to draw: Change in IM staff"), "{e}");
    }
    assert!(csv);
}

/// A bundle's name and source are data: a line break in them must not end the LaTeX comment
/// they are written into and leave live commands (`\write18` runs a shell under
/// `-shell-escape`).
#[test]
fn bundle_text_cannot_leave_the_latex_comment() {
    let mut b = hand();
    b.manifest.bundle.name = "Hand\n\\immediate\\write18{touch pwned}".into();
    b.manifest.bundle.source = "Somewhere\r\n\\input{/etc/passwd}".into();
    for &page in Page::ALL {
        let bytes = export::render(&b, &request(&b, page, ExportFormat::Latex))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        let tex = String::from_utf8(bytes).unwrap();
        for line in tex.lines() {
            let live = line.trim_start();
            assert!(
                !live.starts_with("\\immediate") && !live.starts_with("\\input"),
                "{page}: live line from bundle text: {line}"
            );
        }
    }
}
