//! Named styles. Three variants: full colour, the 16 ANSI colours (safe over SSH and in
//! old terminals), and monochrome for NO_COLOR (https://no-color.org) and `--theme mono`.

/// The `--theme` choices: full colour, 16 colours, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ThemeArg {
    #[default]
    Full,
    #[value(name = "16")]
    Sixteen,
    Mono,
}
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub tab: Style,
    pub tab_selected: Style,
    pub status: Style,
    pub synthetic_badge: Style,
    pub error: Style,
    pub warning: Style,
    pub ok: Style,
    pub treated: Style,
    pub control: Style,
    pub difference: Style,
    pub marker: Style,
    pub bar: Style,
    pub highlight: Style,
    pub key: Style,
    /// Colours for the eight topics, indexed like `Topic::ALL`.
    pub topics: [Style; 8],
}

impl Theme {
    /// Picks the theme from `--theme` and the NO_COLOR convention (any non-empty value).
    pub fn choose(arg: ThemeArg, no_color: Option<&str>) -> Theme {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Theme::mono();
        }
        match arg {
            ThemeArg::Full => Theme::full(),
            ThemeArg::Sixteen => Theme::sixteen(),
            ThemeArg::Mono => Theme::mono(),
        }
    }

    pub fn full() -> Theme {
        let rgb = Color::Rgb;
        Theme {
            text: Style::new(),
            dim: Style::new().fg(rgb(140, 140, 140)),
            title: Style::new()
                .fg(rgb(120, 180, 255))
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(rgb(90, 90, 110)),
            tab: Style::new().fg(rgb(170, 170, 170)),
            tab_selected: Style::new()
                .fg(rgb(255, 255, 255))
                .bg(rgb(50, 90, 160))
                .add_modifier(Modifier::BOLD),
            status: Style::new().fg(rgb(230, 230, 230)).bg(rgb(40, 40, 55)),
            synthetic_badge: Style::new()
                .fg(rgb(0, 0, 0))
                .bg(rgb(255, 190, 0))
                .add_modifier(Modifier::BOLD),
            error: Style::new()
                .fg(rgb(255, 90, 90))
                .add_modifier(Modifier::BOLD),
            warning: Style::new().fg(rgb(255, 190, 0)),
            ok: Style::new().fg(rgb(110, 210, 110)),
            treated: Style::new().fg(rgb(80, 160, 255)),
            control: Style::new().fg(rgb(255, 150, 60)),
            difference: Style::new().fg(rgb(190, 120, 255)),
            marker: Style::new().fg(rgb(200, 200, 200)),
            bar: Style::new().fg(rgb(100, 170, 230)),
            highlight: Style::new()
                .bg(rgb(60, 60, 80))
                .add_modifier(Modifier::BOLD),
            key: Style::new()
                .fg(rgb(255, 220, 120))
                .add_modifier(Modifier::BOLD),
            topics: [
                Style::new().fg(rgb(80, 160, 255)),
                Style::new().fg(rgb(255, 150, 60)),
                Style::new().fg(rgb(110, 210, 110)),
                Style::new().fg(rgb(255, 90, 90)),
                Style::new().fg(rgb(190, 120, 255)),
                Style::new().fg(rgb(160, 110, 80)),
                Style::new().fg(rgb(255, 130, 200)),
                Style::new().fg(rgb(170, 170, 170)),
            ],
        }
    }

    pub fn sixteen() -> Theme {
        Theme {
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            tab: Style::new().fg(Color::Gray),
            tab_selected: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            status: Style::new().fg(Color::White).bg(Color::DarkGray),
            synthetic_badge: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            error: Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            warning: Style::new().fg(Color::Yellow),
            ok: Style::new().fg(Color::Green),
            treated: Style::new().fg(Color::LightBlue),
            control: Style::new().fg(Color::LightRed),
            difference: Style::new().fg(Color::Magenta),
            marker: Style::new().fg(Color::Gray),
            bar: Style::new().fg(Color::Cyan),
            highlight: Style::new().add_modifier(Modifier::REVERSED),
            key: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            topics: [
                Style::new().fg(Color::LightBlue),
                Style::new().fg(Color::LightRed),
                Style::new().fg(Color::Green),
                Style::new().fg(Color::Red),
                Style::new().fg(Color::Magenta),
                Style::new().fg(Color::Yellow),
                Style::new().fg(Color::LightMagenta),
                Style::new().fg(Color::Gray),
            ],
        }
    }

    /// No colours at all: emphasis by bold, reverse and underline only.
    pub fn mono() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            text: plain,
            dim: plain,
            title: bold,
            border: plain,
            tab: plain,
            tab_selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            status: Style::new().add_modifier(Modifier::REVERSED),
            synthetic_badge: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            error: bold,
            warning: plain,
            ok: plain,
            treated: bold,
            control: plain,
            difference: plain,
            marker: plain,
            bar: plain,
            highlight: Style::new().add_modifier(Modifier::REVERSED),
            key: bold,
            topics: [plain; 8],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_the_theme_flag() {
        assert_eq!(Theme::choose(ThemeArg::Full, Some("1")), Theme::mono());
        assert_eq!(Theme::choose(ThemeArg::Full, Some("")), Theme::full());
        assert_eq!(Theme::choose(ThemeArg::Sixteen, None), Theme::sixteen());
    }
}
