//! The state every connection of a server shares: counters, the client list and the machines
//! behind it, the pause, the event channel and its budget, the serving gate.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::futures::Notified;
use tokio::sync::{Notify, broadcast, watch};
use tokio_util::sync::CancellationToken;

use super::config::Config;
use super::event::{ClientId, Event, GoneReason, Refusal, Unpublished};
use super::gate::Gate;
use super::listing::{ClientInfo, Closed};
use super::machines::Machines;
use crate::time::{Zone, unix_now};

/// How many events a slow watcher may fall behind before it misses some: more than a second of
/// request events, so that a burst of them all at once is not lost.
const EVENT_CAPACITY: usize = 16_384;

/// Request events published per second at most. Past this (tens of thousands of requests a
/// second) a log line per request helps nobody, and publishing them would cost the server most
/// of its speed; the counters stay exact.
pub const REQUEST_EVENTS_PER_SECOND: u64 = 5000;

/// Request events published per second at most for one client: a class's clients ask about
/// once a second each, and one client flooding garbage must not take the whole budget (nor
/// write megabytes a second to the log file).
pub const CLIENT_REQUEST_EVENTS_PER_SECOND: u64 = 100;

/// Bytes read ahead from all the clients waiting for their turn (sequential and pool modes),
/// at most; past this, queued clients are not read from until their turn.
pub const QUEUED_READ_TOTAL: usize = 16 << 20;

/// Closed connections kept for the dashboard at most (a flood of them must not grow memory).
const CLOSED_KEPT: usize = 1000;

/// Refusals by `--allow` published per second at most (a scan of the lab makes thousands).
pub const REFUSAL_EVENTS_PER_SECOND: u64 = 100;

/// Connections whose `Connected` and `Gone` are published per second at most: a class of clients
/// asking once a second each is far below it; a flood of connections past it would spend a third
/// of the server's time on two log lines each.
pub const CONNECTION_EVENTS_PER_SECOND: u64 = 1000;

/// What a batch of requests does about request events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestEvents {
    Publish,
    /// Someone listens, but this second's budget is spent: count them as skipped.
    OverBudget,
    /// Nobody listens (or `--quiet`): nothing to publish or count.
    Unwatched,
}

/// A budget of events a second: how many were published and skipped in the current second.
/// Every event is counted where it is published, whatever made it.
#[derive(Debug)]
pub(crate) struct EventBudget {
    limit: u64,
    second: AtomicU64,
    published: AtomicU64,
    skipped: AtomicU64,
}

impl EventBudget {
    fn new(limit: u64) -> EventBudget {
        EventBudget {
            limit,
            second: AtomicU64::new(0),
            published: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }
    }

    /// Starts a new second if the clock has moved on; returns how many events the last one
    /// skipped, when it skipped any.
    fn roll(&self) -> Option<u64> {
        let second = unix_now() as u64;
        // Read before writing: every connection asks once per batch, and a write would bounce
        // the line between cores.
        if self.second.load(Relaxed) == second || self.second.swap(second, Relaxed) == second {
            return None;
        }
        self.published.store(0, Relaxed);
        Some(self.skipped.swap(0, Relaxed)).filter(|&skipped| skipped > 0)
    }

    /// How many events the current second skipped, when it skipped any, taking them: for the
    /// last second, which no next second will report.
    fn flush(&self) -> Option<u64> {
        Some(self.skipped.swap(0, Relaxed)).filter(|&skipped| skipped > 0)
    }

    fn spent(&self) -> bool {
        self.published.load(Relaxed) >= self.limit
    }

    /// Takes up to `wanted` events out of this second's budget; returns how many may be
    /// published, and counts the rest as skipped.
    fn admit(&self, wanted: u64) -> u64 {
        let before = self.published.fetch_add(wanted, Relaxed);
        let allowed = self.limit.saturating_sub(before).min(wanted);
        self.skip(wanted - allowed);
        allowed
    }

    fn skip(&self, count: u64) {
        if count > 0 {
            self.skipped.fetch_add(count, Relaxed);
        }
    }
}

