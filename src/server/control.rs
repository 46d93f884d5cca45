//! The server's control surface: counters, the client list, events, and the commands
//! kick, pause, resume and shutdown. Cheap to clone; the dashboard and tests hold one.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use super::subscription::Subscription;

use super::event::{ClientId, Event};
use super::listing::ClientInfo;
use super::machines::{MachineInfo, OpenConnection};
use super::mode::Mode;
use super::shared::{Ending, Shared};
use crate::time::Zone;

#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Clients connected now.
    pub active: u64,
    /// Connections accepted as clients since start.
    pub connections: u64,
    /// TIME requests answered since start (QUIT, empty and bad lines are not counted here; bad
    /// ones are in `errors`).
    pub requests: u64,
    /// Error replies sent (unknown request, not UTF-8, line too long, idle timeout).
    pub errors: u64,
    /// Connections turned away at accept because `--max-clients` were connected.
    pub busy: u64,
    /// Connections turned away at accept because their address is outside `--allow`.
    pub not_allowed: u64,
}

impl ServerHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> ServerHandle {
        ServerHandle { shared }
    }

    /// The address the server really listens on (with the port chosen when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// Where clients reach the server: its address, or for one bound to every address, the
    /// machine's own addresses (empty when none was found).
    pub fn reachable(&self) -> &[SocketAddr] {
        &self.shared.reachable
    }

    pub fn zone(&self) -> Zone {
        self.shared.zone
    }

    pub fn uptime(&self) -> Duration {
        self.shared.started.elapsed()
    }

    /// Events from now on. A receiver that falls more than a few thousand events behind is told
    /// how many it missed (`RecvError::Lagged`); the server never waits for it.
    pub fn subscribe(&self) -> Subscription {
        Subscription::new(&self.shared.events, &self.shared.listeners)
    }

    pub fn counters(&self) -> CounterSnapshot {
        let counters = &self.shared.counters;
        CounterSnapshot {
            active: counters.active.load(Relaxed),
            connections: counters.connections.load(Relaxed),
            requests: counters.requests.load(Relaxed),
            errors: counters.errors.load(Relaxed),
            busy: counters.busy.load(Relaxed),
            not_allowed: counters.not_allowed.load(Relaxed),
        }
    }

    /// The connected clients, in the order they connected.
    pub fn clients(&self) -> Vec<ClientInfo> {
        let mut clients: Vec<ClientInfo> = self
            .shared
            .clients()
            .iter()
            .map(|(&id, entry)| entry.info(id, None))
            .collect();
        clients.sort_by_key(|client| client.id);
        clients
    }

    /// The connections closed within the last `Config::keep_closed`, oldest first: the
    /// assignment's client connects for a millisecond, and these keep it on screen a while.
    pub fn recently_closed(&self) -> Vec<ClientInfo> {
        self.shared.recently_closed()
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
        from_it
            .map(|entry| entry.stats.ask_to_end(Ending::Kick))
            .count()
    }

    /// Closes a client's connection. False when no such client is connected.
    pub fn kick(&self, id: ClientId) -> bool {
        match self.shared.clients().get(&id) {
            Some(entry) => {
                entry.stats.ask_to_end(Ending::Kick);
                true
            }
            None => false,
        }
    }

    /// Publishes a client's every read and flush ([`Event::Read`], [`Event::Wrote`]) until
    /// `unwatch`. Unwatched clients cost one flag check per read. False when no such client
    /// is connected.
    pub fn watch(&self, id: ClientId) -> bool {
        self.set_watched(id, true)
    }

    pub fn unwatch(&self, id: ClientId) -> bool {
        self.set_watched(id, false)
    }

    fn set_watched(&self, id: ClientId, watched: bool) -> bool {
        let clients = self.shared.clients();
        let entry = clients.get(&id);
        entry.inspect(|entry| entry.stats.watched.store(watched, Relaxed));
        entry.is_some()
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

    /// Bytes read ahead from the clients waiting for their turn, not yet answered (at most
    /// about `QUEUED_READ_TOTAL`).
    pub fn queued_read_ahead(&self) -> usize {
        self.shared.queued_read_ahead.load(Relaxed)
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
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        if self.shared.delay_micros.swap(micros, Relaxed) != micros {
            self.shared.publish(Event::DelayChanged { delay });
        }
    }

    /// Stops accepting, answers the requests already read, and closes every connection.
    /// `Server::run` returns when that is done.
    pub fn shutdown(&self) {
        self.shared.shut_down();
    }
}
