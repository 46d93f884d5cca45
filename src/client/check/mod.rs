//! `jamtui check`: grades a student's time server against the rules real networks enforce (a
//! request split in two, two in one read, a class of clients at once), each with a verdict and a
//! hint the student can act on. docs/CHECKS.md explains each rule.

mod probe;
mod report;
pub(crate) mod roster;
mod rules;
mod sheet;
mod told;
mod wrap;

use std::net::SocketAddr;

use chrono::Local;

pub use report::{Outcome, Report, Status, Verdict};
pub use rules::Rule;
pub use sheet::{SheetStyle, table, write_csv};

use crate::client::ask;
use crate::lang::{Lang, said};
use crate::time::Zone;
use probe::Probe;
use rules::{Failed, Judge};

/// How long `still_up` waits for the close after its QUIT.
const QUIT_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// What a check is asked besides the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// The lab's zone: the server must tell the time there (`--tz`); any zone when `None`.
    pub zone: Option<Zone>,
    /// The language of the report's details, hints and text.
    pub lang: Lang,
}

/// Checks the server at `host:port` against every rule, one after the other. A server that
/// cannot be reached gets a report that says so; a server that stops accepting connections
/// during the check fails the rule that stopped it, and the rules after it are not judged.
pub async fn check(host: &str, port: u16, options: CheckOptions) -> Report {
    let target_text = format!("{host}:{port}");
    let checked_at = Local::now();
    let target = match resolve(host, port, options.lang).await {
        Ok(target) => target,
        Err(why) => return Report::unreachable(target_text, checked_at, why, options.lang),
    };
    if let Err(error) = still_up(target).await {
        return Report::unreachable(
            target_text,
            checked_at,
            error.told(host, port, options.lang),
            options.lang,
        );
    }
    let judge = Judge {
        target,
        zone: options.zone,
        lang: options.lang,
    };
    let mut verdicts: Vec<Verdict> = Vec::new();
    let mut stopped: Option<Rule> = None;
    for rule in Rule::all() {
        if let Some(after) = stopped {
            verdicts.push(Verdict {
                rule,
                outcome: Outcome::NotJudged,
                detail: stopped_after(after, options.lang),
            });
            continue;
        }
        let (outcome, detail) = match rule.judge(&judge).await {
            Ok(detail) => (Outcome::Passed, detail),
            Err(failed) if still_up(target).await.is_ok() => {
                (Outcome::Failed, failed.detail(options.lang))
            }
            Err(failed) => {
                // The server is gone. If it was gone before this rule began, the rule before
                // stopped it and this one was never asked.
                let previous = verdicts.last().map(|verdict| verdict.rule);
                match (&failed, previous) {
                    (Failed::NoConnection(_), Some(previous)) => {
                        stopped = Some(previous);
                        (Outcome::NotJudged, stopped_after(previous, options.lang))
                    }
                    _ => {
                        stopped = Some(rule);
                        (
                            Outcome::Failed,
                            said!(
                                options.lang,
                                "check.report.then_stopped",
                                detail = failed.detail(options.lang)
                            ),
                        )
                    }
                }
            }
        };
        verdicts.push(Verdict {
            rule,
            outcome,
            detail,
        });
    }
    Report {
        target: target_text,
        checked_at,
        status: match stopped {
            Some(after) => Status::Stopped { after },
            None => Status::Graded,
        },
        verdicts,
        lang: options.lang,
    }
}

async fn resolve(host: &str, port: u16, lang: Lang) -> Result<SocketAddr, String> {
    let unknown = || {
        let target = format!("{host}:{port}");
        said!(lang, "check.unknown_host", target = target)
    };
    tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| unknown())?
        .next()
        .ok_or_else(unknown)
}

/// Whether the server still accepts connections. The connection says QUIT and waits for the
/// close, as a polite client does: an empty connection, or one reset with a reply unread, is
/// what the last rules judge, and must not be what stops a server before them.
async fn still_up(target: SocketAddr) -> Result<(), ask::ConnectError> {
    let mut probe = Probe::connect(target).await?;
    if probe.send(b"QUIT\r\n").await.is_ok() {
        let _ = probe.closed_within(QUIT_WITHIN).await;
    }
    Ok(())
}

fn stopped_after(rule: Rule, lang: Lang) -> String {
    said!(lang, "check.report.stopped_after", rule = rule.name(lang))
}
