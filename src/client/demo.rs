//! `--demo N`: built-in clients that behave like the assignment's client (connect, TIME, read,
//! QUIT, close, every second), so one command shows a busy server. They are real TCP clients on
//! loopback; their addresses are kept so the dashboard can mark them.

use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpSocket;
use tokio_util::sync::CancellationToken;

use super::ask::TimeConnection;

/// How long a demo client waits to connect, or for a reply, before trying again next second.
const ASK_LIMIT: Duration = Duration::from_secs(5);

/// Connections of the demo clients remembered (enough for every row a table keeps).
const PEERS_KEPT: usize = 4096;

/// The demo clients; dropping this stops them.
#[derive(Default)]
pub struct DemoClients {
    peers: Arc<Mutex<Peers>>,
    stop: CancellationToken,
}

/// The local addresses of the demo clients' latest connections, open or closed.
#[derive(Default)]
struct Peers {
    known: HashSet<SocketAddr>,
    order: VecDeque<SocketAddr>,
}

impl Peers {
    fn add(&mut self, peer: SocketAddr) {
        if self.order.len() == PEERS_KEPT
            && let Some(oldest) = self.order.pop_front()
        {
            self.known.remove(&oldest);
        }
        if self.known.insert(peer) {
            self.order.push_back(peer);
        }
    }
}

impl DemoClients {
    /// Starts `count` clients of the server listening on `server` (on the current runtime).
    pub fn start(server: SocketAddr, count: usize) -> DemoClients {
        let demo = DemoClients::default();
        let target = reachable(server);
        for number in 0..count {
            let (peers, stop) = (Arc::clone(&demo.peers), demo.stop.clone());
            // Spread over the second, as students' clients would be.
            let offset = Duration::from_millis((1000 * number / count.max(1)) as u64);
            tokio::spawn(async move {
                tokio::select! {
                    _ = stop.cancelled() => {}
                    _ = ask_every_second(target, offset, peers) => {}
                }
            });
        }
        demo
    }

    /// The local addresses of the demo clients' latest connections, the open ones and those
    /// just closed (a table still lists them), so their rows stay marked.
    pub fn peers(&self) -> HashSet<SocketAddr> {
        self.peers
            .lock()
            .map(|peers| peers.known.clone())
            .unwrap_or_default()
    }
}

impl Drop for DemoClients {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A listening address a client can connect to: the unspecified address means loopback.
fn reachable(server: SocketAddr) -> SocketAddr {
    let ip = match server.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, server.port())
}

async fn ask_every_second(target: SocketAddr, offset: Duration, peers: Arc<Mutex<Peers>>) {
    tokio::time::sleep(offset).await;
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    loop {
        every_second.tick().await;
        let Ok(mut connection) = connect_marked(target, &peers).await else {
            continue;
        };
        if connection.ask(Some(ASK_LIMIT)).await.is_ok() {
            let _ = connection.quit(Some(ASK_LIMIT)).await;
        }
    }
}

/// Connects from an address noted as a demo client's before the server can see it, so its row
/// is marked from the start.
async fn connect_marked(
    target: SocketAddr,
    peers: &Mutex<Peers>,
) -> std::io::Result<TimeConnection> {
    let socket = match target {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.bind(SocketAddr::new(target.ip(), 0))?;
    let local = socket.local_addr()?;
    if let Ok(mut peers) = peers.lock() {
        peers.add(local);
    }
    let stream = tokio::time::timeout(ASK_LIMIT, socket.connect(target))
        .await
        .map_err(|_| std::io::ErrorKind::TimedOut)??;
    // The demo clients' failures are not shown to anyone.
    Ok(TimeConnection::new(stream, crate::lang::Lang::En))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_reached_on_loopback() {
        assert_eq!(
            reachable("0.0.0.0:45000".parse().unwrap()),
            "127.0.0.1:45000".parse().unwrap()
        );
        assert_eq!(
            reachable("[::]:45000".parse().unwrap()),
            "[::1]:45000".parse().unwrap()
        );
        assert_eq!(
            reachable("10.0.0.5:1".parse().unwrap()),
            "10.0.0.5:1".parse().unwrap()
        );
    }
}
