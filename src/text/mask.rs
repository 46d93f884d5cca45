//! Privacy mode for projectors: client addresses are masked everywhere they are shown, keeping
//! the network part and the port (`172.16.x.x:43256`), so students' addresses are not projected.

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

use regex::Regex;

/// An IP address with its host part masked: `172.16.x.x`, `2001:db8:x:x:x:x:x:x`.
pub fn mask_ip(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, _, _] = v4.octets();
            format!("{a}.{b}.x.x")
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            format!("{:x}:{:x}:x:x:x:x:x:x", segments[0], segments[1])
        }
    }
}

/// A socket address with its host part masked: `172.16.x.x:43256`, `[2001:db8:x:x:x:x:x:x]:43256`.
pub fn mask_addr(addr: SocketAddr) -> String {
    match addr.ip().to_canonical() {
        IpAddr::V4(_) => format!("{}:{}", mask_ip(addr.ip()), addr.port()),
        IpAddr::V6(_) => format!("[{}]:{}", mask_ip(addr.ip()), addr.port()),
    }
}

/// Masks every address in a line of text: IPv4 addresses anywhere, and IPv6 addresses in the
/// forms jamtui writes them (`('::1', 43256, 0, 0)` and `[::1]:43256`).
pub fn mask_text(text: &str) -> String {
    static V4: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}\b").expect("valid regex")
    });
    static V6: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(\(')([0-9a-fA-F:]*:[0-9a-fA-F:.]*)('|\])|(\[)([0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\])",
        )
        .expect("valid regex")
    });
    let masked = V4.replace_all(text, "$1.$2.x.x");
    V6.replace_all(&masked, |captures: &regex::Captures| {
        let (open, ip, close) = match captures.get(2) {
            Some(ip) => (&captures[1], ip.as_str(), &captures[3]),
            None => (&captures[4], &captures[5], &captures[6]),
        };
        match ip.parse::<IpAddr>() {
            Ok(ip) => format!("{open}{}{close}", mask_ip(ip)),
            Err(_) => captures[0].to_string(),
        }
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_network_and_port() {
        assert_eq!(
            mask_addr("172.16.16.102:43256".parse().unwrap()),
            "172.16.x.x:43256"
        );
        assert_eq!(
            mask_addr("127.0.0.1:43256".parse().unwrap()),
            "127.0.x.x:43256"
        );
        assert_eq!(
            mask_addr("[2001:db8::5]:43256".parse().unwrap()),
            "[2001:db8:x:x:x:x:x:x]:43256"
        );
        assert_eq!(
            mask_addr("[::ffff:10.1.2.3]:9".parse().unwrap()),
            "10.1.x.x:9"
        );
    }

    #[test]
    fn log_lines_are_masked_but_times_are_not() {
        assert_eq!(
            mask_text("[SERVER] sending JAM 23:19:50 to ('172.16.16.102', 43256)"),
            "[SERVER] sending JAM 23:19:50 to ('172.16.x.x', 43256)"
        );
        assert_eq!(
            mask_text("connection from ('::1', 43256, 0, 0)"),
            "connection from ('0:0:x:x:x:x:x:x', 43256, 0, 0)"
        );
        assert_eq!(
            mask_text("listening on [::]:45000"),
            "listening on [0:0:x:x:x:x:x:x]:45000"
        );
        assert_eq!(mask_text("no address here 12:30"), "no address here 12:30");
    }
}
