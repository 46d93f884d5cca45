//! The log: turns server events into lines in the assignment's style and writes them through
//! `tracing`, on a thread of its own so that a slow terminal or disk never slows serving.

pub mod history;

use std::fmt;
use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::sync::broadcast::error::RecvError;
use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber, error, warn};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::log::history::LogHistory;
use crate::server::ServerHandle;
use crate::server::{Event, Reply};
use crate::text::mask::{mask_addr, mask_text};
use crate::text::pyrepr;

/// Per-request lines use this target, so a filter such as `RUST_LOG=jamtui::request=off` can
/// drop them.
pub const REQUEST_TARGET: &str = "jamtui::request";
/// Connection and server lines.
pub const SERVER_TARGET: &str = "jamtui::server";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Exactly as Python's logging prints: `WARNING:root:connection from ('127.0.0.1', 43256)`.
    Classic,
    /// One JSON object a line, with the client id and address as fields.
    Json,
}

/// Sends the log to stderr (and to `log_file` when given), for headless mode.
pub fn init_stderr(format: LogFormat, log_file: Option<&Path>) -> anyhow::Result<()> {
    let file = log_file.map(open_log_file).transpose()?;
    let registry = tracing_subscriber::registry().with(filter());
    match format {
        LogFormat::Classic => registry
            .with(classic_layer(io::stderr))
            .with(file.map(|file| classic_layer(Mutex::new(file))))
            .try_init()?,
        LogFormat::Json => registry
            .with(json_layer(io::stderr))
            .with(file.map(|file| json_layer(Mutex::new(file))))
            .try_init()?,
    }
    Ok(())
}

/// The level filter: `RUST_LOG` when set, else everything jamtui logs.
pub fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

pub fn open_log_file(path: &Path) -> anyhow::Result<File> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| anyhow::anyhow!("cannot open the log file {}: {error}", path.display()))
}

pub fn classic_layer<S, W>(writer: W) -> impl tracing_subscriber::Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .event_format(Classic)
        .with_ansi(false)
        .with_writer(writer)
}

fn json_layer<S, W>(writer: W) -> impl tracing_subscriber::Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_writer(writer)
}

/// Python logging's default format, `LEVEL:root:message`, with no timestamp.
struct Classic;

impl<S, N> FormatEvent<S, N> for Classic
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> fmt::Result {
        let level = match *event.metadata().level() {
            Level::ERROR => "ERROR",
            Level::WARN => "WARNING",
            Level::INFO => "INFO",
            Level::DEBUG | Level::TRACE => "DEBUG",
        };
        write!(writer, "{level}:root:")?;
        write_message(event, &mut writer)?;
        writeln!(writer)
    }
}

/// Writes an event's message, leaving out its structured fields (those are for JSON).
pub(crate) fn write_message(
    event: &tracing::Event<'_>,
    writer: &mut impl fmt::Write,
) -> fmt::Result {
    let mut message = MessageOnly {
        writer,
        result: Ok(()),
    };
    event.record(&mut message);
    message.result
}

struct MessageOnly<'a, W> {
    writer: &'a mut W,
    result: fmt::Result,
}

impl<W: fmt::Write> Visit for MessageOnly<'_, W> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.result = write!(self.writer, "{value:?}");
        }
    }
}

/// Sends the log to the dashboard's log panel (tui-logger), and to `log_file` when given.
/// `history` keeps the recent lines searchable.
pub fn init_dashboard(log_file: Option<&Path>, history: LogHistory) -> anyhow::Result<()> {
    let file = log_file.map(open_log_file).transpose()?;
    tui_logger::init_logger(tui_logger::LevelFilter::Trace)?;
    tracing_subscriber::registry()
        .with(filter())
        .with(LogPanel)
        .with(history)
        .with(file.map(|file| classic_layer(Mutex::new(file))))
        .try_init()?;
    Ok(())
}

/// Feeds tui-logger with each event's message only. (tui-logger's own layer appends every
/// structured field, which clutters a panel meant to read like the assignment's log.)
pub struct LogPanel;

