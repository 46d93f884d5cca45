//! jamtui: a concurrent TCP time server (`TIME` → `JAM hh:mm:ss`) with a live terminal dashboard.
//!
//! The [`server`] knows nothing of any UI: it publishes events and counters and takes commands
//! through a [`server::ServerHandle`], so headless mode and the dashboard share it whole.
//!
//! What is public, and for whom (as tokio's mini-redis says of its own `lib.rs`): jamtui is an
//! application, and its library exists for its binary and its tests.
//! - [`cli`] and [`run`]: for `main.rs`, which parses the command line and runs what it asks.
//! - [`lang`]: the language people read (the tests choose it).
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
pub mod lang;
pub mod log;
pub mod protocol;
pub mod run;
pub mod server;
pub mod text;
pub mod time;

// Every text a person reads, in English and Indonesian (see `lang`); English where a key lacks
// a language (a test keeps both complete).
rust_i18n::i18n!("assets/locales", fallback = "en");
// rust-i18n reads the file as the crate compiles but does not tell cargo; naming it here does,
// so that an edited text is compiled in.
const _: &str = include_str!("../assets/locales/texts.yml");
