//! Every `.tex` the exports write (each page, each robustness check, the event-time view,
//! every exhibit, `estimate --format latex`) compiles in a plain `article` with no packages,
//! without overfull boxes above 1 pt, and the PDF's text (`pdftotext`) holds the SYNTHETIC
//! badge and the source line with its licence. Compiling needs `pdflatex` and `pdftotext`
//! (`apt-get install texlive-latex-base poppler-utils`); without them the test says it
//! skipped them and checks the files' text only.

use chrono::NaiveDate;
use std::path::Path;
use std::process::Command;
use wirkung::core::bundle::{self, Bundle};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::export::{self, ExportFormat, ExportRequest, Page};
use wirkung::core::robust::{self, Check, RobustSuite};
use wirkung::core::view::event_time::Estimator;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");
/// The sample's source, as the PDF must show it (bundle.toml's `source`, up to its first
/// sentence end).
const SOURCE_LINE: &str =
    "Source: District frame: Destatis GV-ISys via npm landkreise-deutschland, licence CC BY 4.0.";

fn sample() -> Bundle {
    bundle::load(Path::new(SAMPLE)).expect("the sample loads")
}

fn request(bundle: &Bundle, page: Page, comparison: Comparison) -> ExportRequest {
    ExportRequest {
        page,
        choices: Choices::new(bundle, Outcome::Employment, comparison),
        format: ExportFormat::Latex,
        date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        scale: 1.0,
    }
}

