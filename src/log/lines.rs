//! Server events as log lines, in the words of the assignment's Python server.

use std::io;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tracing::{error, warn};

use crate::server::{
    CLIENT_REQUEST_EVENTS_PER_SECOND, Event, Reply, ServerHandle, Unpublished, describe_addrs,
};
use crate::text::mark;
use crate::text::pyrepr;

/// Per-request lines use this target, so a filter such as `RUST_LOG=jamtui::request=off` can
/// drop them.
pub const REQUEST_TARGET: &str = "jamtui::request";
/// Connection and server lines.
pub const SERVER_TARGET: &str = "jamtui::server";

/// After a batch of events, how long the log waits before it looks for more: far below what a
/// reader notices, and long enough that a busy server wakes the log a few dozen times a second
/// rather than once per event.
const BATCH_PAUSE: Duration = Duration::from_millis(20);

/// Addresses named in the log's "clients connect to" line at most.
const REACHABLE_LOGGED: usize = 8;

/// Logs every server event from now on, on its own thread, until the server and every handle
/// are gone.
pub fn spawn_event_log(handle: &ServerHandle) -> io::Result<JoinHandle<()>> {
    let mut events = handle.subscribe();
    let zone = match handle.zone() {
        zone if zone.is_named() => zone.name(),
        // Windows names its zones in its own words, which jamtui cannot always map.
        zone => format!(
            "{}: the system's zone has no name here, --tz names it",
            zone.name()
        ),
    };
    std::thread::Builder::new()
        .name("jamtui-log".into())
        .spawn(move || {
            loop {
                let first = events.blocking_recv();
                if !log_received(first, &zone) {
                    break;
                }
                // Then whatever else has come, and a pause: under load the log takes its events
                // a batch at a time, and the connections do not wake this thread for each one.
                loop {
                    match events.try_recv() {
                        Ok(event) => log_event(&event, &zone),
                        Err(TryRecvError::Lagged(missed)) => log_lagged(missed),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Closed) => return,
                    }
                }
                std::thread::sleep(BATCH_PAUSE);
            }
        })
}

/// Logs what a wait for an event brought; false once the server is gone.
fn log_received(received: Result<Event, RecvError>, zone: &str) -> bool {
    match received {
        Ok(event) => log_event(&event, zone),
        Err(RecvError::Lagged(missed)) => log_lagged(missed),
        Err(RecvError::Closed) => return false,
    }
    true
}

fn log_lagged(missed: u64) {
    warn!(
        target: SERVER_TARGET,
        missed,
        "[SERVER] the log fell behind: {missed} events not shown (the counters are exact)"
    );
}

/// The log line(s) for one event. Everything is logged at WARNING, as the assignment's
/// `logging.warning` calls did; only failures are errors.
/// Client addresses are marked in the message, and a plain `peer` field: each sink writes them,
/// masked or not.
fn log_event(event: &Event, zone: &str) {
    match event {
        Event::Listening { addr, reachable } => {
            warn!(
                target: SERVER_TARGET,
                event = "listening", %addr,
                "[SERVER] listening on {addr}, answering TIME in {zone} time"
            );
            if addr.ip().is_unspecified() {
                match reachable.as_slice() {
                    [] => warn!(
                        target: SERVER_TARGET,
                        event = "reachable",
                        "[SERVER] no network address found: only this machine can connect (127.0.0.1:{})", addr.port()
                    ),
                    found => warn!(
                        target: SERVER_TARGET,
                        event = "reachable",
                        "[SERVER] clients connect to {}", describe_addrs(found, REACHABLE_LOGGED)
                    ),
                }
            }
        }
        Event::Connected { id, peer } => warn!(
            target: SERVER_TARGET,
            event = "connected", client = id, %peer,
            "connection from {}", mark(*peer)
        ),
        Event::Served {
            id,
            peer,
            request,
            reply,
            ..
        } => {
            let from = mark(*peer);
            warn!(
                target: REQUEST_TARGET,
                event = "received", client = id, %peer,
                "[SERVER] received {} from {from}", pyrepr::bytes_head(&request.head, request.len)
            );
            let sent = match reply {
                Reply::Time(bytes) => bytes.as_slice(),
                Reply::Error(error) => {
                    warn!(
                        target: REQUEST_TARGET,
                        event = "invalid", client = id, %peer,
                        "[SERVER] invalid request from {from}"
                    );
                    error.bytes()
                }
                Reply::Nothing => return,
            };
            let sent = String::from_utf8_lossy(sent);
            let sent = sent.trim_end();
            warn!(
                target: REQUEST_TARGET,
                event = "sending", client = id, %peer, reply = sent,
                "[SERVER] sending {sent} to {from}"
            );
        }
        Event::Gone { id, peer, reason } => warn!(
            target: SERVER_TARGET,
            event = "closing", client = id, %peer, %reason,
            "[SERVER] closing connection with {} ({reason})", mark(*peer)
        ),
        Event::Refused { peer, refusal } => warn!(
            target: SERVER_TARGET,
            event = "refused", %peer, %refusal,
            "[SERVER] refusing connection from {}: {refusal}", mark(*peer)
        ),
        Event::Paused => warn!(
            target: SERVER_TARGET,
            event = "paused",
            "[SERVER] paused: new connections and requests wait until resumed"
        ),
        Event::Resumed => warn!(
            target: SERVER_TARGET,
            event = "resumed",
            "[SERVER] resumed: answering the waiting connections and requests"
        ),
        Event::Skipped {
            what,
            skipped,
            limit,
        } => {
            let per_client = match what {
                Unpublished::Requests => {
                    format!(", or {CLIENT_REQUEST_EVENTS_PER_SECOND} from one client")
                }
                _ => String::new(),
            };
            warn!(
                target: SERVER_TARGET,
                event = "not_logged", unpublished = %what, skipped,
                "[SERVER] {skipped} {what} but not logged (over {limit} a second{per_client}; the counters are exact)"
            )
        }
        Event::ModeChanged { mode } => warn!(
            target: SERVER_TARGET,
            event = "mode", %mode,
            "[SERVER] serving mode: {mode}"
        ),
        Event::DelayChanged { delay } => warn!(
            target: SERVER_TARGET,
            event = "delay", delay_ms = delay.as_millis() as u64,
            "[SERVER] processing delay: {}", humantime::format_duration(*delay)
        ),
        Event::AcceptFailed { error } => error!(
            target: SERVER_TARGET,
            event = "accept_failed",
            "[SERVER] accepting a connection failed: {error}; retrying"
        ),
        Event::ShuttingDown => warn!(
            target: SERVER_TARGET,
            event = "shutting_down",
            "[SERVER] shutting down: answering the requests already read, then closing every connection"
        ),
        // The bytes of a client someone zooms into are for that panel, not the log.
        Event::Read { .. } | Event::Wrote { .. } => {}
    }
}
