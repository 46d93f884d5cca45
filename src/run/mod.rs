//! Running jamtui: one session of the server around a front end (the headless log or the
//! dashboard), and the signals that end it.

pub mod headless;
pub mod session;
pub mod signals;
