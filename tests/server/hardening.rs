//! Defects found by trying to break jamtui as a hostile student or a careless lecturer would,
//! each proved fixed here: over real TCP, or with the real binary.

use std::time::Duration;

use crate::common::{
    Client, TestServer, WAIT, answering_with, assert_one_line_error, assert_time_reply, config,
    finish, jamtui, student_server,
};
use jamtui::server::{
    CLIENT_REQUEST_EVENTS_PER_SECOND, Config, Event, QUEUED_READ_TOTAL, REFUSAL_EVENTS_PER_SECOND,
    REQUEST_EVENTS_PER_SECOND,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::timeout;

#[tokio::test]
async fn durations_and_counts_out_of_range_are_one_line_errors_not_panics() {
    for (args, needle) in [
        (&["--idle-timeout", "1e19"][..], "--idle-timeout"),
        (&["--delay", "400000000000years"], "--delay"),
        (&["--demo", "100000"], "--demo"),
        (&["client", "--interval", "400000000000years"], "--interval"),
        (&["client", "--timeout", "0"], "--timeout"),
        (&["bench", "--duration", "1e19"], "--duration"),
        (&["bench", "--hold", "10000000"], "--hold"),
    ] {
        let output = finish(jamtui().args(args)).await;
        assert_one_line_error(&output, needle);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[tokio::test]
async fn a_huge_idle_timeout_in_the_config_file_is_refused_too() {
    let dir = crate::common::no_user_config().join("huge-idle");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, "idle-timeout = \"1e19\"\n").unwrap();
    let output = finish(jamtui().args(["--headless", "--config", file.to_str().unwrap()])).await;
    assert_one_line_error(&output, "'idle-timeout'");
}

#[tokio::test]
async fn a_server_built_with_the_longest_idle_timeout_still_serves() {
    let server = TestServer::start(Config {
        idle_timeout: Some(Duration::MAX),
        ..config()
    })
    .await;
    let mut client = server.client().await;
    // Silent first, for longer than the idle sweeper's longest period (1 s): a timeout too long
    // to count never fires.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.ask_time().await;
    let mut second = server.client().await;
    second.ask_time().await;
}

#[tokio::test]
async fn a_servers_error_text_never_reaches_the_terminal_raw() {
    // Retitles the terminal and clears it, if printed raw.
    let hostile = b"ERR \x1b]0;pwned\x07\x1b[2J\r\n";
    let port = answering_with(hostile).await.to_string();
    let client = finish(jamtui().args(["client", "--port", &port, "--count", "1"])).await;
    assert_one_line_error(&client, r"\x1b]0;pwned\x07\x1b[2J");
    let bench = finish(jamtui().args([
        "bench",
        "--port",
        &port,
        "--connections",
        "1",
        "--duration",
        "200ms",
    ]))
    .await;
    for output in [&client.stdout, &client.stderr, &bench.stdout, &bench.stderr] {
        assert!(
            !output.contains(&0x1b),
            "{}",
            String::from_utf8_lossy(output)
        );
    }
    assert!(
        String::from_utf8_lossy(&bench.stdout).contains(r"\x1b[2J"),
        "{bench:?}"
    );
}

#[tokio::test]
async fn bench_gives_up_on_a_server_that_never_ends_a_line() {
    let port = student_server(|mut stream| async move {
        let endless = [b'x'; 64 * 1024];
        while stream.write_all(&endless).await.is_ok() {}
    })
    .await
    .to_string();
    let output = finish(jamtui().args([
        "bench",
        "--port",
        &port,
        "--connections",
        "1",
        "--duration",
        "500ms",
    ]))
    .await;
    assert_one_line_error(&output, "no line end");
}

/// Counts the request events a watcher sees (or is told it missed) while `flood` runs, and how
/// long the flood took, in whole seconds rounded up.
async fn request_events_during(
    server: &TestServer,
    flood: impl Future<Output = ()>,
) -> (u64, u64, u64) {
    let mut events = server.handle.subscribe();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = tokio::spawn(async move {
        let (mut served, mut missed) = (0, 0);
        loop {
            let event = tokio::select! {
                biased;
                _ = &mut stopped => break,
                event = events.recv() => event,
            };
            match event {
                Ok(Event::Served { .. }) => served += 1,
                Err(RecvError::Lagged(n)) => missed += n,
                Err(RecvError::Closed) => break,
                Ok(_) => {}
            }
        }
        (served, missed)
    });
    let started = std::time::Instant::now();
    flood.await;
    let seconds = started.elapsed().as_secs() + 1;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(()).unwrap();
    let (served, missed) = timeout(WAIT, watcher).await.unwrap().unwrap();
    (served, missed, seconds)
}

/// No more request events than the budget allows, and none missed by a watcher that keeps up.
fn assert_within_budget((served, missed, seconds): (u64, u64, u64)) {
    // A budget second may begin just before the flood and end just after it.
    let most = REQUEST_EVENTS_PER_SECOND * (seconds + 1);
    assert!(
        served + missed <= most,
        "{served} + {missed} events in {seconds} s"
    );
    assert_eq!(missed, 0, "the log would have fallen behind");
}

#[tokio::test]
async fn the_request_event_budget_holds_for_batches_ending_in_quit_and_for_empty_lines() {
    let server = TestServer::start(config()).await;
    let addr = server.addr();
    let quitting = async {
        let mut clients = Vec::new();
        for _ in 0..100 {
            clients.push(tokio::spawn(async move {
                let mut client = Client::connect(addr).await;
                let mut burst = b"TIME\n".repeat(800);
                burst.extend_from_slice(b"QUIT\n");
                client.send(&burst).await;
                client.expect_closed_after_lines(800).await;
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
    };
    assert_within_budget(request_events_during(&server, quitting).await);

    let empty_lines = async {
        let mut client = server.client().await;
        client.send(&b"\n".repeat(100_000)).await;
        client.send(b"TIME\n").await;
        assert_time_reply(&client.line().await);
    };
    assert_within_budget(request_events_during(&server, empty_lines).await);
}

#[tokio::test]
async fn refusals_by_allow_are_counted_apart_and_their_events_rate_limited() {
    let server = TestServer::start(Config {
        allow: vec!["10.0.0.0/8".parse().unwrap()],
        ..config()
    })
    .await;
    let mut events = server.handle.subscribe();
    let strangers = 1000;
    for _ in 0..strangers {
        let mut stranger = server.client().await;
        stranger.expect_closed().await;
    }
    server
        .wait_for_counters(|c| c.not_allowed == strangers)
        .await;
    let counters = server.handle.counters();
    assert_eq!((counters.busy, counters.connections), (0, 0));
    let mut published = 0;
    while let Ok(event) = events.try_recv() {
        published += u64::from(matches!(event, Event::Refused { .. }));
    }
    let seconds = server.handle.uptime().as_secs() + 1;
    assert!(
        published <= REFUSAL_EVENTS_PER_SECOND * (seconds + 1),
        "{published} refusals published in {seconds} s"
    );
}

#[tokio::test]
async fn the_zone_shown_is_the_zone_answered_when_tz_sets_it() {
    let mut server = jamtui()
        .env("TZ", "Asia/Jakarta")
        .args(["--headless", "--bind", "127.0.0.1", "--port", "0"])
        .spawn()
        .unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap()).lines();
    let first = timeout(WAIT, log.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        first.contains("answering TIME in Asia/Jakarta time"),
        "{first}"
    );
    let port: u16 = first
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|port| port.parse().ok())
        .expect("the port in the first line");
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.send(b"TIME\r\n").await;
    let reply = client.line().await;
    // Jakarta is UTC+7 all year.
    let jakarta = (chrono::Utc::now() + chrono::Duration::hours(7)).format("%H:%M:%S");
    let told = crate::common::seconds_of_day(&reply);
    let expected = crate::common::seconds_of_day(&format!("JAM {jakarta}\r\n"));
    let apart = (told - expected)
        .rem_euclid(86_400)
        .min((expected - told).rem_euclid(86_400));
    assert!(apart <= 2, "{reply:?} is not Jakarta time ({jakarta})");
    let _ = server.start_kill();
}

#[tokio::test]
async fn zone_names_are_taken_in_any_case() {
    for zone in ["utc", "asia/jakarta"] {
        let output = finish(jamtui().args(["--headless", "--tz", zone, "--port", "70000"])).await;
        // Past the zone, the port is what is wrong.
        assert_one_line_error(&output, "70000");
    }
}

#[tokio::test]
async fn queued_clients_read_ahead_is_bounded_in_total() {
    let (server, first) = crate::common::turn_taken(crate::common::sequential()).await;
    // Each queued client sends more than one client may have read ahead (64 KiB), and together
    // they send more than all of them may.
    let queued = 300;
    let per_client = 100 * 1024;
    let addr = server.addr();
    let mut clients = Vec::new();
    for _ in 0..queued {
        clients.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await;
            client.send(&b"TIME\r\n".repeat(per_client / 6)).await;
            client
        }));
    }
    let mut held = Vec::new();
    for client in clients {
        held.push(client.await.unwrap());
    }
    // Wait until the server has read what it will.
    let mut last = usize::MAX;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = server.handle.queued_read_ahead();
        if now == last {
            break;
        }
        last = now;
    }
    assert!(last > 0, "queued clients are read ahead");
    assert!(
        last <= QUEUED_READ_TOTAL + (1 << 20),
        "{last} bytes read ahead from {queued} queued clients"
    );
    drop(held);
    first.quit().await;
    server.wait_for_counters(|c| c.active == 0).await;
    assert_eq!(server.handle.queued_read_ahead(), 0);
}

