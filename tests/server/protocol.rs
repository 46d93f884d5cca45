//! Every rule of docs/PROTOCOL.md, over real TCP on loopback.

use std::time::Duration;

use crate::common::{
    Client, TestServer, assert_time_reply, config, seconds_of_day, write_on_a_task,
};
use chrono::{Timelike, Utc};
use jamtui::server::Config;

const UNKNOWN: &str = "ERR unknown request, expected TIME or QUIT\r\n";
const NOT_UTF8: &str = "ERR request is not UTF-8\r\n";

#[tokio::test]
async fn time_is_answered_with_the_current_time_in_the_zone() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME\r\n").await;
    let reply = client.line().await;
    assert_time_reply(&reply);
    let now = Utc::now();
    let expected = i64::from(now.num_seconds_from_midnight());
    let drift = (seconds_of_day(&reply) - expected).rem_euclid(86_400);
    assert!(drift <= 2 || drift >= 86_398, "{reply:?} vs {now}");
}

#[tokio::test]
async fn tz_sets_the_zone_of_the_reply() {
    let utc = TestServer::start(config()).await;
    let jakarta = TestServer::start(Config {
        zone: "Asia/Jakarta".parse().unwrap(),
        ..config()
    })
    .await;
    let (mut a, mut b) = (utc.client().await, jakarta.client().await);
    a.send(b"TIME\r\n").await;
    b.send(b"TIME\r\n").await;
    let (a, b) = (a.line().await, b.line().await);
    // Jakarta is UTC+7 all year; allow one second between the two replies.
    let gap = (seconds_of_day(&b) - seconds_of_day(&a)).rem_euclid(86_400);
    assert!((7 * 3600..=7 * 3600 + 1).contains(&gap), "{a:?} {b:?}");
}

#[tokio::test]
async fn a_bare_lf_ends_a_line_and_replies_still_end_in_crlf() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME\n").await;
    let reply = client.line().await;
    assert!(reply.ends_with("\r\n"));
    assert_time_reply(&reply);
}

#[tokio::test]
async fn a_request_sent_one_byte_at_a_time_is_answered_once() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    for &byte in b"TIME\r\n" {
        client.send(&[byte]).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_time_reply(&client.line().await);
    client.quit().await;
}

#[tokio::test]
async fn a_thousand_pipelined_requests_in_one_write_are_answered_in_order() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    let kinds = [
        (&b"TIME\r\n"[..], Some("JAM ")),
        (b"nope\r\n", Some(UNKNOWN)),
        (b"\r\n", None),
        (b"\xff\xfe\n", Some(NOT_UTF8)),
        (b"time please\n", Some("JAM ")),
    ];
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    for i in 0..1000 {
        let (request, reply) = kinds[(i * 7 + i / 3) % kinds.len()];
        stream.extend_from_slice(request);
        expected.extend(reply);
    }
    stream.extend_from_slice(b"QUIT\r\n");
    client.send(&stream).await;
    for (index, want) in expected.iter().enumerate() {
        let line = client.line().await;
        assert!(
            line.starts_with(want),
            "reply {index}: {line:?}, wanted {want:?}"
        );
        if want.starts_with("JAM") {
            assert_time_reply(&line);
        }
    }
    client.expect_closed().await;
}

#[tokio::test]
async fn the_command_word_is_case_insensitive_and_may_be_followed_by_anything() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    for request in [
        "time",
        "TiMe",
        "   TIME   ",
        "\tTIME",
        "TIME anything at all",
        "TIME\tx",
    ] {
        client.send(format!("{request}\r\n").as_bytes()).await;
        assert_time_reply(&client.line().await);
    }
}

#[tokio::test]
async fn quit_answers_earlier_requests_then_closes_without_a_reply() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME\r\nTIME\r\nquit\r\nTIME\r\n").await;
    assert_time_reply(&client.line().await);
    assert_time_reply(&client.line().await);
    client.expect_closed().await;
}

