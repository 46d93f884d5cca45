//! The dashboard drawn on ratatui's TestBackend, compared with snapshot files (insta).
//! Review changes with `cargo insta review`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Once;
use std::time::{Duration, Instant};

use jamtui::dashboard::Action;
use jamtui::dashboard::Options;
use jamtui::dashboard::ThemeName;
use jamtui::dashboard::{App, ServerInfo, Snapshot};
use jamtui::protocol::time_reply;
use jamtui::server::MachineInfo;
use jamtui::server::Mode;
use jamtui::server::{ClientInfo, CounterSnapshot};
use jamtui::server::{Event, GoneReason};
use jamtui::text::{Masker, mark};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Style;

/// The log panel reads tui-logger's global buffer, so every test sees the same few lines.
fn fill_log() {
    static LOG: Once = Once::new();
    LOG.call_once(|| {
        // Client addresses are marked, as the server's log thread writes them.
        let client = mark("127.0.0.1:43256".parse().unwrap());
        let lines = [
            (
                log::Level::Warn,
                "[SERVER] listening on 0.0.0.0:45000, answering TIME in Asia/Jakarta time"
                    .to_string(),
            ),
            (log::Level::Warn, format!("connection from {client}")),
            (
                log::Level::Warn,
                format!(r"[SERVER] received b'TIME\r\n' from {client}"),
            ),
            (
                log::Level::Warn,
                format!("[SERVER] sending JAM 23:19:50 to {client}"),
            ),
            (
                log::Level::Error,
                "[SERVER] accepting a connection failed: Too many open files; retrying".to_string(),
            ),
        ];
        for (level, line) in lines {
            tui_logger::Drain::new().log(
                &log::Record::builder()
                    .args(format_args!("{line}"))
                    .level(level)
                    .target("jamtui::server")
                    .build(),
            );
        }
        tui_logger::move_events();
    });
}

fn client(id: u64, at: Instant, requests: u64, held_by_pause: bool) -> ClientInfo {
    ClientInfo {
        id,
        peer: SocketAddr::from(([127, 0, 0, 1], 43_000 + id as u16)),
        connected_at: at - Duration::from_secs(5 * id + 3),
        requests,
        last_request_at: Some(at - Duration::from_millis(300 * id)),
        held_by_pause,
        queued: false,
        errors: id % 2,
        last_latency: Some(Duration::from_micros(180 + 37 * id)),
        closed: None,
        unterminated: None,
    }
}

/// Machines as a class's clients make them: most connect for every request, so their
/// connections come and go; one keeps a connection open.
fn machines(at: Instant) -> Vec<MachineInfo> {
    let machine = |last: u8, counts: [u64; 4], seen_ago_ms: u64, last_gone: Option<GoneReason>| {
        let [connected, connections, requests, errors] = counts;
        MachineInfo {
            ip: IpAddr::from([172, 16, 16, last]),
            connected,
            connections,
            requests,
            errors,
            first_seen: at - Duration::from_secs(600 - u64::from(last)),
            last_seen: at - Duration::from_millis(seen_ago_ms),
            last_gone,
        }
    };
    vec![
        machine(102, [1, 57, 114, 0], 0, Some(GoneReason::Quit)),
        machine(117, [0, 31, 62, 3], 400, Some(GoneReason::Quit)),
        machine(121, [0, 5, 9, 1], 12_000, Some(GoneReason::ClosedByClient)),
        machine(125, [1, 1, 12_345, 0], 100, None),
        machine(130, [0, 2, 0, 0], 75_000, Some(GoneReason::Kicked)),
    ]
}

