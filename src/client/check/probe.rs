//! A raw connection to a server under test: bytes out exactly as a rule wants them, answers in
//! with every wait and every line bounded, so an untrusted server can neither hang the checker
//! nor grow its memory.
//!
//! What counts as "an answer to TIME" is decided here, once, for every rule but `reply`: the
//! first line that holds a time of day (`told`). Lines before it that hold none (a welcome
//! banner, an `ERR`) are kept to be shown, never taken as the answer. A reply without a line end
//! ends where the next `JAM ` begins, at the close, or after a short silence.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

use super::told::TimeOfDay;
use crate::client::ask;
use crate::lang::{Lang, said};
use crate::text::pyrepr;

/// Longest line read from a server under test.
const MAX_LINE: usize = 1024;

/// Bound on connecting: long enough for one lost SYN to be sent again (after 1 s).
pub const CONNECT_WITHIN: Duration = Duration::from_secs(3);

/// After this long with nothing more, bytes without a line end are a whole reply.
const SILENCE_ENDS_A_LINE: Duration = Duration::from_millis(400);

/// Why a probe did not get what it waited for.
#[derive(Debug)]
pub enum ProbeError {
    /// No connection: refused, or timed out.
    Connect(ask::ConnectError),
    /// Writing a request failed.
    Send { sent: Vec<u8>, why: String },
    /// No answer came in time; `got` is what came instead (lines that hold no time).
    NoAnswer { within: Duration, got: Vec<Vec<u8>> },
    /// The server closed (or reset) the connection before answering.
    Closed { got: Vec<Vec<u8>> },
    /// More than `MAX_LINE` bytes without a line end.
    TooLong(Vec<u8>),
    /// Reading failed other than by a reset.
    Read(String),
}

impl ProbeError {
    /// Whether the server ended the connection (a close, or a reset) without answering.
    pub fn is_close(&self) -> bool {
        matches!(self, ProbeError::Closed { .. })
    }
}

/// What came instead of an answer, for a failure's detail: ", only b'ERR bad\r\n'".
fn instead(got: &[Vec<u8>], lang: Lang) -> String {
    if got.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = got.iter().take(3).map(|line| shown(line)).collect();
    let more = match got.len() {
        0..=3 => String::new(),
        many => said!(lang, "check.probe.more_lines", count = many - 3),
    };
    let then = said!(lang, "check.probe.then");
    said!(
        lang,
        "check.probe.only",
        lines = lines.join(&then),
        more = more
    )
}

impl ProbeError {
    /// What happened, in `lang`.
    pub fn said(&self, lang: Lang) -> String {
        match self {
            ProbeError::Connect(why) => {
                said!(lang, "check.probe.connect", why = why.said(lang))
            }
            ProbeError::Send { sent, why } => {
                said!(lang, "check.probe.send", sent = shown(sent), why = why)
            }
            ProbeError::NoAnswer { within, got } => said!(
                lang,
                "check.probe.no_answer",
                seconds = lang.decimals(within.as_secs_f64().to_string()),
                instead = instead(got, lang)
            ),
            ProbeError::Closed { got } => {
                said!(lang, "check.probe.closed", instead = instead(got, lang))
            }
            ProbeError::TooLong(head) => {
                said!(
                    lang,
                    "check.probe.too_long",
                    max = MAX_LINE,
                    head = shown(head)
                )
            }
            ProbeError::Read(why) => said!(lang, "check.probe.read", why = why),
        }
    }
}

/// A connection the server left open after QUIT: how long was waited, and what came meanwhile.
#[derive(Debug)]
pub struct StillOpen {
    after: Duration,
    extra: usize,
}

impl StillOpen {
    pub fn said(&self, lang: Lang) -> String {
        let extra = match self.extra {
            0 => String::new(),
            count => said!(lang, "check.probe.more_bytes", count = count),
        };
        said!(
            lang,
            "check.probe.still_open",
            seconds = lang.decimals(self.after.as_secs_f64().to_string()),
            extra = extra
        )
    }
}

/// An answer to TIME: the bytes as they came (the line end included, if there was one), the
/// time they tell, and when they arrived.
#[derive(Debug, Clone)]
pub struct Answer {
    pub bytes: Vec<u8>,
    pub told: TimeOfDay,
    pub arrived: Instant,
    /// Lines that came before it and hold no time (a banner, an `ERR`).
    pub before: Vec<Vec<u8>>,
}

/// One piece of what a server sent: a line, or bytes that a silence, a close or the next `JAM `
/// ended.
enum Piece {
    Line(Vec<u8>, Instant),
    Closed,
}

pub struct Probe {
    stream: TcpStream,
    input: BytesMut,
    /// When the oldest byte in `input` arrived.
    first_byte_at: Option<Instant>,
    closed: bool,
}

