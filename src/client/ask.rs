//! The one way jamtui asks a server for the time: connect (bounded in time, never to itself),
//! send `TIME`, read one reply line (bounded in time and length), check it against the protocol,
//! and end with `QUIT`. `jamtui client`, the `--demo` clients and `jamtui bench` all go through
//! here.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::lang::{Lang, said};
use crate::protocol::check_time_reply;

/// The server closed the connection (or reset it) before replying: a kick, say.
#[derive(Debug)]
pub struct ServerClosed(pub Lang);

/// No reply came within the time allowed.
#[derive(Debug)]
pub struct NoReplyWithin(pub Duration, pub Lang);

impl std::fmt::Display for ServerClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&said!(self.0, "ask.server_closed"))
    }
}

impl std::error::Error for ServerClosed {}

impl std::fmt::Display for NoReplyWithin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limit = humantime::format_duration(self.0);
        f.write_str(&said!(self.1, "ask.no_reply_within", limit = limit))
    }
}

impl std::error::Error for NoReplyWithin {}

/// Between the writes of a request sent in pieces: long enough that the pieces arrive apart.
const PAUSE_BETWEEN_WRITES: Duration = Duration::from_millis(100);

/// How a client hands its requests to TCP: as real networks may deliver them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Each request in one write, as most clients send it.
    #[default]
    Whole,
    /// Each request in two writes, cut in the middle, a short pause between.
    Split,
    /// Two requests in one write.
    Together,
}

impl Delivery {
    /// The writes of one ask (`Together`: two requests).
    pub fn writes(self) -> Vec<&'static [u8]> {
        match self {
            Delivery::Whole => vec![b"TIME\r\n"],
            Delivery::Split => vec![b"TI", b"ME\r\n"],
            Delivery::Together => vec![b"TIME\r\nTIME\r\n"],
        }
    }

    /// The replies one ask gets from a server that frames its input.
    pub fn replies(self) -> usize {
        match self {
            Delivery::Together => 2,
            Delivery::Whole | Delivery::Split => 1,
        }
    }

    /// What it most likely means when a server does not answer this delivery but answers
    /// whole requests, in `lang`; `None` for whole requests.
    pub fn silence_means(self, lang: Lang) -> Option<String> {
        let key = match self {
            Delivery::Whole => return None,
            Delivery::Split => "client.split_silence",
            Delivery::Together => "client.together_silence",
        };
        Some(said!(lang, key))
    }
}

/// Longest reply line read before giving up on it.
pub const MAX_REPLY: usize = 1024;

/// A connection to a time server, with the bytes read but not yet taken as replies.
pub struct TimeConnection {
    stream: TcpStream,
    input: BytesMut,
    /// The language its failures are told in.
    lang: Lang,
}

impl TimeConnection {
    /// Connects to `host:port`, giving up after `limit`; its failures are told in `lang`.
    pub async fn open(
        host: &str,
        port: u16,
        limit: Duration,
        lang: Lang,
    ) -> anyhow::Result<TimeConnection> {
        Ok(TimeConnection::new(
            connect(host, port, limit, lang).await?,
            lang,
        ))
    }

    /// A connection already made.
    pub fn new(stream: TcpStream, lang: Lang) -> TimeConnection {
        let _ = stream.set_nodelay(true);
        TimeConnection {
            stream,
            input: BytesMut::with_capacity(256),
            lang,
        }
    }

    /// Sends `TIME` and returns the checked reply without CR LF (`JAM hh:mm:ss`). `limit`
    /// bounds the wait for the reply; `None` waits as long as the server takes.
    pub async fn ask(&mut self, limit: Option<Duration>) -> anyhow::Result<String> {
        let mut replies = self.ask_in(&Delivery::Whole.writes(), 1, limit).await?;
        Ok(replies.remove(0))
    }

