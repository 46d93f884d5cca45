//! The server's exact totals, counted by the connections and the accept loop themselves.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) active: AtomicU64,
    pub(crate) connections: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) busy: AtomicU64,
    pub(crate) not_allowed: AtomicU64,
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

impl Counters {
    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            active: self.active.load(Relaxed),
            connections: self.connections.load(Relaxed),
            requests: self.requests.load(Relaxed),
            errors: self.errors.load(Relaxed),
            busy: self.busy.load(Relaxed),
            not_allowed: self.not_allowed.load(Relaxed),
        }
    }
}