#[tokio::test]
async fn empty_lines_are_ignored() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"\r\n\n   \r\nTIME\r\n\r\nQUIT\r\n").await;
    assert_time_reply(&client.line().await);
    client.expect_closed().await;
}

#[tokio::test]
async fn an_unknown_request_gets_an_error_and_the_connection_stays_open() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    for request in ["HELLO", "TIMES", "xTIME", "TIME\0", "\0"] {
        client.send(format!("{request}\r\n").as_bytes()).await;
        assert_eq!(client.line().await, UNKNOWN, "{request:?}");
    }
    client.ask_time().await;
}

#[tokio::test]
async fn bytes_that_are_not_utf8_get_their_own_error() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME \xc3\x28\r\n").await;
    assert_eq!(client.line().await, NOT_UTF8);
    client.ask_time().await;
}

#[tokio::test]
async fn a_lone_cr_does_not_end_a_line() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME\r").await;
    client.expect_silence(Duration::from_millis(200)).await;
    client.send(b"\n").await;
    assert_time_reply(&client.line().await);
}

#[tokio::test]
async fn a_line_over_max_line_is_refused_and_closed() {
    let server = TestServer::start(Config {
        max_line: 16,
        ..config()
    })
    .await;
    let mut client = server.client().await;
    // Exactly the limit is fine.
    client.send(b"TIME            \r\n").await;
    assert_time_reply(&client.line().await);
    client.send(b"TIME             \r\n").await;
    assert_eq!(client.line().await, "ERR line too long\r\n");
    client.expect_closed().await;
}

#[tokio::test]
async fn an_endless_line_is_refused_before_it_ends() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(&[b'x'; 2000]).await;
    assert_eq!(client.line().await, "ERR line too long\r\n");
    client.expect_closed().await;
}

#[tokio::test]
async fn past_max_clients_a_connection_is_told_busy_and_a_slot_frees_when_one_leaves() {
    let server = TestServer::start(Config {
        max_clients: 2,
        ..config()
    })
    .await;
    let mut first = server.client().await;
    let mut second = server.client().await;
    for client in [&mut first, &mut second] {
        client.ask_time().await;
    }
    let mut third = server.client().await;
    assert_eq!(third.line().await, "ERR server busy, try again later\r\n");
    third.expect_closed().await;
    assert_eq!(server.handle.counters().busy, 1);

    first.quit().await;
    server.wait_for_counters(|c| c.active == 1).await;
    let mut fourth = server.client().await;
    fourth.ask_time().await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_idle_timeout() {
    let server = TestServer::start(Config {
        idle_timeout: Some(Duration::from_millis(300)),
        ..config()
    })
    .await;
    let mut silent = server.client().await;
    let mut chatty = server.client().await;
    // The chatty client talks every 100 ms for longer than the timeout and is never closed.
    for _ in 0..8 {
        chatty.ask_time().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(silent.line().await, "ERR idle timeout\r\n");
    silent.expect_closed().await;
    // An incomplete line is silence too once nothing more arrives.
    let mut partial = server.client().await;
    partial.send(b"TI").await;
    assert_eq!(partial.line().await, "ERR idle timeout\r\n");
    partial.expect_closed().await;
}

#[tokio::test]
async fn idle_timeout_none_never_closes() {
    let server = TestServer::start(Config {
        idle_timeout: None,
        ..config()
    })
    .await;
    let mut client = server.client().await;
    client.expect_silence(Duration::from_millis(500)).await;
    client.ask_time().await;
}

#[tokio::test]
async fn half_close_still_gets_the_reply() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"TIME\r\nTIME\r\n").await;
    tokio::io::AsyncWriteExt::shutdown(client.stream.get_mut())
        .await
        .unwrap();
    assert_time_reply(&client.line().await);
    assert_time_reply(&client.line().await);
    client.expect_closed().await;
}

