//! `jamtui check` against servers written the way students write them: jamtui's own server (the
//! correct one) and the corpus in tests/students/servers.py, each kind with the verdict it
//! deserves on every rule, graded twice through `--roster` as a lecturer grades a class.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::common::{TestServer, assert_one_line_error, config, finish, finish_within, jamtui};
use jamtui::client::check::{CheckOptions, Outcome, Rule, Status, check};
use jamtui::server::Config;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// A whole check of a server that answers some rules with silence: well under a minute.
const CHECK_TIME: Duration = Duration::from_secs(90);

/// A class's grading, eight servers at a time: a few minutes at most.
const CLASS_TIME: Duration = Duration::from_secs(300);

/// The verdict of each rule, by id: 'P' passed, 'F' failed, 'N' not judged.
fn verdicts(report: &jamtui::client::check::Report) -> BTreeMap<&'static str, char> {
    report
        .verdicts
        .iter()
        .map(|verdict| {
            let mark = match verdict.outcome {
                Outcome::Passed => 'P',
                Outcome::Failed => 'F',
                Outcome::NotJudged => 'N',
            };
            (verdict.rule.id(), mark)
        })
        .collect()
}

/// Every rule passes but those `failing`; those `unjudged` are not judged.
fn expected(failing: &[&str], unjudged: &[&str]) -> BTreeMap<&'static str, char> {
    for id in failing.iter().chain(unjudged) {
        assert!(Rule::all().any(|rule| rule.id() == *id), "no rule {id}");
    }
    Rule::all()
        .map(|rule| {
            let id = rule.id();
            let mark = match (failing.contains(&id), unjudged.contains(&id)) {
                (true, _) => 'F',
                (_, true) => 'N',
                _ => 'P',
            };
            (id, mark)
        })
        .collect()
}

#[tokio::test]
async fn a_correct_server_passes_every_check() {
    let server = TestServer::start(config()).await;
    let report = check("127.0.0.1", server.addr().port(), CheckOptions::default()).await;
    assert_eq!(
        verdicts(&report),
        expected(&[], &[]),
        "{}",
        report.to_text(false)
    );
    assert_eq!(report.status, Status::Graded);
}

#[tokio::test]
async fn with_the_labs_zone_a_server_in_another_zone_fails_the_clock_alone() {
    let jakarta = Config {
        zone: "Asia/Jakarta".parse().unwrap(),
        ..config()
    };
    let server = TestServer::start(jakarta).await;
    let port = server.addr().port();
    let in_zone = |zone: &str| CheckOptions {
        zone: Some(zone.parse().unwrap()),
        ..CheckOptions::default()
    };
    let there = check("127.0.0.1", port, in_zone("Asia/Jakarta")).await;
    assert_eq!(verdicts(&there), expected(&[], &[]));
    let elsewhere = check("127.0.0.1", port, in_zone("UTC")).await;
    assert_eq!(verdicts(&elsewhere), expected(&["clock"], &[]));
    let clock = &elsewhere.verdicts[2];
    assert!(
        clock
            .detail
            .contains("is 7 h away from the time in UTC+00:00"),
        "{}",
        clock.detail
    );
}

