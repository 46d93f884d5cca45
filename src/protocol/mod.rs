//! The JAM time protocol, with no I/O: what a request line means, the exact bytes of every
//! answer, and the check a client makes of a reply. docs/PROTOCOL.md is the prose version.

pub(crate) mod framing;

pub use framing::{LineSpan, LineTooLong, next_line};

use crate::lang::{Lang, said};
use crate::text::pyrepr;

/// What one request line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// `TIME`, in any case, optionally followed by anything after white space.
    Time,
    /// `QUIT`: answer what came before, then close.
    Quit,
    /// An empty (or all white space) line: ignored.
    Empty,
    /// Any other line.
    Unknown,
    /// A line that is not valid UTF-8.
    NotUtf8,
}

impl Request {
    /// Parses a line's content (without its CR LF).
    pub fn parse(line: &[u8]) -> Request {
        let Ok(text) = std::str::from_utf8(line) else {
            return Request::NotUtf8;
        };
        let word = text.split_ascii_whitespace().next().unwrap_or("");
        if word.is_empty() {
            Request::Empty
        } else if word.eq_ignore_ascii_case("TIME") {
            Request::Time
        } else if word.eq_ignore_ascii_case("QUIT") {
            Request::Quit
        } else {
            Request::Unknown
        }
    }
}

/// Every error the server can answer with. Each is one line ending in CR LF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReply {
    UnknownRequest,
    NotUtf8,
    LineTooLong,
    Busy,
    IdleTimeout,
}

impl ErrorReply {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            ErrorReply::UnknownRequest => b"ERR unknown request, expected TIME or QUIT\r\n",
            ErrorReply::NotUtf8 => b"ERR request is not UTF-8\r\n",
            ErrorReply::LineTooLong => b"ERR line too long\r\n",
            ErrorReply::Busy => b"ERR server busy, try again later\r\n",
            ErrorReply::IdleTimeout => b"ERR idle timeout\r\n",
        }
    }
}

/// Length of `JAM hh:mm:ss\r\n`.
pub const TIME_REPLY_LEN: usize = 14;

/// The answer to a `TIME` request at the given wall-clock time of day.
pub fn time_reply(hour: u32, minute: u32, second: u32) -> [u8; TIME_REPLY_LEN] {
    let mut reply = *b"JAM 00:00:00\r\n";
    for (at, value) in [(4, hour), (7, minute), (10, second)] {
        reply[at] = b'0' + (value / 10 % 10) as u8;
        reply[at + 1] = b'0' + (value % 10) as u8;
    }
    reply
}

/// What a client makes of one reply line (terminator included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyError {
    /// The server answered with an `ERR` line; the text follows `ERR ` (escaped).
    Server(String),
    /// The reply breaks the protocol: the line as Python writes bytes, and how.
    Malformed { line: String, why: Malformed },
}

/// How a reply to `TIME` breaks the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    NotUtf8,
    /// It ends in LF alone.
    BareLf,
    NoCrLf,
    /// It does not start with `JAM `.
    NoJam,
    /// After `JAM ` comes no `hh:mm:ss`.
    NotAClock,
}

impl ReplyError {
    /// What went wrong, in `lang`.
    pub fn said(&self, lang: Lang) -> String {
        match self {
            ReplyError::Server(text) => said!(lang, "reply.server_error", text = text),
            ReplyError::Malformed { line, why } => {
                let key = match why {
                    Malformed::NotUtf8 => "reply.not_utf8",
                    Malformed::BareLf => "reply.bare_lf",
                    Malformed::NoCrLf => "reply.no_crlf",
                    Malformed::NoJam => "reply.no_jam",
                    Malformed::NotAClock => "reply.not_a_clock",
                };
                let why = said!(lang, key, line = line);
                said!(lang, "reply.malformed", why = why)
            }
        }
    }
}

impl std::fmt::Display for ReplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said(Lang::En))
    }
}

impl std::error::Error for ReplyError {}

/// Checks a reply to `TIME` against the protocol and returns its text without CR LF
/// (`JAM hh:mm:ss`).
pub fn check_time_reply(line: &[u8]) -> Result<&str, ReplyError> {
    // Only an error shows the line: a good reply costs no allocation (the bench checks millions).
    let malformed = |why| {
        Err(ReplyError::Malformed {
            line: pyrepr::bytes(line),
            why,
        })
    };
    let Ok(text) = std::str::from_utf8(line) else {
        return malformed(Malformed::NotUtf8);
    };
    let Some(text) = text.strip_suffix("\r\n") else {
        return match text.ends_with('\n') {
            true => malformed(Malformed::BareLf),
            false => malformed(Malformed::NoCrLf),
        };
    };
    if let Some(error) = text.strip_prefix("ERR ") {
        // Escaped: a student's server must not drive the user's terminal.
        return Err(ReplyError::Server(pyrepr::escaped(error.as_bytes())));
    }
    let Some(clock) = text.strip_prefix("JAM ") else {
        return malformed(Malformed::NoJam);
    };
    if clock_seconds(clock).is_none() {
        return malformed(Malformed::NotAClock);
    }
    Ok(text)
}