impl Probe {
    /// Connects the way every jamtui client does (`ask::connect_within`), within
    /// `CONNECT_WITHIN`.
    pub async fn connect(target: SocketAddr) -> Result<Probe, ask::ConnectError> {
        let host = target.ip().to_string();
        let stream = ask::connect_within(&host, target.port(), CONNECT_WITHIN).await?;
        Ok(Probe {
            stream,
            input: BytesMut::new(),
            first_byte_at: None,
            closed: false,
        })
    }

    /// Sends `bytes`; a connection the server has closed or reset is `Closed`.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), ProbeError> {
        match self.stream.write_all(bytes).await {
            Ok(()) => Ok(()),
            Err(error) if ends_connection(&error) => Err(ProbeError::Closed { got: Vec::new() }),
            Err(error) => Err(ProbeError::Send {
                sent: bytes.to_vec(),
                why: error.to_string(),
            }),
        }
    }

    /// The next answer to TIME, within `limit`; lines before it that tell no time are kept in
    /// it (`before`), or in the error when no answer comes.
    pub async fn answer(&mut self, limit: Duration) -> Result<Answer, ProbeError> {
        let deadline = Instant::now() + limit;
        let mut before = Vec::new();
        loop {
            match self.piece(deadline).await {
                Ok(Piece::Line(bytes, arrived)) => match TimeOfDay::in_line(&bytes) {
                    Some(told) => {
                        return Ok(Answer {
                            bytes,
                            told,
                            arrived,
                            before,
                        });
                    }
                    None => before.push(bytes),
                },
                Ok(Piece::Closed) => return Err(ProbeError::Closed { got: before }),
                Err(None) => {
                    return Err(ProbeError::NoAnswer {
                        within: limit,
                        got: before,
                    });
                }
                Err(Some(error)) => return Err(error),
            }
        }
    }

    /// The next piece before `deadline`; `Err(None)` when the deadline came first.
    async fn piece(&mut self, deadline: Instant) -> Result<Piece, Option<ProbeError>> {
        loop {
            if let Some(end) = line_end(&self.input) {
                return Ok(self.take(end));
            }
            if self.closed {
                return match self.input.len() {
                    0 => Ok(Piece::Closed),
                    all => Ok(self.take(all)),
                };
            }
            if self.input.len() > MAX_LINE {
                return Err(Some(ProbeError::TooLong(self.input[..80].to_vec())));
            }
            // Bytes with no line end yet are a whole reply once the server falls silent.
            let wait_until = match self.first_byte_at {
                Some(_) => deadline.min(Instant::now() + SILENCE_ENDS_A_LINE),
                None => deadline,
            };
            self.input.reserve(MAX_LINE);
            match timeout_at(wait_until, self.stream.read_buf(&mut self.input)).await {
                Err(_) if self.input.is_empty() => return Err(None),
                Err(_) => return Ok(self.take(self.input.len())),
                Ok(Ok(0)) => self.closed = true,
                Ok(Ok(_)) => {
                    self.first_byte_at.get_or_insert_with(Instant::now);
                }
                Ok(Err(error)) if ends_connection(&error) => self.closed = true,
                Ok(Err(error)) => return Err(Some(ProbeError::Read(error.to_string()))),
            }
        }
    }

    /// The first `len` bytes of the input, as a line.
    fn take(&mut self, len: usize) -> Piece {
        let arrived = self.first_byte_at.unwrap_or_else(Instant::now);
        let line = self.input[..len].to_vec();
        self.input.advance(len);
        if self.input.is_empty() {
            self.first_byte_at = None;
        }
        Piece::Line(line, arrived)
    }

    /// Whether the server closes the connection within `limit` (anything it sends first is
    /// dropped); how many bytes it sent instead, if it did not.
    pub async fn closed_within(&mut self, limit: Duration) -> Result<(), StillOpen> {
        let deadline = Instant::now() + limit;
        let mut extra = self.input.len();
        loop {
            if self.closed {
                return Ok(());
            }
            self.input.clear();
            self.input.reserve(MAX_LINE);
            match timeout_at(deadline, self.stream.read_buf(&mut self.input)).await {
                Err(_) => {
                    return Err(StillOpen {
                        after: limit,
                        extra,
                    });
                }
                // A reset is a close too, if a rude one.
                Ok(Ok(0)) | Ok(Err(_)) => return Ok(()),
                Ok(Ok(read)) => extra += read,
            }
        }
    }

    /// Whether nothing more arrives within `quiet`; what came, if something did.
    pub async fn silent_for(&mut self, quiet: Duration) -> Result<(), Vec<u8>> {
        // (A closed connection reads nothing at once.)
        if self.input.is_empty() {
            self.input.reserve(MAX_LINE);
            let _ = timeout(quiet, self.stream.read_buf(&mut self.input)).await;
        }
        match self.input.is_empty() {
            true => Ok(()),
            false => Err(self.input.to_vec()),
        }
    }

    /// Closes with a reset (SO_LINGER 0), as a crashing client would.
    pub fn reset(self) {
        let _ = self.stream.set_zero_linger();
    }
}

