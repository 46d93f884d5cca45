//! The time a reply tells, read the way a person would read it: `JAM 05:17:55`, `JAM 5:7:3`,
//! `JAM 05:17:55 PM`, `JAM 2026-12-07 05:18:13`. Only the `reply` rule judges the format; the
//! clock rules judge the time, whatever the format it is written in.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A time of day told by a server, in seconds since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay(pub i64);

/// `h:m:s` with one or two digits each, not inside a longer number, optionally with a fraction
/// of a second and an AM/PM after it.
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:\s*([AaPp])\.?[Mm]\.?)?(?:[^0-9]|$)")
        .expect("the clock pattern is valid")
});

impl TimeOfDay {
    /// The first time of day in `line`, if it holds one. A line that starts with `ERR` is an
    /// error, never a time, whatever it holds.
    pub fn in_line(line: &[u8]) -> Option<TimeOfDay> {
        if line.starts_with(b"ERR") {
            return None;
        }
        let found = CLOCK.captures(line)?;
        let number = |at: usize| -> Option<i64> {
            std::str::from_utf8(found.get(at)?.as_bytes())
                .ok()?
                .parse()
                .ok()
        };
        let (mut hour, minute, second) = (number(1)?, number(2)?, number(3)?);
        if let Some(half) = found.get(4) {
            if !(1..=12).contains(&hour) {
                return None;
            }
            let afternoon = half.as_bytes().eq_ignore_ascii_case(b"p");
            hour = hour % 12 + if afternoon { 12 } else { 0 };
        }
        ((0..24).contains(&hour) && (0..60).contains(&minute) && (0..60).contains(&second))
            .then_some(TimeOfDay(hour * 3600 + minute * 60 + second))
    }

    /// How many seconds after `earlier` this time is, going forward round the clock.
    pub fn since(self, earlier: TimeOfDay) -> i64 {
        (self.0 - earlier.0).rem_euclid(DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told(line: &str) -> Option<i64> {
        TimeOfDay::in_line(line.as_bytes()).map(|time| time.0)
    }

    const T: i64 = 5 * 3600 + 17 * 60 + 55;

    #[test]
    fn padded_unpadded_twelve_hour_and_dated_replies_tell_their_time() {
        assert_eq!(told("JAM 05:17:55\r\n"), Some(T));
        assert_eq!(told("JAM 5:17:55"), Some(T));
        assert_eq!(told("JAM 5:7:3\n"), Some(5 * 3600 + 7 * 60 + 3));
        assert_eq!(told("JAM 05:17:55 AM\r\n"), Some(T));
        assert_eq!(told("JAM 05:17:55 PM\r\n"), Some(T + 12 * 3600));
        assert_eq!(told("JAM 05:17:55pm"), Some(T + 12 * 3600));
        assert_eq!(told("JAM 12:00:01 AM"), Some(1));
        assert_eq!(told("JAM 12:00:01 PM"), Some(12 * 3600 + 1));
        assert_eq!(told("JAM 05:17:55 a.m."), Some(T));
        assert_eq!(told("JAM 2026-12-07 05:17:55\r\n"), Some(T));
        assert_eq!(told("JAM 2026-12-07T05:17:55.123456"), Some(T));
        assert_eq!(told("The time is 23:59:59."), Some(DAY - 1));
    }

    #[test]
    fn lines_without_a_time_tell_none() {
        assert_eq!(told("Welcome to the time server\r\n"), None);
        assert_eq!(told("ERR 12:00:00 is not a request\r\n"), None);
        assert_eq!(told("JAM 24:00:00"), None);
        assert_eq!(told("JAM 23:60:00"), None);
        assert_eq!(told("JAM 23:59:60"), None);
        assert_eq!(told("JAM 13:00:00 PM"), None);
        assert_eq!(told("JAM 0:00:00 AM"), None);
        assert_eq!(told("JAM 123:45:56"), None);
        assert_eq!(told("JAM 12:45:567"), None);
        assert_eq!(told("JAM 12:45"), None);
        assert_eq!(told(""), None);
    }

    #[test]
    fn since_goes_forward_round_midnight() {
        assert_eq!(TimeOfDay(10).since(TimeOfDay(8)), 2);
        assert_eq!(TimeOfDay(1).since(TimeOfDay(DAY - 1)), 2);
        assert_eq!(TimeOfDay(8).since(TimeOfDay(8)), 0);
    }
}