/// A server under steady load: `clients` connected, a minute of rate history.
fn app(clients: u64, paused: bool) -> App {
    // An hour ahead: the clients' instants lie up to 21 minutes before it, and on Windows an
    // `Instant` cannot go back past the machine's boot (a fresh CI machine is up for minutes).
    let start = Instant::now() + Duration::from_secs(3600);
    let snapshot_at = |second: u64, requests: u64| Snapshot {
        at: start + Duration::from_secs(second),
        counters: CounterSnapshot {
            active: clients,
            connections: clients + 17,
            requests,
            errors: 3,
            busy: 1,
            not_allowed: 2,
        },
        clients: (1..=clients)
            .map(|id| {
                client(
                    id,
                    start + Duration::from_secs(second),
                    id * 11,
                    paused && id % 2 == 1,
                )
            })
            .collect(),
        machines: machines(start + Duration::from_secs(second)),
        active_machines: 4,
        paused,
        uptime: Duration::from_secs(754 + second),
        clock: "JAM 23:19:50".into(),
        mode: Mode::Concurrent,
        delay: Duration::ZERO,
    };
    // The machine's addresses are given, not read from the one the test runs on.
    let server = ServerInfo {
        reachable: vec![
            "192.168.1.20:45000".parse().unwrap(),
            "10.0.0.5:45000".parse().unwrap(),
        ],
        ..ServerInfo::new(
            "0.0.0.0:45000".parse().unwrap(),
            "Asia/Jakarta".parse().unwrap(),
            4,
        )
    };
    let mut app = App::new(server, Options::default(), snapshot_at(0, 0));
    let mut requests = 0;
    for second in 1..=61 {
        requests += 40 + (second * 37) % 90;
        app.refresh(snapshot_at(second, requests));
    }
    app
}

fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    fill_log();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    jamtui::dashboard::draw(&mut terminal, app).unwrap();
    terminal
}

/// The screen as text, with the log's wall-clock timestamps masked.
macro_rules! assert_screen {
    ($name:expr, $terminal:expr) => {
        insta::with_settings!({filters => vec![
            (r"([│┃|])\d\d:\d\d:\d\d ", "${1}hh:mm:ss "),
            // A timestamp cut short by an overlay.
            (r"([│┃|])\d\d:([^\d])", "${1}hh:${2}"),
            // Privacy's labels of hidden addresses, drawn at random each run.
            (r"x\.x~[0-9a-f]{4}", "x.x~····"),
        ]}, {
            insta::assert_snapshot!($name, $terminal.backend().to_string());
        })
    };
}

/// Text and styles, for themes.
macro_rules! assert_styled_screen {
    ($name:expr, $terminal:expr) => {
        insta::with_settings!({filters => vec![
            (r"([│┃|])\d\d:\d\d:\d\d ", "${1}hh:mm:ss "),
            // A timestamp cut short by an overlay.
            (r"([│┃|])\d\d:([^\d])", "${1}hh:${2}"),
            (r"x\.x~[0-9a-f]{4}", "x.x~····"),
        ]}, {
            insta::assert_debug_snapshot!($name, $terminal.backend().buffer());
        })
    };
}

#[test]
fn normal_load_at_80x24() {
    assert_screen!("normal_80x24", draw(&mut app(3, false), 80, 24));
}

#[test]
fn normal_load_at_120x40() {
    assert_screen!("normal_120x40", draw(&mut app(3, false), 120, 40));
}

