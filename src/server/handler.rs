//! Serves one client: answers its requests in order, honours pause, kick, shutdown and the idle
//! timeout, and stops reading while its replies cannot be written (so a client that never reads
//! cannot grow the server's memory).

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, SystemTime};

use tokio::sync::OwnedSemaphorePermit;
use tokio::time::sleep;

use tokio::net::TcpStream;

use super::client_state::Ending;
use super::clock::ReplyClock;
use super::config::Config;
use super::connection::Connection;
use super::event::{Event, Excerpt, GoneReason, Reply, WireRead};
use super::gate::Admission;
use super::ledger::Ledger;
use super::publisher::RequestEvents;
use super::registry::Registration;
use super::shared::{QUEUED_READ_TOTAL, Shared};
use crate::protocol::{ErrorReply, Request};

/// Replies are written once this many bytes are queued, even mid-batch, so pipelined input
/// never queues more than this.
const FLUSH_AT: usize = 16 * 1024;

/// How long, and for how many bytes, a closing connection keeps reading what the client sends.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_MAX_BYTES: usize = 8 << 20;

/// After shutdown, how long a client that does not read may hold up its last replies.
const SHUTDOWN_FLUSH_GRACE: Duration = Duration::from_millis(1000);

pub(super) struct Handler {
    conn: Connection,
    shared: Arc<Shared>,
    client: Registration,
    clock: ReplyClock,
    shutting_down: bool,
    /// The client has closed its sending side (or reset).
    input_closed: bool,
    ledger: Ledger,
}

/// Ends a connection as `GoneReason`; used with `?` to leave the serving loop.
type OrGone<T = ()> = Result<T, GoneReason>;

/// While a client waits for its turn, its requests are read (so their latency counts the wait)
/// up to this many bytes, and while all queued clients together hold less than
/// `QUEUED_READ_TOTAL`.
const QUEUED_READ_LIMIT: usize = 64 * 1024;

impl Handler {
    /// The task for a client just accepted and registered.
    pub(crate) fn new(
        stream: TcpStream,
        client: Registration,
        shared: Arc<Shared>,
        config: &Config,
    ) -> Handler {
        Handler {
            conn: Connection::new(stream, config.max_line),
            clock: ReplyClock::new(config.zone),
            shutting_down: false,
            input_closed: false,
            ledger: Ledger::new(),
            client,
            shared,
        }
    }

