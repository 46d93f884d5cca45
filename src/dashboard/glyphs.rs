//! The characters the dashboard draws with: Unicode by default, plain ASCII with `--ascii` for
//! lab machines and consoles without box-drawing or block fonts.

use ratatui::symbols::{bar, border};

#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    /// Panel borders; `None`: the theme's own border type.
    pub border: Option<border::Set<'static>>,
    ascii: bool,
    pub serving: &'static str,
    pub paused: &'static str,
    pub frozen: &'static str,
    pub to_server: &'static str,
    pub to_client: &'static str,
    pub note: &'static str,
    pub up_down: &'static str,
    pub enter: &'static str,
    /// The unit after microseconds.
    pub micros: &'static str,
    /// Draw the clock in big block digits.
    pub big_clock: bool,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const ASCII_BARS: bar::Set<'static> = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

impl Glyphs {
    /// The chart's bars.
    pub fn bars(&self) -> bar::Set<'static> {
        if self.ascii {
            ASCII_BARS
        } else {
            bar::NINE_LEVELS
        }
    }

    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs {
                border: Some(ASCII_BORDER),
                ascii: true,
                serving: "*",
                paused: "||",
                frozen: "#",
                to_server: ">",
                to_client: "<",
                note: "-",
                up_down: "^v",
                enter: "Ret",
                micros: "us",
                big_clock: false,
            }
        } else {
            Glyphs {
                border: None,
                ascii: false,
                serving: "●",
                paused: "⏸",
                frozen: "❄",
                to_server: "→",
                to_client: "←",
                note: "·",
                up_down: "↑↓",
                enter: "⏎",
                micros: "µs",
                big_clock: true,
            }
        }
    }
}
