//! The bottom line: the keys a newcomer needs (read-only mode says which are off), or the latest
//! notice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::dashboard::app::App;
use crate::dashboard::bindings::{BINDINGS, FooterKey};
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.paused));
    }
    if app.options.read_only {
        spans.push(Span::styled(
            format!(" READ-ONLY: {} off, Ctrl-C quits ", refused_keys()),
            theme.paused,
        ));
    }
    let in_conversation = app.conversations.shown.is_some();
    for binding in &BINDINGS {
        let Some((key, what, place)) = binding.footer else {
            continue;
        };
        if !place.shows(in_conversation) {
            continue;
        }
        if app.options.read_only && !binding.action.allowed_read_only() {
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

/// The first key of every action read-only mode refuses: `k p m + - h e q`.
fn refused_keys() -> String {
    let keys = BINDINGS
        .iter()
        .filter(|binding| !binding.action.allowed_read_only())
        .filter_map(|binding| binding.keys.first()?.as_char())
        .map(String::from);
    keys.collect::<Vec<_>>().join(" ")
}
