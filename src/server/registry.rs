//! The clients of a server: the open connections, those closed a moment ago, and the machines
//! behind them. A client is registered when accepted and leaves the list when its
//! `Registration` is dropped, however its task ends.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::client_state::{ClientState, ClientStats, EndSignal, Ending};
use super::counters::Counters;
use super::event::{ClientId, Event, GoneReason};
use super::listing::{ClientInfo, Closed};
use super::machines::{MachineInfo, Machines, OpenConnection};
use super::publisher::Publisher;

/// Closed connections kept for the listing at most (a flood of them must not grow memory).
const CLOSED_KEPT: usize = 1000;

pub(crate) struct Registry {
    clients: Mutex<HashMap<ClientId, ClientEntry>>,
    /// Connections closed within `keep_closed`, oldest first.
    recently_closed: Mutex<VecDeque<ClientInfo>>,
    keep_closed: Duration,
    /// Taken only while `clients` is held, so the two always agree.
    machines: Mutex<Machines>,
    next_id: AtomicU64,
    counters: Arc<Counters>,
    publisher: Arc<Publisher>,
    /// The server's shutdown: a client registered after it asks itself to end.
    shutdown: CancellationToken,
}

struct ClientEntry {
    peer: SocketAddr,
    connected_at: Instant,
    state: Arc<ClientState>,
}

impl ClientEntry {
    /// The client as a watcher lists it.
    fn info(&self, id: ClientId, closed: Option<Closed>) -> ClientInfo {
        let stats = &self.state.stats;
        ClientInfo {
            id,
            peer: self.peer,
            connected_at: self.connected_at,
            requests: stats.requests.load(Relaxed),
            last_request_at: stats.last_request_at(self.connected_at),
            held_by_pause: stats.held_by_pause.load(Relaxed),
            queued: stats.queued.load(Relaxed),
            errors: stats.errors.load(Relaxed),
            last_latency: stats.last_latency(),
            closed,
            unterminated: stats.unterminated(),
        }
    }

    fn machine(&self) -> IpAddr {
        self.peer.ip().to_canonical()
    }
}

/// A registered client. Dropping it removes the client from the list and the active count and
/// publishes `Gone`, so this happens however the connection's task ends, a panic included.
pub(crate) struct Registration {
    registry: Arc<Registry>,
    pub(crate) id: ClientId,
    pub(crate) peer: SocketAddr,
    pub(crate) connected_at: Instant,
    state: Arc<ClientState>,
    /// Why the connection ended; unset means its task failed.
    pub(crate) gone: Option<GoneReason>,
    /// `Connected` was published, so `Gone` will be.
    announced: bool,
}

impl Registration {
    pub(crate) fn stats(&self) -> &ClientStats {
        &self.state.stats
    }

    pub(crate) fn end(&self) -> &EndSignal {
        &self.state.end
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let reason = self
            .gone
            .take()
            .unwrap_or_else(|| GoneReason::Error("the connection's task failed".into()));
        let registry = &self.registry;
        {
            // Both under the client list's lock, so the machines never count a client twice or
            // not at all.
            let mut clients = registry.clients();
            if let Some(entry) = clients.remove(&self.id)
                && !registry.keep_closed.is_zero()
            {
                let closed = Closed {
                    at: Instant::now(),
                    reason: reason.clone(),
                };
                registry.remember_closed(entry.info(self.id, Some(closed)));
            }
            let stats = self.stats();
            registry.machines().gone(
                self.peer.ip().to_canonical(),
                stats.requests.load(Relaxed),
                stats.errors.load(Relaxed),
                &reason,
            );
        }
        registry.counters.active.fetch_sub(1, Relaxed);
        if self.announced {
            registry.publisher.publish(Event::Gone {
                id: self.id,
                peer: self.peer,
                reason,
            });
        }
    }
}

