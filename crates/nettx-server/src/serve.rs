//! The serving threads: one per core, each a single-threaded runtime that
//! serves the connections handed to it from start to end, in the order its
//! requests come; one accept loop admits each new connection (or closes it
//! at once over `limits.max_connections`) and hands it to the thread with
//! the fewest open.
//!
//! Why not one shared work-stealing runtime: under load it let some
//! connections wait 1.7–1.8 times the median, since a task woken on one
//! worker may wait there while the other runs; with each connection owned
//! by one thread and the connections spread evenly, every connection gets
//! the same share of a core (BENCHMARKS.md, "nettx serve under load").

use crate::conn::Bounded;
use crate::log::line;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit};

/// How each connection is served.
#[derive(Clone)]
pub struct Serve {
    /// The routes.
    pub app: axum::Router,
    /// TLS, when the service does it itself.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// The connection limit and idle time.
    pub bounded: Bounded,
    /// How long a client may take to send a request's headers, or to
    /// finish the TLS handshake.
    pub header_timeout: Duration,
    /// How long requests in flight get to finish once stopping.
    pub grace: Duration,
}

/// The serving threads and their accept loop, running. Dropped without
/// [`Serving::stop`], it still tells them to stop (they then finish their
/// requests in flight on their own).
pub struct Serving {
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
    /// Each thread's end (the sender is dropped unsent if it panicked).
    done: Vec<oneshot::Receiver<()>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// A connection handed to a serving thread: admitted (its permit of the
/// connection limit), and counted in its thread's open connections until
/// it is dropped, wherever that happens.
struct Handed {
    stream: std::net::TcpStream,
    permit: OwnedSemaphorePermit,
    _open: Open,
}

/// One open connection of a thread; dropping it uncounts it.
struct Open(Arc<AtomicUsize>);

impl Open {
    fn new(count: &Arc<AtomicUsize>) -> Open {
        count.fetch_add(1, Ordering::Relaxed);
        Open(count.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One serving thread, as the accept loop sees it.
struct Worker {
    connections: mpsc::UnboundedSender<Handed>,
    open: Arc<AtomicUsize>,
}

/// Starts `threads` serving threads (each has its runtime running before
/// this returns) and, on the caller's runtime, the loop that accepts on
/// `listener` (non-blocking) and hands connections out.
pub async fn start(
    listener: std::net::TcpListener,
    serve: Serve,
    threads: usize,
) -> io::Result<Serving> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (stop, stopped) = watch::channel(false);
    let mut serving = Serving {
        stop,
        accept: None,
        done: Vec::new(),
    };
    let mut workers = Vec::with_capacity(threads);
    for i in 0..threads.max(1) {
        let (connections, incoming) = mpsc::unbounded_channel();
        let (ready, started) = oneshot::channel();
        let (finished, answer) = oneshot::channel();
        let thread = Thread {
            incoming,
            serve: serve.clone(),
            stopped: stopped.clone(),
        };
        // On an error here, `serving` is dropped, which stops the threads
        // already started.
        std::thread::Builder::new()
            .name(format!("nettx-serve-{i}"))
            .spawn(move || {
                thread.run(ready);
                let _ = finished.send(());
            })?;
        started
            .await
            .map_err(|_| io::Error::other("a serving thread ended before its runtime ran"))??;
        workers.push(Worker {
            connections,
            open: Arc::new(AtomicUsize::new(0)),
        });
        serving.done.push(answer);
    }
    serving.accept = Some(tokio::spawn(accept_loop(
        listener,
        workers,
        serve.bounded,
        stopped,
    )));
    Ok(serving)
}

impl Serving {
    /// Stops accepting, lets each thread finish its requests in flight (up
    /// to the grace time; idle connections are closed at once) and waits
    /// for the threads.
    pub async fn stop(mut self) -> io::Result<()> {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        let mut served = Ok(());
        for done in std::mem::take(&mut self.done) {
            let result = done.await.map_err(|_| {
                io::Error::other("a serving thread ended without an answer (it panicked)")
            });
            if served.is_ok() {
                served = result;
            }
        }
        served
    }
}

/// Writes a line about the accept loop, at most once a second per `last`
/// (one for each kind of event).
fn say(last: &mut Option<Instant>, what: &str, detail: &str) {
    if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
        return;
    }
    *last = Some(Instant::now());
    line(&format!(
        "\"event\":\"{what}\",\"message\":{}",
        crate::audit::json_str(detail)
    ));
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    mut workers: Vec<Worker>,
    bounded: Bounded,
    mut stopped: watch::Receiver<bool>,
) {
    let mut said_accept = None;
    let mut said_limit = None;
    let mut said_thread = None;
    loop {
        let accepted = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted.and_then(|(stream, _)| stream.into_std()) {
            Ok(stream) => stream,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: say so, and wait a little rather than spin.
                say(&mut said_accept, "accept_error", &e.to_string());
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        // Over the limit, the connection is closed here, before it is
        // queued: open and queued connections together stay within it.
        let Some(permit) = bounded.permit() else {
            say(
                &mut said_limit,
                "connection_refused",
                "too many connections (limits.max_connections)",
            );
            continue;
        };
        let mut handed = Some((stream, permit));
        while let Some((stream, permit)) = handed.take() {
            let Some(at) = least_loaded(&workers) else {
                // Said once, whatever was said just before: the loop ends.
                say(
                    &mut None,
                    "serving_threads_ended",
                    "no serving thread is left; no connection is accepted any more",
                );
                return;
            };
            let Some(worker) = workers.get(at) else {
                return;
            };
            let open = Open::new(&worker.open);
            if let Err(mpsc::error::SendError(back)) = worker.connections.send(Handed {
                stream,
                permit,
                _open: open,
            }) {
                // That thread has ended (it panicked): leave it out from
                // now on, and hand the connection to another.
                say(
                    &mut said_thread,
                    "serving_thread_ended",
                    "a serving thread ended; its connections go to the others",
                );
                workers.swap_remove(at);
                handed = Some((back.stream, back.permit));
            }
        }
    }
}

/// The index of the thread with the fewest open connections.
fn least_loaded(workers: &[Worker]) -> Option<usize> {
    workers
        .iter()
        .enumerate()
        .min_by_key(|(_, w)| w.open.load(Ordering::Relaxed))
        .map(|(i, _)| i)
}

/// A serving thread's share.
struct Thread {
    incoming: mpsc::UnboundedReceiver<Handed>,
    serve: Serve,
    stopped: watch::Receiver<bool>,
}

impl Thread {
    /// Serves until stopped; a runtime that cannot be built is reported
    /// on `ready` (and `start` then fails).
    fn run(self, ready: oneshot::Sender<io::Result<()>>) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                let _ = ready.send(Err(io::Error::other(format!(
                    "cannot start a serving runtime: {e}"
                ))));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        runtime.block_on(self.serve_all());
        // Connections still open after the grace time are dropped with the
        // runtime.
    }

    async fn serve_all(self) {
        let Thread {
            mut incoming,
            serve,
            mut stopped,
        } = self;
        let graceful = GracefulShutdown::new();
        loop {
            let handed = tokio::select! {
                _ = stopped.changed() => break,
                handed = incoming.recv() => handed,
            };
            let Some(handed) = handed else { break };
            let serve = serve.clone();
            let watcher = graceful.watcher();
            tokio::spawn(async move { connection(handed, &serve, watcher).await });
        }
        // Connections queued and not yet started are closed now, not after
        // the grace time.
        drop(incoming);
        let _ = tokio::time::timeout(serve.grace, graceful.shutdown()).await;
    }
}

/// Serves one connection: TLS when configured, then HTTP/1.1 or HTTP/2
/// until it closes.
async fn connection(handed: Handed, serve: &Serve, watcher: Watcher) {
    let Handed {
        stream,
        permit,
        _open,
    } = handed;
    let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
        return;
    };
    let Ok(counted) = serve.bounded.admit(stream, permit) else {
        return;
    };
    let service = TowerToHyperService::new(serve.app.clone());
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(serve.header_timeout);
    match &serve.tls {
        Some(tls) => {
            let Ok(Ok(stream)) =
                tokio::time::timeout(serve.header_timeout, tls.accept(counted)).await
            else {
                return;
            };
            let served = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let _ = watcher.watch(served).await;
        }
        None => {
            let served = builder.serve_connection_with_upgrades(TokioIo::new(counted), service);
            let _ = watcher.watch(served).await;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]
mod tests {
    use super::*;

    fn worker() -> (Worker, mpsc::UnboundedReceiver<Handed>) {
        let (connections, incoming) = mpsc::unbounded_channel();
        let open = Arc::new(AtomicUsize::new(0));
        (Worker { connections, open }, incoming)
    }

    #[tokio::test]
    async fn connections_go_to_the_least_loaded_live_thread_and_are_uncounted_when_dropped() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let (dead, dead_rx) = worker();
        drop(dead_rx); // a thread that has ended
        let (busy, mut busy_rx) = worker();
        busy.open.store(5, Ordering::Relaxed);
        let (idle, mut idle_rx) = worker();
        let counts = [busy.open.clone(), idle.open.clone()];
        let bounded = Bounded::new(2, Duration::from_secs(5));
        let (stop, stopped) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(
            listener,
            vec![dead, busy, idle],
            bounded,
            stopped,
        ));

        let _first = tokio::net::TcpStream::connect(addr).await.unwrap();
        let handed = tokio::time::timeout(Duration::from_secs(5), idle_rx.recv())
            .await
            .expect("the idle thread gets the connection")
            .unwrap();
        assert_eq!(counts[1].load(Ordering::Relaxed), 1);
        assert_eq!(counts[0].load(Ordering::Relaxed), 5);
        assert!(busy_rx.try_recv().is_err());

        // Over the limit (2), a connection is closed by the accept loop
        // and never handed to a thread.
        let _second = tokio::net::TcpStream::connect(addr).await.unwrap();
        let second = tokio::time::timeout(Duration::from_secs(5), idle_rx.recv())
            .await
            .expect("the second connection is handed out")
            .unwrap();
        let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut buf = [0u8; 1];
        let read = tokio::time::timeout(
            Duration::from_secs(5),
            tokio::io::AsyncReadExt::read(&mut third, &mut buf),
        )
        .await
        .expect("the refused connection is closed");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
        assert!(idle_rx.try_recv().is_err() && busy_rx.try_recv().is_err());

        // Dropping a handed connection, wherever, uncounts it.
        drop(handed);
        drop(second);
        assert_eq!(counts[1].load(Ordering::Relaxed), 0);

        stop.send(true).unwrap();
        accept.await.unwrap();
    }
}
