//! The recent log lines, kept searchable: tui-logger shows the log but cannot search it, so this
//! tracing layer keeps the last lines' text for the dashboard's `/` search.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tracing::{Level, Subscriber};

/// Lines kept (as many as tui-logger's own main buffer).
const KEPT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// When it was logged, in Unix seconds (shown in the clock's zone).
    pub at: i64,
    pub level: Level,
    /// Client addresses marked, to be written by a `Masker`.
    pub message: String,
}

/// Shared between the tracing layer that fills it and the dashboard that searches it.
#[derive(Debug, Clone, Default)]
pub struct LogHistory {
    lines: Arc<Mutex<VecDeque<LogLine>>>,
}

impl LogHistory {
    pub fn push(&self, line: LogLine) {
        if let Ok(mut lines) = self.lines.lock() {
            if lines.len() == KEPT {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }

    /// The kept lines that contain `query` (ignoring case) as `write` writes them (the marked
    /// addresses in their messages masked or named), oldest first: a hidden address cannot be
    /// found by searching for it.
    pub fn search(&self, query: &str, write: impl Fn(&str) -> String) -> Vec<LogLine> {
        let query = query.to_ascii_lowercase();
        self.lines
            .lock()
            .map(|lines| {
                lines
                    .iter()
                    .filter(|line| write(&line.message).to_ascii_lowercase().contains(&query))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for LogHistory {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut message = String::new();
        if super::format::write_message(event, &mut message).is_ok() {
            self.push(LogLine {
                at: crate::time::unix_now(),
                level: *event.metadata().level(),
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Masker;

    fn line(message: &str) -> LogLine {
        LogLine {
            at: 1_795_648_790,
            level: Level::WARN,
            message: message.into(),
        }
    }

    #[test]
    fn search_ignores_case_and_keeps_order_and_the_history_is_bounded() {
        let history = LogHistory::default();
        history.push(line("connection from ('127.0.0.1', 1)"));
        history.push(line("[SERVER] sending JAM 23:19:50 to ('127.0.0.1', 1)"));
        history.push(line(
            "[SERVER] closing connection with ('127.0.0.1', 1) (quit)",
        ));
        let found = history.search("CONNECTION", |message| {
            Masker::SHOW.render(message).into_owned()
        });
        assert_eq!(found.len(), 2);
        assert!(found[0].message.starts_with("connection from"));
        for _ in 0..KEPT {
            history.push(line("filler"));
        }
        assert!(
            history
                .search("connection", |message| Masker::SHOW
                    .render(message)
                    .into_owned())
                .is_empty()
        );
        assert_eq!(
            history
                .search("filler", |message| Masker::SHOW
                    .render(message)
                    .into_owned())
                .len(),
            KEPT
        );
    }

    #[test]
    fn a_hidden_address_cannot_be_found() {
        let history = LogHistory::default();
        let peer = "172.16.16.102:43256".parse().unwrap();
        history.push(line(&format!(
            "connection from {}",
            crate::text::mark(peer)
        )));
        assert_eq!(
            history
                .search("16.102", |message| Masker::SHOW
                    .render(message)
                    .into_owned())
                .len(),
            1
        );
        assert!(
            history
                .search("16.102", |message| Masker::HIDE
                    .render(message)
                    .into_owned())
                .is_empty()
        );
        assert_eq!(
            history
                .search("172.16.x.x", |message| Masker::HIDE
                    .render(message)
                    .into_owned())
                .len(),
            1
        );
    }
}
