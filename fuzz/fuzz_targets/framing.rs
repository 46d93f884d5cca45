//! Framing and parsing on arbitrary bytes, cut into arbitrary reads: no panic, every line within
//! the limit and ending in LF, and the same requests whatever the cuts.
#![no_main]

use jamtui::protocol::next_line;
use jamtui::protocol::{Request, check_time_reply};
use libfuzzer_sys::fuzz_target;

/// The requests framed from `chunks` read in order, and whether a too-long line ended them.
fn frame(chunks: &[&[u8]], max_line: usize) -> (Vec<Request>, bool) {
    let mut buffer = Vec::new();
    let mut requests = Vec::new();
    for chunk in chunks {
        buffer.extend_from_slice(chunk);
        loop {
            match next_line(&buffer, max_line) {
                Ok(Some(line)) => {
                    assert!(line.content_len <= max_line);
                    assert!(line.frame_len <= buffer.len());
                    assert_eq!(buffer[line.frame_len - 1], b'\n');
                    assert!(line.frame_len - line.content_len <= 2);
                    requests.push(Request::parse(&buffer[..line.content_len]));
                    buffer.drain(..line.frame_len);
                }
                Ok(None) => {
                    assert!(!buffer.contains(&b'\n') && buffer.len() <= max_line + 1);
                    break;
                }
                Err(_) => return (requests, true),
            }
        }
    }
    (requests, false)
}

fuzz_target!(|data: &[u8]| {
    let Some((&settings, data)) = data.split_first() else {
        return;
    };
    let max_line = 1 + usize::from(settings % 64);
    // Cut the input every `step` bytes (1..=16), as if each were one read.
    let step = 1 + usize::from(settings / 64) * 5;
    let chunks: Vec<&[u8]> = data.chunks(step).collect();
    assert_eq!(frame(&chunks, max_line), frame(&[data], max_line));
    let _ = check_time_reply(data);
});
