//! The clients table by machine (`v`): one row per IP address, its connections added up, first
//! seen first. Rows stay after the connections close, which is what makes clients that connect
//! for every request visible.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, TableState};

use super::clients::ACTIVE_WITHIN;
use super::{ClientsTable, Window, format, widest};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
    let now = app.snapshot.at;
    let machines = &app.snapshot.machines;
    let window = Window::of(area, app, machines.len());
    let shown = &machines[window.rows.clone()];
    let ips: Vec<String> = shown
        .iter()
        .map(|machine| app.masker().ip(machine.ip))
        .collect();
    let rows = shown
        .iter()
        .zip(&ips)
        .zip(window.rows.clone())
        .map(|((machine, ip), index)| {
            let since = now.saturating_duration_since(machine.last_seen);
            let style = if machine.connected > 0 || since < ACTIVE_WITHIN {
                theme.value
            } else {
                theme.label
            };
            Row::new(vec![
                Cell::from((index + 1).to_string()),
                Cell::from(ip.as_str()),
                Cell::from(machine.connected.to_string()),
                Cell::from(format::count(machine.connections)),
                Cell::from(format::count(machine.requests)),
                Cell::from(format::count(machine.errors)),
                Cell::from(format!("{} ago", format::duration(since))),
                Cell::from(
                    machine
                        .last_gone
                        .as_ref()
                        .map_or_else(|| "–".to_string(), ToString::to_string),
                ),
            ])
            .style(style)
        });
    let header = Row::new([
        "#",
        "machine",
        "open",
        "connections",
        "requests",
        "errors",
        "last seen",
        "last closed",
    ]);
    let open: u64 = machines.iter().map(|machine| machine.connected).sum();
    let widths = vec![
        Constraint::Length(4),
        Constraint::Length(widest("machine", &ips)),
        Constraint::Length(4),
        Constraint::Length(11),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Fill(1),
    ];
    let title = format!(
        " machines ({}, {open} open, {} active)  v: connections ",
        machines.len(),
        app.snapshot.active_machines
    );
    ClientsTable {
        title,
        header,
        window,
        rows: rows.collect(),
        widths,
    }
    .render(frame, area, app, theme)
}
