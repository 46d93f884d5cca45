//! jamtui: a concurrent TCP time server (`TIME` → `JAM hh:mm:ss`) with a live terminal dashboard.
//!
//! The [`server`] knows nothing of any UI: it publishes events and counters and takes commands
//! through a [`server::ServerHandle`], so headless mode and the dashboard share it whole.

pub mod bench;
pub mod cli;
pub mod client;
pub mod dashboard;
mod files;
pub mod log;
pub mod protocol;
pub mod run;
pub mod server;
pub mod text;
pub mod time;
