//! A real terminal for end-to-end tests: jamtui in a tmux pane of its own, keys sent to it, the
//! screen read back. Every wait is bounded.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::WAIT;

/// A tmux server of this test's own, with one pane running jamtui.
pub struct Pane {
    socket: String,
    status_file: PathBuf,
}

impl Pane {
    pub fn start(args: &str) -> Pane {
        Pane::start_with_env("", args)
    }

    /// `env` is `NAME=value ...` for jamtui's environment.
    pub fn start_with_env(env: &str, args: &str) -> Pane {
        Pane::start_sized((100, 30), env, args)
    }

    /// In a terminal of `(columns, rows)`.
    pub fn start_sized(size: (u16, u16), env: &str, args: &str) -> Pane {
        static PANES: AtomicUsize = AtomicUsize::new(0);
        let number = PANES.fetch_add(1, Ordering::Relaxed);
        let socket = format!("jamtui-e2e-{}-{number}", std::process::id());
        let status_file = std::env::temp_dir().join(format!("{socket}.status"));
        let _ = std::fs::remove_file(&status_file);
        // The pane outlives jamtui, so the screen and terminal modes it leaves behind can be
        // read: the status file holds the exit status, then the `stty -a` that followed.
        let command = format!(
            "RUST_BACKTRACE=0 HOME={home} XDG_CONFIG_HOME={home} LC_ALL= LC_MESSAGES= LANG=C.UTF-8 {env} {} {args}; echo $? > {status}.tmp; stty -a >> {status}.tmp; mv {status}.tmp {status}; exec sleep 60",
            env!("CARGO_BIN_EXE_jamtui"),
            status = status_file.display(),
            home = super::no_user_config().display()
        );
        let pane = Pane {
            socket,
            status_file,
        };
        let (columns, rows) = (size.0.to_string(), size.1.to_string());
        pane.tmux(&["new-session", "-d", "-x", &columns, "-y", &rows, &command]);
        pane
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs (CI installs it)");
        assert!(output.status.success(), "tmux {args:?}: {output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    pub fn press(&self, key: &str) {
        self.tmux(&["send-keys", key]);
    }

    /// Waits until the pane shows `needle`; returns the screen.
    pub async fn wait_for(&self, needle: &str) -> String {
        self.wait_for_within(needle, WAIT).await
    }

    /// Whether jamtui has exited.
    pub fn has_exited(&self) -> bool {
        self.status_file.exists()
    }

    /// Waits until the pane no longer shows `needle`; returns the screen.
    pub async fn wait_until_gone(&self, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the pane still shows {needle:?}:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits up to `limit` until the pane shows `needle`; returns the screen.
    pub async fn wait_for_within(&self, needle: &str, limit: Duration) -> String {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the pane never showed {needle:?}:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// jamtui's exit status, and the terminal's modes (`stty -a`) after it.
    pub async fn exit_status(&self) -> (String, String) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(written) = std::fs::read_to_string(&self.status_file) {
                let (status, modes) = written.split_once('\n').unwrap_or((&written, ""));
                return (status.to_string(), modes.to_string());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "jamtui did not exit:\n{}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        let _ = std::fs::remove_file(&self.status_file);
    }
}

/// The port on a dashboard's header (`listening 127.0.0.1:PORT`).
pub fn port_on_screen(screen: &str) -> u16 {
    screen
        .split("listening 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no listening address on screen:\n{screen}"))
}
