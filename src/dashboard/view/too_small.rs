//! Below 80x24 the layout would garble: say so, and keep the state visible.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{MIN_HEIGHT, MIN_WIDTH, centered};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // Where to connect, as the header says it: an address a student can type.
    let mut first = vec![super::header::state(app, theme, false)];
    first.extend(super::header::where_to_connect(app, area.width, theme));
    let lines = vec![
        Line::from(first),
        Line::default(),
        Line::styled(
            said!(
                app.options.lang,
                "ui.too_small",
                width = area.width,
                height = area.height,
                min_width = MIN_WIDTH,
                min_height = MIN_HEIGHT
            ),
            theme.value,
        ),
        Line::styled(said!(app.options.lang, "ui.too_small_quit"), theme.label),
    ];
    let text_area = centered(area, area.width, 5);
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        text_area,
    );
}
