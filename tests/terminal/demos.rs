//! README.md's demos, step by step, as a lecturer runs them: the real binary in tmux panes (the
//! dashboard in one, the clients in others), the keys pressed, and at each step what the README
//! says the class will see. If a change breaks a demo, it breaks here first, not in class.

use std::time::Duration;

use crate::common::pane::{Pane, port_on_screen};

/// The client rows on a dashboard screen: the lines with a client's address and port.
fn client_rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .filter(|line| line.contains("127.0.0.1:") && !line.contains("listening"))
        .collect()
}

/// "Demo in class", README.md.
#[tokio::test]
async fn demo_in_class() {
    // 1. The server on the projector.
    let server = Pane::start("--theme high-contrast --bind 127.0.0.1 --port 0");
    let port = port_on_screen(&server.wait_for("listening 127.0.0.1:").await);

    // 2. Five clients appear in the table, requests/s climbs, the log scrolls.
    let clients = Pane::start(&format!(
        "client --port {port} --clients 5 --interval 500ms --keep-open"
    ));
    let screen = server.wait_for("clients (5)").await;
    assert_eq!(client_rows(&screen).len(), 5, "{screen}");
    clients.wait_for("[client 5] JAM ").await;

    // 3. p: PAUSED, the clients' state turns waiting, their output stops. Longer than the
    // client's old 5 s timeout: they wait, and say so.
    server.press("p");
    server.wait_for("PAUSED").await;
    server.wait_for("waiting").await;
    clients
        .wait_for_within("still waiting for a reply", Duration::from_secs(8))
        .await;
    assert!(!clients.has_exited(), "a paused server is not a dead one");
    // p again: every waiting request is answered, nothing lost.
    server.press("p");
    server.wait_for("SERVING").await;
    server.wait_until_gone("waiting").await;
    let screen = server.wait_for("clients (5)").await;
    assert_eq!(client_rows(&screen).len(), 5, "{screen}");

    // 4. k: the selected client's connection closes; it says so and connects again, the others
    // go on.
    server.press("k");
    server.wait_for("(kicked)").await;
    clients
        .wait_for("closed the connection before replying (kicked?); connecting again")
        .await;
    // Five open again; the kicked connection listed a while, dimmed.
    server.wait_for("clients (5 open, 1 recently closed)").await;
    server.wait_for("closed: kicked").await;
    assert!(
        !clients.has_exited(),
        "one kick ends one connection, not the run"
    );

    // 5. Students' clients, which connect for each request: the table turns to one row per
    // machine by itself, its connections added up.
    let student = Pane::start(&format!("client --port {port} --interval 200ms"));
    student.wait_for("JAM ").await;
    let screen = server.wait_for("machines (1, ").await;
    assert!(
        screen.contains("clients connect for each request"),
        "{screen}"
    );
    server.press("q");
    assert_eq!(server.exit_status().await.0, "0");
}

/// "A five-minute demo", README.md.
#[tokio::test]
async fn the_five_minute_demo() {
    // 1. Five built-in clients, each answered half a second after asking, marked demo.
    let server = Pane::start("--demo 5 --delay 500ms --bind 127.0.0.1 --port 0");
    let port = port_on_screen(&server.wait_for("listening 127.0.0.1:").await);
    server.wait_for(" demo").await;
    for _ in 0..20 {
        let screen = server.screen();
        for row in client_rows(&screen) {
            assert!(
                row.contains(" demo"),
                "a demo client's row unmarked:\n{screen}"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 2. m: sequential; the demo clients queue.
    server.press("m");
    server.wait_for("sequential").await;
    server.wait_for("queued").await;

    // 3. A client that never leaves blocks everyone behind it: it waits its turn, then keeps it.
    let blocker = Pane::start(&format!(
        "client --port {port} --keep-open --interval 200ms"
    ));
    blocker
        .wait_for_within("JAM ", Duration::from_secs(15))
        .await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(!blocker.has_exited(), "{}", blocker.screen());
    server.wait_for("queued").await;

    // 4. m: a pool of 4. 5. m: concurrent, every queued client served at once.
    server.press("m");
    server.wait_for("pool of 4").await;
    server.press("m");
    server.wait_for("concurrent").await;
    server.wait_until_gone("queued").await;

    // 6. Enter: a client's conversation, each reply with its latency.
    server.press("Enter");
    server.wait_for("conversation with #").await;
    server.wait_for("latency").await;
    server.press("Escape");
    // Esc and q in one breath read as Alt-q; a person sees the panel close first.
    server.wait_until_gone("conversation with #").await;
    server.press("q");
    assert_eq!(server.exit_status().await.0, "0");
}

/// "A five-minute lesson: one read is not one request", README.md.
#[tokio::test]
async fn the_byte_stream_lesson() {
    // 1. The dashboard. 2. A client that sends each TIME in two writes.
    let server = Pane::start("--bind 127.0.0.1 --port 0");
    let port = port_on_screen(&server.wait_for("listening 127.0.0.1:").await);
    let split = Pane::start(&format!("client --port {port} --split --keep-open"));
    split.wait_for("JAM ").await;
    server.wait_for("clients (1)").await;

    // 3. Enter, then b: two reads, one request, the reply.
    server.press("Enter");
    server.wait_for("conversation with #").await;
    server.press("b");
    server.wait_for("the bytes as they arrived").await;
    server.wait_for("b'TI'").await;
    server
        .wait_for("no request yet: waiting for the rest")
        .await;
    server.wait_for(r"b'ME\r\n'").await;
    server.wait_for(r"end of b'TIME\r\n', begun earlier").await;
    server.wait_for(r"b'JAM ").await;

    // 4. Two requests in one write: one read, two requests.
    let together = Pane::start(&format!("client --port {port} --together --keep-open"));
    together.wait_for("JAM ").await;
    server.press("Escape");
    server.wait_for("clients (2)").await;
    server.press("Down");
    server.press("b");
    server
        .wait_for(r"2 requests: b'TIME\r\n' b'TIME\r\n'")
        .await;
    server.press("Escape");
    server.press("q");
    assert_eq!(server.exit_status().await.0, "0");

    // 5. The assignment's reference server never answers a split request.
    let mut reference = tokio::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/bench/reference_server.py"
        ))
        .arg("0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs bench/reference_server.py");
    let mut stdout = tokio::io::BufReader::new(reference.stdout.take().unwrap());
    let mut first_line = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncBufReadExt::read_line(&mut stdout, &mut first_line),
    )
    .await
    .expect("the reference server says its port")
    .unwrap();
    let reference_port: u16 = first_line.trim().parse().unwrap();
    // As README.md says it, on a terminal and with no --timeout: the silence is explained in
    // time, not waited out.
    for flag in ["--split", "--together"] {
        let failing = Pane::start(&format!("client {flag} --port {reference_port}"));
        let screen = failing
            .wait_for("did your server treat one recv() as one request?")
            .await;
        assert!(!screen.contains("still waiting"), "{screen}");
        assert_eq!(failing.exit_status().await.0, "1", "{flag}");
    }
}