#[test]
fn paused() {
    assert_screen!("paused", draw(&mut app(3, true), 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = app(3, false);
    app.update(Action::ToggleHelp);
    assert_screen!("help", draw(&mut app, 80, 24));
}

#[test]
fn the_help_lists_the_config_files_bindings_too() {
    use crossterm::event::KeyCode;
    let mut app = app(3, false);
    app.options.keys = vec![
        (KeyCode::Char('x'), Action::Kick),
        (KeyCode::Enter, Action::Quit),
    ];
    app.update(Action::ToggleHelp);
    let screen = draw(&mut app, 80, 24).backend().to_string();
    let line = format!("{:<22}x kick, enter quit", "config file");
    assert!(screen.contains(&line), "{screen}");
    assert!(screen.contains("any key closes this help"), "{screen}");
}

#[test]
fn no_clients() {
    assert_screen!("no_clients", draw(&mut app(0, false), 80, 24));
}

#[test]
fn a_class_of_25_shows_eight_rows_and_the_time_at_80x24() {
    let mut app = app(25, false);
    let screen = draw(&mut app, 80, 24).backend().to_string();
    let rows = screen
        .lines()
        .filter(|line| line.contains("127.0.0.1:"))
        .count();
    assert!(rows >= 8, "{rows} rows:\n{screen}");
    assert!(screen.contains("JAM 23:19:50"), "{screen}");
    // At 30 rows and more, the big clock is back and the header says no time.
    let screen = draw(&mut app, 80, 30).backend().to_string();
    assert!(!screen.contains("TIME now"), "{screen}");
    assert!(screen.contains("what TIME answers now"), "{screen}");
}

#[test]
fn what_is_wrong_with_a_client_is_its_state_in_words() {
    let mut app = app(3, false);
    app.snapshot.clients[1].unterminated = Some(jamtui::server::Unterminated {
        head: b"TIME".to_vec(),
        len: 4,
    });
    app.snapshot.clients[2].unterminated = Some(jamtui::server::Unterminated {
        head: b"HELLO ".to_vec(),
        len: 300,
    });
    let screen = draw(&mut app, 80, 24).backend().to_string();
    for state in ["active, 1 error", "sent b'TIME', no line end"] {
        assert!(screen.contains(state), "{state}:\n{screen}");
    }
    let screen = draw(&mut app, 120, 30).backend().to_string();
    let state = "sent b'HELLO '… (300 bytes), no line end, 1 error";
    assert!(screen.contains(state), "{state}:\n{screen}");
}

#[test]
fn a_roster_names_the_machines_and_lists_who_has_not_connected() {
    let roster = crate::common::no_user_config().join("render-roster.csv");
    std::fs::write(
        &roster,
        "name,host\nBudi Santoso,172.16.16.102\nSiti,172.16.16.117\nAgus,172.16.16.140\n",
    )
    .unwrap();
    let (names, unnamed) = jamtui::dashboard::Names::read(&roster).unwrap();
    assert!(unnamed.is_empty(), "{unnamed:?}");
    let mut app = app(3, false);
    app.options.names = names.into();
    app.update(Action::ToggleClientsView);
    app.refresh(app.snapshot.clone());
    app.privacy = true;
    let terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    for seen in ["Budi Santoso", "Siti", "machines (6, "] {
        assert!(screen.contains(seen), "{seen}:\n{screen}");
    }
    let agus = screen.lines().find(|line| line.contains("Agus")).unwrap();
    assert!(agus.contains("not seen yet"), "{screen}");
    // Privacy hides the addresses, not the names: the rows stay apart.
    assert!(!screen.contains("172.16.16."), "{screen}");
    assert_screen!("roster_privacy_80x24", terminal);
    assert_screen!("roster_privacy_160x45", draw(&mut app, 160, 45));
    app.privacy = false;
    assert_screen!("roster_80x24", draw(&mut app, 80, 24));
    assert_screen!("roster_160x45", draw(&mut app, 160, 45));
}

/// The style of the cell at `column` of the table row that starts `│<number> ` or `┃<number> `.
fn style_in_row(terminal: &Terminal<TestBackend>, number: &str, column: u16) -> Style {
    let buffer = terminal.backend().buffer();
    let row = (0..buffer.area.height)
        .find(|&y| {
            let start: String = (0..3)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            start.ends_with(&format!("{number} ")) && !start.starts_with(' ')
        })
        .unwrap_or_else(|| panic!("no row {number}"));
    buffer[(column, row)].style()
}

#[test]
fn every_theme_tells_closed_and_problem_rows_apart_with_a_roster() {
    let roster = crate::common::no_user_config().join("render-roster-themes.csv");
    std::fs::write(&roster, "Budi Santoso,172.16.16.102\nSiti,172.16.16.117\n").unwrap();
    let names = jamtui::dashboard::Names::read(&roster).unwrap().0;
    for (theme, no_color) in [
        (ThemeName::Dark, false),
        (ThemeName::Light, false),
        (ThemeName::HighContrast, false),
        (ThemeName::HighContrast, true),
    ] {
        let mut app = app(3, false);
        app.options.theme = theme;
        app.options.names = names.clone().into();
        app.no_color = no_color;
        app.privacy = true;
        // Connections: the second closed a moment ago; the first and third have an error.
        app.snapshot.clients[1].closed = Some(jamtui::server::Closed {
            at: app.snapshot.at,
            reason: GoneReason::Quit,
        });
        let terminal = draw(&mut app, 80, 24);
        let screen = terminal.backend().to_string();
        assert!(
            screen.contains("closed: quit") && screen.contains("active, 1 error"),
            "{screen}"
        );
        let name = format!("{theme:?}{}", if no_color { ", no colour" } else { "" });
        // The address column: the closed row stands apart from the open ones.
        assert_ne!(
            style_in_row(&terminal, "1", 4),
            style_in_row(&terminal, "2", 4),
            "{name}"
        );
        // The state column (the right end): a problem stands apart from a row without one.
        let state = |row| style_in_row(&terminal, row, 70);
        assert_ne!(state("1"), state("2"), "{name}");
        // Machines, named: the one not seen lately stands apart from the active ones.
        app.update(Action::ToggleClientsView);
        app.refresh(app.snapshot.clone());
        let terminal = draw(&mut app, 80, 24);
        assert_ne!(
            style_in_row(&terminal, "1", 4),
            style_in_row(&terminal, "5", 4),
            "{name}"
        );
        let file = format!(
            "roster_{theme:?}{}",
            if no_color { "_no_color" } else { "" }
        );
        assert_styled_screen!(file.to_lowercase(), terminal);
    }
}

#[test]
fn a_roster_names_clients_in_the_table_the_log_and_conversations() {
    let roster = crate::common::no_user_config().join("render-roster-local.csv");
    std::fs::write(&roster, "name,host\nDewi Lestari,127.0.0.1\n").unwrap();
    let mut app = app(3, false);
    app.options.names = jamtui::dashboard::Names::read(&roster).unwrap().0.into();
    let screen = draw(&mut app, 120, 40).backend().to_string();
    for named in [
        "127.0.0.1:43001 Dewi Lestari",
        "connection from ('127.0.0.1', 43256) Dewi Lestari",
        "sending JAM 23:19:50 to ('127.0.0.1', 43256) Dewi Lestari",
    ] {
        assert!(screen.contains(named), "{named}:\n{screen}");
    }
    app.update(Action::OpenConversation);
    let conversation = draw(&mut app, 120, 40).backend().to_string();
    assert!(
        conversation.contains("conversation with #1 127.0.0.1:43001 Dewi Lestari"),
        "{conversation}"
    );
    app.update(Action::Back);
    app.update(Action::TogglePrivacy);
    let hidden = draw(&mut app, 120, 40).backend().to_string();
    assert!(!hidden.contains("127.0.0.1"), "{hidden}");
    let label = Masker::HIDE.ip("127.0.0.1".parse().unwrap());
    assert!(
        hidden.contains(&format!("connection from ('{label}', 43256) Dewi Lestari")),
        "{hidden}"
    );
}

#[test]
fn the_dashboard_speaks_indonesian_and_still_fits_80x24() {
    let roster = crate::common::no_user_config().join("render-roster-id.csv");
    std::fs::write(
        &roster,
        "Budi Santoso,172.16.16.102\nSiti,172.16.16.117\nAgus,172.16.16.140\nDewi,127.0.0.1\n",
    )
    .unwrap();
    let mut app = app(3, false);
    app.options.lang = jamtui::lang::Lang::Id;
    app.options.names = jamtui::dashboard::Names::read(&roster).unwrap().0.into();
    app.clients_view = jamtui::dashboard::ClientsView::Connections;
    app.snapshot.clients[1].closed = Some(jamtui::server::Closed {
        at: app.snapshot.at,
        reason: GoneReason::Kicked,
    });
    let terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    for said in [
        " MELAYANI ",
        "alamat 192.168.1.20:45000",
        "TIME kini JAM 23:19:50",
        "penghitung",
        "klien (2 terbuka, 1 baru ditutup)",
        "ditutup: di-kick",
        "aktif, 1 error",
        "Dewi",
        " ↑↓ pilih",
        " q keluar",
    ] {
        assert!(screen.contains(said), "{said}:\n{screen}");
    }
    // Every text has its Indonesian: no key shows as itself.
    assert!(!screen.contains("ui."), "{screen}");
    assert_screen!("indonesian_80x24", terminal);

    app.update(Action::ToggleClientsView);
    app.refresh(app.snapshot.clone());
    app.privacy = true;
    let terminal = draw(&mut app, 160, 45);
    let screen = terminal.backend().to_string();
    for said in [
        "mahasiswa terhubung ke",
        "jawaban TIME saat ini",
        "komputer (7, ",
        "belum terlihat",
        "alamat disembunyikan (h)",
        "di-kick",
    ] {
        assert!(screen.contains(said), "{said}:\n{screen}");
    }
    assert!(!screen.contains("ui."), "{screen}");
    assert_screen!("indonesian_160x45", terminal);

    app.update(Action::ToggleHelp);
    let help = draw(&mut app, 80, 24).backend().to_string();
    assert!(
        help.contains("tombol apa pun menutup bantuan ini"),
        "{help}"
    );
    assert!(!help.contains("ui."), "{help}");
    assert_screen!("indonesian_help", draw(&mut app, 80, 24));
}

#[test]
fn many_clients_scroll_and_keep_the_count_visible() {
    let mut app = app(250, false);
    for _ in 0..3 {
        app.update(Action::PageDown);
    }
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("clients (250)") && screen.contains("31/250"),
        "{screen}"
    );
    assert_screen!("many_clients", terminal);
}

#[test]
fn log_focused() {
    let mut app = app(3, false);
    app.update(Action::ToggleFocus);
    assert_screen!("log_focused", draw(&mut app, 80, 24));
}

#[test]
fn theme_dark() {
    assert_styled_screen!("theme_dark", draw(&mut app(2, false), 80, 24));
}

#[test]
fn theme_light() {
    let mut app = app(2, false);
    app.update(Action::CycleTheme);
    assert_styled_screen!("theme_light", draw(&mut app, 80, 24));
}

#[test]
fn theme_high_contrast() {
    let mut app = app(2, true);
    app.options.theme = ThemeName::HighContrast;
    assert_styled_screen!("theme_high_contrast", draw(&mut app, 80, 24));
}

#[test]
fn no_color_keeps_reverse_video_and_drops_colour() {
    let mut app = app(2, true);
    app.no_color = true;
    let terminal = draw(&mut app, 80, 24);
    for cell in terminal.backend().buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    assert_styled_screen!("no_color", terminal);
}

#[test]
fn smaller_than_80x24_asks_for_more_room() {
    let terminal = draw(&mut app(3, false), 60, 20);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("enlarge it to at least 80x24"), "{screen}");
    assert_screen!("too_small", terminal);
}

