//! Hostile and faulty clients over real TCP: the server keeps serving everyone else, loses no
//! answer it owes, and keeps its books straight.

use std::time::Duration;

use crate::common::{Client, TestServer, WAIT, assert_time_reply, config};
use jamtui::server::Config;
use jamtui::server::{Event, GoneReason, Refusal};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn raise_fd_limit() {
    rlimit::increase_nofile_limit(u64::MAX).expect("raise the open-file limit");
}

#[tokio::test]
async fn slowloris_is_closed_by_the_idle_timeout_while_others_are_served() {
    let server = TestServer::start(Config {
        idle_timeout: Some(Duration::from_millis(600)),
        ..config()
    })
    .await;
    let mut slow = server.client().await;
    let trickle = tokio::spawn(async move {
        // One byte every 150 ms, never a whole line: bytes alone are not activity.
        for &byte in b"TIMETIMETIMETIMETIMETIMETIMETIMETIMETIME".iter() {
            if slow.stream.get_mut().write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        slow
    });
    let mut normal = server.client().await;
    for _ in 0..5 {
        normal.send(&b"TIME\r\n".repeat(200)).await;
        for _ in 0..200 {
            assert_time_reply(&normal.line().await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut slow = trickle.await.unwrap();
    assert_eq!(slow.line().await, "ERR idle timeout\r\n");
    slow.expect_closed().await;
}

#[tokio::test]
async fn a_flood_of_resets_and_silent_closes_leaves_the_server_serving_with_exact_counters() {
    raise_fd_limit();
    let server = TestServer::start(config()).await;
    let flood = 2000;

    // Connect and close without a byte: each is accepted, and leaves as "closed by client".
    let mut streams = Vec::new();
    for _ in 0..flood {
        streams.push(TcpStream::connect(server.addr()).await.unwrap());
    }
    server.wait_for_counters(|c| c.connections == flood).await;
    drop(streams);
    server.wait_for_counters(|c| c.active == 0).await;

    // Connect and reset (SO_LINGER 0): however many the kernel hands to accept, each leaves.
    let mut streams = Vec::new();
    for _ in 0..flood {
        let stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.set_zero_linger().unwrap();
        streams.push(stream);
    }
    drop(streams);
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.wait_for_counters(|c| c.active == 0).await;

    let mut client = server.client().await;
    client.ask_time().await;

    let counters = server.handle.counters();
    // The kernel may drop a reset connection before accept; every accepted one is counted.
    assert!(
        counters.connections > flood && counters.connections <= 2 * flood + 1,
        "{counters:?}"
    );
    assert_eq!(
        (counters.active, counters.requests, counters.errors),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn bad_bytes_get_the_answers_the_protocol_promises() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"\xc0\xafTIME\r\n").await;
    assert_eq!(client.line().await, "ERR request is not UTF-8\r\n");
    client.send(b"TI\0ME\r\n").await;
    assert_eq!(
        client.line().await,
        "ERR unknown request, expected TIME or QUIT\r\n"
    );
    // A line of only spaces is empty, so only the TIME after it is answered.
    client.send(&[b' '; 500]).await;
    client.send(b"\r\nTIME\r\n").await;
    assert_time_reply(&client.line().await);
    // CR without LF is not the end of a line.
    client.send(b"TIME\r\rTIME\r").await;
    client.expect_silence(Duration::from_millis(200)).await;
    client.send(b"\n").await;
    assert_time_reply(&client.line().await);
    // TIME in single bytes with pauses.
    for &byte in b"TIME\r\n" {
        client.send(&[byte]).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_time_reply(&client.line().await);

    // A 1 MiB line: refused, and the refusal arrives before the close.
    let mut huge = server.client().await;
    let (mut reader, mut writer) = huge.stream.into_inner().into_split();
    let sender = tokio::spawn(async move {
        let _ = writer.write_all(&vec![b'A'; 1 << 20]).await;
        writer
    });
    let mut reply = Vec::new();
    let read = tokio::time::timeout(
        WAIT,
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut reply),
    )
    .await
    .expect("the server closes in time");
    assert!(read.is_ok(), "closed with FIN, not reset: {read:?}");
    assert_eq!(reply, b"ERR line too long\r\n");
    drop(sender.await);
    huge = Client {
        stream: tokio::io::BufReader::new(TcpStream::connect(server.addr()).await.unwrap()),
    };
    huge.ask_time().await;
}

#[tokio::test]
async fn two_hundred_requests_held_by_a_pause_are_all_answered_on_resume() {
    raise_fd_limit();
    let server = TestServer::start(config()).await;
    let mut early = Vec::new();
    for _ in 0..100 {
        early.push(server.client().await);
    }
    server.wait_for_counters(|c| c.active == 100).await;
    server.handle.pause();
    // Half were accepted before the pause, half wait in the listen backlog.
    let mut late = Vec::new();
    for _ in 0..100 {
        late.push(server.client().await);
    }
    let mut clients: Vec<Client> = early.into_iter().chain(late).collect();
    for client in &mut clients {
        client.send(b"TIME\r\n").await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.handle.counters().requests, 0);
    server.handle.resume();
    for client in &mut clients {
        assert_time_reply(&client.line().await);
    }
    assert_eq!(server.handle.counters().requests, 200);
}

#[tokio::test]
async fn a_panic_in_one_connection_harms_no_other() {
    let server = TestServer::start(Config {
        panic_on: Some(b"PANIC\r\n".to_vec()),
        ..config()
    })
    .await;
    let mut events = server.handle.subscribe();
    let mut bystander = server.client().await;
    bystander.ask_time().await;

    let mut victim = server.client().await;
    victim.send(b"TIME\r\nPANIC\r\n").await;
    victim.expect_closed().await;
    server.wait_for_counters(|c| c.active == 1).await;
    loop {
        let event = tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap();
        if let Event::Gone { reason, .. } = event {
            assert!(
                matches!(reason, GoneReason::Error(ref why) if why.contains("failed")),
                "{reason:?}"
            );
            break;
        }
    }
    assert!(!server.task.is_finished());
    bystander.ask_time().await;
    let mut newcomer = server.client().await;
    newcomer.ask_time().await;
}

#[tokio::test]
async fn allow_closes_connections_from_other_networks_at_accept() {
    let strict = TestServer::start(Config {
        allow: vec!["10.0.0.0/8".parse().unwrap()],
        ..config()
    })
    .await;
    let mut events = strict.handle.subscribe();
    let mut stranger = strict.client().await;
    stranger.expect_closed().await;
    let counters = strict.handle.counters();
    assert_eq!(
        (counters.not_allowed, counters.busy, counters.connections),
        (1, 0, 0)
    );
    loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::Refused { refusal, .. } => {
                assert_eq!(refusal, Refusal::NotAllowed);
                break;
            }
            Event::Listening { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    let open = TestServer::start(Config {
        allow: vec![
            "10.0.0.0/8".parse().unwrap(),
            "127.0.0.0/8".parse().unwrap(),
        ],
        ..config()
    })
    .await;
    let mut local = open.client().await;
    local.ask_time().await;
}
