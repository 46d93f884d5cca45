//! Windows: Ctrl-C, Ctrl-Break, and the console window being closed.

use tokio::signal::windows::{CtrlBreak, CtrlC, CtrlClose, ctrl_break, ctrl_c, ctrl_close};

pub struct ShutdownSignals {
    interrupt: CtrlC,
    interrupt_break: CtrlBreak,
    close: CtrlClose,
}

impl ShutdownSignals {
    /// Installs the handlers. Must be called on a Tokio runtime.
    pub fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals {
            interrupt: ctrl_c()?,
            interrupt_break: ctrl_break()?,
            close: ctrl_close()?,
        })
    }

    /// Waits for Ctrl-C, Ctrl-Break or the console closing.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.interrupt_break.recv() => {}
            _ = self.close.recv() => {}
        }
    }
}
