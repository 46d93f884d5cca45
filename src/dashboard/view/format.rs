//! Numbers and durations, short enough for table cells.

use std::time::Duration;

use crate::lang::Lang;

/// `7s`, `3m04s`, `2h05m`, `3d04h`.
pub fn duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m{:02}s", seconds / 60, seconds % 60),
        3600..86_400 => format!("{}h{:02}m", seconds / 3600, seconds % 3600 / 60),
        _ => format!("{}d{:02}h", seconds / 86_400, seconds % 86_400 / 3600),
    }
}

/// `hh:mm:ss`, days included in the hours.
pub fn uptime(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// `310µs`, `12.5ms`, `1.20s` (`micros` is the unit written after microseconds; Indonesian
/// writes `12,5ms`).
pub fn latency(latency: Duration, micros_unit: &str, lang: Lang) -> String {
    let micros = latency.as_micros();
    match micros {
        0..1000 => format!("{micros}{micros_unit}"),
        1000..1_000_000 => lang.decimals(format!("{:.1}ms", micros as f64 / 1e3)),
        _ => lang.decimals(format!("{:.2}s", micros as f64 / 1e6)),
    }
}

/// `999`, `12.3k`, `4.56M` (Indonesian: `12,3k`).
pub fn count(value: u64, lang: Lang) -> String {
    match value {
        0..10_000 => value.to_string(),
        10_000..1_000_000 => lang.decimals(format!("{:.1}k", value as f64 / 1e3)),
        1_000_000..1_000_000_000 => lang.decimals(format!("{:.2}M", value as f64 / 1e6)),
        _ => lang.decimals(format!("{:.2}G", value as f64 / 1e9)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_stay_short() {
        assert_eq!(duration(Duration::from_millis(7_900)), "7s");
        assert_eq!(duration(Duration::from_secs(184)), "3m04s");
        assert_eq!(duration(Duration::from_secs(7_500)), "2h05m");
        assert_eq!(
            duration(Duration::from_secs(3 * 86_400 + 4 * 3600)),
            "3d04h"
        );
        assert_eq!(uptime(Duration::from_secs(26 * 3600 + 61)), "26:01:01");
    }

    #[test]
    fn latencies_pick_their_unit() {
        let en = Lang::En;
        assert_eq!(latency(Duration::from_micros(310), "µs", en), "310µs");
        assert_eq!(latency(Duration::from_micros(310), "us", en), "310us");
        assert_eq!(latency(Duration::from_micros(12_540), "µs", en), "12.5ms");
        assert_eq!(latency(Duration::from_millis(1_204), "µs", en), "1.20s");
    }

    #[test]
    fn counts_stay_short() {
        assert_eq!(count(9_999, Lang::En), "9999");
        assert_eq!(count(12_345, Lang::En), "12.3k");
        assert_eq!(count(4_560_000, Lang::En), "4.56M");
        assert_eq!(count(7_000_000_000, Lang::En), "7.00G");
    }

    /// Indonesian writes a decimal comma: `12.3k` would read as twelve thousand three hundred.
    #[test]
    fn indonesian_writes_a_decimal_comma() {
        let id = Lang::Id;
        assert_eq!(count(12_345, id), "12,3k");
        assert_eq!(count(4_560_000, id), "4,56M");
        assert_eq!(count(9_999, id), "9999");
        assert_eq!(latency(Duration::from_micros(12_540), "µs", id), "12,5ms");
        assert_eq!(latency(Duration::from_millis(1_204), "µs", id), "1,20s");
        assert_eq!(latency(Duration::from_micros(310), "µs", id), "310µs");
    }
}