/// The same load, served in `mode` with `delay`; clients from the third on are queued.
fn teaching(mode: Mode, delay: Duration) -> App {
    let mut app = app(5, false);
    let mut snapshot = app.snapshot.clone();
    snapshot.mode = mode;
    snapshot.delay = delay;
    for client in snapshot.clients.iter_mut().skip(match mode {
        Mode::Concurrent => 5,
        Mode::Sequential => 1,
        Mode::Pool(size) => size,
    }) {
        client.queued = true;
    }
    app.refresh(snapshot);
    app
}

#[test]
fn header_in_each_mode() {
    for (name, mode) in [
        ("mode_concurrent", Mode::Concurrent),
        ("mode_sequential", Mode::Sequential),
        ("mode_pool", Mode::Pool(2)),
    ] {
        let mut app = teaching(mode, Duration::from_millis(250));
        let terminal = draw(&mut app, 80, 24);
        let header: String = terminal
            .backend()
            .to_string()
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(name, header);
    }
}

#[test]
fn queued_clients_in_sequential_mode() {
    let mut app = teaching(Mode::Sequential, Duration::from_millis(500));
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert_eq!(
        screen.matches("queued ").count(),
        4 + 1,
        "four rows and the header count: {screen}"
    );
    assert_screen!("queued", terminal);
}

