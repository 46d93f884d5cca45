//! A class's grades for people and for spreadsheets: the grade table on the terminal (80
//! columns), and the grade sheet as CSV, one 0/1 column per rule.

use std::io::Write;
use std::path::Path;

use super::roster::Grade;
use super::rules::Rule;
use super::wrap::wrap;
use crate::lang::{Lang, said};
use crate::text::printable;

/// How the grade sheet is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetStyle {
    /// Commas and a decimal point: what a spreadsheet in English settings opens.
    #[default]
    Comma,
    /// Semicolons, a decimal comma and a UTF-8 byte order mark: what Excel opens as a table in
    /// Indonesian and most European settings.
    Excel,
}

/// The widest a name is shown in the table.
const NAME_WIDTH: usize = 20;

/// `name` cut to `width` characters, with `…` where it was cut.
fn cut(name: &str, width: usize) -> String {
    match name.chars().count() <= width {
        true => name.to_string(),
        false => name.chars().take(width - 1).chain(['…']).collect(),
    }
}

/// The grade table: a row per student with the score, the status, and the rules not passed (or
/// why the server could not be reached), wrapped under its own column; in `lang`, but for the
/// rules' ids.
pub fn table(grades: &[Grade], lang: Lang) -> String {
    let said = |key: &str| said!(lang, format!("check.table.{key}"));
    let names: Vec<String> = grades
        .iter()
        .map(|grade| cut(&printable(&grade.student.name), NAME_WIDTH))
        .collect();
    let [name, score, status, not_passed] = ["name", "score", "status", "not_passed"].map(said);
    let width = names
        .iter()
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0)
        .max(name.chars().count());
    let statuses: Vec<String> = grades
        .iter()
        .map(|grade| grade.report.status.said(lang))
        .collect();
    let status_width = statuses
        .iter()
        .map(|status| status.chars().count())
        .chain([status.chars().count()])
        .max()
        .unwrap_or(0);
    let mut lines = vec![format!(
        "{name:<width$}  {score:>5}     %  {status:<status_width$}  {not_passed}"
    )];
    for ((grade, name), status) in grades.iter().zip(names).zip(statuses) {
        let report = &grade.report;
        let score = format!("{}/{}", report.passed(), report.verdicts.len());
        let row = format!(
            "{name:<width$}  {score:>5}  {:>3.0}%  {status:<status_width$}  ",
            report.percent(),
        );
        let mut rest = report.not_passed().join(" ");
        if let Some(note) = report.status.note(lang) {
            rest = match report.status {
                super::Status::Unreachable(_) => printable(&note).into_owned(),
                _ => format!("{rest} ({note})"),
            };
        }
        // Continuation lines start under the first rule not passed.
        let indent = " ".repeat(row.chars().count());
        lines.extend(wrap(&rest, &row, &indent));
    }
    lines.join("\n")
}

/// The grade sheet: a row per student with the status, when it was checked, the score and the
/// percentage, a 0/1 column per rule id, and a note.
pub fn write_csv(path: &Path, grades: &[Grade], style: SheetStyle) -> std::io::Result<()> {
    crate::files::write_whole(path, |file| {
        let (separator, decimal) = match style {
            SheetStyle::Comma => (b',', "."),
            SheetStyle::Excel => {
                file.write_all("\u{feff}".as_bytes())?;
                (b';', ",")
            }
        };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(separator)
            .from_writer(file);
        let mut heading: Vec<&str> = vec![
            "name",
            "host",
            "port",
            "status",
            "checked_at",
            "score",
            "out_of",
            "percent",
        ];
        heading.extend(Rule::all().map(Rule::id));
        heading.push("note");
        writer.write_record(&heading)?;
        for grade in grades {
            let report = &grade.report;
            let mut row = vec![
                grade.student.name.clone(),
                grade.student.host.clone(),
                grade.student.port.to_string(),
                report.status.word().to_string(),
                report.checked_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                report.passed().to_string(),
                report.verdicts.len().to_string(),
                format!("{:.1}", report.percent()).replace('.', decimal),
            ];
            row.extend(
                report
                    .verdicts
                    .iter()
                    .map(|verdict| u8::from(verdict.passed()).to_string()),
            );
            row.push(report.status.note(report.lang).unwrap_or_default());
            writer.write_record(&row)?;
        }
        writer.flush()
    })
}

#[cfg(test)]
mod tests {
    use super::super::roster::Student;
    use super::super::wrap::WIDTH;
    use super::super::{Outcome, Report, Status, Verdict};
    use super::*;

    fn graded(name: &str, failing: &[Rule]) -> Grade {
        let verdicts = Rule::all()
            .map(|rule| Verdict {
                rule,
                outcome: match failing.contains(&rule) {
                    true => Outcome::Failed,
                    false => Outcome::Passed,
                },
                detail: String::new(),
            })
            .collect();
        Grade {
            student: Student {
                name: name.into(),
                host: "10.0.0.5".into(),
                port: 45000,
                port_given: true,
            },
            report: Report {
                target: "10.0.0.5:45000".into(),
                checked_at: chrono::Local::now(),
                status: Status::Graded,
                verdicts,
                lang: Lang::En,
            },
        }
    }

    #[test]
    fn the_table_keeps_its_columns_for_long_names_and_long_lists() {
        let failing: Vec<Rule> = Rule::all().skip(3).collect();
        let grades = [
            graded("Ani", &[]),
            graded("Bagus Prasetyo Wibisono Nugroho", &failing),
        ];
        for (lang, not_passed, graded) in [
            (Lang::En, "not passed", "14/14  100%  graded"),
            (Lang::Id, "belum lulus", "14/14  100%  dinilai"),
        ] {
            let table = table(&grades, lang);
            let lines: Vec<&str> = table.lines().collect();
            let column = lines[0].find(not_passed).unwrap();
            assert_eq!(&lines[1][..4], "Ani ");
            assert!(lines[1].contains(graded), "{table}");
            // A long name is cut to 20 characters, the last of them `…`.
            assert!(lines[2].starts_with("Bagus Prasetyo Wibi…  "), "{table}");
            // The rules' ids stay as they are in every language.
            let at = lines[2].find(failing[0].id()).unwrap();
            assert_eq!(lines[2][..at].chars().count(), column, "{table}");
            assert!(lines.len() > 3, "the list wraps: {table}");
            for line in &lines[3..] {
                assert!(line[..column].trim().is_empty(), "{table}");
                assert!(!line[column..].starts_with(' '), "{table}");
                assert!(line.chars().count() <= WIDTH, "{table}");
            }
        }
    }
}
