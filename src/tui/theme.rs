//! Named styles, and the only place that names a colour. Five themes: `full` (dark
//! background), `light`, `high-contrast` (white on black, whatever the terminal's background),
//! the 16 ANSI colours (safe over SSH and in old terminals), and monochrome for NO_COLOR
//! (https://no-color.org) and `--theme mono`. `auto` picks one from what the terminal says
//! about itself (`detect`).

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Serialize};

/// The `--theme` choices; `auto` reads the terminal's background and colour depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeArg {
    #[default]
    Auto,
    /// Full colour on a dark background.
    #[value(alias = "dark")]
    Full,
    Light,
    HighContrast,
    #[value(name = "16")]
    #[serde(rename = "16")]
    Sixteen,
    Mono,
}

impl ThemeArg {
    /// The name `--theme` takes.
    pub fn name(self) -> &'static str {
        match self {
            ThemeArg::Auto => "auto",
            ThemeArg::Full => "full",
            ThemeArg::Light => "light",
            ThemeArg::HighContrast => "high-contrast",
            ThemeArg::Sixteen => "16",
            ThemeArg::Mono => "mono",
        }
    }
}

/// Which theme a `Theme` is (widgets that draw differently without colour ask this, not
/// the colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeKind {
    Full,
    Light,
    HighContrast,
    Sixteen,
    Mono,
}

/// The terminal's background, from `COLORFGBG` or its answer to an OSC 11 query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    Dark,
    Light,
}

/// How many colours the terminal draws: 24-bit (`COLORTERM=truecolor|24bit`), the 256 of
/// xterm's palette (`TERM=*256color*`), or the 16 ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    TrueColour,
    Indexed256,
    Ansi16,
}

/// What the terminal says about itself, read once before the dashboard starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalColours {
    pub background: Option<Background>,
    pub depth: ColourDepth,
}

impl Default for TerminalColours {
    /// A dark true-colour terminal (what the dashboard assumed before it asked).
    fn default() -> TerminalColours {
        TerminalColours {
            background: None,
            depth: ColourDepth::TrueColour,
        }
    }
}

/// The background colour's index in `COLORFGBG` ("fg;bg" or "fg;default;bg", set by rxvt,
/// Konsole and others): 7 and 9–15 are the light ANSI colours, 0–6 and 8 the dark ones.
pub fn background_from_colorfgbg(value: &str) -> Option<Background> {
    let bg: u8 = value.rsplit(';').next()?.trim().parse().ok()?;
    match bg {
        7 | 9..=15 => Some(Background::Light),
        0..=6 | 8 => Some(Background::Dark),
        _ => None,
    }
}

/// The background in a terminal's answer to `OSC 11 ; ?`: `ESC ] 11 ; rgb:RRRR/GGGG/BBBB`
/// (1 to 4 hex digits a channel) ended by BEL or ST; light when its relative luminance is
/// above one half.
pub fn background_from_osc11(reply: &[u8]) -> Option<Background> {
    let text = String::from_utf8_lossy(reply);
    let start = text.find("]11;rgb:")? + "]11;rgb:".len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_hexdigit() || c == '/'))
        .unwrap_or(rest.len());
    let channels: Vec<f64> = rest[..end]
        .split('/')
        .map(|h| {
            let digits = h.len().clamp(1, 4) as u32;
            u32::from_str_radix(h, 16)
                .ok()
                .filter(|_| !h.is_empty() && h.len() <= 4)
                .map(|v| f64::from(v) / f64::from((1u32 << (4 * digits)) - 1))
        })
        .collect::<Option<_>>()?;
    let [r, g, b] = channels[..] else {
        return None;
    };
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    Some(if luminance > 0.5 {
        Background::Light
    } else {
        Background::Dark
    })
}

