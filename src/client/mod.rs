//! `jamtui client`: the assignment's client, made into a checker. Each client connects, sends
//! `TIME`, checks and prints the reply, sends `QUIT` and closes, every interval. A reply that
//! breaks the protocol, or a server that cannot be reached, ends that client with an error; a
//! connection the server closes (a kick) is reported and made again.

pub(crate) mod ask;
pub mod check;
pub(crate) mod demo;

use std::io::Write;
use std::time::Duration;

use anyhow::{anyhow, bail};

use crate::lang::{Lang, said};
use crate::text::pyrepr;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

pub use ask::Delivery;
use ask::{NoReplyWithin, ServerClosed, TimeConnection};

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
    /// Bound on each reply; `None`: wait as long as the server takes (saying so).
    pub reply_timeout: Option<Duration>,
    /// How each request is handed to TCP (whole, split in two, or with the QUIT).
    pub delivery: Delivery,
    /// The language of what it says on stderr and of its errors (the replies are the server's).
    pub lang: Lang,
}

/// Bound on connecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// While a reply is awaited, a line says so this often.
const STILL_WAITING_EVERY: Duration = Duration::from_secs(5);

/// A client whose connection the server closed this many times in a row gives up.
const CLOSES_IN_A_ROW: u32 = 3;

/// What one client did.
#[derive(Debug, Default)]
struct Tally {
    replies: u64,
    /// Connections the server closed before replying (a kick, say), after which it connected
    /// again.
    reconnections: u64,
}

/// Runs every client until each has made `count` requests. Each client is on its own: one
/// that fails ends alone, with a line saying why, and the others go on.
pub async fn run(options: ClientOptions) -> anyhow::Result<()> {
    let mut clients = JoinSet::new();
    for number in 1..=options.clients {
        let options = options.clone();
        clients.spawn(async move {
            let mut tally = Tally::default();
            let outcome = client(number, &options, &mut tally).await;
            (number, tally, outcome)
        });
    }
    let lang = options.lang;
    let (mut total, mut failed) = (Tally::default(), Vec::new());
    while let Some(outcome) = clients.join_next().await {
        let (number, tally, outcome) = outcome
            .map_err(|error| anyhow!("{}", said!(lang, "client.task_failed", error = error)))?;
        total.replies += tally.replies;
        total.reconnections += tally.reconnections;
        if let Err(error) = outcome {
            failed.push((number, error));
        }
    }
    if options.clients == 1 {
        return failed.pop().map_or(Ok(()), |(_, error)| Err(error));
    }
    for (number, error) in &failed {
        let label = said!(lang, "client.label", number = number);
        let error = format!("{error:#}");
        say(&said!(lang, "client.failed", label = label, error = error));
    }
    say(&said!(
        lang,
        "client.summary",
        clients = options.clients,
        replies = total.replies,
        reconnections = total.reconnections,
        failed = failed.len()
    ));
    match failed.len() {
        0 => Ok(()),
        count => bail!(
            "{}",
            said!(
                lang,
                "client.some_failed",
                count = count,
                clients = options.clients
            )
        ),
    }
}

/// One client's run; what it did is counted in `tally` as it goes, so that a client that fails
/// later still counts the replies it had.
async fn client(number: usize, options: &ClientOptions, tally: &mut Tally) -> anyhow::Result<()> {
    let lang = options.lang;
    let label = if options.clients > 1 {
        said!(lang, "client.label", number = number)
    } else {
        String::new()
    };
    let (writes, replies) = (options.delivery.writes(), options.delivery.replies());
    let sending = match options.delivery {
        Delivery::Whole => None,
        Delivery::Split => Some("client.sending_split"),
        Delivery::Together => Some("client.sending_together"),
    };
    if let Some(key) = sending {
        let shown: Vec<String> = writes.iter().map(|bytes| pyrepr::bytes(bytes)).collect();
        say(&said!(
            lang,
            key,
            label = label,
            writes = writes.len(),
            shown = shown.join(", ")
        ));
    }
    let mut closes_in_a_row = 0;
    let mut open: Option<TimeConnection> = None;
    let mut next = Instant::now();
    while options.count.is_none_or(|count| tally.replies < count) {
        sleep_until(next).await;
        next = next.checked_add(options.interval).unwrap_or(next);
        let connection = match open.as_mut() {
            Some(connection) => connection,
            None => open.insert(
                TimeConnection::open(&options.host, options.port, CONNECT_TIMEOUT, lang).await?,
            ),
        };
        let asked = ask_saying_so(
            connection,
            &writes,
            replies,
            options.reply_timeout,
            &label,
            lang,
        );
        let answers = match asked.await {
            Ok(answers) => answers,
            Err(error) if error.is::<ServerClosed>() && closes_in_a_row + 1 < CLOSES_IN_A_ROW => {
                closes_in_a_row += 1;
                tally.reconnections += 1;
                open = None;
                say(&said!(lang, "client.kicked", label = label));
                continue;
            }
            Err(error) => match options.delivery.silence_means(lang) {
                // Silence has two likely causes: tell them apart with a whole TIME.
                Some(_)
                    if error.is::<NoReplyWithin>() && !answers_whole_requests(options).await =>
                {
                    return Err(error.context(said!(lang, "client.not_even_whole")));
                }
                Some(meaning) => return Err(error.context(meaning)),
                None => return Err(error),
            },
        };
        closes_in_a_row = 0;
        for reply in answers {
            tally.replies += 1;
            // Not println!: a closed stdout (`| head`) must not panic.
            let _ = writeln!(std::io::stdout(), "{label}{reply}");
        }
        if !options.keep_open
            && let Some(connection) = open.take()
        {
            connection.quit(options.reply_timeout).await?;
        }
    }
    if let Some(connection) = open {
        connection.quit(options.reply_timeout).await?;
    }
    Ok(())
}

/// Whether the server answers a whole TIME on a new connection, within the client's limit.
async fn answers_whole_requests(options: &ClientOptions) -> bool {
    let limit = options.reply_timeout.unwrap_or(STILL_WAITING_EVERY);
    let Ok(mut connection) =
        TimeConnection::open(&options.host, options.port, CONNECT_TIMEOUT, options.lang).await
    else {
        return false;
    };
    let answered = connection.ask(Some(limit)).await.is_ok();
    let _ = connection.quit(Some(limit)).await;
    answered
}

/// Asks for the time; while the reply is late, says every few seconds that it is waiting (a
/// paused server is not a dead one).
async fn ask_saying_so(
    connection: &mut TimeConnection,
    writes: &[&[u8]],
    replies: usize,
    limit: Option<Duration>,
    label: &str,
    lang: Lang,
) -> anyhow::Result<Vec<String>> {
    let asking = connection.ask_in(writes, replies, limit);
    tokio::pin!(asking);
    let mut waited = Duration::ZERO;
    loop {
        tokio::select! {
            answers = &mut asking => return answers,
            () = tokio::time::sleep(STILL_WAITING_EVERY) => {
                waited += STILL_WAITING_EVERY;
                let waited = humantime::format_duration(waited);
                say(&said!(lang, "client.still_waiting", label = label, waited = waited));
            }
        }
    }
}

/// A line on stderr, for the person watching, in one write so that the lines of several
/// clients never interleave; a closed stderr is no reason to stop.
fn say(line: &str) {
    let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
}
