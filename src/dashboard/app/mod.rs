//! The dashboard's state and how it changes: snapshots of the server come in every tick, actions
//! come in from keys, and effects for the server (or the disk, or the log search) go out. No I/O
//! here. The state is split by pane, as the view is: the two table panes, the log pane, the
//! conversations, the request rates.

pub mod conversation;
mod log_pane;
mod mouse;
mod names;
mod options;
mod rates;
mod server;
mod table;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

pub use conversation::{Conversations, Stamps};
pub use log_pane::{LogPane, Search};
pub use names::{Names, Naming};
pub use options::Options;
pub use rates::{RATE_HISTORY, Rates};
pub use server::{ACTIVE_MACHINES_WITHIN, ServerInfo, Snapshot};
pub use table::TablePane;

use crate::dashboard::bindings::{self, Action};
use crate::lang::said;
use crate::log::LogLine;
use crate::server::{ClientId, ClientInfo, Mode};
use crate::text::Masker;

/// What the dashboard asks of the server (or of its surroundings: the log, the disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Kick(ClientId),
    /// Every connection of one machine.
    KickMachine(IpAddr),
    Pause,
    Resume,
    SetMode(Mode),
    SetDelay(Duration),
    Export,
    /// Find the log lines containing this text.
    Search(String),
}

/// The delays `+` and `-` step through.
pub const DELAY_STEPS: [Duration; 6] = [
    Duration::ZERO,
    Duration::from_millis(100),
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Clients,
    Log,
}

/// What the clients table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientsView {
    /// One row per connection, open or closed a moment ago
    Connections,
    /// One row per machine (IP address), closed connections included: the assignment's client
    /// connects for every request, so only here does it stay on screen
    Machines,
}

/// A machine seen closing this many connections a moment ago (with none of them a demo
/// client's) connects for each request, as the assignment's client does.
const PER_REQUEST_CLOSED: usize = 3;

/// What the view drew where, written back after each frame: the shown table's scroll offset,
/// and the panes' places on screen (for mouse clicks).
#[derive(Debug, Default, Clone)]
pub struct Drawn {
    pub table: TableState,
    pub clients_area: Rect,
    pub log_area: Rect,
}

pub struct App {
    pub server: ServerInfo,
    /// The options it was started with; `t` changes the theme here.
    pub options: Options,
    pub snapshot: Snapshot,
    pub rates: Rates,
    pub clients: TablePane<ClientId>,
    pub machines: TablePane<IpAddr>,
    pub clients_view: ClientsView,
    pub focus: Focus,
    pub log: LogPane,
    pub conversations: Conversations,
    /// Addresses of the built-in demo clients (`--demo`), marked in the table.
    pub demo_peers: HashSet<SocketAddr>,
    /// NO_COLOR: styles keep bold/reverse but drop every colour.
    pub no_color: bool,
    /// Client addresses are masked wherever they are shown.
    pub privacy: bool,
    pub show_help: bool,
    /// The view stops updating; the server does not.
    pub frozen: bool,
    /// The last thing worth telling in the footer (an export's file name).
    pub notice: Option<String>,
    /// Where the panes were last drawn.
    pub drawn: Drawn,
    pub quit: bool,
    /// The tables list what has something wrong first (`s`).
    pub problems_first: bool,
    /// While they do, the last snapshot in the server's order, to go back to.
    in_server_order: Option<Snapshot>,
    /// Whether the table's view was chosen (`--view`, a roster, `v`) or may still turn to
    /// machines when clients turn out to connect for each request.
    pub view_chosen: bool,
}

impl App {
    pub fn new(server: ServerInfo, options: Options, snapshot: Snapshot) -> App {
        // A roster means a class: its students, by machine.
        let lang = options.lang;
        let chosen = options
            .view
            .or((!options.names.is_empty()).then_some(ClientsView::Machines));
        App {
            server,
            options,
            rates: Rates::new(&snapshot),
            snapshot,
            clients: TablePane::default(),
            machines: TablePane::default(),
            clients_view: chosen.unwrap_or(ClientsView::Connections),
            view_chosen: chosen.is_some(),
            focus: Focus::Clients,
            log: LogPane::default(),
            conversations: Conversations::in_language(lang),
            demo_peers: HashSet::new(),
            no_color: false,
            privacy: false,
            show_help: false,
            frozen: false,
            notice: None,
            drawn: Drawn::default(),
            quit: false,
            problems_first: false,
            in_server_order: None,
        }
    }

