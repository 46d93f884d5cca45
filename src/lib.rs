//! jamtui: a concurrent TCP time server (`TIME` → `JAM hh:mm:ss`) with a live terminal dashboard.
//!
//! The server knows nothing of any UI: it publishes [`event::Event`]s and counters and takes
//! commands through a [`handle::ServerHandle`], so headless mode and the dashboard share it whole.

pub mod bench;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
mod connection;
pub mod dashboard;
pub mod demo;
pub mod event;
pub mod export;
pub mod frame;
pub mod gate;
pub mod handle;
mod handler;
pub mod headless;
pub mod log_history;
pub mod logging;
pub mod machines;
pub mod privacy;
pub mod procstat;
pub mod protocol;
pub mod pyrepr;
pub mod server;
pub mod session;
pub mod signals;
