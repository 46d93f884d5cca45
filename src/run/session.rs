//! One run of the server with its log around a front end (headless or the dashboard): bind,
//! serve, log, start the demo clients, and when the front end is done shut down gracefully.

use std::time::Duration;

use super::ServeOptions;
use super::signals::ShutdownSignals;
use crate::client::demo::DemoClients;
use crate::log;
use crate::server::{Server, ServerHandle};

/// How long stray connection tasks get after the server has finished shutting down.
const RUNTIME_STOP_WAIT: Duration = Duration::from_millis(200);

/// Runs the server until `front_end` returns. The caller has set up the log.
pub fn run(
    options: &ServeOptions,
    front_end: impl AsyncFnOnce(&ServerHandle, &DemoClients, &mut ShutdownSignals) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    // Before the server says it is listening, which is when a script may send its signal.
    let mut signals = {
        let _runtime = runtime.enter();
        ShutdownSignals::install()?
    };
    // Bound before any front end starts, so a busy port is reported on a normal terminal.
    let server = runtime.block_on(Server::bind(options.server.clone()))?;
    let handle = server.handle();
    let log = log::spawn_event_log(&handle)?;
    let outcome = runtime.block_on(async {
        let served = tokio::spawn(server.run());
        let demo = DemoClients::start(handle.local_addr(), options.demo);
        let shown = front_end(&handle, &demo, &mut signals).await;
        drop(demo);
        handle.shutdown();
        served.await?;
        shown
    });
    drop(handle);
    // Dropping the last tasks drops the last event senders, which ends the log thread.
    runtime.shutdown_timeout(RUNTIME_STOP_WAIT);
    let _ = log.join();
    outcome
}
