//! What the server tells whoever watches it: the log, the dashboard, tests.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

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
        /// The line as received, terminator included: its first bytes, so that an event costs
        /// at most `EXCERPT_BYTES` whatever `--max-line` allows.
        request: Excerpt,
        reply: Reply,
        /// From reading the request to writing its reply (queueing, pause and delay included).
        latency: Duration,
        /// When the reply was written (the request arrived `latency` before).
        at: SystemTime,
    },
    /// One read from the socket of a watched client ([`ServerHandle::watch`]): the bytes as
    /// they arrived, and the requests the framing found in them.
    ///
    /// [`ServerHandle::watch`]: super::ServerHandle::watch
    Read {
        id: ClientId,
        at: SystemTime,
        read: WireRead,
    },
    /// Replies written to a watched client, in one flush.
    Wrote {
        id: ClientId,
        at: SystemTime,
        bytes: Excerpt,
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
    /// Past the per-second budget of their kind, this many events were not published in the
    /// last second (the counters count them all).
    Skipped {
        what: Unpublished,
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

/// Bytes a watched client's events carry at most, per read, per request and per flush: a
/// hostile client's kilobyte reads must not flood the watcher.
pub const EXCERPT_BYTES: usize = 64;

/// The first bytes of something longer, and how long it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub head: Bytes,
    pub len: usize,
}

impl Excerpt {
    pub fn of(data: &[u8]) -> Excerpt {
        Excerpt {
            head: Bytes::copy_from_slice(&data[..data.len().min(EXCERPT_BYTES)]),
            len: data.len(),
        }
    }
}

/// One read, as the framing saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRead {
    pub bytes: Excerpt,
    /// The first few requests the read completed (a request may have begun in an earlier read).
    pub requests: Vec<Excerpt>,
    /// How many requests it completed in all.
    pub completed: usize,
    /// The first request it completed began in an earlier read.
    pub first_began_earlier: bool,
    /// Bytes of a request left waiting for its end.
    pub unfinished: usize,
}

/// Requests a `WireRead` names at most.
const REQUESTS_NAMED: usize = 4;

impl WireRead {
    /// The read that appended `buffer[read_start..]` to the bytes not yet framed.
    pub fn of(buffer: &[u8], read_start: usize) -> WireRead {
        let lines = crate::protocol::framing::read_lines(buffer, read_start);
        WireRead {
            bytes: Excerpt::of(&buffer[read_start.min(buffer.len())..]),
            requests: lines
                .completed
                .iter()
                .take(REQUESTS_NAMED)
                .map(|line| Excerpt::of(line))
                .collect(),
            completed: lines.completed.len(),
            first_began_earlier: lines.first_began_earlier,
            unfinished: lines.unfinished,
        }
    }
}

/// What the server answered to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Time([u8; TIME_REPLY_LEN]),
    Error(ErrorReply),
    /// Nothing: an empty line, or QUIT.
    Nothing,
}

/// The events a per-second budget bounds, so a flood of them costs the server little and says
/// so in one line a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// `Served`, and a watched client's `Read` and `Wrote`.
    Requests,
    /// `Refused` by `--allow`.
    Refusals,
    /// `Connected` and `Gone`, counted once per connection.
    Connections,
}

impl std::fmt::Display for Unpublished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unpublished::Requests => "requests answered",
            Unpublished::Refusals => "connections refused by --allow",
            Unpublished::Connections => "connections opened and closed",
        })
    }
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
    ClosedByClient,
    /// The operator kicked it.
    Kicked,
    /// Silent for longer than the idle timeout.
    Idle,
    /// Sent a line longer than the limit.
    LineTooLong,
    /// The server is shutting down.
    Shutdown,
    /// A socket error, or the connection's task failed.
    Error(Box<str>),
}

impl GoneReason {
    pub(crate) fn error(error: impl std::fmt::Display) -> GoneReason {
        GoneReason::Error(error.to_string().into())
    }
}

impl std::fmt::Display for GoneReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoneReason::Quit => f.write_str("quit"),
            GoneReason::ClosedByClient => f.write_str("closed by client"),
            GoneReason::Kicked => f.write_str("kicked"),
            GoneReason::Idle => f.write_str("idle timeout"),
            GoneReason::LineTooLong => f.write_str("line too long"),
            GoneReason::Shutdown => f.write_str("server shutting down"),
            GoneReason::Error(error) => write!(f, "error: {error}"),
        }
    }
}
