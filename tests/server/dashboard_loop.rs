//! The dashboard's loop against a real server, with scripted key presses and a TestBackend.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{TestServer, WAIT, assert_time_reply, config};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use jamtui::dashboard::{App, ClientsView, ServerInfo};
use jamtui::dashboard::{Feeds, Options, run_loop, snapshot};
use jamtui::log::LogHistory;
use jamtui::server::ServerHandle;
use jamtui::text::Privacy;
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

/// Keys pressed into the loop, as the terminal would send them.
type Keys = mpsc::UnboundedSender<std::io::Result<Event>>;

/// Runs the dashboard's loop against `handle` on a TestBackend while `script` presses keys and
/// talks to the server; the script must end with the key that quits, and the loop end in time.
async fn with_dashboard<Script>(
    handle: &ServerHandle,
    script: impl FnOnce(Keys) -> Script,
) -> (App, Terminal<TestBackend>)
where
    Script: Future<Output = ()>,
{
    let mut app = App::new(
        ServerInfo::of(handle),
        Options::default(),
        snapshot(handle, ClientsView::Connections),
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (keys, received) = mpsc::unbounded_channel();
    let input = Box::pin(futures_util::stream::unfold(
        received,
        |mut received| async { received.recv().await.map(|event| (event, received)) },
    ));
    let feeds = Feeds {
        history: LogHistory::default(),
        privacy: Privacy::default(),
        demo_peers: &HashSet::new,
    };
    let stop = std::future::pending();
    let looping = run_loop(&mut terminal, input, handle, &feeds, stop, &mut app);
    let (shown, ()) = tokio::join!(tokio::time::timeout(WAIT, looping), script(keys));
    shown.expect("q ends the loop in time").unwrap();
    (app, terminal)
}

#[tokio::test]
async fn keys_pause_resume_kick_and_quit() {
    let server = &TestServer::start(config()).await;
    let handle = &server.handle;
    let (app, terminal) = with_dashboard(handle, |keys| async move {
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
    })
    .await;
    assert!(app.quit);
    let screen = terminal.backend().to_string();
    let listening = format!("listening {}", handle.local_addr());
    assert!(
        screen.contains("SERVING") && screen.contains(&listening),
        "{screen}"
    );
}

/// `hh:mm:ss.mmm` as milliseconds of the day.
fn millis_of(stamp: &str) -> i64 {
    let (clock, millis) = stamp.split_once('.').expect("hh:mm:ss.mmm");
    let seconds: Vec<i64> = clock.split(':').map(|n| n.parse().unwrap()).collect();
    ((seconds[0] * 60 + seconds[1]) * 60 + seconds[2]) * 1000 + millis.parse::<i64>().unwrap()
}

#[tokio::test]
async fn the_conversation_shows_each_request_and_reply_at_its_own_time() {
    let server = &TestServer::start(config()).await;
    let handle = &server.handle;
    handle.set_delay(Duration::from_millis(400));
    let (app, _) = with_dashboard(handle, |keys| async move {
        let mut client = server.client().await;
        server.wait_for_counters(|c| c.active == 1).await;
        // Let the table show the client, then open its conversation.
        tokio::time::sleep(Duration::from_millis(300)).await;
        keys.send(key(KeyCode::Enter)).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        for _ in 0..3 {
            client.ask_time().await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        keys.send(key(KeyCode::Char('q'))).unwrap();
        keys.send(key(KeyCode::Char('q'))).unwrap();
    })
    .await;
    let id = handle
        .recently_closed()
        .first()
        .or(handle.clients().first())
        .map(|client| client.id)
        .unwrap_or(1);
    let rows = app.conversations.of(id).expect("the conversation was kept");
    let stamps: Vec<(String, i64)> = rows
        .iter()
        .filter(|row| row.text.contains("TIME") || row.text.contains("JAM"))
        .map(|row| (row.text.clone(), millis_of(&row.at)))
        .collect();
    assert_eq!(stamps.len(), 6, "{stamps:?}");
    // Each reply is stamped when it was written, the delay after its request: not both at the
    // moment the screen drew them.
    for pair in stamps.chunks(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!((350..=1000).contains(&gap), "{pair:?}");
    }
}
