//! The serving gate: how many clients are served at once. Concurrent serves everyone; sequential
//! serves one client at a time, like a server without threads; a pool serves at most N, like a
//! thread pool. The others are accepted and queue, first come first served. The mode can change
//! at any moment: clients already being served finish normally, and a wider mode admits the
//! queue at once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::mode::Mode;

pub(crate) struct Gate {
    state: Mutex<State>,
}

struct State {
    mode: Mode,
    serving: usize,
    /// The clients waiting for their turn, first come first: each is told its turn by its own
    /// channel, so handing a place on wakes exactly one.
    queue: VecDeque<oneshot::Sender<()>>,
    /// The queue's length at which the clients that left are swept out of it.
    sweep_at: usize,
}

/// The least queue length worth a sweep.
const SWEEP_AT_LEAST: usize = 64;

impl State {
    fn has_room(&self) -> bool {
        self.mode.limit().is_none_or(|limit| self.serving < limit)
    }

    /// Hands the free places to the queue's first clients. One that left is skipped.
    fn admit_queued(&mut self) {
        while self.has_room() {
            let Some(next) = self.queue.pop_front() else {
                return;
            };
            if next.send(()).is_ok() {
                self.serving += 1;
            }
        }
    }

    /// Queues a client. While one client holds the turn, thousands may queue and leave: the
    /// entries of those that left are swept whenever the queue has doubled since the last
    /// sweep, so it stays within twice the clients really waiting, at O(1) amortized a client.
    fn queue(&mut self, told: oneshot::Sender<()>) {
        if self.queue.len() >= self.sweep_at {
            self.queue.retain(|waiting| !waiting.is_closed());
            self.sweep_at = SWEEP_AT_LEAST.max(2 * self.queue.len());
        }
        self.queue.push_back(told);
    }

    /// Whether someone is queued (clients that left, at the front, are dropped first).
    fn someone_queued(&mut self) -> bool {
        while self.queue.front().is_some_and(oneshot::Sender::is_closed) {
            self.queue.pop_front();
        }
        !self.queue.is_empty()
    }
}

/// A client's place among those being served; dropping it hands the place on.
pub(crate) struct Admission {
    gate: Arc<Gate>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        state.serving = state.serving.saturating_sub(1);
        state.admit_queued();
    }
}

