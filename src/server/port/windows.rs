use std::io;
use std::os::windows::io::AsRawSocket;

use tokio::net::TcpSocket;
use windows_sys::Win32::Networking::WinSock::{
    SO_EXCLUSIVEADDRUSE, SOCKET, SOL_SOCKET, setsockopt,
};

/// What else to do about a port in use, after "choose another with --port N".
pub(crate) fn in_use_fix(_port: u16) -> String {
    ", or stop the program that holds it (`netstat -ano` names it)".to_string()
}

/// Why listening on a port can be refused for want of permission: Windows has no privileged
/// ports, but refuses one another program holds exclusively (Wine says this of any port in use)
/// or one it reserves.
pub(crate) const PERMISSION_WHY: &str = "another program holds it (`netstat -ano` names it), or Windows reserves it (`netsh interface ipv4 show excludedportrange protocol=tcp` lists those)";

/// No other socket may bind this port while the server listens (`SO_EXCLUSIVEADDRUSE`).
pub(crate) fn own_the_port(socket: &TcpSocket) -> io::Result<()> {
    let on: i32 = 1;
    // SAFETY: the socket is open (it is borrowed), and the option's value is an i32 that lives
    // across the call, as setsockopt requires.
    let failed = unsafe {
        setsockopt(
            socket.as_raw_socket() as SOCKET,
            SOL_SOCKET,
            SO_EXCLUSIVEADDRUSE,
            (&raw const on).cast(),
            size_of::<i32>() as i32,
        )
    };
    match failed {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}
