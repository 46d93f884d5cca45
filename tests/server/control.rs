//! The control handle over real TCP: pause, resume, kick, shutdown, events and counters.

use std::time::Duration;

use crate::common::{
    TestServer, WAIT, assert_time_reply, config, sequential, turn_taken, write_on_a_task,
};
use jamtui::server::Config;
use jamtui::server::{Event, GoneReason, Reply, Unpublished};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::timeout;

async fn next_event(events: &mut broadcast::Receiver<Event>) -> Event {
    timeout(WAIT, events.recv())
        .await
        .expect("an event in time")
        .expect("the event stream is open")
}

/// Events up to the first that matches `last`, keeping those that match `kept`.
async fn events_until(
    events: &mut broadcast::Receiver<Event>,
    last: impl Fn(&Event) -> bool,
    kept: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let mut found = Vec::new();
    loop {
        let event = next_event(events).await;
        let done = last(&event);
        if kept(&event) {
            found.push(event);
        }
        if done {
            return found;
        }
    }
}

/// Skips events until one matches.
async fn wait_event(
    events: &mut broadcast::Receiver<Event>,
    wanted: impl Fn(&Event) -> bool,
) -> Event {
    let mut found = events_until(events, &wanted, &wanted).await;
    found.pop().expect("the event that matched")
}

#[tokio::test]
async fn events_tell_the_story_of_a_connection() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    client.send(b"TIME\r\nbad\r\nQUIT\r\n").await;
    let reply = client.line().await;
    client.line().await;
    client.expect_closed().await;

    let Event::Connected { id, peer } =
        wait_event(&mut events, |e| !matches!(e, Event::Listening { .. })).await
    else {
        panic!("expected Connected first");
    };
    assert_eq!(peer, client.stream.get_ref().local_addr().unwrap());
    match next_event(&mut events).await {
        Event::Served {
            id: served,
            request,
            reply: Reply::Time(bytes),
            ..
        } => {
            assert_eq!((served, &request.head[..]), (id, &b"TIME\r\n"[..]));
            assert_eq!(&bytes[..], reply.as_bytes());
        }
        other => panic!("expected the TIME to be served, got {other:?}"),
    }
    assert!(matches!(
        next_event(&mut events).await,
        Event::Served {
            reply: Reply::Error(jamtui::protocol::ErrorReply::UnknownRequest),
            ..
        }
    ));
    assert!(matches!(
        next_event(&mut events).await,
        Event::Served { reply: Reply::Nothing, ref request, .. } if &request.head[..] == b"QUIT\r\n"
    ));
    match next_event(&mut events).await {
        Event::Gone {
            id: gone, reason, ..
        } => assert_eq!((gone, reason), (id, GoneReason::Quit)),
        other => panic!("expected Gone, got {other:?}"),
    }
}

