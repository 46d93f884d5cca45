//! The dashboard's state and how it changes: snapshots of the server come in every tick, actions
//! come in from keys, and commands for the server go out. No I/O here.

use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use ratatui::widgets::TableState;
use tui_logger::{TuiWidgetEvent, TuiWidgetState};

use crate::dashboard::bindings::Action;
use crate::dashboard::conversation::Conversations;
use crate::dashboard::theme::ThemeName;
use crate::log::history::{LogHistory, LogLine};
use crate::server::ClientId;
use crate::server::MachineInfo;
use crate::server::Mode;
use crate::server::Zone;
use crate::server::{ClientInfo, CounterSnapshot};
use crate::text::mask::Masker;

/// Where a selection at `current` of `count` rows goes on a key; `None` when there are no rows.
fn moved(current: usize, count: usize, action: Action) -> Option<usize> {
    let last = count.checked_sub(1)?;
    Some(match action {
        Action::Up => current.saturating_sub(1),
        Action::Down => (current + 1).min(last),
        Action::PageUp => current.saturating_sub(PAGE),
        Action::PageDown => (current + PAGE).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => current,
    })
}

/// Seconds of requests/s history the chart shows.
pub const RATE_HISTORY: usize = 60;

/// Rows moved by PageUp/PageDown in the clients table.
const PAGE: usize = 10;

/// What the server looks like at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub at: Instant,
    pub counters: CounterSnapshot,
    /// In connection order.
    pub clients: Vec<ClientInfo>,
    /// First seen first.
    pub machines: Vec<MachineInfo>,
    pub paused: bool,
    pub uptime: Duration,
    /// `JAM hh:mm:ss`, what a TIME request gets right now.
    pub clock: String,
    pub mode: Mode,
    /// The pause before each reply.
    pub delay: Duration,
}

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

/// The log panel's level filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    All,
    InfoAndUp,
    WarningsAndUp,
}

impl LogLevel {
    fn next(self) -> LogLevel {
        match self {
            LogLevel::All => LogLevel::WarningsAndUp,
            LogLevel::WarningsAndUp => LogLevel::InfoAndUp,
            LogLevel::InfoAndUp => LogLevel::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LogLevel::All => "all",
            LogLevel::InfoAndUp => "INFO+",
            LogLevel::WarningsAndUp => "WARN+",
        }
    }

    fn filter(self) -> tui_logger::LevelFilter {
        match self {
            LogLevel::All => tui_logger::LevelFilter::Trace,
            LogLevel::InfoAndUp => tui_logger::LevelFilter::Info,
            LogLevel::WarningsAndUp => tui_logger::LevelFilter::Warn,
        }
    }
}

/// A log search: the query being typed, then its matches.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Still typing the query (Enter searches, Esc cancels).
    pub typing: bool,
    pub matches: Vec<LogLine>,
    /// The match shown, an index into `matches`.
    pub current: usize,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientsView {
    /// One row per open connection.
    Connections,
    /// One row per machine (IP address), closed connections included: the assignment's client
    /// connects for every request, so only here does it stay on screen.
    Machines,
}

pub struct App {
    pub listen_addr: SocketAddr,
    /// The zone of the clock and of TIME replies; the log and the conversations show their times
    /// in it too.
    pub clock_zone: Zone,
    /// `clock_zone`'s name, looked up once (the local zone's name is read from the system).
    pub zone_name: String,
    pub snapshot: Snapshot,
    pub rates: Rates,
    /// The selected client, by id, so it stays selected while rows come and go.
    pub selected: Option<ClientId>,
    pub table: TableState,
    pub clients_view: ClientsView,
    /// The selected machine in the machines view.
    pub selected_machine: Option<IpAddr>,
    pub machines_table: TableState,
    pub focus: Focus,
    pub theme: ThemeName,
    /// NO_COLOR: styles keep bold/reverse but drop every colour.
    pub no_color: bool,
    pub show_help: bool,
    /// The log panel shows older lines instead of following the newest.
    pub log_scrolled: bool,
    pub log: TuiWidgetState,
    /// The pool size `m` switches to.
    pub pool_size: usize,
    /// The client whose conversation is on screen.
    pub conversation: Option<ClientId>,
    pub conversations: Conversations,
    /// Addresses of the built-in demo clients (`--demo`), marked in the table.
    pub demo_peers: HashSet<SocketAddr>,
    /// The view stops updating; the server does not.
    pub frozen: bool,
    /// Client addresses are masked wherever they are shown.
    pub privacy: bool,
    /// Kick, pause, mode and delay are disabled (`--read-only`).
    pub read_only: bool,
    /// Plain-ASCII borders, charts and symbols (`--ascii`).
    pub ascii: bool,
    /// The last thing worth telling in the footer (an export's file name).
    pub notice: Option<String>,
    pub search: Option<Search>,
    /// Key bindings from the config file, before the built-in ones.
    pub custom_keys: Vec<(KeyCode, Action)>,
    /// The recent log lines that `/` searches.
    pub history: LogHistory,
    pub log_level: LogLevel,
    /// Where the clients table and the log were last drawn, for mouse clicks.
    pub clients_area: Rect,
    pub log_area: Rect,
    /// Where `e` exports to (`--export-on-exit`); `None`: a new file in the current directory.
    pub export_path: Option<std::path::PathBuf>,
    pub quit: bool,
    /// Test hook (`JAMTUI_TEST_PANIC_AFTER`): the dashboard panics at this moment.
    pub panic_at: Option<Instant>,
}

