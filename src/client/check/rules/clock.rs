//! The clock rules: `clock` (the time told is the time now, in some zone or the lab's) and
//! `clock-advances` (two times told differ by the time that passed between them).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::time::Instant;

use super::{Failed, ask, ask_fresh, broke};
use crate::client::check::probe::{Answer, Probe, ProbeError, shown};
use crate::client::check::told::{DAY, TimeOfDay};
use crate::lang::{Lang, said};
use crate::time::{Zone, offset_name};

/// How far a time told may be from the clock, beyond the seconds it cannot show.
const CLOCK_SLACK: f64 = 2.0;

/// The pause between the two asks of `clock-advances`.
const CLOCK_GAP: Duration = Duration::from_millis(1500);

/// The wall clock (UTC seconds since the epoch) at an `Instant` of the recent past.
fn utc_at(at: Instant) -> f64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    now - Instant::now().saturating_duration_since(at).as_secs_f64()
}

/// A span of seconds for people: `4 s`, `2 min 5 s`, and beyond an hour to the nearest
/// minute: `7 h`, `5 h 30 min`.
fn span(seconds: i64, lang: Lang) -> String {
    if seconds >= 3600 {
        let minutes = (seconds + 30) / 60;
        let h = minutes / 60;
        return match minutes % 60 {
            0 => said!(lang, "check.span.hours", h = h),
            m => said!(lang, "check.span.hours_minutes", h = h, m = m),
        };
    }
    match (seconds / 60, seconds % 60) {
        (0, s) => said!(lang, "check.span.seconds", s = s),
        (m, 0) => said!(lang, "check.span.minutes", m = m),
        (m, s) => said!(lang, "check.span.minutes_seconds", m = m, s = s),
    }
}

/// Judges a time told by a server that read its clock somewhere between `sent` and `arrived`
/// (UTC seconds): right within the slack in `zone` (seconds east of UTC), or, with no zone
/// given, in the nearest zone (a whole number of quarter hours from UTC). `Ok` names the zone.
fn judge_clock(
    told: TimeOfDay,
    sent: f64,
    arrived: f64,
    zone: Option<i64>,
    lang: Lang,
) -> Result<String, String> {
    // How far the time told is ahead of UTC when it arrived, between -12 h and +12 h.
    let ahead = (told.0 as f64 - arrived.rem_euclid(DAY as f64) + 43_200.0).rem_euclid(DAY as f64)
        - 43_200.0;
    let offset = zone.unwrap_or_else(|| (ahead / 900.0).round() as i64 * 900);
    let off_by = ahead - offset as f64;
    // The clock was read between sending and arriving, and a time told drops its fraction.
    let earliest = -(arrived - sent) - 1.0 - CLOCK_SLACK;
    if (earliest..=CLOCK_SLACK).contains(&off_by) {
        return Ok(offset_name(offset));
    }
    let by = span(off_by.abs().round() as i64, lang);
    let zone_name = offset_name(offset);
    Err(match zone {
        Some(_) => said!(lang, "check.detail.clock_away", by = by, zone = zone_name),
        None => said!(
            lang,
            "check.detail.clock_away_any",
            by = by,
            zone = zone_name
        ),
    })
}

pub(super) async fn clock(
    target: SocketAddr,
    zone: Option<Zone>,
    lang: Lang,
) -> Result<String, Failed> {
    let (_, sent, answer) = ask_fresh(target, lang).await?;
    let arrived = utc_at(answer.arrived);
    let lab = zone.map(|zone| zone.utc_offset(chrono::Utc::now()));
    let shown = shown(&answer.bytes);
    match judge_clock(answer.told, utc_at(sent), arrived, lab, lang) {
        Ok(zone) => Ok(said!(
            lang,
            "check.detail.clock_ok",
            shown = shown,
            zone = zone
        )),
        Err(why) => Err(Failed::Broke(said!(
            lang,
            "check.detail.clock_wrong",
            shown = shown,
            why = why
        ))),
    }
}

/// Judges two answers: the times told must differ by the time that passed between them, give or
/// take the second a time told cannot show. `Err` says by how much they differ.
fn judge_advance(
    (first_sent, first): (Instant, &Answer),
    (second_sent, second): (Instant, &Answer),
    lang: Lang,
) -> Result<i64, String> {
    let told = second.told.since(first.told);
    // The server read its clocks somewhere within these bounds of each other.
    let least = second_sent.saturating_duration_since(first.arrived);
    let most = second.arrived.saturating_duration_since(first_sent);
    let (least, most) = (least.as_secs_f64() - 1.0, most.as_secs_f64() + 1.0);
    match (least..=most).contains(&(told as f64)) {
        true => Ok(told),
        false => Err(said!(
            lang,
            "check.detail.times_differ",
            told = told,
            passed = lang.decimals(format!(
                "{:.1}",
                second.arrived.duration_since(first.arrived).as_secs_f64()
            ))
        )),
    }
}