    /// Takes a new snapshot of the server. Each table's selection stays on its row; if that row
    /// left, it moves to the row that took its place.
    pub fn refresh(&mut self, mut snapshot: Snapshot) {
        if self.frozen {
            return;
        }
        if !self.view_chosen && self.connects_per_request(&snapshot) {
            self.clients_view = ClientsView::Machines;
            self.view_chosen = true;
            self.notice = Some(said!(self.options.lang, "ui.notice.per_request"));
        }
        if self.clients_view == ClientsView::Machines {
            let at = snapshot.at;
            self.options.names.add_unseen(&mut snapshot.machines, at);
        }
        if self.problems_first {
            self.in_server_order = Some(snapshot.clone());
            // Stable: within each rank, the server's order (connection order, first seen).
            snapshot.clients.sort_by_key(client_rank);
            snapshot.machines.sort_by_key(|machine| machine.errors == 0);
        }
        let old_client = self.clients.index(&self.client_ids());
        let old_machine = self.machines.index(&self.machine_ips());
        self.rates.record(&snapshot);
        self.snapshot = snapshot;
        let connected = self.client_ids();
        self.clients.follow(old_client, &connected);
        self.conversations.keep_only(&connected);
        // Machines are listed only while their view is shown: without a list, the selection
        // waits.
        if !self.snapshot.machines.is_empty() {
            self.machines.follow(old_machine, &self.machine_ips());
        }
    }

    /// Whether some machine, not a demo client's, closed [`PER_REQUEST_CLOSED`] connections a
    /// moment ago (the connections view lists them a while, `--keep-closed`).
    fn connects_per_request(&self, snapshot: &Snapshot) -> bool {
        let mut closed: Vec<IpAddr> = snapshot
            .clients
            .iter()
            .filter(|client| client.closed.is_some() && !self.demo_peers.contains(&client.peer))
            .map(|client| client.peer.ip().to_canonical())
            .collect();
        closed.sort_unstable();
        closed
            .chunk_by(|one, other| one == other)
            .any(|machine| machine.len() >= PER_REQUEST_CLOSED)
    }

    /// The clients' ids, in the table's order.
    pub fn client_ids(&self) -> Vec<ClientId> {
        self.snapshot
            .clients
            .iter()
            .map(|client| client.id)
            .collect()
    }

    /// The machines' addresses, in the table's order.
    pub fn machine_ips(&self) -> Vec<IpAddr> {
        self.snapshot
            .machines
            .iter()
            .map(|machine| machine.ip)
            .collect()
    }

    /// Where the selected row of the table on screen is.
    pub fn selected_row(&self) -> Option<usize> {
        match self.clients_view {
            ClientsView::Connections => self.clients.index(&self.client_ids()),
            ClientsView::Machines => self.machines.index(&self.machine_ips()),
        }
    }

    /// How client addresses are shown right now.
    pub fn masker(&self) -> Masker {
        Masker::new(self.privacy)
    }

    /// How clients are written right now: their addresses as privacy has them, then their
    /// students' names.
    pub fn naming(&self) -> Naming {
        Naming {
            masker: self.masker(),
            names: Arc::clone(&self.options.names),
        }
    }

    /// Takes what the view drew: the shown table's scroll offset and where the panes are.
    pub fn record_drawn(&mut self, drawn: Drawn) {
        match self.clients_view {
            ClientsView::Connections => self.clients.state = drawn.table,
            ClientsView::Machines => self.machines.state = drawn.table,
        }
        self.drawn = drawn;
    }

    /// The table state the view starts from for the shown table.
    pub fn table_state(&self) -> TableState {
        match self.clients_view {
            ClientsView::Connections => self.clients.state,
            ClientsView::Machines => self.machines.state,
        }
    }

    /// A key press: Ctrl-C quits (like SIGINT, read-only or not); any key closes the help, and
    /// only closes it; an open search prompt takes the keys typed; any other key does its
    /// action. Returns what must be done beyond the state, if anything.
    pub fn press(&mut self, key: KeyEvent) -> Option<Effect> {
        if bindings::is_interrupt(&key) {
            self.quit = true;
            None
        } else if self.show_help {
            self.show_help = false;
            None
        } else if self.typing() {
            self.type_key(key)
        } else {
            self.notice = None;
            bindings::action(key, &self.options.keys).and_then(|action| self.update(action))
        }
    }

