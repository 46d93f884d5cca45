//! Draws the dashboard: a pure function of `App`, one small module per panel.
//!
//! ```text
//!   header: where the server listens, zone, uptime, SERVING or PAUSED, mode, delay    2 lines
//! +------------------------------------------------+-----------------------------+
//! | clock: the big JAM hh:mm:ss a TIME gets now    | stats: clients, requests,   |  6 lines
//! |                                                | rates, errors (34 columns)  |
//! +------------------------------------------------+-----------------------------+
//! | connect_to: the address students type, big (from 40 rows, when it fits)       |  6 lines
//! +------------------------------------------------------------------------------+
//! | rate_chart: requests a second, the last 60 s                                  |  4 or 8
//! +------------------------------------------------------------------------------+
//! | clients (one row per connection) or machines (one row per address, `v`)       |  half the
//! +------------------------------------------------------------------------------+  rest each
//! | log: the assignment's WARNING lines, scrolling                                |
//! +------------------------------------------------------------------------------+
//! | footer: the keys                                                              |  1 line
//! +------------------------------------------------------------------------------+
//! ```
//! Over it, when open: a client's `conversation` (Enter), the `help` (?). Below 80x24:
//! `too_small` says so.

mod big_text;
mod clients;
mod clock;
mod connect_to;
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

use std::ops::Range;

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

/// Below this many rows the layout is compact: no big clock, the chart beside the counters.
const COMPACT_BELOW: u16 = 30;

/// The clients table's height in the compact layout, at least: 8 rows, its header and borders.
const COMPACT_TABLE_HEIGHT: u16 = 11;

/// From this many rows on (a projector's), the address students connect to is shown big.
const PROJECTOR_FROM: u16 = 40;

/// From this many columns on, the tables show the columns that give way to what is wrong below
/// it: how long a client has been connected, how many connections a machine made.
const WIDE_TABLE_FROM: u16 = 100;

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
    // Below 30 rows the big clock gives way to the table: its time moves into the header, and
    // the chart sits beside the counters, so that a class's rows show at 80x24.
    let compact = area.height < COMPACT_BELOW;
    let connect_to = area.height >= PROJECTOR_FROM && connect_to::fits(app, area.width, &theme);
    let connect_to_height = if connect_to { connect_to::HEIGHT } else { 0 };
    // The big address takes the room of the chart's taller half.
    let chart_height = match area.height {
        34.. if !connect_to => 8,
        _ => 4,
    };
    let top_height = if compact {
        6
    } else {
        6 + connect_to_height + chart_height
    };
    let rest = area.height - header::HEIGHT - top_height - 1;
    let table_height = match compact {
        true => Constraint::Length((rest / 2).max(COMPACT_TABLE_HEIGHT)),
        false => Constraint::Fill(1),
    };
    let [header_area, top, clients_area, log_area, footer_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Length(top_height),
        table_height,
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, app, &theme, compact);
    if compact {
        let [chart, stats_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(34)]).areas(top);
        rate_chart::render(frame, chart, app, &theme);
        stats::render(frame, stats_area, app, &theme);
    } else {
        let [counters, connect_to_area, chart] = Layout::vertical([
            Constraint::Length(6),
            Constraint::Length(connect_to_height),
            Constraint::Length(chart_height),
        ])
        .areas(top);
        let [clock_area, stats_area] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(34)]).areas(counters);
        clock::render(frame, clock_area, app, &theme);
        stats::render(frame, stats_area, app, &theme);
        if connect_to {
            connect_to::render(frame, connect_to_area, app, &theme);
        }
        rate_chart::render(frame, chart, app, &theme);
    }
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
        help::render(frame, area, &app.options.keys, &theme, app.options.lang);
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

