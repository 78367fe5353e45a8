//! Enter on a district opens its detail (start, group, staffing, talks, municipalities, its
//! employment series against its group's); Esc closes it; `s` sorts every list page; the
//! change view names units beside their ids.

use crate::common::{hand_dir, revised_hand_copy};
use crate::common_tui::{app_for, plain_screen, sample_app};
use crate::tui_tmux::Session;
use std::process::Command;
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::bundle;
use wirkung::tui::app::{ListSort, Page, SortedList, dispatch};
use wirkung::tui::compare;
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;

fn cli_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn enter_on_a_start_times_district_opens_its_detail_and_esc_closes_it() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    for _ in 0..5 {
        dispatch(&mut app, Msg::CursorDown);
    }
    let name = app.list_labels()[5].clone();
    dispatch(&mut app, Msg::OpenDistrict);
    let detail = app.district.clone().expect("Enter opens the detail");
    assert_eq!(detail.name, name);
    for (w, h) in [(120, 40), (80, 24)] {
        let shown = plain_screen(&app, w, h);
        assert!(shown.contains(&detail.district_id), "{shown}");
        assert!(shown.contains("Esc closes"), "{shown}");
        assert!(shown.contains("Start 20"), "{shown}");
        assert!(shown.contains("early-start: "), "{shown}");
        assert!(shown.contains("FTE before"), "{shown}");
        assert!(shown.contains("Talk shares"), "{shown}");
        // The legend's month is whole or absent, never cut.
        let (month, _, _) = detail.latest().unwrap();
        let legend = shown.lines().find(|l| l.contains('⣿')).unwrap();
        let year = format!("{}-", month.year);
        assert!(
            !legend.contains(&year) || legend.contains(&month.to_string()),
            "{legend}"
        );
    }
    // The command prints the same detail.
    let json = cli_json(&[
        "district",
        SAMPLE_BUNDLE,
        &detail.district_id,
        "--format",
        "json",
    ]);
    assert_eq!(json["name"], detail.name.as_str());
    assert_eq!(
        json["series"].as_array().unwrap().len(),
        detail.series.len()
    );
    assert_eq!(
        json["start"].as_str(),
        detail.start.map(|s| s.to_string()).as_deref()
    );
    dispatch(&mut app, Msg::ShowCommand);
    let command = app.command.clone().unwrap();
    assert!(
        command.contains(&format!("district {SAMPLE_BUNDLE} {}", detail.district_id))
            || command.contains(&format!(
                "district sample-data/bw-integration {}",
                detail.district_id
            )),
        "{command}"
    );
    dispatch(&mut app, Msg::Back);
    // The cursor moves the open detail to the next district.
    dispatch(&mut app, Msg::CursorDown);
    let next = app.district.clone().unwrap();
    assert_eq!(next.name, app.list_labels()[6]);
    // The detail follows the comparison.
    dispatch(&mut app, Msg::CycleComparison);
    assert_eq!(
        app.district.as_ref().unwrap().comparison,
        app.choices.comparison
    );
    dispatch(&mut app, Msg::Back);
    assert!(app.district.is_none());
    assert!(!app.should_quit);
    assert!(!plain_screen(&app, 120, 40).contains("wirkung district"));
}

#[test]
fn enter_opens_the_district_of_the_staffing_and_topics_rankings() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Staffing));
    dispatch(&mut app, Msg::CursorDown);
    let name = app.list_labels()[1].clone();
    dispatch(&mut app, Msg::OpenDistrict);
    assert_eq!(app.district.as_ref().unwrap().name, name);
    assert!(plain_screen(&app, 80, 24).contains("capacity change"));
    dispatch(&mut app, Msg::Back);

    dispatch(&mut app, Msg::GoTo(Page::Topics));
    dispatch(&mut app, Msg::PageDown);
    let order = app.ranking_order(SortedList::Ranking);
    let ranked = &app.topics.labour.items[order[app.ranking_cursor]].0;
    let (id, share) = (ranked.unit_id.clone(), ranked.value);
    dispatch(&mut app, Msg::OpenDistrict);
    let d = app.district.as_ref().unwrap();
    assert_eq!(d.district_id, id);
    assert_eq!(d.talks[0].share, Some(share));
    // Page keys elsewhere: Enter on Trends says where it works.
    dispatch(&mut app, Msg::GoTo(Page::Trends));
    assert!(app.district.is_none());
}

