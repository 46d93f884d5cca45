//! What a server is told when it starts: where to listen, in which zone to answer, its limits
//! and how it serves at first.

use std::net::SocketAddr;
use std::time::Duration;

use ipnet::IpNet;

use super::mode::Mode;
use crate::time::Zone;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub zone: Zone,
    /// Longest request line, in bytes, without its CR LF.
    pub max_line: usize,
    pub max_clients: usize,
    /// Close connections silent this long; `None`: never.
    pub idle_timeout: Option<Duration>,
    /// Publish an event per request (for the watchers: a log, a dashboard). Counters are exact
    /// either way.
    pub request_events: bool,
    /// Only these networks may connect; empty: everyone.
    pub allow: Vec<IpNet>,
    /// How many clients are served at once; changeable live through the handle.
    pub mode: Mode,
    /// How many clients pool mode serves at once, when switched to it live.
    pub pool_size: usize,
    /// A pause before each reply, so that queueing becomes visible; changeable live.
    pub delay: Duration,
    /// How long a closed connection stays listed (`ServerHandle::recently_closed`); zero: not
    /// at all.
    pub keep_closed: Duration,
    /// For the tests (the `fault-injection` feature): a request line equal to this (terminator
    /// included) panics its connection's task, to prove one task's failure harms no other.
    #[cfg(feature = "fault-injection")]
    pub panic_on: Option<Vec<u8>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([0, 0, 0, 0], 45000)),
            zone: Zone::Local,
            max_line: 1024,
            max_clients: 10_000,
            idle_timeout: Some(Duration::from_secs(300)),
            request_events: true,
            allow: Vec::new(),
            mode: Mode::Concurrent,
            pool_size: 4,
            delay: Duration::ZERO,
            keep_closed: Duration::from_secs(5),
            #[cfg(feature = "fault-injection")]
            panic_on: None,
        }
    }
}
