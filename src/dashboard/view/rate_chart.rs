//! Requests per second over the last minute.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Sparkline;

use super::{format, panel};
use crate::dashboard::app::{App, RATE_HISTORY};
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let samples: Vec<u64> = app.rates.per_second.iter().copied().collect();
    let top = samples.iter().copied().max().unwrap_or(0);
    let title = format!(
        " requests/s, last {RATE_HISTORY} s  (now {}, max {}) ",
        format::count(app.rates.now()),
        format::count(top)
    );
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Newest on the right; older samples scroll off to the left when the panel is narrow.
    let shown = &samples[samples.len().saturating_sub(inner.width as usize)..];
    frame.render_widget(
        Sparkline::default()
            .data(shown)
            .max(top.max(1))
            .bar_set(theme.glyphs.bars())
            .style(theme.chart),
        inner,
    );
}
