//! The real binary: flags, errors, headless logging, signals, and `jamtui client`.

use std::process::Output;
use std::time::Duration;

use crate::common::{
    TestServer, WAIT, answering_with, assert_one_line_error, config, finish, finish_within, jamtui,
    stderr, student_server,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr};
use tokio::time::timeout;

/// `jamtui client --port PORT ARGS...`, run to its end.
async fn run_client(port: u16, args: &[&str]) -> Output {
    let port = port.to_string();
    finish(jamtui().args(["client", "--port", &port]).args(args)).await
}

#[tokio::test]
async fn a_wrong_flag_is_one_line_naming_the_fix() {
    let output = finish(jamtui().args(["--prot", "45000"])).await;
    assert_one_line_error(&output, "'--port'");
    assert_eq!(output.status.code(), Some(2));
    let output = finish(jamtui().args(["client", "--intervall", "1s"])).await;
    assert_one_line_error(&output, "jamtui client --help");
}

#[tokio::test]
async fn an_unknown_zone_is_one_line() {
    let output = finish(jamtui().args(["--headless", "--port", "0", "--tz", "Mars/Olympus"])).await;
    assert_one_line_error(&output, "unknown time zone 'Mars/Olympus'");
}

#[tokio::test]
async fn a_roster_that_cannot_be_read_is_one_line_before_anything_starts() {
    let missing = crate::common::no_user_config().join("no-such-roster.csv");
    let output = finish(jamtui().args(["--port", "0", "--roster"]).arg(&missing)).await;
    assert_one_line_error(&output, "cannot read the roster");
    assert!(stderr(&output).contains("no-such-roster.csv"));
}

#[tokio::test]
async fn a_busy_port_is_one_line_naming_the_fix() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output =
        finish(jamtui().args(["--headless", "--bind", "127.0.0.1", "--port", &port])).await;
    let message = stderr(&output);
    assert!(message.contains("--port"), "{message}");
    #[cfg(unix)]
    {
        assert_one_line_error(&output, "already in use");
        assert!(message.contains("net.ipv4.ip_local_reserved_ports"));
    }
    // Windows says "in use"; Wine says no permission, and the words for that name the holder too.
    #[cfg(windows)]
    assert_one_line_error(&output, "`netstat -ano` names it");
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn help_lists_every_flag() {
    // Every flag clap knows, of the server and of each subcommand, is in its --help.
    let command = jamtui::cli::command();
    let mut pages: Vec<(Vec<String>, Vec<String>)> = vec![(
        vec!["--help".to_string()],
        command
            .get_arguments()
            .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
            .collect(),
    )];
    for subcommand in command.get_subcommands() {
        pages.push((
            vec![subcommand.get_name().to_string(), "--help".to_string()],
            subcommand
                .get_arguments()
                .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
                .collect(),
        ));
    }
    assert!(pages[0].1.len() >= 20, "{:?}", pages[0].1);
    for (args, flags) in pages {
        let output = finish(jamtui().args(&args)).await;
        assert!(output.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&output.stdout);
        for flag in flags {
            assert!(help.contains(&flag), "{flag} missing from {args:?}");
        }
    }
}

/// A headless server on an ephemeral loopback port, with its log lines.
struct Headless {
    // Held so that the server is killed with it; signalled on Unix.
    #[cfg_attr(not(unix), allow(dead_code))]
    child: Child,
    log: Lines<BufReader<ChildStderr>>,
    port: u16,
}

impl Headless {
    async fn start(extra: &[&str]) -> Headless {
        Headless::start_with_env(&[], extra).await
    }

