//! The server's control surface: counters, the client list, events, and the commands
//! kick, pause, resume and shutdown. Cheap to clone; the dashboard and tests hold one.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

use crate::clock::{Zone, unix_now};
use crate::event::{ClientId, Event, GoneReason};
use crate::gate::{Gate, Mode};
use crate::machines::{MachineInfo, Machines, OpenConnection};
use crate::server::Config;

/// How many events a slow watcher may fall behind before it misses some.
const EVENT_CAPACITY: usize = 4096;

/// Request events published per second at most. Past this (tens of thousands of requests a
/// second) a log line per request helps nobody, and publishing them would cost the server most
/// of its speed; the counters stay exact.
pub const REQUEST_EVENTS_PER_SECOND: u64 = 5000;

/// What a batch of requests does about request events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestEvents {
    Publish,
    /// Someone listens, but this second's budget is spent: count them as skipped.
    OverBudget,
    /// Nobody listens (or `--quiet`): nothing to publish or count.
    Unwatched,
}

/// This second's request events: the second, how many were published and skipped.
#[derive(Debug, Default)]
pub(crate) struct EventBudget {
    second: AtomicU64,
    published: AtomicU64,
    skipped: AtomicU64,
}

#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) local_addr: SocketAddr,
    pub(crate) zone: Zone,
    pub(crate) started: Instant,
    pub(crate) counters: Counters,
    /// Read on the hot path; `paused_changes` wakes those who wait for a change.
    pub(crate) paused: AtomicBool,
    pub(crate) paused_changes: watch::Sender<bool>,
    pub(crate) shutdown: CancellationToken,
    pub(crate) events: broadcast::Sender<Event>,
    pub(crate) request_events: bool,
    event_budget: EventBudget,
    pub(crate) gate: Arc<Gate>,
    pool_size: usize,
    delay_micros: AtomicU64,
    clients: Mutex<HashMap<ClientId, ClientEntry>>,
    /// Taken only while `clients` is held, so the two always agree.
    machines: Mutex<Machines>,
    next_id: AtomicU64,
}

/// Exact totals, updated by the connections themselves.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) active: AtomicU64,
    pub(crate) connections: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) refused: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Clients connected now.
    pub active: u64,
    /// Connections accepted as clients since start.
    pub connections: u64,
    /// Requests answered since start (TIME, QUIT and bad requests; empty lines do not count).
    pub requests: u64,
    /// Error replies sent (unknown request, not UTF-8, line too long, idle timeout).
    pub errors: u64,
    /// Connections refused at accept (server busy).
    pub refused: u64,
}

/// One client as the dashboard lists it.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub id: ClientId,
    pub peer: SocketAddr,
    pub connected_at: Instant,
    pub requests: u64,
    pub last_request_at: Option<Instant>,
    /// A request of this client is held back by the pause.
    pub waiting: bool,
    /// Waiting for its turn (sequential or pool mode).
    pub queued: bool,
    /// Error replies it got.
    pub errors: u64,
    /// From reading the last answered request to writing its reply.
    pub last_latency: Option<Duration>,
}

struct ClientEntry {
    peer: SocketAddr,
    connected_at: Instant,
    stats: Arc<ClientStats>,
    kick: CancellationToken,
}

impl ClientEntry {
    fn last_request_at(&self) -> Option<Instant> {
        match self.stats.last_request_ms.load(Relaxed) {
            0 => None,
            millis => Some(self.connected_at + Duration::from_millis(millis - 1)),
        }
    }
}

/// Per-client figures the connection task updates without taking the registry lock.
#[derive(Debug, Default)]
pub(crate) struct ClientStats {
    pub(crate) requests: AtomicU64,
    /// Milliseconds after `connected_at` of the last request, plus one (0: none yet).
    pub(crate) last_request_ms: AtomicU64,
    pub(crate) waiting: AtomicBool,
    pub(crate) queued: AtomicBool,
    pub(crate) errors: AtomicU64,
    /// Microseconds, plus one (0: none yet).
    pub(crate) last_latency_us: AtomicU64,
}

impl ClientStats {
    /// Counts `count` more requests, the last of which arrived at `last`.
    pub(crate) fn record_requests(&self, count: u64, connected_at: Instant, last: Instant) {
        self.requests.fetch_add(count, Relaxed);
        let millis = last.saturating_duration_since(connected_at).as_millis() as u64;
        self.last_request_ms.store(millis + 1, Relaxed);
    }
}