#[test]
fn s_sorts_the_staffing_and_topics_rankings_by_name_and_value() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Staffing));
    let by_value = app.list_labels();
    assert!(plain_screen(&app, 120, 40).contains("by value (s)"));
    dispatch(&mut app, Msg::CursorDown);
    dispatch(&mut app, Msg::CursorDown);
    let selected = by_value[2].clone();
    dispatch(&mut app, Msg::CycleSort);
    assert_eq!(app.sort(SortedList::Capacity), ListSort::Name);
    let by_name = app.list_labels();
    let mut expected = by_value.clone();
    expected.sort_by_key(|n| n.to_lowercase());
    assert_eq!(by_name, expected);
    assert_eq!(by_name[app.cursor(Page::Staffing)], selected);
    let shown = plain_screen(&app, 120, 40);
    assert!(shown.contains("by name (s)"), "{shown}");
    assert!(!shown.contains("── median"), "{shown}");
    // The first name is drawn on top of the list.
    dispatch(&mut app, Msg::FirstRow);
    let shown = plain_screen(&app, 120, 40);
    let start: String = by_name[0].chars().take(8).collect();
    assert!(shown.contains(&start), "{} not shown:\n{shown}", by_name[0]);

    dispatch(&mut app, Msg::GoTo(Page::Topics));
    assert!(plain_screen(&app, 120, 40).contains("by value (s)"));
    dispatch(&mut app, Msg::CycleSort);
    let order = app.ranking_order(SortedList::Ranking);
    let names: Vec<String> = order
        .iter()
        .map(|&i| app.topics.labour.items[i].0.name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(plain_screen(&app, 120, 40).contains("by name (s)"));
    // The help lists `s` for the page, from the key table.
    dispatch(&mut app, Msg::ToggleHelp);
    assert!(plain_screen(&app, 120, 40).contains("sort the ranking by share / name"));
}

#[test]
fn s_sorts_the_findings_by_severity_or_table() {
    // A bundle with findings of several tables: the sample with a broken row.
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_bundle(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SAMPLE_BUNDLE),
        dir.path(),
    );
    let staffing = dir.path().join("staffing.csv");
    let text = std::fs::read_to_string(&staffing).unwrap();
    std::fs::write(&staffing, text + "08111000,-1,x,false\n").unwrap();
    let mut app = app_for(dir.path(), Theme::mono());
    dispatch(&mut app, Msg::GoTo(Page::Overview));
    if !app.show_findings {
        dispatch(&mut app, Msg::ToggleFindings);
    }
    let by_severity = app.list_labels();
    assert!(by_severity.len() > 1, "{by_severity:?}");
    assert!(plain_screen(&app, 120, 40).contains("by severity (s)"));
    dispatch(&mut app, Msg::CycleSort);
    assert_eq!(app.sort(SortedList::Findings), ListSort::Table);
    let tables: Vec<Option<String>> = app
        .findings_in_order()
        .iter()
        .map(|f| f.table.clone())
        .collect();
    let mut sorted = tables.clone();
    sorted.sort_by_key(|t| (t.is_none(), t.clone()));
    assert_eq!(tables, sorted);
    assert!(plain_screen(&app, 120, 40).contains("by table (s)"));
    let mut a = app.list_labels();
    let mut b = by_severity;
    a.sort();
    b.sort();
    assert_eq!(a, b, "sorting keeps every finding");
}

/// The change view sorted by size lists the headline estimate that moved most first, and
/// names the revised district beside its id.
#[test]
fn the_change_view_sorts_by_size_and_names_units() {
    let new_dir = revised_hand_copy();
    let old = bundle::load(&hand_dir()).unwrap();
    let new = bundle::load(new_dir.path()).unwrap();
    let (lines, by_size) = compare::changes_both_orders(&old, &new);
    let mut app = app_for(new_dir.path(), Theme::mono());
    app.changes = Some(lines.clone());
    app.changes_by_size = Some(by_size);
    dispatch(&mut app, Msg::GoTo(Page::Overview));
    dispatch(&mut app, Msg::ToggleChanges);
    let shown = plain_screen(&app, 120, 40);
    assert!(shown.contains("report order (s)"), "{shown}");
    let name = &new
        .districts
        .iter()
        .find(|d| d.district_id == "08111")
        .unwrap()
        .name;
    assert!(
        shown
            .lines()
            .any(|l| l.contains("08111 2019-09") && l.contains(name.as_str())),
        "{shown}"
    );
    dispatch(&mut app, Msg::CycleSort);
    assert!(plain_screen(&app, 120, 40).contains("size of change (s)"));
    let estimates: Vec<f64> = app
        .list_labels()
        .iter()
        .filter_map(|l| {
            let at = l.find("Δ ")?;
            l[at + "Δ ".len()..]
                .split(',')
                .next()?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .collect();
    assert!(estimates.len() > 1, "{:?}", app.list_labels());
    assert!(
        estimates.windows(2).all(|w| w[0].abs() >= w[1].abs()),
        "{estimates:?}"
    );
    assert_eq!(app.list_labels().len(), lines.len());
}

/// In a real terminal: Enter opens the detail on Start times, Esc closes it, q quits.
#[test]
fn the_district_detail_opens_and_closes_in_a_real_terminal() {
    let Some(s) = Session::start() else { return };
    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE}; echo DETAIL-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    s.keys(&["2"]);
    s.wait_for("sorted by start date (s)");
    s.keys(&["Enter"]);
    let shown = s.wait_for("wirkung district");
    assert!(shown.contains("early-start: "), "{shown}");
    assert!(shown.contains("Talk shares"), "{shown}");
    s.keys(&["Escape"]);
    let start = std::time::Instant::now();
    while s.screen().contains("wirkung district") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "Esc did not close the detail:\n{}",
            s.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(s.screen().contains("sorted by start date (s)"));
    s.keys(&["q"]);
    s.wait_for("DETAIL-EXIT-0");
}
