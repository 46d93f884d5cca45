//! What a bench run measured, as text for people or one JSON object for scripts.

use crate::lang::{Lang, said};
use std::time::Duration;

use hdrhistogram::Histogram;

/// Every label the text report may show, in its order.
const LABELS: [&str; 9] = [
    "bench.label.target",
    "bench.label.requests",
    "bench.label.errors",
    "bench.label.latency",
    "bench.label.bench_cpu",
    "bench.label.server_cpu",
    "bench.label.held",
    "bench.label.memory",
    "bench.label.first_error",
];

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
    /// The language of its text (its JSON keys stay the same).
    pub lang: Lang,
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
        let lang = self.lang;
        let how = if self.quit_and_close {
            said!(lang, "bench.how.quit_and_close")
        } else if self.connect_per_request {
            said!(lang, "bench.how.per_request")
        } else {
            said!(lang, "bench.how.pipeline", depth = self.pipeline)
        };
        let ms = |value: f64| lang.decimals(format!("{value:.3}"));
        let mut rows = vec![
            (
                "bench.label.target",
                said!(
                    lang,
                    "bench.target",
                    target = self.target,
                    connections = self.connections,
                    how = how,
                    seconds = lang.decimals(format!("{:.1}", self.elapsed.as_secs_f64()))
                ),
            ),
            (
                "bench.label.requests",
                said!(
                    lang,
                    "bench.requests",
                    count = self.requests,
                    rate = format!("{:.0}", self.requests_per_second())
                ),
            ),
            ("bench.label.errors", self.errors.to_string()),
            (
                "bench.label.latency",
                said!(
                    lang,
                    "bench.latency",
                    p50 = ms(self.quantile_ms(0.5)),
                    p99 = ms(self.quantile_ms(0.99)),
                    p999 = ms(self.quantile_ms(0.999)),
                    max = ms(self.latency.max() as f64 / 1000.0)
                ),
            ),
        ];
        let cpu = |us: f64| said!(lang, "bench.cpu", us = lang.decimals(format!("{us:.3}")));
        match self.per_request(self.bench_cpu) {
            Some(us) => rows.push(("bench.label.bench_cpu", cpu(us))),
            None if self.bench_cpu.is_none() => {
                rows.push((
                    "bench.label.bench_cpu",
                    said!(lang, "bench.cpu_unavailable"),
                ));
            }
            None => {}
        }
        if let Some(us) = self.per_request(self.server_cpu) {
            rows.push(("bench.label.server_cpu", cpu(us)));
        }
        if self.held > 0 {
            rows.push((
                "bench.label.held",
                said!(
                    lang,
                    "bench.held",
                    held = self.held,
                    opened = self.held_opened,
                    answered = self.held_answered
                ),
            ));
        }
        if let Some(per) = self.kib_per_held() {
            let kib = lang.decimals(format!("{per:.1}"));
            rows.push(("bench.label.memory", said!(lang, "bench.memory", kib = kib)));
        }
        if let Some(error) = &self.first_error {
            rows.push(("bench.label.first_error", error.clone()));
        }
        let labels: Vec<String> = rows.iter().map(|(label, _)| said!(lang, label)).collect();
        // One column for the labels, as wide as the widest any report has, and a space.
        let width = LABELS
            .iter()
            .map(|label| said!(lang, label).chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        let lines: Vec<String> = labels
            .iter()
            .zip(&rows)
            .map(|(label, (_, value))| format!("{label:<width$}{value}"))
            .collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(lang: Lang) -> Report {
        let mut latency = Histogram::new_with_bounds(1, 60_000_000, 3).unwrap();
        latency.record(250).unwrap();
        Report {
            target: "127.0.0.1:45000".into(),
            connections: 50,
            pipeline: 1,
            connect_per_request: true,
            quit_and_close: false,
            elapsed: Duration::from_secs(10),
            requests: 1000,
            errors: 0,
            latency,
            bench_cpu: Some(Duration::from_millis(20)),
            server_cpu: Some(Duration::from_millis(30)),
            held: 10,
            held_opened: 10,
            held_answered: 10,
            server_rss_kib_before_hold: Some(1000),
            server_rss_kib_after_hold: Some(1013),
            server_rss_kib_end: Some(1013),
            first_error: Some("an error".into()),
            lang,
        }
    }

    #[test]
    fn every_line_of_the_text_is_said_in_the_report_language_in_one_column() {
        let english = report(Lang::En).to_text();
        assert!(
            english.starts_with(
                "target        127.0.0.1:45000 (50 connections, a connection per request, 10.0 s)"
            ),
            "{english}"
        );
        assert!(
            english.contains("server memory 1.3 KiB per held connection"),
            "{english}"
        );
        let indonesian = report(Lang::Id).to_text();
        assert!(
            indonesian.contains("satu koneksi per request"),
            "{indonesian}"
        );
        // Indonesian writes a decimal comma; a point there separates thousands.
        assert!(indonesian.contains("10,0 detik"), "{indonesian}");
        assert!(indonesian.contains("1,3 KiB"), "{indonesian}");
        assert!(!indonesian.contains("0.250"), "{indonesian}");
        assert!(
            !indonesian.contains("bench."),
            "every label has its text: {indonesian}"
        );
        for (lang, text) in [(Lang::En, &english), (Lang::Id, &indonesian)] {
            assert_eq!(text.lines().count(), 9, "{text}");
            let width = LABELS
                .iter()
                .map(|label| said!(lang, label).chars().count())
                .max()
                .unwrap()
                + 1;
            for line in text.lines() {
                let chars: Vec<char> = line.chars().collect();
                assert!(chars[width - 1] == ' ' && chars[width] != ' ', "{text}");
            }
        }
    }
}
