//! The themes on every page: snapshots at 120×40 with each cell's colours and modifiers
//! (ratatui's `Buffer` debug form: the text, then every change of fg, bg and modifier), the
//! series of the monochrome charts told apart by glyph, the selected row never in reverse
//! video, and `z` maximising one panel after another.

use crate::common_tui::app_for;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use std::path::Path;
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::pages;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;
use wirkung::tui::widgets::series_marks::GLYPHS;

fn themes() -> [(&'static str, Theme); 5] {
    [
        ("full", Theme::full()),
        ("light", Theme::light()),
        ("high_contrast", Theme::high_contrast()),
        ("16", Theme::sixteen()),
        ("mono", Theme::mono()),
    ]
}

fn app(theme: Theme) -> App {
    app_for(Path::new(SAMPLE_BUNDLE), theme)
}

fn buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

fn rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_page_in_every_theme_at_120x40() {
    for (name, theme) in themes() {
        let mut app = app(theme);
        for &page in Page::ALL {
            dispatch(&mut app, Msg::GoTo(page));
            let page_name = page.title().to_lowercase().replace(' ', "_");
            insta::assert_snapshot!(
                format!("{name}_{page_name}_120x40"),
                format!("{:?}", buffer(&app, 120, 40))
            );
        }
    }
}

/// The rows with every `label` blanked out (so that a glyph counts only on a line).
fn without(rows: &[String], labels: &[String]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            labels.iter().fold(r.clone(), |r, l| {
                r.replace(l.as_str(), &" ".repeat(l.chars().count()))
            })
        })
        .collect()
}

/// Cells of `glyph` inside the rows `top..bottom` and columns `left..right`.
fn count(
    rows: &[String],
    glyph: char,
    top: usize,
    bottom: usize,
    left: usize,
    right: usize,
) -> usize {
    rows[top..bottom]
        .iter()
        .map(|r| {
            r.chars()
                .skip(left)
                .take(right - left)
                .filter(|c| *c == glyph)
                .count()
        })
        .sum()
}

#[test]
fn mono_trend_lines_differ_by_glyph_and_carry_their_names() {
    let mut app = app(Theme::mono());
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    let screen = rows(&buffer(&app, 120, 40));
    let text = screen.join("\n");
    let groups = ["Early start", "Late start"];
    for (glyph, group) in GLYPHS.iter().zip(groups) {
        let label = format!("{glyph} {group}");
        // The end label on the canvas and the legend entry: twice.
        assert!(
            text.matches(&label).count() >= 2,
            "no end label and legend {label:?}:\n{text}"
        );
    }
    // The glyphs on the lines: the chart's canvas runs from row 3 to the axis, right of
    // the y labels (110 columns); a glyph every 12 columns on each line.
    let labels: Vec<String> = GLYPHS
        .iter()
        .zip(groups)
        .map(|(g, n)| format!("{g} {n}"))
        .chain(["cutoff".to_string()])
        .collect();
    let lines = without(&screen, &labels);
    for glyph in &GLYPHS[..2] {
        let on_lines = count(&lines, *glyph, 3, 35, 8, 118);
        assert!(on_lines >= 8, "{glyph}: {on_lines} marks\n{text}");
    }
    // No third glyph: each series has its own.
    assert_eq!(count(&lines, GLYPHS[2], 3, 35, 8, 118), 0, "{text}");
}

