//! Helpers for tests over real TCP on 127.0.0.1 with ephemeral ports. Every wait is bounded.
#![allow(dead_code)]

pub mod pane;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use jamtui::server::ServerHandle;
use jamtui::server::{Config, Server};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Bound on any single wait in a test.
pub const WAIT: Duration = Duration::from_secs(5);

/// A config listening on an ephemeral loopback port, replies in UTC.
pub fn config() -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        zone: "UTC".parse().unwrap(),
        ..Config::default()
    }
}

/// `config()` serving one client at a time.
pub fn sequential() -> Config {
    Config {
        mode: jamtui::server::Mode::Sequential,
        ..config()
    }
}

/// A server started with `config` (sequential or pool mode), and its first client, answered
/// once: it holds the turn.
pub async fn turn_taken(config: Config) -> (TestServer, Client) {
    let server = TestServer::start(config).await;
    let mut first = server.client().await;
    first.send(b"TIME\r\n").await;
    assert_time_reply(&first.line().await);
    (server, first)
}

pub struct TestServer {
    pub handle: ServerHandle,
    pub task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start(config: Config) -> TestServer {
        let server = Server::bind(config).await.expect("bind an ephemeral port");
        let handle = server.handle();
        let task = tokio::spawn(server.run());
        TestServer { handle, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    pub async fn client(&self) -> Client {
        Client::connect(self.addr()).await
    }

    /// The id the server gave `client`.
    pub fn id_of(&self, client: &Client) -> jamtui::server::ClientId {
        let local = client.stream.get_ref().local_addr().unwrap();
        self.handle
            .clients()
            .iter()
            .find(|listed| listed.peer == local)
            .expect("the client is listed")
            .id
    }

    /// One visit of the assignment's client: connect, TIME, read the reply, QUIT, and the
    /// server closes.
    pub async fn visit_like_the_assignment(&self) {
        let mut client = self.client().await;
        client.ask_time().await;
        client.quit().await;
    }

    /// Waits until the counters satisfy `condition`.
    pub async fn wait_for_counters(
        &self,
        condition: impl Fn(&jamtui::server::CounterSnapshot) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let counters = self.handle.counters();
            if condition(&counters) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "counters never matched: {counters:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub struct Client {
    pub stream: BufReader<TcpStream>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect in time")
            .expect("connect");
        Client {
            stream: BufReader::new(stream),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        timeout(WAIT, self.stream.get_mut().write_all(bytes))
            .await
            .expect("send in time")
            .expect("send");
    }

    /// The next line, terminator included; panics on EOF or timeout.
    pub async fn line(&mut self) -> String {
        let mut line = Vec::new();
        let read = timeout(WAIT, self.stream.read_until(b'\n', &mut line))
            .await
            .expect("a reply in time")
            .expect("read");
        assert!(read > 0, "connection closed while a reply was expected");
        String::from_utf8(line).expect("replies are UTF-8")
    }

    /// Asks for the time as the assignment's client does and checks the reply; returns how
    /// long the answer took.
    pub async fn ask_time(&mut self) -> Duration {
        let asked = std::time::Instant::now();
        self.send(b"TIME\r\n").await;
        assert_time_reply(&self.line().await);
        asked.elapsed()
    }

    /// Ends as the assignment's client does: QUIT, and the server closes.
    pub async fn quit(mut self) {
        self.send(b"QUIT\r\n").await;
        self.expect_closed().await;
    }

    /// Asserts nothing arrives for `quiet`.
    pub async fn expect_silence(&mut self, quiet: Duration) {
        let mut byte = [0u8; 1];
        if let Ok(read) = timeout(quiet, self.stream.read(&mut byte)).await {
            panic!("expected silence, got {read:?} / {byte:?}");
        }
    }

    /// Reads `lines` lines, then asserts the server closes the connection.
    pub async fn expect_closed_after_lines(&mut self, lines: usize) {
        for _ in 0..lines {
            self.line().await;
        }
        self.expect_closed().await;
    }

    /// Asserts the server closes the connection with nothing more sent.
    pub async fn expect_closed(&mut self) {
        let mut rest = Vec::new();
        let read = timeout(WAIT, self.stream.read_to_end(&mut rest))
            .await
            .expect("the server closes in time");
        match read {
            Ok(_) => assert!(
                rest.is_empty(),
                "expected close, got {:?}",
                String::from_utf8_lossy(&rest)
            ),
            Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset),
        }
    }
}

/// The time of day a `JAM hh:mm:ss` reply tells, in seconds.
/// The second of the day a `JAM hh:mm:ss` reply tells, read by the protocol's own parser.
pub fn seconds_of_day(reply: &str) -> i64 {
    let clock = reply.trim_end().strip_prefix("JAM ").expect("a TIME reply");
    i64::from(jamtui::protocol::clock_seconds(clock).expect("a valid hh:mm:ss"))
}

/// Asserts a line is a well-formed TIME reply.
pub fn assert_time_reply(line: &str) {
    assert!(
        jamtui::protocol::check_time_reply(line.as_bytes()).is_ok(),
        "not a TIME reply: {line:?}"
    );
}

/// Writes `bytes` on a task of its own, so that a test can read replies while it sends more
/// than the sockets hold. The task gives back the write half (dropping it would end the
/// client's side) and how the write ended.
pub fn write_on_a_task(
    mut writing: OwnedWriteHalf,
    bytes: Vec<u8>,
) -> JoinHandle<(OwnedWriteHalf, std::io::Result<()>)> {
    tokio::spawn(async move {
        let written = writing.write_all(&bytes).await;
        (writing, written)
    })
}

/// A stand-in for a student's server on 127.0.0.1: every connection is served by `serve` on a
/// task of its own. Returns its port.
pub async fn student_server<F, Serving>(serve: F) -> u16
where
    F: Fn(TcpStream) -> Serving + Send + 'static,
    Serving: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    port
}

/// A student's server that sends `reply` to every connection, whatever it is asked, and closes
/// 300 ms later.
pub async fn answering_with(reply: &'static [u8]) -> u16 {
    student_server(move |mut stream| async move {
        let _ = stream.write_all(reply).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    })
    .await
}

/// An empty directory to stand for the user's config directory, so that no test reads the
/// developer's own `~/.config/jamtui/config.toml`. It is under the build's own scratch directory
/// (`target/tmp`, which `cargo clean` empties), not the system's.
pub fn no_user_config() -> PathBuf {
    let dir = scratch_dir(&format!("home-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// A directory for a test's files under `target/tmp`.
pub fn scratch_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The real binary, its output captured, with no user config file.
pub fn jamtui() -> Command {
    let home = no_user_config();
    let mut command = Command::new(env!("CARGO_BIN_EXE_jamtui"));
    command
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        // English, whatever the machine's locale: a test asks for Indonesian with --lang.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

pub async fn finish(command: &mut Command) -> Output {
    finish_within(command, WAIT).await
}

pub async fn finish_within(command: &mut Command, limit: Duration) -> Output {
    timeout(limit, command.output())
        .await
        .expect("the command ends in time")
        .expect("the binary runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure told in one line naming `needle`, never a panic.
pub fn assert_one_line_error(output: &Output, needle: &str) {
    let text = stderr(output);
    assert!(!output.status.success(), "should fail: {text}");
    assert_eq!(text.lines().count(), 1, "one line expected: {text:?}");
    assert!(text.starts_with("error: "), "{text}");
    assert!(text.contains(needle), "{text:?} should mention {needle:?}");
    assert!(!text.contains("panicked"), "{text}");
}
