//! The signals that stop jamtui gracefully, caught from the moment they are installed: one that
//! arrives before anyone waits for it (say, right after the server says it is listening) is kept
//! for the next wait, rather than killing the process with its default action. Each platform has
//! its own: Ctrl-C everywhere; SIGTERM and SIGHUP on Unix; closing the console on Windows.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub use unix::ShutdownSignals;
#[cfg(windows)]
pub use windows::ShutdownSignals;
