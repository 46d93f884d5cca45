//! Draws the dashboard: a pure function of `App`, one small module per panel.

mod clients;
mod clock;
mod conversation;
mod footer;
mod format;
mod header;
mod help;
mod log;
mod machines;
mod rate_chart;
mod stats;
mod too_small;

use ratatui::backend::Backend;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Row, Table, TableState};
use ratatui::{Frame, Terminal};

use crate::dashboard::app::{App, ClientsView, Drawn, Focus};
use crate::dashboard::theme::Theme;

/// The smallest terminal the full layout fits in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws one frame on `terminal` and records what was drawn where in `app`.
pub fn draw<B>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), B::Error>
where
    B: Backend,
{
    let mut drawn = Drawn::default();
    terminal.draw(|frame| drawn = render(frame, app))?;
    app.record_drawn(drawn);
    Ok(())
}

/// Draws the dashboard; returns what it drew where (the shown table's scroll offset, the panes'
/// places), for the caller to record.
pub fn render(frame: &mut Frame, app: &App) -> Drawn {
    let theme = Theme::new(app.options.theme, app.no_color, app.options.ascii);
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.base), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::render(frame, area, app, &theme);
        return Drawn::default();
    }
    let chart_height = match area.height {
        34.. => 8,
        30.. => 4,
        _ => 3,
    };
    let [header_area, top, chart, clients_area, log_area, footer_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Length(6),
        Constraint::Length(chart_height),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [clock_area, stats_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(34)]).areas(top);

    header::render(frame, header_area, app, &theme);
    clock::render(frame, clock_area, app, &theme);
    stats::render(frame, stats_area, app, &theme);
    rate_chart::render(frame, chart, app, &theme);
    let table = match app.clients_view {
        ClientsView::Connections => clients::render(frame, clients_area, app, &theme),
        ClientsView::Machines => machines::render(frame, clients_area, app, &theme),
    };
    log::render(frame, log_area, app, &theme);
    footer::render(frame, footer_area, app, &theme);
    if app.conversations.shown.is_some() {
        conversation::render(frame, area, app, &theme);
    }
    if app.show_help {
        help::render(frame, area, &app.options.keys, &theme);
    }
    Drawn {
        table,
        clients_area,
        log_area,
    }
}

/// A bordered panel; the focused one stands out.
fn panel<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let block = match theme.glyphs.border {
        Some(set) => Block::bordered().border_set(set),
        None => Block::bordered().border_type(theme.border_type),
    };
    block
        .border_style(if focused {
            theme.focused_border
        } else {
            theme.border
        })
        .title(title.into().style(theme.title))
}

fn is_focused(app: &App, focus: Focus) -> bool {
    app.focus == focus
}

/// One of the clients tables (connections or machines): the rows under their header, in a
/// panel with the title and the selected row's place (` 2/5 `), scrolled on from where it was.
struct ClientsTable<'a> {
    title: String,
    header: Row<'a>,
    rows: Vec<Row<'a>>,
    widths: Vec<Constraint>,
}

impl ClientsTable<'_> {
    /// Draws the table; returns its scroll state.
    fn render(self, frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
        let selected = app.selected_row();
        let position = match selected {
            Some(index) => format!(" {}/{} ", index + 1, self.rows.len()),
            None => String::new(),
        };
        let block = panel(self.title, is_focused(app, Focus::Clients), theme)
            .title_bottom(Line::from(position).right_aligned());
        let table = Table::new(self.rows, self.widths)
            .header(self.header.style(theme.table_header))
            .block(block)
            .row_highlight_style(theme.selected);
        let mut state = app.table_state();
        state.select(selected);
        frame.render_stateful_widget(table, area, &mut state);
        state
    }
}

/// A rectangle of the given size centred in `area` (clipped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
