//! `jamtui client`: the assignment's client, made into a checker. Each client connects, sends
//! `TIME`, checks and prints the reply, sends `QUIT` and closes, every interval; any reply that
//! breaks the protocol, or a server that cannot be reached, ends the run with an error.

pub mod ask;
pub(crate) mod demo;

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, anyhow};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use ask::TimeConnection;

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
    let mut open: Option<TimeConnection> = None;
    let mut next = Instant::now();
    let mut sent = 0u64;
    while options.count.is_none_or(|count| sent < count) {
        sleep_until(next).await;
        next = next.checked_add(options.interval).unwrap_or(next);
        let connection = match open.as_mut() {
            Some(connection) => connection,
            None => open
                .insert(TimeConnection::open(&options.host, options.port, options.timeout).await?),
        };
        let reply = connection.ask(Some(options.timeout)).await?;
        sent += 1;
        // Not println!: a closed stdout (`| head`) must not panic.
        let _ = writeln!(std::io::stdout(), "{label}{reply}");
        if !options.keep_open
            && let Some(connection) = open.take()
        {
            connection.quit().await?;
        }
    }
    if let Some(connection) = open {
        connection.quit().await?;
    }
    Ok(())
}
