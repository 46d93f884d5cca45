//! A process's CPU time and memory, where the platform offers them (Linux's /proc); elsewhere
//! the bench says they are not available.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(not(target_os = "linux"))]
mod unavailable;

#[cfg(target_os = "linux")]
pub use linux::{cpu_time, rss_kib};
#[cfg(not(target_os = "linux"))]
pub use unavailable::{cpu_time, rss_kib};
