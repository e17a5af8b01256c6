//! The serving threads: one per core, each a single-threaded runtime that
//! serves the connections handed to it from start to end, in the order its
//! requests come; one accept loop hands each new connection to the thread
//! with the fewest open.
//!
//! Why not one shared work-stealing runtime: under load it let some
//! connections wait 1.6–1.8 times the median, since a task woken on one
//! worker may wait there while the other runs; with each connection owned
//! by one thread and the connections spread evenly, every connection gets
//! the same share of a core (BENCHMARKS.md, "nettx serve under load").

use crate::conn::Bounded;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

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

/// The serving threads and their accept loop, running.
/// Dropped without [`Serving::stop`], it still tells the threads to stop
/// (they then finish their requests in flight on their own).
pub struct Serving {
    stop: watch::Sender<bool>,
    accept: Option<tokio::task::JoinHandle<()>>,
    done: Vec<oneshot::Receiver<io::Result<()>>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// One serving thread, as the accept loop sees it.
struct Worker {
    connections: mpsc::UnboundedSender<std::net::TcpStream>,
    open: Arc<AtomicUsize>,
}

/// Starts `threads` serving threads and, on the caller's runtime, the loop
/// that accepts on `listener` (non-blocking) and hands connections out.
pub fn start(listener: std::net::TcpListener, serve: Serve, threads: usize) -> io::Result<Serving> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (stop, stopped) = watch::channel(false);
    let mut workers = Vec::with_capacity(threads);
    let mut done = Vec::with_capacity(threads);
    for i in 0..threads.max(1) {
        let (connections, incoming) = mpsc::unbounded_channel();
        let open = Arc::new(AtomicUsize::new(0));
        let (finished, answer) = oneshot::channel();
        let thread = Thread {
            incoming,
            serve: serve.clone(),
            open: open.clone(),
            stopped: stopped.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name(format!("nettx-serve-{i}"))
            .spawn(move || {
                let _ = finished.send(thread.run());
            });
        if let Err(e) = spawned {
            // The threads already started stop with the sender.
            let _ = stop.send(true);
            return Err(e);
        }
        workers.push(Worker { connections, open });
        done.push(answer);
    }
    let accept = tokio::spawn(accept_loop(listener, workers, stopped));
    Ok(Serving {
        stop,
        accept: Some(accept),
        done,
    })
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
            let result = done.await.unwrap_or_else(|_| {
                Err(io::Error::other(
                    "a serving thread ended without an answer (it panicked)",
                ))
            });
            if served.is_ok() {
                served = result;
            }
        }
        served
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    workers: Vec<Worker>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted.and_then(|(stream, _)| stream.into_std()) {
            Ok(stream) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a little rather than spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Some(worker) = workers
            .iter()
            .min_by_key(|w| w.open.load(Ordering::Relaxed))
        else {
            return;
        };
        worker.open.fetch_add(1, Ordering::Relaxed);
        if worker.connections.send(stream).is_err() {
            // That thread has ended (only when stopping): the stream is
            // dropped, which closes it.
            worker.open.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A serving thread's share.
struct Thread {
    incoming: mpsc::UnboundedReceiver<std::net::TcpStream>,
    serve: Serve,
    open: Arc<AtomicUsize>,
    stopped: watch::Receiver<bool>,
}

impl Thread {
    fn run(self) -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| io::Error::other(format!("cannot start a serving runtime: {e}")))?;
        runtime.block_on(self.serve_all());
        // Connections still open after the grace time are dropped with the
        // runtime.
        Ok(())
    }

    async fn serve_all(self) {
        let Thread {
            mut incoming,
            serve,
            open,
            mut stopped,
        } = self;
        let graceful = GracefulShutdown::new();
        loop {
            let stream = tokio::select! {
                _ = stopped.changed() => break,
                stream = incoming.recv() => stream,
            };
            let Some(stream) = stream else { break };
            let serve = serve.clone();
            let open = open.clone();
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                connection(stream, &serve, watcher).await;
                open.fetch_sub(1, Ordering::Relaxed);
            });
        }
        let _ = tokio::time::timeout(serve.grace, graceful.shutdown()).await;
    }
}

/// Serves one connection: counted (or refused over the limit), TLS when
/// configured, then HTTP/1.1 or HTTP/2 until it closes.
async fn connection(stream: std::net::TcpStream, serve: &Serve, watcher: Watcher) {
    let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
        return;
    };
    let Ok(counted) = serve.bounded.admit(stream) else {
        // Over the limit: dropping it closes it at once.
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
