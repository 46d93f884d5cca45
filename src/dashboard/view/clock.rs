//! The big clock: the `JAM hh:mm:ss` a TIME request gets right now.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use tui_big_text::{BigText, PixelSize};

use super::panel;
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

/// Columns a glyph takes at each size (the font is 8x8 pixels).
const HALF_HEIGHT_GLYPH_WIDTH: u16 = 8;
const QUADRANT_GLYPH_WIDTH: u16 = 4;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = format!(" {} ", said!(app.options.lang, "ui.clock.title"));
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = app.snapshot.clock.as_str();
    let glyphs = text.chars().count() as u16;
    // The biggest font the whole `JAM hh:mm:ss` fits in; plain text when none does (a clock
    // cut to `JAM 23:19:5` tells the wrong time).
    let size = if !theme.glyphs.big_clock {
        None
    } else if inner.width >= HALF_HEIGHT_GLYPH_WIDTH * glyphs {
        Some(PixelSize::HalfHeight)
    } else if inner.width >= QUADRANT_GLYPH_WIDTH * glyphs {
        Some(PixelSize::Quadrant)
    } else {
        None
    };
    let Some(size) = size else {
        let line = ratatui::text::Line::styled(
            text,
            theme.clock.add_modifier(ratatui::style::Modifier::BOLD),
        );
        let middle = Rect {
            y: inner.y + inner.height / 2,
            height: 1,
            ..inner
        };
        frame.render_widget(ratatui::widgets::Paragraph::new(line).centered(), middle);
        return;
    };
    let clock = BigText::builder()
        .pixel_size(size)
        .style(theme.clock)
        .alignment(Alignment::Center)
        .lines(vec![text.into()])
        .build();
    frame.render_widget(clock, inner);
}