impl App {
    pub fn new(listen_addr: SocketAddr, zone: Zone, theme: ThemeName, snapshot: Snapshot) -> App {
        App {
            listen_addr,
            clock_zone: zone,
            zone_name: zone.name(),
            rates: Rates::new(&snapshot),
            snapshot,
            selected: None,
            table: TableState::default(),
            clients_view: ClientsView::Connections,
            selected_machine: None,
            machines_table: TableState::default(),
            focus: Focus::Clients,
            theme,
            no_color: false,
            show_help: false,
            log_scrolled: false,
            log: TuiWidgetState::new(),
            pool_size: 4,
            conversation: None,
            conversations: Conversations::default(),
            demo_peers: HashSet::new(),
            frozen: false,
            privacy: false,
            read_only: false,
            ascii: false,
            notice: None,
            export_path: None,
            search: None,
            custom_keys: Vec::new(),
            history: LogHistory::default(),
            log_level: LogLevel::All,
            clients_area: Rect::default(),
            log_area: Rect::default(),
            quit: false,
            panic_at: None,
        }
    }

    /// Takes a new snapshot of the server. The selection stays on the same client; if that client
    /// left, it moves to the row that took its place.
    pub fn refresh(&mut self, snapshot: Snapshot) {
        if self.panic_at.is_some_and(|at| snapshot.at >= at) {
            panic!("test hook: JAMTUI_TEST_PANIC_AFTER");
        }
        if self.frozen {
            return;
        }
        let old_index = self.selected_index();
        self.rates.record(&snapshot);
        self.snapshot = snapshot;
        let still_there = self
            .selected
            .is_some_and(|id| self.snapshot.clients.iter().any(|c| c.id == id));
        if !still_there {
            let clients = &self.snapshot.clients;
            self.selected = match old_index {
                Some(index) if !clients.is_empty() => {
                    Some(clients[index.min(clients.len() - 1)].id)
                }
                _ => clients.first().map(|c| c.id),
            };
        }
        // Machines are listed only while their view is shown, and forgotten only when thousands
        // were seen; when the selected one is not in a list, the first is selected.
        if self.selected_machine_index().is_none() && !self.snapshot.machines.is_empty() {
            self.selected_machine = self.snapshot.machines.first().map(|m| m.ip);
        }
    }

    /// How client addresses are shown right now.
    pub fn masker(&self) -> Masker {
        Masker::new(self.privacy)
    }

    pub fn selected_index(&self) -> Option<usize> {
        let id = self.selected?;
        self.snapshot.clients.iter().position(|c| c.id == id)
    }

    pub fn selected_machine_index(&self) -> Option<usize> {
        let ip = self.selected_machine?;
        self.snapshot.machines.iter().position(|m| m.ip == ip)
    }

