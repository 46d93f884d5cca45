//! What a connection's task and the registry share about one client, without a lock: its
//! figures, and the signal that asks it to end.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio::sync::futures::Notified;

use super::listing::Unterminated;

/// One allocation per client: every idle client pays for it.
#[derive(Debug, Default)]
pub(crate) struct ClientState {
    pub(crate) stats: ClientStats,
    pub(crate) end: EndSignal,
}

/// Per-client figures the connection's task updates, read for the client listing.
#[derive(Debug, Default)]
pub(crate) struct ClientStats {
    pub(crate) requests: AtomicU64,
    /// Milliseconds after `connected_at` of the last request, plus one (0: none yet).
    last_request_ms: AtomicU64,
    pub(crate) held_by_pause: AtomicBool,
    pub(crate) queued: AtomicBool,
    pub(crate) errors: AtomicU64,
    /// Microseconds, plus one (0: none yet).
    last_latency_us: AtomicU64,
    /// Someone watches its bytes: each read and each flush is published.
    pub(crate) watched: AtomicBool,
    /// Milliseconds after `connected_at` of the client's last activity (0: none since it
    /// connected): the idle sweeper measures its silence from here.
    active_ms: AtomicU64,
    /// The line the client has begun and not ended, packed in one word: its length (high 16
    /// bits, saturated) and its first `UNTERMINATED_HEAD` bytes; 0: none.
    unterminated: AtomicU64,
}

/// How many first bytes of an unterminated line are kept.
const UNTERMINATED_HEAD: usize = 6;

impl ClientStats {
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

    /// When the last request arrived, if one has.
    pub(crate) fn last_request_at(&self, connected_at: Instant) -> Option<Instant> {
        match self.last_request_ms.load(Relaxed) {
            0 => None,
            millis => Some(connected_at + Duration::from_millis(millis - 1)),
        }
    }

    /// The last reply's latency: from reading its request to writing it.
    pub(crate) fn record_latency(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX - 1);
        self.last_latency_us.store(micros + 1, Relaxed);
    }

    pub(crate) fn last_latency(&self) -> Option<Duration> {
        match self.last_latency_us.load(Relaxed) {
            0 => None,
            micros => Some(Duration::from_micros(micros - 1)),
        }
    }

    /// Counts `count` more requests, the last of which arrived at `last`.
    pub(crate) fn record_requests(&self, count: u64, connected_at: Instant, last: Instant) {
        self.requests.fetch_add(count, Relaxed);
        let millis = last.saturating_duration_since(connected_at).as_millis() as u64;
        self.last_request_ms.store(millis + 1, Relaxed);
    }

    /// The bytes after the last complete line (what the client has begun and not ended).
    pub(crate) fn set_unterminated(&self, line: &[u8]) {
        let head = &line[..line.len().min(UNTERMINATED_HEAD)];
        let bytes = head
            .iter()
            .rev()
            .fold(0u64, |word, &byte| word << 8 | u64::from(byte));
        let len = line.len().min(usize::from(u16::MAX)) as u64;
        let packed = len << 48 | bytes;
        // Read before writing: this is asked after every batch, and it rarely changes.
        if self.unterminated.load(Relaxed) != packed {
            self.unterminated.store(packed, Relaxed);
        }
    }

    pub(crate) fn unterminated(&self) -> Option<Unterminated> {
        let packed = self.unterminated.load(Relaxed);
        let len = (packed >> 48) as usize;
        (len > 0).then(|| Unterminated {
            head: (0..len.min(UNTERMINATED_HEAD))
                .map(|at| (packed >> (8 * at)) as u8)
                .collect(),
            len,
        })
    }

    /// Waiting where silence does not count: for its turn, or held by the pause.
    pub(crate) fn waiting_on_the_server(&self) -> bool {
        self.queued.load(Relaxed) || self.held_by_pause.load(Relaxed)
    }
}

/// Why a connection is asked to end from outside. How it then ends is its `GoneReason` (a kick
/// ends as `Kicked`; the shutdown first answers what was read); a closed connection still listed
/// is `Closed`: when, and its `GoneReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Kick = 1,
    Shutdown = 2,
    /// Silent past the idle timeout. The sweeper does not store it: it wakes the connection,
    /// which finds its silence itself (`handler::asked_to_end`).
    Idle = 3,
}

/// Asks a connection to end (a kick or the shutdown), or wakes it to check its silence (the idle
/// sweeper). A reason and a `Notify` rather than a cancellation token and a timer per
/// connection: a token's node, its boxed wait and a timer would cost every idle client about
/// 330 bytes.
#[derive(Debug, Default)]
pub(crate) struct EndSignal {
    /// Why the connection was asked to end, 0 until it is.
    ending: AtomicU8,
    wake: Notify,
}

impl EndSignal {
    /// Asks the connection to end; the first reason asked stands.
    pub(crate) fn ask(&self, why: Ending) {
        let _ = self.ending.compare_exchange(0, why as u8, AcqRel, Acquire);
        self.wake();
    }

    /// Wakes the connection without a reason: it checks its silence itself.
    pub(crate) fn wake(&self) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_asked_to_end_stands() {
        for why in [Ending::Kick, Ending::Shutdown, Ending::Idle] {
            let end = EndSignal::default();
            assert_eq!(end.ending(), None);
            end.ask(why);
            end.ask(if why == Ending::Kick {
                Ending::Shutdown
            } else {
                Ending::Kick
            });
            assert_eq!(end.ending(), Some(why));
        }
    }

    #[test]
    fn a_request_and_a_latency_of_zero_are_recorded_not_taken_for_none() {
        let stats = ClientStats::default();
        let connected_at = Instant::now();
        assert_eq!(stats.last_request_at(connected_at), None);
        assert_eq!(stats.last_latency(), None);
        stats.record_requests(1, connected_at, connected_at);
        assert_eq!(stats.last_request_at(connected_at), Some(connected_at));
        stats.record_requests(2, connected_at, connected_at + Duration::from_millis(1500));
        assert_eq!(
            stats.last_request_at(connected_at),
            Some(connected_at + Duration::from_millis(1500))
        );
        assert_eq!(stats.requests.load(Relaxed), 3);
        stats.record_latency(Duration::ZERO);
        assert_eq!(stats.last_latency(), Some(Duration::ZERO));
        stats.record_latency(Duration::from_micros(217));
        assert_eq!(stats.last_latency(), Some(Duration::from_micros(217)));
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
