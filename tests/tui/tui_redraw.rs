//! A toggle redraws only what changed: the frame after switching a control sends a few
//! kilobytes to the terminal, not a full screen (SSH workshops over slow links).

use crate::common_tui;

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use wirkung::tui::app::{Page, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::view;

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

#[test]
fn redraw_after_a_toggle_stays_under_8_kb() {
    let mut app = common_tui::app_for(
        std::path::Path::new(wirkung::cli::SAMPLE_BUNDLE),
        wirkung::tui::theme::Theme::full(),
    );
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    let counter = Counting::default();
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)),
    };
    let mut terminal =
        Terminal::with_options(CrosstermBackend::new(counter.clone()), options).unwrap();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    let full = counter.0.get();
    dispatch(&mut app, Msg::ToggleSelected);
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    let diff = counter.0.get() - full;
    eprintln!("first frame {full} bytes, redraw after toggle {diff} bytes");
    assert!(diff > 0, "the toggle must change the screen");
    assert!(diff < 8192, "redraw after a toggle wrote {diff} bytes");
    // Nothing changed: the next frame writes (almost) nothing.
    let before = counter.0.get();
    terminal.draw(|f| view::draw(&app, f)).unwrap();
    assert!(counter.0.get() - before < 64);
}
