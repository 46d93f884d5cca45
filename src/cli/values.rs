//! How flag values are read, and the range each may take: every duration and count flag names
//! its limits here, once, and a value outside them is a one-line error naming the range.

use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::time::Duration;

use ipnet::IpNet;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86_400);

/// `--idle-timeout`: never (0) up to a week.
pub const IDLE_TIMEOUT: (Duration, Duration) = (Duration::ZERO, Duration::from_secs(7 * 86_400));
/// `--delay`: up to a minute before each reply.
pub const DELAY: (Duration, Duration) = (Duration::ZERO, MINUTE);
/// `--keep-closed`: up to ten minutes.
pub const KEEP_CLOSED: (Duration, Duration) = (Duration::ZERO, Duration::from_secs(600));
/// `jamtui client --interval`: up to a day between requests.
pub const INTERVAL: (Duration, Duration) = (Duration::ZERO, DAY);
/// `--timeout` of the client and the bench: from a millisecond to a day.
pub const TIMEOUT: (Duration, Duration) = (Duration::from_millis(1), DAY);
/// `jamtui bench --duration`: from a millisecond to a day.
pub const BENCH_DURATION: (Duration, Duration) = (Duration::from_millis(1), DAY);

/// `--max-line`: bytes in a request line.
pub const MAX_LINE: RangeInclusive<u64> = 1..=1 << 20;
/// `--max-clients`: clients served at once.
pub const MAX_CLIENTS: RangeInclusive<u64> = 1..=1 << 24;
/// `--pool-size`: clients served at once in pool mode.
pub const POOL_SIZE: RangeInclusive<u64> = 1..=100_000;
/// `--demo`: built-in clients.
pub const DEMO_CLIENTS: RangeInclusive<u64> = 0..=1000;
/// `jamtui client --clients`: clients running at once.
pub const CLIENTS: RangeInclusive<u64> = 1..=100_000;
/// `jamtui bench --connections`.
pub const CONNECTIONS: RangeInclusive<u64> = 1..=100_000;
/// `jamtui bench --pipeline`: requests in flight per connection.
pub const PIPELINE: RangeInclusive<u64> = 1..=10_000;
/// `jamtui bench --hold`: idle connections held.
pub const HELD_CONNECTIONS: RangeInclusive<u64> = 0..=100_000;

/// A duration given as plain seconds (`300`, `0.5`) or with a unit (`500ms`, `5m`), within
/// `range` (both ends included).
pub fn duration_within(
    (min, max): (Duration, Duration),
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |text| {
        let duration = parse_duration(text)?;
        if duration < min || duration > max {
            return Err(format!(
                "'{text}' is out of range: write {} to {}",
                humantime::format_duration(min),
                humantime::format_duration(max)
            ));
        }
        Ok(duration)
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        // A duration too small to count would silently mean zero (for some flags: never).
        Ok(seconds) if seconds > 0.0 && seconds < 1e-9 => Err(format!(
            "'{text}' is less than a nanosecond: write 0 for none, or at least 1ns"
        )),
        Ok(seconds) => Duration::try_from_secs_f64(seconds)
            .map_err(|_| format!("'{text}' is not a duration in seconds")),
        Err(_) => humantime::parse_duration(text).map_err(|error| {
            format!("'{text}' is not a duration ({error}); write seconds, or 500ms, 5m")
        }),
    }
}

/// An address to listen on: any address but a broadcast or multicast one, which cannot accept
/// a connection.
pub fn parse_bind(text: &str) -> Result<IpAddr, String> {
    let addr: IpAddr = text.parse().map_err(|_| {
        format!("'{text}' is not an IP address: write one of this machine's, 0.0.0.0 or ::")
    })?;
    let kind = match addr {
        IpAddr::V4(v4) if v4.is_broadcast() => "a broadcast address",
        addr if addr.is_multicast() => "a multicast address",
        _ => return Ok(addr),
    };
    Err(format!(
        "'{text}' is {kind}, which cannot accept connections: write one of this machine's addresses, 0.0.0.0 (every IPv4 address) or :: (every address)"
    ))
}

/// A network in CIDR notation, or a single address.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("'{text}' is not a network: write it like 172.16.16.0/24 or 10.0.0.5"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_or_units_within_their_range() {
        let parse = duration_within(IDLE_TIMEOUT);
        assert_eq!(parse("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        for bad in [
            "1e19",
            "8days",
            "400000000000years",
            "-1",
            "soon",
            "NaN",
            "inf",
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains(&format!("'{bad}'")), "{error}");
        }
        assert!(parse("1e19").unwrap_err().contains("0s to 7days"));
        assert!(
            parse("1e-12")
                .unwrap_err()
                .contains("less than a nanosecond")
        );
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("1e-9"), Ok(Duration::from_nanos(1)));
    }

    #[test]
    fn a_broadcast_or_multicast_address_cannot_be_listened_on() {
        assert_eq!(parse_bind("127.0.0.1"), Ok(IpAddr::from([127, 0, 0, 1])));
        assert!(parse_bind("0.0.0.0").is_ok() && parse_bind("::").is_ok());
        for bad in ["255.255.255.255", "224.0.0.1", "ff02::1"] {
            let error = parse_bind(bad).unwrap_err();
            assert!(error.contains("cannot accept connections"), "{error}");
        }
        assert!(
            parse_bind("lab-pc")
                .unwrap_err()
                .contains("not an IP address")
        );
    }
}
