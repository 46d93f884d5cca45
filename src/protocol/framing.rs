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

/// How the lines of a byte stream fall across one read: the requests a read completed, whether
/// the first of them began in an earlier read, and what it left waiting for more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLines<'a> {
    /// The lines the read completed, terminators included, each from its first byte (which may
    /// lie in an earlier read).
    pub completed: Vec<&'a [u8]>,
    /// The first completed line began before this read: a request arrived in pieces.
    pub first_began_earlier: bool,
    /// Bytes after the last line end: the start of a request still waiting for its end.
    pub unfinished: usize,
}

/// Which lines the read that appended `buffer[read_start..]` completed. `buffer` holds the bytes
/// not yet taken off as frames, the read's included.
pub fn read_lines(buffer: &[u8], read_start: usize) -> ReadLines<'_> {
    let read_start = read_start.min(buffer.len());
    let mut line_start = memchr::memrchr(b'\n', &buffer[..read_start]).map_or(0, |lf| lf + 1);
    let first_began_earlier = line_start < read_start;
    let mut completed = Vec::new();
    for lf in memchr::memchr_iter(b'\n', &buffer[read_start..]) {
        let end = read_start + lf + 1;
        completed.push(&buffer[line_start..end]);
        line_start = end;
    }
    ReadLines {
        first_began_earlier: first_began_earlier && !completed.is_empty(),
        completed,
        unfinished: buffer.len() - line_start,
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
    #[test]
    fn a_read_completes_the_lines_whose_end_it_holds() {
        // b'TI' then b'ME\r\n': the second read completes one request begun in the first.
        let first = read_lines(b"TI", 0);
        assert_eq!((first.completed.len(), first.unfinished), (0, 2));
        assert!(!first.first_began_earlier);
        let second = read_lines(b"TIME\r\n", 2);
        assert_eq!(second.completed, [b"TIME\r\n".as_slice()]);
        assert!(second.first_began_earlier);
        assert_eq!(second.unfinished, 0);
        // Two requests and the start of a third in one read.
        let together = read_lines(b"TIME\r\nQUIT\r\nTI", 0);
        assert_eq!(
            together.completed,
            [b"TIME\r\n".as_slice(), b"QUIT\r\n".as_slice()]
        );
        assert!(!together.first_began_earlier);
        assert_eq!(together.unfinished, 2);
        // Lines completed earlier but not yet taken (a queued client) are not this read's.
        let queued = read_lines(b"TIME\r\nTI", 6);
        assert!(queued.completed.is_empty());
        assert_eq!(queued.unfinished, 2);
        let after_queued = read_lines(b"TIME\r\nTIME\n", 8);
        assert_eq!(after_queued.completed, [b"TIME\n".as_slice()]);
        assert!(after_queued.first_began_earlier);
    }
}
