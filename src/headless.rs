//! `jamtui --headless`: the server with its log on stderr, until Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::cli::ServeArgs;
use crate::demo::DemoClients;
use crate::logging;
use crate::server::Server;

/// How long stray connection tasks get after the server has finished shutting down.
const RUNTIME_STOP_WAIT: Duration = Duration::from_millis(200);

pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    logging::init_stderr(args.log_format, args.log_file.as_deref())?;
    let runtime = tokio::runtime::Runtime::new()?;
    let server = runtime.block_on(Server::bind(args.server_config()))?;
    let handle = server.handle();
    let privacy = Arc::new(AtomicBool::new(args.privacy));
    let log = logging::spawn_event_log(&handle, privacy)?;
    runtime.block_on(async {
        let served = tokio::spawn(server.run());
        let demo = DemoClients::start(handle.local_addr(), args.demo);
        shutdown_signal().await?;
        drop(demo);
        handle.shutdown();
        served.await?;
        anyhow::Ok(())
    })?;
    drop(handle);
    // Dropping the last tasks drops the last event senders, which ends the log thread.
    runtime.shutdown_timeout(RUNTIME_STOP_WAIT);
    let _ = log.join();
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted,
        _ = terminate.recv() => Ok(()),
    }
}
