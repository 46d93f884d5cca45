//! What the operator switches while the server runs: the pause, the delay before each reply and
//! the serving mode. Each change is published once, when it is one.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Duration;

use tokio::sync::watch;

use super::event::Event;
use super::gate::Gate;
use super::mode::Mode;
use super::publisher::Publisher;

pub(crate) struct Switches {
    /// Read on the hot path; `paused_changes` wakes those who wait for a change.
    paused: AtomicBool,
    paused_changes: watch::Sender<bool>,
    delay_micros: AtomicU64,
    gate: Arc<Gate>,
    publisher: Arc<Publisher>,
}

fn micros(delay: Duration) -> u64 {
    u64::try_from(delay.as_micros()).unwrap_or(u64::MAX)
}

impl Switches {
    pub(crate) fn new(delay: Duration, gate: Arc<Gate>, publisher: Arc<Publisher>) -> Switches {
        Switches {
            paused: AtomicBool::new(false),
            paused_changes: watch::channel(false).0,
            delay_micros: AtomicU64::new(micros(delay)),
            gate,
            publisher,
        }
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Relaxed)
    }

    /// The pause from now on: its current value first, then each change.
    pub(crate) fn pause_changes(&self) -> watch::Receiver<bool> {
        self.paused_changes.subscribe()
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Relaxed);
        let changed = self.paused_changes.send_if_modified(|current| {
            let changed = *current != paused;
            *current = paused;
            changed
        });
        if changed {
            self.publisher.publish(if paused {
                Event::Paused
            } else {
                Event::Resumed
            });
        }
    }

    /// The pause before each reply.
    pub(crate) fn delay(&self) -> Duration {
        Duration::from_micros(self.delay_micros.load(Relaxed))
    }

    pub(crate) fn set_delay(&self, delay: Duration) {
        let micros = micros(delay);
        if self.delay_micros.swap(micros, Relaxed) != micros {
            self.publisher.publish(Event::DelayChanged { delay });
        }
    }

    pub(crate) fn mode(&self) -> Mode {
        self.gate.mode()
    }

    pub(crate) fn set_mode(&self, mode: Mode) {
        if mode != self.gate.mode() {
            self.gate.set_mode(mode);
            self.publisher.publish(Event::ModeChanged { mode });
        }
    }
}
