//! The dashboard in front of an audience (issue "In front of an audience"): the real binary
//! in tmux, read off the screen.

use crate::tui_tmux::Session;

/// A binary copied to an empty directory (no source tree, no remembered bundle) opens the
/// sample compiled into it.
#[test]
fn a_copied_binary_opens_the_built_in_sample() {
    let Some(s) = Session::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_wirkung"), dir.path().join("wirkung")).unwrap();
    s.type_line(&format!(
        "cd {} && HOME=$PWD XDG_CONFIG_HOME=$PWD/config ./wirkung; echo COPY-EXIT-$?",
        dir.path().display()
    ));
    let screen = s.wait_for("Tab. 11");
    assert!(screen.contains("SYNTHETIC"), "{screen}");
    assert!(screen.contains("bw-integration"), "{screen}");
    s.keys(&["q"]);
    s.wait_for("COPY-EXIT-0");
}

use crate::common_tui::{plain_screen, sample_app};
use std::process::Command;
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::view::trends::TrendsView;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;

fn trends_view(app: &App) -> TrendsView {
    app.trends.as_ref().clone().expect("the sample has trends")
}

/// Checks that the Trends screen prints the marked month's label under the vertical line:
/// the line is the column with the most braille dots; the label row is the one that
/// starts the x axis with the first month.
fn assert_label_under_marker(screen: &str, view: &TrendsView) {
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let dots = |c: char| ('\u{2801}'..='\u{28FF}').contains(&c);
    let marker_column = (0..width)
        .max_by_key(|&x| {
            rows.iter()
                .filter(|r| r.get(x).is_some_and(|&c| dots(c)))
                .count()
        })
        .unwrap();
    let first = view.first.to_string();
    let label = view.marker.to_string();
    let axis_row = rows
        .iter()
        .rposition(|r| String::from_iter(r).contains(&first))
        .unwrap_or_else(|| panic!("no x axis starting at {first}:\n{screen}"));
    let row = &rows[axis_row];
    let at = (0..row.len().saturating_sub(label.len()))
        .find(|&x| String::from_iter(&row[x..x + label.len()]) == label)
        .unwrap_or_else(|| panic!("no {label} on the axis row:\n{screen}"));
    assert!(
        (at..at + label.len()).contains(&marker_column),
        "{label} at columns {at}..{} but the line is at {marker_column}:\n{screen}",
        at + label.len()
    );
    assert!(
        screen.contains(&format!("│ {}", view.marker_legend)),
        "legend must name the line ({}):\n{screen}",
        view.marker_legend
    );
}

#[test]
fn the_trends_axis_label_sits_under_the_line_it_names() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    let view = trends_view(&app);
    assert_eq!(view.marker_legend, "cutoff 2018-02-15");
    for (w, h) in [(120, 40), (80, 24)] {
        assert_label_under_marker(&plain_screen(&app, w, h), &view);
    }
    // Another comparison marks the base month, and says so.
    dispatch(&mut app, Msg::CycleComparison);
    dispatch(&mut app, Msg::CycleComparison);
    let view = trends_view(&app);
    assert!(
        view.marker_legend.starts_with("base month "),
        "{}",
        view.marker_legend
    );
    assert_label_under_marker(&plain_screen(&app, 120, 40), &view);
}

#[test]
fn the_trends_label_sits_under_the_line_in_a_real_terminal() {
    let Some(s) = Session::start() else { return };
    let app = sample_app();
    let view = trends_view(&app);
    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE}; echo TRENDS-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    s.keys(&["5"]);
    let (first, label) = (view.first.to_string(), view.marker.to_string());
    let screen = s.wait_until("the trends chart with its axis and legend", |screen| {
        screen.contains(&view.marker_legend)
            && screen
                .lines()
                .any(|l| l.contains(&first) && l.contains(&label))
    });
    assert_label_under_marker(&screen, &view);
    s.keys(&["q"]);
    s.wait_for("TRENDS-EXIT-0");
}

/// The treated row's numbers (columns (1) and (2)) in a screen or a text table.
fn treated_numbers(text: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.contains("Early start") && !l.contains("(n ="))
        .unwrap_or_else(|| panic!("no treated row:\n{text}"));
    line.split(|c: char| c.is_whitespace() || c == '│')
        .map(|t| t.trim_end_matches('*'))
        .filter(|t| t.parse::<f64>().is_ok())
        .map(str::to_string)
        .collect()
}