/// The kinds of server in tests/students/servers.py, and the rules each fails and cannot be
/// judged on: the table in docs/CHECKS.md.
const CORPUS: &[(&str, &[&str], &[&str])] = &[
    ("reference_fixed", &[], &[]),
    ("socketserver_threading", &[], &[]),
    ("select_loop", &[], &[]),
    ("asyncio_streams", &[], &[]),
    ("utc", &[], &[]),
    (
        "reference",
        &["split-request", "pipelined", "time-then-quit"],
        &[],
    ),
    (
        "one_recv",
        &["split-request", "pipelined", "time-then-quit"],
        &[],
    ),
    (
        "err_and_hang_up",
        &["split-request", "pipelined", "time-then-quit"],
        &[],
    ),
    (
        "asyncio_one_read",
        &["split-request", "pipelined", "time-then-quit"],
        &[],
    ),
    ("no_threads", &["concurrent", "burst"], &[]),
    (
        "no_threads_one_recv",
        &[
            "concurrent",
            "burst",
            "split-request",
            "pipelined",
            "time-then-quit",
            "abrupt-close",
        ],
        &["empty-connect"],
    ),
    (
        "answer_once_and_close",
        &[
            "several-requests",
            "concurrent",
            "pipelined",
            "abrupt-close",
        ],
        &["empty-connect"],
    ),
    // Asked again on its one connection, it cannot show its clock advancing: clock-advances
    // asks on a second connection only of a server that closes after each answer.
    (
        "answer_once_and_stay_open",
        &[
            "clock-advances",
            "several-requests",
            "quit",
            "concurrent",
            "split-request",
            "pipelined",
            "time-then-quit",
        ],
        &[],
    ),
    // Stops accepting after its fifth client, between two rules: the rules after are not
    // judged, and none fails for it.
    (
        "five_clients_then_exit",
        &[],
        &[
            "several-requests",
            "quit",
            "concurrent",
            "burst",
            "split-request",
            "pipelined",
            "time-then-quit",
            "bad-request",
            "abrupt-close",
            "empty-connect",
        ],
    ),
    ("pool_of_four", &["burst"], &[]),
    ("missing_cr", &["reply"], &[]),
    ("no_line_end", &["reply"], &[]),
    ("unpadded", &["reply"], &[]),
    ("twelve_hour", &["reply"], &[]),
    ("date_and_time", &["reply"], &[]),
    ("isoformat", &["reply"], &[]),
    ("banner", &["reply"], &[]),
    ("clock_per_connection", &["clock-advances"], &[]),
    ("clock_at_start", &["clock", "clock-advances"], &[]),
    ("slow", &["prompt"], &[]),
    ("ignores_quit", &["quit", "time-then-quit"], &[]),
    (
        "answers_every_recv",
        &["quit", "split-request", "pipelined", "time-then-quit"],
        &[],
    ),
    (
        "dies_on_hello",
        &["bad-request"],
        &["abrupt-close", "empty-connect"],
    ),
    ("dies_on_reset", &["abrupt-close"], &["empty-connect"]),
    // Dies of the last rule: the checker's own connections (a QUIT each) must not kill it first.
    ("dies_on_empty", &["empty-connect"], &[]),
];

/// The kinds that stop accepting connections during their grading (status `stopped`).
const DIE: &[&str] = &[
    "no_threads_one_recv",
    "five_clients_then_exit",
    "answer_once_and_close",
    "dies_on_hello",
    "dies_on_reset",
    "dies_on_empty",
];

/// A student's server from the corpus, running; killed when dropped.
struct Student {
    _process: Child,
    port: u16,
}

async fn start_student(kind: &str) -> Student {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/students/servers.py");
    let mut process = Command::new("python3")
        .arg(script)
        .arg(kind)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs (CI installs it)");
    let stdout = process.stdout.take().expect("stdout is piped");
    let mut first = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut first),
    )
    .await
    .unwrap_or_else(|_| panic!("{kind} says its port"))
    .unwrap();
    let port = first
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{kind} printed {first:?}, not a port"));
    Student {
        _process: process,
        port,
    }
}

/// Grades the roster with the real binary: one JSON object per student.
async fn grade(roster: &Path, sheet: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let _ = std::fs::remove_file(sheet);
    let mut command = jamtui();
    command
        .args(["check", "--roster"])
        .arg(roster)
        .args(["--json", "--csv"])
        .arg(sheet)
        .args(extra);
    let output = finish_within(&mut command, CLASS_TIME).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object a line"))
        .collect()
}

fn marks(row: &serde_json::Value) -> BTreeMap<String, char> {
    row["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|check| {
            let mark = match (check["passed"].as_bool(), check["judged"].as_bool()) {
                (Some(true), _) => 'P',
                (_, Some(false)) => 'N',
                _ => 'F',
            };
            (check["id"].as_str().unwrap().to_string(), mark)
        })
        .collect()
}

