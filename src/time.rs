//! Time for every part of jamtui: the zone the server answers in, how an offset from UTC is
//! written, and the Unix clock. The server, the client, the checker, the dashboard and the log
//! all read it here, so none of them reaches into another for the time.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Local, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The zone replies are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The system's local zone (TZ, else /etc/localtime).
    Local,
    Iana(Tz),
}

#[derive(Debug, thiserror::Error)]
#[error("unknown time zone '{0}': use an IANA name such as Asia/Jakarta, Europe/Berlin or UTC")]
pub struct UnknownZone(pub String);

impl std::str::FromStr for Zone {
    type Err = UnknownZone;

    /// An IANA name, in any case: `Asia/Jakarta`, `asia/jakarta`, `UTC`, `utc`.
    fn from_str(name: &str) -> Result<Zone, UnknownZone> {
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .map(|&tz| Zone::Iana(tz))
            .ok_or_else(|| UnknownZone(name.to_string()))
    }
}

impl Zone {
    /// The system's zone, found the way the C library finds it: the `TZ` variable when it names
    /// a zone, else the system setting (/etc/localtime, or the platform's own). `Local` when no
    /// name can be found; chrono then reads the system's rules without a name.
    pub fn system() -> Zone {
        let from_tz_variable = std::env::var("TZ").ok().and_then(|tz| {
            // `:Asia/Jakarta` and `/usr/share/zoneinfo/Asia/Jakarta` name a zone file.
            let tz = tz.trim_start_matches(':');
            let name = tz.split_once("zoneinfo/").map_or(tz, |(_, name)| name);
            name.parse::<Zone>().ok()
        });
        from_tz_variable
            .or_else(|| iana_time_zone::get_timezone().ok()?.parse::<Zone>().ok())
            .unwrap_or(Zone::Local)
    }

    /// A name for people: the IANA name, or for a system zone without one (as on Windows), its
    /// offset from UTC now: `UTC+07:00 (system)`.
    pub fn name(self) -> String {
        match self {
            Zone::Iana(tz) => tz.name().to_string(),
            Zone::Local => format!("{} (system)", offset_name(self.utc_offset(Utc::now()))),
        }
    }

    /// Whether the zone has a name (else `--tz` can give it one).
    pub fn is_named(self) -> bool {
        matches!(self, Zone::Iana(_))
    }

    /// Seconds east of UTC at the given instant.
    pub fn utc_offset(self, at: DateTime<Utc>) -> i64 {
        let seconds = match self {
            Zone::Local => at.with_timezone(&Local).offset().fix().local_minus_utc(),
            Zone::Iana(tz) => at.with_timezone(&tz).offset().fix().local_minus_utc(),
        };
        i64::from(seconds)
    }

    /// The wall-clock `(hour, minute, second)` in this zone at a Unix time.
    pub fn time_of_day(self, unix_seconds: i64) -> (u32, u32, u32) {
        let utc = Utc
            .timestamp_opt(unix_seconds, 0)
            .single()
            .unwrap_or_default();
        let local = utc + chrono::Duration::seconds(self.utc_offset(utc));
        (local.hour(), local.minute(), local.second())
    }

    /// `hh:mm:ss` in this zone.
    pub fn hms(self, unix_seconds: i64) -> String {
        let (hour, minute, second) = self.time_of_day(unix_seconds);
        format!("{hour:02}:{minute:02}:{second:02}")
    }
}

/// An offset from UTC as people write it: `UTC+07:00`, `UTC-09:30`.
pub fn offset_name(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Whole seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-25 23:19:50 UTC
    const T: i64 = 1_795_648_790;

    #[test]
    fn hms_is_the_time_of_day_in_the_zone() {
        assert_eq!("UTC".parse::<Zone>().unwrap().hms(T), "23:19:50");
        assert_eq!("Asia/Jakarta".parse::<Zone>().unwrap().hms(T), "06:19:50");
    }

    #[test]
    fn offsets_are_named_as_people_write_them() {
        assert_eq!(offset_name(7 * 3600), "UTC+07:00");
        assert_eq!(offset_name(-(9 * 3600 + 1800)), "UTC-09:30");
        assert_eq!(offset_name(0), "UTC+00:00");
        assert!(Zone::Local.name().starts_with("UTC"));
        assert!(!Zone::Local.is_named() && "UTC".parse::<Zone>().unwrap().is_named());
    }

    #[test]
    fn zone_names_are_matched_in_any_case() {
        assert_eq!("utc".parse::<Zone>().unwrap().name(), "UTC");
        assert_eq!(
            "asia/jakarta".parse::<Zone>().unwrap().name(),
            "Asia/Jakarta"
        );
    }

    #[test]
    fn unknown_zones_are_refused_with_a_hint() {
        let error = "Mars/Olympus".parse::<Zone>().unwrap_err().to_string();
        assert!(error.contains("'Mars/Olympus'") && error.contains("Asia/Jakarta"));
    }
}