fn wirkung(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Four `]` move the cutoff four weeks; `estimate --cutoff` prints the same two columns,
/// the status bar marks the change, `y` gives a command that prints them, `r` resets.
#[test]
fn a_moved_cutoff_is_reproduced_by_the_command_line() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    for _ in 0..4 {
        dispatch(&mut app, Msg::MoveCutoff(7));
    }
    assert_eq!(app.choices.cutoff.to_string(), "2018-03-15");
    let shown = plain_screen(&app, 120, 40);
    assert!(shown.contains("cutoff 2018-03-15 (changed)"), "{shown}");
    let cli = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--cutoff",
        "2018-03-15",
    ]);
    let numbers = treated_numbers(&cli);
    assert_eq!(numbers.len(), 2, "{cli}");
    assert_eq!(treated_numbers(&shown)[..2], numbers[..], "{shown}\n{cli}");

    // `y`: the command that prints this view.
    dispatch(&mut app, Msg::ShowCommand);
    let command = app.command.clone().unwrap();
    assert!(command.contains("--cutoff 2018-03-15"), "{command}");
    let shown = plain_screen(&app, 120, 40);
    assert!(
        shown.contains("The command that prints this view"),
        "{shown}"
    );
    assert!(
        shown.contains("--cutoff") && shown.contains("2018-03-15"),
        "{shown}"
    );
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let printed = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        treated_numbers(&String::from_utf8_lossy(&printed.stdout)),
        numbers,
        "{command}"
    );
    dispatch(&mut app, Msg::Back);
    assert!(app.command.is_none());

    // `r`: back to the bundle's cutoff.
    dispatch(&mut app, Msg::ResetChoices);
    assert_eq!(app.choices.cutoff, app.bundle.manifest.rules.early_cutoff);
    assert!(!plain_screen(&app, 120, 40).contains("(changed)"));
}

/// The cutoff stays inside the districts' start dates, where both groups have units.
#[test]
fn the_cutoff_is_clamped_to_the_start_dates() {
    let mut app = sample_app();
    let (first, last) = wirkung::core::choices::start_date_range(&app.bundle).unwrap();
    for _ in 0..200 {
        dispatch(&mut app, Msg::MoveCutoff(7));
    }
    assert_eq!(app.choices.cutoff, last);
    assert!(app.analysis.without_controls.is_ok());
    for _ in 0..400 {
        dispatch(&mut app, Msg::MoveCutoff(-7));
    }
    assert_eq!(app.choices.cutoff, first);
    assert!(app.analysis.without_controls.is_ok());
}

/// A real terminal: four `]` on the Estimate page show what `estimate --cutoff 2018-03-15`
/// prints.
#[test]
fn four_weeks_later_in_a_real_terminal() {
    let Some(s) = Session::start() else { return };
    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE}; echo CUTOFF-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    s.keys(&["6", "]", "]", "]", "]"]);
    let screen = s.wait_for("cutoff 2018-03-15");
    let cli = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--cutoff",
        "2018-03-15",
    ]);
    assert_eq!(
        treated_numbers(&screen)[..2],
        treated_numbers(&cli)[..],
        "{screen}\n{cli}"
    );
    s.keys(&["q"]);
    s.wait_for("CUTOFF-EXIT-0");
}

/// Every page at 80×24 ends with the key footer: the page's own keys first and `? help`.
#[test]
fn every_page_has_a_key_footer_at_80x24() {
    let mut app = sample_app();
    for &page in Page::ALL {
        dispatch(&mut app, Msg::GoTo(page));
        let shown = plain_screen(&app, 80, 24);
        let lines: Vec<&str> = shown.lines().collect();
        let footer = lines[lines.len() - 2];
        assert!(footer.trim_end().ends_with("? help"), "{page:?}:\n{shown}");
        let own = wirkung::tui::msg::BINDINGS
            .iter()
            .find(|b| b.scope == wirkung::tui::msg::Scope::Page(page) && !b.keys.is_empty());
        if let Some(b) = own {
            assert!(
                footer.contains(&format!("{} {}", b.keys, b.short())),
                "{page:?} footer lacks {}:\n{footer}",
                b.keys
            );
        }
    }
    // The help overlay lists this page's keys first.
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    dispatch(&mut app, Msg::ToggleHelp);
    let shown = plain_screen(&app, 120, 40);
    let sv = shown.find("social-security employment only").unwrap();
    let pages = shown.find("go to page").unwrap();
    assert!(sv < pages, "{shown}");
}

