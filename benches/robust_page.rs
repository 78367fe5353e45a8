//! The Robustness page refresh on the shipped sample: every check of core::robust for the
//! current choices plus a full 120×40 draw, cold (cache cleared) for three comparisons, and
//! each check alone for one of the slowest. The page computes on a worker thread so that a
//! cold refresh never blocks a keypress; this bench shows which checks cost it. (A check run
//! alone derives its own panel and event study; in the suite they are shared.)

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::derive::Comparison;
use wirkung::core::robust;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::config::Remembered;
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;

fn robustness_page(comparison: Comparison) -> App {
    let bundle = wirkung::core::bundle::load(Path::new(SAMPLE_BUNDLE)).expect("sample loads");
    let mut app = App::new(
        bundle,
        PathBuf::from("sample-data/bw-integration"),
        Theme::full(),
        &Remembered::default(),
    );
    while app.choices.comparison != comparison {
        dispatch(&mut app, Msg::CycleComparison);
    }
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    app
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("robustness page");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    for comparison in [
        Comparison::EarlyStart,
        Comparison::LabourTalks,
        Comparison::BwVsNeighbours,
    ] {
        let mut app = robustness_page(comparison);
        group.bench_function(format!("cold refresh + draw, {}", comparison.id()), |b| {
            b.iter(|| {
                app.clear_check_cache();
                // Any message re-requests the checks for the current choices.
                dispatch(&mut app, Msg::Resize);
                terminal.draw(|f| view::draw(&app, f)).expect("draw");
            })
        });
    }
    // A choice seen before is a cache hit: only the draw remains.
    let app = robustness_page(Comparison::EarlyStart);
    group.bench_function("cached refresh + draw, early-start", |b| {
        b.iter(|| {
            terminal
                .draw(|f| view::draw(black_box(&app), f))
                .expect("draw");
        })
    });
    group.finish();

    let mut checks = c.benchmark_group("robustness checks, labour-talks");
    checks
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    let app = robustness_page(Comparison::LabourTalks);
    let (b, s, o) = (
        &*app.bundle,
        &app.choices.spec(&app.bundle),
        &app.choices.robust_options(),
    );
    checks.bench_function("event study", |x| x.iter(|| robust::event_study(b, s, o)));
    checks.bench_function("placebo", |x| x.iter(|| robust::placebo(b, s, o)));
    checks.bench_function("ri", |x| {
        x.iter(|| robust::randomization_inference(b, s, o))
    });
    checks.bench_function("wild", |x| x.iter(|| robust::wild_bootstrap(b, s, o)));
    checks.bench_function("loo", |x| x.iter(|| robust::leave_one_out(b, s, o)));
    checks.bench_function("dose", |x| x.iter(|| robust::dose(b, s, o)));
    checks.bench_function("staggered", |x| x.iter(|| robust::staggered(b, s, o)));
    checks.bench_function("sun-abraham", |x| x.iter(|| robust::sun_abraham(b, s, o)));
    checks.bench_function("imputation", |x| x.iter(|| robust::imputation(b, s, o)));
    checks.bench_function("two-stage", |x| x.iter(|| robust::two_stage(b, s, o)));
    checks.bench_function("pretrend power", |x| {
        x.iter(|| robust::pretrend_power(b, s, o))
    });
    checks.bench_function("honest", |x| {
        x.iter(|| robust::honest::honest_check(b, s, o))
    });
    checks.bench_function("bacon", |x| {
        x.iter(|| robust::run(robust::Check::Bacon, b, s, o))
    });
    // The synthetic DiD with its default 50 placebo draws, side by side on all cores.
    checks.bench_function("sdid", |x| {
        x.iter(|| robust::run(robust::Check::Sdid, b, s, o))
    });
    checks.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
