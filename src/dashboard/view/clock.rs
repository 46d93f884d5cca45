//! The big clock: the `JAM hh:mm:ss` a TIME request gets right now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{big_text, panel};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = format!(" {} ", said!(app.options.lang, "ui.clock.title"));
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = app.snapshot.clock.as_str();
    // The biggest letters the whole `JAM hh:mm:ss` fits in; plain text when none does.
    match big_text::size_to_fit(text, inner.width, theme) {
        Some(size) => big_text::render(frame, inner, text, size, theme.clock),
        None => {
            let line = Line::styled(text, theme.clock.add_modifier(Modifier::BOLD));
            let middle = Rect {
                y: inner.y + inner.height / 2,
                height: 1,
                ..inner
            };
            frame.render_widget(Paragraph::new(line).centered(), middle);
        }
    }
}