    async fn start_with_env(env: &[(&str, &str)], extra: &[&str]) -> Headless {
        let mut child = jamtui()
            .envs(env.iter().copied())
            .args([
                "--headless",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--tz",
                "UTC",
            ])
            .args(extra)
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = next_line(&mut log).await;
        let port = first
            .rsplit_once("127.0.0.1:")
            .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("the first line names the address: {first:?}"));
        Headless { child, log, port }
    }

    async fn expect_line(&mut self, needle: &str) -> String {
        loop {
            let line = next_line(&mut self.log).await;
            if line.contains(needle) {
                return line;
            }
        }
    }

    #[cfg(unix)]
    fn signal(&self, name: &str) {
        let pid = self.child.id().unwrap().to_string();
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Stops the server with SIGTERM and returns the log lines it wrote until it exited.
    #[cfg(unix)]
    async fn lines_until_exit(&mut self) -> Vec<String> {
        self.signal("TERM");
        let mut lines = Vec::new();
        while let Ok(Ok(Some(line))) = timeout(WAIT, self.log.next_line()).await {
            lines.push(line);
        }
        lines
    }

    #[cfg(unix)]
    async fn exit_code(mut self) -> Option<i32> {
        // Bounded, not timed: the code's own bounds add up to 1.7 s, and a loaded machine adds
        // its delays on top (a 2 s bound failed one run in two with the tests in parallel).
        let status = timeout(WAIT, self.child.wait())
            .await
            .expect("exits after a signal")
            .unwrap();
        status.code()
    }
}

async fn next_line(log: &mut Lines<BufReader<ChildStderr>>) -> String {
    timeout(WAIT, log.next_line())
        .await
        .expect("a log line in time")
        .unwrap()
        .expect("the log goes on")
}