#[test]
fn the_conversation_panel() {
    let mut app = app(3, false);
    let served = |request: &'static [u8], reply, micros| Event::Served {
        id: 2,
        peer: "127.0.0.1:43002".parse().unwrap(),
        request: jamtui::server::Excerpt::of(request),
        reply,
        latency: Duration::from_micros(micros),
        at: std::time::SystemTime::UNIX_EPOCH,
    };
    let connected = Event::Connected {
        id: 2,
        peer: "127.0.0.1:43002".parse().unwrap(),
    };
    app.conversations.record(&connected, "23:19:49.870");
    app.conversations.record(
        &served(
            b"TIME\r\n",
            jamtui::server::Reply::Time(time_reply(23, 19, 50)),
            312,
        ),
        "23:19:50.002",
    );
    app.conversations.record(
        &served(
            b"hello\r\n",
            jamtui::server::Reply::Error(jamtui::protocol::ErrorReply::UnknownRequest),
            95,
        ),
        "23:19:50.517",
    );
    app.conversations.record(
        &served(b"QUIT\r\n", jamtui::server::Reply::Nothing, 40),
        "23:19:51.003",
    );
    app.update(Action::Down);
    app.update(Action::OpenConversation);
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains(r"b'TIME\r\n'") && screen.contains(r"JAM 23:19:50\r\n"),
        "{screen}"
    );
    assert_screen!("conversation", terminal);
}