/// The second of the day a reply's `hh:mm:ss` (24-hour, zero-padded) tells; `None` for any other
/// form. The one parser of the protocol's time: replies are checked with it, and tests read it.
pub fn clock_seconds(clock: &str) -> Option<u32> {
    let bytes = clock.as_bytes();
    if bytes.len() != 8 || bytes[2] != b':' || bytes[5] != b':' {
        return None;
    }
    let field = |at: usize, max: u8| {
        let (tens, ones) = (bytes[at], bytes[at + 1]);
        // Digits first: a server's `Z0` must not reach the arithmetic (42 * 10 overflows a u8).
        if !(tens.is_ascii_digit() && ones.is_ascii_digit()) {
            return None;
        }
        let value = (tens - b'0') * 10 + (ones - b'0');
        (value <= max).then_some(u32::from(value))
    };
    Some(field(0, 23)? * 3600 + field(3, 59)? * 60 + field(6, 59)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_case_insensitive_and_ignores_surrounding_space() {
        for line in [
            "TIME",
            "time",
            "TiMe",
            "  TIME  ",
            "\tTIME",
            "TIME anything",
            "time\tx",
        ] {
            assert_eq!(Request::parse(line.as_bytes()), Request::Time, "{line:?}");
        }
    }

    #[test]
    fn quit_is_recognised_like_time() {
        for line in ["QUIT", "quit", " Quit ", "QUIT now"] {
            assert_eq!(Request::parse(line.as_bytes()), Request::Quit, "{line:?}");
        }
    }

    #[test]
    fn empty_and_blank_lines_are_empty() {
        for line in ["", " ", "   \t "] {
            assert_eq!(Request::parse(line.as_bytes()), Request::Empty, "{line:?}");
        }
    }

    #[test]
    fn the_command_word_must_be_exactly_time_or_quit() {
        for line in [
            "TIMES", "TIM", "HELLO", "xTIME", "TIME\0", "\0", "jam", "TIMEQUIT",
        ] {
            assert_eq!(
                Request::parse(line.as_bytes()),
                Request::Unknown,
                "{line:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_reported_as_such() {
        assert_eq!(Request::parse(b"TIME \xff"), Request::NotUtf8);
        assert_eq!(Request::parse(b"\xc3\x28"), Request::NotUtf8);
    }

    #[test]
    fn the_clock_of_a_reply_is_read_as_seconds_of_the_day() {
        assert_eq!(clock_seconds("23:19:50"), Some(23 * 3600 + 19 * 60 + 50));
        assert_eq!(clock_seconds("00:00:00"), Some(0));
        assert_eq!(clock_seconds("23:59:59"), Some(86_399));
        for bad in [
            "24:00:00",
            "23:60:00",
            "23:59:60",
            "9:05:07",
            "23-19:50",
            "2a:19:50",
            "",
            // Letters whose distance from '0' times ten overflows a byte: a server sends anything.
            "Z0:00:00",
            "0Z:00:00",
            "12:Z9:00",
            "\u{ff}0:00:0",
        ] {
            assert_eq!(clock_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn time_replies_are_zero_padded_24_hour() {
        assert_eq!(&time_reply(0, 0, 0), b"JAM 00:00:00\r\n");
        assert_eq!(&time_reply(9, 5, 7), b"JAM 09:05:07\r\n");
        assert_eq!(&time_reply(23, 59, 59), b"JAM 23:59:59\r\n");
    }

    #[test]
    fn error_replies_are_single_crlf_lines() {
        use ErrorReply::*;
        for error in [UnknownRequest, NotUtf8, LineTooLong, Busy, IdleTimeout] {
            let bytes = error.bytes();
            assert!(bytes.starts_with(b"ERR "));
            assert!(bytes.ends_with(b"\r\n"));
            assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
        }
    }

    #[test]
    fn a_client_accepts_exactly_well_formed_replies() {
        assert_eq!(check_time_reply(b"JAM 23:19:50\r\n"), Ok("JAM 23:19:50"));
        assert_eq!(check_time_reply(b"JAM 00:00:00\r\n"), Ok("JAM 00:00:00"));
        for bad in [
            &b"JAM 23:19:50\n"[..],
            b"JAM 23:19:50",
            b"JAM 24:00:00\r\n",
            b"JAM 23:60:00\r\n",
            b"JAM 9:05:07\r\n",
            b"JAM 23-19-50\r\n",
            // Each colon on its own.
            b"JAM 23-19:50\r\n",
            b"JAM 23:19-50\r\n",
            b"jam 23:19:50\r\n",
            b"JAM 23:19:50 \r\n",
            b"\xffJAM\r\n",
        ] {
            assert!(
                matches!(check_time_reply(bad), Err(ReplyError::Malformed { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_time_reply(b"ERR server busy, try again later\r\n"),
            Err(ReplyError::Server("server busy, try again later".into()))
        );
        assert_eq!(
            check_time_reply(b"ERR \x1b[2J\r\n"),
            Err(ReplyError::Server(r"\x1b[2J".into()))
        );
    }
}