pub(super) async fn clock_advances(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let (mut probe, first_sent, first) = ask_fresh(target, lang).await?;
    tokio::time::sleep(CLOCK_GAP).await;
    let (how, (second_sent, second)) = match ask(&mut probe).await {
        Ok(asked) => (said!(lang, "check.detail.on_one_connection"), asked),
        // A server that closes after each answer is asked again on a new connection.
        Err(error) if error.is_close() && first.before.is_empty() => {
            let mut again = Probe::connect(target).await.map_err(|error| {
                broke(said!(lang, "check.detail.new_connection"), lang)(ProbeError::Connect(error))
            })?;
            let asked = ask(&mut again).await.map_err(broke(
                said!(lang, "check.detail.time_on_new_connection"),
                lang,
            ))?;
            (said!(lang, "check.detail.on_two_connections"), asked)
        }
        Err(error) => {
            return Err(broke(said!(lang, "check.detail.second_time"), lang)(error));
        }
    };
    let detail = said!(
        lang,
        "check.detail.advances",
        first = shown(&first.bytes),
        seconds = lang.decimals(format!(
            "{:.1}",
            second.arrived.duration_since(first.arrived).as_secs_f64()
        )),
        how = how,
        second = shown(&second.bytes)
    );
    match judge_advance((first_sent, &first), (second_sent, &second), lang) {
        Ok(_) => Ok(detail),
        Err(why) => Err(Failed::Broke(format!("{detail}: {why}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge_clock_en(
        told: TimeOfDay,
        sent: f64,
        arrived: f64,
        zone: Option<i64>,
    ) -> Result<String, String> {
        judge_clock(told, sent, arrived, zone, Lang::En)
    }

    fn span_en(seconds: i64) -> String {
        span(seconds, Lang::En)
    }

    fn judge_advance_en(
        first: (Instant, &Answer),
        second: (Instant, &Answer),
    ) -> Result<i64, String> {
        judge_advance(first, second, Lang::En)
    }
    use crate::client::check::probe::Answer;

    const NOON: f64 = 1_700_000_000.0 - 1_700_000_000.0 % 86_400.0 + 43_200.0;

    #[test]
    fn the_clock_is_right_in_the_nearest_zone_or_the_one_given() {
        let jakarta = TimeOfDay(19 * 3600);
        assert_eq!(
            judge_clock_en(jakarta, NOON - 0.1, NOON, None),
            Ok("UTC+07:00".into())
        );
        assert_eq!(
            judge_clock_en(jakarta, NOON - 0.1, NOON, Some(7 * 3600)),
            Ok("UTC+07:00".into())
        );
        assert_eq!(
            judge_clock_en(jakarta, NOON - 0.1, NOON, Some(0)),
            Err("7 h away from the time in UTC+00:00".into())
        );
        let india = TimeOfDay(17 * 3600 + 30 * 60 + 1);
        assert_eq!(
            judge_clock_en(india, NOON - 0.1, NOON + 0.5, None),
            Ok("UTC+05:30".into())
        );
        assert_eq!(
            judge_clock_en(TimeOfDay(2 * 3600), NOON, NOON, None),
            Ok("UTC-10:00".into())
        );
    }

    #[test]
    fn spans_read_as_people_say_them() {
        assert_eq!(span_en(4), "4 s");
        assert_eq!(span_en(120), "2 min");
        assert_eq!(span_en(125), "2 min 5 s");
        assert_eq!(span_en(25_199), "7 h");
        assert_eq!(span_en(25_169), "6 h 59 min");
        assert_eq!(span_en(25_200), "7 h");
        assert_eq!(span_en(19_800), "5 h 30 min");
        assert_eq!(span(19_800, Lang::Id), "5 jam 30 menit");
        assert_eq!(span(125, Lang::Id), "2 menit 5 detik");
    }

    #[test]
    fn the_clock_may_be_read_anywhere_between_the_request_and_the_answer() {
        let told = TimeOfDay(12 * 3600);
        // Read when the request came, answered 3 s later: right.
        assert!(judge_clock_en(told, NOON, NOON + 3.0, None).is_ok());
        // The second shown is cut: 12:00:00 is told until 12:00:00.999.
        assert!(judge_clock_en(told, NOON + 0.9, NOON + 0.9, None).is_ok());
        assert!(judge_clock_en(told, NOON + 2.9, NOON + 2.9, None).is_ok());
        assert_eq!(
            judge_clock_en(told, NOON + 3.5, NOON + 3.5, None),
            Err("4 s away from the time in any zone (nearest: UTC+00:00)".into())
        );
        // Ahead of the clock.
        assert!(judge_clock_en(TimeOfDay(12 * 3600 + 2), NOON, NOON, None).is_ok());
        assert!(judge_clock_en(TimeOfDay(12 * 3600 + 3), NOON, NOON, None).is_err());
    }

    fn answer(told: i64, arrived: Instant) -> Answer {
        Answer {
            bytes: Vec::new(),
            told: TimeOfDay(told),
            arrived,
            before: Vec::new(),
        }
    }

    #[test]
    fn the_clock_advances_by_the_time_that_passed() {
        let start = Instant::now();
        let at = |seconds: f64| start + Duration::from_secs_f64(seconds);
        let first = answer(100, at(0.01));
        let on_time = answer(101, at(1.52));
        assert_eq!(
            judge_advance_en((start, &first), (at(1.51), &on_time)),
            Ok(1)
        );
        assert!(judge_advance_en((start, &first), (at(1.51), &answer(102, at(1.52)))).is_ok());
        assert_eq!(
            judge_advance_en((start, &first), (at(1.51), &answer(100, at(1.52)))),
            Err("the times told differ by 0 s, but 1.5 s passed".into())
        );
        assert!(judge_advance_en((start, &first), (at(1.51), &answer(103, at(1.52)))).is_err());
        // A slow server: the clock may be read when the request comes or when it answers.
        let slow = answer(100, at(3.0));
        assert!(judge_advance_en((start, &slow), (at(4.5), &answer(107, at(7.5)))).is_ok());
        assert!(judge_advance_en((start, &slow), (at(4.5), &answer(101, at(7.5)))).is_ok());
        assert!(judge_advance_en((start, &slow), (at(4.5), &answer(109, at(7.5)))).is_err());
        // Round midnight.
        let late = answer(DAY - 1, at(0.01));
        assert!(judge_advance_en((start, &late), (at(1.51), &answer(0, at(1.52)))).is_ok());
    }
}
