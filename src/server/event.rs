//! What the server tells whoever watches it: the log, the dashboard, tests.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

use super::mode::Mode;
use crate::protocol::{ErrorReply, TIME_REPLY_LEN};

/// Identifies one client connection for the life of a server.
pub type ClientId = u64;

#[derive(Debug, Clone)]
pub enum Event {
    Listening {
        addr: SocketAddr,
        /// Where clients reach it (for an unspecified `addr`, the machine's own addresses).
        reachable: Vec<SocketAddr>,
    },
    Connected {
        id: ClientId,
        peer: SocketAddr,
    },
    /// One request line was answered (or ignored, for an empty line; or ends the
    /// connection, for QUIT). Sent only while someone wants request events.
    Served {
        id: ClientId,
        peer: SocketAddr,
        /// The line as received, terminator included.
        request: Bytes,
        reply: Reply,
        /// From reading the request to writing its reply (queueing, pause and delay included).
        latency: Duration,
    },
    Gone {
        id: ClientId,
        peer: SocketAddr,
        reason: GoneReason,
    },
    /// A connection turned away at accept, before it became a client.
    Refused {
        peer: SocketAddr,
        refusal: Refusal,
    },
    Paused,
    Resumed,
    /// Past the per-second budget, this many request events were not published.
    RequestEventsSkipped {
        skipped: u64,
        limit: u64,
    },
    /// Past the per-second budget, this many refusals by `--allow` were not published.
    RefusalsSkipped {
        skipped: u64,
        limit: u64,
    },
    ModeChanged {
        mode: Mode,
    },
    DelayChanged {
        delay: Duration,
    },
    /// `accept()` failed (for example out of file descriptors); the server retries.
    AcceptFailed {
        error: String,
    },
    ShuttingDown,
}

/// What the server answered to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Time([u8; TIME_REPLY_LEN]),
    Error(ErrorReply),
    /// Nothing: an empty line, or QUIT.
    Nothing,
}

/// Why a connection was turned away at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `--max-clients` are connected; it was told `ERR server busy, try again later`.
    Busy,
    /// Its address is outside every `--allow` network.
    NotAllowed,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Busy => f.write_str("server busy (--max-clients reached)"),
            Refusal::NotAllowed => f.write_str("address not in --allow"),
        }
    }
}

/// Why a client's connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoneReason {
    /// The client sent QUIT.
    Quit,
    /// The client closed its side.
    Closed,
    /// The operator kicked it.
    Kicked,
    /// Silent for longer than the idle timeout.
    Idle,
    /// Sent a line longer than the limit.
    LineTooLong,
    /// The server is shutting down.
    Shutdown,
    /// A socket error, or the connection's task failed.
    Error(String),
}

impl std::fmt::Display for GoneReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoneReason::Quit => f.write_str("quit"),
            GoneReason::Closed => f.write_str("closed by client"),
            GoneReason::Kicked => f.write_str("kicked"),
            GoneReason::Idle => f.write_str("idle timeout"),
            GoneReason::LineTooLong => f.write_str("line too long"),
            GoneReason::Shutdown => f.write_str("server shutting down"),
            GoneReason::Error(error) => write!(f, "error: {error}"),
        }
    }
}