#[tokio::test]
async fn a_class_of_student_servers_gets_the_grades_it_deserves_every_time() {
    let dir = crate::common::no_user_config().join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("class.csv");
    // Twice, as the issue of grades that changed between runs asks; `.ci/mutants` grades once
    // (JAMTUI_CORPUS_RUNS=1), to test more mutants in its hours.
    let runs = std::env::var("JAMTUI_CORPUS_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(2);
    for (run, extra) in [(1, &[][..]), (2, &["--excel"][..])].into_iter().take(runs) {
        // Fresh servers each run: some die of their grading, as they should.
        let mut students = Vec::new();
        for (kind, _, _) in CORPUS {
            students.push(start_student(kind).await);
        }
        let mut text = String::from("name,host,port\n");
        for ((kind, _, _), student) in CORPUS.iter().zip(&students) {
            text.push_str(&format!("{kind},127.0.0.1,{}\n", student.port));
        }
        std::fs::write(&roster, text).unwrap();
        // A clock read at start-up must be stale by the time it is checked, as in a real class.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let sheet = dir.join(format!("grades-{run}.csv"));
        let rows = grade(&roster, &sheet, extra).await;
        assert_eq!(rows.len(), CORPUS.len());
        let mut wrong = Vec::new();
        for ((kind, failing, unjudged), row) in CORPUS.iter().zip(&rows) {
            assert_eq!(row["name"], *kind);
            let want: BTreeMap<String, char> = expected(failing, unjudged)
                .into_iter()
                .map(|(id, mark)| (id.to_string(), mark))
                .collect();
            if marks(row) != want {
                wrong.push(format!("{kind}: {row:#}"));
            }
            let status = if DIE.contains(kind) {
                "stopped"
            } else {
                "graded"
            };
            assert_eq!(row["status"], status, "{kind}");
            // A rule not judged says after which rule the server stopped: the last one judged
            // (which failed if it killed the server, or passed if the server left between two).
            let checks = row["checks"].as_array().unwrap();
            if let Some(first) = checks.iter().position(|check| check["judged"] == false) {
                let stopped_after = checks[first - 1]["id"].as_str().unwrap();
                let said = format!("not judged: the server stopped after {stopped_after}");
                for check in &checks[first..] {
                    assert_eq!(check["detail"], said, "{kind}");
                }
                if !failing.is_empty() {
                    assert_eq!(Some(&stopped_after), failing.last(), "{kind}");
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "run {run}, graded wrongly:\n{}",
            wrong.join("\n")
        );

        // The sheet says the same, a 0/1 column per rule.
        let written = std::fs::read_to_string(&sheet).unwrap();
        let (separator, body) = match run {
            1 => (",", written.as_str()),
            _ => (
                ";",
                written
                    .strip_prefix('\u{feff}')
                    .expect("a byte order mark for Excel"),
            ),
        };
        let mut lines = body.lines();
        let heading: Vec<&str> = lines.next().unwrap().split(separator).collect();
        for ((kind, failing, unjudged), line) in CORPUS.iter().zip(lines) {
            let cells: Vec<&str> = line.split(separator).collect();
            assert_eq!(cells[0], *kind);
            for rule in Rule::all() {
                let at = heading.iter().position(|id| *id == rule.id()).unwrap();
                let passed = !failing.contains(&rule.id()) && !unjudged.contains(&rule.id());
                assert_eq!(
                    cells[at],
                    if passed { "1" } else { "0" },
                    "{kind} {}",
                    rule.id()
                );
            }
        }
    }
}

#[tokio::test]
async fn the_report_names_each_failure_with_a_hint_in_80_columns_and_json_is_one_object() {
    let student = start_student("reference").await;
    let port = student.port.to_string();
    let text = finish_within(jamtui().args(["check", "--port", &port]), CHECK_TIME).await;
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("FAIL  split-request"), "{stdout}");
    assert!(stdout.contains("TCP is a byte stream"), "{stdout}");
    assert!(stdout.contains("11 of 14 checks passed (79%)"), "{stdout}");
    assert!(
        stdout.lines().all(|line| line.chars().count() <= 80),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour off a terminal: {stdout}"
    );
    // The report says it all: no second word on stderr.
    assert_eq!(crate::common::stderr(&text), "");

    let json = finish_within(
        jamtui().args(["check", "--port", &port, "--json"]),
        CHECK_TIME,
    )
    .await;
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(11), Some(3))
    );
    assert_eq!(report["target"], format!("127.0.0.1:{port}"));
    assert_eq!(report["status"], "graded");
    let failed: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["passed"] == false)
        .filter_map(|check| check["id"].as_str())
        .collect();
    assert_eq!(failed, ["split-request", "pipelined", "time-then-quit"]);
}

