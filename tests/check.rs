//! `jamtui check` against servers written here the way students write them: a correct one
//! (jamtui's own), one that reads one recv() as one request, one that serves one client at a
//! time, and one whose clock is frozen and whose replies end in a bare LF. Each rule's verdict
//! is asserted for each.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use common::{TestServer, assert_one_line_error, config, finish, finish_within, jamtui};
use jamtui::client::check::{RULES, check};

/// A whole check of a server that answers some rules with silence: well under a minute.
const CHECK_TIME: std::time::Duration = std::time::Duration::from_secs(40);

fn now_reply(line_end: &str) -> String {
    chrono::Utc::now()
        .format(&format!("JAM %H:%M:%S{line_end}"))
        .to_string()
}

/// Serves each client on its own thread with `serve`; returns the port.
fn threaded(serve: fn(std::net::TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    port
}

/// The assignment's reference server as most students write it: one recv() is one request.
fn one_recv_one_request(mut stream: std::net::TcpStream) {
    let mut buffer = [0u8; 1024];
    while let Ok(read) = stream.read(&mut buffer) {
        let answered = match &buffer[..read] {
            [] | b"QUIT\r\n" => return,
            b"TIME\r\n" => stream.write_all(now_reply("\r\n").as_bytes()),
            _ => Ok(()),
        };
        if answered.is_err() {
            return;
        }
    }
}

/// Frames lines correctly, replying `reply()` to TIME; closes on QUIT.
fn framed(stream: std::net::TcpStream, reply: impl Fn() -> String) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    for line in BufReader::new(stream).lines() {
        let answered = match line.as_deref().map(str::trim) {
            Ok("TIME") => writer.write_all(reply().as_bytes()),
            Ok("QUIT") | Err(_) => return,
            Ok(_) => Ok(()),
        };
        if answered.is_err() {
            return;
        }
    }
}

/// A server without threads: one client at a time, each until it leaves.
fn sequential() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            framed(stream, || now_reply("\r\n"));
        }
    });
    port
}

async fn verdicts(port: u16) -> BTreeMap<&'static str, bool> {
    let report = check("127.0.0.1", port)
        .await
        .expect("the server is reachable");
    assert_eq!(report.verdicts.len(), RULES.len());
    report
        .verdicts
        .iter()
        .map(|verdict| (verdict.id, verdict.passed))
        .collect()
}

/// Every rule passes but `failing`.
fn all_but(failing: &[&str]) -> BTreeMap<&'static str, bool> {
    RULES
        .iter()
        .map(|rule| (rule.id, !failing.contains(&rule.id)))
        .collect()
}

#[tokio::test]
async fn a_correct_server_passes_every_check() {
    let server = TestServer::start(config()).await;
    assert_eq!(verdicts(server.addr().port()).await, all_but(&[]));
}

#[tokio::test]
async fn one_recv_as_one_request_fails_the_byte_stream_checks() {
    let port = threaded(one_recv_one_request);
    assert_eq!(
        verdicts(port).await,
        all_but(&["split-request", "pipelined", "time-then-quit"])
    );
}

#[tokio::test]
async fn a_server_without_threads_fails_concurrency() {
    // Fifty clients that each leave after their reply are served in turn: only the client that
    // stays connected shows the missing threads.
    assert_eq!(verdicts(sequential()).await, all_but(&["concurrent"]));
}

#[tokio::test]
async fn a_frozen_clock_with_bare_lf_replies_fails_the_format_and_the_clock() {
    fn frozen(stream: std::net::TcpStream) {
        static STARTED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let reply = STARTED.get_or_init(|| now_reply("\n")).clone();
        framed(stream, move || reply.clone());
    }
    let port = threaded(frozen);
    assert_eq!(verdicts(port).await, all_but(&["reply", "clock-advances"]));
}

#[tokio::test]
async fn the_report_names_each_failure_with_a_hint_and_json_is_one_object() {
    let port = threaded(one_recv_one_request).to_string();
    let text = finish_within(jamtui().args(["check", "--port", &port]), CHECK_TIME).await;
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("FAIL  split-request"), "{stdout}");
    assert!(stdout.contains("TCP is a byte stream"), "{stdout}");
    assert!(stdout.contains("10 of 13 checks passed"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour off a terminal: {stdout}"
    );

    let json = finish_within(
        jamtui().args(["check", "--port", &port, "--json"]),
        CHECK_TIME,
    )
    .await;
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(10), Some(3))
    );
    assert_eq!(report["target"], format!("127.0.0.1:{port}"));
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
async fn a_roster_grades_a_whole_class_and_an_unreachable_server_is_a_row() {
    let correct = TestServer::start(config()).await;
    let naive = threaded(one_recv_one_request);
    let gone = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = common::no_user_config().join("roster");
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("class.csv");
    let sheet = dir.join("grades.csv");
    let _ = std::fs::remove_file(&sheet);
    std::fs::write(
        &roster,
        format!(
            "name,host,port\nAni,127.0.0.1,{}\nBudi,127.0.0.1,{naive}\nCitra,127.0.0.1,{gone}\n",
            correct.addr().port()
        ),
    )
    .unwrap();
    let output = finish_within(
        jamtui().args([
            "check",
            "--roster",
            roster.to_str().unwrap(),
            "--json",
            "--csv",
            sheet.to_str().unwrap(),
        ]),
        CHECK_TIME,
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object a line"))
        .collect();
    let names: Vec<&str> = rows.iter().filter_map(|row| row["name"].as_str()).collect();
    assert_eq!(names, ["Ani", "Budi", "Citra"]);
    assert_eq!(rows[0]["passed"], 13);
    assert_eq!(rows[1]["failed"], 3);
    assert!(
        rows[2]["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("reach")),
        "{}",
        rows[2]
    );
    let written = std::fs::read_to_string(&sheet).unwrap();
    assert_eq!(written.lines().count(), 4, "{written}");
    assert!(written.contains("Budi,127.0.0.1:"), "{written}");
}
