//! What a bench run measured, as text for people or one JSON object for scripts.

use std::time::Duration;

use hdrhistogram::Histogram;

#[derive(Debug, Clone)]
pub struct Report {
    pub target: String,
    pub connections: usize,
    pub pipeline: usize,
    pub connect_per_request: bool,
    /// The client closed right after QUIT, not waiting for the server's close.
    pub quit_and_close: bool,
    pub elapsed: Duration,
    pub requests: u64,
    pub errors: u64,
    /// Latency in microseconds.
    pub latency: Histogram<u64>,
    pub bench_cpu: Option<Duration>,
    pub server_cpu: Option<Duration>,
    /// Idle connections asked for, opened, and answered at the end.
    pub held: usize,
    pub held_opened: usize,
    pub held_answered: usize,
    pub server_rss_kib_before_hold: Option<u64>,
    pub server_rss_kib_after_hold: Option<u64>,
    pub server_rss_kib_end: Option<u64>,
    /// The first error seen, to say what went wrong.
    pub first_error: Option<String>,
}

impl Report {
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn per_request(&self, cpu: Option<Duration>) -> Option<f64> {
        let cpu = cpu?;
        (self.requests > 0).then(|| cpu.as_secs_f64() * 1e6 / self.requests as f64)
    }

    /// Server memory per held idle connection, in KiB.
    pub fn kib_per_held(&self) -> Option<f64> {
        let (before, after) = (
            self.server_rss_kib_before_hold?,
            self.server_rss_kib_after_hold?,
        );
        (self.held_opened > 0)
            .then(|| after.saturating_sub(before) as f64 / self.held_opened as f64)
    }

    fn quantile_ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "target": self.target,
            "connections": self.connections,
            "pipeline": self.pipeline,
            "connect_per_request": self.connect_per_request,
            "quit_and_close": self.quit_and_close,
            "seconds": self.elapsed.as_secs_f64(),
            "requests": self.requests,
            "requests_per_second": self.requests_per_second(),
            "errors": self.errors,
            "first_error": self.first_error,
            "latency_ms": {
                "p50": self.quantile_ms(0.5),
                "p99": self.quantile_ms(0.99),
                "p99_9": self.quantile_ms(0.999),
                "max": self.latency.max() as f64 / 1000.0,
            },
            "bench_cpu_us_per_request": self.per_request(self.bench_cpu),
            "server_cpu_us_per_request": self.per_request(self.server_cpu),
            "held": self.held,
            "held_opened": self.held_opened,
            "held_answered": self.held_answered,
            "server_rss_kib": {
                "before_hold": self.server_rss_kib_before_hold,
                "after_hold": self.server_rss_kib_after_hold,
                "end": self.server_rss_kib_end,
            },
            "server_kib_per_held_connection": self.kib_per_held(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut lines = vec![
            format!(
                "target        {} ({} connections, {}, {:.1} s)",
                self.target,
                self.connections,
                if self.quit_and_close {
                    "a connection per request, closed right after QUIT".to_string()
                } else if self.connect_per_request {
                    "a connection per request".to_string()
                } else {
                    format!("pipeline {}", self.pipeline)
                },
                self.elapsed.as_secs_f64()
            ),
            format!(
                "requests      {} ({:.0}/s)",
                self.requests,
                self.requests_per_second()
            ),
            format!("errors        {}", self.errors),
            format!(
                "latency       p50 {:.3} ms   p99 {:.3} ms   p99.9 {:.3} ms   max {:.3} ms",
                self.quantile_ms(0.5),
                self.quantile_ms(0.99),
                self.quantile_ms(0.999),
                self.latency.max() as f64 / 1000.0
            ),
        ];
        match self.per_request(self.bench_cpu) {
            Some(us) => lines.push(format!("bench CPU     {us:.3} µs/request")),
            None if self.bench_cpu.is_none() => {
                lines.push("bench CPU     not available on this platform".to_string());
            }
            None => {}
        }
        if let Some(us) = self.per_request(self.server_cpu) {
            lines.push(format!("server CPU    {us:.3} µs/request"));
        }
        if self.held > 0 {
            lines.push(format!(
                "held          {} idle connections asked for, {} opened, {} answered at the end",
                self.held, self.held_opened, self.held_answered
            ));
        }
        if let Some(per) = self.kib_per_held() {
            lines.push(format!("server memory {per:.1} KiB per held connection"));
        }
        if let Some(error) = &self.first_error {
            lines.push(format!("first error   {error}"));
        }
        lines.join("\n")
    }
}
