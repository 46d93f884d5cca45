//! The `JAM hh:mm:ss` reply for the current second, in the server's zone.

use crate::protocol::{TIME_REPLY_LEN, time_reply};
use crate::time::{Zone, unix_now};

/// Builds the reply to `TIME`, formatting it once per second and reusing the bytes in between
/// (as nginx caches its Date header). One per connection, so no state is shared. The wall clock
/// is read by `tick`, once per batch of requests rather than per request: on some machines
/// reading it costs more than answering.
#[derive(Debug)]
pub struct ReplyClock {
    zone: Zone,
    second: i64,
    reply: [u8; TIME_REPLY_LEN],
}

impl ReplyClock {
    pub fn new(zone: Zone) -> ReplyClock {
        ReplyClock {
            zone,
            second: i64::MIN,
            reply: [0; TIME_REPLY_LEN],
        }
    }

    /// Reads the wall clock: the replies until the next tick are for this second.
    pub fn tick(&mut self) {
        self.reply_at(unix_now());
    }

    /// The Unix second of the last tick.
    pub fn second(&self) -> i64 {
        self.second
    }

    /// The reply for the second of the last tick.
    pub fn reply(&self) -> &[u8; TIME_REPLY_LEN] {
        &self.reply
    }

    /// Ticks at the given Unix second and gives its reply.
    pub fn reply_at(&mut self, unix_seconds: i64) -> &[u8; TIME_REPLY_LEN] {
        if unix_seconds != self.second {
            let (hour, minute, second) = self.zone.time_of_day(unix_seconds);
            self.reply = time_reply(hour, minute, second);
            self.second = unix_seconds;
        }
        &self.reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-25 23:19:50 UTC
    const T: i64 = 1_795_648_790;

    #[test]
    fn replies_follow_the_zone() {
        let utc: Zone = "UTC".parse().unwrap();
        let jakarta: Zone = "Asia/Jakarta".parse().unwrap();
        assert_eq!(ReplyClock::new(utc).reply_at(T), b"JAM 23:19:50\r\n");
        assert_eq!(ReplyClock::new(jakarta).reply_at(T), b"JAM 06:19:50\r\n");
    }

    #[test]
    fn the_cached_reply_rolls_over_on_every_second() {
        let mut clock = ReplyClock::new("UTC".parse().unwrap());
        assert_eq!(clock.reply_at(T), b"JAM 23:19:50\r\n");
        assert_eq!(clock.reply_at(T), b"JAM 23:19:50\r\n");
        assert_eq!(clock.reply_at(T + 1), b"JAM 23:19:51\r\n");
        assert_eq!(clock.reply_at(T + 10), b"JAM 23:20:00\r\n");
        assert_eq!(clock.reply_at(T + 40 * 60 + 10), b"JAM 00:00:00\r\n");
    }

    #[test]
    fn daylight_saving_changes_the_hour() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // 2026-03-29 00:59:59 UTC is 01:59:59 CET; one second later it is 03:00:00 CEST.
        let before = 1_774_745_999;
        let mut clock = ReplyClock::new(berlin);
        assert_eq!(clock.reply_at(before), b"JAM 01:59:59\r\n");
        assert_eq!(clock.reply_at(before + 1), b"JAM 03:00:00\r\n");
    }
}
