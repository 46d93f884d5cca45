//! Each client's exchange with the server, built from the server's events, for the panel that
//! zooms into one client.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

use crate::server::{ClientId, Event, Reply};
use crate::text::pyrepr;

/// Exchanges kept per client (the oldest go first).
const KEPT: usize = 100;

/// Bytes of a request shown at most; a longer one is cut, and says how long it was (a hostile
/// client's kilobyte lines must not fill the dashboard's memory).
const REQUEST_SHOWN: usize = 64;

/// Bytes of text kept for all the conversations together; past this, the conversations of the
/// clients that connected first are forgotten (not the one on screen).
const TOTAL_KEPT: usize = 4 << 20;

/// One line of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Wall-clock time, `hh:mm:ss.mmm`.
    pub at: String,
    pub direction: Direction,
    /// The bytes in the assignment's notation: `b'TIME\r\n'` in, `JAM 23:19:50\r\n` out.
    pub text: String,
    /// For replies: from reading the request to writing the reply.
    pub latency: Option<Duration>,
    /// For the note of a connection: the client's address, written after `text` when shown.
    pub peer: Option<SocketAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client to server.
    In,
    /// Server to client.
    Out,
    /// Connected, closed.
    Note,
}

#[derive(Debug, Default)]
pub struct Conversations {
    /// The client whose conversation is on screen: it outlives the connection.
    pub shown: Option<ClientId>,
    /// Oldest client first.
    by_client: BTreeMap<ClientId, VecDeque<Exchange>>,
    /// The bytes of text kept, for `TOTAL_KEPT`.
    bytes: usize,
    /// Events the dashboard did not see (it fell behind); conversations may have gaps.
    pub skipped: u64,
}

impl Conversations {
    pub fn of(&self, id: ClientId) -> Option<&VecDeque<Exchange>> {
        self.by_client.get(&id)
    }

    /// Takes one server event. `at` is the wall-clock time to show.
    pub fn record(&mut self, event: &Event, at: &str) {
        match event {
            Event::Connected { id, peer } => {
                self.push(
                    *id,
                    Exchange {
                        peer: Some(*peer),
                        ..note(at, "connected from".into())
                    },
                );
            }
            Event::Served {
                id,
                request,
                reply,
                latency,
                ..
            } => {
                self.push(
                    *id,
                    Exchange {
                        at: at.to_string(),
                        direction: Direction::In,
                        text: pyrepr::bytes_cut(request, REQUEST_SHOWN),
                        latency: None,
                        peer: None,
                    },
                );
                let sent = match reply {
                    Reply::Time(bytes) => &bytes[..],
                    Reply::Error(error) => error.bytes(),
                    Reply::Nothing => return,
                };
                self.push(
                    *id,
                    Exchange {
                        at: at.to_string(),
                        direction: Direction::Out,
                        text: pyrepr::escaped(sent),
                        latency: Some(*latency),
                        peer: None,
                    },
                );
            }
            // Kept while the table lists the closed connection (`keep_only` sweeps it after).
            Event::Gone { id, reason, .. } => {
                self.push(*id, note(at, format!("connection closed ({reason})")));
            }
            _ => {}
        }
    }

    /// Forgets the conversation of a client that is gone (once its panel closes).
    pub fn forget(&mut self, id: ClientId) {
        if let Some(exchanges) = self.by_client.remove(&id) {
            self.bytes -= exchanges.iter().map(Exchange::size).sum::<usize>();
        }
    }

    /// Keeps the conversations of the clients still connected (`connected`, in id order) and the
    /// one on screen: those whose end the dashboard missed, falling behind, go too.
    pub fn keep_only(&mut self, connected: &[ClientId]) {
        let gone: Vec<ClientId> = self
            .by_client
            .keys()
            .filter(|&&id| Some(id) != self.shown && connected.binary_search(&id).is_err())
            .copied()
            .collect();
        for id in gone {
            self.forget(id);
        }
    }

    /// The bytes of text kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn push(&mut self, id: ClientId, exchange: Exchange) {
        self.bytes += exchange.size();
        let exchanges = self.by_client.entry(id).or_default();
        if exchanges.len() == KEPT
            && let Some(oldest) = exchanges.pop_front()
        {
            self.bytes -= oldest.size();
        }
        exchanges.push_back(exchange);
        while self.bytes > TOTAL_KEPT {
            let oldest = self
                .by_client
                .keys()
                .find(|&&other| Some(other) != self.shown);
            let Some(&oldest) = oldest else {
                break;
            };
            self.forget(oldest);
        }
    }
}