fn wirkung(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "wirkung {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Every `.tex` file the exports write on the sample, by a name for messages.
fn tex_files() -> Vec<(String, String)> {
    let b = sample();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    let mut files = Vec::new();
    for &page in Page::ALL {
        for comparison in [Comparison::EarlyStart, Comparison::BwVsNeighbours] {
            let req = request(&b, page, comparison);
            let tex = text(export::render(&b, &req).unwrap_or_else(|e| panic!("{page}: {e}")));
            files.push((format!("{page}-{}", comparison.id()), tex));
        }
    }
    let req = request(&b, Page::Robustness, Comparison::EarlyStart);
    let spec = req.choices.spec(&b);
    let options = req.choices.robust_options();
    for &check in Check::ALL {
        let result = robust::run(check, &b, &spec, &options);
        let (bytes, _) =
            export::robustness::export_check(&b, &req, check, result.as_ref(), None).unwrap();
        files.push((format!("check-{}", check.id()), text(bytes)));
    }
    let suite = RobustSuite::compute(&b, &spec, &options);
    let bytes = export::event_time::render_event_time(&b, &req, &suite, &Estimator::ALL).unwrap();
    files.push(("event-time".into(), text(bytes)));
    for line in wirkung(&["exhibit", "--list"]).lines() {
        let id = line.split_whitespace().next().expect("an id");
        let tex = wirkung(&["exhibit", SAMPLE, "--id", id, "--format", "tex"]);
        files.push((format!("exhibit-{id}"), tex));
    }
    let tex = wirkung(&[
        "estimate",
        SAMPLE,
        "--outcome",
        "employment",
        "--comparison",
        "capacity",
        "--format",
        "latex",
    ]);
    files.push(("estimate-cli".into(), tex));
    files
}

/// The text outside math mode (`$…$`), where `<`, `>` and `|` print as other glyphs.
fn outside_math(tex: &str) -> String {
    tex.replace("\\$", "")
        .split('$')
        .step_by(2)
        .collect::<Vec<_>>()
        .concat()
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
}

/// A line on the test's standard error that the harness does not capture: whether the files
/// were compiled is worth seeing in a passing run.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Whether pdflatex and pdftotext are there; says so when they are not.
fn can_compile(files: usize) -> bool {
    let there = tool("pdflatex") && tool("pdftotext");
    if !there {
        say(&format!(
            "export_latex: skipped compiling {files} .tex files: pdflatex or pdftotext is not \
             on PATH (apt-get install texlive-latex-base poppler-utils)"
        ));
    }
    there
}

/// Overfull boxes the log reports, in points (`Overfull \hbox (12.3pt too wide)`).
fn overfull(log: &str) -> Vec<(f64, String)> {
    log.lines()
        .filter(|l| l.starts_with("Overfull \\"))
        .filter_map(|l| {
            let pt = l
                .split('(')
                .nth(1)?
                .split("pt")
                .next()?
                .parse::<f64>()
                .ok()?;
            Some((pt, l.to_string()))
        })
        .collect()
}

/// Compiles `tex` inside a plain article; returns the PDF's text with whitespace collapsed.
fn compile(dir: &Path, name: &str, tex: &str) -> String {
    std::fs::write(dir.join(format!("{name}.tex")), tex).unwrap();
    let doc = format!("{name}-doc");
    std::fs::write(
        dir.join(format!("{doc}.tex")),
        format!("\\documentclass{{article}}\n\\begin{{document}}\n\\input{{{name}}}\n\\end{{document}}\n"),
    )
    .unwrap();
    let out = Command::new("pdflatex")
        .args([
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-no-shell-escape",
        ])
        .arg(format!("{doc}.tex"))
        .current_dir(dir)
        .output()
        .expect("pdflatex runs");
    let log = std::fs::read_to_string(dir.join(format!("{doc}.log"))).unwrap_or_default();
    assert!(
        out.status.success(),
        "{name} does not compile:\n{}",
        log.lines()
            .filter(|l| l.starts_with('!') || l.starts_with("l."))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let wide: Vec<String> = overfull(&log)
        .into_iter()
        .filter(|(pt, _)| *pt > 1.0)
        .map(|(_, l)| l)
        .collect();
    assert!(
        wide.is_empty(),
        "{name}: overfull boxes:\n{}",
        wide.join("\n")
    );
    let text = Command::new("pdftotext")
        .arg(format!("{doc}.pdf"))
        .arg("-")
        .current_dir(dir)
        .output()
        .expect("pdftotext runs");
    // Ligatures come back as their own code points.
    String::from_utf8_lossy(&text.stdout)
        .replace('\u{FB00}', "ff")
        .replace('\u{FB01}', "fi")
        .replace('\u{FB02}', "fl")
        .replace('\u{FB03}', "ffi")
        .replace('\u{FB04}', "ffl")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_tex_export_compiles_without_overfull_boxes_and_shows_badge_and_source() {
    let files = tex_files();
    // Two comparisons per page, each check, the event-time view, each exhibit, the CLI's
    // estimate.
    assert_eq!(
        files.len(),
        Page::ALL.len() * 2 + Check::ALL.len() + 1 + wirkung::core::exhibit::EXHIBITS.len() + 1
    );
    for (name, tex) in &files {
        // Provenance is text, not a comment (a comment is invisible in the PDF).
        for line in tex.lines().filter(|l| l.trim_start().starts_with('%')) {
            assert!(
                !line.contains("SYNTHETIC") && !line.contains("Source:"),
                "{name}: provenance in a comment: {line}"
            );
        }
        assert!(tex.contains("[SYNTHETIC]"), "{name}: no badge");
        assert!(tex.contains("Source: District frame"), "{name}: no source");
        let text = outside_math(tex);
        assert!(
            !text.contains(['<', '>', '|']),
            "{name}: <, > or | outside math mode"
        );
    }
    // The 69 months of the trends table are split into tabulars a page holds (one tabular
    // never breaks across pages).
    let trends = &files
        .iter()
        .find(|(n, _)| n == "trends-early-start")
        .unwrap()
        .1;
    assert!(trends.matches("\\begin{tabular}").count() >= 2, "{trends}");
    let estimate = &files.iter().find(|(n, _)| n == "estimate-cli").unwrap().1;
    assert!(estimate.contains("Group means"), "{estimate}");

    if !can_compile(files.len()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, tex) in &files {
        let text = compile(dir.path(), name, tex);
        assert!(
            text.contains("[SYNTHETIC]"),
            "{name}: no badge in the PDF: {text}"
        );
        assert!(
            text.contains(SOURCE_LINE),
            "{name}: no source line in the PDF: {text}"
        );
        if name == "estimate-cli" {
            for visible in ["Group means, %", "p<0.10", "(1) without controls"] {
                assert!(
                    text.replace(" < ", "<").contains(visible),
                    "{visible}: {text}"
                );
            }
        }
    }
    say(&format!(
        "compiled {} .tex files with pdflatex",
        files.len()
    ));
}

/// A bundle's text cannot break out into live LaTeX, in any export: its name and source are
/// escaped (line breaks become spaces, backslashes print).
#[test]
fn bundle_text_is_escaped_in_every_tex_export() {
    let mut b = sample();
    b.manifest.bundle.name = "Evil\n\\input{/etc/passwd} 50% & <b>".into();
    b.manifest.bundle.source = "Somewhere\r\n\\write18{touch pwned} | x_1^2 ~ #1 ŋ".into();
    let dir = tempfile::tempdir().unwrap();
    let compiling = can_compile(Page::ALL.len() - 1);
    for &page in Page::ALL.iter().filter(|p| **p != Page::Robustness) {
        let req = request(&b, page, Comparison::EarlyStart);
        let tex = String::from_utf8(export::render(&b, &req).unwrap()).unwrap();
        assert!(!tex.contains("\\input{/etc"), "{page}: {tex}");
        assert!(!tex.contains("\\write18"), "{page}: {tex}");
        assert!(
            tex.contains("Evil \\textbackslash{}input\\{/\\allowbreak{}etc/\\allowbreak{}passwd\\} 50\\% \\& $<$b$>$"),
            "{page}: {tex}"
        );
        assert!(!outside_math(&tex).contains(['<', '>', '|']), "{page}");
        if compiling {
            // Escaped, it compiles, and the reader sees the text as it was written (OT1 draws
            // `_` as a rule, which pdftotext does not read back).
            let text = compile(dir.path(), &format!("evil-{page}"), &tex);
            assert!(
                text.contains("Evil \\input{/etc/passwd} 50% & <b>"),
                "{text}"
            );
            assert!(
                text.contains("Source: Somewhere \\write18{touch pwned} | x"),
                "{text}"
            );
        }
    }
}