    /// Serves the client to the end, then gives back its place among `--max-clients`. A function
    /// returning an async block rather than an async fn: an async fn keeps two copies of `self`
    /// in the connection's future (rust-lang/rust#62958), and every idle client pays for it.
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn doubles the future's size"
    )]
    pub(crate) fn task(
        mut self,
        place: OwnedSemaphorePermit,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        async move {
            let reason = match self.wait_for_turn().await {
                Ok(admission) => {
                    let Err(reason) = self.serve().await;
                    // The next queued client may start while this one lingers.
                    drop(admission);
                    reason
                }
                Err(reason) => reason,
            };
            self.ledger
                .report_requests(&self.client, &self.shared.counters);
            if matches!(
                reason,
                GoneReason::Quit
                    | GoneReason::LineTooLong
                    | GoneReason::Idle
                    | GoneReason::Shutdown
            ) {
                Box::pin(self.linger()).await;
            }
            self.client.gone = Some(reason);
            drop(self);
            drop(place);
        }
    }

    /// Closes gracefully when the server ends the conversation: sends FIN, then reads and drops
    /// what the client still sends for a moment. Closing with unread input would send a reset,
    /// which can destroy the last replies before the client reads them.
    async fn linger(&mut self) {
        let close = tokio::time::timeout(LINGER, self.conn.close_gracefully(LINGER_MAX_BYTES));
        tokio::pin!(close);
        if !self.shutting_down {
            tokio::select! {
                biased;
                // A kick cuts the linger short; a shutdown lets it run its course.
                why = asked_to_end(&self.client, &self.shared, false) => if why == Ending::Kick {
                    return;
                },
                _ = &mut close => return,
            }
        }
        let _ = close.await;
    }

    /// The connection was asked to end: by a kick, the idle timeout, or the server's shutdown
    /// (which then begins here). Asked only until shutdown begins: after that, a kick is not
    /// told apart.
    fn ended_by(&mut self, why: Ending) -> OrGone {
        match why {
            Ending::Kick => Err(GoneReason::Kicked),
            Ending::Idle => Err(GoneReason::Idle),
            Ending::Shutdown => {
                self.shutting_down = true;
                Ok(())
            }
        }
    }

    /// In sequential and pool modes, waits for this client's turn; requests sent meanwhile are
    /// read but not answered. `None` at shutdown: the requests already read are still answered.
    async fn wait_for_turn(&mut self) -> OrGone<Option<Admission>> {
        if let Some(admission) = self.shared.gate.try_enter() {
            return Ok(Some(admission));
        }
        Box::pin(self.queue_for_turn()).await
    }

    async fn queue_for_turn(&mut self) -> OrGone<Option<Admission>> {
        self.client.stats().queued.store(true, Relaxed);
        let shared = Arc::clone(&self.shared);
        let entering = shared.gate.enter();
        tokio::pin!(entering);
        let read_ahead = &shared.queued_read_ahead;
        let mut mine = 0;
        let outcome = loop {
            let before = self.conn.buffered();
            let can_read = !self.input_closed
                && before < QUEUED_READ_LIMIT
                && read_ahead.load(Relaxed) < QUEUED_READ_TOTAL;
            tokio::select! {
                biased;
                why = asked_to_end(&self.client, &self.shared, false) => break self.ended_by(why).map(|()| None),
                admission = &mut entering => break Ok(Some(admission)),
                read = self.conn.read_more(), if can_read => match read {
                    Ok(true) => {
                        self.watch_read(before);
                        let added = self.conn.buffered().saturating_sub(before);
                        read_ahead.fetch_add(added, Relaxed);
                        mine += added;
                    }
                    // Gone before its turn, owed nothing: leave the queue now.
                    Ok(false) if !self.conn.has_line() => break Err(GoneReason::ClosedByClient),
                    Ok(false) => self.input_closed = true,
                    Err(error) => break Err(GoneReason::error(error)),
                },
            }
        };
        read_ahead.fetch_sub(mine, Relaxed);
        self.client.stats().queued.store(false, Relaxed);
        // Waiting for a turn is not the client's silence.
        self.active_now();
        outcome
    }

    async fn serve(&mut self) -> OrGone<std::convert::Infallible> {
        loop {
            self.answer_buffered().await?;
            self.flush().await?;
            if self.input_closed {
                // Half-close: everything sent before the end has been answered.
                return Err(GoneReason::ClosedByClient);
            }
            if self.shutting_down {
                return Err(GoneReason::Shutdown);
            }
            self.client.stats().set_unterminated(self.conn.input());
            let before = self.conn.buffered();
            tokio::select! {
                biased;
                why = asked_to_end(&self.client, &self.shared, true) => {
                    if why == Ending::Idle {
                        self.reply_error(ErrorReply::IdleTimeout);
                        self.flush().await?;
                    }
                    self.ended_by(why)?;
                }
                read = self.conn.read_more() => match read {
                    Ok(true) => self.watch_read(before),
                    Ok(false) => self.input_closed = true,
                    Err(error) => return Err(GoneReason::error(error)),
                },
            }
        }
    }

    /// Answers every complete request in the input, in order.
    async fn answer_buffered(&mut self) -> OrGone {
        let events = self.shared.publisher.request_events_for_batch();
        let keep_raw = events == RequestEvents::Publish || self.shared.panic_on.is_some();
        let mut not_made = 0;
        self.clock.tick();
        loop {
            let frame = match self.conn.next_request(keep_raw) {
                Ok(Some(frame)) => frame,
                Ok(None) => {
                    self.shared.publisher.skip_request_events(not_made);
                    return Ok(());
                }
                // Answered below, out of this scope: the result is not kept across the wait.
                Err(_) => break,
            };
            if let Some(panic_on) = &self.shared.panic_on
                && frame.raw.as_deref() == Some(&**panic_on)
            {
                panic!("fault injection: this request panics its connection's task");
            }
            self.wait_while_paused().await?;
            self.wait_delay().await?;
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
            self.ledger
                .answered(frame.request, frame.arrived, reply != Reply::Nothing);
            match frame.raw {
                Some(request)
                    if events == RequestEvents::Publish
                        && self.ledger.client_may_publish(self.clock.second()) =>
                {
                    self.ledger.await_write(&request, reply, frame.arrived);
                }
                // Past the server's budget, or this client's: counted, and said once a second.
                _ if events != RequestEvents::Unwatched => not_made += 1,
                _ => {}
            }
            if frame.request == Request::Quit {
                self.shared.publisher.skip_request_events(not_made);
                self.flush().await?;
                return Err(GoneReason::Quit);
            }
            if self.conn.queued() >= FLUSH_AT {
                self.flush().await?;
                self.clock.tick();
            }
        }
        self.reply_error(ErrorReply::LineTooLong);
        self.flush().await?;
        Err(GoneReason::LineTooLong)
    }

    fn reply_error(&mut self, error: ErrorReply) -> Reply {
        self.conn.queue(error.bytes());
        self.shared.counters.errors.fetch_add(1, Relaxed);
        self.client.stats().errors.fetch_add(1, Relaxed);
        Reply::Error(error)
    }

    /// The client counts as active from now on (`asked_to_end` measures its silence).
    fn active_now(&self) {
        let stats = self.client.stats();
        stats.active(self.client.connected_at, std::time::Instant::now());
    }

    /// Writes the queued replies. While the client does not read them, nothing more is read from
    /// it either; only a kick, the idle timeout or the end of the shutdown grace period stop the
    /// wait.
    async fn flush(&mut self) -> OrGone {
        self.ledger
            .report_requests(&self.client, &self.shared.counters);
        let watched =
            (self.watched() && self.conn.queued() > 0).then(|| Excerpt::of(self.conn.output()));
        // Usually the socket takes everything at once, with no need to wait on anything.
        let written_at_once = self.conn.try_flush().map_err(GoneReason::error)?;
        if !written_at_once {
            Box::pin(self.flush_blocked()).await?;
        }
        self.ledger
            .replies_written(&self.client, &self.shared.publisher);
        if let Some(bytes) = watched {
            self.publish_watched(Event::Wrote {
                id: self.client.id,
                at: SystemTime::now(),
                bytes,
            });
        }
        Ok(())
    }

    /// Waits until the client reads its replies. Rare, so boxed (as are the other rare waits:
    /// queueing, pause, delay, lingering): every connection's future then needs room only for
    /// the common ones, and an idle connection costs less memory.
    async fn flush_blocked(&mut self) -> OrGone {
        if !self.shutting_down {
            tokio::select! {
                biased;
                why = asked_to_end(&self.client, &self.shared, true) => self.ended_by(why)?,
                written = self.conn.flush() => {
                    return written.map_err(GoneReason::error);
                }
            }
        }
        // Shutting down: the client has a moment to read its last replies.
        tokio::select! {
            biased;
            written = self.conn.flush() => {
                written.map_err(GoneReason::error)
            }
            _ = sleep(SHUTDOWN_FLUSH_GRACE) => Err(GoneReason::Shutdown),
        }
    }

    /// Someone watches this client's bytes.
    fn watched(&self) -> bool {
        self.client.stats().watched.load(Relaxed)
    }

    /// Publishes the read that appended the input from `read_start` on, if someone watches.
    fn watch_read(&self, read_start: usize) {
        if self.watched() {
            self.publish_watched(Event::Read {
                id: self.client.id,
                at: SystemTime::now(),
                read: WireRead::of(self.conn.input(), read_start),
            });
        }
    }

    /// A watched client's events share the request events' budget: a client sending a byte
    /// at a time cannot flood the watcher.
    fn publish_watched(&self, event: Event) {
        self.shared
            .publisher
            .publish_request_events(std::iter::once(event));
    }

    /// The processing delay before a reply (teaching: it makes queueing visible). The replies
    /// already made go out first.
    async fn wait_delay(&mut self) -> OrGone {
        let delay = self.shared.switches.delay();
        if delay.is_zero() || self.shutting_down {
            return Ok(());
        }
        Box::pin(self.delay_reply(delay)).await
    }

    async fn delay_reply(&mut self, delay: Duration) -> OrGone {
        self.flush().await?;
        self.wait_for_the_server(sleep(delay)).await
    }

    /// Holds the next request while the server is paused. The replies already made go out first.
    async fn wait_while_paused(&mut self) -> OrGone {
        if self.shutting_down || !self.shared.switches.is_paused() {
            return Ok(());
        }
        Box::pin(self.hold_while_paused()).await
    }

    async fn hold_while_paused(&mut self) -> OrGone {
        self.flush().await?;
        // Subscribed only now (most connections never see a pause); it sees the current value
        // first, so a resume since the check above is not missed.
        let mut resumed = self.shared.switches.pause_changes();
        self.client.stats().held_by_pause.store(true, Relaxed);
        let outcome = self
            .wait_for_the_server(async {
                let _ = resumed.wait_for(|paused| !paused).await;
            })
            .await;
        self.client.stats().held_by_pause.store(false, Relaxed);
        outcome
    }

    /// Waits for `done`, a wait of the server's (its delay, the operator's resume), unless the
    /// connection is asked to end first. The client's silence meanwhile does not count, and the
    /// end of the wait counts as its activity; the reply clock is read afresh after it.
    async fn wait_for_the_server(&mut self, done: impl Future<Output = ()>) -> OrGone {
        let outcome = tokio::select! {
            biased;
            why = asked_to_end(&self.client, &self.shared, false) => self.ended_by(why),
            () = done => Ok(()),
        };
        self.active_now();
        self.clock.tick();
        outcome
    }
}

/// Waits until the connection is asked to end: a kick, the shutdown, or, where `silence_counts`,
/// the idle sweeper finding it silent past the timeout. A wake from the sweeper asks the client
/// to check: one active since, or waiting where silence does not count (queued, held by a pause,
/// delayed), waits on.
async fn asked_to_end(client: &Registration, shared: &Shared, silence_counts: bool) -> Ending {
    loop {
        client.end().woken().await;
        if let Some(why) = client.end().ending() {
            return why;
        }
        if silence_counts
            && shared.idle_timeout.is_some_and(|timeout| {
                let now = std::time::Instant::now();
                client
                    .stats()
                    .silent_past(timeout, client.connected_at, now)
            })
        {
            return Ending::Idle;
        }
    }
}