/// Where the first piece in `input` ends: after its LF, or where a second `JAM ` begins.
fn line_end(input: &[u8]) -> Option<usize> {
    let newline = memchr::memchr(b'\n', input).map(|at| at + 1);
    let next_jam = memchr::memmem::find(input.get(1..)?, b"JAM ").map(|at| at + 1);
    match (newline, next_jam) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether an I/O error is the server ending the connection: a reset, or a write after its close.
fn ends_connection(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe
    )
}

/// Bytes as Python writes them, cut at 80 so a flood cannot fill a report.
pub fn shown(bytes: &[u8]) -> String {
    pyrepr::bytes_cut(bytes, 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_ends_at_its_line_end_or_where_the_next_jam_begins() {
        assert_eq!(line_end(b"JAM 10:00:00\r\nJAM"), Some(14));
        assert_eq!(line_end(b"JAM 10:00:00JAM 10:00:01"), Some(12));
        assert_eq!(line_end(b"JAM 10:00:00JAM 10:00:01\n"), Some(12));
        assert_eq!(line_end(b"Hi\nJAM 10:00:00"), Some(3));
        assert_eq!(line_end(b"JAM 10:00:00"), None);
        assert_eq!(line_end(b""), None);
        assert_eq!(line_end(b"\n"), Some(1));
    }

    #[test]
    fn what_came_instead_is_shown_escaped_and_bounded() {
        let error = ProbeError::NoAnswer {
            within: Duration::from_secs(5),
            got: vec![b"ERR \x1b[2J\r\n".to_vec()],
        };
        assert_eq!(
            error.said(Lang::En),
            "no answer within 5 s, only b'ERR \\x1b[2J\\r\\n'"
        );
        let many = ProbeError::Closed {
            got: vec![b"a\n".to_vec(); 5],
        };
        assert_eq!(
            many.said(Lang::En),
            "the server closed the connection without answering, only b'a\\n' then b'a\\n' then b'a\\n' and 2 more lines"
        );
        assert!(many.is_close());
        assert!(!error.is_close());
    }

    /// A listener on loopback whose one connection `serve` handles.
    async fn server<F, Fut>(serve: F) -> SocketAddr
    where
        F: FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            serve(stream).await;
        });
        addr
    }

    #[tokio::test]
    async fn a_send_to_a_connection_the_server_reset_is_a_close() {
        let addr = server(|stream| async move {
            stream.set_zero_linger().unwrap();
        })
        .await;
        let mut probe = Probe::connect(addr).await.unwrap();
        // The reset may take a moment to arrive; the first write after it fails.
        let mut sent = Ok(());
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            sent = probe.send(b"TIME\r\n").await;
            if sent.is_err() {
                break;
            }
        }
        let error = sent.expect_err("a write to a reset connection fails");
        assert!(error.is_close(), "{error:?}");
    }

    #[tokio::test]
    async fn a_server_that_does_not_close_is_told_with_how_much_it_sent_instead() {
        let addr = server(|mut stream| async move {
            for _ in 0..2 {
                stream.write_all(b"JAM 10:00:00\r\n").await.unwrap();
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        let mut probe = Probe::connect(addr).await.unwrap();
        let error = probe
            .closed_within(Duration::from_millis(500))
            .await
            .unwrap_err();
        assert_eq!(
            error.said(Lang::En),
            "the connection was still open after 0.5 s (28 more bytes came)"
        );
        assert_eq!(
            error.said(Lang::Id),
            "koneksi masih terbuka setelah 0,5 detik (datang 28 byte lagi)"
        );
    }

    #[tokio::test]
    async fn a_server_that_resets_instead_of_answering_has_closed_the_connection() {
        let addr = server(|mut stream| async move {
            let mut request = [0; 6];
            stream.read_exact(&mut request).await.unwrap();
            stream.set_zero_linger().unwrap();
        })
        .await;
        let mut probe = Probe::connect(addr).await.unwrap();
        probe.send(b"TIME\r\n").await.unwrap();
        let error = probe.answer(Duration::from_secs(5)).await.unwrap_err();
        assert!(error.is_close(), "{error:?}");
        assert_eq!(
            error.said(Lang::En),
            "the server closed the connection without answering"
        );
    }

    #[tokio::test]
    async fn a_line_of_exactly_the_longest_length_is_still_a_line() {
        let addr = server(|mut stream| async move {
            stream.write_all(&[b'x'; MAX_LINE]).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            stream.write_all(b"\r\nJAM 10:00:00\r\n").await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        let mut probe = Probe::connect(addr).await.unwrap();
        let answer = probe.answer(Duration::from_secs(5)).await.unwrap();
        assert_eq!(answer.bytes, b"JAM 10:00:00\r\n");
        assert_eq!(answer.before.len(), 1);
        assert_eq!(answer.before[0].len(), MAX_LINE + 2);
    }
}
