//! The rules a student's time server is checked against. Each rule has its id, its hint and its
//! judge here, together: a rule without a judge does not compile. Each judges one thing only:
//! only `reply` judges the format, only `prompt` the speed; every other rule takes any answer
//! (`probe::Answer`) that comes within `ANSWER_WITHIN`.

mod clock;

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::future::join_all;
use tokio::time::Instant;

use self::clock::{clock, clock_advances};
use super::probe::{Answer, Probe, ProbeError, shown};
use crate::lang::{Lang, said};
use crate::protocol::check_time_reply;
use crate::time::Zone;

/// How long a rule waits for each answer: a slow server is judged by `prompt`, and only there.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// How soon an answer must come for `prompt`.
const PROMPT_WITHIN: Duration = Duration::from_secs(1);

/// `burst`: a class's clients, all connecting within about a second.
const BURST_CLIENTS: u32 = 25;
const BURST_SPREAD: Duration = Duration::from_secs(1);

const TIME: &[u8] = b"TIME\r\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::EnumCount)]
pub enum Rule {
    Reply,
    Prompt,
    Clock,
    ClockAdvances,
    SeveralRequests,
    Quit,
    Concurrent,
    Burst,
    SplitRequest,
    Pipelined,
    TimeThenQuit,
    // The rules that can kill a server run last, so that a server that dies of one has been
    // judged on everything else.
    BadRequest,
    AbruptClose,
    EmptyConnect,
}

/// Why a rule did not pass.
#[derive(Debug)]
pub enum Failed {
    /// The rule's first connection was not accepted: if the server has stopped, the rule could
    /// not be judged at all.
    NoConnection(ProbeError),
    /// The rule was judged, and the server broke it; the detail says how.
    Broke(String),
}

impl Failed {
    /// What happened, for the report, in `lang` (a `Broke` detail is told in it already).
    pub fn detail(&self, lang: Lang) -> String {
        match self {
            Failed::NoConnection(error) => error.said(lang),
            Failed::Broke(detail) => detail.clone(),
        }
    }
}

/// What judging a rule needs: where the server is, and what the clock is.
pub struct Judge {
    pub target: SocketAddr,
    /// The lab's zone, when the server must tell the time there.
    pub zone: Option<Zone>,
    /// The language the details are told in.
    pub lang: Lang,
}

impl Rule {
    /// Every rule, in the order they are judged.
    pub fn all() -> impl Iterator<Item = Rule> {
        <Rule as strum::IntoEnumIterator>::iter()
    }

    /// The stable id, in JSON, CSV and docs/CHECKS.md.
    pub fn id(self) -> &'static str {
        match self {
            Rule::Reply => "reply",
            Rule::Prompt => "prompt",
            Rule::Clock => "clock",
            Rule::ClockAdvances => "clock-advances",
            Rule::SeveralRequests => "several-requests",
            Rule::Quit => "quit",
            Rule::Concurrent => "concurrent",
            Rule::Burst => "burst",
            Rule::SplitRequest => "split-request",
            Rule::Pipelined => "pipelined",
            Rule::TimeThenQuit => "time-then-quit",
            Rule::BadRequest => "bad-request",
            Rule::AbruptClose => "abrupt-close",
            Rule::EmptyConnect => "empty-connect",
        }
    }

    /// The rule as people read it: its id in English, a name in Indonesian.
    pub fn name(self, lang: Lang) -> String {
        said!(lang, format!("check.rule.{}", self.id()))
    }

    /// What a student can do about a failure.
    pub fn hint(self, lang: Lang) -> String {
        said!(lang, format!("check.hint.{}", self.id()))
    }

    /// Judges this rule: what happened, as a pass or a failure, told in the judge's language.
    pub async fn judge(self, judge: &Judge) -> Result<String, Failed> {
        let (target, lang) = (judge.target, judge.lang);
        match self {
            Rule::Reply => reply(target, lang).await,
            Rule::Prompt => prompt(target, lang).await,
            Rule::Clock => clock(target, judge.zone, lang).await,
            Rule::ClockAdvances => clock_advances(target, lang).await,
            Rule::SeveralRequests => several_requests(target, lang).await,
            Rule::Quit => quit(target, lang).await,
            Rule::Concurrent => concurrent(target, lang).await,
            Rule::Burst => burst(target, lang).await,
            Rule::SplitRequest => split_request(target, lang).await,
            Rule::Pipelined => pipelined(target, lang).await,
            Rule::TimeThenQuit => time_then_quit(target, lang).await,
            Rule::BadRequest => still_serving_after(target, lang, bad_request).await,
            Rule::AbruptClose => still_serving_after(target, lang, abrupt_close).await,
            Rule::EmptyConnect => still_serving_after(target, lang, empty_connects).await,
        }
    }
}

