//! A client connection: the socket, the bytes read but not yet answered, and the replies not yet
//! written. Framing works on the buffered byte stream, never on `recv` boundaries.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::time::Instant;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncWriteExt, Interest};
use tokio::net::TcpStream;

use crate::protocol::Request;
use crate::protocol::framing::{self, LineTooLong};

/// How many bytes each read asks for.
const READ_CHUNK: usize = 4096;

thread_local! {
    /// Where reads land first, one per thread: an idle client holds no read buffer, and a read
    /// does not clear 4 KiB of stack before the system call fills it.
    static CHUNK: RefCell<[u8; READ_CHUNK]> = const { RefCell::new([0; READ_CHUNK]) };
}

/// Room kept for input once every frame is taken: enough for a few requests (reused, not
/// reallocated, request after request); a larger buffer, grown by a burst, is released.
const KEPT_INPUT: usize = 256;

/// Read times kept at most. Past this, a read's time is merged into the last one kept, so the
/// requests it completes count from the earlier read (a latency is never understated).
const ARRIVALS_KEPT: usize = 64;

pub(crate) struct Connection {
    stream: TcpStream,
    input: BytesMut,
    output: BytesMut,
    max_line: usize,
    /// Bytes read, and bytes taken off as frames, since the connection began.
    read_total: u64,
    taken_total: u64,
    /// When each read arrived, by the running byte total after it: a frame arrived with the
    /// read that completed it.
    arrivals: VecDeque<(u64, Instant)>,
}

/// One request taken off the input.
pub(crate) struct Received {
    pub(crate) request: Request,
    /// The line as received, terminator included, when the caller asked for it.
    pub(crate) raw: Option<Bytes>,
    /// When its last byte was read.
    pub(crate) arrived: Instant,
}

impl Connection {
    pub(crate) fn new(stream: TcpStream, max_line: usize) -> Connection {
        Connection {
            stream,
            input: BytesMut::new(),
            output: BytesMut::new(),
            max_line,
            read_total: 0,
            taken_total: 0,
            arrivals: VecDeque::new(),
        }
    }

    /// Takes the next complete request off the input; `Ok(None)` when more bytes are needed.
    pub(crate) fn next_request(&mut self, keep_raw: bool) -> Result<Option<Received>, LineTooLong> {
        let Some(line) = framing::next_line(&self.input, self.max_line)? else {
            return Ok(None);
        };
        let request = Request::parse(&self.input[..line.content_len]);
        let raw = keep_raw.then(|| Bytes::copy_from_slice(&self.input[..line.frame_len]));
        self.input.advance(line.frame_len);
        // Taken to the end, the buffer's `capacity` counts only the room after what was taken;
        // a reclaim asks the allocation itself whether it holds more than `KEPT_INPUT`.
        if self.input.is_empty() && self.input.try_reclaim(KEPT_INPUT + 1) {
            self.input = BytesMut::new();
        }
        self.taken_total += line.frame_len as u64;
        while self
            .arrivals
            .front()
            .is_some_and(|&(total, _)| total < self.taken_total)
        {
            self.arrivals.pop_front();
        }
        let arrived = self
            .arrivals
            .front()
            .map_or_else(Instant::now, |&(_, at)| at);
        Ok(Some(Received {
            request,
            raw,
            arrived,
        }))
    }

    /// Whether a whole line is waiting in the input.
    pub(crate) fn has_line(&self) -> bool {
        memchr::memchr(b'\n', &self.input).is_some()
    }

    /// Bytes read but not yet taken as frames.
    pub(crate) fn buffered(&self) -> usize {
        self.input.len()
    }

    /// The bytes read but not yet taken as frames.
    pub(crate) fn input(&self) -> &[u8] {
        &self.input
    }

    /// The replies not yet written.
    pub(crate) fn output(&self) -> &[u8] {
        &self.output
    }