/// Waits until the one client listed satisfies `condition`; returns it.
async fn wait_for_client(
    server: &TestServer,
    condition: impl Fn(&jamtui::server::ClientInfo) -> bool,
) -> jamtui::server::ClientInfo {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let clients = server.handle.clients();
        if let [client] = clients.as_slice()
            && condition(client)
        {
            return client.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "{clients:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_line_without_its_end_is_listed_until_it_ends_and_only_replies_have_a_latency() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    // An empty line, like QUIT, gets no reply: no latency is measured for it.
    client.send(b"\r\n").await;
    client.send(b"TIME").await;
    let waiting = wait_for_client(&server, |c| c.unterminated.is_some()).await;
    let line = waiting.unterminated.clone().unwrap();
    assert_eq!((line.head.as_slice(), line.len), (&b"TIME"[..], 4));
    assert_eq!(waiting.last_latency, None, "{waiting:?}");
    client.send(b"\r\nHELLO WORLD").await;
    assert_time_reply(&client.line().await);
    let waiting = wait_for_client(&server, |c| {
        c.unterminated.as_ref().is_some_and(|line| line.len == 11)
    })
    .await;
    assert_eq!(waiting.unterminated.clone().unwrap().head, b"HELLO ");
    assert!(waiting.last_latency.is_some(), "{waiting:?}");
    client.send(b"\r\n").await;
    assert_eq!(
        client.line().await,
        "ERR unknown request, expected TIME or QUIT\r\n"
    );
    wait_for_client(&server, |c| c.unterminated.is_none()).await;
}

#[tokio::test]
async fn counters_are_exact() {
    let server = TestServer::start(config()).await;
    let mut clients = Vec::new();
    for _ in 0..20 {
        clients.push(server.client().await);
    }
    for client in &mut clients {
        client.send(&b"TIME\r\n".repeat(50)).await;
        client.send(b"oops\r\n\r\n").await;
    }
    for client in &mut clients {
        for _ in 0..51 {
            client.line().await;
        }
    }
    let counters = server.handle.counters();
    assert_eq!(counters.active, 20);
    assert_eq!(counters.connections, 20);
    // TIME requests answered; the bad line is an error, the empty one nothing.
    assert_eq!(counters.requests, 20 * 50);
    assert_eq!(counters.errors, 20);
    let listed = server.handle.clients();
    assert_eq!(listed.len(), 20);
    assert!(
        listed
            .iter()
            .all(|c| c.requests == 50 && c.last_request_at.is_some())
    );
    assert!(listed.windows(2).all(|pair| pair[0].id < pair[1].id));

    for client in clients {
        client.quit().await;
    }
    server.wait_for_counters(|c| c.active == 0).await;
    let counters = server.handle.counters();
    assert_eq!((counters.connections, counters.requests), (20, 20 * 50));
    assert!(server.handle.clients().is_empty());
}

#[tokio::test]
async fn pause_holds_requests_and_connections_and_resume_answers_them_all_in_order() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut before = server.client().await;
    before.ask_time().await;

    server.handle.pause();
    assert!(server.handle.is_paused());
    wait_event(&mut events, |e| matches!(e, Event::Paused)).await;
    before.send(b"TIME\r\nnope\r\nTIME\r\n").await;
    // Connects complete in the kernel's backlog but are not accepted.
    let mut during = server.client().await;
    during.send(b"TIME\r\n").await;
    before.expect_silence(Duration::from_millis(300)).await;
    during.expect_silence(Duration::from_millis(100)).await;
    assert_eq!(server.handle.counters().connections, 1);
    assert!(server.handle.clients()[0].held_by_pause);

    server.handle.resume();
    assert_time_reply(&before.line().await);
    assert!(before.line().await.starts_with("ERR unknown request"));
    assert_time_reply(&before.line().await);
    assert_time_reply(&during.line().await);
    wait_event(&mut events, |e| matches!(e, Event::Resumed)).await;
    assert!(!server.handle.clients()[0].held_by_pause);
    assert_eq!(server.handle.counters().connections, 2);
}

#[tokio::test]
async fn machines_add_up_connections_that_come_and_go_and_can_be_kicked_together() {
    let server = TestServer::start(config()).await;
    // Three clients in the assignment's style.
    for _ in 0..3 {
        server.visit_like_the_assignment().await;
    }
    server.wait_for_counters(|c| c.active == 0).await;
    let mut staying = server.client().await;
    staying.send(b"TIME\r\nnonsense\r\n").await;
    assert_time_reply(&staying.line().await);
    staying.line().await;
    let machines = server.handle.machines();
    assert_eq!(machines.len(), 1, "{machines:?}");
    let machine = &machines[0];
    assert_eq!(machine.ip, std::net::IpAddr::from([127, 0, 0, 1]));
    assert_eq!(
        (
            machine.connected,
            machine.connections,
            machine.requests,
            machine.errors
        ),
        // TIME requests only: QUIT is no request, "nonsense" an error.
        (1, 4, 3 + 1, 1),
        "{machine:?}"
    );
    assert_eq!(machine.last_gone, Some(GoneReason::Quit));
    // One machine, active: it connected a moment ago, and is still connected.
    assert_eq!(server.handle.machines_seen_within(Duration::ZERO), 1);

    assert_eq!(server.handle.kick_machine(machine.ip), 1);
    staying.expect_closed().await;
    server.wait_for_counters(|c| c.active == 0).await;
    let machine = &server.handle.machines()[0];
    assert_eq!((machine.connected, machine.connections), (0, 4));
    assert_eq!(machine.last_gone, Some(GoneReason::Kicked));
    assert_eq!(server.handle.kick_machine(machine.ip), 0);
    // Gone a moment ago: active within a minute, not within no time at all once time has passed.
    assert_eq!(
        server.handle.machines_seen_within(Duration::from_secs(60)),
        1
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        server
            .handle
            .machines_seen_within(Duration::from_millis(10)),
        0
    );
}