/// A failure that says what was being done (`doing`, already in `lang`) when `error` came.
fn broke(doing: String, lang: Lang) -> impl FnOnce(ProbeError) -> Failed {
    move |error| Failed::Broke(format!("{doing}: {}", error.said(lang)))
}

/// The rule's first connection.
async fn fresh(target: SocketAddr) -> Result<Probe, Failed> {
    Probe::connect(target)
        .await
        .map_err(|error| Failed::NoConnection(ProbeError::Connect(error)))
}

/// A fresh connection that sends TIME: the answer, and when the request went.
async fn ask_fresh(target: SocketAddr, lang: Lang) -> Result<(Probe, Instant, Answer), Failed> {
    let mut probe = fresh(target).await?;
    let (sent, answer) = ask(&mut probe)
        .await
        .map_err(broke(said!(lang, "check.detail.sent_time"), lang))?;
    Ok((probe, sent, answer))
}

/// Sends TIME on `probe`: when it went, and the answer.
async fn ask(probe: &mut Probe) -> Result<(Instant, Answer), ProbeError> {
    let sent = Instant::now();
    probe.send(TIME).await?;
    Ok((sent, probe.answer(ANSWER_WITHIN).await?))
}

async fn reply(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let (_, _, answer) = ask_fresh(target, lang).await?;
    if let Some(first) = answer.before.first() {
        return Err(Failed::Broke(said!(
            lang,
            "check.detail.reply_before",
            before = shown(first),
            answer = shown(&answer.bytes)
        )));
    }
    match check_time_reply(&answer.bytes) {
        Ok(_) => Ok(said!(
            lang,
            "check.detail.reply_got",
            answer = shown(&answer.bytes)
        )),
        Err(error) => Err(Failed::Broke(format!(
            "{}: {}",
            said!(lang, "check.detail.sent_time"),
            error.said(lang)
        ))),
    }
}

async fn prompt(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let (_, sent, answer) = ask_fresh(target, lang).await?;
    let took = answer.arrived.duration_since(sent);
    let detail = said!(lang, "check.detail.prompt_came", ms = took.as_millis());
    match took <= PROMPT_WITHIN {
        true => Ok(detail),
        false => Err(Failed::Broke(said!(
            lang,
            "check.detail.prompt_slow",
            detail = detail,
            limit = PROMPT_WITHIN.as_secs()
        ))),
    }
}

async fn several_requests(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    for number in 1..=3 {
        ask(&mut probe).await.map_err(|error| {
            Failed::Broke(said!(
                lang,
                "check.detail.several_failed",
                number = number,
                error = error.said(lang)
            ))
        })?;
    }
    Ok(said!(lang, "check.detail.several_ok"))
}

async fn quit(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    probe
        .send(b"QUIT\r\n")
        .await
        .map_err(broke(said!(lang, "check.detail.sending_quit"), lang))?;
    probe.closed_within(ANSWER_WITHIN).await.map_err(|why| {
        Failed::Broke(said!(
            lang,
            "check.detail.quit_failed",
            why = why.said(lang)
        ))
    })?;
    Ok(said!(lang, "check.detail.quit_ok"))
}

async fn concurrent(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let (mut first, _, _) = ask_fresh(target, lang).await?;
    // The first client stays connected while a second asks, then asks again itself.
    let mut second = Probe::connect(target)
        .await
        .map_err(ProbeError::Connect)
        .map_err(broke(said!(lang, "check.detail.second_connecting"), lang))?;
    ask(&mut second)
        .await
        .map_err(broke(said!(lang, "check.detail.second_asking"), lang))?;
    ask(&mut first)
        .await
        .map_err(broke(said!(lang, "check.detail.first_again"), lang))?;
    Ok(said!(lang, "check.detail.concurrent_ok"))
}

async fn burst(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let step = BURST_SPREAD / BURST_CLIENTS;
    let start = Instant::now();
    // Each client stays connected until every one has had its answer, as a class does.
    let clients = (0..BURST_CLIENTS).map(|number| async move {
        tokio::time::sleep_until(start + step * number).await;
        let mut probe = Probe::connect(target).await.map_err(ProbeError::Connect)?;
        ask(&mut probe).await.map(|_| probe)
    });
    let outcomes = join_all(clients).await;
    let answered = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    let detail = said!(
        lang,
        "check.detail.burst",
        clients = BURST_CLIENTS,
        spread = BURST_SPREAD.as_secs(),
        answered = answered
    );
    match outcomes.into_iter().find_map(Result::err) {
        None => Ok(detail),
        Some(why) => Err(Failed::Broke(said!(
            lang,
            "check.detail.burst_waiting",
            detail = detail,
            why = why.said(lang)
        ))),
    }
}

