//! Defects found by trying to break jamtui as a hostile student or a careless lecturer would,
//! each proved fixed here: over real TCP, or with the real binary.

mod common;

use std::time::Duration;

use common::{TestServer, assert_one_line_error, assert_time_reply, config, finish, jamtui};
use jamtui::server::Config;

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
    let dir = common::no_user_config().join("huge-idle");
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
    client.send(b"TIME\r\n").await;
    assert_time_reply(&client.line().await);
    let mut second = server.client().await;
    second.send(b"TIME\r\n").await;
    assert_time_reply(&second.line().await);
}