#[test]
fn the_byte_view_shows_each_read_and_the_requests_framed_in_it() {
    use jamtui::server::{Excerpt, WireRead};
    let mut app = app(3, false);
    let read = |buffer: &'static [u8], read_start| Event::Read {
        id: 2,
        at: std::time::SystemTime::UNIX_EPOCH,
        read: WireRead::of(buffer, read_start),
    };
    let wrote = |bytes: &'static [u8]| Event::Wrote {
        id: 2,
        at: std::time::SystemTime::UNIX_EPOCH,
        bytes: Excerpt::of(bytes),
    };
    // A request in two reads, its reply; two requests in one read, their replies.
    app.conversations.record(&read(b"TI", 0), "23:19:50.001");
    app.conversations
        .record(&read(b"TIME\r\n", 2), "23:19:50.153");
    app.conversations
        .record(&wrote(b"JAM 23:19:50\r\n"), "23:19:50.153");
    app.conversations
        .record(&read(b"TIME\r\nTIME\r\n", 0), "23:19:51.004");
    app.conversations
        .record(&wrote(b"JAM 23:19:51\r\nJAM 23:19:51\r\n"), "23:19:51.004");
    app.update(Action::Down);
    app.update(Action::ToggleBytes);
    assert!(
        app.conversations.bytes_view,
        "b over the table opens the bytes"
    );
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    for seen in [
        r"b'TI'",
        r"b'ME\r\n'",
        r"end of b'TIME\r\n', begun earlier",
        r"2 requests: b'TIME\r\n' b'TIME\r\n'",
        r"b'JAM 23:19:50\r\n'",
        "one read is not one request",
    ] {
        assert!(screen.contains(seen), "{seen} missing from\n{screen}");
    }
    assert_screen!("byte_view", terminal);
    // At 80x24 too, what the framing found is read whole.
    let small = draw(&mut app, 80, 24).backend().to_string();
    for seen in [
        "no request yet: waiting for the rest",
        r"end of b'TIME\r\n', begun earlier",
        r"2 requests: b'TIME\r\n' b'TIME\r\n'",
    ] {
        assert!(
            small.contains(seen),
            "{seen} missing at 80x24 from\n{small}"
        );
    }
    // b again: the requests and replies.
    app.update(Action::ToggleBytes);
    let screen = draw(&mut app, 100, 30).backend().to_string();
    assert!(screen.contains("bytes (client"), "{screen}");
}

#[test]
fn privacy_hides_a_scoped_ipv6_address_in_the_conversation_panel() {
    let mut app = app(3, false);
    let peer: SocketAddr = "[fe80::1%4]:42675".parse().unwrap();
    app.conversations
        .record(&Event::Connected { id: 2, peer }, "23:19:49.870");
    app.update(Action::Down);
    app.update(Action::OpenConversation);
    let shown = draw(&mut app, 100, 30).backend().to_string();
    assert!(
        shown.contains("connected from [fe80::1%4]:42675"),
        "{shown}"
    );
    app.update(Action::TogglePrivacy);
    let hidden = draw(&mut app, 100, 30).backend().to_string();
    assert!(!hidden.contains("fe80::1"), "{hidden}");
    let label = Masker::HIDE.ip("fe80::1".parse().unwrap());
    assert!(label.starts_with("fe80:0:x:x:x:x:x:x~"), "{label}");
    assert!(
        hidden.contains(&format!("connected from [{label}]:42675")),
        "{hidden}"
    );
}

