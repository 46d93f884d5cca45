//! `jamtui client`: the assignment's client, made into a checker. Each client connects, sends
//! `TIME`, checks and prints the reply, sends `QUIT` and closes, every interval; any reply that
//! breaks the protocol, or a server that cannot be reached, ends the run with an error.

pub mod demo;

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout};

use crate::protocol::check_time_reply;

/// Longest reply line read before giving up on it.
const MAX_REPLY: u64 = 1024;

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub host: String,
    pub port: u16,
    pub clients: usize,
    /// Requests per client; `None`: until interrupted.
    pub count: Option<u64>,
    pub interval: Duration,
    /// One connection per client for all its requests, instead of one per request.
    pub keep_open: bool,
    /// Bound on connecting and on each reply.
    pub timeout: Duration,
}

/// Runs every client until each has made `count` requests; stops at the first failure.
pub async fn run(options: ClientOptions) -> anyhow::Result<()> {
    let mut clients = JoinSet::new();
    for number in 1..=options.clients {
        let options = options.clone();
        clients.spawn(async move {
            client(number, &options)
                .await
                .with_context(|| format!("client {number}"))
        });
    }
    while let Some(outcome) = clients.join_next().await {
        outcome.map_err(|error| anyhow!("a client task failed: {error}"))??;
    }
    Ok(())
}

async fn client(number: usize, options: &ClientOptions) -> anyhow::Result<()> {
    let label = if options.clients > 1 {
        format!("[client {number}] ")
    } else {
        String::new()
    };
    let mut open: Option<BufReader<TcpStream>> = None;
    let mut next = Instant::now();
    let mut sent = 0u64;
    while options.count.is_none_or(|count| sent < count) {
        sleep_until(next).await;
        next += options.interval;
        let stream = match open.as_mut() {
            Some(stream) => stream,
            None => open.insert(BufReader::new(connect(options).await?)),
        };
        let reply = ask_time(stream, options.timeout).await?;
        sent += 1;
        // Not println!: a closed stdout (`| head`) must not panic.
        let _ = writeln!(std::io::stdout(), "{label}{reply}");
        if !options.keep_open
            && let Some(stream) = open.take()
        {
            quit(stream).await?;
        }
    }
    if let Some(stream) = open {
        quit(stream).await?;
    }
    Ok(())
}

async fn connect(options: &ClientOptions) -> anyhow::Result<TcpStream> {
    let target = format!("{}:{}", options.host, options.port);
    let stream = match timeout(
        options.timeout,
        TcpStream::connect((options.host.as_str(), options.port)),
    )
    .await
    {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => bail!(
            "cannot reach {target}: {error}; is a server listening there? (check the host and --port)"
        ),
        Err(_) => bail!(
            "cannot reach {target}: no answer within {}; check the host, --port and any firewall",
            humantime::format_duration(options.timeout)
        ),
    };
    reject_self_connection(&stream, &target)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Connecting to an unused port in the ephemeral range can, rarely, connect the socket to itself
/// (TCP simultaneous open); it would then read back its own `TIME`.
pub(crate) fn reject_self_connection(stream: &TcpStream, target: &str) -> anyhow::Result<()> {
    let local: Option<SocketAddr> = stream.local_addr().ok();
    if local.is_some() && local == stream.peer_addr().ok() {
        bail!("no server listening on {target} (the connection reached itself)");
    }
    Ok(())
}

async fn ask_time(stream: &mut BufReader<TcpStream>, limit: Duration) -> anyhow::Result<String> {
    stream
        .get_mut()
        .write_all(b"TIME\r\n")
        .await
        .context("sending TIME failed")?;
    let mut line = Vec::new();
    let read = timeout(
        limit,
        (&mut *stream).take(MAX_REPLY).read_until(b'\n', &mut line),
    )
    .await;
    match read {
        Err(_) => bail!(
            "no reply to TIME within {}",
            humantime::format_duration(limit)
        ),
        Ok(Err(error)) => bail!("reading the reply failed: {error}"),
        Ok(Ok(0)) => bail!("the server closed the connection without replying to TIME"),
        Ok(Ok(_)) => Ok(check_time_reply(&line)?.to_string()),
    }
}

/// Says QUIT and closes, as the assignment's client does.
async fn quit(stream: BufReader<TcpStream>) -> anyhow::Result<()> {
    let mut stream = stream.into_inner();
    stream
        .write_all(b"QUIT\r\n")
        .await
        .context("sending QUIT failed")?;
    let _ = stream.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_socket_connected_to_itself_is_reported_as_no_server() {
        // Bound to a port and connected to that same port, a socket meets itself (TCP
        // simultaneous open), as a client of an unused ephemeral port occasionally does.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let own = socket.local_addr().unwrap();
        let stream = socket.connect(own).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), own);
        let error = reject_self_connection(&stream, &own.to_string()).unwrap_err();
        assert!(error.to_string().contains("no server listening"), "{error}");
    }

    #[tokio::test]
    async fn a_normal_connection_passes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        assert!(reject_self_connection(&stream, "server").is_ok());
    }
}
