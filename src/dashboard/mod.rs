//! The live dashboard in the terminal: state (`app`), keys (`bindings`) and view (`view`) apart,
//! joined by the loop here, which takes terminal events, drains the server's events once per
//! frame and redraws.
//!
//! The server runs on its own tasks and never waits for the screen: the dashboard reads
//! snapshots through the server's handle on a timer, and the log reaches it through tracing.

mod app;
pub(crate) mod bindings;
mod export;
mod glyphs;
mod theme;
mod view;
mod words;

use crate::lang::said;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event as TerminalEvent, EventStream, KeyEvent,
    KeyEventKind,
};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::broadcast::{self, error::TryRecvError};

use crate::dashboard::app::{ACTIVE_MACHINES_WITHIN, Effect, Stamps};
use crate::log::LogHistory;
use crate::protocol::time_reply;
use crate::server::{ClientId, ClientInfo, Event, ServerHandle};
use crate::text::Privacy;
use crate::time::{Zone, unix_now};
pub use app::{App, ClientsView, Names, Options, ServerInfo, Snapshot};
pub use bindings::Action;
pub use theme::ThemeName;
pub use view::draw;

/// Most server events the dashboard takes in per frame.
const EVENTS_PER_FRAME: usize = 5000;

/// How often the screen is refreshed from the server (10 frames/s), besides at once after a key.
const FRAME_INTERVAL: Duration = Duration::from_millis(100);

/// What the dashboard watches besides the server: the log's searchable history, the privacy
/// switch it shares with the log, and which connections are the built-in demo clients.
pub struct Feeds<'a> {
    pub history: LogHistory,
    pub privacy: Privacy,
    pub demo_peers: &'a dyn Fn() -> HashSet<SocketAddr>,
}

/// Shows the dashboard in this terminal (the caller checks there is one) until the user quits or `stop` resolves, then gives the
/// terminal back (whatever happened) and writes `--export-on-exit`.
pub async fn show(
    handle: &ServerHandle,
    options: &Options,
    feeds: &Feeds<'_>,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let mut app = App::new(
        ServerInfo::of(handle),
        options.clone(),
        snapshot(handle, ClientsView::Connections),
    );
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    app.privacy = feeds.privacy.masker().hides();
    app.log.history = feeds.history.clone();
    // The view chosen at the start may be the machines'.
    refresh(&mut app, handle, feeds);

    // ratatui's init installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::try_init()?;
    let shown = async {
        if options.mouse {
            capture_mouse()?;
        }
        let looping = run_loop(
            &mut terminal,
            EventStream::new(),
            handle,
            feeds,
            stop,
            &mut app,
        );
        match test_panic_after() {
            Some(after) => tokio::select! {
                shown = looping => shown,
                () = tokio::time::sleep(after) => panic!("test hook: JAMTUI_TEST_PANIC_AFTER"),
            },
            None => looping.await,
        }
    }
    .await;
    // Whatever happened, the terminal is given back, and the table exported (a terminal that
    // hung up fails the last draw, and the export is wanted all the more).
    if options.mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    // Not `restore`, which prints its failure to stderr: after a hang-up, stderr is gone too.
    let _ = ratatui::try_restore();
    if let Some(path) = &options.export_on_exit {
        export_table(handle, &app, path)
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    }
    shown
}

/// Test hook: `JAMTUI_TEST_PANIC_AFTER=700ms` makes the dashboard panic after that long, so a
/// test can see the terminal restored. An environment variable rather than a flag, so that no
/// help text or shell completion offers it.
fn test_panic_after() -> Option<Duration> {
    let after = std::env::var("JAMTUI_TEST_PANIC_AFTER").ok()?;
    humantime::parse_duration(&after).ok()
}

/// Draws and reacts until the user quits or a signal arrives. Generic over the backend and the
/// source of terminal events, so tests can script keys against a `TestBackend`.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    mut input: S,
    handle: &ServerHandle,
    feeds: &Feeds<'_>,
    stop: impl Future<Output = ()>,
    app: &mut App,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = std::io::Result<TerminalEvent>> + Unpin,
{
    let mut frames = tokio::time::interval(FRAME_INTERVAL);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut events = handle.subscribe();
    let mut stop = std::pin::pin!(stop);
    let mut watched = None;
    while !app.quit {
        watch_shown(app, handle, &mut watched);
        record_events(&mut events, app);
        if !app.frozen {
            view::draw(terminal, app)?;
        }
        tokio::select! {
            _ = frames.tick() => refresh(app, handle, feeds),
            event = input.next() => match event {
                Some(Ok(TerminalEvent::Key(key))) if key.kind == KeyEventKind::Press => {
                    on_key(app, handle, key);
                    feeds.privacy.set(app.privacy);
                    refresh(app, handle, feeds);
                    // A frozen view is still redrawn after a key, to show the key's effect.
                    view::draw(terminal, app)?;
                }
                Some(Ok(TerminalEvent::Mouse(mouse))) => {
                    app.mouse(mouse);
                    view::draw(terminal, app)?;
                }
                Some(Ok(TerminalEvent::Resize(..))) => {
                    view::draw(terminal, app)?;
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
                None => app.quit = true,
            },
            () = &mut stop => app.quit = true,
        }
    }
    Ok(())
}

/// A key press changes the app (`App::press`); then whatever the key asks of the server, the
/// log or the files is done, each in one place.
fn on_key(app: &mut App, handle: &ServerHandle, key: KeyEvent) {
    let Some(effect) = app.press(key) else {
        return;
    };
    match effect {
        Effect::Export => app.notice = Some(export_now(handle, app)),
        Effect::Search(query) => {
            let naming = app.naming();
            let matches = app
                .log
                .history
                .search(&query, |message| naming.render(message).into_owned());
            app.show_matches(matches);
        }
        Effect::Kick(id) => {
            handle.kick(id);
        }
        Effect::KickMachine(ip) => {
            handle.kick_machine(ip);
        }
        Effect::Pause => handle.pause(),
        Effect::Resume => handle.resume(),
        Effect::SetMode(mode) => handle.set_mode(mode),
        Effect::SetDelay(delay) => handle.set_delay(delay),
    }
}

/// Takes the mouse, and gives it back before any panic message (ratatui's own panic hook, which
/// runs next, restores the rest of the terminal).
fn capture_mouse() -> std::io::Result<()> {
    crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    let restore_the_rest = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        restore_the_rest(info);
    }));
    Ok(())
}

