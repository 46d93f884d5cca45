//! The rules a student's time server is checked against, each judging one rule only: only
//! `reply` judges the reply's format; elsewhere any line counts as a reply.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::future::join_all;

use super::probe::{Probe, shown};
use crate::protocol::check_time_reply;

/// Bound on each reply a check waits for.
const REPLY_WITHIN: Duration = Duration::from_secs(2);

/// One rule: its id (stable, in the JSON), and the hint a student can act on when it fails.
pub struct Rule {
    pub id: &'static str,
    pub hint: &'static str,
}

pub const RULES: [Rule; 13] = [
    Rule {
        id: "reply",
        hint: "answer TIME with exactly 'JAM hh:mm:ss' and CR LF (b'\\r\\n'): 24-hour, two digits each, nothing else",
    },
    Rule {
        id: "clock",
        hint: "tell the time now: read the clock for each request (datetime.now()), in your zone",
    },
    Rule {
        id: "clock-advances",
        hint: "read the clock for every request, not once when the server starts",
    },
    Rule {
        id: "several-requests",
        hint: "keep reading requests on a connection until QUIT or the client closes, not just one",
    },
    Rule {
        id: "quit",
        hint: "on QUIT, close the connection (conn.close()) and end that client's thread",
    },
    Rule {
        id: "concurrent",
        hint: "serve each client in its own thread (or task): while one client stays connected, others must be answered (requirement b)",
    },
    Rule {
        id: "burst",
        hint: "accept many clients at once: a listen() backlog of more than 1, a thread per client",
    },
    Rule {
        id: "split-request",
        hint: "TCP is a byte stream: one recv() can hold half a request; buffer the bytes until CR LF",
    },
    Rule {
        id: "pipelined",
        hint: "TCP is a byte stream: one recv() can hold two requests; answer every complete line in the buffer",
    },
    Rule {
        id: "time-then-quit",
        hint: "one recv() can hold TIME and QUIT: answer the TIME, then close for the QUIT",
    },
    Rule {
        id: "bad-request",
        hint: "answer an unknown request with an error line (or close that client): never let it stop the server",
    },
    Rule {
        id: "abrupt-close",
        hint: "a client may vanish mid-request: catch the error (recv returns b'' or raises) in its thread and carry on",
    },
    Rule {
        id: "empty-connect",
        hint: "a client may connect and close without a byte (a port scanner): recv() returning b'' means it left",
    },
];

/// Runs the rule `id` against `target`: what happened, as a pass or a failure.
pub async fn judge(id: &str, target: SocketAddr) -> Result<String, String> {
    match id {
        "reply" => reply(target).await,
        "clock" => clock(target).await,
        "clock-advances" => clock_advances(target).await,
        "several-requests" => several_requests(target).await,
        "quit" => quit(target).await,
        "concurrent" => concurrent(target).await,
        "burst" => burst(target).await,
        "split-request" => split_request(target).await,
        "pipelined" => pipelined(target).await,
        "time-then-quit" => time_then_quit(target).await,
        "bad-request" => still_serving_after(target, bad_request).await,
        "abrupt-close" => still_serving_after(target, abrupt_close).await,
        "empty-connect" => still_serving_after(target, empty_connects).await,
        _ => Err(format!("no rule '{id}'")),
    }
}

/// Connects, sends TIME, and returns the first line back.
async fn ask(target: SocketAddr) -> Result<Vec<u8>, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"TIME\r\n").await?;
    probe.line(REPLY_WITHIN).await
}

async fn reply(target: SocketAddr) -> Result<String, String> {
    let line = ask(target).await?;
    match check_time_reply(&line) {
        Ok(_) => Ok(format!("sent b'TIME\\r\\n', got {}", shown(&line))),
        Err(error) => Err(format!("sent b'TIME\\r\\n', got {}: {error}", shown(&line))),
    }
}

/// The time of day a reply tells, in seconds, if it tells one (`JAM hh:mm:ss`, any line end).
fn seconds_told(line: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(line).ok()?.trim_end();
    let clock = text.strip_prefix("JAM ")?;
    let mut fields = clock.split(':').map(|field| field.parse::<i64>().ok());
    let (hour, minute, second) = (fields.next()??, fields.next()??, fields.next()??);
    ((0..24).contains(&hour) && (0..60).contains(&minute) && (0..60).contains(&second))
        .then_some(hour * 3600 + minute * 60 + second)
}

fn utc_seconds_of_day() -> i64 {
    crate::server::unix_now().rem_euclid(86_400)
}

async fn clock(target: SocketAddr) -> Result<String, String> {
    let line = ask(target).await?;
    let told = seconds_told(&line).ok_or_else(|| format!("no time in {}", shown(&line)))?;
    let now = utc_seconds_of_day();
    // Zones are whole quarter hours from UTC: the nearest one, and how far off from it.
    let offset = (told - now).rem_euclid(86_400);
    let quarters = (offset + 450).div_euclid(900);
    let off_by = offset - quarters * 900;
    let zone = (quarters * 900 + 43_200).rem_euclid(86_400) - 43_200;
    let zone = format!(
        "UTC{}{:02}:{:02}",
        if zone < 0 { '-' } else { '+' },
        zone.abs() / 3600,
        zone.abs() % 3600 / 60
    );
    if off_by.abs() <= 2 {
        Ok(format!("{} is now in {zone}", shown(&line)))
    } else {
        Err(format!(
            "{} is {} s away from now in any zone (nearest: {zone})",
            shown(&line),
            off_by.abs()
        ))
    }
}

