//! Robustness of the real binary: memory under a client that never reads, and SIGTERM under load.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{Client, WAIT, assert_time_reply};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Child;
use tokio::time::timeout;

/// `jamtui --headless --quiet` on an ephemeral loopback port.
async fn start_server() -> (Child, u16) {
    let mut child = crate::common::jamtui()
        .args([
            "--headless",
            "--quiet",
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = timeout(WAIT, log.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let port = first
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("the first line names the address: {first}"));
    // Keep reading the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
    (child, port)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

#[tokio::test]
async fn a_client_that_pipelines_forever_and_never_reads_cannot_grow_the_server() {
    let (child, port) = start_server().await;
    let pid = child.id().unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut normal = Client::connect(addr).await;
    normal.ask_time().await;
    let before = rss_kib(pid);

    let mut hog = TcpStream::connect(addr).await.unwrap();
    let chunk = b"TIME\r\n".repeat(10_000);
    let mut written = 0usize;
    let pushing = async {
        loop {
            hog.write_all(&chunk).await.unwrap();
            written += chunk.len();
        }
    };
    // Push for two seconds; writes stop completing once the server stops reading.
    let _ = timeout(Duration::from_secs(2), pushing).await;
    for _ in 0..100 {
        normal.ask_time().await;
    }
    let after = rss_kib(pid);
    println!("RSS before {before} KiB, after {after} KiB; the hog wrote {written} bytes");
    assert!(
        after < before + 16 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    assert!(
        written < 64 << 20,
        "the server kept reading: {written} bytes"
    );
}

#[tokio::test]
async fn sigterm_under_load_ends_every_conversation_on_a_whole_reply_and_exits_0() {
    let (mut child, port) = start_server().await;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut clients = Vec::new();
    for _ in 0..50 {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        // Each client keeps 100 requests in flight until the server goes away.
        let writing = tokio::spawn(async move {
            let batch = b"TIME\r\n".repeat(100);
            while writer.write_all(&batch).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        let reading = tokio::spawn(async move {
            let mut replies = Vec::new();
            let ended = timeout(WAIT, reader.read_to_end(&mut replies)).await;
            (ended.expect("the server closes in time").is_ok(), replies)
        });
        clients.push((writing, reading));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    // Bounded, not timed: the code's own bounds add up to 1.7 s, and a loaded machine adds its
    // delays on top (a 2 s bound failed one run in two with the tests in parallel).
    let status = timeout(WAIT, child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let mut total = 0;
    for (writing, reading) in clients {
        let (clean, replies) = reading.await.unwrap();
        writing.abort();
        assert!(clean, "closed with FIN after the last reply, not reset");
        assert!(
            replies.ends_with(b"\r\n"),
            "the stream ends on a whole reply"
        );
        for line in replies.split_inclusive(|&b| b == b'\n') {
            assert_time_reply(std::str::from_utf8(line).unwrap());
        }
        total += replies.len() / 14;
    }
    assert!(
        total >= 50 * 100,
        "every client got replies before the end: {total}"
    );
}