#[tokio::test]
async fn a_kicked_client_is_closed_and_others_stay() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut victim = server.client().await;
    let mut bystander = server.client().await;
    server.wait_for_counters(|c| c.active == 2).await;
    let id = server.id_of(&victim);

    assert!(server.handle.kick(id));
    victim.expect_closed().await;
    let gone = wait_event(&mut events, |e| matches!(e, Event::Gone { .. })).await;
    assert!(
        matches!(gone, Event::Gone { id: gone_id, reason: GoneReason::Kicked, .. } if gone_id == id)
    );
    assert!(
        !server.handle.kick(id),
        "a kicked client is no longer there"
    );
    bystander.ask_time().await;
}

#[tokio::test]
async fn a_kick_cuts_short_the_linger_of_a_client_that_quit_but_keeps_its_side_open() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    server.wait_for_counters(|c| c.active == 1).await;
    let id = server.id_of(&client);
    client.send(b"QUIT\r\n").await;
    // The server has closed its side and lingers (up to 500 ms) to read what else comes.
    client.expect_closed().await;
    assert!(server.handle.kick(id));
    timeout(
        Duration::from_millis(250),
        server.wait_for_counters(|c| c.active == 0),
    )
    .await
    .expect("the kick ends the linger, not its 500 ms");
}

#[tokio::test]
async fn a_client_held_by_a_pause_longer_than_the_idle_timeout_is_not_idle_after_resume() {
    let idle = Duration::from_millis(300);
    let server = TestServer::start(Config {
        idle_timeout: Some(idle),
        ..config()
    })
    .await;
    let mut client = server.client().await;
    client.ask_time().await;
    server.handle.pause();
    client.send(b"TIME\r\n").await;
    client.expect_silence(idle * 3).await;
    server.handle.resume();
    assert_time_reply(&client.line().await);
    // The resume is activity: half the timeout later the client is still served, although its
    // request arrived long before.
    tokio::time::sleep(idle / 2).await;
    client.ask_time().await;
    client.quit().await;
}

#[tokio::test]
async fn a_delay_longer_than_the_idle_timeout_does_not_make_the_client_idle() {
    let idle = Duration::from_millis(300);
    let server = TestServer::start(Config {
        idle_timeout: Some(idle),
        delay: idle * 2,
        ..config()
    })
    .await;
    let mut client = server.client().await;
    for _ in 0..2 {
        assert!(client.ask_time().await >= idle * 2);
    }
    client.quit().await;
}

#[tokio::test]
async fn kick_works_while_paused() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    server.wait_for_counters(|c| c.active == 1).await;
    server.handle.pause();
    client.send(b"TIME\r\n").await;
    // The request is held by the pause before the kick.
    let deadline = tokio::time::Instant::now() + WAIT;
    while !server.handle.clients()[0].held_by_pause {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the request never waited"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(server.handle.kick(server.handle.clients()[0].id));
    client.expect_closed().await;
}

