//! One server's report: a verdict per rule, and how the grading went. Shown as text for people
//! (80 columns, continuation lines indented) and as JSON for programs.

use chrono::{DateTime, Local};

use super::rules::Rule;
use super::wrap::wrap;
use crate::lang::{Lang, said};

/// How a rule came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// The rule could not be asked: the server could not be reached, or had stopped.
    NotJudged,
}

/// The verdict of one rule: how it came out, and what was sent and what came back.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub rule: Rule,
    pub outcome: Outcome,
    pub detail: String,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }
}

/// How grading a server went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Every rule was judged.
    Graded,
    /// The server stopped accepting connections after this rule; the rules after it were not
    /// judged.
    Stopped { after: Rule },
    /// The server could not be reached at all; why.
    Unreachable(String),
}

impl Status {
    /// The stable word for programs and spreadsheets.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Graded => "graded",
            Status::Stopped { .. } => "stopped",
            Status::Unreachable(_) => "unreachable",
        }
    }

    /// The word for people.
    pub fn said(&self, lang: Lang) -> String {
        said!(lang, format!("check.status.{}", self.word()))
    }

    /// What a person needs to know beyond the verdicts, if anything.
    pub fn note(&self, lang: Lang) -> Option<String> {
        match self {
            Status::Graded => None,
            Status::Stopped { after } => Some(said!(
                lang,
                "check.report.stopped_accepting",
                rule = after.name(lang)
            )),
            Status::Unreachable(why) => Some(why.clone()),
        }
    }
}

/// Every rule's verdict for one server.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: String,
    pub checked_at: DateTime<Local>,
    pub status: Status,
    pub verdicts: Vec<Verdict>,
    /// The language its details, hints and text are in.
    pub lang: Lang,
}

impl Report {
    /// The report of a server that could not be reached: no rule judged.
    pub fn unreachable(
        target: String,
        checked_at: DateTime<Local>,
        why: String,
        lang: Lang,
    ) -> Report {
        let verdicts = Rule::all()
            .map(|rule| Verdict {
                rule,
                outcome: Outcome::NotJudged,
                detail: said!(lang, "check.report.unreachable"),
            })
            .collect();
        Report {
            target,
            checked_at,
            status: Status::Unreachable(why),
            verdicts,
            lang,
        }
    }

    pub fn passed(&self) -> usize {
        self.verdicts
            .iter()
            .filter(|verdict| verdict.passed())
            .count()
    }

    pub fn failed(&self) -> usize {
        self.verdicts.len() - self.passed()
    }

    /// The share of rules passed, in percent.
    pub fn percent(&self) -> f64 {
        match self.verdicts.len() {
            0 => 0.0,
            all => self.passed() as f64 * 100.0 / all as f64,
        }
    }

    /// The ids of the rules not passed (failed or not judged).
    pub fn not_passed(&self) -> Vec<&'static str> {
        self.verdicts
            .iter()
            .filter(|verdict| !verdict.passed())
            .map(|verdict| verdict.rule.id())
            .collect()
    }

    /// One object: the target, the status, the counts, and each rule's id, verdict, detail and
    /// hint. The keys are stable.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "target": self.target,
            "checked_at": self.checked_at.to_rfc3339(),
            "status": self.status.word(),
            "note": self.status.note(self.lang),
            "passed": self.passed(),
            "failed": self.failed(),
            "out_of": self.verdicts.len(),
            "percent": (self.percent() * 10.0).round() / 10.0,
            "checks": self.verdicts.iter().map(|verdict| serde_json::json!({
                "id": verdict.rule.id(),
                "passed": verdict.passed(),
                "judged": verdict.outcome != Outcome::NotJudged,
                "detail": verdict.detail,
                "hint": verdict.rule.hint(self.lang),
            })).collect::<Vec<_>>(),
        })
    }

    /// A row per rule, the failures with their hints, and the score, in 80 columns; `colour`
    /// for a terminal.
    pub fn to_text(&self, colour: bool) -> String {
        let lang = self.lang;
        let mut lines = wrap(
            &said!(
                lang,
                "check.report.checking",
                target = self.target,
                date = self.checked_at.format("%Y-%m-%d"),
                time = self.checked_at.format("%H:%M:%S")
            ),
            "",
            "  ",
        );
        let mark_of = |outcome: &Outcome| match outcome {
            Outcome::Passed => (said!(lang, "check.report.pass"), "32"),
            Outcome::Failed => (said!(lang, "check.report.fail"), "1;31"),
            Outcome::NotJudged => (said!(lang, "check.report.not_judged"), "2"),
        };
        let names: Vec<String> = self
            .verdicts
            .iter()
            .map(|verdict| verdict.rule.name(self.lang))
            .collect();
        let widest = |texts: &mut dyn Iterator<Item = usize>| texts.max().unwrap_or(0);
        let mark_width = widest(
            &mut [Outcome::Passed, Outcome::Failed, Outcome::NotJudged]
                .iter()
                .map(|outcome| mark_of(outcome).0.chars().count()),
        );
        // Every rule's name fits, whichever are listed; 17 columns at least, as before names.
        let name_width =
            widest(&mut Rule::all().map(|rule| rule.name(self.lang).chars().count())).max(17);
        let indent = " ".repeat(mark_width + 2 + name_width + 1);
        let hint = format!("{}: ", said!(lang, "check.report.hint"));
        for (verdict, name) in self.verdicts.iter().zip(&names) {
            let (mark, code) = mark_of(&verdict.outcome);
            let first = format!("{mark:<mark_width$}  {name:<name_width$} ");
            let mut rows = wrap(&verdict.detail, &first, &indent);
            if colour {
                rows[0] = format!("\u{1b}[{code}m{mark}\u{1b}[0m{}", &rows[0][mark.len()..]);
            }
            lines.extend(rows);
            if verdict.outcome == Outcome::Failed {
                let hint_indent = " ".repeat(indent.len() + hint.chars().count());
                lines.extend(wrap(
                    &verdict.rule.hint(self.lang),
                    &format!("{indent}{hint}"),
                    &hint_indent,
                ));
            }
        }
        if let Some(note) = self.status.note(self.lang) {
            lines.extend(wrap(&note, "", "  "));
        }
        lines.push(said!(
            lang,
            "check.report.score",
            passed = self.passed(),
            total = self.verdicts.len(),
            percent = format!("{:.0}", self.percent())
        ));
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_detail_wraps_under_its_own_first_column_within_80_columns() {
        let report = Report {
            target: "127.0.0.1:45000".into(),
            checked_at: Local::now(),
            status: Status::Graded,
            verdicts: vec![Verdict {
                rule: Rule::Reply,
                outcome: Outcome::Passed,
                detail: "word ".repeat(40).trim_end().into(),
            }],
            lang: Lang::En,
        };
        let text = report.to_text(false);
        let rows: Vec<&str> = text.lines().filter(|row| row.contains("word")).collect();
        assert!(rows.len() > 2, "{text}");
        // "PASS", two spaces, the id in 17 columns, a space: the detail starts at column 24.
        for row in rows {
            assert_eq!(row.find("word"), Some(24), "{text}");
            assert!(row.chars().count() <= 80, "{text}");
        }
    }
}