#[tokio::test]
async fn export_on_exit_is_refused_where_it_cannot_work() {
    let output = finish(jamtui().args(["--headless", "--export-on-exit", "clients.csv"])).await;
    assert_one_line_error(&output, "--headless");
    assert!(!std::path::Path::new("clients.csv").exists());
}

#[cfg(unix)]
#[tokio::test]
async fn a_log_file_planted_as_a_symbolic_link_is_refused() {
    let dir = crate::common::no_user_config().join("planted-log");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let planted = dir.join("server.log");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let output = finish(jamtui().args([
        "--headless",
        "--port",
        "0",
        "--log-file",
        planted.to_str().unwrap(),
    ]))
    .await;
    assert_one_line_error(&output, "symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

/// One client sends `requests` TIMEs at once and reads every answer; then, within 2.5 s (no
/// request after the burst, so any summary must come by itself), how many of them the watcher
/// saw as `Served` and how many as summed up in `Skipped`.
async fn burst_of_requests(
    server: &TestServer,
    events: &mut jamtui::server::Subscription,
    requests: usize,
) -> (u64, u64) {
    let mut client = server.client().await;
    client.send(&b"TIME\r\n".repeat(requests)).await;
    for _ in 0..requests {
        client.line().await;
    }
    let (mut served, mut skipped) = (0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(2500);
    while served + skipped < requests as u64 {
        let Ok(event) = tokio::time::timeout_at(deadline, events.recv()).await else {
            break;
        };
        match event.expect("the watcher keeps up") {
            Event::Served { .. } => served += 1,
            Event::Skipped {
                what: jamtui::server::Unpublished::Requests,
                skipped: n,
                ..
            } => skipped += n,
            _ => {}
        }
    }
    (served, skipped)
}

#[tokio::test]
async fn one_client_publishes_at_most_its_own_budget_of_request_events_a_second() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    // Far below the server's budget, far above one client's.
    let requests = 1000;
    let (served, skipped) = burst_of_requests(&server, &mut events, requests).await;
    // The burst may straddle two seconds: two of the client's budgets at most.
    assert!(
        served <= 2 * CLIENT_REQUEST_EVENTS_PER_SECOND,
        "{served} logged"
    );
    assert_eq!(
        served + skipped,
        requests as u64,
        "{served} logged, {skipped} summed up"
    );
}

#[tokio::test]
async fn a_client_over_its_budget_publishes_its_requests_again_the_next_second() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    let requests = 3 * CLIENT_REQUEST_EVENTS_PER_SECOND as usize;
    client.send(&b"TIME\r\n".repeat(requests)).await;
    for _ in 0..requests {
        client.line().await;
    }
    // A whole second later the client's budget is back: its next request is published.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    while tokio::time::timeout(Duration::from_millis(50), events.recv())
        .await
        .is_ok()
    {}
    client.ask_time().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the request after the second turned is published")
            .expect("the watcher keeps up");
        if matches!(event, Event::Served { .. }) {
            break;
        }
    }
}

