//! The server's control surface: counters, the client list, events, and the commands
//! kick, pause, resume and shutdown. Cheap to clone; the dashboard and tests hold one.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use super::counters::CounterSnapshot;
use super::event::ClientId;
use super::listing::ClientInfo;
use super::machines::MachineInfo;
use super::mode::Mode;
use super::shared::Shared;
use super::subscription::Subscription;
use crate::time::Zone;

#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
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
        self.shared.publisher.subscribe()
    }

    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// The connected clients, in the order they connected.
    pub fn clients(&self) -> Vec<ClientInfo> {
        self.shared.registry.listing()
    }

    /// The connections closed within the last `Config::keep_closed`, oldest first: the
    /// assignment's client connects for a millisecond, and these keep it on screen a while.
    pub fn recently_closed(&self) -> Vec<ClientInfo> {
        self.shared.registry.recently_closed()
    }

    /// The machines (IP addresses) clients have connected from, first seen first; an IPv4 client
    /// reaching an IPv6 socket counts under its IPv4 address.
    pub fn machines(&self) -> Vec<MachineInfo> {
        self.shared.registry.machines_listing()
    }

    /// How many machines have a connection open, or opened or closed one within `within`: with
    /// the assignment's client, which connects for every request, the students active now.
    /// Cheap enough for every frame, unlike [`machines`](Self::machines).
    pub fn machines_seen_within(&self, within: Duration) -> usize {
        self.shared.registry.machines_seen_within(within)
    }

    /// Closes every connection from one machine; returns how many there were.
    pub fn kick_machine(&self, ip: IpAddr) -> usize {
        self.shared.registry.kick_machine(ip)
    }

    /// Closes a client's connection. False when no such client is connected.
    pub fn kick(&self, id: ClientId) -> bool {
        self.shared.registry.kick(id)
    }

    /// Publishes a client's every read and flush ([`Event::Read`](super::Event::Read), [`Event::Wrote`](super::Event::Wrote)) until
    /// `unwatch`. Unwatched clients cost one flag check per read. False when no such client
    /// is connected.
    pub fn watch(&self, id: ClientId) -> bool {
        self.set_watched(id, true)
    }

    pub fn unwatch(&self, id: ClientId) -> bool {
        self.set_watched(id, false)
    }

    fn set_watched(&self, id: ClientId, watched: bool) -> bool {
        self.shared.registry.set_watched(id, watched)
    }

    /// Stops accepting connections and answering requests; both wait, nothing is lost.
    pub fn pause(&self) {
        self.shared.switches.set_paused(true);
    }

    /// Accepts the waiting connections and answers every waiting request, in order.
    pub fn resume(&self) {
        self.shared.switches.set_paused(false);
    }

    pub fn is_paused(&self) -> bool {
        self.shared.switches.is_paused()
    }

    /// How many clients are served at once.
    pub fn mode(&self) -> Mode {
        self.shared.switches.mode()
    }

    /// Changes the serving mode. Clients being served finish normally; a wider mode serves the
    /// queued clients at once.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.switches.set_mode(mode);
    }

    /// Bytes read ahead from the clients waiting for their turn, not yet answered (at most
    /// about `QUEUED_READ_TOTAL`).
    pub fn queued_read_ahead(&self) -> usize {
        self.shared.queued_read_ahead.load(Relaxed)
    }

    /// How many clients pool mode serves at once, when switched to it live.
    pub fn pool_size(&self) -> usize {
        self.shared.pool_size
    }

    /// The pause before each reply.
    pub fn delay(&self) -> Duration {
        self.shared.switches.delay()
    }

    pub fn set_delay(&self, delay: Duration) {
        self.shared.switches.set_delay(delay);
    }

    /// Stops accepting, answers the requests already read, and closes every connection.
    /// `Server::run` returns when that is done.
    pub fn shutdown(&self) {
        self.shared.shut_down();
    }
}
