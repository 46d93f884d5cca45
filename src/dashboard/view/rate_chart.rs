//! Requests per second over the last minute.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Sparkline;

use super::{format, panel};
use crate::dashboard::app::{App, RATE_HISTORY};
use crate::dashboard::theme::Theme;
use crate::lang::said;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let samples: Vec<u64> = app.rates.per_second.iter().copied().collect();
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    // Newest on the right; on a narrow panel the older seconds scroll off to the left, on a wide
    // one each second takes one or more columns, so that the chart fills the width it has.
    let shown = &samples[samples.len().saturating_sub(width)..];
    let bars: Vec<u64> = match shown.len() {
        0 => Vec::new(),
        seconds => (0..width)
            .map(|column| shown[column * seconds / width])
            .collect(),
    };
    let top = shown.iter().copied().max().unwrap_or(0);
    let title = said!(
        app.options.lang,
        "ui.chart.title",
        seconds = RATE_HISTORY.min(width),
        now = format::count(app.rates.now(), app.options.lang),
        max = format::count(top, app.options.lang)
    );
    let title = format!(" {title} ");
    let block = panel(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(
        Sparkline::default()
            .data(&bars)
            .max(top.max(1))
            .bar_set(theme.glyphs.bars())
            .style(theme.chart),
        inner,
    );
}
