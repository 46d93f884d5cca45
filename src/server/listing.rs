//! One client as the dashboard lists it: an open connection, or one closed a moment ago.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::event::{ClientId, GoneReason};

/// One client as a watcher lists it.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub id: ClientId,
    pub peer: SocketAddr,
    pub connected_at: Instant,
    pub requests: u64,
    pub last_request_at: Option<Instant>,
    /// A request of this client is held back by the pause.
    pub held_by_pause: bool,
    /// Waiting for its turn (sequential or pool mode).
    pub queued: bool,
    /// Error replies it got.
    pub errors: u64,
    /// From reading the last answered request to writing its reply.
    pub last_latency: Option<Duration>,
    /// For a connection closed a moment ago: when and how.
    pub closed: Option<Closed>,
    /// A line it has begun and not ended (a request without CR LF waits for it).
    pub unterminated: Option<Unterminated>,
}

/// The start of a line a client has sent without its line end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unterminated {
    /// Its first bytes (up to 6).
    pub head: Vec<u8>,
    /// How many bytes it has (at most 65,535 are counted).
    pub len: usize,
}

/// How and when a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub at: Instant,
    pub reason: GoneReason,
}
