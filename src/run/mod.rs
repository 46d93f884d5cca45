//! Running jamtui: one session of the server around a front end (the headless log or the
//! dashboard), the client and the bench on a runtime of their own, and the signals that end them.

mod headless;
mod session;
mod signals;
mod with_dashboard;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::bench::BenchOptions;
use crate::client::ClientOptions;
use crate::dashboard;
use crate::log::LogFormat;
use crate::server;
use signals::ShutdownSignals;

/// One run of the server: how it serves, how it logs, and what runs beside it.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub server: server::Config,
    /// Built-in clients like the assignment's, for a demo.
    pub demo: usize,
    pub log_format: LogFormat,
    pub log_file: Option<PathBuf>,
    /// Client addresses hidden from the start.
    pub privacy: bool,
}

/// The server with its log on stderr, until Ctrl-C or SIGTERM.
pub fn headless(options: &ServeOptions) -> anyhow::Result<()> {
    headless::run(options)
}

/// The server with the dashboard in this terminal.
pub fn with_dashboard(
    options: &ServeOptions,
    dashboard: &dashboard::Options,
) -> anyhow::Result<()> {
    with_dashboard::run(options, dashboard)
}

/// `jamtui client`, until its clients are done or Ctrl-C.
pub fn client(options: ClientOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let mut signals = ShutdownSignals::install()?;
        tokio::select! {
            outcome = crate::client::run(options) => outcome,
            () = signals.recv() => Ok(()),
        }
    })
}

/// `jamtui check`: the report on stdout, as text (coloured on a terminal, unless NO_COLOR) or
/// JSON. Fails when any check fails, or the server cannot be reached.
pub fn check(host: &str, port: u16, json: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(crate::client::check::check(host, port))?;
    if json {
        println!("{}", report.to_json());
    } else {
        let colour = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
        println!("{}", report.to_text(colour));
    }
    match report.failed() {
        0 => Ok(()),
        failed => anyhow::bail!("{failed} of {} checks failed", report.verdicts.len()),
    }
}

/// `jamtui check --roster`: every student's server, a grade table (or a JSON line each) on stdout,
/// the grade sheet to `csv`. Fails when any student fails anything.
pub fn check_class(roster: &Path, csv: Option<&Path>, json: bool) -> anyhow::Result<()> {
    use crate::client::check::roster;
    let students = roster::read(roster)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let progress = indicatif::ProgressBar::new(students.len() as u64);
    if !std::io::stderr().is_terminal() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let ticking = progress.clone();
    let grades = runtime.block_on(roster::grade(students, move || ticking.inc(1)));
    progress.finish_and_clear();
    if json {
        for grade in &grades {
            println!("{}", grade.to_json());
        }
    } else {
        println!("{}", roster::table(&grades));
    }
    if let Some(path) = csv {
        roster::write_csv(path, &grades)
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    }
    let failing = grades
        .iter()
        .filter(|grade| !grade.passed_everything())
        .count();
    match failing {
        0 => Ok(()),
        _ => anyhow::bail!("{failing} of {} servers failed a check", grades.len()),
    }
}

/// `jamtui bench`: the report on stdout, as text or JSON. Fails when nothing was answered.
pub fn bench(options: BenchOptions, json: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(crate::bench::run(options))?;
    if json {
        println!("{}", report.to_json());
    } else {
        println!("{}", report.to_text());
    }
    if report.requests == 0 {
        anyhow::bail!(
            "no request was answered: {}",
            report.first_error.as_deref().unwrap_or("no error seen")
        );
    }
    Ok(())
}
