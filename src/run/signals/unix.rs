//! Unix: Ctrl-C (SIGINT), SIGTERM, and SIGHUP, the terminal going away (the SSH session on the
//! projector PC closed): a graceful stop, with the export on exit.

use tokio::signal::unix::{Signal, SignalKind, signal};

pub struct ShutdownSignals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl ShutdownSignals {
    /// Installs the handlers. Must be called on a Tokio runtime.
    pub fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// Waits for Ctrl-C, SIGTERM or SIGHUP.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
        }
    }
}
