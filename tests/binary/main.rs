//! The real binary, `jamtui` as a user runs it: flags and their errors, the headless log,
//! signals, `jamtui client`, `jamtui bench` and `jamtui check` (with the corpus of student
//! servers in tests/students/).

#[path = "../common/mod.rs"]
mod common;

mod check;
mod cli;
// Signals by `kill`, and memory read from /proc.
#[cfg(unix)]
mod robustness_process;
