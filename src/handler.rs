//! Serves one client: answers its requests in order, honours pause, kick, shutdown and the idle
//! timeout, and stops reading while its replies cannot be written (so a client that never reads
//! cannot grow the server's memory).

use std::future::pending;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{Instant, Sleep, sleep, sleep_until};
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::clock::ReplyClock;
use crate::connection::Connection;
use crate::event::{Event, GoneReason, Reply};
use crate::handle::{Registration, Shared};
use crate::protocol::{ErrorReply, Request};

/// Replies are written once this many bytes are queued, even mid-batch, so pipelined input
/// never queues more than this.
const FLUSH_AT: usize = 16 * 1024;

/// How long, and for how many bytes, a closing connection keeps reading what the client sends.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_MAX_BYTES: usize = 8 << 20;

/// After shutdown, how long a client that does not read may hold up its last replies.
const SHUTDOWN_FLUSH_GRACE: Duration = Duration::from_millis(1000);

pub(crate) struct Handler {
    pub(crate) conn: Connection,
    pub(crate) shared: Arc<Shared>,
    pub(crate) client: Registration,
    pub(crate) clock: ReplyClock,
    pub(crate) paused_changes: watch::Receiver<bool>,
    /// Resolve on kick and on shutdown. Made once per connection and kept: a fresh `cancelled()`
    /// future per loop would take the token's lock every time, and the shutdown token is shared
    /// by every connection.
    pub(crate) kicked: Pin<Box<WaitForCancellationFutureOwned>>,
    pub(crate) stopping: Pin<Box<WaitForCancellationFutureOwned>>,
    pub(crate) idle: Option<IdleTimer>,
    pub(crate) shutting_down: bool,
    /// Requests answered since the counters were last updated.
    pub(crate) unreported: u64,
    /// Test hook: a request line equal to this (terminator included) panics this task.
    pub(crate) panic_on: Option<Vec<u8>>,
}

/// Ends a connection as `GoneReason`; used with `?` to leave the serving loop.
type Served<T = ()> = Result<T, GoneReason>;

impl Handler {
    pub(crate) async fn run(mut self) {
        let Err(reason) = self.serve().await;
        self.report_requests();
        if matches!(
            reason,
            GoneReason::Quit | GoneReason::LineTooLong | GoneReason::Idle | GoneReason::Shutdown
        ) {
            self.linger().await;
        }
        self.client.gone = Some(reason);
    }

    /// Closes gracefully when the server ends the conversation: sends FIN, then reads and drops
    /// what the client still sends for a moment. Closing with unread input would send a reset,
    /// which can destroy the last replies before the client reads them.
    async fn linger(&mut self) {
        tokio::select! {
            biased;
            _ = self.kicked.as_mut() => {}
            _ = tokio::time::timeout(LINGER, self.conn.close_gracefully(LINGER_MAX_BYTES)) => {}
        }
    }

    async fn serve(&mut self) -> Served<std::convert::Infallible> {
        loop {
            self.answer_buffered().await?;
            self.flush().await?;
            if self.shutting_down {
                return Err(GoneReason::Shutdown);
            }
            tokio::select! {
                biased;
                _ = self.kicked.as_mut() => return Err(GoneReason::Kicked),
                _ = self.stopping.as_mut(), if !self.shutting_down => {
                    self.shutting_down = true;
                }
                read = self.conn.read_more() => match read {
                    Ok(true) => {}
                    Ok(false) => {
                        // Half-close: the requests sent before the end are still owed answers.
                        self.answer_buffered().await?;
                        self.flush().await?;
                        return Err(GoneReason::Closed);
                    }
                    Err(error) => return Err(GoneReason::Error(error.to_string())),
                },
                _ = expired(&mut self.idle) => {
                    self.reply_error(ErrorReply::IdleTimeout);
                    self.flush().await?;
                    return Err(GoneReason::Idle);
                }
            }
        }
    }

