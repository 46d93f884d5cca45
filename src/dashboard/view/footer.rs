//! The bottom line: the keys (read-only mode says which are off), or the latest notice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::dashboard::app::App;
use crate::dashboard::keys::{FOOTER, FooterKey};
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.paused));
    }
    if app.read_only {
        spans.push(Span::styled(" READ-ONLY: k p m +- off ", theme.paused));
    }
    for (key, what, changes_server) in FOOTER {
        if app.read_only && changes_server {
            continue;
        }
        let key = match key {
            FooterKey::Text(text) => text,
            FooterKey::UpDown => theme.glyphs.up_down,
            FooterKey::Enter => theme.glyphs.enter,
        };
        spans.push(Span::styled(format!(" {key}"), theme.key));
        spans.push(Span::styled(format!(" {what}"), theme.label));
    }
    frame.render_widget(Line::from(spans), area);
}