async fn clock_advances(target: SocketAddr) -> Result<String, String> {
    let first = ask(target).await?;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let second = ask(target).await?;
    let (Some(a), Some(b)) = (seconds_told(&first), seconds_told(&second)) else {
        return Err(format!(
            "no time in {} or {}",
            shown(&first),
            shown(&second)
        ));
    };
    let advanced = (b - a).rem_euclid(86_400);
    let detail = format!("{} then, 1.2 s later, {}", shown(&first), shown(&second));
    if (1..=2).contains(&advanced) {
        Ok(detail)
    } else {
        Err(format!("{detail}: the clock moved {advanced} s"))
    }
}

async fn several_requests(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    for number in 1..=3 {
        probe.send(b"TIME\r\n").await?;
        probe
            .line(REPLY_WITHIN)
            .await
            .map_err(|why| format!("TIME number {number} on one connection: {why}"))?;
    }
    Ok("three TIME requests on one connection, three replies".into())
}

async fn quit(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"QUIT\r\n").await?;
    probe
        .closed_within(REPLY_WITHIN)
        .await
        .map_err(|why| format!("sent b'QUIT\\r\\n': {why}"))?;
    Ok("sent b'QUIT\\r\\n', the server closed the connection".into())
}

async fn concurrent(target: SocketAddr) -> Result<String, String> {
    let mut first = Probe::connect(target).await?;
    first.send(b"TIME\r\n").await?;
    first
        .line(REPLY_WITHIN)
        .await
        .map_err(|why| format!("the first client: {why}"))?;
    // The first client stays connected while the second asks.
    let mut second = Probe::connect(target).await?;
    second.send(b"TIME\r\n").await?;
    second
        .line(REPLY_WITHIN)
        .await
        .map_err(|why| format!("while a first client stayed connected, a second one got {why}"))?;
    drop(first);
    Ok("a second client was answered while the first stayed connected".into())
}

async fn burst(target: SocketAddr) -> Result<String, String> {
    const CLIENTS: usize = 50;
    let asking = (0..CLIENTS).map(|_| async move {
        let mut probe = Probe::connect(target).await?;
        probe.send(b"TIME\r\n").await?;
        probe.line(Duration::from_secs(5)).await
    });
    let outcomes = tokio::time::timeout(Duration::from_secs(6), join_all(asking))
        .await
        .map_err(|_| format!("{CLIENTS} clients at once: not all answered within 5 s"))?;
    let answered = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    match outcomes.into_iter().find_map(Result::err) {
        None => Ok(format!("{CLIENTS} clients at once, all answered")),
        Some(why) => Err(format!(
            "{CLIENTS} clients at once, {answered} answered; one got: {why}"
        )),
    }
}

async fn split_request(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"TI").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    probe.send(b"ME\r\n").await?;
    let line = probe
        .line(REPLY_WITHIN)
        .await
        .map_err(|why| format!("sent b'TI', 200 ms later b'ME\\r\\n': {why}"))?;
    probe
        .silent_for(Duration::from_millis(300))
        .await
        .map_err(|more| format!("one request in two pieces got {} {more}", shown(&line)))?;
    Ok(format!(
        "b'TI' then b'ME\\r\\n' got one reply, {}",
        shown(&line)
    ))
}

async fn pipelined(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"TIME\r\nTIME\r\n").await?;
    for number in 1..=2 {
        probe.line(REPLY_WITHIN).await.map_err(|why| {
            format!("sent b'TIME\\r\\nTIME\\r\\n' in one write; reply {number}: {why}")
        })?;
    }
    Ok("two requests in one write, two replies".into())
}

async fn time_then_quit(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"TIME\r\nQUIT\r\n").await?;
    let line = probe
        .line(REPLY_WITHIN)
        .await
        .map_err(|why| format!("sent b'TIME\\r\\nQUIT\\r\\n' in one write: {why}"))?;
    probe.closed_within(REPLY_WITHIN).await.map_err(|why| {
        format!(
            "sent b'TIME\\r\\nQUIT\\r\\n' in one write, got {}, then {why}",
            shown(&line)
        )
    })?;
    Ok(format!(
        "TIME and QUIT in one write: {}, then the close",
        shown(&line)
    ))
}

async fn bad_request(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"HELLO\r\n").await?;
    // Whatever it answers, if anything.
    let _ = probe.line(Duration::from_millis(500)).await;
    Ok("a client sent b'HELLO\\r\\n'".into())
}

async fn abrupt_close(target: SocketAddr) -> Result<String, String> {
    let mut probe = Probe::connect(target).await?;
    probe.send(b"TI").await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    probe.reset();
    Ok("a client sent b'TI' and reset the connection".into())
}

async fn empty_connects(target: SocketAddr) -> Result<String, String> {
    for _ in 0..5 {
        drop(Probe::connect(target).await?);
    }
    Ok("five clients connected and closed without a byte".into())
}

/// Does `mischief`, then checks a fresh client is still answered.
async fn still_serving_after<F>(
    target: SocketAddr,
    mischief: impl FnOnce(SocketAddr) -> F,
) -> Result<String, String>
where
    F: Future<Output = Result<String, String>>,
{
    let done = mischief(target).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    match ask(target).await {
        Ok(line) => Ok(format!("{done}; a fresh client then got {}", shown(&line))),
        Err(why) => Err(format!("{done}; a fresh client then: {why}")),
    }
}
