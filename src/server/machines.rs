//! Clients grouped by machine (IP address). The assignment's client connects for every request,
//! so each of its connections lives for a millisecond and the clients table hardly ever shows
//! it; counted per machine, a student's client is a row that stays.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::event::GoneReason;

/// Machines remembered at most. Past this, the one seen longest ago with nothing connected is
/// forgotten to make room.
const REMEMBERED: usize = 4096;

/// One machine as a watcher lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineInfo {
    pub ip: IpAddr,
    /// Its connections open now.
    pub connected: u64,
    /// Connections from it since it was first seen.
    pub connections: u64,
    /// Requests answered on all its connections, the open ones included.
    pub requests: u64,
    /// Error replies sent to it.
    pub errors: u64,
    pub first_seen: Instant,
    /// Its last connection opened or closed, or its last request, whichever came last.
    pub last_seen: Instant,
    /// How its last closed connection ended.
    pub last_gone: Option<GoneReason>,
}

/// What the connections of one machine add up to; the open ones' figures are added when asked.
#[derive(Debug)]
struct Tally {
    connected: u64,
    connections: u64,
    /// Of the closed connections only.
    requests: u64,
    errors: u64,
    first_seen: Instant,
    last_seen: Instant,
    last_gone: Option<GoneReason>,
}

/// The figures of one open connection, for `Machines::list`.
pub(crate) struct OpenConnection {
    pub(crate) ip: IpAddr,
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) last_request_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub(crate) struct Machines {
    tallies: HashMap<IpAddr, Tally>,
}

impl Machines {
    pub(crate) fn connected(&mut self, ip: IpAddr, at: Instant) {
        if !self.tallies.contains_key(&ip) && self.tallies.len() >= REMEMBERED {
            self.forget_the_stalest();
        }
        let tally = self.tallies.entry(ip).or_insert(Tally {
            connected: 0,
            connections: 0,
            requests: 0,
            errors: 0,
            first_seen: at,
            last_seen: at,
            last_gone: None,
        });
        tally.connected += 1;
        tally.connections += 1;
        tally.last_seen = at;
    }

    /// A connection from `ip` closed, having been answered `requests` requests and sent `errors`
    /// error replies.
    pub(crate) fn gone(&mut self, ip: IpAddr, requests: u64, errors: u64, reason: &GoneReason) {
        if let Some(tally) = self.tallies.get_mut(&ip) {
            tally.connected = tally.connected.saturating_sub(1);
            tally.requests += requests;
            tally.errors += errors;
            tally.last_seen = Instant::now();
            tally.last_gone = Some(reason.clone());
        }
    }

    /// How many machines have a connection open at `now`, or opened or closed one within
    /// `within` before it.
    pub(crate) fn seen_within(&self, now: Instant, within: Duration) -> usize {
        let tallies = self.tallies.values();
        tallies
            .filter(|tally| {
                tally.connected > 0 || now.saturating_duration_since(tally.last_seen) <= within
            })
            .count()
    }

    /// Every machine remembered, first seen first, with its open connections' figures added.
    pub(crate) fn list(&self, open: impl IntoIterator<Item = OpenConnection>) -> Vec<MachineInfo> {
        let mut machines: HashMap<IpAddr, MachineInfo> = self
            .tallies
            .iter()
            .map(|(&ip, tally)| {
                let info = MachineInfo {
                    ip,
                    connected: tally.connected,
                    connections: tally.connections,
                    requests: tally.requests,
                    errors: tally.errors,
                    first_seen: tally.first_seen,
                    last_seen: tally.last_seen,
                    last_gone: tally.last_gone.clone(),
                };
                (ip, info)
            })
            .collect();
        for connection in open {
            if let Some(machine) = machines.get_mut(&connection.ip) {
                machine.requests += connection.requests;
                machine.errors += connection.errors;
                if let Some(at) = connection.last_request_at {
                    machine.last_seen = machine.last_seen.max(at);
                }
            }
        }
        let mut machines: Vec<MachineInfo> = machines.into_values().collect();
        machines.sort_by_key(|machine| (machine.first_seen, machine.ip));
        machines
    }

    fn forget_the_stalest(&mut self) {
        let stalest = self
            .tallies
            .iter()
            .filter(|(_, tally)| tally.connected == 0)
            .min_by_key(|(_, tally)| tally.last_seen)
            .map(|(&ip, _)| ip);
        if let Some(ip) = stalest {
            self.tallies.remove(&ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([172, 16, 16, last])
    }

    #[test]
    fn closed_and_open_connections_add_up_per_machine() {
        let mut machines = Machines::default();
        let start = Instant::now();
        machines.connected(ip(1), start);
        machines.gone(ip(1), 2, 0, &GoneReason::Quit);
        machines.connected(ip(2), start);
        machines.connected(ip(1), start);
        let open = [OpenConnection {
            ip: ip(1),
            requests: 3,
            errors: 1,
            last_request_at: None,
        }];
        let list = machines.list(open);
        assert_eq!(list.len(), 2);
        let first = &list[0];
        assert_eq!(
            (
                first.ip,
                first.connected,
                first.connections,
                first.requests,
                first.errors
            ),
            (ip(1), 1, 2, 5, 1)
        );
        assert_eq!(first.last_gone, Some(GoneReason::Quit));
        assert_eq!(
            (list[1].ip, list[1].connected, list[1].requests),
            (ip(2), 1, 0)
        );
    }

    #[test]
    fn past_the_limit_the_stalest_idle_machine_is_forgotten() {
        let mut machines = Machines::default();
        let start = Instant::now();
        // The first machine stays connected, so it is never the one forgotten.
        for n in 0..REMEMBERED {
            let ip = IpAddr::from([10, 0, (n / 256) as u8, (n % 256) as u8]);
            machines.connected(ip, start);
            if n > 0 {
                machines.gone(ip, 1, 0, &GoneReason::Quit);
            }
        }
        machines.connected(ip(1), Instant::now());
        let list = machines.list([]);
        assert_eq!(list.len(), REMEMBERED);
        assert!(list.iter().any(|m| m.ip == IpAddr::from([10, 0, 0, 0])));
        assert!(list.iter().any(|m| m.ip == ip(1)));
        assert!(!list.iter().any(|m| m.ip == IpAddr::from([10, 0, 0, 1])));
    }
}
