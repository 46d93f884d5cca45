//! `jamtui check --roster FILE`: a whole class. The roster is a CSV of `name,host,port` (a header
//! line first; the port may be left out for 45000); the servers are checked a few at a time, and
//! each student gets a row: the score and the checks that failed. A server that cannot be
//! reached is a row that says so.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{Report, check};

/// Servers checked at once.
const AT_ONCE: usize = 8;

/// The port of a roster row that names none.
const DEFAULT_PORT: u16 = 45000;

/// One student of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub name: String,
    pub host: String,
    pub port: u16,
}

/// A student's grade: their report, or why their server could not be checked.
#[derive(Debug)]
pub struct Grade {
    pub student: Student,
    pub report: Result<Report, String>,
}

impl Grade {
    pub fn passed_everything(&self) -> bool {
        self.failed() == 0
    }

    /// Checks passed; none for a server that could not be checked.
    fn passed(&self) -> usize {
        self.report.as_ref().map_or(0, Report::passed)
    }

    /// Checks failed; all of them for a server that could not be checked.
    fn failed(&self) -> usize {
        self.report
            .as_ref()
            .map_or(super::RULES.len(), Report::failed)
    }

    /// The ids of the checks failed, or why the server could not be checked.
    fn failures(&self) -> String {
        match &self.report {
            Ok(report) => {
                let failed: Vec<&str> = report
                    .verdicts
                    .iter()
                    .filter(|verdict| !verdict.passed)
                    .map(|verdict| verdict.id)
                    .collect();
                failed.join(" ")
            }
            Err(why) => why.clone(),
        }
    }

    /// The JSON line for this student: the report's object with `name`, or a failure to reach.
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = match &self.report {
            Ok(report) => report.to_json(),
            Err(why) => serde_json::json!({
                "target": format!("{}:{}", self.student.host, self.student.port),
                "passed": self.passed(),
                "failed": self.failed(),
                "checks": [],
                "detail": why,
            }),
        };
        object["name"] = self.student.name.clone().into();
        object
    }
}

/// Reads a roster: `name,host,port` rows under a header line.
pub fn read(path: &Path) -> anyhow::Result<Vec<Student>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read the roster {}", path.display()))?;
    let mut students = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = row.with_context(|| format!("roster {}, line {line}", path.display()))?;
        let field = |at: usize| row.get(at).unwrap_or("").to_string();
        let (name, host, port) = (field(0), field(1), field(2));
        if name.is_empty() || host.is_empty() {
            anyhow::bail!(
                "roster {}, line {line}: write name,host,port (the port may be left out)",
                path.display()
            );
        }
        let port = match port.as_str() {
            "" => DEFAULT_PORT,
            port => port.parse().with_context(|| {
                format!(
                    "roster {}, line {line}: '{port}' is not a port",
                    path.display()
                )
            })?,
        };
        students.push(Student { name, host, port });
    }
    Ok(students)
}

/// Checks every student's server, `AT_ONCE` at a time; `done` is told after each. The grades
/// come back in the roster's order.
pub async fn grade(students: Vec<Student>, done: impl Fn() + Send + Sync + 'static) -> Vec<Grade> {
    let permits = Arc::new(Semaphore::new(AT_ONCE));
    let done = Arc::new(done);
    let mut checking = JoinSet::new();
    for (index, student) in students.into_iter().enumerate() {
        let (permits, done) = (Arc::clone(&permits), Arc::clone(&done));
        checking.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let report = check(&student.host, student.port)
                .await
                .map_err(|error| format!("{error:#}"));
            done();
            (index, Grade { student, report })
        });
    }
    let mut grades = Vec::new();
    while let Some(Ok(graded)) = checking.join_next().await {
        grades.push(graded);
    }
    grades.sort_by_key(|(index, _)| *index);
    grades.into_iter().map(|(_, grade)| grade).collect()
}

/// The grade table: a row per student, the score and the checks that failed.
pub fn table(grades: &[Grade]) -> String {
    let width = grades
        .iter()
        .map(|grade| grade.student.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("name".len());
    let mut lines = vec![format!("{:<width$}  score  failed", "name")];
    for grade in grades {
        let score = format!("{}/{}", grade.passed(), grade.passed() + grade.failed());
        lines.push(format!(
            "{:<width$}  {score:<5}  {}",
            grade.student.name,
            grade.failures()
        ));
    }
    lines.join("\n")
}

/// The grade sheet for a spreadsheet: name, target, score, failed checks.
pub fn write_csv(path: &Path, grades: &[Grade]) -> std::io::Result<()> {
    crate::files::write_whole(path, |file| {
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(["name", "target", "passed", "failed", "failed_checks"])?;
        for grade in grades {
            writer.write_record([
                grade.student.name.clone(),
                format!("{}:{}", grade.student.host, grade.student.port),
                grade.passed().to_string(),
                grade.failed().to_string(),
                grade.failures(),
            ])?;
        }
        writer.flush()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_takes_names_hosts_and_optional_ports() {
        let dir = std::env::temp_dir().join(format!("jamtui-roster-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("class.csv");
        std::fs::write(
            &path,
            "name,host,port\nAni, 10.0.0.5, 45001\nBudi,10.0.0.6\n",
        )
        .unwrap();
        let students = read(&path).unwrap();
        assert_eq!(
            students,
            [
                Student {
                    name: "Ani".into(),
                    host: "10.0.0.5".into(),
                    port: 45001
                },
                Student {
                    name: "Budi".into(),
                    host: "10.0.0.6".into(),
                    port: 45000
                },
            ]
        );
        std::fs::write(&path, "name,host,port\nCitra,10.0.0.7,lots\n").unwrap();
        let error = read(&path).unwrap_err().to_string();
        assert!(
            error.contains("line 2") && error.contains("'lots'"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