async fn split_request(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    let sending = said!(lang, "check.detail.split_sending");
    probe
        .send(b"TI")
        .await
        .map_err(broke(sending.clone(), lang))?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    probe
        .send(b"ME\r\n")
        .await
        .map_err(broke(sending.clone(), lang))?;
    let answer = probe
        .answer(ANSWER_WITHIN)
        .await
        .map_err(broke(sending.clone(), lang))?;
    if let Err(more) = probe.silent_for(Duration::from_millis(300)).await {
        return Err(Failed::Broke(said!(
            lang,
            "check.detail.split_twice",
            sending = sending,
            answer = shown(&answer.bytes),
            more = shown(&more)
        )));
    }
    Ok(said!(
        lang,
        "check.detail.split_ok",
        sending = sending,
        answer = shown(&answer.bytes)
    ))
}

async fn pipelined(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    let sending = said!(lang, "check.detail.pipelined_sending");
    probe
        .send(b"TIME\r\nTIME\r\n")
        .await
        .map_err(broke(sending.clone(), lang))?;
    for number in 1..=2 {
        probe.answer(ANSWER_WITHIN).await.map_err(|error| {
            Failed::Broke(said!(
                lang,
                "check.detail.pipelined_failed",
                sending = sending,
                number = number,
                error = error.said(lang)
            ))
        })?;
    }
    Ok(said!(lang, "check.detail.pipelined_ok", sending = sending))
}

async fn time_then_quit(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    let sending = said!(lang, "check.detail.time_quit_sending");
    probe
        .send(b"TIME\r\nQUIT\r\n")
        .await
        .map_err(broke(sending.clone(), lang))?;
    let answer = probe
        .answer(ANSWER_WITHIN)
        .await
        .map_err(broke(sending.clone(), lang))?;
    probe.closed_within(ANSWER_WITHIN).await.map_err(|why| {
        Failed::Broke(said!(
            lang,
            "check.detail.time_quit_failed",
            sending = sending,
            answer = shown(&answer.bytes),
            why = why.said(lang)
        ))
    })?;
    Ok(said!(
        lang,
        "check.detail.time_quit_ok",
        sending = sending,
        answer = shown(&answer.bytes)
    ))
}

async fn bad_request(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    let _ = probe.send(b"HELLO\r\n").await;
    // Whatever it answers, if anything.
    let _ = probe.answer(Duration::from_millis(500)).await;
    Ok(said!(lang, "check.detail.bad_request"))
}

async fn abrupt_close(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    let mut probe = fresh(target).await?;
    let _ = probe.send(b"TI").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    probe.reset();
    Ok(said!(lang, "check.detail.abrupt_close"))
}

async fn empty_connects(target: SocketAddr, lang: Lang) -> Result<String, Failed> {
    drop(fresh(target).await?);
    for made in 1..5 {
        // Refused now, the server was stopped by the empty connections before: judged, failed.
        let probe = Probe::connect(target).await.map_err(|error| {
            Failed::Broke(said!(
                lang,
                "check.detail.empty_failed",
                made = made,
                error = error.said(lang)
            ))
        })?;
        drop(probe);
    }
    Ok(said!(lang, "check.detail.empty_ok"))
}

/// Does `mischief`, then checks a fresh client is still answered.
async fn still_serving_after<F>(
    target: SocketAddr,
    lang: Lang,
    mischief: impl FnOnce(SocketAddr, Lang) -> F,
) -> Result<String, Failed>
where
    F: Future<Output = Result<String, Failed>>,
{
    let done = mischief(target, lang).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut probe = Probe::connect(target).await.map_err(|error| {
        Failed::Broke(said!(
            lang,
            "check.detail.fresh_refused",
            done = done,
            error = error.said(lang)
        ))
    })?;
    match ask(&mut probe).await {
        Ok((_, answer)) => Ok(said!(
            lang,
            "check.detail.fresh_ok",
            done = done,
            answer = shown(&answer.bytes)
        )),
        Err(error) => Err(Failed::Broke(said!(
            lang,
            "check.detail.fresh_failed",
            done = done,
            error = error.said(lang)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_rule_has_a_hint() {
        let ids: std::collections::BTreeSet<&str> = Rule::all().map(Rule::id).collect();
        assert_eq!(ids.len(), <Rule as strum::EnumCount>::COUNT);
        for lang in [Lang::En, Lang::Id] {
            assert!(Rule::all().all(|rule| rule.hint(lang).len() > 20));
        }
        assert_eq!(Rule::all().next(), Some(Rule::Reply));
        assert_eq!(Rule::all().last(), Some(Rule::EmptyConnect));
    }
}