pub(crate) struct Shared {
    pub(crate) local_addr: SocketAddr,
    /// Where clients reach the server.
    pub(crate) reachable: Vec<SocketAddr>,
    pub(crate) zone: Zone,
    pub(crate) started: Instant,
    pub(crate) counters: Counters,
    /// Read on the hot path; `paused_changes` wakes those who wait for a change.
    pub(crate) paused: AtomicBool,
    pub(crate) paused_changes: watch::Sender<bool>,
    pub(crate) shutdown: CancellationToken,
    pub(crate) events: broadcast::Sender<Event>,
    /// Subscriptions alive (`Subscription`).
    pub(crate) listeners: Arc<AtomicUsize>,
    pub(crate) request_events: bool,
    /// Closes connections silent for this long.
    pub(crate) idle_timeout: Option<Duration>,
    /// Test hook: a request line equal to this (terminator included) panics its connection.
    pub(crate) panic_on: Option<Box<[u8]>>,
    request_budget: EventBudget,
    refusal_budget: EventBudget,
    connection_budget: EventBudget,
    pub(crate) gate: Arc<Gate>,
    /// Bytes read from queued clients and not yet answered.
    pub(crate) queued_read_ahead: AtomicUsize,
    pub(super) pool_size: usize,
    pub(super) delay_micros: AtomicU64,
    clients: Mutex<HashMap<ClientId, ClientEntry>>,
    /// Connections closed within `keep_closed`, oldest first.
    recently_closed: Mutex<VecDeque<ClientInfo>>,
    keep_closed: Duration,
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
    pub(crate) busy: AtomicU64,
    pub(crate) not_allowed: AtomicU64,
}

pub(super) struct ClientEntry {
    pub(super) peer: SocketAddr,
    pub(super) connected_at: Instant,
    pub(super) stats: Arc<ClientStats>,
}

impl ClientEntry {
    /// The client as the dashboard lists it.
    pub(super) fn info(&self, id: ClientId, closed: Option<Closed>) -> ClientInfo {
        let stats = &self.stats;
        ClientInfo {
            id,
            peer: self.peer,
            connected_at: self.connected_at,
            requests: stats.requests.load(Relaxed),
            last_request_at: self.last_request_at(),
            held_by_pause: stats.held_by_pause.load(Relaxed),
            queued: stats.queued.load(Relaxed),
            errors: stats.errors.load(Relaxed),
            last_latency: match stats.last_latency_us.load(Relaxed) {
                0 => None,
                micros => Some(Duration::from_micros(micros - 1)),
            },
            closed,
        }
    }

    pub(super) fn last_request_at(&self) -> Option<Instant> {
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
    pub(crate) held_by_pause: AtomicBool,
    pub(crate) queued: AtomicBool,
    pub(crate) errors: AtomicU64,
    /// Microseconds, plus one (0: none yet).
    pub(crate) last_latency_us: AtomicU64,
    /// Someone watches its bytes: each read and each flush is published.
    pub(crate) watched: AtomicBool,
    /// Milliseconds after `connected_at` of the client's last activity (0: none since it
    /// connected): the idle sweeper measures its silence from here.
    active_ms: AtomicU64,
    /// Why the connection was asked to end (a kick or the shutdown), 0 until it is; `wake`
    /// then wakes it, as the idle sweeper does to have a silent client check itself. Here
    /// rather than a cancellation token and a timer per connection: a token's node, its boxed
    /// wait and a timer would cost every idle client about 330 bytes.
    ending: AtomicU8,
    wake: Notify,
}

/// Why a connection is asked to end from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Kick = 1,
    Shutdown = 2,
    /// Silent past the idle timeout. The sweeper does not store it: it wakes the connection,
    /// which finds its silence itself (`handler::asked_to_end`).
    Idle = 3,
}

impl ClientStats {
    /// Asks the connection to end; the first reason asked stands.
    pub(crate) fn ask_to_end(&self, why: Ending) {
        let _ = self.ending.compare_exchange(0, why as u8, AcqRel, Acquire);
        // A permit if the connection is not waiting right now: its next wait sees it at once.
        self.wake.notify_one();
    }

    pub(crate) fn ending(&self) -> Option<Ending> {
        match self.ending.load(Acquire) {
            1 => Some(Ending::Kick),
            2 => Some(Ending::Shutdown),
            3 => Some(Ending::Idle),
            _ => None,
        }
    }

    /// Resolves when the connection is woken: asked to end, or by the idle sweeper (made afresh
    /// for each wait).
    pub(crate) fn woken(&self) -> Notified<'_> {
        self.wake.notified()
    }

    /// The client was active at `at`.
    pub(crate) fn active(&self, connected_at: Instant, at: Instant) {
        let millis = at.saturating_duration_since(connected_at).as_millis() as u64;
        self.active_ms.fetch_max(millis, Relaxed);
    }

    /// Whether the client has been silent longer than `timeout` at `now`: past the idle timeout.
    pub(crate) fn silent_past(
        &self,
        timeout: Duration,
        connected_at: Instant,
        now: Instant,
    ) -> bool {
        let active = connected_at + Duration::from_millis(self.active_ms.load(Relaxed));
        now.saturating_duration_since(active) > timeout
    }

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
    /// Why the connection ended; unset means its task failed.
    pub(crate) gone: Option<GoneReason>,
    /// `Connected` was published, so `Gone` will be.
    announced: bool,
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
            if let Some(entry) = clients.remove(&self.id)
                && !self.shared.keep_closed.is_zero()
            {
                let closed = Closed {
                    at: Instant::now(),
                    reason: reason.clone(),
                };
                self.shared
                    .remember_closed(entry.info(self.id, Some(closed)));
            }
            self.shared.machines().gone(
                self.peer.ip().to_canonical(),
                self.stats.requests.load(Relaxed),
                self.stats.errors.load(Relaxed),
                &reason,
            );
        }
        self.shared.counters.active.fetch_sub(1, Relaxed);
        if self.announced {
            self.shared.publish(Event::Gone {
                id: self.id,
                peer: self.peer,
                reason,
            });
        }
    }
}