/// Home / End (g / G) jump to the ends of a list; a key of another page says where it works;
/// Esc with nothing open does not quit.
#[test]
fn lists_jump_and_keys_explain_themselves() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::LastRow);
    assert_eq!(
        app.cursor(Page::StartTimes),
        app.start_times.districts.len() - 1
    );
    dispatch(&mut app, Msg::FirstRow);
    assert_eq!(app.cursor(Page::StartTimes), 0);
    let key = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('v'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    );
    let msg = wirkung::tui::msg::from_key(key, Page::StartTimes).unwrap();
    dispatch(&mut app, msg);
    assert!(
        app.status.as_deref().unwrap().contains("6 Estimate"),
        "{:?}",
        app.status
    );
    dispatch(&mut app, Msg::Back);
    assert!(!app.should_quit);
}

/// Findings list errors first, and the one under the cursor is shown whole.
#[test]
fn findings_list_errors_first_and_show_the_whole_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(bundle) = wirkung::core::bundle::load(&path) else {
            continue;
        };
        let f = &bundle.findings;
        if !(f.has_errors()
            && f.items
                .iter()
                .any(|i| i.severity == wirkung::core::bundle::Severity::Warning))
        {
            continue;
        }
        let first_error = f.errors().next().unwrap().message.clone();
        let app = crate::common_tui::app_for(&path, wirkung::tui::theme::Theme::mono());
        assert!(app.show_findings);
        let shown = plain_screen(&app, 120, 40);
        let first_row = shown
            .lines()
            .find(|l| l.contains("error  ") || l.contains("warning "))
            .unwrap();
        assert!(first_row.contains("error"), "{}:\n{shown}", path.display());
        // The selected (first) error's message appears whole in the detail below the list.
        let flat: String = shown
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let words: String = first_error.split_whitespace().collect::<Vec<_>>().join(" ");
        let tail: String = words
            .chars()
            .rev()
            .take(20)
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        assert!(flat.contains(&tail), "{tail:?} not on screen:\n{shown}");
        seen += 1;
    }
    assert!(seen > 0, "no bad fixture with both errors and warnings");
}

/// `/` searches the page's list, `n` / `N` walk the matches, and the footer says where the
/// cursor is ("12/44").
#[test]
fn search_walks_the_matches_and_the_footer_shows_the_position() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::StartSearch);
    for c in "karlsruhe".chars() {
        dispatch(&mut app, Msg::SearchChar(c));
    }
    let typing = plain_screen(&app, 80, 24);
    assert!(typing.contains("/karlsruhe"), "{typing}");
    dispatch(&mut app, Msg::SearchSubmit);
    assert!(app.search.is_none());
    let names: Vec<String> = app
        .start_times
        .districts
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let first = app.cursor(Page::StartTimes);
    assert!(names[first].starts_with("Karlsruhe ("), "{}", names[first]);
    assert!(
        app.status.as_deref().unwrap().contains("match 1 of 2"),
        "{:?}",
        app.status
    );
    let shown = plain_screen(&app, 80, 24);
    let position = format!("{}/{} ", first + 1, names.len());
    assert!(shown.contains(&format!("{position}? help")), "{shown}");
    dispatch(&mut app, Msg::NextMatch);
    let second = app.cursor(Page::StartTimes);
    assert_ne!(first, second);
    assert!(
        names[second].starts_with("Karlsruhe ("),
        "{}",
        names[second]
    );
    dispatch(&mut app, Msg::PrevMatch);
    assert_eq!(app.cursor(Page::StartTimes), first);
    // A search that matches nothing says so and leaves the cursor.
    dispatch(&mut app, Msg::StartSearch);
    dispatch(&mut app, Msg::SearchChar('#'));
    dispatch(&mut app, Msg::SearchSubmit);
    assert_eq!(app.cursor(Page::StartTimes), first);
    assert!(app.status.as_deref().unwrap().contains("no match"));
}

