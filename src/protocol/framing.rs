//! LineSpan framing over a byte stream, with no I/O: given the bytes buffered so far, say whether a
//! complete line is there. Lines end in LF, optionally preceded by CR.

/// A complete line at the front of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    /// Length of the line's content, without its CR LF or LF.
    pub content_len: usize,
    /// Bytes to consume from the buffer: content plus terminator.
    pub frame_len: usize,
}

/// The line at the front of the buffer is longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong;

/// Finds the first line in `buf`. `Ok(None)` means more bytes are needed.
///
/// A line's content may be at most `max_line` bytes. Only the first `max_line + 2` bytes are
/// scanned, so an over-long line is reported as soon as enough of it has arrived, without waiting
/// for its end.
pub fn next_line(buf: &[u8], max_line: usize) -> Result<Option<LineSpan>, LineTooLong> {
    let window = &buf[..buf.len().min(max_line.saturating_add(2))];
    match memchr::memchr(b'\n', window) {
        Some(lf) => {
            let content_len = if lf > 0 && buf[lf - 1] == b'\r' {
                lf - 1
            } else {
                lf
            };
            if content_len > max_line {
                return Err(LineTooLong);
            }
            Ok(Some(LineSpan {
                content_len,
                frame_len: lf + 1,
            }))
        }
        None => {
            // A CR at the end may yet be followed by LF, so it does not count as content.
            let pending = match window.last() {
                Some(b'\r') => window.len() - 1,
                _ => window.len(),
            };
            if pending > max_line {
                Err(LineTooLong)
            } else {
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(content_len: usize, frame_len: usize) -> Result<Option<LineSpan>, LineTooLong> {
        Ok(Some(LineSpan {
            content_len,
            frame_len,
        }))
    }

    #[test]
    fn crlf_and_bare_lf_both_end_a_line() {
        assert_eq!(next_line(b"TIME\r\n", 1024), line(4, 6));
        assert_eq!(next_line(b"TIME\n", 1024), line(4, 5));
        assert_eq!(next_line(b"\r\n", 1024), line(0, 2));
        assert_eq!(next_line(b"\n", 1024), line(0, 1));
    }

    #[test]
    fn only_the_first_line_is_framed() {
        assert_eq!(next_line(b"TIME\r\nQUIT\r\n", 1024), line(4, 6));
    }

    #[test]
    fn incomplete_input_waits_for_more() {
        assert_eq!(next_line(b"", 1024), Ok(None));
        assert_eq!(next_line(b"TI", 1024), Ok(None));
        assert_eq!(next_line(b"TIME\r", 1024), Ok(None));
    }

    #[test]
    fn a_lone_cr_is_content_not_a_terminator() {
        assert_eq!(next_line(b"TI\rME\n", 1024), line(5, 6));
        assert_eq!(next_line(b"TIME\rTIME\r", 1024), Ok(None));
    }

    #[test]
    fn the_limit_counts_content_only() {
        assert_eq!(next_line(b"TIME\r\n", 4), line(4, 6));
        assert_eq!(next_line(b"TIME\n", 4), line(4, 5));
        assert_eq!(next_line(b"TIMES\r\n", 4), Err(LineTooLong));
        assert_eq!(next_line(b"TIMES\n", 4), Err(LineTooLong));
    }

    #[test]
    fn an_overlong_line_is_reported_before_its_end_arrives() {
        assert_eq!(next_line(b"TIME\r", 4), Ok(None));
        assert_eq!(next_line(b"TIMES", 4), Err(LineTooLong));
        assert_eq!(next_line(b"TIME\r\r", 4), Err(LineTooLong));
        assert_eq!(next_line(&[b'x'; 1 << 20], 1024), Err(LineTooLong));
    }
}
