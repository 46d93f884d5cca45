//! The serving gate: how many clients are served at once. Concurrent serves everyone; sequential
//! serves one client at a time, like a server without threads; a pool serves at most N, like a
//! thread pool. The others are accepted and queue, first come first served. The mode can change
//! at any moment: clients already being served finish normally, and a wider mode admits the
//! queue at once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::event::ClientId;
use super::mode::Mode;

pub(crate) struct Gate {
    state: Mutex<State>,
    changed: Notify,
}

struct State {
    mode: Mode,
    serving: usize,
    queue: VecDeque<ClientId>,
}

/// A client's place among those being served; dropping it frees the place.
pub(crate) struct Admission {
    gate: Arc<Gate>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.gate.state().serving -= 1;
        self.gate.changed.notify_waiters();
    }
}

/// A client's place in the queue; removed from it if the client leaves before its turn.
struct Queued<'a> {
    gate: &'a Gate,
    id: ClientId,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        if let Some(at) = state.queue.iter().position(|&queued| queued == self.id) {
            state.queue.remove(at);
            drop(state);
            // Someone behind may now be within the limit.
            self.gate.changed.notify_waiters();
        }
    }
}

impl Gate {
    pub(crate) fn new(mode: Mode) -> Gate {
        Gate {
            state: Mutex::new(State {
                mode,
                serving: 0,
                queue: VecDeque::new(),
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn mode(&self) -> Mode {
        self.state().mode
    }

    pub(crate) fn set_mode(&self, mode: Mode) {
        self.state().mode = mode;
        self.changed.notify_waiters();
    }

    /// Admits at once when there is room and nobody is queued ahead.
    pub(crate) fn try_enter(self: &Arc<Gate>) -> Option<Admission> {
        let mut state = self.state();
        let room = state.mode.limit().is_none_or(|limit| state.serving < limit);
        (room && state.queue.is_empty()).then(|| {
            state.serving += 1;
            Admission {
                gate: Arc::clone(self),
            }
        })
    }

    /// Queues the client and waits for its turn. Cancel-safe: a client dropped while waiting
    /// leaves the queue.
    pub(crate) async fn enter(self: &Arc<Gate>, id: ClientId) -> Admission {
        self.state().queue.push_back(id);
        // Takes the client out of the queue however this ends; a no-op once admitted.
        let _queued = Queued { gate: self, id };
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so a change in between is not missed.
            changed.as_mut().enable();
            {
                let mut state = self.state();
                let room = match state.mode.limit() {
                    None => usize::MAX,
                    Some(limit) => limit.saturating_sub(state.serving),
                };
                let place = state.queue.iter().position(|&queued| queued == id);
                if place.is_some_and(|place| place < room) {
                    state.queue.retain(|&queued| queued != id);
                    state.serving += 1;
                    // Others may fit too (a switch to a wider mode admits the whole queue).
                    self.changed.notify_waiters();
                    return Admission {
                        gate: Arc::clone(self),
                    };
                }
            }
            changed.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    async fn admitted_within(future: impl Future, wait: Duration) -> bool {
        tokio::time::timeout(wait, future).await.is_ok()
    }

    #[tokio::test]
    async fn sequential_serves_one_at_a_time_in_arrival_order() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().expect("room for the first");
        assert!(gate.try_enter().is_none());
        let mut second = Box::pin(gate.enter(2));
        let mut third = Box::pin(gate.enter(3));
        assert!(!admitted_within(second.as_mut(), Duration::from_millis(50)).await);
        drop(first);
        let second = second.await;
        assert!(!admitted_within(third.as_mut(), Duration::from_millis(50)).await);
        drop(second);
        third.await;
    }

    #[tokio::test]
    async fn a_pool_serves_up_to_its_size() {
        let gate = Arc::new(Gate::new(Mode::Pool(2)));
        let a = gate.try_enter().unwrap();
        let _b = gate.try_enter().unwrap();
        let mut c = Box::pin(gate.enter(3));
        assert!(!admitted_within(c.as_mut(), Duration::from_millis(50)).await);
        drop(a);
        c.await;
    }

    #[tokio::test]
    async fn switching_to_concurrent_admits_the_whole_queue() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let _first = gate.try_enter().unwrap();
        let waiting = futures_util::future::join_all((2..=6).map(|id| gate.enter(id)));
        let switch = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            gate.set_mode(Mode::Concurrent);
        };
        let (admitted, ()) = tokio::join!(waiting, switch);
        assert_eq!(admitted.len(), 5);
    }

    #[tokio::test]
    async fn narrowing_lets_those_being_served_finish() {
        let gate = Arc::new(Gate::new(Mode::Concurrent));
        let a = gate.try_enter().unwrap();
        let b = gate.try_enter().unwrap();
        gate.set_mode(Mode::Sequential);
        let mut c = Box::pin(gate.enter(3));
        drop(a);
        assert!(
            !admitted_within(c.as_mut(), Duration::from_millis(50)).await,
            "b still served"
        );
        drop(b);
        c.await;
    }

    #[tokio::test]
    async fn leaving_the_queue_lets_the_next_one_in() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().unwrap();
        let mut second = Box::pin(gate.enter(2));
        let mut third = Box::pin(gate.enter(3));
        assert!(!admitted_within(second.as_mut(), Duration::from_millis(20)).await);
        assert!(!admitted_within(third.as_mut(), Duration::from_millis(20)).await);
        drop(second); // client 2 leaves while queued
        drop(first);
        assert!(admitted_within(third.as_mut(), Duration::from_millis(500)).await);
    }
}
