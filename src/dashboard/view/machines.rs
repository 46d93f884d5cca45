//! The clients table by machine (`v`): one row per IP address, its connections added up, first
//! seen first. Rows stay after the connections close, which is what makes clients that connect
//! for every request visible.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, TableState};

use super::clients::ACTIVE_WITHIN;
use super::{ClientsTable, WIDE_TABLE_FROM, Window, column, format, widest};
use crate::dashboard::app::App;
use crate::dashboard::theme::Theme;
use crate::dashboard::words;
use crate::lang::said;
use crate::server::MachineInfo;

/// A student's name is cut to this many columns in the machines table.
const MAX_NAME_WIDTH: u16 = 16;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> TableState {
    let now = app.snapshot.at;
    let lang = app.options.lang;
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
    // When each was seen last; only a student of the roster has no connection at all.
    let last_seen_cells: Vec<String> = shown
        .iter()
        .map(|machine| match machine.connections > 0 {
            true => {
                let since = format::duration(now.saturating_duration_since(machine.last_seen));
                said!(lang, "ui.clients.ago", span = since)
            }
            false => "–".to_string(),
        })
        .collect();
    let rows = shown.iter().enumerate().map(|(at, machine)| {
        let since = now.saturating_duration_since(machine.last_seen);
        let style = if machine.connected > 0 || since < ACTIVE_WITHIN {
            theme.value
        } else {
            theme.closed
        };
        let seen = machine.connections > 0;
        let student = students
            .as_ref()
            .map(|names| Cell::from(names[at].as_str()));
        let first = [
            Cell::from(numbers[at].as_str()),
            Cell::from(ips[at].as_str()),
        ];
        let connections =
            with_connections.then(|| Cell::from(format::count(machine.connections, lang)));
        let errors = Cell::from(format::count(machine.errors, lang));
        Row::new(
            first
                .into_iter()
                .chain(student)
                .chain([Cell::from(machine.connected.to_string())])
                .chain(connections)
                .chain([
                    Cell::from(format::count(machine.requests, lang)),
                    match machine.errors {
                        0 => errors,
                        _ => errors.style(theme.log_error),
                    },
                    Cell::from(last_seen_cells[at].as_str()),
                    Cell::from(match (&machine.last_gone, seen) {
                        (_, false) => said!(lang, "ui.machines.not_seen_yet"),
                        (Some(gone), true) => words::gone(gone, lang),
                        (None, true) => "–".to_string(),
                    }),
                ]),
        )
        .style(style)
    });
    let [
        machine,
        student,
        open_word,
        conns,
        requests,
        errors,
        last_seen,
        last_closed,
    ] = [
        "ui.machines.machine",
        "ui.machines.student",
        "ui.machines.open",
        "ui.machines.conns",
        "ui.machines.requests",
        "ui.machines.errors",
        "ui.machines.last_seen",
        "ui.machines.last_closed",
    ]
    .map(|key| said!(lang, key));
    let student_width = students
        .as_ref()
        .map(|names| Constraint::Length(widest(&student, names).min(MAX_NAME_WIDTH)));
    let widths = [
        Constraint::Length(widest("#", &numbers)),
        Constraint::Length(widest(&machine, &ips)),
    ]
    .into_iter()
    .chain(student_width)
    .chain([column(&open_word, 4)])
    .chain(with_connections.then(|| column(&conns, 5)))
    .chain([
        column(&requests, 8),
        column(&errors, 6),
        Constraint::Length(widest(&last_seen, &last_seen_cells).max(9)),
        Constraint::Fill(1),
    ])
    .collect();
    let header = Row::new(
        ["#".to_string(), machine]
            .into_iter()
            .chain(students.as_ref().map(|_| student))
            .chain([open_word])
            .chain(with_connections.then_some(conns))
            .chain([requests, errors, last_seen, last_closed]),
    );
    let open: u64 = machines.iter().map(|machine| machine.connected).sum();
    let sorted = match app.problems_first {
        true => format!("  {}", said!(lang, "ui.machines.errors_first")),
        false => String::new(),
    };
    let title = said!(
        lang,
        "ui.machines.title",
        count = machines.len(),
        open = open,
        active = app.snapshot.active_machines,
        sorted = sorted
    );
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