impl Registry {
    pub(crate) fn new(
        keep_closed: Duration,
        counters: Arc<Counters>,
        publisher: Arc<Publisher>,
        shutdown: CancellationToken,
    ) -> Registry {
        Registry {
            clients: Mutex::default(),
            recently_closed: Mutex::default(),
            keep_closed,
            machines: Mutex::default(),
            next_id: AtomicU64::new(1),
            counters,
            publisher,
            shutdown,
        }
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

    fn closed(&self) -> MutexGuard<'_, VecDeque<ClientInfo>> {
        // A panic cannot leave the list half-changed.
        self.recently_closed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn register(self: &Arc<Registry>, peer: SocketAddr) -> Registration {
        let id = self.next_id.fetch_add(1, Relaxed);
        let registration = Registration {
            registry: Arc::clone(self),
            id,
            peer,
            connected_at: Instant::now(),
            state: Arc::default(),
            gone: None,
            announced: self.publisher.announces_connection(),
        };
        let mut clients = self.clients();
        let entry = ClientEntry {
            peer,
            connected_at: registration.connected_at,
            state: Arc::clone(&registration.state),
        };
        self.machines()
            .connected(entry.machine(), registration.connected_at);
        clients.insert(id, entry);
        // Registered after `end_all` went through the list: it asks itself.
        if self.shutdown.is_cancelled() {
            registration.end().ask(Ending::Shutdown);
        }
        drop(clients);
        self.counters.active.fetch_add(1, Relaxed);
        self.counters.connections.fetch_add(1, Relaxed);
        if registration.announced {
            self.publisher.publish(Event::Connected { id, peer });
        }
        registration
    }

    /// The connected clients, in the order they connected.
    pub(crate) fn listing(&self) -> Vec<ClientInfo> {
        let mut clients: Vec<ClientInfo> = self
            .clients()
            .iter()
            .map(|(&id, entry)| entry.info(id, None))
            .collect();
        clients.sort_by_key(|client| client.id);
        clients
    }

    /// Keeps a closed connection for `keep_closed`, and at most `CLOSED_KEPT` of them.
    fn remember_closed(&self, client: ClientInfo) {
        let mut closed = self.closed();
        if closed.len() == CLOSED_KEPT {
            closed.pop_front();
        }
        closed.push_back(client);
    }

    pub(crate) fn recently_closed(&self) -> Vec<ClientInfo> {
        let mut closed = self.closed();
        let now = Instant::now();
        while closed.front().is_some_and(|client| {
            client
                .closed
                .as_ref()
                .is_some_and(|c| now.saturating_duration_since(c.at) > self.keep_closed)
        }) {
            closed.pop_front();
        }
        closed.iter().cloned().collect()
    }

    pub(crate) fn machines_listing(&self) -> Vec<MachineInfo> {
        let clients = self.clients();
        let open = clients.values().map(|entry| OpenConnection {
            ip: entry.machine(),
            requests: entry.state.stats.requests.load(Relaxed),
            errors: entry.state.stats.errors.load(Relaxed),
            last_request_at: entry.state.stats.last_request_at(entry.connected_at),
        });
        self.machines().list(open)
    }

    /// How many machines have a connection open, or opened or closed one within `within`: with
    /// the assignment's client, which connects for every request, the students active now.
    pub(crate) fn machines_seen_within(&self, within: Duration) -> usize {
        // Taken alone: counting does not need the client list's lock.
        self.machines().seen_within(Instant::now(), within)
    }

    /// Asks a client's connection to end. False when no such client is connected.
    pub(crate) fn kick(&self, id: ClientId) -> bool {
        let clients = self.clients();
        let entry = clients.get(&id);
        entry.inspect(|entry| entry.state.end.ask(Ending::Kick));
        entry.is_some()
    }

    /// Asks every connection from one machine to end; returns how many there were.
    pub(crate) fn kick_machine(&self, ip: IpAddr) -> usize {
        let clients = self.clients();
        let from_it = clients.values().filter(|entry| entry.machine() == ip);
        from_it
            .map(|entry| entry.state.end.ask(Ending::Kick))
            .count()
    }

    /// Whether a client's every read and flush is published. False when no such client is
    /// connected.
    pub(crate) fn set_watched(&self, id: ClientId, watched: bool) -> bool {
        let clients = self.clients();
        let entry = clients.get(&id);
        entry.inspect(|entry| entry.state.stats.watched.store(watched, Relaxed));
        entry.is_some()
    }

    /// Wakes the connections silent for longer than `timeout`, so each checks itself (and closes
    /// unless it waits where silence does not count).
    pub(crate) fn wake_the_silent(&self, timeout: Duration) {
        let now = Instant::now();
        for entry in self.clients().values() {
            let stats = &entry.state.stats;
            if !stats.waiting_on_the_server() && stats.silent_past(timeout, entry.connected_at, now)
            {
                entry.state.end.wake();
            }
        }
    }

    /// Asks every connection to end for the shutdown, which must be cancelled first: under the
    /// list's lock, as `register` checks it, so no connection is missed.
    pub(crate) fn end_all(&self) {
        debug_assert!(self.shutdown.is_cancelled());
        for entry in self.clients().values() {
            entry.state.end.ask(Ending::Shutdown);
        }
    }
}
