//! One toggle as the user feels it: `update` (switch a control), re-estimate, full redraw
//! into a 120×40 TestBackend. Also reports the bytes a real terminal backend writes for the
//! redraw after a toggle (ratatui only sends the cells that changed).

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::config::Remembered;
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;

fn estimate_page() -> App {
    let bundle = wirkung::core::bundle::load(Path::new(SAMPLE_BUNDLE)).expect("sample loads");
    let mut app = App::new(
        bundle,
        PathBuf::from("sample-data/bw-integration"),
        Theme::full(),
        &Remembered::default(),
    );
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    app
}

/// A writer that only counts what a terminal would receive.
#[derive(Default, Clone)]
struct Counting(std::rc::Rc<std::cell::Cell<usize>>);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes written by the frame drawn after one toggle (the first frame draws everything).
fn redraw_bytes_after_toggle() -> usize {
    let mut app = estimate_page();
    let counter = Counting::default();
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
    };
    let mut terminal =
        Terminal::with_options(CrosstermBackend::new(counter.clone()), options).unwrap();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    let first = counter.0.get();
    dispatch(&mut app, Msg::ToggleSelected);
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    counter.0.get() - first
}

fn toggle(c: &mut Criterion) {
    let bytes = redraw_bytes_after_toggle();
    eprintln!("redraw after a toggle writes {bytes} bytes (target < 8192)");

    let mut app = estimate_page();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("toggle: update + re-estimate + redraw 120x40", |b| {
        b.iter(|| {
            // Forget earlier estimates so every iteration really re-estimates.
            app.clear_estimate_cache();
            dispatch(&mut app, Msg::ToggleSelected);
            terminal.draw(|f| view::draw(black_box(&app), f)).unwrap();
        })
    });
    c.bench_function("toggle back (cached) + redraw 120x40", |b| {
        b.iter(|| {
            dispatch(&mut app, Msg::ToggleSelected);
            terminal.draw(|f| view::draw(black_box(&app), f)).unwrap();
        })
    });
}

criterion_group!(benches, toggle);
criterion_main!(benches);
