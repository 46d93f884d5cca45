//! The real binary in a real terminal (tmux): the dashboard's keys, the terminal given back,
//! and README.md's demos step by step. tmux is Unix's: on Windows this binary has no tests.
#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;

mod dashboard_tmux;
mod demos;