#[tokio::test]
async fn the_report_speaks_indonesian_when_asked_and_keeps_what_machines_read() {
    // As the assignment's reference server reads, one recv() is one request; in Rust, so that
    // it runs where there is no Python (Windows, under Wine).
    let port = crate::common::student_server(|mut stream| async move {
        let mut buffer = [0u8; 1024];
        while let Ok(read) = stream.read(&mut buffer).await {
            match &buffer[..read] {
                [] | b"QUIT\r\n" => return,
                b"TIME\r\n" => {
                    let reply = chrono::Local::now().format("JAM %H:%M:%S\r\n").to_string();
                    let _ = stream.write_all(reply.as_bytes()).await;
                }
                _ => {}
            }
        }
    })
    .await
    .to_string();
    for asked in [&["--lang", "id"][..], &[][..]] {
        let mut command = jamtui();
        command.args(["check", "--port", &port]).args(asked);
        if asked.is_empty() {
            // No flag: the environment's language.
            command.env("LANG", "id_ID.UTF-8");
        }
        let text = finish_within(&mut command, CHECK_TIME).await;
        assert_eq!(text.status.code(), Some(1), "exit statuses do not change");
        let stdout = String::from_utf8_lossy(&text.stdout);
        for said in [
            "memeriksa 127.0.0.1:",
            "GAGAL  request terpotong",
            "mengirim b'TI', 200 ms kemudian b'ME\\r\\n'",
            "saran: TCP adalah aliran byte",
            "11 dari 14 pemeriksaan lulus (79%)",
        ] {
            assert!(stdout.contains(said), "{said}:\n{stdout}");
        }
        assert!(!stdout.contains("checks passed"), "{stdout}");
        assert!(
            stdout.lines().all(|line| line.chars().count() <= 80),
            "{stdout}"
        );
    }
    let json = finish_within(
        jamtui().args(["check", "--port", &port, "--json", "--lang", "id"]),
        CHECK_TIME,
    )
    .await;
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    // Keys, ids and the status word are the same in every language; what people read is not.
    assert_eq!(report["status"], "graded");
    let split = &report["checks"][8];
    assert_eq!(split["id"], "split-request");
    assert!(
        split["hint"]
            .as_str()
            .is_some_and(|hint| hint.starts_with("TCP adalah aliran byte")),
        "{split}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_one_line() {
    // A port just closed: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = finish(jamtui().args(["check", "--port", &port.to_string()])).await;
    assert_one_line_error(&output, "cannot reach");
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test]
async fn a_roster_from_a_spreadsheet_is_graded_and_an_unreachable_server_is_the_same_row_everywhere()
 {
    let correct = TestServer::start(config()).await;
    let gone = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = crate::common::no_user_config().join("roster");
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("class.csv");
    let sheet = dir.join("grades.csv");
    // As Excel saves it in Indonesian settings; a name with an escape sequence in it.
    std::fs::write(
        &roster,
        format!(
            "\u{feff}Nama;Alamat IP;Port\r\nAni;127.0.0.1;{}\r\nBudi\u{1b}[2J;127.0.0.1;{gone}\r\n;;\r\n",
            correct.addr().port()
        ),
    )
    .unwrap();
    let table = finish_within(
        jamtui()
            .args(["check", "--roster"])
            .arg(&roster)
            .arg("--csv")
            .arg(&sheet),
        CHECK_TIME,
    )
    .await;
    assert_eq!(table.status.code(), Some(1), "{table:?}");
    let stdout = String::from_utf8_lossy(&table.stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].starts_with("Ani ") && lines[1].contains("14/14  100%  graded"),
        "{stdout}"
    );
    assert!(lines[2].starts_with("Budi\\x1b[2J"), "{stdout}");
    assert!(
        lines[2].contains("0/14    0%  unreachable  cannot reach"),
        "{stdout}"
    );
    assert!(
        lines.iter().all(|line| line.chars().count() <= 80),
        "{stdout}"
    );

    let written = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows.len(), 3, "{written}");
    assert!(
        rows[0].starts_with("name,host,port,status,checked_at,score,out_of,percent,reply,prompt,"),
        "{written}"
    );
    assert!(rows[1].starts_with("Ani,127.0.0.1,"), "{written}");
    assert!(
        rows[1].contains(",graded,") && rows[1].contains(",14,14,100.0,1,1,1,"),
        "{written}"
    );
    assert!(
        rows[2].contains(",unreachable,") && rows[2].contains(",0,14,0.0,0,0,0,"),
        "{written}"
    );
    assert!(
        rows[2].contains(&format!(",0,0,cannot reach 127.0.0.1:{gone}: ")),
        "{written}"
    );

    let json = finish_within(
        jamtui().args(["check", "--json", "--roster"]).arg(&roster),
        CHECK_TIME,
    )
    .await;
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object a line"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["name"], "Budi\u{1b}[2J");
    assert_eq!(rows[1]["status"], "unreachable");
    assert_eq!(
        (rows[1]["passed"].as_u64(), rows[1]["failed"].as_u64()),
        (Some(0), Some(14))
    );
    assert_eq!(rows[1]["checks"].as_array().map(Vec::len), Some(14));
    assert!(
        rows[1]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|check| check["judged"] == false)
    );
    assert!(rows[1]["note"].as_str().unwrap().contains("cannot reach"));
}

