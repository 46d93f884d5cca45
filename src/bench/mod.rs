//! `jamtui bench`: a closed-loop load generator for line protocols. Each connection keeps
//! `pipeline` requests in flight and sends one more for every reply, with no allocation per
//! request; latencies go into per-connection HdrHistograms merged at the end.

mod procstat;
mod report;

pub use report::Report;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use bytes::{Buf, BytesMut};
use hdrhistogram::Histogram;
use regex::Regex;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::client::ask;
use crate::lang::{Lang, said};
use crate::protocol::check_time_reply;

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub host: String,
    pub port: u16,
    pub connections: usize,
    pub pipeline: usize,
    pub duration: Duration,
    /// Connect, request, read, QUIT and close for every request, like the assignment's client.
    pub connect_per_request: bool,
    /// With `connect_per_request`: close right after sending QUIT, as the assignment's client
    /// does, rather than wait for the server to close first.
    pub quit_and_close: bool,
    /// The request line, without CR LF.
    pub request: String,
    /// What a reply (without CR LF) must match; `None` with the default request means the JAM
    /// protocol's own check.
    pub expect: Option<Regex>,
    /// Idle connections opened before the run and held open through it; each asks once at the end.
    pub hold: usize,
    /// The server's process, to report its CPU time per request and its memory.
    pub server_pid: Option<u32>,
    pub timeout: Duration,
    pub progress: bool,
    /// The language of its report and its errors.
    pub lang: Lang,
}