#[tokio::test]
async fn every_request_is_logged_or_counted_in_a_summary_that_comes_within_seconds() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let requests = 20_000;
    let (served, skipped) = burst_of_requests(&server, &mut events, requests).await;
    assert!(skipped > 0, "20,000 requests at once exceed the budget");
    assert_eq!(
        served + skipped,
        requests as u64,
        "{served} logged, {skipped} summed up"
    );
}

#[tokio::test]
async fn a_flood_of_connections_is_logged_within_a_budget_and_the_rest_summed_up() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let connections = 3 * jamtui::server::CONNECTION_EVENTS_PER_SECOND;
    for _ in 0..connections {
        // Connect and close at once, as fast as the loop goes: well over the budget a second.
        drop(
            tokio::net::TcpStream::connect(server.addr())
                .await
                .expect("connects"),
        );
    }
    let (mut connected, mut gone, mut skipped) = (0, 0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while connected + skipped < connections || gone < connected {
        let Ok(event) = tokio::time::timeout_at(deadline, events.recv()).await else {
            break;
        };
        match event.expect("the watcher keeps up") {
            Event::Connected { .. } => connected += 1,
            Event::Gone { .. } => gone += 1,
            Event::Skipped {
                what: jamtui::server::Unpublished::Connections,
                skipped: n,
                limit,
            } => {
                assert_eq!(limit, jamtui::server::CONNECTION_EVENTS_PER_SECOND);
                skipped += n;
            }
            _ => {}
        }
    }
    assert!(
        skipped > 0,
        "{connections} connections at once exceed the budget"
    );
    assert_eq!(
        connected + skipped,
        connections,
        "{connected} logged, {skipped} summed up"
    );
    assert_eq!(
        gone, connected,
        "each connection logged is logged closing too"
    );
    server.wait_for_counters(|c| c.active == 0).await;
    assert_eq!(server.handle.counters().connections, connections);
}