impl Shared {
    pub(crate) fn new(local_addr: SocketAddr, config: &Config) -> Arc<Shared> {
        let (paused_changes, _) = watch::channel(false);
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Arc::new(Shared {
            local_addr,
            reachable: super::reachable::reachable(local_addr),
            zone: config.zone,
            started: Instant::now(),
            counters: Counters::default(),
            paused: AtomicBool::new(false),
            paused_changes,
            shutdown: CancellationToken::new(),
            events,
            listeners: Arc::default(),
            request_events: config.request_events,
            panic_on: config.panic_on.as_deref().map(Box::from),
            idle_timeout: config.idle_timeout,
            request_budget: EventBudget::new(REQUEST_EVENTS_PER_SECOND),
            refusal_budget: EventBudget::new(REFUSAL_EVENTS_PER_SECOND),
            connection_budget: EventBudget::new(CONNECTION_EVENTS_PER_SECOND),
            gate: Arc::new(Gate::new(config.mode)),
            queued_read_ahead: AtomicUsize::new(0),
            pool_size: config.pool_size,
            delay_micros: AtomicU64::new(
                u64::try_from(config.delay.as_micros()).unwrap_or(u64::MAX),
            ),
            clients: Mutex::new(HashMap::new()),
            recently_closed: Mutex::default(),
            keep_closed: config.keep_closed,
            machines: Mutex::default(),
            next_id: AtomicU64::new(1),
        })
    }

    pub(super) fn clients(&self) -> MutexGuard<'_, HashMap<ClientId, ClientEntry>> {
        // A panic while holding this lock cannot leave the map half-changed, so carry on.
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn machines(&self) -> MutexGuard<'_, Machines> {
        // As for `clients`: no update leaves the tallies half-changed.
        self.machines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps a closed connection for `keep_closed`, and at most `CLOSED_KEPT` of them.
    fn remember_closed(&self, client: ClientInfo) {
        let mut closed = self.closed();
        if closed.len() == CLOSED_KEPT {
            closed.pop_front();
        }
        closed.push_back(client);
    }

