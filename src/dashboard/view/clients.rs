//! The clients table: one row per connected client, in connection order (`v` switches to the
//! machines table).

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row, TableState};

use super::{ClientsTable, WIDE_TABLE_FROM, Window, column, format, widest};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::dashboard::words;
use crate::lang::{Lang, said};
use crate::server::{ClientInfo, Unterminated};
use crate::text::pyrepr;

/// A client whose last request is more recent than this is shown as active.
pub(super) const ACTIVE_WITHIN: Duration = Duration::from_secs(2);

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
    let now = app.snapshot.at;
    let lang = app.options.lang;
    let clients = &app.snapshot.clients;
    let window = Window::of(area, app, clients.len());
    let shown = &clients[window.rows.clone()];
    let naming = app.naming();
    let addresses: Vec<String> = shown
        .iter()
        .map(|client| {
            let address = naming.addr(client.peer);
            match app.demo_peers.contains(&client.peer) {
                true => address + " demo",
                false => address,
            }
        })
        .collect();
    let ids: Vec<String> = shown.iter().map(|client| client.id.to_string()).collect();
    // Below 100 columns, how long each has been connected gives way to what is wrong.
    let with_connected = area.width >= WIDE_TABLE_FROM;
    let rows = shown
        .iter()
        .zip(&addresses)
        .zip(&ids)
        .map(|((client, address), id)| {
            let (state, style) = state(client, now, theme, lang);
            // How long it was connected: until now, or until it closed.
            let until = client.closed.as_ref().map_or(now, |closed| closed.at);
            let connected = with_connected.then(|| {
                Cell::from(format::duration(
                    until.saturating_duration_since(client.connected_at),
                ))
            });
            let cells = [Cell::from(id.as_str()), Cell::from(address.as_str())]
                .into_iter()
                .chain(connected);
            let row = Row::new(cells.chain([
                Cell::from(format::count(client.requests, lang)),
                Cell::from(client.last_request_at.map_or_else(
                    || said!(lang, "ui.clients.never"),
                    |at| {
                        let span = format::duration(now.saturating_duration_since(at));
                        said!(lang, "ui.clients.ago", span = span)
                    },
                )),
                Cell::from(client.last_latency.map_or_else(String::new, |latency| {
                    format::latency(latency, theme.glyphs.micros, lang)
                })),
                Cell::from(state).style(style),
            ]));
            // A connection closed a moment ago is dimmed.
            if client.closed.is_some() {
                row.style(theme.closed)
            } else {
                row
            }
        });
    let [address, connected, requests, last_request, latency, state] = [
        "ui.clients.address",
        "ui.clients.connected",
        "ui.clients.requests",
        "ui.clients.last_request",
        "ui.clients.latency",
        "ui.clients.state",
    ]
    .map(|key| said!(lang, key));
    let widths = [
        Constraint::Length(widest("#", &ids)),
        Constraint::Length(widest(&address, &addresses)),
    ]
    .into_iter()
    .chain(with_connected.then(|| column(&connected, 9)))
    .chain([
        column(&requests, 8),
        column(&last_request, 12),
        column(&latency, 9),
        Constraint::Fill(1),
    ])
    .collect();
    let header = Row::new(
        ["#".to_string(), address]
            .into_iter()
            .chain(with_connected.then_some(connected))
            .chain([requests, last_request, latency, state]),
    );
    let closed = clients
        .iter()
        .filter(|client| client.closed.is_some())
        .count();
    let active = app.snapshot.active_machines;
    let sorted = match app.problems_first {
        true => format!("  {}", said!(lang, "ui.clients.problems_first")),
        false => String::new(),
    };
    let title = match closed {
        0 => said!(
            lang,
            "ui.clients.title",
            count = clients.len(),
            active = active,
            sorted = sorted
        ),
        _ => said!(
            lang,
            "ui.clients.title_closed",
            open = clients.len() - closed,
            closed = closed,
            active = active,
            sorted = sorted
        ),
    };
    let title = format!(" {title} ");
    ClientsTable {
        title,
        header,
        window,
        rows: rows.collect(),
        widths,
    }
    .render(frame, area, app, theme)
}

/// What the client is doing, in words; what is wrong first, in the problem style (words, so
/// that it shows without colour too).
fn state(
    client: &ClientInfo,
    now: std::time::Instant,
    theme: &Theme,
    lang: Lang,
) -> (String, Style) {
    let errors = match client.errors {
        0 => String::new(),
        1 => said!(lang, "ui.clients.one_error"),
        count => said!(lang, "ui.clients.errors", count = count),
    };
    if let Some(closed) = &client.closed {
        let reason = words::gone(&closed.reason, lang);
        let words = said!(lang, "ui.clients.closed", reason = reason, errors = errors);
        (words, theme.closed)
    } else if client.queued {
        // Queued since it connected: that is how long it has waited.
        let waited = format::duration(now.saturating_duration_since(client.connected_at));
        (
            said!(lang, "ui.clients.queued", span = waited),
            theme.waiting,
        )
    } else if client.held_by_pause {
        (said!(lang, "ui.clients.paused"), theme.waiting)
    } else if let Some(line) = &client.unterminated {
        let line = unterminated(line, lang);
        let words = said!(lang, "ui.clients.no_line_end", line = line, errors = errors);
        (words, theme.log_error)
    } else {
        let active = client
            .last_request_at
            .is_some_and(|at| now.saturating_duration_since(at) < ACTIVE_WITHIN);
        let (words, style) = match active {
            true => (said!(lang, "ui.clients.active"), theme.value),
            false => (said!(lang, "ui.clients.idle"), theme.label),
        };
        match errors.is_empty() {
            true => (words, style),
            false => (format!("{words}{errors}"), theme.log_error),
        }
    }
}

/// A line begun and not ended, as Python shows bytes: `b'TIME'`, `b'TIME\\r'`, `b'HELLO …'
/// (12 bytes)`.
fn unterminated(line: &Unterminated, lang: Lang) -> String {
    let shown = pyrepr::bytes(&line.head);
    match line.len > line.head.len() {
        true => said!(
            lang,
            "ui.clients.line_bytes",
            shown = shown,
            bytes = line.len
        ),
        false => shown,
    }
}
