//! One run of the server with its log around a front end (headless or the dashboard): bind,
//! serve, log, start the demo clients, and when the front end is done shut down gracefully.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::cli::ServeArgs;
use crate::client::demo::DemoClients;
use crate::log;
use crate::run::signals::ShutdownSignals;
use crate::server::Server;
use crate::server::ServerHandle;

/// How long stray connection tasks get after the server has finished shutting down.
const RUNTIME_STOP_WAIT: Duration = Duration::from_millis(200);

/// Runs the server until `front_end` returns. The log, already set up by the caller, masks
/// client addresses while `privacy` is set.
pub fn run(
    args: &ServeArgs,
    privacy: Arc<AtomicBool>,
    front_end: impl AsyncFnOnce(&ServerHandle, &DemoClients, &mut ShutdownSignals) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    // Before the server says it is listening, which is when a script may send its signal.
    let mut signals = {
        let _runtime = runtime.enter();
        ShutdownSignals::install()?
    };
    // Bound before any front end starts, so a busy port is reported on a normal terminal.
    let server = runtime.block_on(Server::bind(args.server_config()))?;
    let handle = server.handle();
    let log = log::spawn_event_log(&handle, privacy)?;
    let outcome = runtime.block_on(async {
        let served = tokio::spawn(server.run());
        let demo = DemoClients::start(handle.local_addr(), args.demo);
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
