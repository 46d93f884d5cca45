//! Below 80x24 the layout would garble: say so, and keep the state visible.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{MIN_HEIGHT, MIN_WIDTH, centered};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let state = if app.snapshot.paused {
        Span::styled(" PAUSED ", theme.paused)
    } else {
        Span::styled(" SERVING ", theme.serving)
    };
    // Where to connect, as the header says it: an address a student can type.
    let mut first = vec![state];
    first.extend(super::header::where_to_connect(app, area.width, theme));
    let lines = vec![
        Line::from(first),
        Line::default(),
        Line::styled(
            format!(
                "Terminal {}x{}: enlarge it to at least {MIN_WIDTH}x{MIN_HEIGHT} for the dashboard.",
                area.width, area.height
            ),
            theme.value,
        ),
        Line::styled("q quits.", theme.label),
    ];
    let text_area = centered(area, area.width, 5);
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        text_area,
    );
}
