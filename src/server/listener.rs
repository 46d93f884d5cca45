//! The accept loop: binds the listener, admits clients up to the limit, honours pause and
//! shutdown, and hands each client to its own task.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout};
use tokio_util::task::TaskTracker;

use super::config::Config;
use super::control::ServerHandle;
use super::event::{Event, Refusal};
use super::handler::Handler;
use super::shared::Shared;
use crate::protocol::ErrorReply;

/// Room in the kernel for connections that are not accepted yet (a burst, or a pause).
const LISTEN_BACKLOG: u32 = 4096;

/// Whether an accepted socket inherits TCP_NODELAY from the listening socket, which saves a
/// system call per connection. Linux copies it; other systems are not relied on.
const NODELAY_INHERITED: bool = cfg!(target_os = "linux");

/// After shutdown, how long `run` waits for the clients' tasks to finish.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(1500);

/// Retry delays after a failed `accept()`, for example when out of file descriptors.
const ACCEPT_BACKOFF_FIRST: Duration = Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error(
        "port {port} is already in use on {ip} (by another server, or by an outgoing connection's ephemeral port): choose another with --port N{}",
        super::port::in_use_fix(*port)
    )]
    InUse { ip: std::net::IpAddr, port: u16 },
    #[error(
        "no permission to listen on port {port}: {}; choose another with --port N",
        super::port::PERMISSION_WHY
    )]
    Permission { port: u16 },
    #[error("cannot listen on {addr}: {source}; check --bind")]
    Other { addr: SocketAddr, source: io::Error },
}

pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
    config: Config,
}

impl Server {
    /// Binds the listening socket. With port 0 the system picks a free port; `handle().local_addr()`
    /// tells which.
    pub async fn bind(config: Config) -> Result<Server, BindError> {
        let addr = config.addr;
        let listener = listen(addr).map_err(|source| match source.kind() {
            io::ErrorKind::AddrInUse => BindError::InUse {
                ip: addr.ip(),
                port: addr.port(),
            },
            io::ErrorKind::PermissionDenied => BindError::Permission { port: addr.port() },
            _ => BindError::Other { addr, source },
        })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| BindError::Other { addr, source })?;
        let shared = Shared::new(local_addr, &config);
        Ok(Server {
            listener,
            shared,
            config,
        })
    }

    pub fn handle(&self) -> ServerHandle {
        ServerHandle::new(Arc::clone(&self.shared))
    }

    /// Serves until `ServerHandle::shutdown`, then waits (briefly) for the clients to be closed.
    pub async fn run(self) {
        let Server {
            listener,
            shared,
            config,
        } = self;
        shared.publisher.publish(Event::Listening {
            addr: shared.local_addr,
            reachable: shared.reachable.clone(),
        });
        let permits = Arc::new(Semaphore::new(config.max_clients));
        let tracker = TaskTracker::new();
        tracker.spawn(report_skipped_every_second(Arc::clone(&shared)));
        if let Some(timeout) = shared.idle_timeout {
            tracker.spawn(sweep_idle(Arc::clone(&shared), timeout));
        }
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
                refuse(&shared, stream, peer, Refusal::NotAllowed);
                continue;
            }
            let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                refuse(&shared, stream, peer, Refusal::Busy);
                continue;
            };
            if !NODELAY_INHERITED {
                let _ = stream.set_nodelay(true);
            }
            let client = shared.registry.register(peer);
            let handler = Handler::new(stream, client, Arc::clone(&shared), &config);
            tracker.spawn(handler.task(permit));
        }
        drop(listener);
        shared.publisher.publish(Event::ShuttingDown);
        tracker.close();
        let _ = timeout(SHUTDOWN_WAIT, tracker.wait()).await;
        shared.publisher.report_last_skipped();
    }
}

/// Says once a second how many events the last second skipped, until shutdown.
async fn report_skipped_every_second(shared: Arc<Shared>) {
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            _ = every_second.tick() => shared.publisher.report_skipped(),
        }
    }
}

/// Has the connections silent past the idle timeout check themselves, four times per timeout
/// (at most once a second): one task instead of a timer per connection.
async fn sweep_idle(shared: Arc<Shared>, timeout: Duration) {
    let period = (timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    let mut sweeps = tokio::time::interval(period);
    sweeps.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            _ = sweeps.tick() => shared.registry.wake_the_silent(timeout),
        }
    }
}

fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    super::port::own_the_port(&socket)?;
    // Replies go out at once, not held back to join the next one (Nagle).
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The accept loop sets TCP_NODELAY only where the accepted socket does not inherit it.
    #[tokio::test]
    async fn accepted_sockets_have_nodelay_where_it_is_inherited() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        if NODELAY_INHERITED {
            assert!(accepted.nodelay().unwrap());
        }
    }
}
