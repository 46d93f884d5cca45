//! The flags of the tools beside the server: `jamtui client`, `jamtui check` and `jamtui bench`,
//! turned into each tool's own options.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::values::{self, duration_within};
use crate::bench::BenchOptions;
use crate::client::ClientOptions;
use crate::client::Delivery;
use crate::client::check::{CheckOptions, SheetStyle};
use crate::lang::Lang;
use crate::run::CheckJob;
use crate::time::Zone;

/// The client's reply timeout in a script (its output not a terminal).
const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `jamtui client --split` or `--together` waits for a reply before saying what the
/// silence most likely means: sooner than the first "still waiting" line.
const BYTE_STREAM_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Server to ask
    #[arg(default_value = "127.0.0.1")]
    pub host: String,
    /// The server's port
    #[arg(long, short, default_value_t = 45000)]
    pub port: u16,
    /// Clients running at once
    #[arg(long, short, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(values::CLIENTS))]
    pub clients: u64,
    /// Requests per client, then exit [default: until Ctrl-C]
    #[arg(long, short = 'n', value_name = "N")]
    pub count: Option<u64>,
    /// Time between one client's requests (1s, 500ms, 0)
    #[arg(long, short, value_name = "DURATION", default_value = "1s",
          value_parser = duration_within(values::INTERVAL))]
    pub interval: Duration,
    /// Keep one connection per client instead of connecting for every request
    #[arg(long)]
    pub keep_open: bool,
    /// Send each TIME in two writes (b'TI', then b'ME\r\n'), as a network may deliver it
    #[arg(long, conflicts_with = "together")]
    pub split: bool,
    /// Send two TIMEs in one write (b'TIME\r\nTIME\r\n'), as a network may deliver them, and
    /// expect two replies
    #[arg(long)]
    pub together: bool,
    /// Give up on a reply after this long [default: 3s with --split or --together (a server that
    /// does not buffer never answers them); 5s when the output is not a terminal (a script); on a
    /// terminal, wait as long as the server takes (a paused one, in a demo), saying so every few
    /// seconds]
    #[arg(long, value_name = "DURATION", value_parser = duration_within(values::TIMEOUT))]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub lang: LangArg,
}

impl ClientArgs {
    pub fn options(&self) -> ClientOptions {
        ClientOptions {
            host: self.host.clone(),
            port: self.port,
            clients: self.clients as usize,
            count: self.count,
            interval: self.interval,
            keep_open: self.keep_open,
            lang: self.lang.lang(),
            delivery: match (self.split, self.together) {
                (true, _) => Delivery::Split,
                (_, true) => Delivery::Together,
                _ => Delivery::Whole,
            },
            reply_timeout: self.timeout.or_else(|| match self.split || self.together {
                true => Some(BYTE_STREAM_TIMEOUT),
                false => (!std::io::stdout().is_terminal()).then_some(DEFAULT_CLIENT_TIMEOUT),
            }),
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Server to check
    #[arg(default_value = "127.0.0.1", conflicts_with = "roster")]
    pub host: String,
    /// The server's port
    #[arg(long, short, default_value_t = 45000, conflicts_with = "roster")]
    pub port: u16,
    /// Check a whole class: a CSV of name,host,port from a spreadsheet (',' ';' or tabs; a
    /// header line or not; a row without a port is checked on 45000)
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Also write the grade sheet to this file: a row per server, a 0/1 column per check, the
    /// score, the status and when it was checked
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the --csv sheet for Excel in Indonesian or European settings: ';' between fields, a
    /// decimal comma, a UTF-8 byte order mark
    #[arg(long, requires = "csv")]
    pub excel: bool,
    /// The lab's time zone, an IANA name such as Asia/Jakarta: the server must tell the time
    /// there [default: any zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<Zone>,
    /// Print one JSON object (with --roster: one line per student)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub lang: LangArg,
}

impl CheckArgs {
    pub fn job(&self) -> CheckJob {
        CheckJob {
            host: self.host.clone(),
            port: self.port,
            roster: self.roster.clone(),
            sheet: self.csv.clone().map(|path| {
                let style = match self.excel {
                    true => SheetStyle::Excel,
                    false => SheetStyle::Comma,
                };
                (path, style)
            }),
            json: self.json,
            options: CheckOptions {
                zone: self.tz,
                lang: self.lang.lang(),
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Server to measure
    #[arg(default_value = "127.0.0.1")]
    pub host: String,
    /// The server's port
    #[arg(long, short, default_value_t = 45000)]
    pub port: u16,
    /// Connections, each keeping --pipeline requests in flight
    #[arg(long, short, value_name = "C", default_value_t = 50,
          value_parser = clap::value_parser!(u64).range(values::CONNECTIONS))]
    pub connections: u64,
    /// Requests in flight per connection
    #[arg(long, short = 'P', value_name = "P", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(values::PIPELINE))]
    pub pipeline: u64,
    /// How long to run (10s, 500ms)
    #[arg(long, short, value_name = "DURATION", default_value = "10s",
          value_parser = duration_within(values::BENCH_DURATION))]
    pub duration: Duration,
    /// Open a connection per request (TIME, read, QUIT, close), like the assignment's client
    #[arg(long, conflicts_with = "pipeline")]
    pub connect_per_request: bool,
    /// With --connect-per-request: close right after sending QUIT, as the assignment's client
    /// does, instead of waiting for the server to close first
    #[arg(long, requires = "connect_per_request")]
    pub quit_and_close: bool,
    /// The request line to send, without CR LF (for other line protocols, e.g. PING)
    #[arg(long, value_name = "LINE", default_value = "TIME")]
    pub request: String,
    /// A regular expression every reply (without CR LF) must match [default for TIME: the JAM
    /// protocol's own check; for another --request: anything]
    #[arg(long, value_name = "REGEX")]
    pub expect: Option<regex::Regex>,
    /// Idle connections to open first and hold through the run; each asks once at the end
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(values::HELD_CONNECTIONS))]
    pub hold: u64,
    /// The server's process id, to report its CPU time per request and memory per held connection
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Print the report as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Give up on connecting or on a reply after this long
    #[arg(long, value_name = "DURATION", default_value = "5s",
          value_parser = duration_within(values::TIMEOUT))]
    pub timeout: Duration,
    #[command(flatten)]
    pub lang: LangArg,
}

impl BenchArgs {
    pub fn options(&self) -> BenchOptions {
        BenchOptions {
            host: self.host.clone(),
            port: self.port,
            connections: self.connections as usize,
            pipeline: self.pipeline as usize,
            duration: self.duration,
            connect_per_request: self.connect_per_request,
            quit_and_close: self.quit_and_close,
            request: self.request.clone(),
            expect: self.expect.clone(),
            hold: self.hold as usize,
            server_pid: self.server_pid,
            timeout: self.timeout,
            progress: !self.json,
            lang: self.lang.lang(),
        }
    }
}

/// `--lang`, the language of what a person reads; declared once, for every command that has it.
#[derive(Debug, Clone, Copy, Args)]
pub struct LangArg {
    /// The language of what you read: en (English) or id (Bahasa Indonesia); rule ids, JSON
    /// keys and CSV headers stay the same [default: id when LC_ALL, LC_MESSAGES or LANG starts
    /// with id, else en]
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
}

impl LangArg {
    pub fn lang(self) -> Lang {
        self.lang.unwrap_or_else(Lang::from_env)
    }
}
