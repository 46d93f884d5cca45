//! `--demo N`: built-in clients that behave like the assignment's client (connect, TIME, read,
//! QUIT, close, every second), so one command shows a busy server. They are real TCP clients on
//! loopback; their addresses are kept so the dashboard can mark them.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::ask::TimeConnection;

/// How long a demo client waits to connect, or for a reply, before trying again next second.
const ASK_LIMIT: Duration = Duration::from_secs(5);

/// The demo clients; dropping this stops them.
#[derive(Default)]
pub struct DemoClients {
    peers: Arc<Mutex<HashSet<SocketAddr>>>,
    stop: CancellationToken,
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
                    _ = run(target, offset, peers) => {}
                }
            });
        }
        demo
    }

    /// The local addresses of the demo clients connected right now.
    pub fn peers(&self) -> HashSet<SocketAddr> {
        self.peers
            .lock()
            .map(|peers| peers.clone())
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

async fn run(target: SocketAddr, offset: Duration, peers: Arc<Mutex<HashSet<SocketAddr>>>) {
    tokio::time::sleep(offset).await;
    let host = target.ip().to_string();
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    loop {
        every_second.tick().await;
        let Ok(mut connection) = TimeConnection::open(&host, target.port(), ASK_LIMIT).await else {
            continue;
        };
        let Some(local) = connection.local_addr() else {
            continue;
        };
        if let Ok(mut set) = peers.lock() {
            set.insert(local);
        }
        // Marked until the server has closed the connection, not just until QUIT is sent.
        if connection.ask(Some(ASK_LIMIT)).await.is_ok() {
            let _ = connection.quit_and_wait(ASK_LIMIT).await;
        }
        if let Ok(mut set) = peers.lock() {
            set.remove(&local);
        }
    }
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