    /// Applies a key's action; returns what must be done beyond the state, if anything.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        // Esc quits only when there is nothing to close.
        let nothing_open = self.conversations.shown.is_none() && self.log.search.is_none();
        let action = if nothing_open {
            action.when_nothing_is_open()
        } else {
            action
        };
        if self.options.read_only && !action.allowed_read_only() {
            // The footer already says these keys are off.
            return None;
        }
        match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => match (self.focus, self.clients_view) {
                (Focus::Clients, ClientsView::Connections) => {
                    let ids = self.client_ids();
                    self.clients.step(action, &ids);
                }
                (Focus::Clients, ClientsView::Machines) => {
                    let ips = self.machine_ips();
                    self.machines.step(action, &ips);
                }
                // The whole log from its oldest line, found in the history.
                (Focus::Log, _) if action == Action::Home && self.log.search.is_none() => {
                    self.log.search = Some(Search::whole_log());
                    return Some(Effect::Search(String::new()));
                }
                (Focus::Log, _) => self.log.scroll(action),
            },
            Action::Kick => {
                return match self.clients_view {
                    ClientsView::Connections => self.kick_selected(),
                    ClientsView::Machines => self.kick_selected_machine(),
                };
            }
            Action::TogglePause => {
                return Some(if self.snapshot.paused {
                    Effect::Resume
                } else {
                    Effect::Pause
                });
            }
            Action::ToggleFocus => {
                self.focus = match self.focus {
                    Focus::Clients => Focus::Log,
                    Focus::Log => Focus::Clients,
                }
            }
            Action::ToggleClientsView => {
                self.clients_view = match self.clients_view {
                    ClientsView::Connections => ClientsView::Machines,
                    ClientsView::Machines => ClientsView::Connections,
                };
                self.view_chosen = true;
                self.focus = Focus::Clients;
            }
            Action::CycleTheme => {
                self.options.theme = self.options.theme.next();
                let theme = self.options.theme.label();
                self.notice = Some(said!(self.options.lang, "ui.notice.theme", theme = theme));
            }
            Action::CycleMode => {
                let next = self.snapshot.mode.next(self.server.pool_size);
                return Some(Effect::SetMode(next));
            }
            Action::MoreDelay => {
                let current = self.snapshot.delay;
                let next = DELAY_STEPS.iter().find(|&&step| step > current);
                return Some(Effect::SetDelay(*next.unwrap_or(&DELAY_STEPS[5])));
            }
            Action::LessDelay => {
                let current = self.snapshot.delay;
                let next = DELAY_STEPS.iter().rev().find(|&&step| step < current);
                return Some(Effect::SetDelay(*next.unwrap_or(&Duration::ZERO)));
            }
            Action::ToggleBytes if self.conversations.shown.is_some() => {
                self.conversations.bytes_view = !self.conversations.bytes_view;
            }
            // Over the table: the selected connection's conversation, or its bytes at once.
            Action::OpenConversation | Action::ToggleBytes => match self.selected_connection() {
                Some(id) => {
                    self.conversations.shown = Some(id);
                    self.conversations.bytes_view = action == Action::ToggleBytes;
                }
                None if self.clients_view == ClientsView::Machines => {
                    self.notice = Some(said!(self.options.lang, "ui.notice.no_connection_listed"));
                }
                None => {}
            },
            Action::ToggleFreeze => self.frozen = !self.frozen,
            Action::ToggleProblemsFirst => {
                self.problems_first = !self.problems_first;
                let snapshot = self
                    .in_server_order
                    .take()
                    .unwrap_or_else(|| self.snapshot.clone());
                self.refresh(snapshot);
            }
            Action::TogglePrivacy => self.privacy = !self.privacy,
            Action::Export => return Some(Effect::Export),
            Action::StartSearch => {
                self.log.search = Some(Search {
                    typing: true,
                    ..Search::default()
                });
            }
            Action::NextMatch | Action::PreviousMatch => self.log.step_match(action),
            Action::ToggleHelp => self.show_help = true,
            Action::Back if self.conversations.shown.is_some() => self.close_conversation(),
            Action::Back => self.log.search = None,
            Action::Quit => self.quit = true,
        }
        None
    }

    /// Whether keys go to the search prompt rather than to actions.
    pub fn typing(&self) -> bool {
        self.log.typing()
    }

    /// A key typed into the search prompt. Enter asks for the search.
    pub fn type_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let search = self.log.search.as_mut()?;
        match key.code {
            KeyCode::Enter if !search.query.is_empty() => {
                search.typing = false;
                return Some(Effect::Search(search.query.clone()));
            }
            KeyCode::Esc | KeyCode::Enter => self.log.search = None,
            KeyCode::Backspace => {
                search.query.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                search.query.push(c);
            }
            KeyCode::Char('c') => self.quit = true,
            _ => {}
        }
        None
    }

    /// The search's results arrive; the newest match is shown first (the whole log: its
    /// oldest line).
    pub fn show_matches(&mut self, matches: Vec<LogLine>) {
        if let Some(search) = self.log.search.as_mut() {
            search.current = if search.is_whole_log() {
                0
            } else {
                matches.len().saturating_sub(1)
            };
            search.matches = matches;
        }
    }

    /// The connection a conversation is asked of: the selected one, or over the machines view,
    /// the selected machine's latest (open or closed a moment ago).
    fn selected_connection(&self) -> Option<ClientId> {
        match self.clients_view {
            ClientsView::Connections => self.clients.selected,
            ClientsView::Machines => {
                let ip = self.machines.selected?;
                let from_it = self.snapshot.clients.iter();
                from_it
                    .filter(|client| client.peer.ip().to_canonical() == ip)
                    .map(|client| client.id)
                    .max()
            }
        }
    }

    /// Kicks the selected machine's open connections, or says there are none.
    fn kick_selected_machine(&mut self) -> Option<Effect> {
        let ip = self.machines.selected?;
        let open = self
            .snapshot
            .machines
            .iter()
            .find(|machine| machine.ip == ip)
            .map_or(0, |machine| machine.connected);
        if open == 0 {
            let shown = self.masker().ip(ip);
            self.notice = Some(said!(
                self.options.lang,
                "ui.notice.no_open_connection",
                machine = shown
            ));
            return None;
        }
        Some(Effect::KickMachine(ip))
    }

    /// Kicks the selected client, unless its connection is already closed (then says so).
    fn kick_selected(&mut self) -> Option<Effect> {
        let id = self.clients.selected?;
        let client = self.snapshot.clients.iter().find(|client| client.id == id);
        if let Some(closed) = client.and_then(|client| client.closed.as_ref()) {
            let reason = crate::dashboard::words::gone(&closed.reason, self.options.lang);
            self.notice = Some(said!(
                self.options.lang,
                "ui.notice.already_closed",
                id = id,
                reason = reason
            ));
            return None;
        }
        Some(Effect::Kick(id))
    }

    fn close_conversation(&mut self) {
        if let Some(id) = self.conversations.shown.take()
            && !self.snapshot.clients.iter().any(|client| client.id == id)
        {
            self.conversations.forget(id);
        }
    }
}

