//! The time server: an accept loop that gives each client a task of its own, and a handle that
//! watches and commands it. It knows nothing of any front end: it publishes [`Event`]s and
//! counters and takes commands (kick, pause, resume, mode, delay, shutdown) through a
//! [`ServerHandle`], so the headless log and the dashboard share every line of it.

mod client_state;
mod clock;
mod config;
mod connection;
mod control;
mod counters;
mod event;
mod gate;
mod handler;
mod ledger;
mod listener;
mod listing;
mod machines;
mod mode;
mod port;
mod publisher;
mod reachable;
mod registry;
mod shared;
mod subscription;
mod switches;

pub use clock::ReplyClock;
pub use config::Config;
pub use control::ServerHandle;
pub use counters::CounterSnapshot;
pub use event::{
    ClientId, EXCERPT_BYTES, Event, Excerpt, GoneReason, Refusal, Reply, Unpublished, WireRead,
};
pub use listener::{BindError, Server};
pub use listing::{ClientInfo, Closed, Unterminated};
pub use machines::MachineInfo;
pub use mode::Mode;
pub use publisher::{
    CLIENT_REQUEST_EVENTS_PER_SECOND, CONNECTION_EVENTS_PER_SECOND, REFUSAL_EVENTS_PER_SECOND,
    REQUEST_EVENTS_PER_SECOND,
};
pub use reachable::describe as describe_addrs;
pub use shared::QUEUED_READ_TOTAL;
pub use subscription::Subscription;
