//! Property tests: however a request stream is split into reads, the replies are the same.

use crate::common::{TestServer, config};
use jamtui::protocol::Request;
use jamtui::protocol::next_line;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MAX_LINE: usize = 64;

/// What the server makes of a stream delivered in the given chunks: the requests in order, and
/// whether it ended on a line that was too long.
fn frame_stream(chunks: &[&[u8]]) -> (Vec<Request>, bool) {
    let mut buffer = Vec::new();
    let mut requests = Vec::new();
    for chunk in chunks {
        buffer.extend_from_slice(chunk);
        loop {
            match next_line(&buffer, MAX_LINE) {
                Ok(Some(line)) => {
                    requests.push(Request::parse(&buffer[..line.content_len]));
                    buffer.drain(..line.frame_len);
                }
                Ok(None) => break,
                Err(_) => return (requests, true),
            }
        }
    }
    (requests, false)
}

fn request_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"TIME\r\n".to_vec()),
        Just(b"time\n".to_vec()),
        Just(b"  TIME extra\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"bogus\r\n".to_vec()),
        Just(b"\xff\xfe\r\n".to_vec()),
        Just(b"TI\rME\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

fn stream_and_cuts() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    proptest::collection::vec(request_line(), 0..40).prop_flat_map(|lines| {
        let stream = lines.concat();
        let len = stream.len();
        (Just(stream), proptest::collection::vec(0..=len, 0..20))
    })
}

fn split<'a>(stream: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([stream.len()]) {
        chunks.push(&stream[start..cut]);
        start = cut;
    }
    chunks
}

proptest! {
    #[test]
    fn random_splits_frame_the_same_requests((stream, cuts) in stream_and_cuts()) {
        prop_assert_eq!(frame_stream(&split(&stream, &cuts)), frame_stream(&[&stream]));
    }

    #[test]
    fn every_single_byte_split_frames_the_same_requests((stream, _) in stream_and_cuts()) {
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        prop_assert_eq!(frame_stream(&bytes), frame_stream(&[&stream]));
    }
}

/// The same over real TCP: the server's reply bytes do not depend on how the requests were cut.
#[test]
fn random_splits_over_tcp_get_the_same_reply_bytes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start(jamtui::server::Config {
        max_line: MAX_LINE,
        ..config()
    }));
    let addr = server.addr();
    let exchange = |chunks: Vec<Vec<u8>>| {
        runtime.block_on(async {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            for chunk in chunks {
                stream.write_all(&chunk).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            // QUIT makes the server close once everything before it is answered; the CR LF
            // before it ends any incomplete line first.
            stream.write_all(b"\r\nQUIT\r\n").await.unwrap();
            let mut replies = Vec::new();
            tokio::time::timeout(crate::common::WAIT, stream.read_to_end(&mut replies))
                .await
                .expect("the server answers and closes in time")
                .unwrap();
            // Every reply whole, but for the second a time reply was made in.
            replies
                .split_inclusive(|&byte| byte == b'\n')
                .map(|line| match jamtui::protocol::check_time_reply(line) {
                    Ok(_) => "JAM hh:mm:ss\r\n".to_string(),
                    Err(_) => String::from_utf8_lossy(line).into_owned(),
                })
                .collect::<Vec<_>>()
        })
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(&stream_and_cuts(), |(stream, cuts)| {
            // Streams the server closes early (QUIT, an over-long line) cannot be compared whole.
            let (requests, too_long) = frame_stream(&[&stream, b"\r\n"]);
            prop_assume!(!too_long && !requests.contains(&Request::Quit));
            let whole = exchange(vec![stream.clone()]);
            let pieces = exchange(
                split(&stream, &cuts)
                    .into_iter()
                    .map(<[u8]>::to_vec)
                    .collect(),
            );
            prop_assert_eq!(pieces, whole);
            Ok(())
        })
        .unwrap();
}
