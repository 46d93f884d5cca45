//! The `?` overlay: every key, and the config file's bindings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{centered, panel};
use crossterm::event::KeyCode;

use crate::dashboard::bindings::{self, Action, BINDINGS};
use crate::dashboard::theme::Theme;
use crate::lang::{Lang, said};

pub fn render(
    frame: &mut Frame,
    area: Rect,
    custom_keys: &[(KeyCode, Action)],
    theme: &Theme,
    lang: Lang,
) {
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .filter_map(|binding| binding.help)
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<22}"), theme.key),
                Span::styled(said!(lang, what), theme.base),
            ])
        })
        .collect();
    if !custom_keys.is_empty() {
        let config_file = said!(lang, "ui.help.config_file");
        lines.push(Line::from(vec![
            Span::styled(format!(" {config_file:<22}"), theme.key),
            Span::styled(bindings::describe(custom_keys), theme.base),
        ]));
    }
    lines.push(Line::default());
    let any_key = said!(lang, "ui.help.any_key");
    lines.push(Line::styled(format!(" {any_key}"), theme.label));
    let width = 78;
    let height = lines.len() as u16 + 2;
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).style(theme.base).block(panel(
            format!(" {} ", said!(lang, "ui.help.title")),
            true,
            theme,
        )),
        popup,
    );
}