    /// Reads more input. False at end of stream. Cancel-safe: nothing read is lost.
    ///
    /// Reads land in the thread's `CHUNK` first, so the input buffer grows only by the bytes
    /// that arrived (a new socket is reported readable before anything arrives: a buffer
    /// reserved for the read would cost every idle client 4 KiB), and `next_request` releases a
    /// large one once every frame is taken.
    ///
    /// Waits with `poll_read_ready`, which keeps the task's waker in the socket's own slot,
    /// rather than `readable()`, whose future (152 bytes) would be part of every connection's.
    pub(crate) async fn read_more(&mut self) -> io::Result<bool> {
        let read = loop {
            poll_fn(|cx| self.stream.poll_read_ready(cx)).await?;
            let mut read = None;
            let outcome = self.stream.try_io(Interest::READABLE, || {
                CHUNK.with_borrow_mut(|chunk| {
                    let bytes = self.stream.try_read(chunk)?;
                    self.input.extend_from_slice(&chunk[..bytes]);
                    read = Some(bytes);
                    // A short read emptied the socket: saying so now (by clearing the
                    // readiness) saves the read that would only find nothing, as tokio's own
                    // reads do. Not on Windows, whose readiness is re-armed only by a read that
                    // finds nothing.
                    if cfg!(not(windows)) && bytes > 0 && bytes < READ_CHUNK {
                        Err(io::ErrorKind::WouldBlock.into())
                    } else {
                        Ok(())
                    }
                })
            });
            if let Some(bytes) = read {
                break bytes;
            }
            match outcome {
                Err(error) if error.kind() != io::ErrorKind::WouldBlock => return Err(error),
                _ => continue,
            }
        };
        if read > 0 {
            self.read_total += read as u64;
            let full = self.arrivals.len() >= ARRIVALS_KEPT;
            match self.arrivals.back_mut() {
                Some(last) if full => last.0 = self.read_total,
                _ => self.arrivals.push_back((self.read_total, Instant::now())),
            }
        }
        Ok(read > 0)
    }

    /// Adds a reply to the output; `flush` sends it.
    pub(crate) fn queue(&mut self, reply: &[u8]) {
        self.output.extend_from_slice(reply);
    }

    /// Bytes of replies not yet written.
    pub(crate) fn queued(&self) -> usize {
        self.output.len()
    }

