//! Requests per second, sampled each whole second from the server's counter, for the counters
//! panel and the chart.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::Snapshot;

/// Seconds of requests/s history the chart shows.
pub const RATE_HISTORY: usize = 60;

/// Requests per second, one sample per whole second, and the peak.
#[derive(Debug, Clone)]
pub struct Rates {
    /// Oldest first; at most `RATE_HISTORY`.
    pub per_second: VecDeque<u64>,
    pub peak: u64,
    second_started: Instant,
    requests_at_second_start: u64,
}

impl Rates {
    pub(super) fn new(snapshot: &Snapshot) -> Rates {
        Rates {
            per_second: VecDeque::with_capacity(RATE_HISTORY),
            peak: 0,
            second_started: snapshot.at,
            requests_at_second_start: snapshot.counters.requests,
        }
    }

    /// Requests/s over the last whole second.
    pub fn now(&self) -> u64 {
        self.per_second.back().copied().unwrap_or(0)
    }

    pub(super) fn record(&mut self, snapshot: &Snapshot) {
        let elapsed = snapshot.at.saturating_duration_since(self.second_started);
        let seconds = elapsed.as_secs();
        if seconds == 0 {
            return;
        }
        let requests = snapshot
            .counters
            .requests
            .saturating_sub(self.requests_at_second_start);
        // A late tick covering several seconds spreads its requests over them evenly.
        let rate = requests / seconds;
        for _ in 0..seconds.min(RATE_HISTORY as u64) {
            if self.per_second.len() == RATE_HISTORY {
                self.per_second.pop_front();
            }
            self.per_second.push_back(rate);
        }
        self.peak = self.peak.max(rate);
        self.second_started += Duration::from_secs(seconds);
        self.requests_at_second_start = snapshot.counters.requests;
    }
}
