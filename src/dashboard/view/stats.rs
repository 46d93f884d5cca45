//! The counters: clients, connections, requests, rates and errors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{format, panel};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::lang::said;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let counters = &app.snapshot.counters;
    let lang = app.options.lang;
    let row = |left: (&str, String), right: (&str, String)| {
        let [left_label, right_label] = [left.0, right.0].map(|key| said!(lang, key));
        Line::from(vec![
            Span::styled(format!("{left_label:<9}"), theme.label),
            Span::styled(format!("{:>6}", left.1), theme.value),
            Span::styled(format!("   {right_label:<7}"), theme.label),
            Span::styled(format!("{:>6}", right.1), theme.value),
        ])
    };
    let lines = vec![
        row(
            ("ui.stats.clients", format::count(counters.active, lang)),
            ("ui.stats.req_s", format::count(app.rates.now(), lang)),
        ),
        row(
            ("ui.stats.conns", format::count(counters.connections, lang)),
            ("ui.stats.peak_s", format::count(app.rates.peak, lang)),
        ),
        row(
            ("ui.stats.requests", format::count(counters.requests, lang)),
            ("ui.stats.errors", format::count(counters.errors, lang)),
        ),
        // Turned away at accept: server full (--max-clients), or outside --allow.
        row(
            ("ui.stats.busy", format::count(counters.busy, lang)),
            ("ui.stats.denied", format::count(counters.not_allowed, lang)),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(panel(
            format!(" {} ", said!(lang, "ui.stats.title")),
            false,
            theme,
        )),
        area,
    );
}
