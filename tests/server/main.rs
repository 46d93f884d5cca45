//! The server in this process, over real TCP on 127.0.0.1, and the dashboard drawn on ratatui's
//! TestBackend: one test binary, so the crate and the helpers are built once for all of them.

#[path = "../common/mod.rs"]
mod common;

mod control;
mod dashboard_loop;
mod dashboard_render;
mod framing_props;
mod hardening;
mod protocol;
mod robustness;
mod teaching;
