//! Each client's exchange with the server, built from the server's events, for the panel that
//! zooms into one client: the requests and replies, and (while the panel is open, the server
//! publishes them) the bytes as they arrived, one read at a time.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

use crate::lang::{Lang, said};
use crate::server::{ClientId, Event, Reply, WireRead};
use crate::text::pyrepr;

/// Exchanges, and reads and writes, kept per client (the oldest go first).
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

/// One read from the client's socket, or one flush of replies to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRow {
    /// Wall-clock time of the read or write, `hh:mm:ss.mmm`.
    pub at: String,
    /// `In`: read; `Out`: written.
    pub direction: Direction,
    /// Bytes read or written.
    pub size: usize,
    /// The bytes as Python's repr writes them.
    pub bytes: String,
    /// What the framing found in a read.
    pub found: String,
    /// The read did not hold exactly one whole request: a request in pieces, or several.
    pub marked: bool,
}

impl WireRow {
    fn size(&self) -> usize {
        self.at.len() + self.bytes.len() + self.found.len()
    }
}

/// What the framing made of one read, in a sentence: the lesson of the byte view.
fn found(read: &WireRead, lang: Lang) -> String {
    let named: Vec<String> = read
        .requests
        .iter()
        .map(|request| pyrepr::bytes_head(&request.head, request.len))
        .collect();
    let more = if read.completed > named.len() {
        " ..."
    } else {
        ""
    };
    let mut found = match (read.completed, read.first_began_earlier) {
        (0, _) => said!(lang, "ui.found.none"),
        (1, true) => said!(lang, "ui.found.end", request = named[0]),
        (1, false) => said!(lang, "ui.found.one", request = named[0]),
        (count, earlier) => said!(
            lang,
            "ui.found.many",
            count = count,
            requests = named.join(" "),
            more = more,
            earlier = match earlier {
                true => said!(lang, "ui.found.first_earlier"),
                false => String::new(),
            }
        ),
    };
    if read.completed > 0 && read.unfinished > 0 {
        found.push_str(&said!(lang, "ui.found.one_more"));
    }
    found
}

/// What is kept of one client.
#[derive(Debug, Default)]
struct Kept {
    exchanges: VecDeque<Exchange>,
    wire: VecDeque<WireRow>,
}

impl Kept {
    fn size(&self) -> usize {
        let exchanges: usize = self.exchanges.iter().map(Exchange::size).sum();
        exchanges + self.wire.iter().map(WireRow::size).sum::<usize>()
    }
}

/// Adds to the back, the oldest going past `KEPT`; returns the bytes of text added (less what
/// went).
fn push_bounded<T>(rows: &mut VecDeque<T>, row: T, size: fn(&T) -> usize) -> isize {
    let mut added = size(&row) as isize;
    if rows.len() == KEPT
        && let Some(oldest) = rows.pop_front()
    {
        added -= size(&oldest) as isize;
    }
    rows.push_back(row);
    added
}

#[derive(Debug, Default)]
pub struct Conversations {
    /// The client whose conversation is on screen: it outlives the connection.
    pub shown: Option<ClientId>,
    /// The panel shows the bytes as they arrived rather than the requests and replies.
    pub bytes_view: bool,
    /// Oldest client first.
    by_client: BTreeMap<ClientId, Kept>,
    /// The bytes of text kept, for `TOTAL_KEPT`.
    bytes: usize,
    /// Events the dashboard did not see (it fell behind); conversations may have gaps.
    pub skipped: u64,
    /// The language of the notes and of what the framing found, written as events come.
    pub lang: Lang,
}

/// The wall-clock times a server event is shown at, `hh:mm:ss.mmm`: its own, and for an
/// answered request, when the request arrived.
#[derive(Debug, Clone, Copy)]
pub struct Stamps<'a> {
    pub at: &'a str,
    pub request_at: &'a str,
}

impl<'a> From<&'a str> for Stamps<'a> {
    fn from(at: &'a str) -> Stamps<'a> {
        Stamps { at, request_at: at }
    }
}

impl Conversations {
    pub fn of(&self, id: ClientId) -> Option<&VecDeque<Exchange>> {
        self.by_client.get(&id).map(|kept| &kept.exchanges)
    }

    /// The reads and writes of a client, as the server published them while it was watched.
    pub fn wire_of(&self, id: ClientId) -> Option<&VecDeque<WireRow>> {
        self.by_client.get(&id).map(|kept| &kept.wire)
    }

    /// None yet; their notes will be written in `lang`.
    pub fn in_language(lang: Lang) -> Conversations {
        Conversations {
            lang,
            ..Conversations::default()
        }
    }