    /// Answers every complete request in the input, in order.
    async fn answer_buffered(&mut self) -> Served {
        let keep_raw = self.shared.wants_request_events() || self.panic_on.is_some();
        loop {
            let frame = match self.conn.next_frame(keep_raw) {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(()),
                Err(_) => {
                    self.reply_error(ErrorReply::LineTooLong);
                    self.flush().await?;
                    return Err(GoneReason::LineTooLong);
                }
            };
            // Only complete requests count as activity: a client trickling a line byte by
            // byte (slowloris) is still idle.
            touch(&mut self.idle);
            if let Some(panic_on) = &self.panic_on {
                if frame.raw.as_deref() == Some(panic_on.as_slice()) {
                    panic!("fault injection: this request panics its connection's task");
                }
            }
            self.wait_while_paused().await?;
            let reply = match frame.request {
                Request::Time => {
                    let reply = *self.clock.reply();
                    self.conn.queue(&reply);
                    Reply::Time(reply)
                }
                Request::Quit | Request::Empty => Reply::Nothing,
                Request::Unknown => self.reply_error(ErrorReply::UnknownRequest),
                Request::NotUtf8 => self.reply_error(ErrorReply::NotUtf8),
            };
            if frame.request != Request::Empty {
                self.unreported += 1;
            }
            if let Some(request) = frame.raw {
                self.shared.publish(Event::Served {
                    id: self.client.id,
                    peer: self.client.peer,
                    request,
                    reply,
                });
            }
            if frame.request == Request::Quit {
                self.flush().await?;
                return Err(GoneReason::Quit);
            }
            if self.conn.queued() >= FLUSH_AT {
                self.flush().await?;
            }
        }
    }

    fn reply_error(&mut self, error: ErrorReply) -> Reply {
        self.conn.queue(error.bytes());
        self.shared.counters.errors.fetch_add(1, Relaxed);
        Reply::Error(error)
    }

    /// Publishes the requests answered so far to the counters (once per batch, not per request).
    fn report_requests(&mut self) {
        if self.unreported > 0 {
            let count = std::mem::take(&mut self.unreported);
            self.shared.counters.requests.fetch_add(count, Relaxed);
            self.client
                .stats
                .record_requests(count, self.client.connected_at);
        }
    }

    /// Writes the queued replies. While the client does not read them, nothing more is read from
    /// it either; only a kick, the idle timeout or the end of the shutdown grace period stop the
    /// wait.
    async fn flush(&mut self) -> Served {
        self.report_requests();
        // Usually the socket takes everything at once, with no need to wait on anything.
        if self
            .conn
            .try_flush()
            .map_err(|error| GoneReason::Error(error.to_string()))?
        {
            return Ok(());
        }
        tokio::select! {
            biased;
            _ = self.kicked.as_mut() => Err(GoneReason::Kicked),
            written = self.conn.flush() => written.map_err(|error| GoneReason::Error(error.to_string())),
            _ = grace_after(self.stopping.as_mut()) => Err(GoneReason::Shutdown),
            _ = expired(&mut self.idle) => Err(GoneReason::Idle),
        }
    }

    /// Holds the next request while the server is paused. The replies already made go out first.
    async fn wait_while_paused(&mut self) -> Served {
        if self.shutting_down || !self.shared.paused.load(Relaxed) {
            return Ok(());
        }
        self.flush().await?;
        self.client.stats.waiting.store(true, Relaxed);
        let outcome = tokio::select! {
            biased;
            _ = self.kicked.as_mut() => Err(GoneReason::Kicked),
            _ = self.stopping.as_mut() => {
                self.shutting_down = true;
                Ok(())
            }
            _ = self.paused_changes.wait_for(|paused| !paused) => Ok(()),
        };
        self.client.stats.waiting.store(false, Relaxed);
        // Waiting for the operator is not the client's silence.
        touch(&mut self.idle);
        outcome
    }
}

/// Closes connections that send nothing for `timeout`. The timer is re-armed lazily, when it
/// fires, rather than on every read.
pub(crate) struct IdleTimer {
    timeout: Duration,
    last_input: Instant,
    sleep: Pin<Box<Sleep>>,
}

impl IdleTimer {
    pub(crate) fn new(timeout: Duration) -> IdleTimer {
        let now = Instant::now();
        IdleTimer {
            timeout,
            last_input: now,
            sleep: Box::pin(sleep_until(now + timeout)),
        }
    }
}

fn touch(idle: &mut Option<IdleTimer>) {
    if let Some(timer) = idle {
        timer.last_input = Instant::now();
    }
}

async fn expired(idle: &mut Option<IdleTimer>) {
    let Some(timer) = idle else {
        return pending().await;
    };
    loop {
        timer.sleep.as_mut().await;
        let deadline = timer.last_input + timer.timeout;
        if deadline <= Instant::now() {
            return;
        }
        timer.sleep.as_mut().reset(deadline);
    }
}

async fn grace_after(shutdown: Pin<&mut WaitForCancellationFutureOwned>) {
    shutdown.await;
    sleep(SHUTDOWN_FLUSH_GRACE).await;
}