/// Where a client goes with problems first: something wrong (errors, a line never ended,
/// waiting for its turn or the pause), then the other open ones, then those closed.
fn client_rank(client: &ClientInfo) -> u8 {
    let wrong =
        client.errors > 0 || client.unterminated.is_some() || client.queued || client.held_by_pause;
    match (client.closed.is_some(), wrong) {
        (false, true) => 0,
        (false, false) => 1,
        (true, _) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::ThemeName;
    use crate::server::{CounterSnapshot, MachineInfo};
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    use std::time::Instant;

    fn client(id: ClientId, at: Instant) -> ClientInfo {
        ClientInfo {
            id,
            peer: SocketAddr::from(([10, 0, 0, id as u8], 40000 + id as u16)),
            connected_at: at,
            requests: 0,
            last_request_at: None,
            held_by_pause: false,
            queued: false,
            errors: 0,
            last_latency: None,
            closed: None,
            unterminated: None,
        }
    }

    /// A machine of its own for each client.
    fn machine(id: ClientId, at: Instant) -> MachineInfo {
        MachineInfo {
            ip: IpAddr::from([10, 0, 0, id as u8]),
            connected: 1,
            connections: 1,
            requests: 0,
            errors: 0,
            first_seen: at,
            last_seen: at,
            last_gone: None,
        }
    }

    fn snapshot(at: Instant, requests: u64, ids: &[ClientId]) -> Snapshot {
        Snapshot {
            at,
            counters: CounterSnapshot {
                active: ids.len() as u64,
                requests,
                ..CounterSnapshot::default()
            },
            clients: ids.iter().map(|&id| client(id, at)).collect(),
            machines: ids.iter().map(|&id| machine(id, at)).collect(),
            active_machines: ids.len(),
            paused: false,
            uptime: Duration::ZERO,
            clock: "JAM 23:19:50".into(),
            mode: Mode::Concurrent,
            delay: Duration::ZERO,
        }
    }

    fn with_clients(ids: &[ClientId]) -> (App, Instant) {
        let start = Instant::now();
        let mut app = App::new(
            ServerInfo::new(
                "127.0.0.1:45000".parse().unwrap(),
                "UTC".parse().unwrap(),
                4,
            ),
            Options::default(),
            snapshot(start, 0, &[]),
        );
        app.refresh(snapshot(start, 0, ids));
        (app, start)
    }

    #[test]
    fn clients_appear_and_the_first_is_selected() {
        let (app, _) = with_clients(&[]);
        assert_eq!(app.clients.selected, None);
        let (app, _) = with_clients(&[4, 7]);
        assert_eq!(app.clients.selected, Some(4));
        assert_eq!(app.snapshot.counters.active, 2);
    }

    #[test]
    fn the_selection_follows_its_client_while_rows_come_and_go() {
        let (mut app, at) = with_clients(&[1, 2, 3]);
        app.update(Action::Down);
        assert_eq!(app.clients.selected, Some(2));
        // Client 1 leaves and 4 arrives: 2 stays selected though its row moved up.
        app.refresh(snapshot(at, 0, &[2, 3, 4]));
        assert_eq!(
            (app.clients.selected, app.clients.index(&app.client_ids())),
            (Some(2), Some(0))
        );
        // Client 2 leaves: the row that took its place is selected.
        app.refresh(snapshot(at, 0, &[3, 4]));
        assert_eq!(app.clients.selected, Some(3));
        // The last row leaves: the new last row is selected.
        app.update(Action::End);
        app.refresh(snapshot(at, 0, &[3]));
        assert_eq!(app.clients.selected, Some(3));
        app.refresh(snapshot(at, 0, &[]));
        assert_eq!(app.clients.selected, None);
    }

    #[test]
    fn selection_moves_within_bounds() {
        let ids: Vec<ClientId> = (1..=25).collect();
        let (mut app, _) = with_clients(&ids);
        app.update(Action::Up);
        assert_eq!(app.clients.selected, Some(1));
        app.update(Action::PageDown);
        assert_eq!(app.clients.selected, Some(11));
        app.update(Action::End);
        assert_eq!(app.clients.selected, Some(25));
        app.update(Action::Down);
        assert_eq!(app.clients.selected, Some(25));
        app.update(Action::PageUp);
        assert_eq!(app.clients.selected, Some(15));
        app.update(Action::Home);
        assert_eq!(app.clients.selected, Some(1));
    }

    /// `ids`, each closed a moment ago, all from one machine.
    fn closed_from_one_machine(at: Instant, ids: &[ClientId]) -> Snapshot {
        let mut snapshot = snapshot(at, 0, ids);
        for (port, client) in (43001..).zip(&mut snapshot.clients) {
            client.peer = SocketAddr::from(([10, 0, 0, 7], port));
            client.closed = Some(crate::server::Closed {
                at,
                reason: crate::server::GoneReason::Quit,
            });
        }
        snapshot
    }

    #[test]
    fn clients_that_connect_for_each_request_turn_the_table_to_machines_once() {
        let (mut app, at) = with_clients(&[1, 2]);
        app.refresh(closed_from_one_machine(at, &[1, 2]));
        assert_eq!(
            app.clients_view,
            ClientsView::Connections,
            "two may be chance"
        );
        app.refresh(closed_from_one_machine(at, &[1, 2, 3]));
        assert_eq!(app.clients_view, ClientsView::Machines);
        assert!(
            app.notice
                .as_deref()
                .is_some_and(|notice| notice.contains("v: connections"))
        );
        // Back to connections by `v`: it stays there.
        app.update(Action::ToggleClientsView);
        app.refresh(closed_from_one_machine(at, &[1, 2, 3, 4]));
        assert_eq!(app.clients_view, ClientsView::Connections);
    }

    #[test]
    fn a_chosen_view_or_demo_clients_keep_the_table_as_it_is() {
        let (mut app, at) = with_clients(&[]);
        app.update(Action::ToggleClientsView);
        app.update(Action::ToggleClientsView);
        app.refresh(closed_from_one_machine(at, &[1, 2, 3]));
        assert_eq!(app.clients_view, ClientsView::Connections, "chosen by v");

        let (mut app, at) = with_clients(&[]);
        let demo = closed_from_one_machine(at, &[1, 2, 3]);
        app.demo_peers = demo.clients.iter().map(|client| client.peer).collect();
        app.refresh(demo);
        assert_eq!(app.clients_view, ClientsView::Connections, "demo clients");

        let server = || {
            ServerInfo::new(
                "127.0.0.1:45000".parse().unwrap(),
                "UTC".parse().unwrap(),
                4,
            )
        };
        let students = crate::client::check::roster::parse("Budi,10.0.0.7\n".as_bytes()).unwrap();
        let roster = Options {
            names: Arc::new(Names::of(&students).0),
            ..Options::default()
        };
        let app = App::new(server(), roster.clone(), snapshot(at, 0, &[]));
        assert_eq!(app.clients_view, ClientsView::Machines, "a roster: a class");
        let chosen = Options {
            view: Some(ClientsView::Connections),
            ..roster
        };
        let mut app = App::new(server(), chosen, snapshot(at, 0, &[]));
        app.refresh(closed_from_one_machine(at, &[1, 2, 3]));
        assert_eq!(app.clients_view, ClientsView::Connections, "--view");
    }

    #[test]
    fn s_lists_what_is_wrong_first_and_again_in_order() {
        let (mut app, at) = with_clients(&[1, 2, 3, 4]);
        let mut snapshot = snapshot(at, 0, &[1, 2, 3, 4]);
        snapshot.clients[1].closed = Some(crate::server::Closed {
            at,
            reason: crate::server::GoneReason::Quit,
        });
        snapshot.clients[3].errors = 2;
        snapshot.clients[2].unterminated = Some(crate::server::Unterminated {
            head: b"TIME".to_vec(),
            len: 4,
        });
        snapshot.machines[2].errors = 1;
        app.refresh(snapshot.clone());
        assert_eq!(app.client_ids(), [1, 2, 3, 4]);
        app.update(Action::ToggleProblemsFirst);
        // The two with something wrong, in order; the open one; the closed one.
        assert_eq!(app.client_ids(), [3, 4, 1, 2]);
        app.refresh(snapshot.clone());
        assert_eq!(app.client_ids(), [3, 4, 1, 2], "and it stays so");
        assert_eq!(app.machine_ips()[0], IpAddr::from([10, 0, 0, 3]));
        app.update(Action::ToggleProblemsFirst);
        assert_eq!(app.client_ids(), [1, 2, 3, 4]);
    }

    #[test]
    fn kick_names_the_selected_client() {
        let (mut app, _) = with_clients(&[5, 6]);
        app.update(Action::Down);
        assert_eq!(app.update(Action::Kick), Some(Effect::Kick(6)));
        let (mut empty, _) = with_clients(&[]);
        assert_eq!(empty.update(Action::Kick), None);
    }

    #[test]
    fn in_the_machines_view_keys_select_and_kick_machines() {
        let (mut app, at) = with_clients(&[1, 2, 3]);
        assert_eq!(app.machines.selected, Some(IpAddr::from([10, 0, 0, 1])));
        app.update(Action::ToggleFocus);
        app.update(Action::ToggleClientsView);
        assert_eq!(app.clients_view, ClientsView::Machines);
        assert_eq!(
            app.focus,
            Focus::Clients,
            "the table it switches shows is focused"
        );
        app.update(Action::End);
        assert_eq!(app.machines.index(&app.machine_ips()), Some(2));
        assert_eq!(
            app.clients.selected,
            Some(1),
            "the connections' selection stays"
        );
        assert_eq!(
            app.update(Action::Kick),
            Some(Effect::KickMachine(IpAddr::from([10, 0, 0, 3])))
        );
        // Enter and b: the machine's latest connection's conversation.
        let mut two_from_it = snapshot(at, 0, &[1, 2, 3]);
        two_from_it.clients.push(ClientInfo {
            id: 7,
            ..client(3, at)
        });
        app.refresh(two_from_it);
        app.update(Action::OpenConversation);
        assert_eq!(app.conversations.shown, Some(7));
        assert!(!app.conversations.bytes_view);
        app.update(Action::Back);
        app.update(Action::ToggleBytes);
        assert_eq!(app.conversations.shown, Some(7));
        assert!(app.conversations.bytes_view, "b opens its bytes at once");
        app.update(Action::Back);
        // None of its connections listed any more: Enter says so.
        let mut forgotten = snapshot(at, 0, &[1, 2, 3]);
        forgotten.clients.retain(|client| client.id != 3);
        app.refresh(forgotten);
        app.update(Action::OpenConversation);
        assert_eq!(app.conversations.shown, None);
        assert_eq!(
            app.notice.as_deref(),
            Some("no connection from this machine is listed now: its conversation is gone")
        );
        // A machine with no open connection: k says so rather than nothing.
        let mut gone = snapshot(at, 0, &[1, 2, 3]);
        gone.machines
            .iter_mut()
            .for_each(|machine| machine.connected = 0);
        app.refresh(gone);
        assert_eq!(app.update(Action::Kick), None);
        assert_eq!(
            app.notice.as_deref(),
            Some("no open connection from 10.0.0.3: nothing to kick")
        );
        app.update(Action::ToggleClientsView);
        assert_eq!(app.update(Action::Kick), Some(Effect::Kick(1)));
        // The connections view's snapshots list no machines; the machine selection waits.
        let mut without_machines = snapshot(at, 0, &[1, 2, 3]);
        without_machines.machines.clear();
        app.refresh(without_machines);
        assert_eq!(app.machines.selected, Some(IpAddr::from([10, 0, 0, 3])));
    }

    #[test]
    fn pause_toggles_with_the_server_state() {
        let (mut app, at) = with_clients(&[]);
        assert_eq!(app.update(Action::TogglePause), Some(Effect::Pause));
        let mut paused = snapshot(at, 0, &[]);
        paused.paused = true;
        app.refresh(paused);
        assert_eq!(app.update(Action::TogglePause), Some(Effect::Resume));
    }

    #[test]
    fn focus_moves_the_arrow_keys_to_the_log() {
        let (mut app, _) = with_clients(&[1, 2]);
        app.update(Action::ToggleFocus);
        assert_eq!(app.focus, Focus::Log);
        app.update(Action::Down);
        assert_eq!(
            app.clients.selected,
            Some(1),
            "arrows scroll the log, not the table"
        );
        app.update(Action::PageUp);
        assert!(app.log.scrolled);
        app.update(Action::End);
        assert!(!app.log.scrolled);
        app.update(Action::ToggleFocus);
        assert_eq!(app.focus, Focus::Clients);
    }

    #[test]
    fn help_opens_and_any_key_closes_it_without_acting() {
        let press = |app: &mut App, code| app.press(KeyEvent::new(code, KeyModifiers::NONE));
        let (mut app, _) = with_clients(&[1]);
        press(&mut app, KeyCode::Char('?'));
        assert!(app.show_help);
        assert_eq!(press(&mut app, KeyCode::Char('k')), None, "no kick");
        assert!(!app.show_help);
        press(&mut app, KeyCode::Char('?'));
        press(&mut app, KeyCode::F(12));
        assert!(!app.show_help, "even a key bound to nothing closes it");
        press(&mut app, KeyCode::Char('?'));
        press(&mut app, KeyCode::Esc);
        assert!(!app.show_help && !app.quit, "Esc closes the help first");
        press(&mut app, KeyCode::Esc);
        assert!(app.quit);
    }

    #[test]
    fn mode_and_delay_keys_ask_the_server_for_the_next_step() {
        let (mut app, at) = with_clients(&[]);
        app.server.pool_size = 3;
        assert_eq!(
            app.update(Action::CycleMode),
            Some(Effect::SetMode(Mode::Sequential))
        );
        let mut next = snapshot(at, 0, &[]);
        next.mode = Mode::Sequential;
        next.delay = Duration::from_millis(250);
        app.refresh(next.clone());
        assert_eq!(
            app.update(Action::CycleMode),
            Some(Effect::SetMode(Mode::Pool(3)))
        );
        assert_eq!(
            app.update(Action::MoreDelay),
            Some(Effect::SetDelay(Duration::from_millis(500)))
        );
        assert_eq!(
            app.update(Action::LessDelay),
            Some(Effect::SetDelay(Duration::from_millis(100)))
        );
        next.delay = Duration::from_secs(2);
        app.refresh(next.clone());
        assert_eq!(
            app.update(Action::MoreDelay),
            Some(Effect::SetDelay(Duration::from_secs(2)))
        );
        next.delay = Duration::ZERO;
        app.refresh(next);
        assert_eq!(
            app.update(Action::LessDelay),
            Some(Effect::SetDelay(Duration::ZERO))
        );
    }

    #[test]
    fn enter_opens_the_selected_conversation_and_esc_closes_it_before_quitting() {
        let (mut app, _) = with_clients(&[7]);
        app.update(Action::OpenConversation);
        assert_eq!(app.conversations.shown, Some(7));
        app.update(Action::Back);
        assert_eq!(app.conversations.shown, None);
        assert!(!app.quit);
        app.update(Action::Back);
        assert!(app.quit);
    }

    #[test]
    fn read_only_refuses_what_reaches_beyond_the_screen() {
        let (mut app, _) = with_clients(&[1, 2]);
        app.options.read_only = true;
        for action in [
            Action::Kick,
            Action::TogglePause,
            Action::CycleMode,
            Action::MoreDelay,
            Action::LessDelay,
            Action::Export,
            Action::Quit,
        ] {
            assert_eq!(app.update(action), None, "{action:?}");
        }
        app.update(Action::TogglePrivacy);
        assert!(!app.privacy, "h would show hidden addresses");
        app.update(Action::Back);
        assert!(!app.quit, "Esc with nothing open would quit");
        app.update(Action::OpenConversation);
        app.update(Action::Back);
        assert_eq!(app.conversations.shown, None, "Esc still closes a panel");
        app.update(Action::Down);
        assert_eq!(app.clients.selected, Some(2));
    }

    #[test]
    fn a_frozen_view_ignores_new_snapshots_until_thawed() {
        let (mut app, at) = with_clients(&[1]);
        app.update(Action::ToggleFreeze);
        app.refresh(snapshot(at, 50, &[1, 2, 3]));
        assert_eq!(app.snapshot.clients.len(), 1);
        app.update(Action::ToggleFreeze);
        app.refresh(snapshot(at, 50, &[1, 2, 3]));
        assert_eq!(app.snapshot.clients.len(), 3);
    }

    #[test]
    fn a_click_selects_the_row_under_it_and_the_wheel_scrolls() {
        let (mut app, _) = with_clients(&[4, 5, 6]);
        app.drawn.clients_area = Rect::new(0, 10, 80, 8);
        app.drawn.log_area = Rect::new(0, 18, 80, 6);
        let mouse = |kind, row| MouseEvent {
            kind,
            column: 5,
            row,
            modifiers: crossterm::event::KeyModifiers::NONE,
        };
        app.mouse(mouse(MouseEventKind::Down(MouseButton::Left), 13));
        assert_eq!(
            app.clients.selected,
            Some(5),
            "row 13 is the second client (border, header)"
        );
        app.mouse(mouse(MouseEventKind::Down(MouseButton::Left), 11));
        assert_eq!(
            app.clients.selected,
            Some(5),
            "the header row selects nothing"
        );
        app.mouse(mouse(MouseEventKind::ScrollDown, 12));
        assert_eq!(app.clients.selected, Some(6));
        app.mouse(mouse(MouseEventKind::ScrollUp, 20));
        assert_eq!(app.focus, Focus::Log);
        assert!(app.log.scrolled);
    }

    #[test]
    fn search_is_typed_then_jumps_between_matches() {
        let (mut app, _) = with_clients(&[]);
        app.update(Action::StartSearch);
        assert!(app.typing());
        for key in [
            KeyCode::Char('t'),
            KeyCode::Char('x'),
            KeyCode::Backspace,
            KeyCode::Char('I'),
        ] {
            assert_eq!(app.type_key(KeyEvent::new(key, KeyModifiers::NONE)), None);
        }
        let asked = app.type_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(asked, Some(Effect::Search("tI".into())));
        let line = |message: &str| LogLine {
            at: 1_795_648_790,
            level: tracing::Level::WARN,
            message: message.into(),
        };
        app.show_matches(vec![line("a TIME"), line("b TIME"), line("c TIME")]);
        assert_eq!(
            app.log.search.as_ref().unwrap().current,
            2,
            "the newest first"
        );
        app.update(Action::PreviousMatch);
        app.update(Action::PreviousMatch);
        app.update(Action::PreviousMatch);
        assert_eq!(app.log.search.as_ref().unwrap().current, 0);
        app.update(Action::NextMatch);
        assert_eq!(app.log.search.as_ref().unwrap().current, 1);
        app.update(Action::Back);
        assert!(
            app.log.search.is_none() && !app.quit,
            "Esc closes the search first"
        );
    }

    #[test]
    fn home_in_the_log_shows_it_from_the_oldest_line_and_end_follows_again() {
        let (mut app, _) = with_clients(&[]);
        app.update(Action::ToggleFocus);
        assert_eq!(
            app.update(Action::Home),
            Some(Effect::Search(String::new()))
        );
        let line = |message: &str| LogLine {
            at: 1_795_648_790,
            level: tracing::Level::WARN,
            message: message.into(),
        };
        app.show_matches(vec![line("oldest"), line("middle"), line("newest")]);
        assert_eq!(
            app.log.search.as_ref().unwrap().current,
            0,
            "the oldest first"
        );
        app.update(Action::Down);
        app.update(Action::PageDown);
        assert_eq!(app.log.search.as_ref().unwrap().current, 2);
        app.update(Action::Home);
        assert_eq!(app.log.search.as_ref().unwrap().current, 0);
        app.update(Action::End);
        assert!(
            app.log.search.is_none() && !app.log.scrolled,
            "End follows the newest"
        );
    }

    #[test]
    fn themes_cycle() {
        let (mut app, _) = with_clients(&[]);
        let seen: Vec<ThemeName> = (0..3)
            .map(|_| {
                app.update(Action::CycleTheme);
                app.options.theme
            })
            .collect();
        assert_eq!(
            seen,
            [ThemeName::Light, ThemeName::HighContrast, ThemeName::Dark]
        );
        assert_eq!(app.notice.as_deref(), Some("theme: dark (t)"));
    }

    #[test]
    fn rates_are_sampled_per_second_with_a_peak_and_60_s_of_history() {
        let (mut app, start) = with_clients(&[]);
        app.refresh(snapshot(start + Duration::from_millis(500), 40, &[]));
        assert_eq!(app.rates.now(), 0, "no whole second yet");
        app.refresh(snapshot(start + Duration::from_millis(1000), 100, &[]));
        assert_eq!(app.rates.now(), 100);
        app.refresh(snapshot(start + Duration::from_millis(2000), 350, &[]));
        assert_eq!((app.rates.now(), app.rates.peak), (250, 250));
        // A tick three seconds late spreads the requests over those seconds.
        app.refresh(snapshot(start + Duration::from_millis(5000), 380, &[]));
        assert_eq!(app.rates.now(), 10);
        assert_eq!(app.rates.per_second, [100, 250, 10, 10, 10]);
        assert_eq!(app.rates.peak, 250);
        app.refresh(snapshot(start + Duration::from_secs(100), 380, &[]));
        assert_eq!(app.rates.per_second.len(), RATE_HISTORY);
        assert_eq!(app.rates.peak, 250, "the peak outlives the history");
    }
}
