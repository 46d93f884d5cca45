//! A connection's bookkeeping between reading its requests and writing their replies: the
//! requests answered but not yet counted, when the last one arrived (for its latency), and the
//! request events that wait for their reply to be written. The handler serves; the ledger counts.

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Instant, SystemTime};

use super::counters::Counters;
use super::event::{Event, Excerpt, Reply};
use super::publisher::{CLIENT_REQUEST_EVENTS_PER_SECOND, Publisher};
use super::registry::Registration;
use crate::protocol::Request;

pub(super) struct Ledger {
    /// Requests answered since the counters were last updated.
    unreported: u64,
    /// When the last answered request arrived: the client was active then.
    last_arrival: Option<Instant>,
    /// When the last request that got a reply arrived, for its latency once the reply is
    /// written (QUIT and an empty line get none: no latency is measured for them).
    last_replied: Option<Instant>,
    /// Request events waiting for their reply to be written (to carry its latency).
    awaiting_write: Vec<AwaitingWrite>,
    /// This client's request events published in the current second: (second, count).
    events_this_second: (i64, u64),
}

/// An answered request whose event goes out once its reply is written.
struct AwaitingWrite {
    request: Excerpt,
    reply: Reply,
    arrived: Instant,
}

impl Ledger {
    pub(super) fn new() -> Ledger {
        Ledger {
            unreported: 0,
            last_arrival: None,
            last_replied: None,
            awaiting_write: Vec::new(),
            events_this_second: (i64::MIN, 0),
        }
    }

    /// A request that arrived at `arrived` was answered: its reply queued, if `replied`, or none
    /// owed.
    pub(super) fn answered(&mut self, request: Request, arrived: Instant, replied: bool) {
        // What the class calls a request: a TIME answered (QUIT and bad lines are not).
        if request == Request::Time {
            self.unreported += 1;
        }
        self.last_arrival = Some(arrived);
        if replied {
            self.last_replied = Some(arrived);
        }
    }

    /// Whether this client may publish one more request event in `second`, and takes it: one
    /// client flooding garbage must not take the server's whole budget.
    pub(super) fn client_may_publish(&mut self, second: i64) -> bool {
        if self.events_this_second.0 != second {
            self.events_this_second = (second, 0);
        }
        let published = &mut self.events_this_second.1;
        *published += 1;
        *published <= CLIENT_REQUEST_EVENTS_PER_SECOND
    }

    /// Keeps a request's event until its reply is written. Only the request's first bytes are
    /// kept: the line's own buffer is let go at once.
    pub(super) fn await_write(&mut self, request: &[u8], reply: Reply, arrived: Instant) {
        self.awaiting_write.push(AwaitingWrite {
            request: Excerpt::of(request),
            reply,
            arrived,
        });
    }

    /// Adds the requests answered so far to the counters (once per batch, not per request). Any
    /// complete line counts as activity, from when it arrived; a client trickling a line byte by
    /// byte (slowloris) stays silent.
    pub(super) fn report_requests(&mut self, client: &Registration, counters: &Counters) {
        if let Some(arrived) = self.last_arrival {
            client.stats().active(client.connected_at, arrived);
        }
        if self.unreported > 0 {
            let count = std::mem::take(&mut self.unreported);
            counters.requests.fetch_add(count, Relaxed);
            let last = self.last_arrival.unwrap_or_else(Instant::now);
            client
                .stats()
                .record_requests(count, client.connected_at, last);
        }
    }

    /// The replies are out: records the latency, and publishes the events that waited for it.
    pub(super) fn replies_written(&mut self, client: &Registration, publisher: &Publisher) {
        let now = Instant::now();
        self.last_arrival = None;
        if let Some(arrived) = self.last_replied.take() {
            client
                .stats()
                .record_latency(now.saturating_duration_since(arrived));
        }
        let (id, peer) = (client.id, client.peer);
        // The wall clock is read only if the events are published (someone watches).
        let written = std::cell::OnceCell::new();
        let served = self
            .awaiting_write
            .drain(..)
            .map(move |served| Event::Served {
                id,
                peer,
                request: served.request,
                reply: served.reply,
                latency: now.saturating_duration_since(served.arrived),
                at: *written.get_or_init(SystemTime::now),
            });
        publisher.publish_request_events(served);
    }
}
