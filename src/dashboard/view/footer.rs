//! The bottom line: the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::dashboard::keys::FOOTER;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = Vec::new();
    for (key, what) in FOOTER {
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::styled(format!(" {what} "), theme.label));
    }
    frame.render_widget(Line::from(spans), area);
}