/// The colour depth from `COLORTERM` and `TERM`.
pub fn depth_from_env(colorterm: Option<&str>, term: Option<&str>) -> ColourDepth {
    let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
    if colorterm == "truecolor" || colorterm == "24bit" {
        return ColourDepth::TrueColour;
    }
    match term {
        Some(t) if t.contains("256") || t.contains("direct") => ColourDepth::Indexed256,
        // No TERM at all (a Windows console, some IDE terminals): they draw 24-bit colour.
        None => ColourDepth::TrueColour,
        Some(_) => ColourDepth::Ansi16,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub kind: ThemeKind,
    /// Colours are 24-bit; otherwise they were mapped onto xterm's 256-colour palette.
    pub truecolour: bool,
    /// Painted under the whole screen first: the terminal's own colours, or the theme's
    /// background where it must not depend on the terminal's (light, high-contrast).
    pub base: Style,
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
    /// The row under the cursor: a background tint or bold underline, never reverse video
    /// (which turns a bar of `█` into its complement).
    pub highlight: Style,
    pub key: Style,
    /// Colours for the eight topics, indexed like `Topic::ALL`.
    pub topics: [Style; 8],
}

impl Theme {
    /// Picks the theme: NO_COLOR (any non-empty value) wins, then `--theme`; `auto` follows
    /// the terminal's background and colour depth. Colour themes on a terminal without
    /// 24-bit colour use the nearest colours of the 256-colour palette.
    pub fn choose(arg: ThemeArg, no_color: Option<&str>, terminal: TerminalColours) -> Theme {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Theme::mono();
        }
        let light = terminal.background == Some(Background::Light);
        let theme = match arg {
            ThemeArg::Auto if terminal.depth == ColourDepth::Ansi16 => {
                return Theme::sixteen_on(light);
            }
            ThemeArg::Auto if light => Theme::light(),
            ThemeArg::Auto | ThemeArg::Full => Theme::full(),
            ThemeArg::Light => Theme::light(),
            ThemeArg::HighContrast => Theme::high_contrast(),
            ThemeArg::Sixteen => return Theme::sixteen_on(light),
            ThemeArg::Mono => return Theme::mono(),
        };
        if terminal.depth == ColourDepth::TrueColour {
            theme
        } else {
            theme.indexed()
        }
    }

    /// Series are told apart by their marker and end-of-line label, not by colour.
    pub fn marks_series(&self) -> bool {
        self.kind == ThemeKind::Mono
    }

    /// A colour of the theme's own palettes (the map's classes) at the theme's depth.
    pub fn rgb(&self, (r, g, b): (u8, u8, u8)) -> Color {
        if self.truecolour {
            Color::Rgb(r, g, b)
        } else {
            Color::Indexed(nearest_256(r, g, b))
        }
    }

    /// Sequential colours for `n` classes (the map): viridis, a 16-colour ramp, or none.
    pub fn sequential(&self, n: usize) -> Vec<Color> {
        match self.kind {
            ThemeKind::Mono => vec![Color::Reset; n],
            ThemeKind::Sixteen => {
                const RAMP: [Color; 8] = [
                    Color::Blue,
                    Color::LightBlue,
                    Color::Cyan,
                    Color::LightCyan,
                    Color::Green,
                    Color::LightGreen,
                    Color::Yellow,
                    Color::LightYellow,
                ];
                (0..n).map(|i| RAMP[i * RAMP.len() / n.max(1)]).collect()
            }
            _ => crate::core::view::map::sequential_colours(n)
                .into_iter()
                .map(|c| self.rgb(c))
                .collect(),
        }
    }

    pub fn full() -> Theme {
        let rgb = Color::Rgb;
        Theme {
            kind: ThemeKind::Full,
            truecolour: true,
            base: Style::new(),
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

    /// Dark text on white (projectors, light terminals). The background is painted, so the
    /// theme reads the same on a dark terminal; every text colour keeps a contrast of at
    /// least 4.5:1 against it (WCAG AA), hints included.
    pub fn light() -> Theme {
        let rgb = Color::Rgb;
        let paper = rgb(255, 255, 255);
        Theme {
            kind: ThemeKind::Light,
            truecolour: true,
            base: Style::new().fg(rgb(25, 25, 25)).bg(paper),
            text: Style::new(),
            dim: Style::new().fg(rgb(95, 95, 95)),
            title: Style::new()
                .fg(rgb(0, 70, 160))
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(rgb(140, 140, 155)),
            tab: Style::new().fg(rgb(70, 70, 70)),
            tab_selected: Style::new()
                .fg(paper)
                .bg(rgb(30, 80, 170))
                .add_modifier(Modifier::BOLD),
            status: Style::new().fg(rgb(25, 25, 25)).bg(rgb(222, 226, 234)),
            synthetic_badge: Style::new()
                .fg(rgb(0, 0, 0))
                .bg(rgb(255, 190, 0))
                .add_modifier(Modifier::BOLD),
            error: Style::new().fg(rgb(190, 0, 0)).add_modifier(Modifier::BOLD),
            warning: Style::new().fg(rgb(150, 80, 0)),
            ok: Style::new().fg(rgb(0, 115, 0)),
            treated: Style::new().fg(rgb(0, 95, 200)),
            control: Style::new().fg(rgb(190, 80, 0)),
            difference: Style::new().fg(rgb(120, 50, 180)),
            marker: Style::new().fg(rgb(60, 60, 60)),
            bar: Style::new().fg(rgb(30, 110, 180)),
            highlight: Style::new()
                .bg(rgb(205, 222, 250))
                .add_modifier(Modifier::BOLD),
            key: Style::new()
                .fg(rgb(150, 60, 0))
                .add_modifier(Modifier::BOLD),
            topics: [
                Style::new().fg(rgb(0, 95, 200)),
                Style::new().fg(rgb(190, 80, 0)),
                Style::new().fg(rgb(0, 130, 70)),
                Style::new().fg(rgb(190, 20, 20)),
                Style::new().fg(rgb(120, 50, 180)),
                Style::new().fg(rgb(130, 85, 35)),
                Style::new().fg(rgb(190, 40, 130)),
                Style::new().fg(rgb(90, 90, 90)),
            ],
        }
    }

    /// White and saturated colours on black, bold where it helps; for projectors that wash
    /// colours out. The background is painted.
    pub fn high_contrast() -> Theme {
        let rgb = Color::Rgb;
        let black = rgb(0, 0, 0);
        let white = rgb(255, 255, 255);
        let yellow = rgb(255, 255, 0);
        let bold = Modifier::BOLD;
        Theme {
            kind: ThemeKind::HighContrast,
            truecolour: true,
            base: Style::new().fg(white).bg(black),
            text: Style::new(),
            dim: Style::new().fg(rgb(215, 215, 215)),
            title: Style::new().fg(yellow).add_modifier(bold),
            border: Style::new().fg(white),
            tab: Style::new().fg(white),
            tab_selected: Style::new().fg(black).bg(yellow).add_modifier(bold),
            status: Style::new().fg(black).bg(white),
            synthetic_badge: Style::new()
                .fg(black)
                .bg(rgb(255, 170, 0))
                .add_modifier(bold | Modifier::UNDERLINED),
            error: Style::new().fg(rgb(255, 90, 90)).add_modifier(bold),
            warning: Style::new().fg(yellow),
            ok: Style::new().fg(rgb(0, 255, 0)),
            treated: Style::new().fg(rgb(0, 220, 255)).add_modifier(bold),
            control: Style::new().fg(rgb(255, 160, 0)).add_modifier(bold),
            difference: Style::new().fg(rgb(255, 110, 255)),
            marker: Style::new().fg(white),
            bar: Style::new().fg(rgb(0, 220, 255)),
            highlight: Style::new()
                .bg(rgb(0, 0, 150))
                .add_modifier(bold | Modifier::UNDERLINED),
            key: Style::new().fg(yellow).add_modifier(bold),
            topics: [
                Style::new().fg(rgb(0, 220, 255)),
                Style::new().fg(rgb(255, 160, 0)),
                Style::new().fg(rgb(0, 255, 0)),
                Style::new().fg(rgb(255, 70, 70)),
                Style::new().fg(rgb(255, 110, 255)),
                Style::new().fg(yellow),
                Style::new().fg(white),
                Style::new().fg(rgb(160, 160, 255)),
            ],
        }
    }

    /// The 16 ANSI colours on a dark background.
    pub fn sixteen() -> Theme {
        Theme::sixteen_on(false)
    }

    /// The 16 ANSI colours; on a light background the light variants (yellow, light blue)
    /// give way to darker ones that stay readable on white.
    pub fn sixteen_on(light: bool) -> Theme {
        let (accent, treated, control, key, warning) = if light {
            (
                Color::Blue,
                Color::Blue,
                Color::Red,
                Color::Magenta,
                Color::Magenta,
            )
        } else {
            (
                Color::LightBlue,
                Color::LightBlue,
                Color::LightRed,
                Color::Yellow,
                Color::Yellow,
            )
        };
        Theme {
            kind: ThemeKind::Sixteen,
            truecolour: false,
            base: Style::new(),
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            tab: Style::new().fg(if light { Color::Black } else { Color::Gray }),
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
                .fg(if light { Color::Red } else { Color::LightRed })
                .add_modifier(Modifier::BOLD),
            warning: Style::new().fg(warning),
            ok: Style::new().fg(Color::Green),
            treated: Style::new().fg(treated),
            control: Style::new().fg(control),
            difference: Style::new().fg(Color::Magenta),
            marker: Style::new().fg(if light { Color::Black } else { Color::Gray }),
            bar: Style::new().fg(if light { Color::Blue } else { Color::Cyan }),
            highlight: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: Style::new().fg(key).add_modifier(Modifier::BOLD),
            topics: [
                Style::new().fg(treated),
                Style::new().fg(control),
                Style::new().fg(Color::Green),
                Style::new().fg(Color::Red),
                Style::new().fg(Color::Magenta),
                Style::new().fg(if light {
                    Color::DarkGray
                } else {
                    Color::Yellow
                }),
                Style::new().fg(if light {
                    Color::Cyan
                } else {
                    Color::LightMagenta
                }),
                Style::new().fg(if light { Color::Black } else { Color::Gray }),
            ],
        }
    }

    /// No colours at all: emphasis by bold, reverse and underline only; series by marker.
    pub fn mono() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            kind: ThemeKind::Mono,
            truecolour: false,
            base: plain,
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
            highlight: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: bold,
            topics: [plain; 8],
        }
    }

    /// The same theme with every 24-bit colour replaced by its nearest in xterm's 256-colour
    /// palette (the 6×6×6 cube and the grey ramp, which terminals do not redefine).
    pub fn indexed(self) -> Theme {
        let map = |s: Style| {
            let c = |c: Option<Color>| match c {
                Some(Color::Rgb(r, g, b)) => Some(Color::Indexed(nearest_256(r, g, b))),
                other => other,
            };
            Style {
                fg: c(s.fg),
                bg: c(s.bg),
                ..s
            }
        };
        Theme {
            truecolour: false,
            base: map(self.base),
            text: map(self.text),
            dim: map(self.dim),
            title: map(self.title),
            border: map(self.border),
            tab: map(self.tab),
            tab_selected: map(self.tab_selected),
            status: map(self.status),
            synthetic_badge: map(self.synthetic_badge),
            error: map(self.error),
            warning: map(self.warning),
            ok: map(self.ok),
            treated: map(self.treated),
            control: map(self.control),
            difference: map(self.difference),
            marker: map(self.marker),
            bar: map(self.bar),
            highlight: map(self.highlight),
            key: map(self.key),
            topics: self.topics.map(map),
            ..self
        }
    }
}

