//! The counters: clients, connections, requests, rates and errors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{format, panel};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let counters = &app.snapshot.counters;
    let row = |left: (&str, String), right: (&str, String)| {
        Line::from(vec![
            Span::styled(format!("{:<9}", left.0), theme.label),
            Span::styled(format!("{:>6}", left.1), theme.value),
            Span::styled(format!("   {:<7}", right.0), theme.label),
            Span::styled(format!("{:>6}", right.1), theme.value),
        ])
    };
    let lines = vec![
        row(
            ("clients", format::count(counters.active)),
            ("req/s", format::count(app.rates.now())),
        ),
        row(
            ("conns", format::count(counters.connections)),
            ("peak/s", format::count(app.rates.peak)),
        ),
        row(
            ("requests", format::count(counters.requests)),
            ("errors", format::count(counters.errors)),
        ),
        // Turned away at accept: server full (--max-clients), or outside --allow.
        row(
            ("busy", format::count(counters.busy)),
            ("denied", format::count(counters.not_allowed)),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(panel(" counters ", false, theme)),
        area,
    );
}
