//! The `?` overlay: every key, and the config file's bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, panel};
use crossterm::event::KeyCode;

use crate::dashboard::bindings::{self, Action, BINDINGS};
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, custom_keys: &[(KeyCode, Action)], theme: &Theme) {
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .filter_map(|binding| binding.help)
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<22}"), theme.key),
                Span::styled(what, theme.base),
            ])
        })
        .collect();
    if !custom_keys.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<22}", "config file"), theme.key),
            Span::styled(bindings::describe(custom_keys), theme.base),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(" any key closes this help", theme.label));
    let width = 78;
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
