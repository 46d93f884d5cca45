//! Command-line flags and the config file, turned into each module's own options; errors about
//! them in one line.

mod config_file;
mod tools;
mod values;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use ipnet::IpNet;
use values::duration_within;

pub use tools::{BenchArgs, CheckArgs, ClientArgs};

use crate::cli::config_file::{self as config, ConfigFile};
use crate::dashboard;
use crate::dashboard::ThemeName;
use crate::log::LogFormat;
use crate::run::ServeOptions;
use crate::server::Config;
use crate::server::Mode;
use crate::time::Zone;

#[derive(Debug, Parser)]
#[command(
    name = "jamtui",
    version,
    about = "A concurrent TCP time server (TIME -> JAM hh:mm:ss) with a live terminal dashboard",
    args_conflicts_with_subcommands = true,
    // The config file's settings come first on the command line; the user's own win.
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask a time server for the time like the assignment's client, checking every reply
    Client(ClientArgs),
    /// Measure a server: requests/s and latency percentiles under a closed-loop load
    Bench(BenchArgs),
    /// Grade a time server against the assignment's rules as real networks enforce them
    Check(CheckArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or a subcommand's: `jamtui man check > jamtui-check.1`
    Man {
        /// The subcommand whose page to print (client, bench, check, completions, man)
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Read defaults for these flags, and key bindings, from this TOML file [default: the file
    /// named below]
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Address to listen on, IPv4 or IPv6 (:: listens on both)
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0", value_parser = values::parse_bind)]
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one
    #[arg(long, short, default_value_t = 45000)]
    pub port: u16,
    /// Time zone of the replies, an IANA name such as Asia/Jakarta [default: the system's zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<Zone>,
    /// Longest request line in bytes; a longer one gets `ERR line too long` and is closed
    #[arg(long, value_name = "BYTES", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(values::MAX_LINE))]
    pub max_line: u64,
    /// Most clients served at once; one more gets `ERR server busy, try again later`
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(values::MAX_CLIENTS))]
    pub max_clients: u64,
    /// Close a connection that completes no request for this long: seconds, or with a unit
    /// (500ms, 5m); 0 = never
    #[arg(long, value_name = "DURATION", default_value = "300",
          value_parser = duration_within(values::IDLE_TIMEOUT))]
    pub idle_timeout: Duration,
    /// Accept connections only from this network (CIDR such as 172.16.16.0/24, or one address);
    /// repeat for more. Default: everyone
    #[arg(long, value_name = "CIDR", value_parser = values::parse_network)]
    pub allow: Vec<IpNet>,
    /// Serve every client at once, one at a time, or a pool of --pool-size at once (key: m)
    #[arg(long, value_enum, default_value_t = ModeName::Concurrent)]
    pub mode: ModeName,
    /// Clients served at once in pool mode
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(values::POOL_SIZE))]
    pub pool_size: u64,
    /// A pause before each reply, to make queueing visible (100ms, 1s; keys: + and -)
    #[arg(long, value_name = "DURATION", default_value = "0",
          value_parser = duration_within(values::DELAY))]
    pub delay: Duration,
    /// Keep a closed connection in the dashboard's clients table this long, dimmed, with how it
    /// ended (the assignment's client connects for a millisecond); 0 = not at all
    #[arg(long, value_name = "DURATION", default_value = "5s",
          value_parser = duration_within(values::KEEP_CLOSED))]
    pub keep_closed: Duration,
    /// Also run N built-in clients like the assignment's (TIME every second), for a demo
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(values::DEMO_CLIENTS))]
    pub demo: u64,
    /// Run without the dashboard, logging to stderr
    #[arg(long)]
    pub headless: bool,
    /// Mask client addresses everywhere (table, log, log file, exports): 172.16.x.x~3fa2:43256 (key: h)
    #[arg(long)]
    pub privacy: bool,
    /// For a shared screen (the help lists the keys it turns off: `dashboard::bindings`)
    #[arg(long)]
    pub read_only: bool,
    /// Plain-ASCII borders, charts and symbols, for consoles without box-drawing fonts
    #[arg(long)]
    pub ascii: bool,
    /// Leave the mouse to the terminal (to select and copy text) instead of clicking rows
    #[arg(long)]
    pub no_mouse: bool,
    /// Write the table on screen (clients, or machines after v) as CSV to this file when the
    /// dashboard quits (key e: now)
    #[arg(long, value_name = "PATH", conflicts_with = "headless")]
    pub export_on_exit: Option<PathBuf>,
    /// Name the students' machines in the dashboard from a roster: `name,host[,port]` rows, the
    /// file `jamtui check --roster` grades; students not seen yet are listed by machine (v)
    #[arg(long, value_name = "FILE", conflicts_with = "headless")]
    pub roster: Option<PathBuf>,
    /// What the clients table lists (the `v` key switches) [default: machines with a roster,
    /// else connections until clients are seen connecting for each request]
    #[arg(long, value_enum, value_name = "VIEW", conflicts_with = "headless")]
    pub view: Option<dashboard::ClientsView>,
    /// The dashboard's colours (the `t` key cycles them); NO_COLOR turns colour off
    #[arg(long, value_enum, default_value_t = ThemeName::Dark)]
    pub theme: ThemeName,
    /// Key bindings from the config file (not a flag).
    #[arg(skip)]
    pub keys: Vec<(
        crossterm::event::KeyCode,
        crate::dashboard::bindings::Action,
    )>,
    /// How log lines look
    #[arg(long, value_enum, default_value_t = LogFormat::Classic)]
    pub log_format: LogFormat,
    /// Leave out the per-request log lines (received/sending)
    #[arg(long, short)]
    pub quiet: bool,
    /// Also append every log line to this file
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// The dashboard's language (the log keeps the assignment's English WARNING lines)
    #[command(flatten)]
    pub lang: tools::LangArg,
}

