//! Start-up to the first frame: load + validate the shipped sample, build the dashboard model
//! (which derives the Overview's numbers) and draw the first 120×40 frame. Terminal set-up
//! itself (raw mode, alternate screen) is left out: it costs microseconds and needs a tty.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::tui::app::App;
use wirkung::tui::config::Remembered;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;

fn first_frame() -> Terminal<TestBackend> {
    let bundle = wirkung::core::bundle::load(Path::new(SAMPLE_BUNDLE)).expect("sample loads");
    let app = App::new(
        bundle,
        PathBuf::from(SAMPLE_BUNDLE),
        Theme::full(),
        &Remembered::default(),
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    terminal
        .draw(|f| view::draw(black_box(&app), f))
        .expect("draws");
    terminal
}

fn startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group.sample_size(20);
    group.bench_function("load sample + model + first frame 120x40", |b| {
        b.iter(first_frame)
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