    /// Writes what the socket takes without waiting. True when nothing is left queued.
    pub(crate) fn try_flush(&mut self) -> io::Result<bool> {
        while self.output.has_remaining() {
            match self.stream.try_write(&self.output) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => self.output.advance(written),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(error) => return Err(error),
            }
        }
        Ok(true)
    }

    /// Ends the conversation: shuts down the sending side (FIN), then discards input until the
    /// client closes its side or `max_bytes` have been read. A client that has closed already
    /// (QUIT, then close, as the assignment's client does) is not waited for: with nothing left
    /// unread, closing sends no reset.
    pub(crate) async fn close_gracefully(&mut self, max_bytes: usize) -> io::Result<()> {
        if let Ok(0) = self.stream.try_read(&mut [0; 1]) {
            return Ok(());
        }
        self.stream.shutdown().await?;
        let mut discarded = 0;
        while discarded < max_bytes {
            self.input.clear();
            self.arrivals.clear();
            if !self.read_more().await? {
                break;
            }
            discarded += self.input.len();
        }
        Ok(())
    }

    /// Writes every queued reply, in as few system calls as the socket allows. Cancel-safe:
    /// what was written is removed from the output, what was not stays queued.
    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        while self.output.has_remaining() {
            if self.stream.write_buf(&mut self.output).await? == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncWriteExt;
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// A connection over loopback, and the client's end of it.
    async fn pair() -> (Connection, TcpStream) {
        pair_with(1024).await
    }

    async fn pair_with(max_line: usize) -> (Connection, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (Connection::new(server, max_line), client)
    }

    #[tokio::test]
    async fn a_request_arrives_with_the_read_that_completed_it() {
        let (mut conn, mut client) = pair().await;
        client.write_all(b"TIME\r\n").await.unwrap();
        assert!(conn.read_more().await.unwrap());
        let between = Instant::now();
        tokio::time::sleep(Duration::from_millis(20)).await;
        client.write_all(b"TIME\r\n").await.unwrap();
        assert!(conn.read_more().await.unwrap());
        let first = conn.next_request(false).unwrap().unwrap();
        let second = conn.next_request(false).unwrap().unwrap();
        assert!(first.arrived < between, "the first read, not the second");
        assert!(second.arrived > between);
    }

    #[tokio::test]
    async fn the_input_buffer_grown_by_a_burst_is_released_once_its_frames_are_taken() {
        let (mut conn, mut client) = pair().await;
        client.write_all(&b"TIME\r\n".repeat(500)).await.unwrap();
        while conn.buffered() < 3000 {
            assert!(conn.read_more().await.unwrap());
        }
        while conn.next_request(false).unwrap().is_some() {}
        assert!(
            !conn.input.try_reclaim(KEPT_INPUT + 1),
            "the burst's allocation is still held"
        );
    }

    #[tokio::test]
    async fn read_times_kept_are_bounded_however_many_reads_a_line_takes() {
        let (mut conn, mut client) = pair().await;
        for _ in 0..3 * ARRIVALS_KEPT {
            client.write_all(b"x").await.unwrap();
            assert!(conn.read_more().await.unwrap());
        }
        assert_eq!(conn.arrivals.len(), ARRIVALS_KEPT);
        assert_eq!(conn.buffered(), 3 * ARRIVALS_KEPT);
    }

    #[tokio::test]
    async fn closing_gracefully_reads_and_drops_what_the_client_still_sends() {
        let (mut conn, mut client) = pair().await;
        client.write_all(&[b'x'; 10_000]).await.unwrap();
        client.shutdown().await.unwrap();
        conn.close_gracefully(1 << 20).await.unwrap();
        // All of it, up to the client's end (but the byte the first look may take): closing
        // with any of it unread would send a reset.
        assert!(conn.read_total >= 9_999, "{}", conn.read_total);
    }

    #[tokio::test]
    async fn closing_gracefully_stops_reading_after_its_bound() {
        let (mut conn, mut client) = pair().await;
        // A client that keeps its side open and sends more than the bound.
        client.write_all(&[b'x'; 10_000]).await.unwrap();
        let closed = tokio::time::timeout(Duration::from_secs(5), conn.close_gracefully(1000));
        assert!(closed.await.is_ok(), "waited for an end that never came");
        drop(client);
    }

    /// What the server's own `Connection` frames from `stream` written in pieces cut at `cuts`,
    /// each piece read before the next is written: the requests with their raw lines, and
    /// whether it ended on a line too long.
    fn framed(stream: &[u8], cuts: &[usize]) -> (Vec<(Request, Vec<u8>)>, bool) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // A short limit, so that some streams end on a line too long.
            let (mut conn, mut client) = pair_with(24).await;
            let mut cuts = cuts.to_vec();
            cuts.sort_unstable();
            let (mut framed, mut start) = (Vec::new(), 0);
            for cut in cuts.into_iter().chain([stream.len()]) {
                client.write_all(&stream[start..cut]).await.unwrap();
                while conn.read_total < cut as u64 {
                    assert!(conn.read_more().await.unwrap());
                }
                start = cut;
                loop {
                    match conn.next_request(true) {
                        Ok(Some(received)) => {
                            framed.push((received.request, received.raw.unwrap().to_vec()));
                        }
                        Ok(None) => break,
                        Err(LineTooLong) => return (framed, true),
                    }
                }
            }
            (framed, false)
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// However the stream is cut into writes, the connection frames the same requests,
        /// byte for byte, as from one write.
        #[test]
        fn any_split_frames_the_same_requests(
            stream in proptest::collection::vec(
                proptest::sample::select(b"TIMEQU\r\n x\xff".to_vec()), 0..300),
            cuts in proptest::collection::vec(0..300usize, 0..12),
        ) {
            let cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(stream.len())).collect();
            proptest::prop_assert_eq!(framed(&stream, &cuts), framed(&stream, &[]));
        }
    }
}
