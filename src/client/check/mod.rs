//! `jamtui check`: grades a student's time server against the rules real networks enforce (a
//! request split in two, two in one read, fifty clients at once), each with a verdict and a hint
//! the student can act on. docs/CHECKS.md explains each rule.

mod probe;
pub mod roster;
mod rules;

use std::net::SocketAddr;

use anyhow::Context;

pub use rules::RULES;

/// The verdict of one rule.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub id: &'static str,
    pub passed: bool,
    /// What was sent and what came back.
    pub detail: String,
    pub hint: &'static str,
}

/// Every rule's verdict for one server.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: String,
    pub verdicts: Vec<Verdict>,
}

/// Checks the server at `host:port` against every rule, one after the other (a server that
/// answers nothing costs about half a minute). An error when it cannot be reached at all.
pub async fn check(host: &str, port: u16) -> anyhow::Result<Report> {
    let target_text = format!("{host}:{port}");
    let target: SocketAddr = tokio::net::lookup_host((host, port))
        .await
        .with_context(|| format!("cannot reach {target_text}: the host is unknown"))?
        .next()
        .with_context(|| format!("cannot reach {target_text}: no address for the host"))?;
    // A server that cannot be reached at all is an error, not thirteen failures.
    probe::Probe::connect(target)
        .await
        .map_err(anyhow::Error::msg)?;
    let mut verdicts = Vec::with_capacity(RULES.len());
    for rule in &RULES {
        let outcome = rules::judge(rule.id, target).await;
        verdicts.push(Verdict {
            id: rule.id,
            passed: outcome.is_ok(),
            detail: outcome.unwrap_or_else(|why| why),
            hint: rule.hint,
        });
    }
    Ok(Report {
        target: target_text,
        verdicts,
    })
}

impl Report {
    pub fn passed(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|verdict| verdict.passed)
            .count()
    }

    pub fn failed(&self) -> usize {
        self.verdicts.len() - self.passed()
    }

    /// One object: target, passed, failed, and each check's id, verdict, detail and hint.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "target": self.target,
            "passed": self.passed(),
            "failed": self.failed(),
            "checks": self.verdicts.iter().map(|verdict| serde_json::json!({
                "id": verdict.id,
                "passed": verdict.passed,
                "detail": verdict.detail,
                "hint": verdict.hint,
            })).collect::<Vec<_>>(),
        })
    }

    /// A row per check, the failures with their hints, and the score; `colour` for a terminal.
    pub fn to_text(&self, colour: bool) -> String {
        let paint = |text: &str, code: &str| {
            if colour {
                format!("\u{1b}[{code}m{text}\u{1b}[0m")
            } else {
                text.to_string()
            }
        };
        let mut lines = vec![format!("checking {}", self.target)];
        for verdict in &self.verdicts {
            let mark = if verdict.passed {
                paint("PASS", "32")
            } else {
                paint("FAIL", "1;31")
            };
            lines.push(format!("{mark}  {:<17} {}", verdict.id, verdict.detail));
            if !verdict.passed {
                lines.push(format!("      {:<17} hint: {}", "", verdict.hint));
            }
        }
        lines.push(format!(
            "{} of {} checks passed",
            self.passed(),
            self.verdicts.len()
        ));
        lines.join("\n")
    }
}