    /// Takes one server event, stamped `at` (a request with its own arrival time).
    pub fn record<'a>(&mut self, event: &Event, stamps: impl Into<Stamps<'a>>) {
        let Stamps { at, request_at } = stamps.into();
        match event {
            Event::Connected { id, peer } => {
                self.push(
                    *id,
                    Exchange {
                        peer: Some(*peer),
                        ..note(at, said!(self.lang, "ui.conversation.connected_from"))
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
                        at: request_at.to_string(),
                        direction: Direction::In,
                        text: pyrepr::bytes_head(
                            &request.head[..request.head.len().min(REQUEST_SHOWN)],
                            request.len,
                        ),
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
            Event::Read { id, read, .. } => self.push_wire(
                *id,
                WireRow {
                    at: at.to_string(),
                    direction: Direction::In,
                    size: read.bytes.len,
                    bytes: pyrepr::bytes_head(&read.bytes.head, read.bytes.len),
                    found: found(read, self.lang),
                    marked: read.completed != 1 || read.first_began_earlier || read.unfinished > 0,
                },
            ),
            Event::Wrote { id, bytes, .. } => self.push_wire(
                *id,
                WireRow {
                    at: at.to_string(),
                    direction: Direction::Out,
                    size: bytes.len,
                    bytes: pyrepr::bytes_head(&bytes.head, bytes.len),
                    found: String::new(),
                    marked: false,
                },
            ),
            // Kept while the table lists the closed connection (`keep_only` sweeps it after).
            Event::Gone { id, reason, .. } => {
                let reason = crate::dashboard::words::gone(reason, self.lang);
                let closed = said!(self.lang, "ui.conversation.closed", reason = reason);
                self.push(*id, note(at, closed));
            }
            _ => {}
        }
    }

    /// Forgets the conversation of a client that is gone (once its panel closes).
    pub fn forget(&mut self, id: ClientId) {
        if let Some(kept) = self.by_client.remove(&id) {
            self.bytes -= kept.size();
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
        let kept = self.by_client.entry(id).or_default();
        let added = push_bounded(&mut kept.exchanges, exchange, Exchange::size);
        self.grew(added);
    }

    fn push_wire(&mut self, id: ClientId, row: WireRow) {
        let kept = self.by_client.entry(id).or_default();
        let added = push_bounded(&mut kept.wire, row, WireRow::size);
        self.grew(added);
    }

    /// Counts text added, and forgets the oldest clients' conversations past `TOTAL_KEPT`.
    fn grew(&mut self, added: isize) {
        self.bytes = self.bytes.saturating_add_signed(added);
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

    use super::*;
    use crate::protocol::{ErrorReply, time_reply};
    use crate::server::GoneReason;

    fn served(id: ClientId, request: &'static [u8], reply: Reply) -> Event {
        Event::Served {
            id,
            peer: "127.0.0.1:43256".parse().unwrap(),
            request: crate::server::Excerpt::of(request),
            reply,
            latency: Duration::from_micros(310),
            at: std::time::SystemTime::UNIX_EPOCH,
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
                        request: crate::server::Excerpt::of(&hostile),
                        reply: Reply::Error(ErrorReply::NotUtf8),
                        latency: Duration::ZERO,
                        at: std::time::SystemTime::UNIX_EPOCH,
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

    fn read(head: &'static [u8], read_start: usize) -> Event {
        Event::Read {
            id: 1,
            at: std::time::SystemTime::UNIX_EPOCH,
            read: WireRead::of(head, read_start),
        }
    }

    #[test]
    fn the_byte_view_tells_a_split_request_from_several_in_one_read() {
        let mut conversations = Conversations::default();
        conversations.record(&read(b"TI", 0), "23:19:50.100");
        conversations.record(&read(b"TIME\r\n", 2), "23:19:50.250");
        conversations.record(&read(b"TIME\r\nQUIT\r\n", 0), "23:19:51.000");
        conversations.record(&read(b"TIME\r\n", 0), "23:19:52.000");
        conversations.record(
            &Event::Wrote {
                id: 1,
                at: std::time::SystemTime::UNIX_EPOCH,
                bytes: crate::server::Excerpt::of(b"JAM 23:19:52\r\n"),
            },
            "23:19:52.001",
        );
        let rows: Vec<(usize, &str, &str, bool)> = conversations
            .wire_of(1)
            .unwrap()
            .iter()
            .map(|row| (row.size, row.bytes.as_str(), row.found.as_str(), row.marked))
            .collect();
        assert_eq!(
            rows,
            [
                (2, r"b'TI'", "no request yet: waiting for the rest", true),
                (4, r"b'ME\r\n'", r"end of b'TIME\r\n', begun earlier", true),
                (
                    12,
                    r"b'TIME\r\nQUIT\r\n'",
                    r"2 requests: b'TIME\r\n' b'QUIT\r\n'",
                    true
                ),
                (6, r"b'TIME\r\n'", r"1 request: b'TIME\r\n'", false),
                (14, r"b'JAM 23:19:52\r\n'", "", false),
            ]
        );
        assert_eq!(
            conversations.wire_of(1).unwrap()[4].direction,
            Direction::Out
        );
        assert!(
            conversations.of(1).unwrap().is_empty(),
            "no exchange made up"
        );
        conversations.forget(1);
        assert_eq!(conversations.bytes(), 0, "the wire rows were counted");
    }
}