    pub(super) fn recently_closed(&self) -> Vec<ClientInfo> {
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

    fn closed(&self) -> MutexGuard<'_, VecDeque<ClientInfo>> {
        // A panic cannot leave the list half-changed.
        self.recently_closed
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

    /// Whether the next batch of requests makes events: someone must be listening, and this
    /// second's budget must not be spent. A new second begins by saying how many the last one
    /// skipped.
    pub(crate) fn request_events_for_batch(&self) -> RequestEvents {
        if !self.request_events || !self.listened() {
            return RequestEvents::Unwatched;
        }
        self.report_skipped();
        if self.request_budget.spent() {
            RequestEvents::OverBudget
        } else {
            RequestEvents::Publish
        }
    }

    /// Once a second has passed, says how many events the last one skipped. Called by the
    /// requests and refusals themselves, and once a second by the server, so a summary never
    /// waits for the next request.
    pub(crate) fn report_skipped(&self) {
        self.publish_skipped(EventBudget::roll);
    }

    /// Says how many events the last second skipped, when the server stops: nothing is left
    /// untold.
    pub(crate) fn report_last_skipped(&self) {
        self.publish_skipped(EventBudget::flush);
    }

    fn publish_skipped(&self, take: impl Fn(&EventBudget) -> Option<u64>) {
        let budgets = [
            (Unpublished::Requests, &self.request_budget),
            (Unpublished::Refusals, &self.refusal_budget),
            (Unpublished::Connections, &self.connection_budget),
        ];
        for (what, budget) in budgets {
            if let Some(skipped) = take(budget) {
                self.publish(Event::Skipped {
                    what,
                    skipped,
                    limit: budget.limit,
                });
            }
        }
    }

    fn listened(&self) -> bool {
        self.listeners.load(Relaxed) > 0
    }

    /// Whether a new connection's `Connected` and `Gone` are published: someone must listen, and
    /// this second's budget must allow it.
    fn announces_connection(&self) -> bool {
        if !self.listened() {
            return false;
        }
        self.report_skipped();
        self.connection_budget.admit(1) == 1
    }

    /// Publishes request events within this second's budget: the first ones, as many as it
    /// allows; the rest are counted as skipped.
    pub(crate) fn publish_request_events(&self, events: impl ExactSizeIterator<Item = Event>) {
        if events.len() == 0 {
            // The budget is shared by every connection: no write to it for nothing.
            return;
        }
        let allowed = self.request_budget.admit(events.len() as u64);
        for event in events.take(allowed as usize) {
            self.publish(event);
        }
    }

    /// Counts request events that were not even made (the budget was spent).
    pub(crate) fn skip_request_events(&self, count: u64) {
        self.request_budget.skip(count);
    }

    /// Counts a connection turned away at accept, and publishes it (refusals by `--allow`
    /// within their budget).
    pub(crate) fn refused(&self, peer: SocketAddr, refusal: Refusal) {
        match refusal {
            Refusal::Busy => {
                self.counters.busy.fetch_add(1, Relaxed);
            }
            Refusal::NotAllowed => {
                self.counters.not_allowed.fetch_add(1, Relaxed);
                self.report_skipped();
                if self.refusal_budget.admit(1) == 0 {
                    return;
                }
            }
        }
        self.publish(Event::Refused { peer, refusal });
    }

    pub(crate) fn register(self: &Arc<Shared>, peer: SocketAddr) -> Registration {
        let id = self.next_id.fetch_add(1, Relaxed);
        let registration = Registration {
            shared: Arc::clone(self),
            id,
            peer,
            connected_at: Instant::now(),
            stats: Arc::default(),
            gone: None,
            announced: self.announces_connection(),
        };
        let mut clients = self.clients();
        clients.insert(
            id,
            ClientEntry {
                peer,
                connected_at: registration.connected_at,
                stats: Arc::clone(&registration.stats),
            },
        );
        // Registered after `shut_down` went through the list: it asks itself.
        if self.shutdown.is_cancelled() {
            registration.stats.ask_to_end(Ending::Shutdown);
        }
        self.machines()
            .connected(peer.ip().to_canonical(), registration.connected_at);
        drop(clients);
        self.counters.active.fetch_add(1, Relaxed);
        self.counters.connections.fetch_add(1, Relaxed);
        if registration.announced {
            self.publish(Event::Connected { id, peer });
        }
        registration
    }

    /// Wakes the connections silent for longer than `timeout`, so each checks itself (and closes
    /// unless it waits where silence does not count).
    pub(super) fn wake_the_silent(&self, timeout: Duration) {
        let now = Instant::now();
        for entry in self.clients().values() {
            let stats = &entry.stats;
            let waiting = stats.queued.load(Relaxed) || stats.held_by_pause.load(Relaxed);
            if !waiting && stats.silent_past(timeout, entry.connected_at, now) {
                stats.wake.notify_one();
            }
        }
    }

    /// Stops the listener and asks every connection to end.
    pub(super) fn shut_down(&self) {
        self.shutdown.cancel();
        // Under the list's lock, as `register` checks, so no connection is missed.
        for entry in self.clients().values() {
            entry.stats.ask_to_end(Ending::Shutdown);
        }
    }

    pub(super) fn set_paused(&self, paused: bool) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_asked_to_end_stands() {
        for why in [Ending::Kick, Ending::Shutdown, Ending::Idle] {
            let stats = ClientStats::default();
            assert_eq!(stats.ending(), None);
            stats.ask_to_end(why);
            stats.ask_to_end(if why == Ending::Kick {
                Ending::Shutdown
            } else {
                Ending::Kick
            });
            assert_eq!(stats.ending(), Some(why));
        }
    }

    #[test]
    fn a_client_is_past_the_idle_timeout_only_once_silent_longer_than_it() {
        let stats = ClientStats::default();
        let connected_at = Instant::now();
        let timeout = Duration::from_secs(10);
        let active = Duration::from_millis(1500);
        stats.active(connected_at, connected_at + active);
        let silent =
            |for_: Duration| stats.silent_past(timeout, connected_at, connected_at + active + for_);
        assert!(!silent(Duration::ZERO));
        assert!(!silent(timeout));
        assert!(silent(timeout + Duration::from_millis(1)));
        // Activity counts only forward: an earlier time does not make the client silent.
        stats.active(connected_at, connected_at);
        assert!(!silent(timeout));
    }
}
