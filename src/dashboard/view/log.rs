//! The log panel: the server's log lines, in the assignment's words, scrollable, level-coloured,
//! long lines wrapped; addresses masked in privacy mode.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use tui_logger::{ExtLogRecord, LogFormatter, TuiLoggerWidget};

use super::{is_focused, panel};
use crate::dashboard::app::{App, Focus};
use crate::dashboard::theme::Theme;
use crate::privacy::mask_text;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = if app.log_scrolled {
        " log (scrolled: End follows) "
    } else {
        " log (following) "
    };
    let widget = TuiLoggerWidget::default()
        .block(panel(title, is_focused(app, Focus::Log), theme))
        .formatter(Box::new(PanelFormatter {
            privacy: app.privacy,
            theme: *theme,
        }))
        .style(theme.base)
        .state(&app.log);
    frame.render_widget(widget, area);
}

/// `hh:mm:ss L message`, wrapped under the message, in the level's style.
struct PanelFormatter {
    privacy: bool,
    theme: Theme,
}

impl LogFormatter for PanelFormatter {
    fn min_width(&self) -> u16 {
        20
    }

    fn format(&self, width: usize, record: &ExtLogRecord) -> Vec<Line<'_>> {
        let (style, letter): (Style, &str) = match record.level {
            log::Level::Error => (self.theme.log_error, "E"),
            log::Level::Warn => (self.theme.log_warn, "W"),
            log::Level::Info => (self.theme.log_info, "I"),
            log::Level::Debug | log::Level::Trace => (self.theme.log_info, "D"),
        };
        let message = if self.privacy {
            mask_text(record.msg())
        } else {
            record.msg().to_string()
        };
        let prefix = format!("{} {letter} ", record.timestamp.strftime("%H:%M:%S"));
        let room = width.saturating_sub(prefix.len()).max(1);
        let characters: Vec<char> = message.chars().collect();
        let mut lines = Vec::new();
        for (index, piece) in characters.chunks(room).enumerate() {
            let lead = if index == 0 {
                prefix.clone()
            } else {
                " ".repeat(prefix.len())
            };
            lines.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(piece.iter().collect::<String>(), style),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::styled(prefix, style));
        }
        lines
    }
}
