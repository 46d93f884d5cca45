//! What the dashboard knows of the server it shows: the facts that hold for good, and a snapshot
//! of the rest taken every frame.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::server::{ClientInfo, CounterSnapshot, MachineInfo, Mode, ServerHandle};
use crate::time::Zone;

/// How recently a machine must have connected or closed to count as active.
pub const ACTIVE_MACHINES_WITHIN: Duration = Duration::from_secs(10);

/// What the dashboard knows of the server it shows, for good.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub listen_addr: SocketAddr,
    /// Where clients reach it: for a server bound to every address, the machine's own.
    pub reachable: Vec<SocketAddr>,
    /// The zone of the clock and of TIME replies; the log and the conversations show their times
    /// in it too.
    pub zone: Zone,
    /// `zone`'s name, looked up once (the local zone's name is read from the system).
    pub zone_name: String,
    /// The pool size `m` switches to.
    pub pool_size: usize,
}

impl ServerInfo {
    pub fn new(listen_addr: SocketAddr, zone: Zone, pool_size: usize) -> ServerInfo {
        ServerInfo {
            listen_addr,
            reachable: vec![listen_addr],
            zone,
            zone_name: zone.name(),
            pool_size,
        }
    }

    pub fn of(handle: &ServerHandle) -> ServerInfo {
        ServerInfo {
            reachable: handle.reachable().to_vec(),
            ..ServerInfo::new(handle.local_addr(), handle.zone(), handle.pool_size())
        }
    }
}

/// What the server looks like at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub at: Instant,
    pub counters: CounterSnapshot,
    /// In connection order.
    pub clients: Vec<ClientInfo>,
    /// First seen first.
    pub machines: Vec<MachineInfo>,
    /// Machines with a connection open, or opened or closed one within the last
    /// `ACTIVE_MACHINES_WITHIN`: with the assignment's client, the students active now.
    pub active_machines: usize,
    pub paused: bool,
    pub uptime: Duration,
    /// `JAM hh:mm:ss`, what a TIME request gets right now.
    pub clock: String,
    pub mode: Mode,
    /// The pause before each reply.
    pub delay: Duration,
}
