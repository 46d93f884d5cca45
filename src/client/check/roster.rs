//! `jamtui check --roster FILE`: a whole class. The roster is a table of `name,host,port` as a
//! spreadsheet saves it: commas, or semicolons (what Excel writes in Indonesian and European
//! settings), or tabs; a UTF-8 byte order mark or not; a header line or not. The servers are
//! checked a few at a time, and each student gets a report.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{CheckOptions, Report, check};

/// Servers checked at once.
const AT_ONCE: usize = 8;

/// The port of a roster row that names none: the assignment's.
pub const DEFAULT_PORT: u16 = 45000;

/// The names a header line gives the host column; a first row whose second field is one of
/// these is the header.
const HOST_HEADINGS: [&str; 7] = [
    "host",
    "hostname",
    "ip",
    "address",
    "alamat",
    "alamat ip",
    "server",
];

/// One student of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub name: String,
    pub host: String,
    pub port: u16,
    /// Whether the roster named the port (else it is `DEFAULT_PORT`).
    pub port_given: bool,
}

/// A student's grade: their server's report.
#[derive(Debug)]
pub struct Grade {
    pub student: Student,
    pub report: Report,
}

impl Grade {
    pub fn passed_everything(&self) -> bool {
        self.report.failed() == 0
    }

    /// The JSON line for this student: the report's object with `name`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = self.report.to_json();
        object["name"] = self.student.name.clone().into();
        object
    }
}

/// The field separator of a roster: the one its first line uses.
fn separator(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let count = |c: char| first.matches(c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&sep| (count(sep as char), sep == b','))
        .unwrap_or(b',')
}

/// Reads a roster file.
pub fn read(path: &Path) -> anyhow::Result<Vec<Student>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the roster {}", path.display()))?;
    parse(&bytes).with_context(|| format!("roster {}", path.display()))
}

/// Reads a roster's text: `name,host[,port]` rows, under a header line or not.
pub fn parse(bytes: &[u8]) -> anyhow::Result<Vec<Student>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        bail!("it is not UTF-8 text: save it from the spreadsheet as CSV UTF-8");
    };
    let separator = separator(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut students = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("line {}", index + 1))?;
        // Every record read has a position; its line counts from 1.
        let line = row.position().map(csv::Position::line).unwrap_or_default();
        let field = |at: usize| row.get(at).unwrap_or("").to_string();
        if row.iter().all(str::is_empty) {
            continue;
        }
        let (name, host, port) = (field(0), field(1), field(2));
        if index == 0 && HOST_HEADINGS.contains(&host.to_lowercase().as_str()) {
            continue;
        }
        if name.is_empty() || host.is_empty() {
            let shown = crate::text::printable(row.as_slice()).into_owned();
            bail!(
                "line {line}: '{shown}' is not name{sep}host{sep}port (the port may be left out)",
                sep = separator as char
            );
        }
        let (port, port_given) = match port.as_str() {
            "" => (DEFAULT_PORT, false),
            text => match text.parse::<u16>() {
                Ok(port) if port > 0 => (port, true),
                _ => bail!(
                    "line {line}: '{}' is not a port (1 to 65535)",
                    crate::text::printable(text)
                ),
            },
        };
        students.push(Student {
            name,
            host,
            port,
            port_given,
        });
    }
    if students.is_empty() {
        bail!("no student in it: write a row name,host,port for each");
    }
    Ok(students)
}