#[tokio::test]
async fn a_roster_row_without_a_port_is_checked_on_45000_and_said_so() {
    let dir = crate::common::no_user_config().join("roster-no-port");
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("class.csv");
    // A name that cannot resolve: the grade is quick, and says why.
    std::fs::write(&roster, "name,host\nCitra,no-such-host.invalid\n").unwrap();
    let output = finish_within(
        jamtui().args(["check", "--roster"]).arg(&roster),
        CHECK_TIME,
    )
    .await;
    let stderr = crate::common::stderr(&output);
    assert!(
        stderr.contains("note: 1 row of the roster names no port; it is checked on 45000 (Citra)"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("no-such-host.invalid:45000: the host is unknown"),
        "{stdout}"
    );
}

#[tokio::test]
async fn one_server_gets_a_sheet_too_and_excel_needs_the_sheet() {
    let server = TestServer::start(config()).await;
    let port = server.addr().port().to_string();
    let dir = crate::common::no_user_config().join("one-sheet");
    std::fs::create_dir_all(&dir).unwrap();
    let sheet = dir.join("grade.csv");
    let _ = std::fs::remove_file(&sheet);
    let output = finish_within(
        jamtui()
            .args(["check", "--port", &port, "--csv"])
            .arg(&sheet),
        CHECK_TIME,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let written = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows.len(), 2, "{written}");
    assert!(
        rows[1].starts_with(&format!("127.0.0.1,127.0.0.1,{port},graded,")),
        "{written}"
    );
    assert!(rows[1].contains(",14,14,100.0,"), "{written}");

    let refused = finish(jamtui().args(["check", "--port", &port, "--excel"])).await;
    assert_one_line_error(&refused, "--csv");
}
