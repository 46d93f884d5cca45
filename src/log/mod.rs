//! The log: server events as lines in the assignment's style (`WARNING:root:connection from
//! ('127.0.0.1', 43256)`), written through `tracing` from a thread of its own, so a slow terminal
//! or disk never slows serving. Sinks: stderr or the dashboard's log panel, a log file, and the
//! searchable history. Client addresses travel through it marked, and each sink masks them as it
//! writes (see `text::mask`).

mod format;
mod history;
mod lines;
mod panel;

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub use history::{LogHistory, LogLine};
pub use lines::{REQUEST_TARGET, SERVER_TARGET, spawn_event_log};

use crate::files;
use crate::text::Privacy;
use format::{Classic, Json, layer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Exactly as Python's logging prints: `WARNING:root:connection from ('127.0.0.1', 43256)`.
    Classic,
    /// One JSON object a line, with the client id and address as fields.
    Json,
}

/// Sends the log to stderr (and to `log_file` when given), for headless mode.
pub fn init_stderr(
    format: LogFormat,
    log_file: Option<&Path>,
    privacy: &Privacy,
) -> anyhow::Result<()> {
    let file = log_file.map(open_log_file).transpose()?;
    let registry = tracing_subscriber::registry().with(filter());
    match format {
        LogFormat::Classic => registry
            .with(layer(Classic::new(privacy), io::stderr))
            .with(file.map(|file| layer(Classic::new(privacy), Mutex::new(file))))
            .try_init()?,
        LogFormat::Json => registry
            .with(layer(Json::new(privacy), io::stderr))
            .with(file.map(|file| layer(Json::new(privacy), Mutex::new(file))))
            .try_init()?,
    }
    Ok(())
}

/// Sends the log to the dashboard's log panel (tui-logger), to `history` (searchable), and to
/// `log_file` when given (classic format).
pub fn init_dashboard(
    log_file: Option<&Path>,
    history: LogHistory,
    privacy: &Privacy,
) -> anyhow::Result<()> {
    let file = log_file.map(open_log_file).transpose()?;
    tui_logger::init_logger(tui_logger::LevelFilter::Trace)?;
    tracing_subscriber::registry()
        .with(filter())
        .with(panel::LogPanel)
        .with(history)
        .with(file.map(|file| layer(Classic::new(privacy), Mutex::new(file))))
        .try_init()?;
    Ok(())
}

/// The level filter: everything jamtui logs, narrowed by `RUST_LOG`. Directives for some
/// targets only (`jamtui::request=off`) leave the others at the default; a bare level
/// (`RUST_LOG=error`) sets the default.
fn filter() -> EnvFilter {
    let wanted = std::env::var("RUST_LOG").unwrap_or_default();
    let sets_the_default = wanted
        .split(',')
        .map(str::trim)
        .any(|directive| !directive.is_empty() && directive.parse::<LevelFilter>().is_ok());
    let directives = if sets_the_default {
        wanted
    } else {
        format!("info,{wanted}")
    };
    EnvFilter::builder().parse_lossy(directives)
}

fn open_log_file(path: &Path) -> anyhow::Result<File> {
    let (file, loosened) = files::open_append(path)
        .map_err(|error| anyhow::anyhow!("cannot open the log file {}: {error}", path.display()))?;
    if let Some(mode) = loosened {
        // Said before the log starts, so the dashboard does not hide it.
        eprintln!(
            "note: the log file {} was readable by others (mode {mode:o}); jamtui made it owner-only (600)",
            path.display()
        );
    }
    Ok(file)
}
