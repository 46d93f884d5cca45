//! The bottom line: the keys a newcomer needs (read-only mode says which are off), or the latest
//! notice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::dashboard::app::App;
use crate::dashboard::bindings::{BINDINGS, FooterKey, FooterWhere};
use crate::dashboard::theme::Theme;
use crate::lang::said;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let spans = match &app.notice {
        None => hints(app, theme, false),
        Some(notice) => {
            // A notice takes the room of the hints, all but help and quit, which stay; it is
            // cut from its start (the end of a path is the part that says which file).
            let kept = hints(app, theme, true);
            let room = usize::from(area.width)
                .saturating_sub(kept.iter().map(Span::width).sum::<usize>())
                .saturating_sub(2);
            let mut spans = vec![Span::styled(
                format!(" {} ", cut_start(notice, room)),
                theme.paused,
            )];
            spans.extend(kept);
            spans
        }
    };
    frame.render_widget(Line::from(spans), area);
}

/// `text` in at most `room` columns, its start replaced by `…` if cut.
fn cut_start(text: &str, room: usize) -> String {
    let count = text.chars().count();
    if count <= room {
        return text.to_string();
    }
    let kept: String = text.chars().skip(count + 1 - room.max(1)).collect();
    format!("…{kept}")
}

/// The keys a newcomer needs, and in read-only mode which are off; `few`: only the keys offered
/// everywhere (help and quit).
fn hints<'a>(app: &App, theme: &Theme, few: bool) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let lang = app.options.lang;
    if app.options.read_only && !few {
        let read_only = said!(lang, "ui.read_only", keys = refused_keys());
        spans.push(Span::styled(format!(" {read_only} "), theme.paused));
    }
    let in_conversation = app.conversations.shown.is_some();
    for binding in &BINDINGS {
        let Some((key, what, place)) = binding.footer else {
            continue;
        };
        if !place.shows(in_conversation) || few && place != FooterWhere::Everywhere {
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
        spans.push(Span::styled(format!(" {}", said!(lang, what)), theme.label));
    }
    spans
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