/// A registered client. Dropping it removes the client from the list and the active count and
/// publishes `Gone`, so this happens however the connection's task ends, a panic included.
pub(crate) struct Registration {
    shared: Arc<Shared>,
    pub(crate) id: ClientId,
    pub(crate) peer: SocketAddr,
    pub(crate) connected_at: Instant,
    pub(crate) stats: Arc<ClientStats>,
    pub(crate) kick: CancellationToken,
    /// Why the connection ended; unset means its task failed.
    pub(crate) gone: Option<GoneReason>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let reason = self
            .gone
            .take()
            .unwrap_or_else(|| GoneReason::Error("the connection's task failed".into()));
        {
            // Both under the client list's lock, so the machines never count a client twice or
            // not at all.
            let mut clients = self.shared.clients();
            clients.remove(&self.id);
            self.shared.machines().gone(
                self.peer.ip().to_canonical(),
                self.stats.requests.load(Relaxed),
                self.stats.errors.load(Relaxed),
                &reason,
            );
        }
        self.shared.counters.active.fetch_sub(1, Relaxed);
        self.shared.publish(Event::Gone {
            id: self.id,
            peer: self.peer,
            reason,
        });
    }
}

impl Shared {
    pub(crate) fn new(local_addr: SocketAddr, config: &Config) -> Arc<Shared> {
        let (paused_changes, _) = watch::channel(false);
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Arc::new(Shared {
            local_addr,
            zone: config.zone,
            started: Instant::now(),
            counters: Counters::default(),
            paused: AtomicBool::new(false),
            paused_changes,
            shutdown: CancellationToken::new(),
            events,
            request_events: config.request_events,
            event_budget: EventBudget::default(),
            gate: Arc::new(Gate::new(config.mode)),
            pool_size: config.pool_size,
            delay_micros: AtomicU64::new(config.delay.as_micros() as u64),
            clients: Mutex::new(HashMap::new()),
            machines: Mutex::default(),
            next_id: AtomicU64::new(1),
        })
    }

    fn clients(&self) -> MutexGuard<'_, HashMap<ClientId, ClientEntry>> {
        // A panic while holding this lock cannot leave the map half-changed, so carry on.
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn machines(&self) -> MutexGuard<'_, Machines> {
        // As for `clients`: no update leaves the tallies half-changed.
        self.machines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn publish(&self, event: Event) {
        // An error only means nobody is subscribed.
        let _ = self.events.send(event);
    }

    /// The pause before each reply.
    pub(crate) fn delay(&self) -> Duration {
        Duration::from_micros(self.delay_micros.load(Relaxed))
    }

    /// Whether the next batch of requests publishes its events: someone must be listening, and
    /// this second's budget must not be spent. Past the budget, requests are counted as skipped,
    /// and the next second begins by saying how many were.
    pub(crate) fn request_events_for_batch(&self) -> RequestEvents {
        if !self.request_events || self.events.receiver_count() == 0 {
            return RequestEvents::Unwatched;
        }
        let second = unix_now() as u64;
        let budget = &self.event_budget;
        // Read before writing: every connection asks once per batch, and a write would bounce
        // the line between cores.
        if budget.second.load(Relaxed) != second && budget.second.swap(second, Relaxed) != second {
            budget.published.store(0, Relaxed);
            let skipped = budget.skipped.swap(0, Relaxed);
            if skipped > 0 {
                self.publish(Event::RequestEventsSkipped {
                    skipped,
                    limit: REQUEST_EVENTS_PER_SECOND,
                });
            }
        }
        if budget.published.load(Relaxed) < REQUEST_EVENTS_PER_SECOND {
            RequestEvents::Publish
        } else {
            RequestEvents::OverBudget
        }
    }

    /// Accounts for a batch of `answered` requests under the decision made for it.
    pub(crate) fn count_request_events(&self, decision: RequestEvents, answered: u64) {
        let counter = match decision {
            RequestEvents::Publish => &self.event_budget.published,
            RequestEvents::OverBudget => &self.event_budget.skipped,
            RequestEvents::Unwatched => return,
        };
        if answered > 0 {
            counter.fetch_add(answered, Relaxed);
        }
    }

    pub(crate) fn register(self: &Arc<Shared>, peer: SocketAddr) -> Registration {
        let id = self.next_id.fetch_add(1, Relaxed);
        let registration = Registration {
            shared: Arc::clone(self),
            id,
            peer,
            connected_at: Instant::now(),
            stats: Arc::default(),
            kick: CancellationToken::new(),
            gone: None,
        };
        let mut clients = self.clients();
        clients.insert(
            id,
            ClientEntry {
                peer,
                connected_at: registration.connected_at,
                stats: Arc::clone(&registration.stats),
                kick: registration.kick.clone(),
            },
        );
        self.machines()
            .connected(peer.ip().to_canonical(), registration.connected_at);
        drop(clients);
        self.counters.active.fetch_add(1, Relaxed);
        self.counters.connections.fetch_add(1, Relaxed);
        self.publish(Event::Connected { id, peer });
        registration
    }

    fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Relaxed);
        let changed = self.paused_changes.send_if_modified(|current| {
            let changed = *current != paused;
            *current = paused;
            changed
        });
        if changed {
            self.publish(if paused {
                Event::Paused
            } else {
                Event::Resumed
            });
        }
    }
}

impl ServerHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> ServerHandle {
        ServerHandle { shared }
    }

    /// The address the server really listens on (with the port chosen when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    pub fn zone(&self) -> Zone {
        self.shared.zone
    }

    pub fn uptime(&self) -> Duration {
        self.shared.started.elapsed()
    }

    /// Events from now on. A receiver that falls more than a few thousand events behind is told
    /// how many it missed (`RecvError::Lagged`); the server never waits for it.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.shared.events.subscribe()
    }

    pub fn counters(&self) -> CounterSnapshot {
        let counters = &self.shared.counters;
        CounterSnapshot {
            active: counters.active.load(Relaxed),
            connections: counters.connections.load(Relaxed),
            requests: counters.requests.load(Relaxed),
            errors: counters.errors.load(Relaxed),
            refused: counters.refused.load(Relaxed),
        }
    }

    /// The connected clients, in the order they connected.
    pub fn clients(&self) -> Vec<ClientInfo> {
        let mut clients: Vec<ClientInfo> = self
            .shared
            .clients()
            .iter()
            .map(|(&id, entry)| ClientInfo {
                id,
                peer: entry.peer,
                connected_at: entry.connected_at,
                requests: entry.stats.requests.load(Relaxed),
                last_request_at: entry.last_request_at(),
                waiting: entry.stats.waiting.load(Relaxed),
                queued: entry.stats.queued.load(Relaxed),
                errors: entry.stats.errors.load(Relaxed),
                last_latency: match entry.stats.last_latency_us.load(Relaxed) {
                    0 => None,
                    micros => Some(Duration::from_micros(micros - 1)),
                },
            })
            .collect();
        clients.sort_by_key(|client| client.id);
        clients
    }

    /// The machines (IP addresses) clients have connected from, first seen first; an IPv4 client
    /// reaching an IPv6 socket counts under its IPv4 address.
    pub fn machines(&self) -> Vec<MachineInfo> {
        let clients = self.shared.clients();
        let open = clients.values().map(|entry| OpenConnection {
            ip: entry.peer.ip().to_canonical(),
            requests: entry.stats.requests.load(Relaxed),
            errors: entry.stats.errors.load(Relaxed),
            last_request_at: entry.last_request_at(),
        });
        self.shared.machines().list(open)
    }

    /// Closes every connection from one machine; returns how many there were.
    pub fn kick_machine(&self, ip: IpAddr) -> usize {
        let clients = self.shared.clients();
        let from_it = clients
            .values()
            .filter(|entry| entry.peer.ip().to_canonical() == ip);
        from_it.map(|entry| entry.kick.cancel()).count()
    }

    /// Closes a client's connection. False when no such client is connected.
    pub fn kick(&self, id: ClientId) -> bool {
        match self.shared.clients().get(&id) {
            Some(entry) => {
                entry.kick.cancel();
                true
            }
            None => false,
        }
    }

    /// Stops accepting connections and answering requests; both wait, nothing is lost.
    pub fn pause(&self) {
        self.shared.set_paused(true);
    }

    /// Accepts the waiting connections and answers every waiting request, in order.
    pub fn resume(&self) {
        self.shared.set_paused(false);
    }

    pub fn is_paused(&self) -> bool {
        self.shared.paused.load(Relaxed)
    }

    /// How many clients are served at once.
    pub fn mode(&self) -> Mode {
        self.shared.gate.mode()
    }

    /// Changes the serving mode. Clients being served finish normally; a wider mode serves the
    /// queued clients at once.
    pub fn set_mode(&self, mode: Mode) {
        if mode != self.mode() {
            self.shared.gate.set_mode(mode);
            self.shared.publish(Event::ModeChanged { mode });
        }
    }

    /// The pool size the mode key switches to.
    pub fn pool_size(&self) -> usize {
        self.shared.pool_size
    }

    /// The pause before each reply.
    pub fn delay(&self) -> Duration {
        self.shared.delay()
    }

    pub fn set_delay(&self, delay: Duration) {
        let micros = delay.as_micros() as u64;
        if self.shared.delay_micros.swap(micros, Relaxed) != micros {
            self.shared.publish(Event::DelayChanged { delay });
        }
    }

    /// Stops accepting, answers the requests already read, and closes every connection.
    /// `Server::run` returns when that is done.
    pub fn shutdown(&self) {
        self.shared.shutdown.cancel();
    }
}