#[test]
fn the_machines_view_lists_every_machine_with_its_connections_added_up() {
    let mut app = app(3, false);
    app.update(Action::ToggleClientsView);
    app.update(Action::Down);
    let terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("machines (5, 2 open, 4 active)"),
        "{screen}"
    );
    assert!(
        screen.contains(" 2/5 "),
        "the second machine is selected: {screen}"
    );
    assert_screen!("machines_80x24", terminal);
    assert_screen!("machines_120x40", draw(&mut app, 120, 40));
    app.update(Action::TogglePrivacy);
    let screen = draw(&mut app, 120, 40).backend().to_string();
    assert!(!screen.contains("172.16.16."), "{screen}");
    assert!(screen.contains("172.16.x.x"), "{screen}");
}

#[test]
fn at_projector_sizes_the_address_to_connect_to_is_big_and_never_cut() {
    let mut app = app(3, false);
    let screen = draw(&mut app, 160, 45).backend().to_string();
    assert!(screen.contains("students connect to"), "{screen}");
    let small = draw(&mut app, 120, 39).backend().to_string();
    assert!(!small.contains("students connect to"), "{small}");
    // An address too long for big letters stays in the header only.
    app.server.reachable = vec![
        "[2001:db8:1234:5678:9abc:def0:1234:5678]:45000"
            .parse()
            .unwrap(),
    ];
    let long = draw(&mut app, 160, 45).backend().to_string();
    assert!(!long.contains("students connect to"), "{long}");
    // Nobody else can reach it: nothing to show.
    app.server.reachable.clear();
    let alone = draw(&mut app, 160, 45).backend().to_string();
    assert!(!alone.contains("students connect to"), "{alone}");
    assert!(alone.contains("(this machine only)"), "{alone}");
}

#[test]
fn the_whole_time_is_readable_at_the_smallest_size() {
    for theme in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
        for ascii in [false, true] {
            let mut app = app(3, false);
            app.options.theme = theme;
            app.options.ascii = ascii;
            let screen = draw(&mut app, 80, 24).backend().to_string();
            // In the clock's panel, not in a log line that happens to tell the same time.
            let clock_panel: Vec<&str> = screen
                .lines()
                .filter(|line| !line.contains("[SERVER]"))
                .collect();
            assert!(
                clock_panel.iter().any(|line| line.contains("JAM 23:19:50")),
                "{theme:?} ascii {ascii}:\n{screen}"
            );
        }
    }
}

#[test]
fn the_header_says_where_students_connect() {
    let mut app = app(3, false);
    let narrow = draw(&mut app, 80, 24).backend().to_string();
    let first = narrow.lines().next().unwrap();
    assert!(
        first.contains("connect to 192.168.1.20:45000 (+1)"),
        "{first}"
    );
    assert!(!first.contains("0.0.0.0"), "{first}");
    let wide = draw(&mut app, 120, 40).backend().to_string();
    let first = wide.lines().next().unwrap();
    assert!(
        first.contains("connect to 192.168.1.20:45000, 10.0.0.5:45000"),
        "{first}"
    );
    app.server.reachable.clear();
    let alone = draw(&mut app, 100, 30).backend().to_string();
    let first = alone.lines().next().unwrap();
    assert!(
        first.contains("0.0.0.0:45000 (this machine only)"),
        "{first}"
    );
}

#[test]
fn privacy_masks_every_address_on_screen() {
    let mut app = app(3, false);
    app.update(Action::TogglePrivacy);
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert!(!screen.contains("127.0.0.1"), "{screen}");
    let hidden = Masker::HIDE.ip("127.0.0.1".parse().unwrap());
    assert!(hidden.starts_with("127.0.x.x~"), "{hidden}");
    assert!(
        screen.contains(&format!("{hidden}:43001"))
            && screen.contains(&format!("('{hidden}', 43256)")),
        "{screen}"
    );
    assert!(screen.contains("addresses hidden"));
    assert_screen!("privacy", terminal);
}

#[test]
fn frozen_and_read_only_are_labelled() {
    let mut app = app(3, true);
    app.options.read_only = true;
    app.update(Action::ToggleFreeze);
    app.update(Action::Kick);
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("FROZEN") && screen.contains("PAUSED") && screen.contains("READ-ONLY"));
    assert!(
        !screen.contains(" k kick"),
        "read-only hides the keys that change the server"
    );
    assert_screen!("frozen_read_only", terminal);
}

