//! The dashboard's loop against a real server, with scripted key presses and a TestBackend.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{TestServer, WAIT, assert_time_reply, config};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use jamtui::dashboard::app::{App, ClientsView, ServerInfo};
use jamtui::dashboard::{Feeds, Options, run_loop, snapshot};
use jamtui::log::history::LogHistory;
use jamtui::text::mask::Privacy;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

fn key(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn keys_pause_resume_kick_and_quit() {
    let server = TestServer::start(config()).await;
    let handle = server.handle.clone();
    let mut app = App::new(
        ServerInfo::of(&handle),
        Options::default(),
        snapshot(&handle, ClientsView::Connections),
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (keys, received) = mpsc::unbounded_channel();
    let input = Box::pin(futures_util::stream::unfold(
        received,
        |mut received| async { received.recv().await.map(|event| (event, received)) },
    ));

    let script = async {
        let mut client = server.client().await;
        client.ask_time().await;

        keys.send(key(KeyCode::Char('p'))).unwrap();
        eventually("p pauses", || handle.is_paused()).await;
        client.send(b"TIME\r\n").await;
        client.expect_silence(Duration::from_millis(200)).await;
        keys.send(key(KeyCode::Char(' '))).unwrap();
        assert_time_reply(&client.line().await);
        assert!(!handle.is_paused());

        // Any key closes the help, and only closes it: the next key acts.
        for code in [KeyCode::Char('?'), KeyCode::Char('x'), KeyCode::Char('p')] {
            keys.send(key(code)).unwrap();
        }
        eventually("p pauses after the help was closed", || handle.is_paused()).await;
        keys.send(key(KeyCode::Char('p'))).unwrap();
        eventually("p resumes", || !handle.is_paused()).await;

        // The client is the only row, so it is selected.
        keys.send(key(KeyCode::Char('k'))).unwrap();
        client.expect_closed().await;
        server.wait_for_counters(|c| c.active == 0).await;

        keys.send(key(KeyCode::Char('q'))).unwrap();
    };
    let feeds = Feeds {
        history: LogHistory::default(),
        privacy: Privacy::default(),
        demo_peers: &HashSet::new,
    };
    let (shown, ()) = tokio::join!(
        tokio::time::timeout(
            WAIT,
            run_loop(
                &mut terminal,
                input,
                &handle,
                &feeds,
                std::future::pending(),
                &mut app
            )
        ),
        script
    );
    shown.expect("q ends the loop in time").unwrap();
    assert!(app.quit);
    let screen = terminal.backend().to_string();
    let listening = format!("listening {}", handle.local_addr());
    assert!(
        screen.contains("SERVING") && screen.contains(&listening),
        "{screen}"
    );
}
