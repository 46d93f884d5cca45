//! Privacy mode for projectors: client addresses are masked wherever they are shown, keeping the
//! network part and the port, so students' addresses are not projected, and adding a label that
//! keeps machines apart (`172.16.x.x~3fa2:43256`).
//!
//! Addresses travel as `SocketAddr` and `IpAddr` up to the point where they are drawn or
//! written, and one [`Masker`] writes them there. Inside a log message, which is text by the time
//! it reaches the log panel, a client's address travels as a [`mark`]: the address set apart by
//! two private-use characters, which each sink turns into its Python form as it writes or draws
//! the line, masked or not as privacy is at that moment.

use std::borrow::Cow;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, LazyLock};

use super::pyrepr;

/// Writes client addresses in full, or with their host part hidden.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Masker {
    hide: bool,
}

impl Masker {
    /// Addresses in full.
    pub const SHOW: Masker = Masker { hide: false };
    /// Addresses with their host part hidden.
    pub const HIDE: Masker = Masker { hide: true };

    pub fn new(hide: bool) -> Masker {
        Masker { hide }
    }

    pub fn hides(self) -> bool {
        self.hide
    }

    /// `172.16.16.102`, or `172.16.x.x~3fa2`; `2001:db8:x:x:x:x:x:x~07c1` for IPv6. The label
    /// after `~` stands for the hidden part: see [`label`].
    pub fn ip(self, ip: IpAddr) -> String {
        if !self.hide {
            return ip.to_string();
        }
        match ip.to_canonical() {
            IpAddr::V4(v4) => {
                let [a, b, c, d] = v4.octets();
                let label = label(u16::from_be_bytes([c, d]));
                format!("{a}.{b}.x.x~{label:04x}")
            }
            IpAddr::V6(v6) => {
                let segments = v6.segments();
                let hidden = segments[2..]
                    .iter()
                    .fold(0, |folded, segment| folded ^ segment);
                let label = label(hidden);
                format!(
                    "{:x}:{:x}:x:x:x:x:x:x~{label:04x}",
                    segments[0], segments[1]
                )
            }
        }
    }

    /// `172.16.16.102:43256`, or `172.16.x.x:43256`; `[2001:db8:x:x:x:x:x:x]:43256` for IPv6
    /// (the scope id goes with the host part).
    pub fn addr(self, addr: SocketAddr) -> String {
        if !self.hide {
            return addr.to_string();
        }
        match addr.ip().to_canonical() {
            IpAddr::V4(_) => format!("{}:{}", self.ip(addr.ip()), addr.port()),
            IpAddr::V6(_) => format!("[{}]:{}", self.ip(addr.ip()), addr.port()),
        }
    }

    /// As Python's `socket.accept()` gives it: `('127.0.0.1', 43256)`, or `('127.0.x.x', 43256)`.
    pub fn python(self, addr: SocketAddr) -> String {
        if !self.hide {
            return pyrepr::addr(addr);
        }
        match addr {
            SocketAddr::V4(v4) => format!("('{}', {})", self.ip(addr.ip()), v4.port()),
            SocketAddr::V6(v6) => format!(
                "('{}', {}, {}, {})",
                self.ip(addr.ip()),
                v6.port(),
                v6.flowinfo(),
                v6.scope_id()
            ),
        }
    }

    /// A log message with every [`mark`]ed address written in its Python form.
    pub fn render(self, marked: &str) -> Cow<'_, str> {
        render_marks(marked, |addr| self.python(addr))
    }
}

