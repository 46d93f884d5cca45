//! The log panel: the server's log lines, in the assignment's words, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use tui_logger::{TuiLoggerLevelOutput, TuiLoggerWidget};

use super::{is_focused, panel};
use crate::dashboard::app::{App, Focus};
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = if app.log_scrolled {
        " log (scrolled: End follows) "
    } else {
        " log (following) "
    };
    let widget = TuiLoggerWidget::default()
        .block(panel(title, is_focused(app, Focus::Log), theme))
        .output_timestamp(Some("%H:%M:%S".to_string()))
        .output_level(Some(TuiLoggerLevelOutput::Abbreviated))
        .output_target(false)
        .output_file(false)
        .output_line(false)
        .output_separator(' ')
        .style(theme.base)
        .style_error(theme.log_error)
        .style_warn(theme.log_warn)
        .style_info(theme.log_info)
        .state(&app.log);
    frame.render_widget(widget, area);
}
