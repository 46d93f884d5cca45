//! Publishes the server's events to its watchers, within a budget of events a second for each
//! kind that can flood (requests, refusals, connections), and says how many each second skipped.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use tokio::sync::broadcast;

use super::event::{Event, Unpublished};
use super::subscription::Subscription;
use crate::time::unix_now;

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
struct EventBudget {
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

pub(crate) struct Publisher {
    events: broadcast::Sender<Event>,
    /// Subscriptions alive (`Subscription`).
    listeners: Arc<AtomicUsize>,
    /// False with `--quiet`: requests make no events at all.
    request_events: bool,
    request_budget: EventBudget,
    refusal_budget: EventBudget,
    connection_budget: EventBudget,
}

impl Publisher {
    pub(crate) fn new(request_events: bool) -> Publisher {
        Publisher {
            events: broadcast::channel(EVENT_CAPACITY).0,
            listeners: Arc::default(),
            request_events,
            request_budget: EventBudget::new(REQUEST_EVENTS_PER_SECOND),
            refusal_budget: EventBudget::new(REFUSAL_EVENTS_PER_SECOND),
            connection_budget: EventBudget::new(CONNECTION_EVENTS_PER_SECOND),
        }
    }

    pub(crate) fn subscribe(&self) -> Subscription {
        Subscription::new(&self.events, &self.listeners)
    }

    pub(crate) fn publish(&self, event: Event) {
        // An error only means nobody is subscribed.
        let _ = self.events.send(event);
    }

    fn listened(&self) -> bool {
        self.listeners.load(Relaxed) > 0
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

    /// Whether a new connection's `Connected` and `Gone` are published: someone must listen, and
    /// this second's budget must allow it.
    pub(crate) fn announces_connection(&self) -> bool {
        if !self.listened() {
            return false;
        }
        self.report_skipped();
        self.connection_budget.admit(1) == 1
    }

    /// Whether a refusal by `--allow` is published: this second's budget must allow it.
    pub(crate) fn announces_refusal(&self) -> bool {
        self.report_skipped();
        self.refusal_budget.admit(1) == 1
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
}
