//! Python's `repr` of bytes and socket addresses, so jamtui's log reads like the assignment's
//! Python server: `received b'TIME\r\n' from ('127.0.0.1', 43256)`.

use std::fmt::Write;
use std::net::SocketAddr;

/// `repr(bytes)` as CPython writes it: `b'TIME\r\n'`.
pub fn bytes(data: &[u8]) -> String {
    // CPython picks double quotes only when the data has a single quote and no double quote.
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(quote);
    for &byte in data {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote as u8 => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// `repr(bytes)` of at most the first `max` bytes, saying how long the whole was when cut:
/// `b'TIME'... (1024 bytes)`. What an untrusted peer sends cannot fill a screen or a report.
pub fn bytes_cut(data: &[u8], max: usize) -> String {
    bytes_head(&data[..data.len().min(max)], data.len())
}

/// `repr(bytes)` of the first bytes of a `len`-byte whole, saying how long the whole was when
/// `head` is not all of it.
pub fn bytes_head(head: &[u8], len: usize) -> String {
    if head.len() >= len {
        return bytes(head);
    }
    format!("{}... ({len} bytes)", bytes(head))
}

/// Bytes as Python writes them inside `b'...'`, without the quotes: `JAM 23:19:50\r\n`. Control
/// characters (an escape sequence from an untrusted server, say) come out as `\x1b`, never raw.
pub fn escaped(data: &[u8]) -> String {
    let quoted = bytes(data);
    quoted[2..quoted.len() - 1].to_string()
}

/// A peer address as Python's `socket.accept()` returns it: `('127.0.0.1', 43256)`, or
/// `('::1', 43256, 0, 0)` for IPv6.
pub fn addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => format!("('{}', {})", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!(
            "('{}', {}, {}, {})",
            v6.ip(),
            v6.port(),
            v6.flowinfo(),
            v6.scope_id()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_match_cpython() {
        // Expected values are what CPython 3 prints for repr(b"...").
        assert_eq!(bytes(b"TIME\r\n"), r"b'TIME\r\n'");
        assert_eq!(bytes(b""), "b''");
        assert_eq!(bytes(b"a\tb\\c"), r"b'a\tb\\c'");
        assert_eq!(bytes(b"\x00\xff\x7f"), r"b'\x00\xff\x7f'");
        assert_eq!(bytes(b"it's"), r#"b"it's""#);
        assert_eq!(bytes(b"it's \"x\""), r#"b'it\'s "x"'"#);
    }

    #[test]
    fn a_long_repr_is_cut_and_says_its_length() {
        assert_eq!(bytes_cut(b"TIME\r\n", 6), r"b'TIME\r\n'");
        assert_eq!(bytes_cut(b"TIMETIME", 4), "b'TIME'... (8 bytes)");
    }

    #[test]
    fn escaped_text_has_no_control_characters() {
        assert_eq!(escaped(b"JAM 23:19:50\r\n"), r"JAM 23:19:50\r\n");
        assert_eq!(escaped(b"\x1b]0;x\x07"), r"\x1b]0;x\x07");
    }

    #[test]
    fn addresses_match_python_sockets() {
        assert_eq!(
            addr("127.0.0.1:43256".parse().unwrap()),
            "('127.0.0.1', 43256)"
        );
        assert_eq!(addr("[::1]:43256".parse().unwrap()), "('::1', 43256, 0, 0)");
    }
}