    /// Applies a key's action; returns what the server must do, if anything.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        if self.show_help && action != Action::Quit {
            // Any key closes the help; only `?` or Esc are advertised.
            self.show_help = false;
            return None;
        }
        // Esc quits only when there is nothing to close.
        let nothing_open = self.conversation.is_none() && self.search.is_none();
        let action = if action == Action::Back && nothing_open {
            Action::Quit
        } else {
            action
        };
        if self.read_only && !action.allowed_read_only() {
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
                (Focus::Clients, ClientsView::Connections) => self.move_selection(action),
                (Focus::Clients, ClientsView::Machines) => self.move_machine_selection(action),
                (Focus::Log, _) => self.scroll_log(action),
            },
            Action::Kick => {
                return match self.clients_view {
                    ClientsView::Connections => self.selected.map(Effect::Kick),
                    ClientsView::Machines => self.selected_machine.map(Effect::KickMachine),
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
                self.focus = Focus::Clients;
            }
            Action::CycleTheme => self.theme = self.theme.next(),
            Action::CycleMode => {
                return Some(Effect::SetMode(self.snapshot.mode.next(self.pool_size)));
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
            // A conversation is one connection's.
            Action::OpenConversation if self.clients_view == ClientsView::Machines => {}
            Action::OpenConversation => self.conversation = self.selected,
            Action::ToggleFreeze => self.frozen = !self.frozen,
            Action::TogglePrivacy => self.privacy = !self.privacy,
            Action::Export => return Some(Effect::Export),
            Action::StartSearch => {
                self.search = Some(Search {
                    typing: true,
                    ..Search::default()
                });
            }
            Action::NextMatch | Action::PreviousMatch => {
                if let Some(search) = self.search.as_mut().filter(|s| !s.matches.is_empty()) {
                    let last = search.matches.len() - 1;
                    search.current = match action {
                        Action::NextMatch => (search.current + 1).min(last),
                        _ => search.current.saturating_sub(1),
                    };
                }
            }
            Action::CycleLogLevel => {
                self.log_level = self.log_level.next();
                self.log = TuiWidgetState::new().set_default_display_level(self.log_level.filter());
                self.log_scrolled = false;
            }
            Action::ToggleHelp => self.show_help = true,
            Action::Back if self.conversation.is_some() => self.close_conversation(),
            Action::Back => self.search = None,
            Action::Quit => self.quit = true,
        }
        None
    }

    /// Whether keys go to the search prompt rather than to actions.
    pub fn typing(&self) -> bool {
        self.search.as_ref().is_some_and(|search| search.typing)
    }

    /// A key typed into the search prompt. Enter asks for the search.
    pub fn type_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let search = self.search.as_mut()?;
        match key.code {
            KeyCode::Enter if !search.query.is_empty() => {
                search.typing = false;
                return Some(Effect::Search(search.query.clone()));
            }
            KeyCode::Esc | KeyCode::Enter => self.search = None,
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

    /// The search's results arrive; the newest match is shown first.
    pub fn show_matches(&mut self, matches: Vec<LogLine>) {
        if let Some(search) = self.search.as_mut() {
            search.current = matches.len().saturating_sub(1);
            search.matches = matches;
        }
    }

    /// A mouse event: a click on a client row selects it; the wheel scrolls the pane under it.
    pub fn mouse(&mut self, event: MouseEvent) {
        let at = Position::new(event.column, event.row);
        let over_log = self.log_area.contains(at);
        match event.kind {
            MouseEventKind::Down(MouseButton::Left) if self.clients_area.contains(at) => {
                self.focus = Focus::Clients;
                // Below the top border and the header row.
                let first_row = self.clients_area.y + 2;
                if at.y >= first_row {
                    let row = usize::from(at.y - first_row);
                    match self.clients_view {
                        ClientsView::Connections => {
                            let index = row + self.table.offset();
                            if let Some(client) = self.snapshot.clients.get(index) {
                                self.selected = Some(client.id);
                            }
                        }
                        ClientsView::Machines => {
                            let index = row + self.machines_table.offset();
                            if let Some(machine) = self.snapshot.machines.get(index) {
                                self.selected_machine = Some(machine.ip);
                            }
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

    fn close_conversation(&mut self) {
        if let Some(id) = self.conversation.take()
            && !self.snapshot.clients.iter().any(|client| client.id == id)
        {
            self.conversations.forget(id);
        }
    }

    fn move_selection(&mut self, action: Action) {
        let current = self.selected_index().unwrap_or(0);
        if let Some(index) = moved(current, self.snapshot.clients.len(), action) {
            self.selected = Some(self.snapshot.clients[index].id);
        }
    }

    fn move_machine_selection(&mut self, action: Action) {
        let current = self.selected_machine_index().unwrap_or(0);
        if let Some(index) = moved(current, self.snapshot.machines.len(), action) {
            self.selected_machine = Some(self.snapshot.machines[index].ip);
        }
    }

    fn scroll_log(&mut self, action: Action) {
        // tui-logger scrolls by pages; End goes back to following the newest line.
        let event = match action {
            Action::Up | Action::PageUp | Action::Home => TuiWidgetEvent::PrevPageKey,
            Action::Down | Action::PageDown => TuiWidgetEvent::NextPageKey,
            _ => TuiWidgetEvent::EscapeKey,
        };
        self.log.transition(event);
        self.log_scrolled = event != TuiWidgetEvent::EscapeKey;
    }
}

/// Requests per second, one sample per whole second, and the peak.
#[derive(Debug, Clone)]
pub struct Rates {
    /// Oldest first; at most `RATE_HISTORY`.
    pub per_second: VecDeque<u64>,
    pub peak: u64,
    second_started: Instant,
    requests_at_second_start: u64,
}

impl Rates {
    fn new(snapshot: &Snapshot) -> Rates {
        Rates {
            per_second: VecDeque::with_capacity(RATE_HISTORY),
            peak: 0,
            second_started: snapshot.at,
            requests_at_second_start: snapshot.counters.requests,
        }
    }

    /// Requests/s over the last whole second.
    pub fn now(&self) -> u64 {
        self.per_second.back().copied().unwrap_or(0)
    }

    fn record(&mut self, snapshot: &Snapshot) {
        let elapsed = snapshot.at.saturating_duration_since(self.second_started);
        let seconds = elapsed.as_secs();
        if seconds == 0 {
            return;
        }
        let requests = snapshot
            .counters
            .requests
            .saturating_sub(self.requests_at_second_start);
        // A late tick covering several seconds spreads its requests over them evenly.
        let rate = requests / seconds;
        for _ in 0..seconds.min(RATE_HISTORY as u64) {
            if self.per_second.len() == RATE_HISTORY {
                self.per_second.pop_front();
            }
            self.per_second.push_back(rate);
        }
        self.peak = self.peak.max(rate);
        self.second_started += Duration::from_secs(seconds);
        self.requests_at_second_start = snapshot.counters.requests;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: ClientId, at: Instant) -> ClientInfo {
        ClientInfo {
            id,
            peer: SocketAddr::from(([127, 0, 0, 1], 40000 + id as u16)),
            connected_at: at,
            requests: 0,
            last_request_at: None,
            held_by_pause: false,
            queued: false,
            errors: 0,
            last_latency: None,
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
            "127.0.0.1:45000".parse().unwrap(),
            "UTC".parse().unwrap(),
            ThemeName::Dark,
            snapshot(start, 0, &[]),
        );
        app.refresh(snapshot(start, 0, ids));
        (app, start)
    }

    #[test]
    fn clients_appear_and_the_first_is_selected() {
        let (app, _) = with_clients(&[]);
        assert_eq!(app.selected, None);
        let (app, _) = with_clients(&[4, 7]);
        assert_eq!(app.selected, Some(4));
        assert_eq!(app.snapshot.counters.active, 2);
    }

    #[test]
    fn the_selection_follows_its_client_while_rows_come_and_go() {
        let (mut app, at) = with_clients(&[1, 2, 3]);
        app.update(Action::Down);
        assert_eq!(app.selected, Some(2));
        // Client 1 leaves and 4 arrives: 2 stays selected though its row moved up.
        app.refresh(snapshot(at, 0, &[2, 3, 4]));
        assert_eq!((app.selected, app.selected_index()), (Some(2), Some(0)));
        // Client 2 leaves: the row that took its place is selected.
        app.refresh(snapshot(at, 0, &[3, 4]));
        assert_eq!(app.selected, Some(3));
        // The last row leaves: the new last row is selected.
        app.update(Action::End);
        app.refresh(snapshot(at, 0, &[3]));
        assert_eq!(app.selected, Some(3));
        app.refresh(snapshot(at, 0, &[]));
        assert_eq!(app.selected, None);
    }

    #[test]
    fn selection_moves_within_bounds() {
        let ids: Vec<ClientId> = (1..=25).collect();
        let (mut app, _) = with_clients(&ids);
        app.update(Action::Up);
        assert_eq!(app.selected, Some(1));
        app.update(Action::PageDown);
        assert_eq!(app.selected, Some(11));
        app.update(Action::End);
        assert_eq!(app.selected, Some(25));
        app.update(Action::Down);
        assert_eq!(app.selected, Some(25));
        app.update(Action::PageUp);
        assert_eq!(app.selected, Some(15));
        app.update(Action::Home);
        assert_eq!(app.selected, Some(1));
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
        assert_eq!(app.selected_machine, Some(IpAddr::from([10, 0, 0, 1])));
        app.update(Action::ToggleFocus);
        app.update(Action::ToggleClientsView);
        assert_eq!(app.clients_view, ClientsView::Machines);
        assert_eq!(
            app.focus,
            Focus::Clients,
            "the table it switches shows is focused"
        );
        app.update(Action::End);
        assert_eq!(app.selected_machine_index(), Some(2));
        assert_eq!(app.selected, Some(1), "the connections' selection stays");
        assert_eq!(
            app.update(Action::Kick),
            Some(Effect::KickMachine(IpAddr::from([10, 0, 0, 3])))
        );
        app.update(Action::OpenConversation);
        assert_eq!(app.conversation, None, "conversations are per connection");
        app.update(Action::ToggleClientsView);
        assert_eq!(app.update(Action::Kick), Some(Effect::Kick(1)));
        // The connections view's snapshots list no machines; the machine selection waits.
        let mut without_machines = snapshot(at, 0, &[1, 2, 3]);
        without_machines.machines.clear();
        app.refresh(without_machines);
        assert_eq!(app.selected_machine, Some(IpAddr::from([10, 0, 0, 3])));
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
            app.selected,
            Some(1),
            "arrows scroll the log, not the table"
        );
        app.update(Action::PageUp);
        assert!(app.log_scrolled);
        app.update(Action::End);
        assert!(!app.log_scrolled);
        app.update(Action::ToggleFocus);
        assert_eq!(app.focus, Focus::Clients);
    }

    #[test]
    fn help_opens_and_any_key_closes_it_without_acting() {
        let (mut app, _) = with_clients(&[1]);
        app.update(Action::ToggleHelp);
        assert!(app.show_help);
        assert_eq!(app.update(Action::Kick), None);
        assert!(!app.show_help);
        app.update(Action::ToggleHelp);
        app.update(Action::Back);
        assert!(!app.show_help && !app.quit, "Esc closes the help first");
        app.update(Action::Back);
        assert!(app.quit);
    }

    #[test]
    fn mode_and_delay_keys_ask_the_server_for_the_next_step() {
        let (mut app, at) = with_clients(&[]);
        app.pool_size = 3;
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
        assert_eq!(app.conversation, Some(7));
        app.update(Action::Back);
        assert_eq!(app.conversation, None);
        assert!(!app.quit);
        app.update(Action::Back);
        assert!(app.quit);
    }

    #[test]
    fn read_only_refuses_what_reaches_beyond_the_screen() {
        let (mut app, _) = with_clients(&[1, 2]);
        app.read_only = true;
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
        assert_eq!(app.conversation, None, "Esc still closes a panel");
        app.update(Action::Down);
        assert_eq!(app.selected, Some(2));
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
        app.clients_area = Rect::new(0, 10, 80, 8);
        app.log_area = Rect::new(0, 18, 80, 6);
        let mouse = |kind, row| MouseEvent {
            kind,
            column: 5,
            row,
            modifiers: crossterm::event::KeyModifiers::NONE,
        };
        app.mouse(mouse(MouseEventKind::Down(MouseButton::Left), 13));
        assert_eq!(
            app.selected,
            Some(5),
            "row 13 is the second client (border, header)"
        );
        app.mouse(mouse(MouseEventKind::Down(MouseButton::Left), 11));
        assert_eq!(app.selected, Some(5), "the header row selects nothing");
        app.mouse(mouse(MouseEventKind::ScrollDown, 12));
        assert_eq!(app.selected, Some(6));
        app.mouse(mouse(MouseEventKind::ScrollUp, 20));
        assert_eq!(app.focus, Focus::Log);
        assert!(app.log_scrolled);
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
        assert_eq!(app.search.as_ref().unwrap().current, 2, "the newest first");
        app.update(Action::PreviousMatch);
        app.update(Action::PreviousMatch);
        app.update(Action::PreviousMatch);
        assert_eq!(app.search.as_ref().unwrap().current, 0);
        app.update(Action::NextMatch);
        assert_eq!(app.search.as_ref().unwrap().current, 1);
        app.update(Action::Back);
        assert!(
            app.search.is_none() && !app.quit,
            "Esc closes the search first"
        );
    }

    #[test]
    fn the_level_filter_cycles() {
        let (mut app, _) = with_clients(&[]);
        let seen: Vec<&str> = (0..3)
            .map(|_| {
                app.update(Action::CycleLogLevel);
                app.log_level.label()
            })
            .collect();
        assert_eq!(seen, ["WARN+", "INFO+", "all"]);
    }

    #[test]
    fn themes_cycle() {
        let (mut app, _) = with_clients(&[]);
        let seen: Vec<ThemeName> = (0..3)
            .map(|_| {
                app.update(Action::CycleTheme);
                app.theme
            })
            .collect();
        assert_eq!(
            seen,
            [ThemeName::Light, ThemeName::HighContrast, ThemeName::Dark]
        );
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
