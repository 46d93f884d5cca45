//! A watcher's receiver of server events, counted while it lives, so that connections can ask
//! "does anyone listen?" with one atomic load instead of the channel's lock, which every
//! connection would take on every batch.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use tokio::sync::broadcast;

use super::event::Event;

/// Server events from the moment of subscribing; dereferences to the channel's receiver.
pub struct Subscription {
    events: broadcast::Receiver<Event>,
    /// Not the server's whole state: the channel must close once the server is gone, even while
    /// a watcher still holds its subscription.
    listeners: Arc<AtomicUsize>,
}

impl Subscription {
    pub(super) fn new(events: &broadcast::Sender<Event>, listeners: &Arc<AtomicUsize>) -> Self {
        // Counted before the receiver exists: an event is at worst made for nobody, never
        // withheld from a watcher.
        listeners.fetch_add(1, Relaxed);
        Subscription {
            events: events.subscribe(),
            listeners: Arc::clone(listeners),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.listeners.fetch_sub(1, Relaxed);
    }
}

impl Deref for Subscription {
    type Target = broadcast::Receiver<Event>;

    fn deref(&self) -> &Self::Target {
        &self.events
    }
}

impl DerefMut for Subscription {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_is_counted_while_it_lives() {
        let (events, _) = broadcast::channel(1);
        let listeners = Arc::default();
        let first = Subscription::new(&events, &listeners);
        let second = Subscription::new(&events, &listeners);
        assert_eq!((listeners.load(Relaxed), events.receiver_count()), (2, 2));
        drop(first);
        assert_eq!(listeners.load(Relaxed), 1);
        drop(second);
        assert_eq!(listeners.load(Relaxed), 0);
    }
}