/// Checks every student's server, `AT_ONCE` at a time; `done` is told after each. The grades
/// come back in the roster's order.
pub async fn grade(
    students: Vec<Student>,
    options: CheckOptions,
    done: impl Fn() + Send + Sync + 'static,
) -> Vec<Grade> {
    let permits = Arc::new(Semaphore::new(AT_ONCE));
    let done = Arc::new(done);
    let mut checking = JoinSet::new();
    for (index, student) in students.into_iter().enumerate() {
        let (permits, done) = (Arc::clone(&permits), Arc::clone(&done));
        checking.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let report = check(&student.host, student.port, options).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn student(name: &str, host: &str, port: Option<u16>) -> Student {
        Student {
            name: name.into(),
            host: host.into(),
            port: port.unwrap_or(DEFAULT_PORT),
            port_given: port.is_some(),
        }
    }

    #[test]
    fn a_roster_takes_names_hosts_and_optional_ports() {
        let students = parse(b"name,host,port\nAni, 10.0.0.5, 45001\nBudi,10.0.0.6\n").unwrap();
        assert_eq!(
            students,
            [
                student("Ani", "10.0.0.5", Some(45001)),
                student("Budi", "10.0.0.6", None)
            ]
        );
        let error = format!(
            "{:#}",
            parse(b"name,host,port\nCitra,10.0.0.7,lots\n").unwrap_err()
        );
        assert_eq!(error, "line 2: 'lots' is not a port (1 to 65535)");
        let error = format!(
            "{:#}",
            parse(b"name,host,port\nDewi,10.0.0.8,0\n").unwrap_err()
        );
        assert!(error.contains("'0' is not a port"), "{error}");
    }

    #[test]
    fn what_a_spreadsheet_writes_is_understood() {
        // Excel in Indonesian settings: semicolons, a byte order mark, CR LF, empty rows.
        let excel =
            "\u{feff}Nama;Alamat IP;Port\r\nAni;10.0.0.5;45001\r\n;;\r\nBudi Santoso;lab-pc-3;\r\n";
        assert_eq!(
            parse(excel.as_bytes()).unwrap(),
            [
                student("Ani", "10.0.0.5", Some(45001)),
                student("Budi Santoso", "lab-pc-3", None)
            ]
        );
        // Tabs, as a copy from a spreadsheet saves.
        assert_eq!(
            parse(b"name\thost\tport\nAni\t10.0.0.5\t45001\n").unwrap(),
            [student("Ani", "10.0.0.5", Some(45001))]
        );
        // A comma inside a quoted name does not split it.
        assert_eq!(
            parse(b"\"Santoso, Budi\",10.0.0.6,45002\n").unwrap(),
            [student("Santoso, Budi", "10.0.0.6", Some(45002))]
        );
    }

    #[test]
    fn the_separator_is_the_one_the_first_line_uses_most() {
        assert_eq!(separator("name;host;port\nAni;1,5;2"), b';');
        assert_eq!(separator("\n\nname\thost\n"), b'\t');
        assert_eq!(separator("Santoso, Budi;10.0.0.6;45002"), b';');
        // A tie, or no separator at all: commas, as CSV means.
        assert_eq!(separator("a,b;c"), b',');
        assert_eq!(separator("Ani"), b',');
        assert_eq!(separator(""), b',');
    }

    #[test]
    fn a_first_row_of_data_is_a_student_not_a_header() {
        assert_eq!(
            parse(b"Ani,10.0.0.5,45001\nBudi,lab-pc-3\n").unwrap(),
            [
                student("Ani", "10.0.0.5", Some(45001)),
                student("Budi", "lab-pc-3", None)
            ]
        );
    }

    #[test]
    fn a_bad_row_is_named_with_its_line_and_shown_escaped() {
        let error = format!("{:#}", parse(b"name,host\nAni\n").unwrap_err());
        assert_eq!(
            error,
            "line 2: 'Ani' is not name,host,port (the port may be left out)"
        );
        let error = format!("{:#}", parse(b"name;host\n\x1b[2J\n").unwrap_err());
        assert!(
            error.contains("'\\x1b[2J' is not name;host;port"),
            "{error}"
        );
        let error = format!("{:#}", parse(b"name,host,port\n").unwrap_err());
        assert!(error.contains("no student"), "{error}");
        let error = format!("{:#}", parse(b"\xff\xfeA\x00").unwrap_err());
        assert!(error.contains("not UTF-8"), "{error}");
    }
}