#[tokio::test]
async fn a_client_that_never_reads_is_throttled_and_others_are_unaffected() {
    let server = TestServer::start(config()).await;
    let mut hog = server.client().await;
    let chunk = b"TIME\r\n".repeat(10_000);
    // Once the server stops reading, the kernel buffers fill and writes stop completing.
    let mut written = 0usize;
    loop {
        let write = tokio::io::AsyncWriteExt::write_all(hog.stream.get_mut(), &chunk);
        match tokio::time::timeout(Duration::from_millis(500), write).await {
            Ok(Ok(())) => written += chunk.len(),
            Ok(Err(error)) => panic!("write failed: {error}"),
            Err(_) => break,
        }
        assert!(
            written < 256 << 20,
            "the server kept reading {written} bytes from a client that never reads"
        );
    }
    let mut other = server.client().await;
    for _ in 0..10 {
        other.ask_time().await;
    }
}

#[tokio::test]
async fn many_clients_are_served_at_once() {
    let server = TestServer::start(config()).await;
    let mut clients = Vec::new();
    for _ in 0..300 {
        clients.push(server.client().await);
    }
    server.wait_for_counters(|c| c.active == 300).await;
    for client in &mut clients {
        client.send(b"TIME\r\n").await;
    }
    for client in &mut clients {
        assert_time_reply(&client.line().await);
    }
}

#[tokio::test]
async fn ipv6_loopback_is_served() {
    // Skipped only when asked: a machine without IPv6 must not pass this test silently.
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        assert!(
            std::env::var_os("JAMTUI_TESTS_WITHOUT_IPV6").is_some(),
            "no IPv6 loopback here: set JAMTUI_TESTS_WITHOUT_IPV6=1 to skip this test knowingly"
        );
        return;
    }
    let server = TestServer::start(Config {
        addr: "[::1]:0".parse().unwrap(),
        ..config()
    })
    .await;
    assert!(server.addr().is_ipv6());
    let mut client = Client::connect(server.addr()).await;
    client.ask_time().await;
}

/// What a client sends after QUIT is read and dropped while the server closes: closing with it
/// unread would send a reset, and a reset throws away the replies still on their way (here held
/// up by the client's small receive buffer).
#[tokio::test]
async fn replies_before_quit_survive_bytes_sent_after_it() {
    use tokio::io::AsyncReadExt;

    const REQUESTS: usize = 500;
    let server = TestServer::start(config()).await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr()).await.unwrap();
    let (mut reading, writing) = stream.into_split();
    let mut sent = b"TIME\r\n".repeat(REQUESTS);
    sent.extend_from_slice(b"QUIT\r\n");
    sent.extend(std::iter::repeat_n(b'x', 16 * 1024));
    // The server may close before taking all of it; that is not what is tested.
    let writer = write_on_a_task(writing, sent);
    // The server answers and begins to close before the client reads anything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut received = Vec::new();
    tokio::time::timeout(crate::common::WAIT, reading.read_to_end(&mut received))
        .await
        .expect("the server closes within its linger")
        .expect("a clean close, not a reset");
    drop(writer);
    let received = String::from_utf8(received).unwrap();
    let replies: Vec<&str> = received.split_inclusive("\r\n").collect();
    assert_eq!(replies.len(), REQUESTS, "{received}");
    replies.into_iter().for_each(assert_time_reply);
}

#[tokio::test]
async fn a_second_server_on_a_port_in_use_is_refused_with_what_to_do() {
    let first = TestServer::start(config()).await;
    let second = jamtui::server::Server::bind(Config {
        addr: first.addr(),
        ..config()
    })
    .await;
    let Err(error) = second else {
        panic!("a second server bound a port in use");
    };
    assert!(
        matches!(error, jamtui::server::BindError::InUse { port, .. } if port == first.addr().port()),
        "{error}"
    );
    assert!(
        error.to_string().contains("choose another with --port N"),
        "{error}"
    );
    // The first still serves.
    let mut client = first.client().await;
    client.ask_time().await;
}
