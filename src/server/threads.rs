//! The serving threads: one per core, each with a current-thread runtime and its own handle of
//! the one listening socket. The kernel gives each new connection to one of the threads waiting
//! in `accept()`, and the connection lives on that thread to its end, so serving it wakes no
//! other thread. (Each handle is registered with its own thread's poller; with N threads a new
//! connection may wake all N, which costs little at a thread per core.)

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

use super::accept::Acceptor;
use super::event::Event;

/// After shutdown, how long a thread waits for its clients' tasks to finish.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(1500);

/// The threads started, seen from the caller: two signals, each given when every thread has
/// dropped its sender.
pub(super) struct ServingThreads {
    listening: mpsc::Receiver<()>,
    running: mpsc::Receiver<()>,
}

impl ServingThreads {
    /// Starts `count` threads serving `listener`. A thread that cannot start is reported as
    /// `Event::ThreadFailed` and the others serve; if none starts, the caller's runtime serves.
    pub(super) async fn start(
        count: usize,
        listener: std::net::TcpListener,
        acceptor: Arc<Acceptor>,
    ) -> ServingThreads {
        let (listening, listening_ended) = mpsc::channel(1);
        let (running, running_ended) = mpsc::channel(1);
        let mut started = 0;
        for index in 0..count {
            let outcome = match listener.try_clone() {
                Ok(handle) => {
                    let thread = Thread {
                        acceptor: Arc::clone(&acceptor),
                        listening: listening.clone(),
                        running: running.clone(),
                    };
                    thread.spawn(index, handle).await
                }
                Err(error) => Err(error),
            };
            match outcome {
                Ok(()) => started += 1,
                Err(error) => acceptor.shared.publisher.publish(Event::ThreadFailed {
                    error: error.to_string(),
                }),
            }
        }
        if started == 0 {
            match TcpListener::from_std(listener) {
                Ok(listener) => {
                    tokio::spawn(async move {
                        serve(acceptor, listening, listener).await;
                        drop(running);
                    });
                }
                Err(error) => acceptor.shared.publisher.publish(Event::ThreadFailed {
                    error: error.to_string(),
                }),
            }
        }
        ServingThreads {
            listening: listening_ended,
            running: running_ended,
        }
    }

    /// Until every thread has closed its handle of the listening socket (after shutdown).
    pub(super) async fn stopped_listening(&mut self) {
        while self.listening.recv().await.is_some() {}
    }

    /// Until every thread has ended.
    pub(super) async fn ended(&mut self) {
        while self.running.recv().await.is_some() {}
    }
}

/// One serving thread's part: the acceptor, and senders whose drop says it stopped listening
/// and ended.
struct Thread {
    acceptor: Arc<Acceptor>,
    listening: mpsc::Sender<()>,
    running: mpsc::Sender<()>,
}

impl Thread {
    /// Starts the thread, and waits until it serves or has failed to.
    async fn spawn(self, index: usize, listener: std::net::TcpListener) -> io::Result<()> {
        let (serving, started) = oneshot::channel();
        std::thread::Builder::new()
            .name(format!("jamtui-serve-{index}"))
            .spawn(move || self.run(listener, serving))?;
        started
            .await
            .unwrap_or_else(|_| Err(io::Error::other("the thread ended before serving")))
    }

    fn run(self, listener: std::net::TcpListener, serving: oneshot::Sender<io::Result<()>>) {
        let Thread {
            acceptor,
            listening,
            running,
        } = self;
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                let _ = serving.send(Err(error));
                return;
            }
        };
        runtime.block_on(async {
            // Registers this thread's handle with this thread's poller.
            match TcpListener::from_std(listener) {
                Ok(listener) => {
                    let _ = serving.send(Ok(()));
                    serve(acceptor, listening, listener).await;
                }
                Err(error) => {
                    let _ = serving.send(Err(error));
                }
            }
        });
        // Tasks still running are dropped with the runtime, closing their sockets.
        drop(runtime);
        drop(running);
    }
}

/// Accepts until shutdown, says the listening socket is closed, and waits (briefly) for the
/// clients' tasks.
async fn serve(acceptor: Arc<Acceptor>, listening: mpsc::Sender<()>, listener: TcpListener) {
    let clients = acceptor.accept_until_shutdown(listener).await;
    drop(listening);
    let _ = timeout(SHUTDOWN_WAIT, clients.wait()).await;
}