#[cfg(unix)]
async fn ask_time(port: u16) -> (String, u16) {
    let mut client = crate::common::Client::connect(([127, 0, 0, 1], port).into()).await;
    let local_port = client.stream.get_ref().local_addr().unwrap().port();
    client.send(b"TIME\r\n").await;
    let reply = client.line().await;
    client.quit().await;
    (reply, local_port)
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn headless_logs_like_the_assignment_and_exits_0_on_sigterm() {
    let mut server = Headless::start(&[]).await;
    let (reply, client_port) = ask_time(server.port).await;
    let addr = format!("('127.0.0.1', {client_port})");
    assert_eq!(
        server.expect_line("connection from").await,
        format!("WARNING:root:connection from {addr}")
    );
    assert_eq!(
        server.expect_line("received").await,
        format!(r"WARNING:root:[SERVER] received b'TIME\r\n' from {addr}")
    );
    assert_eq!(
        server.expect_line("sending").await,
        format!(
            "WARNING:root:[SERVER] sending {} to {addr}",
            reply.trim_end()
        )
    );
    server
        .expect_line(&format!("closing connection with {addr}"))
        .await;
    server.signal("TERM");
    assert_eq!(server.exit_code().await, Some(0));
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_exits_0() {
    let server = Headless::start(&[]).await;
    server.signal("INT");
    assert_eq!(server.exit_code().await, Some(0));
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn rust_log_can_drop_the_per_request_lines_alone() {
    // The first line, which names the port, must still come.
    let mut server = Headless::start_with_env(&[("RUST_LOG", "jamtui::request=off")], &[]).await;
    ask_time(server.port).await;
    let lines = server.lines_until_exit().await;
    let count = |needle: &str| lines.iter().filter(|line| line.contains(needle)).count();
    assert_eq!(count("connection from"), 1, "{lines:?}");
    assert_eq!(count("received") + count("sending"), 0, "{lines:?}");
    assert_eq!(server.exit_code().await, Some(0));
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn quiet_leaves_out_the_per_request_lines() {
    let mut server = Headless::start(&["--quiet"]).await;
    ask_time(server.port).await;
    ask_time(server.port).await;
    let lines = server.lines_until_exit().await;
    let count = |needle: &str| lines.iter().filter(|line| line.contains(needle)).count();
    assert_eq!(count("connection from"), 2, "{lines:?}");
    assert_eq!(count("closing connection"), 2, "{lines:?}");
    assert_eq!(count("received") + count("sending"), 0, "{lines:?}");
    assert_eq!(server.exit_code().await, Some(0));
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn json_logs_are_one_object_a_line_and_log_file_gets_them_too() {
    let dir = std::env::temp_dir().join(format!("jamtui-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("server.log");
    let _ = std::fs::remove_file(&file);
    let mut server =
        Headless::start(&["--log-format", "json", "--log-file", file.to_str().unwrap()]).await;
    ask_time(server.port).await;
    let line = server.expect_line("sending").await;
    assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
    for field in [
        r#""level":"WARN""#,
        r#""event":"sending""#,
        r#""message":"[SERVER] sending JAM "#,
    ] {
        assert!(line.contains(field), "{field} missing in {line}");
    }
    // The connection's end is logged before the server's.
    server.expect_line("closing").await;
    server.signal("TERM");
    assert_eq!(server.exit_code().await, Some(0));
    // The file holds the same lines, each one JSON object: one ask of the assignment's client.
    let written = std::fs::read_to_string(&file).unwrap();
    let events: Vec<String> = written
        .lines()
        .map(|line| {
            let object: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
            object["event"].as_str().unwrap_or("").to_string()
        })
        .collect();
    assert_eq!(
        events,
        [
            "listening",
            "connected",
            "received",
            "sending",
            "received",
            "closing",
            "shutting_down"
        ],
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_client_prints_each_reply_and_connects_per_request() {
    let server = TestServer::start(config()).await;
    let output = run_client(
        server.addr().port(),
        &["--clients", "3", "--count", "2", "--interval", "50ms"],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    for client in 1..=3 {
        let prefix = format!("[client {client}] JAM ");
        assert_eq!(
            stdout.lines().filter(|l| l.starts_with(&prefix)).count(),
            2,
            "{stdout}"
        );
    }
    server.wait_for_counters(|c| c.active == 0).await;
    let counters = server.handle.counters();
    // A fresh connection for each TIME (the QUIT that follows is no request).
    assert_eq!((counters.connections, counters.requests), (6, 6));
}

#[tokio::test]
async fn keep_open_reuses_one_connection() {
    let server = TestServer::start(config()).await;
    let output = run_client(
        server.addr().port(),
        &["--count", "3", "--interval", "10ms", "--keep-open"],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 3);
    server.wait_for_counters(|c| c.active == 0).await;
    assert_eq!(server.handle.counters().connections, 1);
}

#[tokio::test]
async fn the_client_fails_clearly_when_nothing_listens() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let output = run_client(port, &["--count", "1"]).await;
    assert_one_line_error(&output, "cannot reach");
}

#[tokio::test]
async fn the_client_rejects_malformed_replies() {
    for (reply, needle) in [
        (&b"JAM 9:5:7\r\n"[..], "hh:mm:ss"),
        (b"JAM 23:19:50\n", "CR LF"),
        (b"TIME 23:19:50\r\n", "'JAM '"),
        (b"ERR server busy, try again later\r\n", "ERR server busy"),
    ] {
        let output = run_client(answering_with(reply).await, &["--count", "1"]).await;
        assert_one_line_error(&output, needle);
    }
    let silent = answering_with(b"").await;
    let output = run_client(silent, &["--count", "1", "--timeout", "100ms"]).await;
    assert_one_line_error(&output, "no reply");
}

/// `jamtui bench --json` against a server on `port`; the report parsed.
async fn bench_json(port: u16, args: &[&str]) -> (Output, serde_json::Value) {
    let port = port.to_string();
    let output = finish(
        jamtui()
            .args(["bench", "--port", &port, "--json", "--duration", "1s"])
            .args(args),
    )
    .await;
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        )
    });
    (output, report)
}

#[tokio::test]
async fn bench_runs_for_a_second_and_reports() {
    let server = TestServer::start(config()).await;
    let (output, report) = bench_json(
        server.addr().port(),
        &["--connections", "4", "--pipeline", "8", "--hold", "20"],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let requests = report["requests"].as_u64().unwrap();
    assert!(requests > 0);
    assert_eq!(report["errors"], 0);
    assert!(report["latency_ms"]["p99"].as_f64().unwrap() > 0.0);
    assert!(report["requests_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(
        (report["held"].as_u64(), report["held_answered"].as_u64()),
        (Some(20), Some(20))
    );
    // The server saw every request the bench counted (plus the held ones and any in flight).
    let served = server.handle.counters().requests;
    assert!(served >= requests + 20, "{served} < {requests} + 20");
}

#[tokio::test]
async fn bench_connect_per_request_is_the_assignment_client_in_a_loop() {
    let server = TestServer::start(config()).await;
    let (output, report) = bench_json(
        server.addr().port(),
        &["--connections", "2", "--connect-per-request"],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let requests = report["requests"].as_u64().unwrap();
    server.wait_for_counters(|c| c.active == 0).await;
    let connections = server.handle.counters().connections;
    assert!(
        requests > 0 && connections >= requests,
        "{connections} connections, {requests} requests"
    );
}

#[tokio::test]
async fn bench_quit_and_close_closes_right_after_quit_like_the_assignments_client() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let (output, report) = bench_json(
        server.addr().port(),
        &[
            "--connections",
            "2",
            "--connect-per-request",
            "--quit-and-close",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(report["quit_and_close"], true, "{report}");
    let requests = report["requests"].as_u64().unwrap();
    server.wait_for_counters(|c| c.active == 0).await;
    let counters = server.handle.counters();
    assert!(requests > 0);
    // Every TIME the bench counted was answered once, and nothing was an error.
    assert_eq!((counters.requests, counters.errors), (requests, 0));
    assert_eq!(counters.connections, requests);
    // Each connection ended by its QUIT.
    let mut gone = 0;
    while let Ok(event) = events.try_recv() {
        if let jamtui::server::Event::Gone { reason, .. } = event {
            assert_eq!(reason, jamtui::server::GoneReason::Quit);
            gone += 1;
        }
    }
    assert!(gone > 0);

    let output = finish(jamtui().args(["bench", "--quit-and-close"])).await;
    assert_one_line_error(&output, "--connect-per-request");
}

#[tokio::test]
async fn bench_counts_replies_that_break_the_protocol() {
    let port = answering_with(b"JAM 9:5:7\r\n").await;
    let (output, report) = bench_json(port, &["--connections", "1", "--connect-per-request"]).await;
    assert!(!output.status.success());
    assert_eq!(report["requests"], 0);
    assert!(report["errors"].as_u64().unwrap() > 0);
    assert!(
        report["first_error"].as_str().unwrap().contains("hh:mm:ss"),
        "{report}"
    );
}

#[tokio::test]
async fn completions_and_man_page_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let output = finish(jamtui().args(["completions", shell])).await;
        assert!(output.status.success(), "{}", stderr(&output));
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(
            script.contains("jamtui") && script.contains("idle-timeout"),
            "{shell}"
        );
        assert!(!script.contains("panic"), "no test hook offered: {shell}");
    }
    let output = finish(jamtui().arg("man")).await;
    assert!(output.status.success());
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(
        page.contains(".TH jamtui 1") && page.contains("max\\-clients"),
        "{page}"
    );
    // Every page the main page names can be printed.
    let named: Vec<String> = page
        .split("jamtui\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name.to_string()))
        .collect();
    assert!(named.contains(&"check".to_string()), "{named:?}");
    assert!(!named.contains(&"help".to_string()), "{named:?}");
    for name in &named {
        let output = finish(jamtui().args(["man", name])).await;
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let sub = String::from_utf8_lossy(&output.stdout);
        assert!(
            sub.contains(&format!(".TH jamtui-{name} 1")),
            "{name}: {sub}"
        );
    }
    let check = finish(jamtui().args(["man", "check"])).await;
    assert!(String::from_utf8_lossy(&check.stdout).contains("roster"));
    let output = finish(jamtui().args(["man", "grade"])).await;
    assert_one_line_error(&output, "pick one of client, bench, check");
    let output = finish(jamtui().args(["completions", "tcsh"])).await;
    assert_one_line_error(&output, "jamtui completions --help");
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn privacy_masks_addresses_in_the_log() {
    let mut server = Headless::start(&["--privacy"]).await;
    let (_, client_port) = ask_time(server.port).await;
    let connected = server.expect_line("connection from").await;
    let hidden = regex::Regex::new(&format!(
        r"^WARNING:root:connection from \('(127\.0\.x\.x~[0-9a-f]{{4}})', {client_port}\)$"
    ))
    .unwrap();
    let label = &hidden.captures(&connected).expect(&connected)[1];
    let line = server.expect_line("sending").await;
    assert!(
        line.ends_with(&format!("to ('{label}', {client_port})")),
        "the same machine, the same label: {line}"
    );
    server.signal("TERM");
    assert_eq!(server.exit_code().await, Some(0));
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn privacy_masks_addresses_in_the_json_log_fields_too() {
    let mut server = Headless::start(&["--privacy", "--log-format", "json"]).await;
    let (_, client_port) = ask_time(server.port).await;
    let line = server.expect_line("sending").await;
    let object: serde_json::Value = serde_json::from_str(&line).expect("one JSON object");
    let peer = object["peer"].as_str().expect("a peer");
    let label = peer
        .strip_suffix(&format!(":{client_port}"))
        .filter(|host| host.starts_with("127.0.x.x~"))
        .expect(&line);
    assert!(
        object["message"]
            .as_str()
            .is_some_and(|message| message.ends_with(&format!("to ('{label}', {client_port})"))),
        "{line}"
    );
    assert!(!line.contains("127.0.0.1:"), "{line}");
    server.signal("TERM");
    assert_eq!(server.exit_code().await, Some(0));
}

fn config_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = crate::common::scratch_dir(&format!("config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_config_file_sets_defaults_and_the_command_line_wins() {
    let path = config_file(
        "good.toml",
        "headless = true\nbind = \"127.0.0.1\"\nport = 0\ntz = \"Asia/Jakarta\"\nlog-format = \"json\"\n",
    );
    let config = path.to_str().unwrap();
    // The config alone: headless, on loopback, JSON log.
    let mut child = jamtui().args(["--config", config]).spawn().unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = next_line(&mut log).await;
    assert!(
        first.starts_with('{') && first.contains("127.0.0.1:") && first.contains("Asia/Jakarta"),
        "{first}"
    );
    child.kill().await.unwrap();
    // The command line wins over the config.
    let mut child = jamtui()
        .args(["--config", config, "--log-format", "classic", "--tz", "UTC"])
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = next_line(&mut log).await;
    assert!(
        first.starts_with("WARNING:root:[SERVER] listening on 127.0.0.1:") && first.contains("UTC"),
        "{first}"
    );
    child.kill().await.unwrap();
    // --config=PATH is the same file.
    let mut child = jamtui().arg(format!("--config={config}")).spawn().unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = next_line(&mut log).await;
    assert!(
        first.starts_with('{') && first.contains("Asia/Jakarta"),
        "{first}"
    );
    child.kill().await.unwrap();
}

#[tokio::test]
async fn a_bad_config_file_stops_jamtui_with_file_line_and_key() {
    let path = config_file(
        "bad.toml",
        "headless = true\nport = 0\ntheme = \"purple\"\n",
    );
    let output = finish(jamtui().args(["--config", path.to_str().unwrap()])).await;
    assert_one_line_error(&output, "line 3: 'theme'");
    assert!(stderr(&output).contains(path.to_str().unwrap()));
    let output = finish(jamtui().args(["--config", "/nonexistent/jamtui.toml"])).await;
    assert_one_line_error(
        &output,
        "cannot read the config file /nonexistent/jamtui.toml",
    );
}

#[tokio::test]
async fn help_names_the_config_file() {
    let output = finish(jamtui().arg("--help")).await;
    let help = String::from_utf8_lossy(&output.stdout);
    // `jamtui/config.toml` on Unix, `jamtui\config.toml` on Windows.
    assert!(
        help.contains("Config file: ") && help.contains("config.toml"),
        "{help}"
    );
}

#[tokio::test]
async fn bound_to_every_address_the_log_says_where_clients_connect() {
    let mut child = jamtui()
        .args(["--headless", "--bind", "0.0.0.0", "--port", "0"])
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = next_line(&mut log).await;
    assert!(first.contains("listening on 0.0.0.0:"), "{first}");
    let port = first
        .split("0.0.0.0:")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap()
        .to_string();
    let second = next_line(&mut log).await;
    let names_addresses = second.contains("[SERVER] clients connect to ")
        && second.contains(&format!(":{port}"))
        && !second.contains("0.0.0.0");
    let says_none = second.contains("no network address found");
    assert!(names_addresses || says_none, "{second}");
    let _ = child.start_kill();
}

/// A server as most students write it: one read is one request.
async fn one_read_one_request() -> u16 {
    student_server(|mut stream| async move {
        let mut buffer = [0u8; 1024];
        while let Ok(read) = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await {
            match &buffer[..read] {
                [] | b"QUIT\r\n" => return,
                b"TIME\r\n" => {
                    let _ = stream.write_all(b"JAM 12:00:00\r\n").await;
                }
                _ => {}
            }
        }
    })
    .await
}

#[tokio::test]
async fn split_and_together_show_a_server_that_reads_one_recv_as_one_request() {
    let naive = one_read_one_request().await;
    for flag in ["--split", "--together"] {
        let output = run_client(naive, &[flag, "--count", "1", "--timeout", "1s"]).await;
        let text = stderr(&output);
        assert!(!output.status.success(), "{text}");
        assert!(
            text.contains("did your server treat one recv() as one request?"),
            "{flag}: {text}"
        );
    }
    // In Indonesian: what it sends, and what the silence means.
    let said = run_client(
        naive,
        &["--split", "--count", "1", "--timeout", "1s", "--lang", "id"],
    )
    .await;
    let text = stderr(&said);
    assert!(!said.status.success(), "{text}");
    for words in [
        r"mengirim setiap TIME dalam 2 kali kirim, berjarak 100 ms: b'TI', b'ME\r\n'",
        "apakah server kalian menganggap satu recv() sebagai satu request?",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    // A server that frames its input answers either way.
    let server = TestServer::start(config()).await;
    let port = server.addr().port();
    let split = run_client(port, &["--split", "--count", "2", "--interval", "50ms"]).await;
    assert!(split.status.success(), "{}", stderr(&split));
    assert!(stderr(&split).contains(r"in 2 writes, 100 ms apart: b'TI', b'ME\r\n'"));
    assert_eq!(String::from_utf8_lossy(&split.stdout).lines().count(), 2);
    let together = run_client(port, &["--together", "--count", "4", "--interval", "50ms"]).await;
    assert!(together.status.success(), "{}", stderr(&together));
    assert!(stderr(&together).contains(r"sending two TIMEs in 1 write: b'TIME\r\nTIME\r\n'"));
    assert_eq!(String::from_utf8_lossy(&together.stdout).lines().count(), 4);
    let kept = run_client(port, &["--together", "--keep-open", "--count", "2"]).await;
    assert!(kept.status.success(), "{}", stderr(&kept));
    assert_eq!(String::from_utf8_lossy(&kept.stdout).lines().count(), 2);
    server.wait_for_counters(|c| c.active == 0).await;
    // Two split asks; two together asks of two TIMEs each; one on a kept connection.
    let counters = server.handle.counters();
    assert_eq!((counters.connections, counters.requests), (5, 8));
}

#[tokio::test]
async fn the_summary_counts_the_replies_of_clients_that_failed_later() {
    // Five good replies on each connection, then an error: each client fails after five.
    let port = student_server(|mut stream| async move {
        let mut buffer = [0u8; 64];
        for _ in 0..5 {
            if matches!(
                tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await,
                Ok(0) | Err(_)
            ) {
                return;
            }
            let _ = stream.write_all(b"JAM 12:00:00\r\n").await;
        }
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
        let _ = stream.write_all(b"ERR going away\r\n").await;
    })
    .await;
    let output = run_client(
        port,
        &[
            "--clients",
            "2",
            "--keep-open",
            "--interval",
            "20ms",
            "--count",
            "50",
        ],
    )
    .await;
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(
        text.contains(
            "2 clients: 10 replies, 0 reconnections after the server closed a connection, 2 failed"
        ),
        "{text}"
    );
    // Each message is a line of its own, never glued to another.
    assert!(
        text.lines()
            .all(|line| line.matches("[client").count() <= 1),
        "{text}"
    );
}

#[tokio::test]
async fn read_only_help_lists_every_key_the_dashboard_refuses() {
    let output = finish(jamtui().arg("--help")).await;
    let help = String::from_utf8_lossy(&output.stdout);
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for refused in [
        "kick (k Delete)",
        "privacy (h)",
        "export (e)",
        "quit (q Esc)",
    ] {
        assert!(words.contains(refused), "{refused}: {help}");
    }
}

/// A server that sends valid replies without end and never reads what it is sent.
async fn never_reading() -> u16 {
    student_server(|mut stream| async move {
        let replies = b"JAM 12:00:00\r\n".repeat(64);
        while stream.write_all(&replies).await.is_ok() {}
    })
    .await
}

#[tokio::test]
async fn bench_and_client_end_in_time_against_a_server_that_never_reads() {
    let port = never_reading().await.to_string();
    let bench = finish_within(
        jamtui().args([
            "bench",
            "--port",
            &port,
            "--connections",
            "1",
            "--pipeline",
            "10000",
            "--duration",
            "2s",
            "--timeout",
            "1s",
        ]),
        Duration::from_secs(20),
    )
    .await;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&bench.stdout),
        stderr(&bench)
    );
    // Both are true of this server; which the bench meets first depends on the platform's
    // socket buffers (Wine meets the second).
    assert!(
        said.contains("the server stopped reading")
            || said.contains("a reply arrived with no request in flight"),
        "{said}"
    );

    let client = finish_within(
        jamtui().args([
            "client",
            "--port",
            &port,
            "--keep-open",
            "--interval",
            "0",
            "--timeout",
            "1s",
        ]),
        Duration::from_secs(60),
    )
    .await;
    assert!(!client.status.success());
    assert!(
        stderr(&client).contains("the server stopped reading"),
        "{}",
        stderr(&client)
    );
}

#[tokio::test]
async fn a_long_request_line_is_logged_cut_whatever_max_line_allows() {
    let mut server = Headless::start(&["--max-line", "65536"]).await;
    let mut client = crate::common::Client::connect(([127, 0, 0, 1], server.port).into()).await;
    let mut padded = b"TIME".to_vec();
    padded.resize(60_000, b' ');
    padded.extend_from_slice(b"\r\n");
    client.send(&padded).await;
    client.line().await;
    let received = server.expect_line("received").await;
    assert!(received.len() < 400, "{} bytes logged", received.len());
    assert!(received.contains("(60002 bytes)"), "{received}");
}

/// Of a headless log: the requests logged one by one, and those its summaries say were not.
#[cfg(unix)]
fn requests_logged_and_summed(lines: &[String]) -> (u64, u64) {
    let logged = lines
        .iter()
        .filter(|line| line.contains("[SERVER] received"))
        .count() as u64;
    let summed = lines
        .iter()
        .filter(|line| line.contains("requests answered but not logged"))
        .filter_map(|line| {
            line.split("[SERVER] ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum();
    (logged, summed)
}

// Signals by `kill`: not on Windows.
#[cfg(unix)]
#[tokio::test]
async fn the_last_seconds_summary_of_lines_not_logged_is_told_at_shutdown() {
    let mut server = Headless::start(&[]).await;
    let mut client = crate::common::Client::connect(([127, 0, 0, 1], server.port).into()).await;
    // Far past the 5,000 request lines a second the log writes, then at once SIGTERM.
    client.send(&b"TIME\r\n".repeat(20_000)).await;
    for _ in 0..20_000 {
        client.line().await;
    }
    let lines = server.lines_until_exit().await;
    let (received, told) = requests_logged_and_summed(&lines);
    // Every request is either logged or counted in a summary, the last second's included.
    assert_eq!(
        received + told,
        20_000,
        "{:?}",
        &lines[lines.len().saturating_sub(5)..]
    );
}

#[tokio::test]
async fn an_export_that_cannot_be_written_is_refused_at_start() {
    let output =
        finish(jamtui().args(["--export-on-exit", "/no-such-directory/clients.csv"])).await;
    assert_one_line_error(&output, "/no-such-directory does not exist");
}

#[tokio::test]
async fn a_split_request_to_a_paused_server_is_told_as_a_pause_not_a_byte_stream_mistake() {
    let server = TestServer::start(config()).await;
    server.handle.pause();
    let port = server.addr().port();
    let output = run_client(port, &["--split", "--count", "1", "--timeout", "1s"]).await;
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("is the server paused"), "{text}");
    assert!(!text.contains("recv()"), "one thing, the true one: {text}");
}

#[cfg(unix)]
#[tokio::test]
async fn one_client_flooding_garbage_gets_a_hundred_log_lines_a_second_not_the_whole_budget() {
    let mut server = Headless::start(&[]).await;
    let mut client = crate::common::Client::connect(([127, 0, 0, 1], server.port).into()).await;
    let garbage = [&[0xffu8; 1000][..], b"\r\n"].concat().repeat(3000);
    client.send(&garbage).await;
    for _ in 0..3000 {
        client.line().await;
    }
    let lines = server.lines_until_exit().await;
    let (received, told) = requests_logged_and_summed(&lines);
    // At most a hundred a second from one client (its flood may straddle two seconds).
    assert!(received <= 200, "{received} lines for one client");
    assert_eq!(received + told, 3000);
    let summary = lines
        .iter()
        .find(|line| line.contains("not logged"))
        .unwrap();
    assert!(summary.contains("or 100 from one client"), "{summary}");
}