/// A log message with every [`mark`]ed address written by `write`.
pub fn render_marks(marked: &str, write: impl Fn(SocketAddr) -> String) -> Cow<'_, str> {
    if !marked.contains(MARK_START) {
        return Cow::Borrowed(marked);
    }
    let mut out = String::with_capacity(marked.len());
    let mut rest = marked;
    while let Some(start) = rest.find(MARK_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARK_START.len_utf8()..];
        let Some(end) = after.find(MARK_END) else {
            // Not a mark of ours; dropped rather than shown raw.
            rest = after;
            continue;
        };
        match after[..end].parse::<SocketAddr>() {
            Ok(addr) => out.push_str(&write(addr)),
            Err(_) => out.push_str("(?)"),
        }
        rest = &after[end + MARK_END.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A hidden host part's label: the same for a machine all session, different for every machine
/// of one IPv4 /16 (a permutation of its 16 hidden bits, keyed by a number drawn at start, so
/// the label tells nothing of the address). IPv6's 96 hidden bits are folded to 16 first, so two
/// machines there may share a label, rarely.
fn label(hidden: u16) -> u16 {
    static KEY: LazyLock<u64> = LazyLock::new(|| RandomState::new().hash_one(0u8));
    permute(hidden, *KEY)
}

/// A permutation of u16 chosen by `key`: each step is a bijection (xor, multiplication by an odd
/// number, rotation).
fn permute(value: u16, key: u64) -> u16 {
    let [k0, k1, k2, k3] = [0, 16, 32, 48].map(|shift| (key >> shift) as u16);
    let mixed = (value ^ k0).wrapping_mul(k1 | 1).rotate_left(7) ^ k2;
    mixed.wrapping_mul(k3 | 1).rotate_left(5)
}

const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// A client's address inside a log message, for [`Masker::render`] to write.
pub fn mark(addr: SocketAddr) -> String {
    format!("{MARK_START}{addr}{MARK_END}")
}

/// Whether addresses are hidden, shared by the dashboard's `h` key and every log sink.
#[derive(Debug, Clone, Default)]
pub struct Privacy(Arc<AtomicBool>);

impl Privacy {
    pub fn new(on: bool) -> Privacy {
        Privacy(Arc::new(AtomicBool::new(on)))
    }

    pub fn set(&self, on: bool) {
        self.0.store(on, Relaxed);
    }

    /// How to write addresses right now.
    pub fn masker(&self) -> Masker {
        Masker::new(self.0.load(Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masker_says_whether_it_hides() {
        assert!(Masker::new(true).hides() && Masker::HIDE.hides());
        assert!(!Masker::new(false).hides() && !Masker::SHOW.hides());
    }

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    /// What the label after `~` hides `ip` as (drawn at random each session).
    fn hidden(ip: &str) -> String {
        Masker::HIDE.ip(ip.parse().unwrap())
    }

    #[test]
    fn addresses_keep_network_and_port_and_a_label_for_the_rest() {
        let hide = Masker::HIDE;
        let student = hidden("172.16.16.102");
        let (network, label) = student.split_once('~').unwrap();
        assert_eq!(network, "172.16.x.x");
        assert!(
            label.len() == 4 && label.chars().all(|c| c.is_ascii_hexdigit()),
            "{student}"
        );
        assert_eq!(
            hide.addr(addr("172.16.16.102:43256")),
            format!("{student}:43256")
        );
        assert_eq!(hidden("172.16.16.102"), student, "the same all session");
        assert!(hidden("127.0.0.1").starts_with("127.0.x.x~"));
        assert_eq!(
            hide.addr(addr("[::ffff:10.1.2.3]:9")),
            format!("{}:9", hidden("10.1.2.3"))
        );
        let v6 = hidden("2001:db8::5");
        assert!(v6.starts_with("2001:db8:x:x:x:x:x:x~"), "{v6}");
        assert_ne!(
            v6,
            hidden("2001:db8::6"),
            "the hidden bits tell machines apart"
        );
        assert_ne!(v6, hidden("2001:db8:0:1::5"));
        assert_eq!(
            hide.addr(addr("[2001:db8::5]:43256")),
            format!("[{v6}]:43256")
        );
        let scoped = hidden("fe80::1");
        assert!(scoped.starts_with("fe80:0:x:x:x:x:x:x~"), "{scoped}");
        assert_eq!(
            hide.addr(addr("[fe80::1%4]:42675")),
            format!("[{scoped}]:42675")
        );
        assert_eq!(
            Masker::SHOW.addr(addr("[fe80::1%4]:42675")),
            "[fe80::1%4]:42675"
        );
    }

    #[test]
    fn every_machine_of_a_network_gets_its_own_label() {
        let labels: std::collections::HashSet<String> = (0..=u16::MAX)
            .map(|host| {
                let [c, d] = host.to_be_bytes();
                hidden(&format!("10.0.{c}.{d}"))
            })
            .collect();
        assert_eq!(labels.len(), 1 << 16);
    }

    #[test]
    fn every_key_permutes_the_hidden_bits() {
        // Keys with odd and with even parts: the label's key is drawn at random each run.
        for key in [0, u64::MAX, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210] {
            let labels: std::collections::HashSet<u16> =
                (0..=u16::MAX).map(|value| permute(value, key)).collect();
            assert_eq!(labels.len(), 1 << 16, "{key:x}");
        }
        // Every part of the key counts: keys apart only above their lowest 16 bits permute
        // differently.
        let differs =
            |key: u64| (0..=u16::MAX).any(|value| permute(value, 0) != permute(value, key));
        for part in [16, 32, 48] {
            assert!(differs(0x0a0a << part), "part at {part}");
        }
    }

    #[test]
    fn python_forms_match_the_assignment_log() {
        let peer = addr("172.16.16.102:43256");
        assert_eq!(Masker::SHOW.python(peer), "('172.16.16.102', 43256)");
        assert_eq!(
            Masker::HIDE.python(peer),
            format!("('{}', 43256)", hidden("172.16.16.102"))
        );
        assert_eq!(
            Masker::HIDE.python(addr("[fe80::1%4]:42675")),
            format!("('{}', 42675, 0, 4)", hidden("fe80::1"))
        );
    }

    #[test]
    fn marked_messages_are_written_as_privacy_is_when_they_are_shown() {
        let message = format!(
            "[SERVER] sending JAM 23:19:50 to {}",
            mark(addr("[fe80::1%4]:42675"))
        );
        assert_eq!(
            Masker::SHOW.render(&message),
            "[SERVER] sending JAM 23:19:50 to ('fe80::1', 42675, 0, 4)"
        );
        assert_eq!(
            Masker::HIDE.render(&message),
            format!(
                "[SERVER] sending JAM 23:19:50 to ('{}', 42675, 0, 4)",
                hidden("fe80::1")
            )
        );
        let two = format!("{} {}", mark(addr("10.0.0.1:1")), mark(addr("10.0.0.2:2")));
        assert_eq!(
            Masker::HIDE.render(&two),
            format!(
                "('{}', 1) ('{}', 2)",
                hidden("10.0.0.1"),
                hidden("10.0.0.2")
            )
        );
        assert_eq!(Masker::HIDE.render("no address 12:30"), "no address 12:30");
        assert_eq!(Masker::HIDE.render("broken \u{E000}mark"), "broken mark");
    }

    #[test]
    fn privacy_is_shared() {
        let privacy = Privacy::new(false);
        let seen_by_the_log = privacy.clone();
        privacy.set(true);
        assert_eq!(seen_by_the_log.masker(), Masker::HIDE);
    }
}
