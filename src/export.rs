//! Per-client statistics as CSV: the dashboard's `e` key and `--export-on-exit`.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Local};

use crate::handle::ClientInfo;
use crate::privacy::mask_addr;

/// Writes one row per client: address, connected at, connected for, requests, errors, last
/// latency. Addresses are masked in privacy mode.
pub fn write_csv(path: &Path, clients: &[ClientInfo], privacy: bool) -> io::Result<()> {
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record([
        "address",
        "connected_at",
        "connected_seconds",
        "requests",
        "errors",
        "last_latency_ms",
    ])?;
    let (now, wall_now) = (Instant::now(), SystemTime::now());
    for client in clients {
        let connected_for = now.saturating_duration_since(client.connected_at);
        let connected_at: DateTime<Local> = (wall_now - connected_for).into();
        let address = if privacy {
            mask_addr(client.peer)
        } else {
            client.peer.to_string()
        };
        writer.write_record([
            address,
            connected_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
            format!("{:.3}", connected_for.as_secs_f64()),
            client.requests.to_string(),
            client.errors.to_string(),
            client.last_latency.map_or_else(String::new, |latency| {
                format!("{:.3}", latency.as_secs_f64() * 1e3)
            }),
        ])?;
    }
    writer.flush()
}

/// A fresh file name in the current directory: `jamtui-clients-20261125-231950.csv`.
pub fn default_path() -> PathBuf {
    PathBuf::from(format!(
        "jamtui-clients-{}.csv",
        Local::now().format("%Y%m%d-%H%M%S")
    ))
}
