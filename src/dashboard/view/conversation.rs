//! The panel that zooms into one client: its exchange with the server, byte for byte, with the
//! latency of each reply; or (`b`) the bytes as they arrived, one read at a time, and the
//! requests the framing found in them.

use std::collections::VecDeque;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Clear, Row, Table};

use super::{centered, format, panel};
use crate::dashboard::app::App;
use crate::dashboard::app::conversation::Direction;
use crate::dashboard::theme::Theme;
use crate::server::ClientId;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = app.conversations.shown else {
        return;
    };
    let peer = app
        .snapshot
        .clients
        .iter()
        .find(|client| client.id == id)
        .map_or_else(
            || "a client that left".to_string(),
            |client| app.naming().addr(client.peer),
        );
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height * 7 / 10,
    );
    let mut block = panel(format!(" conversation with #{id} {peer} "), true, theme)
        .title_bottom(Line::from(bottom_title(app.conversations.bytes_view)).right_aligned());
    if app.conversations.skipped > 0 {
        block = block.title_bottom(Line::from(format!(
            " {} events not seen: gaps possible ",
            app.conversations.skipped
        )));
    }
    let inner_rows = block.inner(popup).height.saturating_sub(1) as usize;
    let table = if app.conversations.bytes_view {
        let block = block.title(Line::from(" the bytes as they arrived ").right_aligned());
        wire_table(app, id, inner_rows, theme).block(block)
    } else {
        exchanges_table(app, id, inner_rows, theme).block(block)
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(table.style(theme.base), popup);
}

fn bottom_title(bytes_view: bool) -> &'static str {
    if bytes_view {
        " b: requests and replies, Esc closes "
    } else {
        " b: the bytes as they arrived, Esc closes "
    }
}

/// The last `rows` items of `all`.
fn last<T>(all: Option<&VecDeque<T>>, rows: usize) -> impl Iterator<Item = &T> {
    all.into_iter()
        .flat_map(move |all| all.iter().skip(all.len().saturating_sub(rows)))
}

/// The requests and replies, each with its latency.
fn exchanges_table<'a>(app: &'a App, id: ClientId, rows: usize, theme: &'a Theme) -> Table<'a> {
    let glyphs = &theme.glyphs;
    let naming = app.naming();
    let rows = last(app.conversations.of(id), rows).map(move |exchange| {
        let (arrow, style) = match exchange.direction {
            Direction::In => (glyphs.to_server, theme.value),
            Direction::Out => (glyphs.to_client, theme.clock),
            Direction::Note => (glyphs.note, theme.label),
        };
        let text = match exchange.peer {
            Some(peer) => format!("{} {}", exchange.text, naming.addr(peer)),
            None => exchange.text.clone(),
        };
        Row::new(vec![
            Cell::from(exchange.at.clone()),
            Cell::from(arrow),
            Cell::from(text).style(style),
            Cell::from(exchange.latency.map_or_else(String::new, |latency| {
                format::latency(latency, glyphs.micros)
            })),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(9),
        ],
    )
    .header(
        Row::new([
            "time".to_string(),
            String::new(),
            format!(
                "bytes (client {} server, {} reply)",
                glyphs.to_server, glyphs.to_client
            ),
            "latency".to_string(),
        ])
        .style(theme.table_header),
    )
}

/// One row per read from the socket and per flush of replies, with what the framing found in
/// each read: where a request came in pieces, or several came at once, the row is marked.
fn wire_table<'a>(app: &'a App, id: ClientId, rows: usize, theme: &'a Theme) -> Table<'a> {
    let glyphs = &theme.glyphs;
    let wire = app
        .conversations
        .wire_of(id)
        .filter(|rows| !rows.is_empty());
    let waiting = wire.is_none().then(|| {
        Row::new(vec![
            Cell::default(),
            Cell::default(),
            Cell::default(),
            Cell::from("nothing read since the panel opened: reads show as they arrive"),
        ])
        .style(theme.label)
    });
    let rows = last(wire, rows).map(|row| {
        let (arrow, style) = match row.direction {
            Direction::In => (glyphs.to_server, theme.value),
            _ => (glyphs.to_client, theme.clock),
        };
        Row::new(vec![
            Cell::from(row.at.clone()),
            Cell::from(arrow),
            Cell::from(format!("{:>5}", row.size)),
            Cell::from(row.bytes.clone()).style(style),
            Cell::from(row.found.clone()).style(if row.marked {
                theme.waiting
            } else {
                theme.label
            }),
        ])
    });
    Table::new(
        waiting.into_iter().chain(rows),
        [
            Constraint::Length(12),
            Constraint::Length(1),
            Constraint::Length(5),
            // What the framing found keeps the room its usual words need ("no request yet:
            // waiting for the rest"), even at 80 columns; the bytes take the rest.
            Constraint::Fill(1),
            Constraint::Length(38),
        ],
    )
    .header(
        Row::new([
            "time",
            "",
            " size",
            "bytes as they came",
            "requests the server framed",
        ])
        .style(theme.table_header),
    )
}
