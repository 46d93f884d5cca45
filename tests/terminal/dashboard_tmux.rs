//! End to end: the real binary in a real terminal (tmux at a fixed size), real TCP clients,
//! real key presses, and what the pane shows.

use std::time::Duration;

use crate::common::pane::{Pane, port_on_screen};
use crate::common::{Client, WAIT, assert_time_reply};

/// Raw mode is off again: line editing and echo are back.
fn assert_cooked(stty: &str) {
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{stty}"
    );
}

/// A class at 80x24: 25 students' clients, each from its own address (127.0.0.10 to .34), each
/// connecting for every request like the assignment's client, named by a roster.
#[tokio::test]
async fn a_class_of_25_per_request_clients_is_readable_at_80x24() {
    // The roster names them all, and one more student who never connects.
    let roster = crate::common::no_user_config().join("class-of-25.csv");
    let rows: String = (10..36u8)
        .map(|student| format!("Student {student},127.0.0.{student}\n"))
        .collect();
    std::fs::write(&roster, format!("name,host\n{rows}")).unwrap();
    let args = format!("--bind 127.0.0.1 --port 0 --roster {}", roster.display());
    let pane = Pane::start_sized((80, 24), "", &args);
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    let server = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let students = (10..35u8).map(|student| {
        tokio::spawn(async move {
            for _ in 0..4 {
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                socket.bind(([127, 0, 0, student], 0).into()).unwrap();
                let stream = socket.connect(server).await.unwrap();
                let mut client = Client {
                    stream: tokio::io::BufReader::new(stream),
                };
                client.ask_time().await;
                client.quit().await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    });
    let students: Vec<_> = students.collect();
    // A roster: the table lists machines from the start; 25 seen, and the one not seen yet.
    let screen = pane.wait_for("25 active)").await;
    assert!(screen.contains("machines (26, "), "{screen}");
    let rows = screen
        .lines()
        .filter(|line| line.contains("127.0.0."))
        .count();
    assert!(rows >= 8, "{rows} rows:\n{screen}");
    assert!(screen.contains("Student 10"), "{screen}");
    pane.press("End");
    let screen = pane.wait_for("not seen yet").await;
    assert!(screen.contains("Student 35"), "{screen}");
    assert!(screen.contains("JAM "), "the time is on screen: {screen}");
    for student in students {
        tokio::time::timeout(WAIT, student).await.unwrap().unwrap();
    }
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn the_dashboard_shows_clients_kicks_pauses_and_quits() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0 --tz UTC --keep-closed 1m");
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    pane.wait_for("SERVING").await;

    let mut first = Client::connect(([127, 0, 0, 1], port).into()).await;
    let mut second = Client::connect(([127, 0, 0, 1], port).into()).await;
    for client in [&first, &second] {
        let local = client.stream.get_ref().local_addr().unwrap();
        pane.wait_for(&format!("connection from ('127.0.0.1', {})", local.port()))
            .await;
        pane.wait_for(&local.to_string()).await;
    }
    pane.wait_for("clients (2)").await;
    first.ask_time().await;
    pane.wait_for(r"received b'TIME\r\n'").await;
    pane.wait_for("[SERVER] sending JAM ").await;

    // The first client's row is selected: k kicks it.
    pane.press("k");
    first.expect_closed().await;
    pane.wait_for("(kicked)").await;
    // Its row stays a while, dimmed, saying how it ended.
    pane.wait_for("clients (1 open, 1 recently closed)").await;
    pane.wait_for("closed: kicked").await;

    // p pauses: a new request waits; p again answers it.
    pane.press("p");
    pane.wait_for("PAUSED").await;
    second.send(b"TIME\r\n").await;
    second.expect_silence(Duration::from_millis(300)).await;
    pane.wait_for("waiting").await;
    pane.press("p");
    assert_time_reply(&second.line().await);
    pane.wait_for("SERVING").await;

    pane.press("?");
    pane.wait_for("any key closes this help").await;
    pane.press("Escape");
    // Esc and q sent in one breath read as Alt-q, as a terminal sends them; a person waits
    // for the help to close.
    pane.wait_until_gone("any key closes this help").await;

    pane.press("q");
    let (status, modes) = pane.exit_status().await;
    assert_eq!(status, "0");
    assert_cooked(&modes);
    second.expect_closed().await;
}

#[tokio::test]
async fn the_terminal_is_restored_after_a_panic_in_the_dashboard() {
    let pane = Pane::start_with_env("JAMTUI_TEST_PANIC_AFTER=700ms", "--bind 127.0.0.1 --port 0");
    pane.wait_for("SERVING").await;
    assert_eq!(
        pane.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim(),
        "1"
    );
    let (status, modes) = pane.exit_status().await;
    assert_ne!(status, "0", "a panic is not a clean exit");
    assert_cooked(&modes);
    // Back on the normal screen, with the panic message readable there.
    assert_eq!(
        pane.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim(),
        "0"
    );
    let screen = pane.screen();
    assert!(
        screen.contains("test hook: JAMTUI_TEST_PANIC_AFTER"),
        "{screen}"
    );
    assert!(
        !screen.contains("SERVING"),
        "the dashboard is gone:\n{screen}"
    );
}

#[tokio::test]
async fn teaching_keys_switch_mode_add_delay_and_open_a_conversation() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0 --tz UTC");
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    pane.wait_for("mode  concurrent").await;
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.ask_time().await;

    pane.press("m");
    pane.wait_for("mode  sequential").await;
    pane.press("m");
    pane.wait_for("mode  pool of 4").await;
    pane.press("m");
    pane.wait_for("mode  concurrent").await;

    pane.press("+");
    pane.wait_for("delay 100ms").await;
    let started = std::time::Instant::now();
    client.ask_time().await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    pane.press("-");
    pane.wait_for("delay 0s").await;

    pane.press("Enter");
    let screen = pane.wait_for("conversation with #1").await;
    assert!(screen.contains(r"b'TIME\r\n'"), "{screen}");
    pane.press("Escape");
    let deadline = tokio::time::Instant::now() + WAIT;
    while pane.screen().contains("conversation with") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Esc closes the panel"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Esc closed the panel and did not quit.
    pane.wait_for("SERVING").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

/// The environment's language reaches the dashboard; the log keeps the assignment's words.
#[tokio::test]
async fn an_indonesian_environment_gets_an_indonesian_dashboard() {
    let pane = Pane::start_with_env("LANG=id_ID.UTF-8", "--bind 127.0.0.1 --port 0");
    let screen = pane.wait_for("mendengarkan 127.0.0.1:").await;
    assert!(screen.contains("MELAYANI"), "{screen}");
    let port = port_on_screen(&screen.replace("mendengarkan", "listening"));
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.ask_time().await;
    pane.wait_for("klien (1)").await;
    pane.wait_for("[SERVER] sending JAM ").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn demo_clients_show_up_marked_in_the_table() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0 --demo 3 --delay 300ms");
    pane.wait_for(" demo ").await;
    pane.wait_for("[SERVER] sending JAM ").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn clients_that_connect_for_each_request_stay_visible_by_machine_and_exported() {
    let csv = std::env::temp_dir().join(format!("jamtui-machines-{}.csv", std::process::id()));
    let _ = std::fs::remove_file(&csv);
    let pane = Pane::start(&format!(
        "--bind 127.0.0.1 --port 0 --keep-closed 1m --export-on-exit {}",
        csv.display()
    ));
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    // The assignment's client: connect, TIME, QUIT, close; three times.
    for _ in 0..3 {
        let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
        client.ask_time().await;
        client.quit().await;
    }
    // Seen connecting for each request, they are listed by machine without a key.
    let screen = pane.wait_for("machines (1, 0 open, 1 active)").await;
    assert!(
        screen.contains("clients connect for each request"),
        "{screen}"
    );
    let row = screen
        .lines()
        .find(|line| line.starts_with("│1 "))
        .unwrap_or_else(|| panic!("no first row:\n{screen}"));
    let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
    // #, machine, open, connections, requests (a TIME each time), errors.
    assert_eq!(cells[..6], ["1", "127.0.0.1", "0", "3", "3", "0"], "{row}");
    assert!(row.contains("quit"), "{row}");
    // `e` exports the table on screen.
    pane.press("e");
    pane.wait_for("exported the machines to").await;
    let exported = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(
        lines[0],
        "machine,student,connections,open,requests,errors,first_seen,last_seen,last_closed"
    );
    assert!(lines[1].starts_with("127.0.0.1,,3,0,3,0,"), "{exported}");
    assert!(lines[1].ends_with(",quit"), "{exported}");
    pane.press("v");
    // Closed a moment ago, they are still listed, dimmed.
    pane.wait_for("clients (0 open, 3 recently closed)").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
    // On quit, the table on screen then is written: none open, the three closed a moment ago.
    let exported = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.len(), 4, "{exported}");
    assert!(
        lines[0].ends_with(",last_latency_ms,closed,student"),
        "{exported}"
    );
    // No roster: no student's name.
    assert!(
        lines[1..].iter().all(|line| line.ends_with(",quit,")),
        "{exported}"
    );
    let _ = std::fs::remove_file(&csv);
}

#[tokio::test]
async fn f_freezes_the_view_while_the_server_keeps_serving() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0");
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    pane.wait_for("clients (0)").await;
    pane.press("f");
    pane.wait_for("FROZEN").await;
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.ask_time().await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let screen = pane.screen();
    assert!(
        screen.contains("clients (0)"),
        "the frozen view did not change:\n{screen}"
    );
    pane.press("f");
    pane.wait_for("clients (1)").await;
    assert!(!pane.screen().contains("FROZEN"));
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn privacy_keeps_client_addresses_off_the_screen_and_out_of_exports() {
    let csv = std::env::temp_dir().join(format!("jamtui-e2e-{}.csv", std::process::id()));
    let pane = Pane::start(&format!(
        "--bind 127.0.0.1 --port 0 --privacy --export-on-exit {}",
        csv.display()
    ));
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.ask_time().await;
    let local = client.stream.get_ref().local_addr().unwrap().port();
    let screen = pane.wait_for(&format!("', {local})")).await;
    // The log's `('127.0.x.x~3fa2', 43256)`: the label is drawn at random each run.
    let end = screen.find(&format!("', {local})")).unwrap();
    let label = &screen[screen[..end].rfind("('").unwrap() + 2..end];
    assert!(label.starts_with("127.0.x.x~"), "{screen}");
    pane.wait_for(&format!("{label}:{local}")).await;
    // The listening address is the server's own (students need it); no client address may show.
    let clients_only: Vec<&str> = screen
        .lines()
        .filter(|line| !line.contains("listening"))
        .collect();
    assert!(!clients_only.join("\n").contains("127.0.0.1"), "{screen}");
    pane.press("e");
    pane.wait_for("exported the clients to").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
    let exported = std::fs::read_to_string(&csv).unwrap();
    let _ = std::fs::remove_file(&csv);
    assert!(
        exported
            .starts_with("address,connected_at,connected_seconds,requests,errors,last_latency_ms")
    );
    assert!(
        exported.contains(&format!("{label}:{local},")),
        "{exported}"
    );
    assert!(!exported.contains("127.0.0.1"), "{exported}");
}

#[tokio::test]
async fn read_only_ignores_kick_pause_hide_and_quit_but_not_ctrl_c() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0 --read-only");
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    pane.wait_for("READ-ONLY").await;
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    pane.wait_for("clients (1)").await;
    for key in ["Escape", "k", "p", "h", "q"] {
        pane.press(key);
    }
    // Keys are handled in order: once the help is up, every key before it was handled.
    pane.press("?");
    pane.wait_for("any key closes this help").await;
    client.ask_time().await;
    pane.press("Escape");
    let screen = pane.wait_for("clients (1)").await;
    assert!(
        screen.contains("SERVING") && !screen.contains("PAUSED"),
        "{screen}"
    );
    assert!(!screen.contains("addresses hidden"), "{screen}");
    pane.press("C-c");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn a_mouse_click_selects_the_client_under_it() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0");
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let first = Client::connect(addr).await;
    let mut second = Client::connect(addr).await;
    let mut third = Client::connect(addr).await;
    let target = second.stream.get_ref().local_addr().unwrap().to_string();
    let screen = pane.wait_for("clients (3)").await;
    let screen = if screen.contains(&target) {
        screen
    } else {
        pane.wait_for(&target).await
    };
    let row = screen
        .lines()
        .position(|line| line.contains(&target))
        .expect("the second client's row");
    // An SGR mouse report, as the terminal would send it: left button down, then up (1-based).
    let (column, row) = (10, row + 1);
    pane.tmux(&[
        "send-keys",
        "-l",
        &format!("\x1b[<0;{column};{row}M\x1b[<0;{column};{row}m"),
    ]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    pane.press("k");
    second.expect_closed().await;
    third.ask_time().await;
    drop(first);
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
}

#[tokio::test]
async fn keys_rebound_in_the_config_file_act() {
    let config = std::env::temp_dir().join(format!("jamtui-e2e-keys-{}.toml", std::process::id()));
    std::fs::write(&config, "[keys]\npause = \"x\"\n").unwrap();
    let pane = Pane::start(&format!(
        "--bind 127.0.0.1 --port 0 --config {}",
        config.display()
    ));
    pane.wait_for("SERVING").await;
    pane.press("x");
    pane.wait_for("PAUSED").await;
    pane.press("p");
    pane.wait_for("SERVING").await;
    pane.press("q");
    assert_eq!(pane.exit_status().await.0, "0");
    let _ = std::fs::remove_file(&config);
}

#[tokio::test]
async fn a_terminal_that_hangs_up_still_gets_its_export_written() {
    let csv = std::env::temp_dir().join(format!("jamtui-e2e-hup-{}.csv", std::process::id()));
    let _ = std::fs::remove_file(&csv);
    let pane = Pane::start(&format!(
        "--bind 127.0.0.1 --port 0 --export-on-exit {}",
        csv.display()
    ));
    let port = port_on_screen(&pane.wait_for("listening 127.0.0.1:").await);
    let mut client = Client::connect(([127, 0, 0, 1], port).into()).await;
    client.ask_time().await;
    pane.wait_for("clients (1)").await;
    // Closing the terminal (the SSH session on the projector PC, say) sends SIGHUP.
    pane.tmux(&["kill-server"]);
    let deadline = tokio::time::Instant::now() + WAIT;
    let exported = loop {
        if let Ok(text) = std::fs::read_to_string(&csv)
            && text.lines().count() == 2
        {
            break text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no export after the hang-up: {:?}",
            std::fs::read_to_string(&csv)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = std::fs::remove_file(&csv);
    let local = client.stream.get_ref().local_addr().unwrap();
    assert!(exported.contains(&local.to_string()), "{exported}");
}

#[tokio::test]
async fn sigterm_stops_the_dashboard_gracefully_and_restores_the_terminal() {
    let pane = Pane::start("--bind 127.0.0.1 --port 0");
    pane.wait_for("SERVING").await;
    let shell = pane.tmux(&["display-message", "-p", "#{pane_pid}"]);
    let found = std::process::Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .expect("pgrep runs");
    let pid = String::from_utf8_lossy(&found.stdout)
        .split_whitespace()
        .next()
        .expect("jamtui runs in the pane")
        .to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, modes) = pane.exit_status().await;
    assert_eq!(status, "0");
    assert_cooked(&modes);
}