#[tokio::test]
async fn shutdown_answers_what_was_read_closes_everyone_and_returns_promptly() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut clients = Vec::new();
    for _ in 0..10 {
        let mut client = server.client().await;
        client.send(b"TIME\r\nTIME\r\n").await;
        clients.push(client);
    }
    server.wait_for_counters(|c| c.requests == 20).await;
    // Requests held by a pause have been read and are owed answers too.
    server.handle.pause();
    let mut held = server.client().await;
    clients[0].send(b"TIME\r\n").await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = std::time::Instant::now();
    server.handle.shutdown();
    timeout(Duration::from_secs(2), server.task)
        .await
        .expect("run returns within 2 s")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    for (index, client) in clients.iter_mut().enumerate() {
        assert_time_reply(&client.line().await);
        assert_time_reply(&client.line().await);
        if index == 0 {
            assert_time_reply(&client.line().await);
        }
        client.expect_closed().await;
    }
    // Never accepted: closed with the listener.
    held.expect_closed().await;
    let events: Vec<Event> = std::iter::from_fn(|| events.try_recv().ok()).collect();
    assert!(events.iter().any(|e| matches!(e, Event::ShuttingDown)));
    let reasons: Vec<&GoneReason> = events
        .iter()
        .filter_map(|event| match event {
            Event::Gone { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, vec![&GoneReason::Shutdown; 10]);
}

#[tokio::test]
async fn a_lagging_watcher_is_told_what_it_missed_while_counters_stay_exact() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    let requests = 10_000;
    client.send(&b"TIME\r\n".repeat(requests)).await;
    for _ in 0..requests {
        client.line().await;
    }
    assert_eq!(server.handle.counters().requests, requests as u64);
    // Request events are held to a budget below the buffer; pauses and resumes are not.
    for _ in 0..10_000 {
        server.handle.pause();
        server.handle.resume();
    }
    let mut missed = 0;
    loop {
        match events.try_recv() {
            Ok(_) => {}
            Err(broadcast::error::TryRecvError::Lagged(n)) => missed += n,
            Err(_) => break,
        }
    }
    assert!(missed > 0, "20,000 events should overflow the event buffer");
    // The stream goes on after the gap: the watcher has caught up, so the next event is owed.
    server.handle.pause();
    assert!(matches!(
        timeout(WAIT, events.recv()).await.unwrap(),
        Ok(Event::Paused)
    ));
}

#[tokio::test]
async fn no_request_events_are_made_when_not_wanted() {
    let server = TestServer::start(Config {
        request_events: false,
        ..config()
    })
    .await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    client.send(b"TIME\r\nQUIT\r\n").await;
    client.line().await;
    client.expect_closed().await;
    let first = wait_event(&mut events, |e| !matches!(e, Event::Listening { .. })).await;
    assert!(matches!(first, Event::Connected { .. }));
    assert!(matches!(
        next_event(&mut events).await,
        Event::Gone {
            reason: GoneReason::Quit,
            ..
        }
    ));
    assert_eq!(
        server.handle.counters().requests,
        1,
        "TIME; QUIT is no request"
    );
}

#[tokio::test]
async fn past_the_per_second_budget_request_events_are_skipped_and_counted() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = tokio::spawn(async move {
        let (mut served, mut missed, mut skipped, mut reports) = (0u64, 0u64, 0u64, 0);
        let mut count = |event: Result<Event, RecvError>| match event {
            Ok(Event::Served { .. }) => served += 1,
            Ok(Event::Skipped {
                what: Unpublished::Requests,
                skipped: n,
                limit,
            }) => {
                assert_eq!(limit, jamtui::server::REQUEST_EVENTS_PER_SECOND);
                skipped += n;
                reports += 1;
            }
            Err(RecvError::Lagged(n)) => missed += n,
            _ => {}
        };
        loop {
            tokio::select! {
                biased;
                _ = &mut stopped => break,
                event = events.recv() => count(event),
            }
        }
        // What is still queued counts too.
        loop {
            match events.try_recv() {
                Ok(event) => count(Ok(event)),
                Err(broadcast::error::TryRecvError::Lagged(n)) => count(Err(RecvError::Lagged(n))),
                Err(_) => break,
            }
        }
        (served, missed, skipped, reports)
    });
    let mut client = server.client().await;
    let requests = 30_000;
    client.send(&b"TIME\r\n".repeat(requests)).await;
    for _ in 0..requests {
        client.line().await;
    }
    // The report comes with the first request of a later second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.send(b"TIME\r\n").await;
    client.line().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    let (served, missed, skipped, reports) = timeout(WAIT, watcher).await.unwrap().unwrap();
    assert!(
        reports >= 1 && skipped > 0,
        "30,000 requests this fast exceed the budget"
    );
    // Every request was either published (seen or missed by this slow watcher) or skipped.
    assert!(
        served + missed + skipped >= requests as u64,
        "{served} + {missed} + {skipped}"
    );
    assert_eq!(server.handle.counters().requests, requests as u64 + 1);
}