/// What one connection's loop saw.
struct Tally {
    requests: u64,
    errors: u64,
    latency: Histogram<u64>,
    first_error: Option<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            requests: 0,
            errors: 0,
            // 1 µs to 60 s, 3 significant digits.
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds"),
            first_error: None,
        }
    }

    /// Checks one reply and records it: its latency when good, an error when not.
    fn reply(&mut self, check: &Check, line: &[u8], started: Instant, now: Instant, lang: Lang) {
        match check.verify(line, lang) {
            Ok(()) => {
                self.requests += 1;
                let micros = now.saturating_duration_since(started).as_micros() as u64;
                let _ = self.latency.record(micros.clamp(1, 60_000_000));
            }
            Err(error) => self.error(error),
        }
    }

    fn error(&mut self, error: impl std::fmt::Display) {
        self.errors += 1;
        self.first_error.get_or_insert_with(|| error.to_string());
    }

    fn merge(&mut self, other: Tally) {
        self.requests += other.requests;
        self.errors += other.errors;
        let _ = self.latency.add(&other.latency);
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Checks one reply line (without CR LF).
#[derive(Debug, Clone)]
enum Check {
    JamProtocol,
    Matches(Regex),
    Anything,
}

impl Check {
    fn verify(&self, line_with_crlf: &[u8], lang: Lang) -> Result<(), String> {
        match self {
            Check::JamProtocol => check_time_reply(line_with_crlf)
                .map(drop)
                .map_err(|error| error.said(lang)),
            Check::Matches(regex) => {
                let text = String::from_utf8_lossy(line_with_crlf);
                let text = text.trim_end_matches(['\r', '\n']);
                if regex.is_match(text) {
                    Ok(())
                } else {
                    let reply = format!("{text:?}");
                    Err(said!(
                        lang,
                        "bench.reply_mismatch",
                        reply = reply,
                        regex = regex
                    ))
                }
            }
            Check::Anything => Ok(()),
        }
    }
}

pub async fn measure(options: BenchOptions) -> anyhow::Result<Report> {
    let check = Arc::new(
        match (
            &options.expect,
            options.request.eq_ignore_ascii_case("TIME"),
        ) {
            (Some(regex), _) => Check::Matches(regex.clone()),
            (None, true) => Check::JamProtocol,
            (None, false) => Check::Anything,
        },
    );
    let target = format!("{}:{}", options.host, options.port);
    let request = format!("{}\r\n", options.request).into_bytes();

    let rss_before_hold = options.server_pid.and_then(procstat::rss_kib);
    let held = open_held(&options).await;
    let held_opened = held.len();
    let rss_after_hold = options.server_pid.and_then(procstat::rss_kib);

    let done = Arc::new(AtomicU64::new(0));
    let progress = Progress::start(
        options.progress,
        options.duration,
        Arc::clone(&done),
        options.lang,
    );
    let bench_cpu_start = procstat::cpu_time(None);
    let server_cpu_start = options
        .server_pid
        .and_then(|pid| procstat::cpu_time(Some(pid)));
    let started = Instant::now();
    let deadline = started.checked_add(options.duration).unwrap_or(started);
    let mut workers = JoinSet::new();
    let worker = Arc::new(Worker {
        options: options.clone(),
        request: request.clone(),
        check: Arc::clone(&check),
        deadline,
        done: Arc::clone(&done),
    });
    for _ in 0..options.connections {
        let worker = Arc::clone(&worker);
        workers.spawn(async move { worker.drive().await });
    }
    let mut total = Tally::new();
    while let Some(tally) = workers.join_next().await {
        total.merge(tally.map_err(|error| {
            anyhow!(
                "{}",
                said!(options.lang, "bench.task_failed", error = error)
            )
        })?);
    }
    let elapsed = started.elapsed();
    let server_cpu = server_cpu_start
        .zip(
            options
                .server_pid
                .and_then(|pid| procstat::cpu_time(Some(pid))),
        )
        .map(|(start, end)| end.saturating_sub(start));
    let bench_cpu = bench_cpu_start
        .zip(procstat::cpu_time(None))
        .map(|(start, end)| end.saturating_sub(start));
    progress.finish();

    let held_answered = ask_held(held, &request, &check, options.timeout, options.lang).await;
    Ok(Report {
        target,
        connections: options.connections,
        pipeline: options.pipeline,
        connect_per_request: options.connect_per_request,
        quit_and_close: options.quit_and_close,
        elapsed,
        requests: total.requests,
        errors: total.errors,
        latency: total.latency,
        bench_cpu,
        server_cpu,
        held: options.hold,
        held_opened,
        held_answered,
        server_rss_kib_before_hold: rss_before_hold,
        server_rss_kib_after_hold: rss_after_hold,
        server_rss_kib_end: options.server_pid.and_then(procstat::rss_kib),
        first_error: total.first_error,
        lang: options.lang,
    })
}

/// What every connection's loop shares.
struct Worker {
    options: BenchOptions,
    request: Vec<u8>,
    check: Arc<Check>,
    deadline: Instant,
    /// Replies so far, for the progress bar.
    done: Arc<AtomicU64>,
}

impl Worker {
    async fn drive(&self) -> Tally {
        let mut tally = Tally::new();
        let outcome = if self.options.connect_per_request {
            self.connect_per_request(&mut tally).await
        } else {
            self.pipelined(&mut tally).await
        };
        if let Err(error) = outcome {
            tally.error(format!("{error:#}"));
        }
        tally
    }

    /// Keeps `pipeline` requests in flight on one connection until the deadline.
    async fn pipelined(&self, tally: &mut Tally) -> anyhow::Result<()> {
        let (options, request, deadline) = (&self.options, &self.request, self.deadline);
        let mut stream =
            ask::connect(&options.host, options.port, options.timeout, options.lang).await?;
        let window = request.repeat(options.pipeline);
        let mut sent_at: VecDeque<Instant> = VecDeque::with_capacity(options.pipeline);
        let mut input = BytesMut::with_capacity(64 * 1024);
        let mut to_send = options.pipeline;
        loop {
            let now = Instant::now();
            if now < deadline && to_send > 0 {
                let requests = &window[..to_send * request.len()];
                ask::write_within(&mut stream, requests, Some(options.timeout), options.lang)
                    .await?;
                sent_at.extend(std::iter::repeat_n(now, to_send));
            }
            if sent_at.is_empty() {
                return Ok(());
            }
            input.reserve(16 * 1024);
            let read = timeout(options.timeout, stream.read_buf(&mut input))
                .await
                .map_err(|_| no_reply_within(options.timeout, options.lang))??;
            if read == 0 {
                let count = sent_at.len();
                bail!(
                    "{}",
                    said!(options.lang, "bench.closed_unanswered", count = count)
                );
            }
            let now = Instant::now();
            to_send = 0;
            while let Some(end) = memchr::memchr(b'\n', &input) {
                let Some(started) = sent_at.pop_front() else {
                    bail!("{}", said!(options.lang, "bench.reply_without_request"));
                };
                tally.reply(&self.check, &input[..=end], started, now, options.lang);
                input.advance(end + 1);
                to_send += 1;
            }
            if input.len() > ask::MAX_REPLY {
                let max = ask::MAX_REPLY;
                bail!(
                    "{}",
                    said!(options.lang, "bench.not_a_line_server", max = max)
                );
            }
            self.done.fetch_add(to_send as u64, Relaxed);
        }
    }

    /// Connect, ask, read, QUIT, close; again until the deadline.
    async fn connect_per_request(&self, tally: &mut Tally) -> anyhow::Result<()> {
        let options = &self.options;
        let mut input = BytesMut::with_capacity(1024);
        while Instant::now() < self.deadline {
            let started = Instant::now();
            let mut stream =
                ask::connect(&options.host, options.port, options.timeout, options.lang).await?;
            ask::write_within(
                &mut stream,
                &self.request,
                Some(options.timeout),
                options.lang,
            )
            .await?;
            input.clear();
            let line_end =
                read_line(&mut stream, &mut input, options.timeout, options.lang).await?;
            tally.reply(
                &self.check,
                &input[..=line_end],
                started,
                Instant::now(),
                options.lang,
            );
            // QUIT, then wait for the server to close: every server then closes first, the same way,
            // and no client socket lingers in TIME_WAIT to slow the next connect. Or, as the
            // assignment's client does, QUIT and close at once.
            let quit = ask::write_within(
                &mut stream,
                b"QUIT\r\n",
                Some(options.timeout),
                options.lang,
            )
            .await;
            if quit.is_ok() && !options.quit_and_close {
                let mut rest = [0u8; 256];
                let _ = timeout(options.timeout, async {
                    while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
                })
                .await;
            }
            self.done.fetch_add(1, Relaxed);
        }
        Ok(())
    }
}

/// Tries to open the idle connections to hold, a few hundred at a time; returns those that
/// opened (a weak server may refuse or drop many).
async fn open_held(options: &BenchOptions) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(options.hold);
    let mut tried = 0;
    while tried < options.hold {
        let batch = (options.hold - tried).min(500);
        tried += batch;
        let mut opening = JoinSet::new();
        for _ in 0..batch {
            let (host, port, limit) = (options.host.clone(), options.port, options.timeout);
            let lang = options.lang;
            opening.spawn(async move { ask::connect(&host, port, limit, lang).await });
        }
        while let Some(stream) = opening.join_next().await {
            if let Ok(Ok(stream)) = stream {
                held.push(stream);
            }
        }
    }
    held
}

