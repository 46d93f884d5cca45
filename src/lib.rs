//! jamtui: a concurrent TCP time server (`TIME` → `JAM hh:mm:ss`) with a live terminal dashboard.
//!
//! The [`server`] knows nothing of any UI: it publishes events and counters and takes commands
//! through a [`server::ServerHandle`], so headless mode and the dashboard share it whole.
//!
//! What is public, and for whom (as tokio's mini-redis says of its own `lib.rs`): jamtui is an
//! application, and its library exists for its binary and its tests.
//! - [`cli`] and [`run`]: for `main.rs`, which parses the command line and runs what it asks.
//! - [`server`], [`protocol`] and [`time`]: the server's whole API, driven over real TCP by the
//!   tests in `tests/server`; [`protocol::next_line`] is also the fuzz target's.
//! - [`client`] (the checker's rules and reports), [`dashboard`] (the `App`, its render and its
//!   loop, for the `TestBackend` snapshots), [`log`] and [`text`]: re-export at their top what the
//!   tests use; their inner modules are private.
//!
//! Everything else (`bench`, `files` and every inner module) is private to the crate.

mod bench;
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
