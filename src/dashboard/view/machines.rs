//! The clients table by machine (`v`): one row per IP address, its connections added up, first
//! seen first. Rows stay after the connections close, which is what makes clients that connect
//! for every request visible.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, TableState};

use super::clients::ACTIVE_WITHIN;
use super::{ClientsTable, WIDE_TABLE_FROM, Window, format, widest};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::server::MachineInfo;

/// A student's name is cut to this many columns in the machines table.
const MAX_NAME_WIDTH: u16 = 16;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
    let now = app.snapshot.at;
    let machines = &app.snapshot.machines;
    let window = Window::of(area, app, machines.len());
    let shown = &machines[window.rows.clone()];
    let ips: Vec<String> = shown
        .iter()
        .map(|machine| app.masker().ip(machine.ip))
        .collect();
    // With a roster, each machine's student, in a column of their own.
    let names = &app.options.names;
    let students: Option<Vec<String>> = (!names.is_empty()).then(|| {
        let of = |machine: &MachineInfo| names.of_machine(machine.ip).unwrap_or("").to_string();
        shown.iter().map(of).collect()
    });
    // Below 100 columns, the count of connections gives way to how the last one ended.
    let with_connections = area.width >= WIDE_TABLE_FROM;
    let numbers: Vec<String> = window
        .rows
        .clone()
        .map(|row| (row + 1).to_string())
        .collect();
    let rows = shown.iter().enumerate().map(|(at, machine)| {
        let since = now.saturating_duration_since(machine.last_seen);
        let style = if machine.connected > 0 || since < ACTIVE_WITHIN {
            theme.value
        } else {
            theme.closed
        };
        // Only a student of the roster has no connection at all.
        let seen = machine.connections > 0;
        let student = students
            .as_ref()
            .map(|names| Cell::from(names[at].as_str()));
        let first = [
            Cell::from(numbers[at].as_str()),
            Cell::from(ips[at].as_str()),
        ];
        let connections = with_connections.then(|| Cell::from(format::count(machine.connections)));
        let errors = Cell::from(format::count(machine.errors));
        Row::new(
            first
                .into_iter()
                .chain(student)
                .chain([Cell::from(machine.connected.to_string())])
                .chain(connections)
                .chain([
                    Cell::from(format::count(machine.requests)),
                    match machine.errors {
                        0 => errors,
                        _ => errors.style(theme.log_error),
                    },
                    Cell::from(match seen {
                        true => format!("{} ago", format::duration(since)),
                        false => "–".to_string(),
                    }),
                    Cell::from(match (&machine.last_gone, seen) {
                        (_, false) => "not seen yet".to_string(),
                        (Some(gone), true) => gone.to_string(),
                        (None, true) => "–".to_string(),
                    }),
                ]),
        )
        .style(style)
    });
    let header = Row::new(
        ["#", "machine"]
            .into_iter()
            .chain(students.as_ref().map(|_| "student"))
            .chain(["open"])
            .chain(with_connections.then_some("conns"))
            .chain(["requests", "errors", "last seen", "last closed"]),
    );
    let open: u64 = machines.iter().map(|machine| machine.connected).sum();
    let student_width = students
        .as_ref()
        .map(|names| Constraint::Length(widest("student", names).min(MAX_NAME_WIDTH)));
    let widths = [
        Constraint::Length(widest("#", &numbers)),
        Constraint::Length(widest("machine", &ips)),
    ]
    .into_iter()
    .chain(student_width)
    .chain([Constraint::Length(4)])
    .chain(with_connections.then_some(Constraint::Length(5)))
    .chain([
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Fill(1),
    ])
    .collect();
    let title = format!(
        " machines ({}, {open} open, {} active){}  v: connections ",
        machines.len(),
        app.snapshot.active_machines,
        if app.problems_first {
            "  errors first (s)"
        } else {
            ""
        }
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