/// Each held connection asks once; returns how many got a good answer.
async fn ask_held(
    held: Vec<TcpStream>,
    request: &[u8],
    check: &Arc<Check>,
    limit: Duration,
    lang: Lang,
) -> usize {
    let mut asking = JoinSet::new();
    for mut stream in held {
        let (request, check) = (request.to_vec(), Arc::clone(check));
        asking.spawn(async move {
            ask::write_within(&mut stream, &request, Some(limit), lang)
                .await
                .ok()?;
            let mut input = BytesMut::with_capacity(64);
            let end = read_line(&mut stream, &mut input, limit, lang).await.ok()?;
            check.verify(&input[..=end], lang).ok()
        });
    }
    let mut answered = 0;
    while let Some(outcome) = asking.join_next().await {
        answered += usize::from(matches!(outcome, Ok(Some(()))));
    }
    answered
}

/// Reads one reply line into `input`, giving up after `limit`; returns the index of its LF.
async fn read_line(
    stream: &mut TcpStream,
    input: &mut BytesMut,
    limit: Duration,
    lang: Lang,
) -> anyhow::Result<usize> {
    timeout(limit, ask::read_line(stream, input, lang))
        .await
        .map_err(|_| no_reply_within(limit, lang))?
}

fn no_reply_within(limit: Duration, lang: Lang) -> anyhow::Error {
    anyhow!(
        "{}",
        said!(lang, "bench.no_reply_within", limit = format!("{limit:?}"))
    )
}

/// A progress bar on stderr while the bench runs (hidden when stderr is not a terminal).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    fn start(show: bool, duration: Duration, done: Arc<AtomicU64>, lang: Lang) -> Progress {
        if !show {
            return Progress {
                bar: None,
                ticker: None,
            };
        }
        let bar = indicatif::ProgressBar::new(duration.as_millis() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40.cyan/blue} {elapsed:>4} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let ticking = bar.clone();
        let started = Instant::now();
        let ticker = tokio::spawn(async move {
            let mut last = (Instant::now(), 0);
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let now = Instant::now();
                let count = done.load(Relaxed);
                let rate = (count - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                ticking.set_position(started.elapsed().as_millis() as u64);
                let rate = format!("{rate:.0}");
                ticking.set_message(said!(lang, "bench.progress", count = count, rate = rate));
                last = (now, count);
            }
        });
        Progress {
            bar: Some(bar),
            ticker: Some(ticker),
        }
    }

    fn finish(self) {
        if let Some(ticker) = self.ticker {
            ticker.abort();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