#[test]
fn ascii_mode_draws_with_plain_characters() {
    let mut app = app(3, false);
    app.options.ascii = true;
    let terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    let log_free: String = screen
        .lines()
        .filter(|line| !line.contains("[SERVER]"))
        .collect();
    assert!(log_free.is_ascii(), "{screen}");
    assert!(screen.contains("JAM 23:19:50"));
    assert_screen!("ascii", terminal);
    // The conversation panel too.
    app.conversations.record(
        &Event::Connected {
            id: 1,
            peer: "127.0.0.1:43001".parse().unwrap(),
        },
        "23:19:49.870",
    );
    app.update(Action::OpenConversation);
    let screen = draw(&mut app, 80, 24).backend().to_string();
    assert!(
        screen.contains("bytes (client > server, < reply)"),
        "{screen}"
    );
    let log_free: String = screen
        .lines()
        .filter(|line| !line.contains("[SERVER]"))
        .collect();
    assert!(log_free.is_ascii(), "{screen}");
}

#[test]
fn a_scrolled_log_says_so() {
    let mut app = app(3, false);
    app.update(Action::ToggleFocus);
    app.update(Action::PageUp);
    let terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("scrolled: End follows"), "{screen}");
    assert_screen!("log_scrolled", terminal);
}

#[test]
fn a_log_search_shows_its_matches_with_the_query_highlighted() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = app(3, false);
    app.update(Action::StartSearch);
    for c in "closing".chars() {
        app.type_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let prompt = draw(&mut app, 100, 30).backend().to_string();
    assert!(prompt.contains("search the log: closing_"), "{prompt}");
    app.type_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let line = |n: u16, reason: &str| jamtui::log::LogLine {
        // 23:19:5n in Jakarta.
        at: 1_795_623_590 + i64::from(n),
        level: tracing::Level::WARN,
        message: format!(
            "[SERVER] closing connection with {} ({reason})",
            mark(SocketAddr::from(([127, 0, 0, 1], 43000 + n)))
        ),
    };
    app.show_matches(vec![
        line(1, "quit"),
        line(2, "kicked"),
        line(3, "idle timeout"),
    ]);
    app.update(Action::PreviousMatch);
    let terminal = draw(&mut app, 100, 30);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("search 'closing': 2 of 3"), "{screen}");
    assert!(
        screen.contains(">23:19:52 [SERVER] closing connection"),
        "{screen}"
    );
    assert_styled_screen!("log_search", terminal);
}

#[test]
fn a_recently_closed_connection_is_listed_dimmed_with_how_it_ended_and_cannot_be_kicked() {
    let mut app = app(3, false);
    let at = app.snapshot.at;
    let mut snapshot = app.snapshot.clone();
    snapshot.clients[2].closed = Some(jamtui::server::Closed {
        at,
        reason: GoneReason::Quit,
    });
    app.refresh(snapshot);
    let screen = draw(&mut app, 100, 30).backend().to_string();
    assert!(
        screen.contains("clients (2 open, 1 recently closed)"),
        "{screen}"
    );
    assert!(screen.contains("closed: quit"), "{screen}");
    app.update(Action::End);
    assert_eq!(app.update(Action::Kick), None, "nothing to kick");
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.contains("already closed (quit)"), "{notice}");
    app.update(Action::OpenConversation);
    assert_eq!(
        app.conversations.shown,
        Some(3),
        "its conversation still opens"
    );
}

#[test]
fn at_80x24_the_view_states_and_the_key_hints_stay_on_screen() {
    let mut app = app(3, false);
    app.update(Action::ToggleFreeze);
    app.update(Action::TogglePrivacy);
    app.notice = Some(
        "exported 3 rows to /home/lecturer/Documents/kelas-jaringan/jamtui-clients-20261207-091500.csv"
            .into(),
    );
    let screen = draw(&mut app, 80, 24).backend().to_string();
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines[1];
    assert!(
        header.contains("FROZEN (f)") && header.contains("hidden (h)"),
        "{header}"
    );
    let footer = lines[23];
    assert!(
        footer.contains("? help") && footer.contains("q quit"),
        "{footer}"
    );
    assert!(
        footer.contains("091500.csv"),
        "the file's name shows: {footer}"
    );
}
