//! The panel that zooms into one client: its exchange with the server, byte for byte, with the
//! latency of each reply.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Clear, Row, Table};

use super::{centered, format, panel};
use crate::dashboard::app::App;
use crate::dashboard::app::conversation::Direction;
use crate::dashboard::theme::Theme;

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
            |client| app.masker().addr(client.peer),
        );
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height * 7 / 10,
    );
    let mut block = panel(format!(" conversation with #{id} {peer} "), true, theme)
        .title_bottom(Line::from(" Esc closes ").right_aligned());
    if app.conversations.skipped > 0 {
        block = block.title_bottom(Line::from(format!(
            " {} events not seen: gaps possible ",
            app.conversations.skipped
        )));
    }
    let inner_rows = block.inner(popup).height.saturating_sub(1) as usize;
    let exchanges = app.conversations.of(id);
    let shown = exchanges.map_or(0, |all| all.len().min(inner_rows));
    let rows = exchanges
        .into_iter()
        .flat_map(|all| all.iter().skip(all.len() - shown))
        .map(|exchange| {
            let glyphs = &theme.glyphs;
            let (arrow, style) = match exchange.direction {
                Direction::In => (glyphs.to_server, theme.value),
                Direction::Out => (glyphs.to_client, theme.clock),
                Direction::Note => (glyphs.note, theme.label),
            };
            let text = match exchange.peer {
                Some(peer) => format!("{} {}", exchange.text, app.masker().addr(peer)),
                None => exchange.text.clone(),
            };
            Row::new(vec![
                Cell::from(exchange.at.clone()),
                Cell::from(arrow),
                Cell::from(text).style(style),
                Cell::from(exchange.latency.map_or_else(String::new, |latency| {
                    format::latency(latency, theme.glyphs.micros)
                })),
            ])
        });
    let table = Table::new(
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
                theme.glyphs.to_server, theme.glyphs.to_client
            ),
            "latency".to_string(),
        ])
        .style(theme.table_header),
    )
    .style(theme.base)
    .block(block);
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}
