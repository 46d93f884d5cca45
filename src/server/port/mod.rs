//! One server to a port: the listening socket is set so that a second server on the same port
//! is refused, and what to do about a busy port is said in the platform's own words. Linux's
//! `SO_REUSEADDR` only lets a restarted server bind past old connections in TIME_WAIT; on Windows
//! the same option would let a second server share the port, so there `SO_EXCLUSIVEADDRUSE` is
//! set instead (as Rust's std and mio leave `SO_REUSEADDR` off there).

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub(crate) use unix::{PERMISSION_WHY, in_use_fix, own_the_port};
#[cfg(windows)]
pub(crate) use windows::{PERMISSION_WHY, in_use_fix, own_the_port};
