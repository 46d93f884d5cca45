//! The clients table: one row per connected client, in connection order (`v` switches to the
//! machines table).

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row, TableState};

use super::{ClientsTable, Window, format, widest};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::server::ClientInfo;

/// A client whose last request is more recent than this is shown as active.
pub(super) const ACTIVE_WITHIN: Duration = Duration::from_secs(2);

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
    let now = app.snapshot.at;
    let clients = &app.snapshot.clients;
    let window = Window::of(area, app, clients.len());
    let shown = &clients[window.rows.clone()];
    let addresses: Vec<String> = shown
        .iter()
        .map(|client| {
            let mut address = app.masker().addr(client.peer);
            if app.demo_peers.contains(&client.peer) {
                address.push_str(" demo");
            }
            address
        })
        .collect();
    let rows = shown.iter().zip(&addresses).map(|(client, address)| {
        let (state, style) = state(client, now, theme);
        // How long it was connected: until now, or until it closed.
        let until = client.closed.as_ref().map_or(now, |closed| closed.at);
        let row = Row::new(vec![
            Cell::from(client.id.to_string()),
            Cell::from(address.as_str()),
            Cell::from(format::duration(
                until.saturating_duration_since(client.connected_at),
            )),
            Cell::from(format::count(client.requests)),
            Cell::from(client.last_request_at.map_or_else(
                || "never".to_string(),
                |at| {
                    format!(
                        "{} ago",
                        format::duration(now.saturating_duration_since(at))
                    )
                },
            )),
            Cell::from(client.last_latency.map_or_else(String::new, |latency| {
                format::latency(latency, theme.glyphs.micros)
            })),
            Cell::from(state).style(style),
        ]);
        // A connection closed a moment ago is dimmed.
        if client.closed.is_some() {
            row.style(theme.label)
        } else {
            row
        }
    });
    let header = Row::new([
        "#",
        "address",
        "connected",
        "requests",
        "last request",
        "latency",
        "state",
    ]);
    let widths = vec![
        Constraint::Length(6),
        Constraint::Length(widest("address", &addresses)),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Fill(1),
    ];
    let closed = clients
        .iter()
        .filter(|client| client.closed.is_some())
        .count();
    let title = match closed {
        0 => format!(" clients ({})  v: machines ", clients.len()),
        _ => format!(
            " clients ({} open, {closed} recently closed)  v: machines ",
            clients.len() - closed
        ),
    };
    ClientsTable {
        title,
        header,
        window,
        rows: rows.collect(),
        widths,
    }
    .render(frame, area, app, theme)
}

fn state(client: &ClientInfo, now: std::time::Instant, theme: &Theme) -> (String, Style) {
    if let Some(closed) = &client.closed {
        (format!("closed: {}", closed.reason), theme.label)
    } else if client.queued {
        // Queued since it connected: that is how long it has waited.
        let waited = now.saturating_duration_since(client.connected_at);
        (
            format!("queued {}", format::duration(waited)),
            theme.waiting,
        )
    } else if client.held_by_pause {
        ("waiting".into(), theme.waiting)
    } else if client
        .last_request_at
        .is_some_and(|at| now.saturating_duration_since(at) < ACTIVE_WITHIN)
    {
        ("active".into(), theme.value)
    } else {
        ("idle".into(), theme.label)
    }
}