#[tokio::test]
async fn a_closed_connection_stays_listed_for_the_keep_time_then_goes() {
    let keep = Duration::from_millis(400);
    let server = TestServer::start(Config {
        keep_closed: keep,
        ..config()
    })
    .await;
    server.visit_like_the_assignment().await;
    server.wait_for_counters(|c| c.active == 0).await;
    let closed = server.handle.recently_closed();
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0].requests, 1);
    assert_eq!(
        closed[0].closed.as_ref().map(|closed| &closed.reason),
        Some(&GoneReason::Quit)
    );
    assert!(server.handle.clients().is_empty(), "open ones only");
    tokio::time::sleep(keep + Duration::from_millis(200)).await;
    assert!(server.handle.recently_closed().is_empty());
}

/// A client with a small receive buffer that sends TIME and never reads, returned once its
/// writes block: the server, unable to write its replies, has stopped reading it.
async fn sends_and_never_reads(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let burst = b"TIME\r\n".repeat(10_000);
    loop {
        match timeout(Duration::from_millis(300), stream.write_all(&burst)).await {
            Ok(Ok(())) => continue,
            Ok(Err(error)) => panic!("the server closed first: {error}"),
            Err(_) => return stream,
        }
    }
}

#[tokio::test]
async fn a_kick_ends_a_client_whose_replies_cannot_be_written() {
    use tokio::io::AsyncReadExt;
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut stream = sends_and_never_reads(server.addr()).await;
    server.wait_for_counters(|c| c.active == 1).await;
    let id = server.handle.clients()[0].id;
    assert!(server.handle.kick(id));
    let gone = wait_event(&mut events, |e| matches!(e, Event::Gone { .. })).await;
    assert!(
        matches!(
            gone,
            Event::Gone {
                reason: GoneReason::Kicked,
                ..
            }
        ),
        "{gone:?}"
    );
    // What was written before the kick drains, then the connection ends.
    let mut rest = vec![0u8; 64 * 1024];
    let ended = timeout(WAIT, async {
        loop {
            match stream.read(&mut rest).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the kicked connection never ended");
}

#[tokio::test]
async fn the_idle_timeout_closes_a_client_that_never_reads() {
    let server = TestServer::start(Config {
        idle_timeout: Some(Duration::from_millis(500)),
        ..config()
    })
    .await;
    let mut events = server.handle.subscribe();
    let stream = sends_and_never_reads(server.addr()).await;
    // Nothing is read from it any more, so it completes no request: idle, it is closed.
    let gone = wait_event(&mut events, |e| matches!(e, Event::Gone { .. })).await;
    assert!(
        matches!(
            gone,
            Event::Gone {
                reason: GoneReason::Idle,
                ..
            }
        ),
        "{gone:?}"
    );
    drop(stream);
}

#[tokio::test]
async fn a_pause_holds_the_rest_of_a_large_pipelined_batch_and_resume_answers_it_all() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let server = TestServer::start(config()).await;
    let stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let (reading, writing) = stream.into_split();
    let mut replies = BufReader::new(reading);
    // More than the sockets hold: the server's writes block before it has read it all.
    let requests = 400_000;
    let sending = write_on_a_task(writing, b"TIME\r\n".repeat(requests));
    let mut line = Vec::new();
    let mut next_line = async |line: &mut Vec<u8>, within: Duration| {
        line.clear();
        match timeout(within, replies.read_until(b'\n', line)).await {
            Ok(Ok(read)) => {
                assert!(read > 0, "the connection ended");
                assert_time_reply(&String::from_utf8_lossy(line));
                true
            }
            Ok(Err(error)) => panic!("{error}"),
            Err(_) => false,
        }
    };
    for _ in 0..100 {
        assert!(next_line(&mut line, WAIT).await);
    }
    server.handle.pause();
    // The replies already made still come; then the rest of the batch waits.
    let mut answered = 100;
    while next_line(&mut line, Duration::from_millis(300)).await {
        answered += 1;
    }
    assert!(answered < requests, "the pause held nothing back");
    server.handle.resume();
    while answered < requests {
        assert!(
            next_line(&mut line, WAIT).await,
            "{answered} of {requests} answered"
        );
        answered += 1;
    }
    let (_, written) = timeout(WAIT, sending).await.unwrap().unwrap();
    written.expect("every request sent");
    assert_eq!(server.handle.counters().requests, requests as u64);
}

/// The reads and writes of a watched client, in order, until `last` matches.
async fn wire_events(
    events: &mut broadcast::Receiver<Event>,
    last: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    events_until(events, last, |event| {
        matches!(event, Event::Read { .. } | Event::Wrote { .. })
    })
    .await
}

#[tokio::test]
async fn a_watched_clients_reads_are_published_as_they_arrived() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    let Event::Connected { id, .. } =
        wait_event(&mut events, |e| matches!(e, Event::Connected { .. })).await
    else {
        unreachable!()
    };
    assert!(server.handle.watch(id));
    assert!(!server.handle.watch(id + 1), "no such client");

    // One request in two writes, a pause between them: two reads, one request.
    client.send(b"TI").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    client.send(b"ME\r\n").await;
    let reply = client.line().await;
    assert_time_reply(&reply);
    let wire = wire_events(&mut events, |e| matches!(e, Event::Wrote { .. })).await;
    let [
        Event::Read { read: first, .. },
        Event::Read { read: second, .. },
        Event::Wrote { bytes: written, .. },
    ] = wire.as_slice()
    else {
        panic!("expected two reads and a write, got {wire:?}");
    };
    assert_eq!(&first.bytes.head[..], b"TI");
    assert_eq!((first.completed, first.unfinished), (0, 2));
    assert_eq!(&second.bytes.head[..], b"ME\r\n");
    assert_eq!((second.completed, second.unfinished), (1, 0));
    assert!(second.first_began_earlier);
    assert_eq!(&second.requests[0].head[..], b"TIME\r\n");
    assert_eq!(&written.head[..], reply.as_bytes());
    assert_eq!(written.len, 14);

    // Two requests in one write.
    client.send(b"TIME\r\nTIME\r\n").await;
    client.line().await;
    client.line().await;
    let wire = wire_events(&mut events, |e| matches!(e, Event::Wrote { .. })).await;
    let [
        Event::Read { read, .. },
        Event::Wrote { bytes: written, .. },
    ] = wire.as_slice()
    else {
        panic!("expected one read and one write, got {wire:?}");
    };
    assert_eq!(read.bytes.len, 12);
    assert_eq!((read.completed, read.first_began_earlier), (2, false));
    assert_eq!(written.len, 28);

    // Unwatched, its bytes are its own again.
    assert!(server.handle.unwatch(id));
    client.send(b"TIME\r\n").await;
    client.line().await;
    let wire = wire_events(&mut events, |e| matches!(e, Event::Served { .. })).await;
    assert!(wire.is_empty(), "{wire:?}");
}

#[tokio::test]
async fn a_queued_client_that_half_closes_after_its_request_is_answered_in_its_turn() {
    use tokio::io::AsyncWriteExt;
    let (server, first) = turn_taken(sequential()).await;
    let mut second = server.client().await;
    second.send(b"TIME\r\n").await;
    second.stream.get_mut().shutdown().await.unwrap();
    second.expect_silence(Duration::from_millis(200)).await;
    first.quit().await;
    assert_time_reply(&second.line().await);
    second.expect_closed().await;
}

#[tokio::test]
async fn a_queued_client_that_leaves_without_a_request_leaves_the_queue_at_once() {
    let (server, mut first) = turn_taken(sequential()).await;
    let second = server.client().await;
    server.wait_for_counters(|c| c.active == 2).await;
    drop(second);
    // Gone while the first client still holds the turn.
    server.wait_for_counters(|c| c.active == 1).await;
    first.ask_time().await;
}

#[tokio::test]
async fn replies_held_up_by_a_client_that_did_not_read_all_arrive_once_it_reads() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let server = TestServer::start(config()).await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr()).await.unwrap();
    let (read, write) = stream.into_split();
    // 7 MB of replies: far more than the socket buffers hold, so the server's writes block.
    let requests = 500_000;
    let writer = write_on_a_task(write, b"TIME\r\n".repeat(requests));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut lines = BufReader::new(read).lines();
    for answered in 0..requests {
        let line = timeout(WAIT, lines.next_line())
            .await
            .expect("replies keep coming")
            .unwrap()
            .unwrap_or_else(|| panic!("closed after {answered} replies"));
        assert!(line.starts_with("JAM "), "{line}");
    }
    let (_, written) = writer.await.unwrap();
    written.expect("every request sent");
}

