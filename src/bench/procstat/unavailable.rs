//! No /proc here: no CPU or memory figures.

use std::time::Duration;

pub fn cpu_time(_pid: Option<u32>) -> Option<Duration> {
    None
}

pub fn rss_kib(_pid: u32) -> Option<u64> {
    None
}
