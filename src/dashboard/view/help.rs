//! The `?` overlay: every key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, panel};
use crate::dashboard::keys::HELP;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<22}"), theme.key),
                Span::styled(*what, theme.base),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(" any key closes this help", theme.label));
    let width = 72;
    let height = lines.len() as u16 + 2;
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.base)
            .block(panel(" keys ", true, theme)),
        popup,
    );
}