    /// Sends `writes`, one write each with a short pause between, and returns the `replies`
    /// checked replies that follow.
    pub async fn ask_in(
        &mut self,
        writes: &[&[u8]],
        replies: usize,
        limit: Option<Duration>,
    ) -> anyhow::Result<Vec<String>> {
        let lang = self.lang;
        for (index, bytes) in writes.iter().enumerate() {
            if index > 0 {
                tokio::time::sleep(PAUSE_BETWEEN_WRITES).await;
            }
            write_within(&mut self.stream, bytes, limit, lang)
                .await
                .map_err(|error| match error.downcast::<std::io::Error>() {
                    Ok(error) => closed_or(error, "ask.sending_time_failed", lang),
                    Err(error) => error,
                })?;
        }
        let mut answers = Vec::with_capacity(replies);
        for _ in 0..replies {
            let reading = read_line(&mut self.stream, &mut self.input, lang);
            let end = match limit {
                Some(limit) => timeout(limit, reading)
                    .await
                    .map_err(|_| NoReplyWithin(limit, lang))??,
                None => reading.await?,
            };
            let reply = check_time_reply(&self.input[..=end])
                .map_err(|error| anyhow::anyhow!("{}", error.said(lang)))?;
            answers.push(reply.to_string());
            self.input.advance(end + 1);
        }
        Ok(answers)
    }

    /// Says QUIT and closes, as the assignment's client does; `limit` bounds the sending.
    pub async fn quit(mut self, limit: Option<Duration>) -> anyhow::Result<()> {
        write_within(&mut self.stream, b"QUIT\r\n", limit, self.lang)
            .await
            .with_context(|| said!(self.lang, "ask.sending_quit_failed"))?;
        let _ = self.stream.shutdown().await;
        Ok(())
    }
}

/// Writes all of `bytes`, within `limit` if there is one. A server that stops reading fills the
/// sockets' buffers and would block the write forever: past `limit` that is an error that says
/// so. An I/O error comes back as a `std::io::Error` inside the `anyhow::Error`.
pub async fn write_within(
    stream: &mut TcpStream,
    bytes: &[u8],
    limit: Option<Duration>,
    lang: Lang,
) -> anyhow::Result<()> {
    let Some(limit) = limit else {
        return Ok(stream.write_all(bytes).await?);
    };
    match timeout(limit, stream.write_all(bytes)).await {
        Ok(written) => Ok(written?),
        Err(_) => bail!(
            "{}",
            said!(
                lang,
                "ask.stopped_reading",
                bytes = bytes.len(),
                limit = humantime::format_duration(limit)
            )
        ),
    }
}

/// Why a connection could not be made, in a few words; `connect` adds what to check.
#[derive(Debug)]
pub enum ConnectError {
    Refused(std::io::Error),
    TimedOut(Duration),
    /// Connecting to an unused port in the ephemeral range can, rarely, connect the socket to
    /// itself (TCP simultaneous open); it would then read back its own `TIME`.
    ReachedItself,
}

impl ConnectError {
    /// Why, in `lang`; the system's own words (English) for a failure other than a refusal.
    pub fn said(&self, lang: Lang) -> String {
        match self {
            ConnectError::Refused(error)
                if lang != Lang::En && error.kind() == std::io::ErrorKind::ConnectionRefused =>
            {
                said!(lang, "connect.refused")
            }
            ConnectError::Refused(error) => error.to_string(),
            ConnectError::TimedOut(limit) => said!(
                lang,
                "connect.timed_out",
                limit = humantime::format_duration(*limit)
            ),
            ConnectError::ReachedItself => said!(lang, "connect.reached_itself"),
        }
    }

    /// The failure to reach `host:port`, with what to check, in `lang`.
    pub fn told(&self, host: &str, port: u16, lang: Lang) -> String {
        let check = match self {
            ConnectError::Refused(_) => "connect.check_listening",
            ConnectError::TimedOut(_) => "connect.check_firewall",
            ConnectError::ReachedItself => "connect.check_port",
        };
        said!(
            lang,
            "connect.cannot_reach",
            target = format!("{host}:{port}"),
            why = self.said(lang),
            check = said!(lang, check)
        )
    }
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said(Lang::En))
    }
}

impl std::error::Error for ConnectError {}