/// The dashboard takes `--cutoff` as the subcommands do: opened at 2018-03-15 it shows what
/// `estimate --cutoff 2018-03-15` prints, marked as changed.
#[test]
fn the_dashboard_opens_at_a_given_cutoff() {
    use clap::Parser as _;
    let cli =
        wirkung::cli::Cli::try_parse_from(["wirkung", SAMPLE_BUNDLE, "--cutoff", "2018-03-15"])
            .unwrap();
    assert_eq!(
        cli.dashboard.cutoff.map(|d| d.to_string()).as_deref(),
        Some("2018-03-15")
    );
    let bad = wirkung::cli::Cli::try_parse_from(["wirkung", "--cutoff", "2018-13-01"]);
    assert!(bad.is_err());

    // Outside the start dates it is held at the first one and the status bar says so.
    let mut app = sample_app();
    let (first, _) = wirkung::core::choices::start_date_range(&app.bundle).unwrap();
    let early = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    dispatch(&mut app, Msg::SetCutoff(early));
    assert_eq!(app.choices.cutoff, first);
    assert!(app.status.as_deref().unwrap_or("").contains("1990-01-01"));

    let Some(s) = Session::start() else { return };
    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE} --cutoff 2018-03-15; echo OPEN-CUTOFF-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    let printed = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--cutoff",
        "2018-03-15",
    ]);
    let expected = treated_numbers(&printed);
    s.wait_for("Tab. 11");
    s.keys(&["6"]);
    // Waits for the whole table: the status bar may be drawn before the estimate's rows.
    s.wait_until(
        &format!("the estimate at the cutoff, {expected:?}"),
        |screen| {
            screen.contains("cutoff 2018-03-15 (changed)")
                && screen
                    .lines()
                    .any(|l| l.contains("Early start") && !l.contains("(n ="))
                && treated_numbers(screen).get(..2) == Some(&expected[..])
        },
    );
    s.keys(&["q"]);
    s.wait_for("OPEN-CUTOFF-EXIT-0");
}

/// `/` inside help filters its lines; Enter keeps the filter, Esc clears it, closing help
/// forgets it.
#[test]
fn the_help_is_searchable() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::ToggleHelp);
    let full = plain_screen(&app, 80, 24);
    assert!(full.contains("quit / close"), "{full}");
    dispatch(&mut app, Msg::StartSearch);
    for c in "cutoff".chars() {
        dispatch(&mut app, Msg::SearchChar(c));
    }
    let typed = plain_screen(&app, 80, 24);
    assert!(typed.contains("Keys matching /cutoff"), "{typed}");
    assert!(typed.contains("early-start cutoff a week"), "{typed}");
    assert!(!typed.contains("quit / close"), "{typed}");
    dispatch(&mut app, Msg::SearchSubmit);
    assert!(app.help, "Enter keeps help open");
    let kept = plain_screen(&app, 80, 24);
    assert!(kept.contains("Keys matching /cutoff"), "{kept}");
    assert!(!kept.contains("quit / close"), "{kept}");

    dispatch(&mut app, Msg::StartSearch);
    for c in "zzz".chars() {
        dispatch(&mut app, Msg::SearchChar(c));
    }
    assert!(plain_screen(&app, 80, 24).contains("no key matches"));
    dispatch(&mut app, Msg::SearchCancel);
    assert!(app.help);
    assert!(plain_screen(&app, 80, 24).contains("quit / close"));

    dispatch(&mut app, Msg::StartSearch);
    dispatch(&mut app, Msg::SearchChar('x'));
    dispatch(&mut app, Msg::SearchSubmit);
    dispatch(&mut app, Msg::Back);
    assert!(!app.help);
    dispatch(&mut app, Msg::ToggleHelp);
    assert!(!plain_screen(&app, 80, 24).contains("Keys matching"));
}

/// `s` on Start times lists the districts by name (the cursor stays on its district) and
/// back by start date; the footer and the panel say how they are sorted.
#[test]
fn start_times_sorts_districts_by_name_and_date() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    let by_date = app.list_labels();
    assert!(plain_screen(&app, 80, 24).contains("s sort"));
    for _ in 0..3 {
        dispatch(&mut app, Msg::CursorDown);
    }
    let selected = by_date[3].clone();
    dispatch(&mut app, Msg::CycleSort);
    let by_name = app.list_labels();
    let mut expected = by_date.clone();
    expected.sort_by_key(|n| n.to_lowercase());
    assert_eq!(by_name, expected);
    assert_ne!(by_name, by_date);
    assert_eq!(by_name[app.cursor(Page::StartTimes)], selected);
    let shown = plain_screen(&app, 120, 40);
    assert!(shown.contains("sorted by name (s)"), "{shown}");
    assert!(!shown.contains("── cutoff"), "{shown}");
    let first = by_name[0].clone();
    dispatch(&mut app, Msg::FirstRow);
    assert!(plain_screen(&app, 120, 40).contains(&first));
    dispatch(&mut app, Msg::CycleSort);
    assert_eq!(app.list_labels(), by_date);
    assert!(plain_screen(&app, 120, 40).contains("── cutoff"));
}
