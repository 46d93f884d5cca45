//! The parts of a running server that every connection reaches: its address and zone, the
//! counters, the publisher of events, the registry of clients, the operator's switches, the
//! serving gate and the shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::config::Config;
use super::counters::Counters;
use super::event::{Event, Refusal};
use super::gate::Gate;
use super::publisher::Publisher;
use super::registry::Registry;
use super::switches::Switches;
use crate::time::Zone;

/// Bytes read ahead from all the clients waiting for their turn (sequential and pool modes),
/// at most; past this, queued clients are not read from until their turn.
pub const QUEUED_READ_TOTAL: usize = 16 << 20;

pub(crate) struct Shared {
    pub(crate) local_addr: SocketAddr,
    /// Where clients reach the server.
    pub(crate) reachable: Vec<SocketAddr>,
    pub(crate) zone: Zone,
    pub(crate) started: Instant,
    pub(crate) counters: Arc<Counters>,
    pub(crate) publisher: Arc<Publisher>,
    pub(crate) registry: Arc<Registry>,
    pub(crate) switches: Switches,
    pub(crate) shutdown: CancellationToken,
    /// Closes connections silent for this long.
    pub(crate) idle_timeout: Option<Duration>,
    /// A request line equal to this (terminator included) panics its connection; only the
    /// tests set it (`Config::panic_on`, the `fault-injection` feature).
    pub(crate) panic_on: Option<Box<[u8]>>,
    pub(crate) gate: Arc<Gate>,
    /// Bytes read from queued clients and not yet answered.
    pub(crate) queued_read_ahead: AtomicUsize,
    pub(crate) pool_size: usize,
}

impl Shared {
    pub(crate) fn new(local_addr: SocketAddr, config: &Config) -> Arc<Shared> {
        let counters = Arc::new(Counters::default());
        let publisher = Arc::new(Publisher::new(config.request_events));
        let shutdown = CancellationToken::new();
        let gate = Arc::new(Gate::new(config.mode));
        Arc::new(Shared {
            local_addr,
            reachable: super::reachable::reachable(local_addr),
            zone: config.zone,
            started: Instant::now(),
            registry: Arc::new(Registry::new(
                config.keep_closed,
                Arc::clone(&counters),
                Arc::clone(&publisher),
                shutdown.clone(),
            )),
            switches: Switches::new(config.delay, Arc::clone(&gate), Arc::clone(&publisher)),
            counters,
            publisher,
            shutdown,
            idle_timeout: config.idle_timeout,
            #[cfg(feature = "fault-injection")]
            panic_on: config.panic_on.as_deref().map(Box::from),
            #[cfg(not(feature = "fault-injection"))]
            panic_on: None,
            gate,
            queued_read_ahead: AtomicUsize::new(0),
            pool_size: config.pool_size,
        })
    }

    /// Counts a connection turned away at accept, and publishes it (refusals by `--allow`
    /// within their budget).
    pub(crate) fn refused(&self, peer: SocketAddr, refusal: Refusal) {
        let announced = match refusal {
            Refusal::Busy => {
                self.counters.busy.fetch_add(1, Relaxed);
                true
            }
            Refusal::NotAllowed => {
                self.counters.not_allowed.fetch_add(1, Relaxed);
                self.publisher.announces_refusal()
            }
        };
        if announced {
            self.publisher.publish(Event::Refused { peer, refusal });
        }
    }

    /// Stops the listener and asks every connection to end.
    pub(crate) fn shut_down(&self) {
        self.shutdown.cancel();
        self.registry.end_all();
    }
}
