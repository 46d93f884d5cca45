//! The mouse, when the dashboard has it (`--mouse`): a click selects a row or the log, the
//! wheel scrolls what is under it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::{App, ClientsView, Focus};
use crate::dashboard::bindings::Action;

impl App {
    /// A mouse event: a click on a table row selects it; the wheel scrolls the pane under it.
    pub fn mouse(&mut self, event: MouseEvent) {
        let at = Position::new(event.column, event.row);
        let over_log = self.drawn.log_area.contains(at);
        let clients_area = self.drawn.clients_area;
        match event.kind {
            MouseEventKind::Down(MouseButton::Left) if clients_area.contains(at) => {
                self.focus = Focus::Clients;
                // Below the top border and the header row.
                let first_row = clients_area.y + 2;
                if at.y >= first_row {
                    let row = usize::from(at.y - first_row);
                    match self.clients_view {
                        ClientsView::Connections => {
                            let ids = self.client_ids();
                            self.clients.click(row, &ids);
                        }
                        ClientsView::Machines => {
                            let ips = self.machine_ips();
                            self.machines.click(row, &ips);
                        }
                    }
                }
            }
            MouseEventKind::Down(MouseButton::Left) if over_log => self.focus = Focus::Log,
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                self.focus = if over_log { Focus::Log } else { Focus::Clients };
                let action = if event.kind == MouseEventKind::ScrollUp {
                    Action::Up
                } else {
                    Action::Down
                };
                self.update(action);
            }
            _ => {}
        }
    }
}
