//! Running jamtui: one session of the server around a front end (the headless log or the
//! dashboard), the client and the bench on a runtime of their own, and the signals that end them.

mod headless;
mod session;
mod signals;
mod with_dashboard;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::bench::BenchOptions;
use crate::client::ClientOptions;
use crate::client::check::roster::{self, Grade, Student};
use crate::client::check::{CheckOptions, SheetStyle, Status, table, write_csv};
use crate::dashboard;
use crate::lang::said;
use crate::log::LogFormat;
use crate::server;
use crate::text::printable;
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

/// A failure the output has already told in full (`jamtui check`'s report): the exit status
/// says it again, and nothing more is printed.
#[derive(Debug, thiserror::Error)]
#[error("the report above says what failed")]
pub struct AlreadyTold;

/// What `jamtui check` is asked to do.
#[derive(Debug, Clone)]
pub struct CheckJob {
    /// One server, or (with `roster`) a whole class.
    pub host: String,
    pub port: u16,
    pub roster: Option<PathBuf>,
    /// Where to write the grade sheet, and how.
    pub sheet: Option<(PathBuf, SheetStyle)>,
    pub json: bool,
    pub options: CheckOptions,
}

/// `jamtui check`: one server's report, or a whole class's grade table (or a JSON line each),
/// on stdout, and the grade sheet to a file. Fails when any check fails, or a lone server cannot
/// be reached.
pub fn check(job: CheckJob) -> anyhow::Result<()> {
    let class = job.roster.is_some();
    // Grading a class takes minutes: a sheet that could not be written is said now.
    let lang = job.options.lang;
    if let Some((path, _)) = &job.sheet {
        crate::files::check_writable(path).map_err(|error| {
            let path = path.display();
            anyhow::anyhow!(
                "{}",
                said!(
                    lang,
                    "check.note.sheet_unwritable",
                    path = path,
                    error = error
                )
            )
        })?;
    }
    let students = match &job.roster {
        Some(path) => roster::read(path)?,
        None => vec![Student {
            name: job.host.clone(),
            host: job.host.clone(),
            port: job.port,
            port_given: true,
        }],
    };
    let no_port: Vec<&str> = students
        .iter()
        .filter(|student| !student.port_given)
        .map(|student| student.name.as_str())
        .collect();
    if !no_port.is_empty() {
        let names = printable(&no_port.join(", ")).into_owned();
        let port = roster::DEFAULT_PORT;
        let note = match no_port.len() {
            1 => said!(lang, "check.note.no_port_one", port = port, names = names),
            rows => said!(
                lang,
                "check.note.no_port_many",
                rows = rows,
                port = port,
                names = names
            ),
        };
        eprintln!("{note}");
    }
    let progress = indicatif::ProgressBar::new(students.len() as u64);
    if !class || !std::io::stderr().is_terminal() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let ticking = progress.clone();
    let runtime = tokio::runtime::Runtime::new()?;
    let grades = runtime.block_on(roster::grade(students, job.options, move || ticking.inc(1)));
    progress.finish_and_clear();
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    match (class, job.json) {
        (_, true) => {
            for grade in &grades {
                let object = match class {
                    true => grade.to_json(),
                    false => grade.report.to_json(),
                };
                print_line(&object)?;
            }
        }
        (true, false) => print_line(&table(&grades, job.options.lang))?,
        (false, false) => match &grades[0].report.status {
            Status::Unreachable(why) if job.sheet.is_none() => anyhow::bail!("{why}"),
            _ => print_line(&grades[0].report.to_text(colour))?,
        },
    }
    // After the grades are shown, so that a failure here loses none of them.
    if let Some((path, style)) = &job.sheet {
        write_csv(path, &grades, *style).map_err(|error| {
            let path = path.display();
            anyhow::anyhow!(
                "{}",
                said!(lang, "check.note.cannot_write", path = path, error = error)
            )
        })?;
    }
    match grades.iter().all(Grade::passed_everything) {
        true => Ok(()),
        false => Err(AlreadyTold.into()),
    }
}

/// A line on stdout; a reader that left (`| head`) is an I/O error, not a panic.
fn print_line(text: &dyn std::fmt::Display) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{text}")
}

/// `jamtui bench`: the report on stdout, as text or JSON. Fails when nothing was answered.
pub fn bench(options: BenchOptions, json: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(crate::bench::measure(options))?;
    if json {
        print_line(&report.to_json())?;
    } else {
        print_line(&report.to_text())?;
    }
    if report.requests == 0 {
        let lang = report.lang;
        let error = match &report.first_error {
            Some(error) => error.clone(),
            None => said!(lang, "bench.no_error_seen"),
        };
        anyhow::bail!("{}", said!(lang, "bench.nothing_answered", error = error));
    }
    Ok(())
}
