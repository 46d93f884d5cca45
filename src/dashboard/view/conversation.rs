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
use crate::lang::{Lang, said};
use crate::server::ClientId;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(id) = app.conversations.shown else {
        return;
    };
    let lang = app.options.lang;
    let peer = app
        .snapshot
        .clients
        .iter()
        .find(|client| client.id == id)
        .map_or_else(
            || said!(lang, "ui.conversation.gone"),
            |client| app.naming().addr(client.peer),
        );
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height * 7 / 10,
    );
    let title = said!(lang, "ui.conversation.title", id = id, peer = peer);
    let mut block = panel(format!(" {title} "), true, theme).title_bottom(
        Line::from(format!(
            " {} ",
            bottom_title(app.conversations.bytes_view, lang)
        ))
        .right_aligned(),
    );
    if app.conversations.skipped > 0 {
        let skipped = app.conversations.skipped;
        let said = said!(lang, "ui.conversation.skipped", count = skipped);
        block = block.title_bottom(Line::from(format!(" {said} ")));
    }
    let inner_rows = block.inner(popup).height.saturating_sub(1) as usize;
    let table = if app.conversations.bytes_view {
        let arrived = said!(lang, "ui.conversation.bytes_title");
        let block = block.title(Line::from(format!(" {arrived} ")).right_aligned());
        wire_table(app, id, inner_rows, theme).block(block)
    } else {
        exchanges_table(app, id, inner_rows, theme).block(block)
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(table.style(theme.base), popup);
}

fn bottom_title(bytes_view: bool, lang: Lang) -> String {
    match bytes_view {
        true => said!(lang, "ui.conversation.to_requests"),
        false => said!(lang, "ui.conversation.to_bytes"),
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
                format::latency(latency, glyphs.micros, app.options.lang)
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
            said!(app.options.lang, "ui.conversation.time"),
            String::new(),
            said!(
                app.options.lang,
                "ui.conversation.exchanges",
                to_server = glyphs.to_server,
                to_client = glyphs.to_client
            ),
            said!(app.options.lang, "ui.conversation.latency"),
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
            Cell::from(said!(app.options.lang, "ui.conversation.nothing_read")),
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
            said!(app.options.lang, "ui.conversation.time"),
            String::new(),
            format!(" {}", said!(app.options.lang, "ui.conversation.size")),
            said!(app.options.lang, "ui.conversation.came"),
            said!(app.options.lang, "ui.conversation.framed"),
        ])
        .style(theme.table_header),
    )
}
