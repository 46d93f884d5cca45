//! One accept loop, as each serving thread runs it over its own handle of the listening socket:
//! admits clients up to the limit, honours pause and shutdown, and hands each client to a task
//! of its own on the same thread.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::sleep;
use tokio_util::task::TaskTracker;

use super::config::Config;
use super::event::{Event, Refusal};
use super::handler::Handler;
use super::shared::Shared;
use crate::protocol::ErrorReply;

/// Whether an accepted socket inherits TCP_NODELAY from the listening socket, which saves a
/// system call per connection. Linux copies it; other systems are not relied on.
pub(super) const NODELAY_INHERITED: bool = cfg!(target_os = "linux");

/// Retry delays after a failed `accept()`, for example when out of file descriptors.
const ACCEPT_BACKOFF_FIRST: Duration = Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// What every accept loop shares: the server, its config and the places among `--max-clients`.
pub(super) struct Acceptor {
    pub(super) shared: Arc<Shared>,
    pub(super) config: Config,
    pub(super) places: Arc<Semaphore>,
}

impl Acceptor {
    pub(super) fn new(shared: Arc<Shared>, config: Config) -> Acceptor {
        Acceptor {
            places: Arc::new(Semaphore::new(config.max_clients)),
            shared,
            config,
        }
    }

    /// Accepts until shutdown, then closes `listener`. Each client's task is spawned on the
    /// caller's runtime, and tracked by what this returns.
    pub(super) async fn accept_until_shutdown(&self, listener: TcpListener) -> TaskTracker {
        let Acceptor {
            shared,
            config,
            places,
        } = self;
        let tracker = TaskTracker::new();
        let mut paused = shared.switches.pause_changes();
        let mut backoff = ACCEPT_BACKOFF_FIRST;
        loop {
            if shared.switches.is_paused() {
                // Connections wait in the listen backlog until resume.
                tokio::select! {
                    _ = shared.shutdown.cancelled() => break,
                    _ = paused.wait_for(|paused| !paused) => continue,
                }
            }
            let accepted = tokio::select! {
                biased;
                _ = shared.shutdown.cancelled() => break,
                _ = paused.wait_for(|paused| *paused) => continue,
                accepted = listener.accept() => accepted,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => {
                    backoff = ACCEPT_BACKOFF_FIRST;
                    accepted
                }
                Err(error) => {
                    shared.publisher.publish(Event::AcceptFailed {
                        error: error.to_string(),
                    });
                    tokio::select! {
                        _ = shared.shutdown.cancelled() => break,
                        _ = sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    continue;
                }
            };
            if !is_allowed(&config.allow, peer) {
                refuse(shared, stream, peer, Refusal::NotAllowed);
                continue;
            }
            let Ok(place) = Arc::clone(places).try_acquire_owned() else {
                refuse(shared, stream, peer, Refusal::Busy);
                continue;
            };
            if !NODELAY_INHERITED {
                let _ = stream.set_nodelay(true);
            }
            let client = shared.registry.register(peer);
            let handler = Handler::new(stream, client, Arc::clone(shared), config);
            tracker.spawn(handler.task(place));
        }
        tracker.close();
        tracker
    }
}

fn is_allowed(allow: &[IpNet], peer: SocketAddr) -> bool {
    // A v4 client of a dual-stack listener shows up as ::ffff:a.b.c.d.
    let ip = peer.ip().to_canonical();
    allow.is_empty() || allow.iter().any(|net| net.contains(&ip))
}

/// Turns a connection away at accept. A busy server says so in one line (best effort, without
/// waiting); a stranger gets nothing.
fn refuse(shared: &Shared, stream: TcpStream, peer: SocketAddr, refusal: Refusal) {
    if refusal == Refusal::Busy {
        let _ = stream.try_write(ErrorReply::Busy.bytes());
    }
    shared.refused(peer, refusal);
}
