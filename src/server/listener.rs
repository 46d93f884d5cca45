//! The server: binds the listening socket, then serves it on the serving threads (`threads`),
//! each running an accept loop (`accept`), until shutdown.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpSocket;
use tokio_util::task::TaskTracker;

use super::accept::Acceptor;
use super::config::Config;
use super::control::ServerHandle;
use super::event::Event;
use super::shared::Shared;
use super::threads::ServingThreads;

/// Room in the kernel for connections that are not accepted yet (a burst, or a pause).
const LISTEN_BACKLOG: u32 = 4096;

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
    listener: std::net::TcpListener,
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
    /// The clients are served on threads of their own (`Config::threads`); this task only
    /// starts them, reports once a second and sweeps the idle.
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
        let chores = TaskTracker::new();
        chores.spawn(report_skipped_every_second(Arc::clone(&shared)));
        if let Some(timeout) = shared.idle_timeout {
            chores.spawn(sweep_idle(Arc::clone(&shared), timeout));
        }
        chores.close();
        let acceptor = Arc::new(Acceptor::new(Arc::clone(&shared), config.clone()));
        let mut threads = ServingThreads::start(config.threads, listener, acceptor).await;
        threads.stopped_listening().await;
        shared.publisher.publish(Event::ShuttingDown);
        threads.ended().await;
        chores.wait().await;
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

/// The listening socket, not yet registered with any runtime: each serving thread registers a
/// handle of it with its own.
fn listen(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    super::port::own_the_port(&socket)?;
    // Replies go out at once, not held back to join the next one (Nagle).
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)?.into_std()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::accept::NODELAY_INHERITED;
    use tokio::net::{TcpListener, TcpStream};

    /// The accept loop sets TCP_NODELAY only where the accepted socket does not inherit it.
    #[tokio::test]
    async fn accepted_sockets_have_nodelay_where_it_is_inherited() {
        let listener =
            TcpListener::from_std(listen("127.0.0.1:0".parse().unwrap()).unwrap()).unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        if NODELAY_INHERITED {
            assert!(accepted.nodelay().unwrap());
        }
    }
}