/// The rows of a clients table that fit in its panel, scrolled as ratatui's `Table` scrolls: from
/// where it was, just far enough to show the selected row. Only these rows are built: a table can
/// hold a thousand recently closed connections, a frame shows a few dozen.
struct Window {
    /// All the table's rows.
    len: usize,
    /// The first row shown.
    offset: usize,
    rows: Range<usize>,
    selected: Option<usize>,
}

impl Window {
    fn of(area: Rect, app: &App, len: usize) -> Window {
        // Within the borders, below the header.
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        let selected = app.selected_row().filter(|&index| index < len);
        let offset = first_shown(app.table_state().offset(), selected, len, height);
        Window {
            len,
            offset,
            rows: offset..len.min(offset + height),
            selected,
        }
    }
}

/// A column as wide as its header or its widest cell shown (addresses vary: IPv6 ones are long);
/// the spare room goes to the last column.
/// A fixed column: `least` wide (what its cells need), or as wide as its `heading` in the
/// language shown.
fn column(heading: &str, least: u16) -> Constraint {
    Constraint::Length(least.max(u16::try_from(heading.chars().count()).unwrap_or(u16::MAX)))
}

fn widest(header: &str, cells: &[String]) -> u16 {
    let widest = cells.iter().map(String::len).max().unwrap_or(0);
    u16::try_from(widest.max(header.len())).unwrap_or(u16::MAX)
}

/// The first row a table `height` rows high shows, as ratatui's `Table` scrolls from `previous`.
fn first_shown(previous: usize, selected: Option<usize>, len: usize, height: usize) -> usize {
    let first = previous.min(len.saturating_sub(1));
    match selected {
        Some(selected) => first
            .min(selected)
            .max((selected + 1).saturating_sub(height)),
        None => first,
    }
}

/// One of the clients tables (connections or machines): the window's rows under their header, in
/// a panel with the title and the selected row's place (` 2/5 `).
struct ClientsTable<'a> {
    title: String,
    header: Row<'a>,
    window: Window,
    rows: Vec<Row<'a>>,
    widths: Vec<Constraint>,
}

impl ClientsTable<'_> {
    /// Draws the table; returns its scroll state over all its rows.
    fn render(self, frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
        let Window {
            len,
            offset,
            selected,
            ..
        } = self.window;
        let position = match selected {
            Some(index) => format!(" {}/{len} ", index + 1),
            None => String::new(),
        };
        let block = panel(self.title, is_focused(app, Focus::Clients), theme)
            .title_bottom(Line::from(position).right_aligned());
        let table = Table::new(self.rows, self.widths)
            .header(self.header.style(theme.table_header))
            .block(block)
            .row_highlight_style(theme.selected);
        let mut shown = TableState::default().with_selected(selected.map(|index| index - offset));
        frame.render_stateful_widget(table, area, &mut shown);
        TableState::default()
            .with_offset(offset)
            .with_selected(selected)
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

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;

    use super::*;

    /// Drawing only the window must scroll exactly as drawing every row does.
    #[test]
    fn the_window_scrolls_as_ratatuis_table_does() {
        for len in [0, 1, 2, 7, 30] {
            for height in 1..10 {
                for previous in 0..len + 2 {
                    for selected in std::iter::once(None).chain((0..len).map(Some)) {
                        let rows = (0..len).map(|row| Row::new([row.to_string()]));
                        let table = Table::new(rows, [Constraint::Fill(1)]);
                        let mut state = TableState::default()
                            .with_offset(previous)
                            .with_selected(selected);
                        let backend = TestBackend::new(10, height as u16);
                        let mut terminal = Terminal::new(backend).expect("a test terminal");
                        terminal
                            .draw(|frame| {
                                frame.render_stateful_widget(table, frame.area(), &mut state)
                            })
                            .expect("drawn");
                        assert_eq!(
                            first_shown(previous, selected, len, height),
                            state.offset(),
                            "{len} rows, {height} high, from {previous}, {selected:?} selected"
                        );
                    }
                }
            }
        }
    }
}