impl<S: Subscriber> tracing_subscriber::Layer<S> for LogPanel {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut message = String::new();
        if write_message(event, &mut message).is_err() {
            return;
        }
        let metadata = event.metadata();
        let level = match *metadata.level() {
            Level::ERROR => log::Level::Error,
            Level::WARN => log::Level::Warn,
            Level::INFO => log::Level::Info,
            Level::DEBUG => log::Level::Debug,
            Level::TRACE => log::Level::Trace,
        };
        tui_logger::Drain::new().log(
            &log::Record::builder()
                .args(format_args!("{message}"))
                .level(level)
                .target(metadata.target())
                .build(),
        );
    }
}

/// Logs every server event from now on, on its own thread, until the server and every handle
/// are gone.
/// `privacy` masks client addresses from the moment it is set.
pub fn spawn_event_log(
    handle: &ServerHandle,
    privacy: Arc<AtomicBool>,
) -> io::Result<JoinHandle<()>> {
    let mut events = handle.subscribe();
    let zone = handle.zone().name();
    std::thread::Builder::new()
        .name("jamtui-log".into())
        .spawn(move || {
            loop {
                match events.blocking_recv() {
                    Ok(event) => log_event(&event, &zone, privacy.load(Relaxed)),
                    Err(RecvError::Lagged(missed)) => warn!(
                        target: SERVER_TARGET,
                        missed,
                        "[SERVER] the log fell behind: {missed} events not shown (the counters are exact)"
                    ),
                    Err(RecvError::Closed) => break,
                }
            }
        })
}

/// The log line(s) for one event. Everything is logged at WARNING, as the assignment's
/// `logging.warning` calls did; only failures are errors.
pub fn log_event(event: &Event, zone: &str, privacy: bool) {
    // A client's address as Python prints it, masked in privacy mode; and as a plain field.
    let python = |peer: SocketAddr| {
        let text = pyrepr::addr(peer);
        if privacy { mask_text(&text) } else { text }
    };
    let field = |peer: SocketAddr| {
        if privacy {
            mask_addr(peer)
        } else {
            peer.to_string()
        }
    };
    match event {
        Event::Listening { addr } => warn!(
            target: SERVER_TARGET,
            event = "listening", %addr,
            "[SERVER] listening on {addr}, answering TIME in {zone} time"
        ),
        Event::Connected { id, peer } => warn!(
            target: SERVER_TARGET,
            event = "connected", client = id, peer = field(*peer),
            "connection from {}", python(*peer)
        ),
        Event::Served {
            id,
            peer,
            request,
            reply,
            ..
        } => {
            let from = python(*peer);
            let peer = field(*peer);
            warn!(
                target: REQUEST_TARGET,
                event = "received", client = id, peer,
                "[SERVER] received {} from {from}", pyrepr::bytes(request)
            );
            let sent = match reply {
                Reply::Time(bytes) => bytes.as_slice(),
                Reply::Error(error) => {
                    warn!(
                        target: REQUEST_TARGET,
                        event = "invalid", client = id, peer,
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
                event = "sending", client = id, peer, reply = sent,
                "[SERVER] sending {sent} to {from}"
            );
        }
        Event::Gone { id, peer, reason } => warn!(
            target: SERVER_TARGET,
            event = "closing", client = id, peer = field(*peer), %reason,
            "[SERVER] closing connection with {} ({reason})", python(*peer)
        ),
        Event::Refused { peer, refusal } => warn!(
            target: SERVER_TARGET,
            event = "refused", peer = field(*peer), %refusal,
            "[SERVER] refusing connection from {}: {refusal}", python(*peer)
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
        Event::RequestEventsSkipped { skipped, limit } => warn!(
            target: SERVER_TARGET,
            event = "requests_not_logged", skipped,
            "[SERVER] {skipped} requests answered but not logged (over {limit} a second; the counters are exact)"
        ),
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
    }
}