#[test]
fn mono_topic_lines_have_eight_distinct_glyphs_named_in_the_list() {
    let mut app = app(Theme::mono());
    dispatch(&mut app, Msg::GoTo(Page::Topics));
    let buf = buffer(&app, 120, 40);
    let screen = rows(&buf);
    let text = screen.join("\n");
    let topics = wirkung::core::bundle::Topic::ALL;
    assert_eq!(topics.len(), GLYPHS.len());
    let distinct: std::collections::BTreeSet<char> = GLYPHS.iter().copied().collect();
    assert_eq!(distinct.len(), GLYPHS.len());
    for (glyph, topic) in GLYPHS.iter().zip(topics) {
        // The list is the chart's legend: each topic's row shows its glyph.
        assert!(
            text.contains(&format!("{glyph} {}", topic.label())),
            "no legend row for {topic:?}:\n{text}"
        );
        // Its line ends in its name.
        let short = topic.column().trim_start_matches("talks_");
        assert!(
            text.contains(&format!("{glyph} {short}")),
            "no end label for {topic:?}:\n{text}"
        );
    }
    // The quarterly chart (left 55%, below the list) carries every glyph on its lines, a
    // glyph every 8 of its 58 columns.
    let labels: Vec<String> = GLYPHS
        .iter()
        .zip(topics)
        .map(|(g, t)| format!("{g} {}", t.column().trim_start_matches("talks_")))
        .collect();
    let lines = without(&screen, &labels);
    for glyph in GLYPHS {
        let on_line = count(&lines, glyph, 12, 37, 0, 66);
        assert!(on_line >= 5, "{glyph}: {on_line}\n{text}");
    }
    // The ranking's two groups differ by fill, as its legend shows.
    assert!(text.contains("█ "), "{text}");
    assert!(text.contains("▒ "), "{text}");
}

#[test]
fn the_selected_row_is_marked_and_never_in_reverse_video() {
    for (name, theme) in themes() {
        let mut app = app(theme);
        for page in [
            Page::Topics,
            Page::Staffing,
            Page::StartTimes,
            Page::Estimate,
        ] {
            dispatch(&mut app, Msg::GoTo(page));
            dispatch(&mut app, Msg::CursorDown);
            let buf = buffer(&app, 120, 40);
            // Between the tabs and the footer: the pages themselves.
            for y in 1..38 {
                for x in 0..120 {
                    assert!(
                        !buf[(x, y)].modifier.contains(Modifier::REVERSED),
                        "{name} {page:?}: reverse video at {x},{y}"
                    );
                }
            }
            let text = rows(&buf).join("\n");
            assert!(
                text.contains('▶'),
                "{name} {page:?}: no cursor mark\n{text}"
            );
        }
    }
}

#[test]
fn the_cursor_mark_is_on_the_topic_under_the_cursor() {
    let mut app = app(Theme::sixteen());
    dispatch(&mut app, Msg::GoTo(Page::Topics));
    dispatch(&mut app, Msg::CursorDown);
    dispatch(&mut app, Msg::CursorDown);
    let screen = rows(&buffer(&app, 120, 40));
    let marked: Vec<&String> = screen.iter().filter(|r| r.contains("│▶ [")).collect();
    assert_eq!(marked.len(), 1, "{}", screen.join("\n"));
    let third = wirkung::core::bundle::Topic::ALL[2].label();
    assert!(marked[0].contains(third), "{}", marked[0]);
}

#[test]
fn z_maximises_the_panels_one_after_another_and_esc_restores() {
    let mut app = app(Theme::mono());
    dispatch(&mut app, Msg::GoTo(Page::Topics));
    let names = pages::panels(&app);
    assert_eq!(names.len(), 3);
    let whole = rows(&buffer(&app, 120, 40)).join("\n");
    assert!(whole.contains("1 Overview"), "{whole}");
    for (k, name) in names.iter().enumerate() {
        dispatch(&mut app, Msg::Zoom);
        assert_eq!(pages::zoomed(&app), Some(k));
        let screen = rows(&buffer(&app, 120, 40));
        let text = screen.join("\n");
        // The panel's border is the screen's: the tabs give way, the status bar stays.
        assert!(!text.contains("1 Overview"), "{text}");
        assert!(screen[0].starts_with('┌'), "{text}");
        assert!(screen[37].starts_with('└'), "{text}");
        assert!(screen[38].contains(&format!("{name} ({}/3) maximised", k + 1)));
        assert!(screen[39].contains("SYNTHETIC"), "{text}");
    }
    dispatch(&mut app, Msg::Zoom);
    assert_eq!(pages::zoomed(&app), None);
    // Esc leaves at once; another page shows whole.
    dispatch(&mut app, Msg::Zoom);
    dispatch(&mut app, Msg::Back);
    assert_eq!(pages::zoomed(&app), None);
    dispatch(&mut app, Msg::Zoom);
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    assert_eq!(pages::zoomed(&app), None);
    let footer = rows(&buffer(&app, 120, 40))[38].clone();
    assert!(footer.contains("z maximise"), "{footer}");
    // A page with one chart: z is a toggle.
    dispatch(&mut app, Msg::Zoom);
    let text = rows(&buffer(&app, 120, 40)).join("\n");
    assert!(text.contains("Employment rate"), "{text}");
    assert!(text.contains("z restore the page"), "{text}");
    dispatch(&mut app, Msg::Zoom);
    assert_eq!(pages::zoomed(&app), None);
}

