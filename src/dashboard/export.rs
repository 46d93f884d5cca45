//! The dashboard's tables as CSV, for the `e` key and `--export-on-exit`: per client, or per
//! machine (what a lecturer grades a class's clients by).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use chrono::{DateTime, Local};

use crate::dashboard::app::Naming;
use crate::files;
use crate::server::ClientInfo;
use crate::server::MachineInfo;

/// Writes one row per client: address, connected at, connected for, requests, errors, last
/// latency, for one closed a moment ago how it ended, and the student the roster names at its
/// machine. `naming` writes the addresses and knows the names.
pub fn write_csv(path: &Path, clients: &[ClientInfo], naming: &Naming) -> io::Result<()> {
    files::write_whole(path, |file| write_clients(file, clients, naming))
}

fn write_clients(file: &mut File, clients: &[ClientInfo], naming: &Naming) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record([
        "address",
        "connected_at",
        "connected_seconds",
        "requests",
        "errors",
        "last_latency_ms",
        "closed",
        "student",
    ])?;
    let clock = WallClock::now();
    for client in clients {
        let until = client.closed.as_ref().map_or(clock.now, |closed| closed.at);
        let connected_for = until.saturating_duration_since(client.connected_at);
        writer.write_record([
            naming.masker.addr(client.peer),
            clock.timestamp(client.connected_at),
            format!("{:.3}", connected_for.as_secs_f64()),
            client.requests.to_string(),
            client.errors.to_string(),
            client.last_latency.map_or_else(String::new, |latency| {
                format!("{:.3}", latency.as_secs_f64() * 1e3)
            }),
            client
                .closed
                .as_ref()
                .map_or_else(String::new, |closed| closed.reason.to_string()),
            naming.student(client.peer.ip()).unwrap_or("").to_string(),
        ])?;
    }
    writer.flush()
}

/// Writes one row per machine: address, the student the roster names there, connections, open
/// now, requests, errors, first and last seen (none for a student not seen yet), how its last
/// connection ended. `naming` writes the addresses and knows the names.
pub fn write_machines_csv(
    path: &Path,
    machines: &[MachineInfo],
    naming: &Naming,
) -> io::Result<()> {
    files::write_whole(path, |file| write_machines(file, machines, naming))
}

fn write_machines(file: &mut File, machines: &[MachineInfo], naming: &Naming) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record([
        "machine",
        "student",
        "connections",
        "open",
        "requests",
        "errors",
        "first_seen",
        "last_seen",
        "last_closed",
    ])?;
    let clock = WallClock::now();
    for machine in machines {
        let seen = |at| match machine.connections {
            0 => String::new(),
            _ => clock.timestamp(at),
        };
        writer.write_record([
            naming.masker.ip(machine.ip),
            naming.student(machine.ip).unwrap_or("").to_string(),
            machine.connections.to_string(),
            machine.connected.to_string(),
            machine.requests.to_string(),
            machine.errors.to_string(),
            seen(machine.first_seen),
            seen(machine.last_seen),
            machine
                .last_gone
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
        ])?;
    }
    writer.flush()
}

/// Turns the server's monotonic instants into wall-clock timestamps.
struct WallClock {
    now: Instant,
    wall_now: SystemTime,
}

impl WallClock {
    fn now() -> WallClock {
        WallClock {
            now: Instant::now(),
            wall_now: SystemTime::now(),
        }
    }

    /// RFC 3339 in local time, to the millisecond.
    fn timestamp(&self, at: Instant) -> String {
        let wall: DateTime<Local> = (self.wall_now - self.now.saturating_duration_since(at)).into();
        wall.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    }
}

/// A fresh file name in the current directory: `jamtui-clients-20261125-231950.csv` (or
/// `jamtui-machines-...`), numbered when an export of the same second is there already.
pub fn default_path(table: &str) -> PathBuf {
    files::free_path(&PathBuf::from(format!(
        "jamtui-{table}-{}.csv",
        Local::now().format("%Y%m%d-%H%M%S")
    )))
}
