//! Teaching controls over real TCP: serving modes, the processing delay, and latency.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::{
    Client, TestServer, WAIT, assert_time_reply, config, seconds_of_day, sequential, turn_taken,
};
use chrono::Timelike;
use jamtui::server::Config;
use jamtui::server::Event;
use jamtui::server::Mode;

#[tokio::test]
async fn sequential_answers_the_second_client_only_after_the_first_leaves() {
    let (server, mut first) = turn_taken(sequential()).await;
    let mut second = server.client().await;
    second.send(b"TIME\r\n").await;
    second.expect_silence(Duration::from_millis(300)).await;
    let listed = server.handle.clients();
    assert_eq!(listed.iter().filter(|c| c.queued).count(), 1, "{listed:?}");
    // The first client is still served while the second waits.
    first.ask_time().await;
    first.quit().await;
    assert_time_reply(&second.line().await);
    assert!(server.handle.clients().iter().all(|c| !c.queued));
}

#[tokio::test]
async fn a_pool_of_two_makes_the_third_client_wait_until_one_leaves() {
    let server = TestServer::start(Config {
        mode: Mode::Pool(2),
        ..config()
    })
    .await;
    let mut a = server.client().await;
    let mut b = server.client().await;
    a.ask_time().await;
    b.ask_time().await;
    let mut c = server.client().await;
    c.send(b"TIME\r\n").await;
    c.expect_silence(Duration::from_millis(300)).await;
    b.quit().await;
    assert_time_reply(&c.line().await);
    a.ask_time().await;
}

#[tokio::test]
async fn with_a_delay_every_reply_takes_at_least_the_delay() {
    let delay = Duration::from_millis(300);
    let server = TestServer::start(Config { delay, ..config() }).await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    for _ in 0..3 {
        assert!(client.ask_time().await >= delay);
    }
    let latency = server.handle.clients()[0].last_latency.expect("a latency");
    assert!(latency >= delay, "{latency:?}");
    loop {
        let event = tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap();
        if let Event::Served { latency, .. } = event {
            assert!(latency >= delay, "{latency:?}");
            break;
        }
    }
    // The delay changes live.
    server.handle.set_delay(Duration::ZERO);
    assert!(client.ask_time().await < delay);
}

#[tokio::test]
async fn a_reply_made_after_a_delay_tells_the_time_after_the_delay() {
    let delay = Duration::from_millis(1500);
    let server = TestServer::start(Config { delay, ..config() }).await;
    let mut client = server.client().await;
    let sent = chrono::Utc::now();
    client.send(b"TIME\r\n").await;
    let reply = client.line().await;
    let received = chrono::Utc::now();
    assert_time_reply(&reply);
    let second_of_day =
        |at: chrono::DateTime<chrono::Utc>| i64::from(at.num_seconds_from_midnight());
    let told = seconds_of_day(&reply);
    // Not before the delay ended, and not after the reply came (midnight wraps around).
    let after_delay = (told - second_of_day(sent + delay)).rem_euclid(86_400);
    let before_received = (second_of_day(received) - told).rem_euclid(86_400);
    assert!(
        after_delay < 60 && before_received < 60,
        "{reply:?} sent {sent}, received {received}"
    );
}

#[tokio::test]
async fn a_client_queued_longer_than_the_idle_timeout_is_served_when_its_turn_comes() {
    let (server, mut first) = turn_taken(Config {
        idle_timeout: Some(Duration::from_millis(300)),
        ..sequential()
    })
    .await;
    let mut second = server.client().await;
    second.send(b"TIME\r\n").await;
    // The first client keeps talking while the second waits for twice the idle timeout.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        first.ask_time().await;
    }
    first.quit().await;
    assert_time_reply(&second.line().await);
    // Its request was read long ago, but its turn is activity: half the timeout later it is
    // still served.
    tokio::time::sleep(Duration::from_millis(150)).await;
    second.ask_time().await;
    second.quit().await;
}

/// Ten clients send TIME at once; each quits once answered. Returns when each reply came.
async fn ten_at_once(addr: SocketAddr) -> Vec<Duration> {
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..10 {
        let mut client = Client::connect(addr).await;
        client.send(b"TIME\r\n").await;
        clients.push(client);
    }
    let answered = clients.into_iter().map(|mut client| async move {
        let mut line = Vec::new();
        let read = tokio::time::timeout(
            Duration::from_secs(15),
            tokio::io::AsyncBufReadExt::read_until(&mut client.stream, b'\n', &mut line),
        )
        .await
        .expect("answered in time");
        assert!(read.unwrap() > 0);
        assert_time_reply(std::str::from_utf8(&line).unwrap());
        let at = started.elapsed();
        client.quit().await;
        at
    });
    futures_util::future::join_all(answered).await
}

#[tokio::test]
async fn concurrency_shows_ten_clients_take_one_delay_at_once_and_ten_in_turn() {
    let delay = Duration::from_millis(500);
    let concurrent = TestServer::start(Config { delay, ..config() }).await;
    let sequential = TestServer::start(Config {
        delay,
        ..sequential()
    })
    .await;
    let at_once = ten_at_once(concurrent.addr()).await;
    let in_turn = ten_at_once(sequential.addr()).await;
    let slowest = |times: &[Duration]| times.iter().max().copied().unwrap();
    assert!(at_once.iter().all(|&t| t >= delay), "{at_once:?}");
    assert!(slowest(&in_turn) >= delay * 10, "{in_turn:?}");
    assert!(
        slowest(&at_once) < slowest(&in_turn),
        "{at_once:?} vs {in_turn:?}"
    );
    // In turn, each client waits one more delay than the one before it.
    let mut sorted = in_turn.clone();
    sorted.sort();
    for (index, &t) in sorted.iter().enumerate() {
        assert!(t >= delay * (index as u32 + 1), "{sorted:?}");
    }
}

#[tokio::test]
async fn switching_modes_under_load_loses_no_request() {
    let server = TestServer::start(config()).await;
    let addr = server.addr();
    let workers: Vec<_> = (0..10)
        .map(|_| {
            tokio::spawn(async move {
                for _ in 0..20 {
                    let mut client = Client::connect(addr).await;
                    client.ask_time().await;
                    client.quit().await;
                }
            })
        })
        .collect();
    let handle = server.handle.clone();
    let switching = tokio::spawn(async move {
        for mode in [Mode::Sequential, Mode::Pool(3), Mode::Concurrent]
            .iter()
            .cycle()
            .take(30)
        {
            handle.set_mode(*mode);
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        handle.set_mode(Mode::Concurrent);
    });
    for worker in workers {
        tokio::time::timeout(Duration::from_secs(20), worker)
            .await
            .expect("every client finishes")
            .unwrap();
    }
    switching.await.unwrap();
    server.wait_for_counters(|c| c.active == 0).await;
    let counters = server.handle.counters();
    assert_eq!((counters.connections, counters.requests), (200, 200));
    assert_eq!(server.handle.mode(), Mode::Concurrent);
}
