//! Colour themes. Only the 16 ANSI colours are used, so every theme works in a plain 16-colour
//! terminal and over SSH; NO_COLOR drops the colours and keeps bold and reverse video.

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use crate::dashboard::glyphs::Glyphs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Dark,
    Light,
    /// Bold, bright and thick-bordered, for projectors.
    HighContrast,
}

impl ThemeName {
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::HighContrast,
            ThemeName::HighContrast => ThemeName::Dark,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }
}

/// Every style the view uses.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Text and background of the whole screen.
    pub base: Style,
    pub border: Style,
    pub focused_border: Style,
    pub border_type: BorderType,
    pub title: Style,
    pub label: Style,
    pub value: Style,
    /// A row that is over: a connection closed, a machine not seen lately. Italic and not bold
    /// as well as dim, so that it stands apart on a projector and without colour.
    pub closed: Style,
    pub serving: Style,
    pub paused: Style,
    /// The serving mode badge.
    pub mode: Style,
    pub clock: Style,
    pub chart: Style,
    pub table_header: Style,
    pub selected: Style,
    pub waiting: Style,
    pub key: Style,
    pub log_error: Style,
    pub log_warn: Style,
    pub log_info: Style,
    pub glyphs: Glyphs,
}

impl Theme {
    pub fn new(name: ThemeName, no_color: bool, ascii: bool) -> Theme {
        let mut theme = match name {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::HighContrast => Theme::high_contrast(),
        };
        theme.glyphs = Glyphs::new(ascii);
        if no_color {
            theme.without_colour()
        } else {
            theme
        }
    }

    fn dark() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new(),
            border: Style::new().fg(Color::DarkGray),
            focused_border: Style::new().fg(Color::Cyan),
            border_type: BorderType::Rounded,
            title: Style::new().fg(Color::Cyan).add_modifier(bold),
            label: Style::new().fg(Color::Gray),
            value: Style::new().fg(Color::White).add_modifier(bold),
            closed: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            serving: Style::new()
                .fg(Color::Black)
                .bg(Color::Green)
                .add_modifier(bold),
            paused: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            mode: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(bold),
            clock: Style::new().fg(Color::Green),
            chart: Style::new().fg(Color::Cyan),
            table_header: Style::new().fg(Color::Yellow).add_modifier(bold),
            selected: Style::new().fg(Color::Black).bg(Color::Cyan),
            waiting: Style::new().fg(Color::Yellow),
            key: Style::new().fg(Color::Cyan).add_modifier(bold),
            log_error: Style::new().fg(Color::Red).add_modifier(bold),
            log_warn: Style::new().fg(Color::Yellow),
            log_info: Style::new().fg(Color::Gray),
            glyphs: Glyphs::new(false),
        }
    }

    fn light() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new().fg(Color::Black).bg(Color::White),
            border: Style::new().fg(Color::DarkGray),
            focused_border: Style::new().fg(Color::Blue),
            border_type: BorderType::Rounded,
            title: Style::new().fg(Color::Blue).add_modifier(bold),
            label: Style::new().fg(Color::DarkGray),
            value: Style::new().fg(Color::Black).add_modifier(bold),
            closed: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            serving: Style::new()
                .fg(Color::White)
                .bg(Color::Green)
                .add_modifier(bold),
            paused: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(bold),
            mode: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(bold),
            clock: Style::new().fg(Color::Blue),
            chart: Style::new().fg(Color::Blue),
            table_header: Style::new().fg(Color::Magenta).add_modifier(bold),
            selected: Style::new().fg(Color::White).bg(Color::Blue),
            waiting: Style::new().fg(Color::Red),
            key: Style::new().fg(Color::Blue).add_modifier(bold),
            log_error: Style::new().fg(Color::Red).add_modifier(bold),
            log_warn: Style::new().fg(Color::Black),
            log_info: Style::new().fg(Color::DarkGray),
            glyphs: Glyphs::new(false),
        }
    }

    fn high_contrast() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new()
                .fg(Color::White)
                .bg(Color::Black)
                .add_modifier(bold),
            border: Style::new().fg(Color::White),
            focused_border: Style::new().fg(Color::LightYellow),
            border_type: BorderType::Thick,
            title: Style::new().fg(Color::LightYellow).add_modifier(bold),
            label: Style::new().fg(Color::White),
            value: Style::new().fg(Color::LightYellow).add_modifier(bold),
            // Gray is still readable on black; the base's bold is taken away.
            closed: Style::new()
                .fg(Color::Gray)
                .add_modifier(Modifier::ITALIC)
                .remove_modifier(bold),
            serving: Style::new()
                .fg(Color::Black)
                .bg(Color::LightGreen)
                .add_modifier(bold),
            paused: Style::new()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(bold),
            mode: Style::new()
                .fg(Color::Black)
                .bg(Color::LightCyan)
                .add_modifier(bold),
            clock: Style::new().fg(Color::LightGreen).add_modifier(bold),
            chart: Style::new().fg(Color::LightCyan),
            table_header: Style::new()
                .fg(Color::LightYellow)
                .add_modifier(bold | Modifier::UNDERLINED),
            selected: Style::new().fg(Color::Black).bg(Color::LightYellow),
            waiting: Style::new().fg(Color::LightRed).add_modifier(bold),
            key: Style::new().fg(Color::LightYellow).add_modifier(bold),
            log_error: Style::new().fg(Color::LightRed).add_modifier(bold),
            log_warn: Style::new().fg(Color::White),
            log_info: Style::new().fg(Color::White),
            glyphs: Glyphs::new(false),
        }
    }

    fn without_colour(self) -> Theme {
        let plain = |style: Style| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        };
        Theme {
            base: plain(self.base),
            border: plain(self.border),
            focused_border: plain(self.focused_border).add_modifier(Modifier::BOLD),
            title: plain(self.title),
            label: plain(self.label),
            value: plain(self.value),
            closed: plain(self.closed),
            // Reverse video keeps the state badges standing out without colour.
            serving: plain(self.serving).add_modifier(Modifier::REVERSED),
            paused: plain(self.paused).add_modifier(Modifier::REVERSED),
            mode: plain(self.mode).add_modifier(Modifier::REVERSED),
            clock: plain(self.clock),
            chart: plain(self.chart),
            table_header: plain(self.table_header),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            waiting: plain(self.waiting).add_modifier(Modifier::BOLD),
            key: plain(self.key),
            log_error: plain(self.log_error),
            log_warn: plain(self.log_warn),
            log_info: plain(self.log_info),
            border_type: self.border_type,
            glyphs: self.glyphs,
        }
    }
}
