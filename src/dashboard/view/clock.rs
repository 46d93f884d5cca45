//! The big clock: the `JAM hh:mm:ss` a TIME request gets right now.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use tui_big_text::{BigText, PixelSize};

use super::panel;
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;

/// Columns a glyph takes at each size (the font is 8x8 pixels).
const HALF_HEIGHT_GLYPH_WIDTH: u16 = 8;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = panel(" what TIME answers now ", false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = app.snapshot.clock.as_str();
    if !theme.glyphs.big_clock {
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
    }
    let wide_enough = inner.width >= HALF_HEIGHT_GLYPH_WIDTH * text.chars().count() as u16;
    let clock = BigText::builder()
        .pixel_size(if wide_enough {
            PixelSize::HalfHeight
        } else {
            PixelSize::Quadrant
        })
        .style(theme.clock)
        .alignment(Alignment::Center)
        .lines(vec![text.into()])
        .build();
    frame.render_widget(clock, inner);
}
