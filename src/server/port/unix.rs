use std::io;

use tokio::net::TcpSocket;

/// What else to do about `port` in use, after "choose another with --port N".
#[cfg(target_os = "linux")]
pub(crate) fn in_use_fix(port: u16) -> String {
    format!(
        ", or keep outgoing connections off it with `sysctl -w net.ipv4.ip_local_reserved_ports={port}`"
    )
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn in_use_fix(_port: u16) -> String {
    String::new()
}

/// Why listening on a port can be refused for want of permission.
pub(crate) const PERMISSION_WHY: &str = "ports below 1024 need root";

/// Lets a restarted server bind while old connections sit in TIME_WAIT; on Unix this does not
/// let a second server listen on the port.
pub(crate) fn own_the_port(socket: &TcpSocket) -> io::Result<()> {
    socket.set_reuseaddr(true)
}
