//! Where students can connect. A server bound to every address (`0.0.0.0` or `::`) is reached at
//! the machine's own addresses, which the header and the log name, the way development servers
//! print a "Network:" line; `0.0.0.0` itself is nothing a student can type.

use std::net::{IpAddr, SocketAddr};

/// The addresses at which clients reach a server listening on `listening`: that address itself,
/// or for an unspecified one every address of the machine's interfaces that is neither loopback
/// nor link-local, IPv4 first (IPv6 only for a `::` listener). Empty when none is found.
pub fn reachable(listening: SocketAddr) -> Vec<SocketAddr> {
    if !listening.ip().is_unspecified() {
        return vec![listening];
    }
    let Ok(interfaces) = if_addrs::get_if_addrs() else {
        return Vec::new();
    };
    let mut ips: Vec<IpAddr> = interfaces
        .iter()
        .filter(|interface| !interface.is_loopback() && !interface.is_link_local())
        .map(if_addrs::Interface::ip)
        .filter(|ip| listening.is_ipv6() || ip.is_ipv4())
        .collect();
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.dedup();
    ips.into_iter()
        .map(|ip| SocketAddr::new(ip, listening.port()))
        .collect()
}

/// The first `shown` addresses, and how many more: `172.16.16.101:45000, 10.0.0.5:45000 (+3)`.
pub fn describe(addrs: &[SocketAddr], shown: usize) -> String {
    let mut text = addrs
        .iter()
        .take(shown)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if addrs.len() > shown {
        text.push_str(&format!(" (+{})", addrs.len() - shown));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_specific_address_is_its_own_answer() {
        let one: SocketAddr = "127.0.0.1:45000".parse().unwrap();
        assert_eq!(reachable(one), [one]);
    }

    #[test]
    fn every_address_means_the_machines_own_ones_on_the_same_port() {
        for found in reachable("0.0.0.0:45000".parse().unwrap()) {
            assert!(found.is_ipv4() && !found.ip().is_loopback(), "{found}");
            assert_eq!(found.port(), 45000);
        }
    }

    #[test]
    fn a_long_list_is_cut_with_a_count() {
        let addrs: Vec<SocketAddr> = [
            "172.16.16.101:45000",
            "10.0.0.5:45000",
            "[2001:db8::5]:45000",
        ]
        .iter()
        .map(|addr| addr.parse().unwrap())
        .collect();
        assert_eq!(
            describe(&addrs, 2),
            "172.16.16.101:45000, 10.0.0.5:45000 (+1)"
        );
        assert_eq!(describe(&addrs[..1], 2), "172.16.16.101:45000");
        assert_eq!(describe(&[], 2), "");
    }
}