fn refresh(app: &mut App, handle: &ServerHandle, feeds: &Feeds<'_>) {
    app.refresh(snapshot(handle, app.clients_view));
    app.demo_peers = (feeds.demo_peers)();
}

/// Feeds the conversations with the server's events since the last frame. At most
/// `EVENTS_PER_FRAME` a frame: beyond that the dashboard falls behind, and says so, rather than
/// spend the CPU the server needs.
fn record_events(events: &mut broadcast::Receiver<Event>, app: &mut App) {
    let zone = app.server.zone;
    let now = wall_clock(zone, std::time::SystemTime::now());
    for _ in 0..EVENTS_PER_FRAME {
        match events.try_recv() {
            Ok(event) => {
                // Read, written or answered before the frame: their own time, to the millisecond.
                let (at, request_at) = match &event {
                    Event::Read { at, .. } | Event::Wrote { at, .. } => {
                        (wall_clock(zone, *at), None)
                    }
                    Event::Served { at, latency, .. } => (
                        wall_clock(zone, *at),
                        at.checked_sub(*latency)
                            .map(|arrived| wall_clock(zone, arrived)),
                    ),
                    _ => (now.clone(), None),
                };
                let request_at = request_at.as_deref().unwrap_or(&at);
                app.conversations.record(
                    &event,
                    Stamps {
                        at: &at,
                        request_at,
                    },
                );
            }
            Err(TryRecvError::Lagged(missed)) => app.conversations.skipped += missed,
            Err(_) => break,
        }
    }
}

/// `hh:mm:ss.mmm` in the server's zone.
fn wall_clock(zone: Zone, at: std::time::SystemTime) -> String {
    let since_epoch = at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    format!(
        "{}.{:03}",
        zone.hms(since_epoch.as_secs() as i64),
        since_epoch.subsec_millis()
    )
}

/// The server publishes the bytes of the client whose conversation is open, and only of it.
fn watch_shown(app: &App, handle: &ServerHandle, watched: &mut Option<ClientId>) {
    let shown = app.conversations.shown;
    if shown != *watched {
        if let Some(old) = watched.take() {
            handle.unwatch(old);
        }
        if let Some(new) = shown {
            handle.watch(new);
        }
        *watched = shown;
    }
}

/// Writes the table on screen (clients or machines) now, to the `--export-on-exit` file if
/// there is one; returns what to tell the user.
fn export_now(handle: &ServerHandle, app: &App) -> String {
    let table = match app.clients_view {
        ClientsView::Connections => "clients",
        ClientsView::Machines => "machines",
    };
    let path = app
        .options
        .export_on_exit
        .clone()
        .unwrap_or_else(|| export::default_path(table));
    let lang = app.options.lang;
    match export_table(handle, app, &path) {
        Ok(()) => {
            let table = said!(lang, format!("ui.table.{table}"));
            said!(
                lang,
                "ui.notice.exported",
                table = table,
                path = path.display()
            )
        }
        Err(error) => said!(lang, "ui.notice.export_failed", error = error),
    }
}

fn export_table(handle: &ServerHandle, app: &App, path: &Path) -> std::io::Result<()> {
    match app.clients_view {
        ClientsView::Connections => export::write_csv(path, &listed_clients(handle), &app.naming()),
        ClientsView::Machines => {
            let mut machines = handle.machines();
            let naming = app.naming();
            naming
                .names
                .add_unseen(&mut machines, std::time::Instant::now());
            export::write_machines_csv(path, &machines, &naming)
        }
    }
}

/// The clients as the table lists them: the open connections and those closed a moment ago, in
/// connection order.
fn listed_clients(handle: &ServerHandle) -> Vec<ClientInfo> {
    let mut clients = handle.clients();
    clients.extend(handle.recently_closed());
    clients.sort_by_key(|client| client.id);
    clients
}

/// The server as the dashboard shows it, now. The machines are listed only for their view: with
/// thousands of clients, adding them up holds the client list's lock for a while.
pub fn snapshot(handle: &ServerHandle, view: ClientsView) -> Snapshot {
    let (hour, minute, second) = handle.zone().time_of_day(unix_now());
    let reply = time_reply(hour, minute, second);
    Snapshot {
        at: std::time::Instant::now(),
        counters: handle.counters(),
        clients: listed_clients(handle),
        machines: match view {
            ClientsView::Machines => handle.machines(),
            ClientsView::Connections => Vec::new(),
        },
        active_machines: handle.machines_seen_within(ACTIVE_MACHINES_WITHIN),
        paused: handle.is_paused(),
        uptime: handle.uptime(),
        clock: String::from_utf8_lossy(reply.trim_ascii_end()).into_owned(),
        mode: handle.mode(),
        delay: handle.delay(),
    }
}