#[test]
fn every_page_has_a_panel_to_maximise_and_the_help_names_z() {
    let mut app = app(Theme::mono());
    for &page in Page::ALL {
        dispatch(&mut app, Msg::GoTo(page));
        for k in 0..pages::panels(&app).len() {
            dispatch(&mut app, Msg::Zoom);
            assert_eq!(pages::zoomed(&app), Some(k), "{page:?}");
            // Every maximised panel draws at the smallest size without panicking.
            let _ = buffer(&app, 80, 24);
            let _ = buffer(&app, 120, 40);
        }
        dispatch(&mut app, Msg::Zoom);
        assert_eq!(pages::zoomed(&app), None, "{page:?}");
    }
    dispatch(&mut app, Msg::ToggleHelp);
    let text = rows(&buffer(&app, 120, 40)).join("\n");
    assert!(text.contains("maximise a chart or table"), "{text}");
}

/// The light theme's white background, as tmux reports it (24-bit, or the 256-colour
/// palette's white where tmux's TERM has no 24-bit colour).
fn has_white_background(screen: &str) -> bool {
    screen.contains("48;2;255;255;255") || screen.contains("48;5;231")
}

#[test]
fn the_theme_is_remembered_and_the_background_query_leaves_no_trace() {
    let Some(s) = crate::tui_tmux::Session::start() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_wirkung");
    let state_file = s.config.path().join("wirkung").join("state.toml");
    s.type_line("unset COLORFGBG NO_COLOR");
    s.type_line(&format!(
        "{bin} {SAMPLE_BUNDLE} --theme light; echo FIRST-EXIT-$?"
    ));
    s.wait_for("1 Overview");
    let light = s.screen_with_colours();
    assert!(has_white_background(&light), "{light}");
    s.keys(&["q"]);
    s.wait_for("FIRST-EXIT-0");
    let state = std::fs::read_to_string(&state_file).unwrap();
    assert!(state.contains("theme = \"light\""), "{state}");

    // Without --theme the remembered one is used, and stays remembered.
    s.type_line("clear");
    s.type_line(&format!("{bin} {SAMPLE_BUNDLE}; echo SECOND-EXIT-$?"));
    s.wait_for("1 Overview");
    let again = s.screen_with_colours();
    assert!(has_white_background(&again), "{again}");
    s.keys(&["q"]);
    s.wait_for("SECOND-EXIT-0");
    let state = std::fs::read_to_string(&state_file).unwrap();
    assert!(state.contains("theme = \"light\""), "{state}");

    // auto asks the terminal (OSC 11, then DA1; tmux answers or the 100 ms pass): the
    // dashboard opens, and no answer reaches the shell's input afterwards.
    s.type_line("clear");
    s.type_line(&format!(
        "{bin} {SAMPLE_BUNDLE} --theme auto; echo THIRD-EXIT-$?"
    ));
    s.wait_for("1 Overview");
    s.keys(&["q"]);
    s.wait_for("THIRD-EXIT-0");
    s.type_line("echo TYPED-$((40+2))");
    let end = s.wait_for("TYPED-42");
    assert!(!end.contains("rgb:"), "{end}");
    assert!(!end.contains("11;"), "{end}");
    assert!(!end.contains("[?"), "{end}");
    assert!(
        end.lines().any(|l| l.trim_end() == "TYPED-42"),
        "the typed line ran as typed:\n{end}"
    );
    let state = std::fs::read_to_string(&state_file).unwrap();
    assert!(state.contains("theme = \"auto\""), "{state}");
}