/// Connects to `host:port` with no delay on small writes, giving up after `limit`; never to
/// itself.
pub async fn connect_within(
    host: &str,
    port: u16,
    limit: Duration,
) -> Result<TcpStream, ConnectError> {
    let stream = match timeout(limit, TcpStream::connect((host, port))).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => return Err(ConnectError::Refused(error)),
        Err(_) => return Err(ConnectError::TimedOut(limit)),
    };
    reject_self_connection(&stream)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

fn reject_self_connection(stream: &TcpStream) -> Result<(), ConnectError> {
    let local: Option<SocketAddr> = stream.local_addr().ok();
    match local.is_some() && local == stream.peer_addr().ok() {
        true => Err(ConnectError::ReachedItself),
        false => Ok(()),
    }
}

/// `connect_within`, its failure told with what to check, in `lang`.
pub async fn connect(
    host: &str,
    port: u16,
    limit: Duration,
    lang: Lang,
) -> anyhow::Result<TcpStream> {
    connect_within(host, port, limit)
        .await
        .map_err(|error| anyhow::anyhow!("{}", error.told(host, port, lang)))
}

/// A reset or a broken pipe is the server closing the connection; other errors say what was
/// being done (the text of `doing`, in `lang`).
fn closed_or(error: std::io::Error, doing: &str, lang: Lang) -> anyhow::Error {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    match error.kind() {
        BrokenPipe | ConnectionReset | ConnectionAborted => ServerClosed(lang).into(),
        _ => anyhow::Error::new(error).context(said!(lang, doing)),
    }
}

/// Reads until `input` holds a whole line; returns the index of its LF. A line longer than
/// `MAX_REPLY` is an error, not a reason to keep reading.
pub async fn read_line(
    stream: &mut TcpStream,
    input: &mut BytesMut,
    lang: Lang,
) -> anyhow::Result<usize> {
    loop {
        if let Some(end) = memchr::memchr(b'\n', input) {
            return Ok(end);
        }
        if input.len() > MAX_REPLY {
            bail!("{}", said!(lang, "ask.reply_too_long", max = MAX_REPLY));
        }
        input.reserve(MAX_REPLY);
        let read = stream
            .read_buf(input)
            .await
            .map_err(|error| closed_or(error, "ask.reading_failed", lang))?;
        if read == 0 {
            return Err(ServerClosed(lang).into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_socket_connected_to_itself_is_reported_as_no_server() {
        // Bound to a port and connected to that same port, a socket meets itself (TCP
        // simultaneous open), as a client of an unused ephemeral port occasionally does.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let own = socket.local_addr().unwrap();
        let stream = socket.connect(own).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), own);
        let error = reject_self_connection(&stream).unwrap_err();
        assert!(error.to_string().contains("no server listening"), "{error}");
    }

    #[tokio::test]
    async fn a_normal_connection_passes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        assert!(reject_self_connection(&stream).is_ok());
    }

    /// A server that answers one connection with `reply` to whatever it reads first.
    async fn answering(reply: &'static [u8]) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 64];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(reply).await;
        });
        addr
    }

    async fn ask(reply: &'static [u8]) -> anyhow::Result<String> {
        let addr = answering(reply).await;
        let limit = Duration::from_secs(5);
        let mut connection =
            TimeConnection::open("127.0.0.1", addr.port(), limit, Lang::En).await?;
        connection.ask(Some(limit)).await
    }

    #[tokio::test]
    async fn a_good_reply_is_returned_and_a_bad_one_is_named() {
        assert_eq!(ask(b"JAM 23:19:50\r\n").await.unwrap(), "JAM 23:19:50");
        let bad = ask(b"JAM 23:19\r\n").await.unwrap_err().to_string();
        assert!(bad.contains("malformed reply"), "{bad}");
        let closed = ask(b"").await.unwrap_err().to_string();
        assert!(closed.contains("closed the connection"), "{closed}");
        let endless = ask(&[b'x'; 4096]).await.unwrap_err().to_string();
        assert!(endless.contains("longer than 1024 bytes"), "{endless}");
    }
}