impl Exchange {
    fn size(&self) -> usize {
        self.at.len() + self.text.len()
    }
}

fn note(at: &str, text: String) -> Exchange {
    Exchange {
        at: at.to_string(),
        direction: Direction::Note,
        text,
        latency: None,
        peer: None,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::protocol::{ErrorReply, time_reply};
    use crate::server::GoneReason;

    fn served(id: ClientId, request: &'static [u8], reply: Reply) -> Event {
        Event::Served {
            id,
            peer: "127.0.0.1:43256".parse().unwrap(),
            request: Bytes::from_static(request),
            reply,
            latency: Duration::from_micros(310),
        }
    }

    #[test]
    fn an_exchange_reads_like_the_assignment() {
        let mut conversations = Conversations::default();
        conversations.record(
            &served(1, b"TIME\r\n", Reply::Time(time_reply(23, 19, 50))),
            "23:19:50.000",
        );
        conversations.record(
            &served(1, b"HELLO\r\n", Reply::Error(ErrorReply::UnknownRequest)),
            "23:19:51.000",
        );
        conversations.record(&served(1, b"QUIT\r\n", Reply::Nothing), "23:19:52.000");
        let texts: Vec<(Direction, &str)> = conversations
            .of(1)
            .unwrap()
            .iter()
            .map(|e| (e.direction, e.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (Direction::In, r"b'TIME\r\n'"),
                (Direction::Out, r"JAM 23:19:50\r\n"),
                (Direction::In, r"b'HELLO\r\n'"),
                (
                    Direction::Out,
                    r"ERR unknown request, expected TIME or QUIT\r\n"
                ),
                (Direction::In, r"b'QUIT\r\n'"),
            ]
        );
        assert_eq!(
            conversations.of(1).unwrap()[1].latency,
            Some(Duration::from_micros(310))
        );
    }

    #[test]
    fn memory_is_bounded_in_bytes_and_missed_ends_are_swept() {
        let mut conversations = Conversations::default();
        let hostile = [0xff; 1024];
        for id in 1..=400 {
            for _ in 0..50 {
                conversations.record(
                    &Event::Served {
                        id,
                        peer: "127.0.0.1:1".parse().unwrap(),
                        request: Bytes::copy_from_slice(&hostile),
                        reply: Reply::Error(ErrorReply::NotUtf8),
                        latency: Duration::ZERO,
                    },
                    "23:19:50.000",
                );
            }
        }
        // 4 MiB in all, the oldest clients' conversations forgotten first.
        assert!(
            conversations.bytes() <= 4 << 20,
            "{}",
            conversations.bytes()
        );
        assert!(conversations.of(1).is_none());
        let shown = &conversations.of(400).unwrap()[0].text;
        assert!(
            shown.ends_with("... (1024 bytes)") && shown.len() < 300,
            "{shown}"
        );
        // The dashboard fell behind and missed the ends of every client but 400.
        conversations.shown = Some(399);
        conversations.keep_only(&[400]);
        assert!(conversations.of(398).is_none());
        assert!(conversations.of(399).is_some(), "the one on screen stays");
        assert!(conversations.of(400).is_some());
        let kept: usize = [399, 400]
            .iter()
            .flat_map(|&id| conversations.of(id).unwrap())
            .map(Exchange::size)
            .sum();
        assert_eq!(conversations.bytes(), kept);
    }

    #[test]
    fn a_closed_connections_conversation_lasts_while_listed_and_history_is_bounded() {
        let mut conversations = Conversations::default();
        for _ in 0..200 {
            conversations.record(
                &served(1, b"TIME\r\n", Reply::Time(time_reply(0, 0, 0))),
                "t",
            );
            conversations.record(
                &served(2, b"TIME\r\n", Reply::Time(time_reply(0, 0, 0))),
                "t",
            );
        }
        assert_eq!(conversations.of(1).unwrap().len(), KEPT);
        let gone = |id| Event::Gone {
            id,
            peer: "127.0.0.1:1".parse().unwrap(),
            reason: GoneReason::Quit,
        };
        conversations.shown = Some(1);
        conversations.record(&gone(1), "t");
        conversations.record(&gone(2), "t");
        assert!(
            conversations
                .of(1)
                .unwrap()
                .back()
                .unwrap()
                .text
                .contains("closed (quit)")
        );
        assert!(
            conversations.of(2).is_some(),
            "its closed row may still be listed"
        );
        // Once the table no longer lists them, only the one on screen stays.
        conversations.keep_only(&[]);
        assert!(conversations.of(1).is_some());
        assert!(conversations.of(2).is_none());
    }
}