/// The index of the nearest colour (squared RGB distance) among xterm's colours 16–255.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
    let level = |v: u8| (0..6).min_by_key(|&i| d(v, LEVELS[i])).expect("six levels");
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = 16 + 36 * ri + 6 * gi + bi;
    let cube_d = d(r, LEVELS[ri]) + d(g, LEVELS[gi]) + d(b, LEVELS[bi]);
    let (grey_i, grey_d) = (0..24)
        .map(|i| {
            let v = (8 + 10 * i) as u8;
            (i, d(r, v) + d(g, v) + d(b, v))
        })
        .min_by_key(|&(_, dist)| dist)
        .expect("24 greys");
    if grey_d < cube_d {
        232 + grey_i as u8
    } else {
        cube as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DARK_TRUE: TerminalColours = TerminalColours {
        background: Some(Background::Dark),
        depth: ColourDepth::TrueColour,
    };

    #[test]
    fn no_color_wins_over_the_theme_flag() {
        let t = TerminalColours::default();
        assert_eq!(Theme::choose(ThemeArg::Full, Some("1"), t), Theme::mono());
        assert_eq!(Theme::choose(ThemeArg::Light, Some("1"), t), Theme::mono());
        assert_eq!(Theme::choose(ThemeArg::Full, Some(""), t), Theme::full());
        assert_eq!(Theme::choose(ThemeArg::Sixteen, None, t), Theme::sixteen());
    }

    #[test]
    fn auto_follows_the_background_and_the_depth() {
        let light = TerminalColours {
            background: Some(Background::Light),
            ..DARK_TRUE
        };
        assert_eq!(
            Theme::choose(ThemeArg::Auto, None, DARK_TRUE),
            Theme::full()
        );
        assert_eq!(Theme::choose(ThemeArg::Auto, None, light), Theme::light());
        let light_256 = TerminalColours {
            depth: ColourDepth::Indexed256,
            ..light
        };
        let t = Theme::choose(ThemeArg::Auto, None, light_256);
        assert_eq!(t.kind, ThemeKind::Light);
        assert!(!t.truecolour);
        assert_eq!(
            t.highlight.bg,
            Some(Color::Indexed(nearest_256(205, 222, 250)))
        );
        let light_16 = TerminalColours {
            depth: ColourDepth::Ansi16,
            ..light
        };
        assert_eq!(
            Theme::choose(ThemeArg::Auto, None, light_16),
            Theme::sixteen_on(true)
        );
        // An explicit theme is kept whatever the background.
        assert_eq!(
            Theme::choose(ThemeArg::HighContrast, None, light),
            Theme::high_contrast()
        );
    }

    #[test]
    fn colorfgbg_names_the_background_by_its_last_field() {
        assert_eq!(background_from_colorfgbg("15;0"), Some(Background::Dark));
        assert_eq!(background_from_colorfgbg("0;15"), Some(Background::Light));
        assert_eq!(
            background_from_colorfgbg("0;default;7"),
            Some(Background::Light)
        );
        assert_eq!(background_from_colorfgbg("7;8"), Some(Background::Dark));
        assert_eq!(background_from_colorfgbg("default;default"), None);
        assert_eq!(background_from_colorfgbg(""), None);
    }

    #[test]
    fn osc11_answers_are_read_at_any_digit_count() {
        let white = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\";
        let black = b"\x1b]11;rgb:0000/0000/0000\x07";
        // Solarized light's base3 and dark's base03, two hex digits a channel.
        let cream = b"\x1b]11;rgb:fd/f6/e3\x07";
        let navy = b"\x1b]11;rgb:00/2b/36\x07";
        assert_eq!(background_from_osc11(white), Some(Background::Light));
        assert_eq!(background_from_osc11(black), Some(Background::Dark));
        assert_eq!(background_from_osc11(cream), Some(Background::Light));
        assert_eq!(background_from_osc11(navy), Some(Background::Dark));
        assert_eq!(background_from_osc11(b"\x1b[?62;c"), None);
        assert_eq!(background_from_osc11(b"\x1b]11;rgb:zz/00/00\x07"), None);
        assert_eq!(background_from_osc11(b"\x1b]11;rgb:ff/ff\x07"), None);
    }

    #[test]
    fn depth_from_colorterm_then_term() {
        assert_eq!(
            depth_from_env(Some("truecolor"), Some("xterm")),
            ColourDepth::TrueColour
        );
        assert_eq!(depth_from_env(Some("24bit"), None), ColourDepth::TrueColour);
        assert_eq!(
            depth_from_env(None, Some("xterm-256color")),
            ColourDepth::Indexed256
        );
        assert_eq!(depth_from_env(Some(""), Some("linux")), ColourDepth::Ansi16);
        assert_eq!(depth_from_env(None, Some("xterm")), ColourDepth::Ansi16);
    }

    #[test]
    fn the_nearest_palette_colour_is_exact_on_the_palette() {
        assert_eq!(nearest_256(0, 0, 0), 16);
        assert_eq!(nearest_256(255, 255, 255), 231);
        assert_eq!(nearest_256(95, 135, 175), 16 + 36 + 6 * 2 + 3);
        // A grey between cube levels goes to the grey ramp (238 = rgb 68,68,68).
        assert_eq!(nearest_256(68, 68, 68), 238);
    }

    /// WCAG 2 contrast ratio of two sRGB colours.
    fn contrast(a: Color, b: Color) -> f64 {
        let luminance = |c: Color| {
            let Color::Rgb(r, g, b) = c else {
                panic!("{c:?} is no RGB colour")
            };
            let lin = |v: u8| {
                let v = f64::from(v) / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn light_and_high_contrast_text_reads_at_4_5_to_1() {
        for t in [Theme::light(), Theme::high_contrast()] {
            let paper = t.base.bg.unwrap();
            let texts = [
                t.base,
                t.dim,
                t.title,
                t.error,
                t.warning,
                t.ok,
                t.treated,
                t.control,
                t.difference,
                t.marker,
                t.bar,
                t.key,
            ];
            for (i, s) in texts.iter().chain(&t.topics).enumerate() {
                let fg = s.fg.unwrap();
                let ratio = contrast(fg, paper);
                assert!(ratio >= 4.5, "{:?} style {i}: {fg:?} {ratio:.2}", t.kind);
            }
        }
    }

    #[test]
    fn no_theme_inverts_the_selected_row() {
        for t in [
            Theme::full(),
            Theme::light(),
            Theme::high_contrast(),
            Theme::sixteen_on(false),
            Theme::sixteen_on(true),
            Theme::mono(),
        ] {
            assert!(
                !t.highlight.add_modifier.contains(Modifier::REVERSED),
                "{:?}",
                t.kind
            );
        }
    }
}
