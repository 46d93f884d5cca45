//! Students' names by machine, from a roster (`jamtui --roster FILE`): the same
//! `name,host[,port]` file `jamtui check --roster` grades, so a lecturer writes it once. The
//! machines view names each machine and lists the students not seen yet; everywhere else a
//! client is written (the clients table, conversations, the log panel, exports) its student's
//! name follows its address, through one [`Naming`].

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::client::check::roster::{self, Student};
use crate::server::MachineInfo;
use crate::text::{Masker, printable, render_marks};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// In the roster's order; names made safe to print.
    students: Vec<(IpAddr, String)>,
}

impl Names {
    /// Reads a roster; a host that is not an address is looked up once, now. Returns the names
    /// and, for each row that names no machine found, what to tell the lecturer.
    pub fn read(path: &Path) -> anyhow::Result<(Names, Vec<String>)> {
        Ok(Names::of(&roster::read(path)?))
    }

    pub fn of(students: &[Student]) -> (Names, Vec<String>) {
        let mut names = Names::default();
        let mut unnamed = Vec::new();
        for student in students {
            let found = student.host.parse::<IpAddr>().ok().or_else(|| {
                let mut addrs = (student.host.as_str(), 0).to_socket_addrs().ok()?;
                addrs.next().map(|addr| addr.ip())
            });
            match found {
                Some(ip) => names
                    .students
                    .push((ip.to_canonical(), printable(&student.name).into_owned())),
                None => unnamed.push(format!(
                    "roster: {}'s host '{}' is no address and was not found; their machine stays unnamed",
                    printable(&student.name),
                    printable(&student.host)
                )),
            }
        }
        (names, unnamed)
    }

    pub fn is_empty(&self) -> bool {
        self.students.is_empty()
    }

    /// The student at `ip`, if the roster names one.
    pub fn of_machine(&self, ip: IpAddr) -> Option<&str> {
        let ip = ip.to_canonical();
        self.students
            .iter()
            .find(|(at, _)| *at == ip)
            .map(|(_, name)| name.as_str())
    }

    /// Adds the roster's machines not seen yet to `machines`, in the roster's order, with no
    /// connection at all: that is how a lecturer sees who has not connected.
    pub fn add_unseen(&self, machines: &mut Vec<MachineInfo>, now: Instant) {
        for &(ip, _) in &self.students {
            if !machines.iter().any(|machine| machine.ip == ip) {
                machines.push(MachineInfo {
                    ip,
                    connected: 0,
                    connections: 0,
                    requests: 0,
                    errors: 0,
                    first_seen: now,
                    last_seen: now,
                    last_gone: None,
                });
            }
        }
    }
}

/// How the dashboard writes a client: its address as privacy has it right now, then the name
/// the roster gives its machine (`172.16.16.102:43256 Budi`; `172.16.x.x~3fa2:43256 Budi`).
#[derive(Debug, Clone)]
pub struct Naming {
    pub masker: Masker,
    pub names: Arc<Names>,
}

impl Naming {
    pub fn addr(&self, addr: SocketAddr) -> String {
        self.named(self.masker.addr(addr), addr.ip())
    }

    /// The assignment's form, `('172.16.16.102', 43256) Budi`.
    pub fn python(&self, addr: SocketAddr) -> String {
        self.named(self.masker.python(addr), addr.ip())
    }

    /// A log message with every marked address written as [`Naming::python`] does.
    pub fn render<'a>(&self, marked: &'a str) -> Cow<'a, str> {
        render_marks(marked, |addr| self.python(addr))
    }

    pub fn student(&self, ip: IpAddr) -> Option<&str> {
        self.names.of_machine(ip)
    }

    fn named(&self, mut written: String, ip: IpAddr) -> String {
        if let Some(name) = self.student(ip) {
            written.push(' ');
            written.push_str(name);
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_names_machines_by_address_and_says_which_it_cannot_place() {
        let students = roster::parse(
            "name,host,port\nBudi,172.16.16.102,45000\nSiti,localhost\nEve \u{1b}[2J,no-such-host.invalid\n"
                .as_bytes(),
        )
        .unwrap();
        let (names, unnamed) = Names::of(&students);
        assert_eq!(
            names.of_machine("172.16.16.102".parse().unwrap()),
            Some("Budi")
        );
        assert_eq!(
            names.of_machine("::ffff:172.16.16.102".parse().unwrap()),
            Some("Budi"),
            "an IPv4 client reaching an IPv6 socket"
        );
        assert!(names.of_machine("172.16.16.103".parse().unwrap()).is_none());
        let localhost = ("localhost", 0).to_socket_addrs().unwrap().next().unwrap();
        assert_eq!(names.of_machine(localhost.ip()), Some("Siti"));
        assert_eq!(unnamed.len(), 1, "{unnamed:?}");
        assert!(unnamed[0].contains("Eve \\x1b[2J"), "escaped: {unnamed:?}");

        let now = Instant::now();
        let mut machines = Vec::new();
        names.add_unseen(&mut machines, now);
        assert_eq!(machines.len(), 2);
        names.add_unseen(&mut machines, now);
        assert_eq!(machines.len(), 2, "a machine is listed once");
        assert!(machines.iter().all(|machine| machine.connections == 0));
    }

    #[test]
    fn a_named_client_is_written_with_its_student_after_its_address() {
        let students = roster::parse("Budi Santoso,172.16.16.102\n".as_bytes()).unwrap();
        let naming = Naming {
            masker: Masker::SHOW,
            names: Arc::new(Names::of(&students).0),
        };
        let budi: SocketAddr = "172.16.16.102:43256".parse().unwrap();
        let other: SocketAddr = "172.16.16.103:43257".parse().unwrap();
        assert_eq!(naming.addr(budi), "172.16.16.102:43256 Budi Santoso");
        assert_eq!(naming.addr(other), "172.16.16.103:43257");
        let message = format!("connection from {}", crate::text::mark(budi));
        assert_eq!(
            naming.render(&message),
            "connection from ('172.16.16.102', 43256) Budi Santoso"
        );
        let hidden = Naming {
            masker: Masker::HIDE,
            ..naming
        };
        let written = hidden.python(budi);
        assert!(
            written.starts_with("('172.16.x.x~") && written.ends_with("', 43256) Budi Santoso"),
            "{written}"
        );
    }
}
