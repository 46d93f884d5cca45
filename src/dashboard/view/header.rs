//! The top line: where the server listens, its zone, uptime, and SERVING or PAUSED.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::format;
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let state = if app.snapshot.paused {
        Span::styled(" ⏸ PAUSED ", theme.paused)
    } else {
        Span::styled(" ● SERVING ", theme.serving)
    };
    let line = Line::from(vec![
        state,
        Span::styled("  jamtui ", theme.title),
        Span::styled("listening ", theme.label),
        Span::styled(app.listen_addr.to_string(), theme.value),
        Span::styled("  zone ", theme.label),
        Span::styled(app.zone.clone(), theme.value),
        Span::styled("  up ", theme.label),
        Span::styled(format::uptime(app.snapshot.uptime), theme.value),
    ]);
    frame.render_widget(line, area);
}