#[tokio::test]
async fn a_client_that_resets_its_connection_is_gone_with_the_error() {
    let server = TestServer::start(config()).await;
    let mut events = server.handle.subscribe();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    let stream = socket.connect(server.addr()).await.unwrap();
    wait_event(&mut events, |e| matches!(e, Event::Connected { .. })).await;
    // SO_LINGER 0: closing sends a reset instead of a FIN.
    stream.set_zero_linger().unwrap();
    drop(stream);
    let Event::Gone { reason, .. } =
        wait_event(&mut events, |e| matches!(e, Event::Gone { .. })).await
    else {
        unreachable!()
    };
    assert!(
        matches!(reason, GoneReason::Error(ref error) if error.contains("reset")),
        "{reason:?}"
    );
}

#[tokio::test]
async fn with_request_events_off_no_request_is_reported_as_skipped() {
    let server = TestServer::start(Config {
        request_events: false,
        // The fault-injection hook keeps each request's bytes; that must not publish them.
        panic_on: Some(b"PANIC\r\n".to_vec()),
        ..config()
    })
    .await;
    let mut events = server.handle.subscribe();
    let mut client = server.client().await;
    client.send(&b"TIME\r\n".repeat(100)).await;
    for _ in 0..100 {
        client.line().await;
    }
    // The per-second report comes within a second and a bit; it must have nothing to say.
    let deadline = tokio::time::Instant::now() + Duration::from_millis(2200);
    while let Ok(event) = tokio::time::timeout_at(deadline, events.recv()).await {
        let event = event.expect("the watcher keeps up");
        assert!(
            !matches!(event, Event::Served { .. } | Event::Skipped { .. }),
            "{event:?}"
        );
    }
}

#[tokio::test]
async fn a_client_that_asked_nothing_has_no_last_request() {
    let server = TestServer::start(config()).await;
    let mut client = server.client().await;
    client.send(b"\r\n").await;
    client.expect_silence(Duration::from_millis(100)).await;
    let listed = server.handle.clients();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].requests, listed[0].last_request_at), (0, None));
}

#[tokio::test]
async fn a_queued_client_is_read_ahead_up_to_its_own_limit() {
    let (server, _first_holds_the_turn) = turn_taken(sequential()).await;
    let mut second = server.client().await;
    // 48 KiB of requests while queued: all read ahead (the limit is 64 KiB a client).
    second.send(&b"TIME\r\n".repeat(8192)).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.handle.queued_read_ahead() < 8192 * 6 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "read ahead: {}",
            server.handle.queued_read_ahead()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
