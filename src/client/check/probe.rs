//! A raw connection to a server under test: bytes out exactly as a check wants them, lines in
//! with every wait and every line bounded, so an untrusted server can neither hang the checker nor
//! grow its memory.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

use crate::client::ask;
use crate::text::pyrepr;

/// Longest line read from a server under test.
const MAX_LINE: usize = 1024;

/// Bound on connecting.
pub const CONNECT_WITHIN: Duration = Duration::from_secs(2);

pub struct Probe {
    stream: TcpStream,
    input: BytesMut,
}

impl Probe {
    /// Connects the way every jamtui client does (`ask::connect`: bounded, never to itself).
    pub async fn connect(target: SocketAddr) -> Result<Probe, String> {
        let host = target.ip().to_string();
        let stream = ask::connect(&host, target.port(), CONNECT_WITHIN)
            .await
            .map_err(|error| format!("{error:#}"))?;
        Ok(Probe {
            stream,
            input: BytesMut::new(),
        })
    }

    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(bytes)
            .await
            .map_err(|error| format!("sending {} failed: {error}", pyrepr::bytes(bytes)))
    }

    /// The next line, LF included, within `limit`.
    pub async fn line(&mut self, limit: Duration) -> Result<Vec<u8>, String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(end) = memchr::memchr(b'\n', &self.input) {
                let line = self.input[..=end].to_vec();
                self.input.advance(end + 1);
                return Ok(line);
            }
            if self.input.len() > MAX_LINE {
                return Err(format!(
                    "no line end in the first {MAX_LINE} bytes: {}",
                    shown(&self.input)
                ));
            }
            self.input.reserve(MAX_LINE);
            match timeout_at(deadline, self.stream.read_buf(&mut self.input)).await {
                Err(_) if self.input.is_empty() => {
                    return Err(format!("no reply within {limit:?}"));
                }
                Err(_) => {
                    return Err(format!(
                        "no line end within {limit:?}, only {}",
                        shown(&self.input)
                    ));
                }
                Ok(Ok(0)) if self.input.is_empty() => {
                    return Err("the server closed the connection without replying".into());
                }
                Ok(Ok(0)) => {
                    return Err(format!(
                        "the server closed the connection after {}, with no line end",
                        shown(&self.input)
                    ));
                }
                Ok(Ok(_)) => {}
                Ok(Err(error)) => return Err(format!("reading failed: {error}")),
            }
        }
    }

    /// Whether the server closes the connection within `limit` (anything it sends first is
    /// dropped); what it sent instead, if it did not.
    pub async fn closed_within(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        let mut extra = 0usize;
        loop {
            self.input.clear();
            self.input.reserve(MAX_LINE);
            match timeout_at(deadline, self.stream.read_buf(&mut self.input)).await {
                Err(_) => {
                    return Err(format!(
                        "the connection was still open after {limit:?}{}",
                        if extra > 0 {
                            format!(" ({extra} more bytes came)")
                        } else {
                            String::new()
                        }
                    ));
                }
                Ok(Ok(0)) => return Ok(()),
                // A reset is a close too, if a rude one.
                Ok(Err(_)) => return Ok(()),
                Ok(Ok(read)) => extra += read,
            }
        }
    }

    /// Whether anything more arrives within `quiet`.
    pub async fn silent_for(&mut self, quiet: Duration) -> Result<(), String> {
        if !self.input.is_empty() {
            return Err(format!("then also {}", shown(&self.input)));
        }
        self.input.reserve(MAX_LINE);
        match timeout(quiet, self.stream.read_buf(&mut self.input)).await {
            Ok(Ok(read)) if read > 0 => Err(format!("then also {}", shown(&self.input))),
            _ => Ok(()),
        }
    }

    /// Closes with a reset (SO_LINGER 0), as a crashing client would.
    pub fn reset(self) {
        let _ = self.stream.set_zero_linger();
    }
}

/// Bytes as Python writes them, cut at 80 so a flood cannot fill a report.
pub fn shown(bytes: &[u8]) -> String {
    pyrepr::bytes_cut(bytes, 80)
}
