//! Ctrl-C and SIGTERM, caught from the moment they are installed: one that arrives before anyone
//! waits for it (say, right after the server says it is listening) is kept for the next wait,
//! rather than killing the process with its default action.

use tokio::signal::unix::{Signal, SignalKind, signal};

pub struct ShutdownSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl ShutdownSignals {
    /// Installs the handlers. Must be called on a Tokio runtime.
    pub fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}
