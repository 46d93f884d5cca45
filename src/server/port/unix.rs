use std::io;

use tokio::net::TcpSocket;

/// What to do about a port in use, after "choose another with --port N".
#[cfg(target_os = "linux")]
pub(crate) const IN_USE_FIX: &str =
    ", or keep outgoing connections off it with `sysctl -w net.ipv4.ip_local_reserved_ports=PORT`";
#[cfg(not(target_os = "linux"))]
pub(crate) const IN_USE_FIX: &str = "";

/// Lets a restarted server bind while old connections sit in TIME_WAIT; on Unix this does not
/// let a second server listen on the port.
pub(crate) fn own_the_port(socket: &TcpSocket) -> io::Result<()> {
    socket.set_reuseaddr(true)
}