impl ServeArgs {
    pub fn server_config(&self) -> Config {
        Config {
            addr: SocketAddr::new(self.bind, self.port),
            zone: self.tz.unwrap_or_else(Zone::system),
            max_line: self.max_line as usize,
            max_clients: self.max_clients as usize,
            idle_timeout: (!self.idle_timeout.is_zero()).then_some(self.idle_timeout),
            request_events: !self.quiet,
            allow: self.allow.clone(),
            mode: match self.mode {
                ModeName::Concurrent => Mode::Concurrent,
                ModeName::Sequential => Mode::Sequential,
                ModeName::Pool => Mode::Pool(self.pool_size as usize),
            },
            pool_size: self.pool_size as usize,
            delay: self.delay,
            // Only the dashboard shows closed connections.
            keep_closed: if self.headless {
                Duration::ZERO
            } else {
                self.keep_closed
            },
            #[cfg(feature = "fault-injection")]
            panic_on: None,
        }
    }

    pub fn serve_options(&self) -> ServeOptions {
        ServeOptions {
            server: self.server_config(),
            demo: self.demo as usize,
            log_format: self.log_format,
            log_file: self.log_file.clone(),
            privacy: self.privacy,
        }
    }

    /// The dashboard's options; the roster, if one is named, is read now (and a row whose
    /// machine cannot be placed is told on stderr).
    pub fn dashboard_options(&self) -> anyhow::Result<dashboard::Options> {
        let names = match &self.roster {
            Some(path) => {
                let (names, unnamed) = dashboard::Names::read(path)?;
                for line in unnamed {
                    eprintln!("{line}");
                }
                names
            }
            None => dashboard::Names::default(),
        };
        Ok(dashboard::Options {
            theme: self.theme,
            read_only: self.read_only,
            ascii: self.ascii,
            mouse: !self.no_mouse,
            export_on_exit: self.export_on_exit.clone(),
            keys: self.keys.clone(),
            names: std::sync::Arc::new(names),
            view: self.view,
            lang: self.lang.lang(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeName {
    /// Every client served at once
    Concurrent,
    /// One client at a time, like a server without threads
    Sequential,
    /// At most --pool-size clients at once, like a thread pool
    Pool,
}

/// The command line with the config file's settings in front (flags given on the command line
/// win), parsed. The config file is the one `--config` names, or the default one if it exists;
/// it applies to the server, not to the subcommands.
pub fn parse_with_config(args: &[OsString]) -> Result<Cli, ParseFailure> {
    let runs_subcommand = args
        .get(1)
        .and_then(|first| first.to_str())
        .is_some_and(|first| subcommand_names().iter().any(|name| name == first));
    let named = args
        .iter()
        .position(|arg| arg == "--config")
        .and_then(|at| args.get(at + 1))
        .map(PathBuf::from)
        .or_else(|| {
            args.iter()
                .find_map(|arg| arg.to_str()?.strip_prefix("--config="))
                .map(PathBuf::from)
        });
    let file = match (&named, runs_subcommand) {
        (_, true) => ConfigFile::default(),
        (Some(path), false) => config::load(path, true).map_err(ParseFailure::Config)?,
        (None, false) => match config::default_path() {
            Some(path) => config::load(&path, false).map_err(ParseFailure::Config)?,
            None => ConfigFile::default(),
        },
    };
    // A flag given on the command line replaces the file's setting (lists are not merged).
    let given = command().try_get_matches_from(args).ok();
    let flags = Cli::command();
    let on_command_line = |key: &str| {
        given.as_ref().is_some_and(|given| {
            flags
                .get_arguments()
                .find(|arg| arg.get_long() == Some(key))
                .is_some_and(|arg| {
                    given.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
                })
        })
    };
    let file_args = file
        .settings
        .iter()
        .filter(|(key, _)| !on_command_line(key))
        .flat_map(|(_, args)| args.iter().map(OsString::from));
    let full: Vec<OsString> = args
        .iter()
        .take(1)
        .cloned()
        .chain(file_args)
        .chain(args.iter().skip(1).cloned())
        .collect();
    let matches = command()
        .try_get_matches_from(&full)
        .map_err(ParseFailure::Flags)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(ParseFailure::Flags)?;
    cli.serve.keys = file.keys;
    Ok(cli)
}

/// Why the command line could not be used.
pub enum ParseFailure {
    /// A wrong flag, or --help / --version.
    Flags(clap::Error),
    Config(anyhow::Error),
}

/// The command, with the config file's place told in `--help`.
pub fn command() -> clap::Command {
    let place = config::default_path().map_or_else(
        || "none on this system".to_string(),
        |path| path.display().to_string(),
    );
    Cli::command()
        .mut_arg("read_only", |arg| {
            arg.help(dashboard::bindings::read_only_help())
        })
        .after_help(format!(
            "Config file: {place} (TOML: flag = value, and [keys] action = \"key\"; see README.md)"
        ))
}

/// The man page of jamtui (`None`) or of one of its subcommands, in roff. The pages name each
/// other (`jamtui-check(1)`), and each one named can be printed.
pub fn man_page(subcommand: Option<&str>) -> anyhow::Result<Vec<u8>> {
    // As clap_mangen's own generate_to: `help` has no page, so none names it.
    let mut jamtui = command().disable_help_subcommand(true);
    jamtui.build();
    let page = match subcommand {
        None => jamtui,
        Some(name) => match jamtui.find_subcommand(name) {
            Some(page) => page.clone(),
            None => {
                let names: Vec<&str> = jamtui.get_subcommands().map(|sub| sub.get_name()).collect();
                anyhow::bail!(
                    "no subcommand '{name}' has a man page; pick one of {}",
                    names.join(", ")
                );
            }
        },
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    Ok(roff)
}

/// The subcommands' names, as clap knows them (`help` included).
fn subcommand_names() -> Vec<String> {
    let mut command = Cli::command();
    command.build();
    command
        .get_subcommands()
        .map(|subcommand| subcommand.get_name().to_string())
        .collect()
}

/// clap's message in one line: the error, its tip, and where to read more. `args` are the
/// command-line arguments, to point at the right `--help`.
pub fn one_line_error<S: AsRef<std::ffi::OsStr>>(error: &clap::Error, args: &[S]) -> String {
    let rendered = error.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    // An error ending in ':' lists what it means on the lines below it (the arguments a flag
    // requires): they belong to it.
    let mut listing = false;
    for line in rendered.lines().map(str::trim) {
        if listing && !line.is_empty() {
            if let Some(error) = parts.last_mut() {
                error.push_str(if error.ends_with(':') { " " } else { ", " });
                error.push_str(line);
            }
            continue;
        }
        listing = false;
        if line.starts_with("error:") {
            listing = line.ends_with(':');
            parts.push(line.to_string());
        } else if let Some(tip) = line.strip_prefix("tip:") {
            parts.push(tip.trim().to_string());
        } else if line.starts_with("[possible values:") {
            parts.push(line.to_string());
        }
    }
    let names = subcommand_names();
    let subcommand = args
        .iter()
        .filter_map(|arg| arg.as_ref().to_str())
        .find(|arg| names.iter().any(|name| name == arg));
    let help = match subcommand {
        Some(name) => format!("jamtui {name} --help"),
        None => "jamtui --help".to_string(),
    };
    format!("{}; see '{help}'", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("jamtui").chain(args.iter().copied()))
    }

    fn error_line(args: &[&str]) -> String {
        one_line_error(&parse(args).unwrap_err(), args)
    }

    #[test]
    fn defaults_match_the_assignment() {
        let cli = parse(&[]).unwrap();
        assert!(cli.command.is_none());
        let config = cli.serve.server_config();
        assert_eq!(config.addr, "0.0.0.0:45000".parse().unwrap());
        assert_eq!(config.max_line, 1024);
        assert_eq!(config.max_clients, 10_000);
        assert_eq!(config.idle_timeout, Some(Duration::from_secs(300)));
        assert_eq!(config.zone, Zone::system());
    }

    #[test]
    fn idle_timeout_takes_seconds_units_or_zero() {
        let timeout = |value: &str| {
            parse(&["--idle-timeout", value]).map(|cli| cli.serve.server_config().idle_timeout)
        };
        assert_eq!(timeout("90").unwrap(), Some(Duration::from_secs(90)));
        assert_eq!(timeout("0.25").unwrap(), Some(Duration::from_millis(250)));
        assert_eq!(timeout("500ms").unwrap(), Some(Duration::from_millis(500)));
        assert_eq!(timeout("0").unwrap(), None);
        assert!(timeout("soon").is_err());
        assert!(timeout("-1").is_err());
    }

    #[test]
    fn allow_takes_networks_and_single_addresses() {
        let cli = parse(&[
            "--allow",
            "172.16.16.0/24",
            "--allow",
            "10.0.0.5",
            "--allow",
            "::1",
        ])
        .unwrap();
        let allow: Vec<String> = cli.serve.allow.iter().map(ToString::to_string).collect();
        assert_eq!(allow, ["172.16.16.0/24", "10.0.0.5/32", "::1/128"]);
        assert!(error_line(&["--allow", "lab"]).contains("172.16.16.0/24"));
    }

    #[test]
    fn ipv6_and_zones_parse() {
        let cli = parse(&["--bind", "::1", "--port", "0", "--tz", "Asia/Jakarta"]).unwrap();
        let config = cli.serve.server_config();
        assert_eq!(config.addr, "[::1]:0".parse().unwrap());
        assert_eq!(config.zone.name(), "Asia/Jakarta");
    }

    #[test]
    fn wrong_flags_give_one_line_naming_the_fix() {
        let message = error_line(&["--prot", "1"]);
        assert!(!message.contains('\n'), "{message}");
        assert!(
            message.contains("'--prot'") && message.contains("'--port'"),
            "{message}"
        );
        assert!(message.ends_with("see 'jamtui --help'"), "{message}");

        let message = error_line(&["client", "--count", "many"]);
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains("'many'"), "{message}");
        assert!(message.ends_with("see 'jamtui client --help'"), "{message}");

        let message = error_line(&["man", "--bogus"]);
        assert!(message.ends_with("see 'jamtui man --help'"), "{message}");

        let message = error_line(&["--tz", "Mars/Olympus"]);
        assert!(
            message.contains("unknown time zone 'Mars/Olympus'"),
            "{message}"
        );
    }

    #[test]
    fn a_list_on_the_command_line_replaces_the_config_files() {
        let dir = std::env::temp_dir().join(format!("jamtui-allow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.toml");
        std::fs::write(&file, "allow = [\"127.0.0.0/8\"]\nport = 0\n").unwrap();
        let parse = |extra: &[&str]| {
            let args: Vec<OsString> = ["jamtui", "--config", file.to_str().unwrap()]
                .iter()
                .chain(extra)
                .map(OsString::from)
                .collect();
            let Ok(cli) = parse_with_config(&args) else {
                panic!("{extra:?} parses");
            };
            cli.serve
        };
        let narrowed = parse(&["--allow", "10.0.0.0/8"]);
        let allow: Vec<String> = narrowed.allow.iter().map(ToString::to_string).collect();
        assert_eq!(allow, ["10.0.0.0/8"]);
        assert_eq!(narrowed.port, 0, "the file's other settings stay");
        let from_file = parse(&[]);
        assert_eq!(from_file.allow.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn subcommands_are_known_by_their_clap_names() {
        let names = subcommand_names();
        for name in ["client", "bench", "completions", "man", "help"] {
            assert!(names.iter().any(|known| known == name), "{name}: {names:?}");
        }
    }

    #[test]
    fn client_defaults_match_the_assignment() {
        let Some(Command::Client(args)) = parse(&["client"]).unwrap().command else {
            panic!("expected the client subcommand");
        };
        let options = args.options();
        assert_eq!((options.host.as_str(), options.port), ("127.0.0.1", 45000));
        assert_eq!(options.clients, 1);
        assert_eq!(options.count, None);
        assert_eq!(options.interval, Duration::from_secs(1));
        assert!(!options.keep_open);
    }
}