/// A client waiting in the queue. If it leaves before its turn it is skipped; if its turn came
/// just as it left, the place is handed on.
struct Waiting<'a> {
    gate: &'a Arc<Gate>,
    turn: oneshot::Receiver<()>,
    admitted: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.admitted {
            return;
        }
        let mut state = self.gate.state();
        self.turn.close();
        if self.turn.try_recv().is_ok() {
            state.serving = state.serving.saturating_sub(1);
            state.admit_queued();
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
                sweep_at: SWEEP_AT_LEAST,
            }),
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

    /// Changes the mode: those being served finish; a wider mode admits the queue at once.
    pub(crate) fn set_mode(&self, mode: Mode) {
        let mut state = self.state();
        state.mode = mode;
        state.admit_queued();
    }

    /// Admits at once when there is room and nobody is queued ahead.
    pub(crate) fn try_enter(self: &Arc<Gate>) -> Option<Admission> {
        let mut state = self.state();
        (state.has_room() && !state.someone_queued()).then(|| {
            state.serving += 1;
            Admission {
                gate: Arc::clone(self),
            }
        })
    }

    /// Waits for this client's turn, first come first served. Cancel-safe: a client dropped
    /// while waiting leaves the queue.
    pub(crate) async fn enter(self: &Arc<Gate>) -> Admission {
        let turn = {
            let mut state = self.state();
            if state.has_room() && !state.someone_queued() {
                state.serving += 1;
                return Admission {
                    gate: Arc::clone(self),
                };
            }
            let (told, turn) = oneshot::channel();
            state.queue(told);
            turn
        };
        let mut waiting = Waiting {
            gate: self,
            turn,
            admitted: false,
        };
        // The place is taken for this client before it is told (the sender lives as long as
        // the gate, which `self` keeps alive).
        let _ = (&mut waiting.turn).await;
        waiting.admitted = true;
        Admission {
            gate: Arc::clone(self),
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

    /// Awaits an admission that is owed, failing (not hanging) if it never comes.
    async fn admitted<T>(future: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), future)
            .await
            .expect("admitted in time")
    }

    #[tokio::test]
    async fn sequential_serves_one_at_a_time_in_arrival_order() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().expect("room for the first");
        assert!(gate.try_enter().is_none());
        let mut second = Box::pin(gate.enter());
        let mut third = Box::pin(gate.enter());
        assert!(!admitted_within(second.as_mut(), Duration::from_millis(50)).await);
        drop(first);
        let second = admitted(second).await;
        assert!(!admitted_within(third.as_mut(), Duration::from_millis(50)).await);
        drop(second);
        admitted(third).await;
    }

    #[tokio::test]
    async fn clients_that_queue_and_leave_do_not_grow_the_queue() {
        use futures_util::FutureExt;
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let holder = gate.try_enter().expect("room for the first");
        let mut staying = Vec::new();
        for number in 0..20_000 {
            let mut entering = Box::pin(gate.enter());
            assert!(entering.as_mut().now_or_never().is_none(), "queued");
            // One in a thousand stays queued; the rest leave.
            if number % 1000 == 0 {
                staying.push(entering);
            }
        }
        let queued = gate.state().queue.len();
        assert!(
            queued <= 2 * SWEEP_AT_LEAST,
            "{queued} entries kept for 20 waiting"
        );
        // Those that stayed are still served in order.
        drop(holder);
        for entering in staying {
            drop(admitted(entering).await);
        }
    }

    #[tokio::test]
    async fn entering_a_free_gate_admits_at_once_and_takes_the_place() {
        use futures_util::FutureExt;
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = Box::pin(gate.enter())
            .now_or_never()
            .expect("nobody ahead: admitted at once");
        assert!(gate.try_enter().is_none(), "the place is taken");
        drop(first);
        assert!(gate.try_enter().is_some(), "and given back");
    }

    #[tokio::test]
    async fn a_turn_handed_to_a_client_that_just_left_is_handed_on() {
        use futures_util::FutureExt;
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().unwrap();
        let mut second = Box::pin(gate.enter());
        assert!(second.as_mut().now_or_never().is_none(), "queued");
        drop(first); // the turn goes to the second client...
        drop(second); // ...which leaves before taking it
        assert!(
            gate.try_enter().is_some(),
            "the place it never took is free again"
        );
    }

    #[tokio::test]
    async fn a_pool_serves_up_to_its_size() {
        let gate = Arc::new(Gate::new(Mode::Pool(2)));
        let a = gate.try_enter().unwrap();
        let _b = gate.try_enter().unwrap();
        let mut c = Box::pin(gate.enter());
        assert!(!admitted_within(c.as_mut(), Duration::from_millis(50)).await);
        drop(a);
        admitted(c).await;
    }

    #[tokio::test]
    async fn switching_to_concurrent_admits_the_whole_queue() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let _first = gate.try_enter().unwrap();
        let waiting = futures_util::future::join_all((2..=6).map(|_| gate.enter()));
        let switch = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            gate.set_mode(Mode::Concurrent);
        };
        let (all, ()) = admitted(async { tokio::join!(waiting, switch) }).await;
        assert_eq!(all.len(), 5);
    }

    #[tokio::test]
    async fn narrowing_lets_those_being_served_finish() {
        let gate = Arc::new(Gate::new(Mode::Concurrent));
        let a = gate.try_enter().unwrap();
        let b = gate.try_enter().unwrap();
        gate.set_mode(Mode::Sequential);
        let mut c = Box::pin(gate.enter());
        drop(a);
        assert!(
            !admitted_within(c.as_mut(), Duration::from_millis(50)).await,
            "b still served"
        );
        drop(b);
        admitted(c).await;
    }

    #[tokio::test]
    async fn leaving_the_queue_lets_the_next_one_in() {
        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().unwrap();
        let mut second = Box::pin(gate.enter());
        let mut third = Box::pin(gate.enter());
        assert!(!admitted_within(second.as_mut(), Duration::from_millis(20)).await);
        assert!(!admitted_within(third.as_mut(), Duration::from_millis(20)).await);
        drop(second); // client 2 leaves while queued
        drop(first);
        assert!(admitted_within(third.as_mut(), Duration::from_millis(500)).await);
    }

    /// A waker that counts its wakes and remembers it was woken.
    struct Counted {
        woken: std::sync::atomic::AtomicBool,
        total: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl futures_util::task::ArcWake for Counted {
        fn wake_by_ref(this: &Arc<Self>) {
            use std::sync::atomic::Ordering::Relaxed;
            this.woken.store(true, Relaxed);
            this.total.fetch_add(1, Relaxed);
        }
    }

    #[test]
    fn handing_the_turn_on_wakes_only_the_next_client() {
        use std::future::Future;
        use std::sync::atomic::Ordering::Relaxed;
        use std::task::{Context, Poll};

        let gate = Arc::new(Gate::new(Mode::Sequential));
        let first = gate.try_enter().expect("room for the first");
        let total = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let queued = 300;
        let mut waiters: Vec<_> = (0..queued)
            .map(|_| {
                let counted = Arc::new(Counted {
                    woken: false.into(),
                    total: Arc::clone(&total),
                });
                (Box::pin(gate.enter()), counted)
            })
            .collect();
        for (future, counted) in &mut waiters {
            let waker = futures_util::task::waker(Arc::clone(counted));
            assert!(
                future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
            );
        }
        drop(first);
        let mut served = 0;
        while served < queued {
            let woken: Vec<usize> = (0..waiters.len())
                .filter(|&at| waiters[at].1.woken.swap(false, Relaxed))
                .collect();
            assert_eq!(woken.len(), 1, "one client is told its turn at a time");
            let (future, counted) = &mut waiters[woken[0]];
            let waker = futures_util::task::waker(Arc::clone(counted));
            let Poll::Ready(admission) = future.as_mut().poll(&mut Context::from_waker(&waker))
            else {
                panic!("the woken client is admitted");
            };
            assert_eq!(woken[0], served, "first come, first served");
            served += 1;
            drop(admission);
        }
        assert_eq!(total.load(Relaxed), queued, "each queued client woken once");
    }
}
