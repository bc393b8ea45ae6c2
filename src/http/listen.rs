//! The accept loop, ours rather than warp's so that connections are bounded:
//!
//! - a **header timeout** (hyper's): a connection waiting for a request, new or kept alive
//!   after an answer, has this long to send its headers, so slowloris clients and idle
//!   keep-alive sockets are closed;
//! - an **idle timeout**: a connection on which nothing is read or written for this long,
//!   mid-body or mid-answer (a client that stops sending its body, or stops reading), is
//!   closed; not while freshmock itself is still working on an answer (a large fixture set
//!   loading, a wait on the control plane): the client is not the one being slow then;
//! - **room for new clients**: the soft file-descriptor limit is raised to the hard one at
//!   start, and connections are capped below it; a new client over the cap, or an accept
//!   that fails for want of descriptors, closes the connection that has been silent the
//!   longest instead of leaving every new client waiting behind a flood of idle sockets.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

use crate::state::AppState;

/// Descriptors kept free of connections: the store, the index's threads, the log, a burst
/// of accepts.
const RESERVED_FDS: u64 = 64;
/// How long connections still answering get once the server is told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `state` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let timeouts = state.timeouts();
    let filter = super::dispatch::app(state);
    let connections = Arc::new(Connections::new(connection_cap(raise_fd_limit())));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) if out_of_descriptors(&err) => {
                // The connection waits in the backlog until a descriptor is free.
                if !connections.close_most_silent() {
                    tracing::warn!("accept: {err}; no connection to close, waiting");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                continue;
            }
            Err(err) => {
                if !matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) {
                    tracing::warn!("accept: {err}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                continue;
            }
        };
        if connections.full() {
            connections.close_most_silent();
        }
        let _ = stream.set_nodelay(true);
        let connection = connections.add();
        let service = Counted {
            inner: TowerToHyperService::new(warp::service(filter.clone())),
            connection: connection.clone(),
        };
        let watcher = graceful.watcher();
        let connections = connections.clone();
        tokio::spawn(async move {
            let io = TokioIo::new(Watched::new(stream, connection.clone(), timeouts.idle));
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(timeouts.header);
            let served = watcher.watch(builder.serve_connection_with_upgrades(io, service));
            tokio::select! {
                _ = served => {}
                () = connection.closed.notified() => {}
            }
            connections.remove(connection.id);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::debug!("connections still open {SHUTDOWN_GRACE:?} after the stop: dropped");
    }
}

/// `EMFILE` / `ENFILE`: this process, or the machine, has no descriptor left.
fn out_of_descriptors(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(24 | 23))
}

/// Raises the soft descriptor limit to the hard one (capped at a million: some systems set
/// the hard limit to "unlimited"), and returns the soft limit now in force.
fn raise_fd_limit() -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    let wanted = limit.maximum.unwrap_or(u64::MAX).min(1 << 20);
    if wanted > current {
        let raised = Rlimit {
            current: Some(wanted),
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return wanted;
        }
    }
    current
}

/// Connections allowed at once under a soft descriptor limit.
fn connection_cap(soft_limit: u64) -> usize {
    let reserved = RESERVED_FDS.max(soft_limit / 8);
    soft_limit.saturating_sub(reserved).max(16) as usize
}

/// One open connection, as the accept loop sees it.
#[derive(Debug)]
struct Connection {
    id: u64,
    /// When bytes last moved, in milliseconds since [`Connections::epoch`].
    last_active: AtomicU64,
    /// Notified to close the connection.
    closed: Notify,
    epoch: Instant,
    /// Requests whose answer freshmock has not finished: the client waits on us then.
    busy: AtomicUsize,
}

impl Connection {
    fn touch(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_active.store(now, Ordering::Relaxed);
    }

    fn last_active(&self) -> Instant {
        self.epoch + Duration::from_millis(self.last_active.load(Ordering::Relaxed))
    }
}

/// The open connections, to find the most silent one when room is needed.
#[derive(Debug)]
struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    cap: usize,
    epoch: Instant,
}

impl Connections {
    fn new(cap: usize) -> Connections {
        Connections {
            open: Mutex::default(),
            next_id: AtomicU64::new(0),
            cap,
            epoch: Instant::now(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn full(&self) -> bool {
        self.lock().len() >= self.cap
    }

    fn add(&self) -> Arc<Connection> {
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            last_active: AtomicU64::new(0),
            closed: Notify::new(),
            epoch: self.epoch,
            busy: AtomicUsize::new(0),
        });
        connection.touch();
        self.lock().insert(connection.id, connection.clone());
        connection
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the connection silent the longest; false when there is none.
    fn close_most_silent(&self) -> bool {
        let mut open = self.lock();
        // A connection waiting for its answer is not silent by its own doing.
        let Some(id) = open
            .values()
            .filter(|c| c.busy.load(Ordering::Relaxed) == 0)
            .min_by_key(|c| c.last_active.load(Ordering::Relaxed))
            .map(|c| c.id)
        else {
            return false;
        };
        if let Some(connection) = open.remove(&id) {
            // A permit if its task is not waiting yet: it closes when it gets there.
            connection.closed.notify_one();
        }
        true
    }
}

/// A service that counts its requests in flight on the connection (see
/// [`Connection::busy`]).
#[derive(Clone)]
struct Counted<S> {
    inner: S,
    connection: Arc<Connection>,
}

/// Counts a request in flight until its answer is ready (or the request is dropped).
struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<S, R> hyper::service::Service<R> for Counted<S>
where
    S: hyper::service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn call(&self, request: R) -> Self::Future {
        self.connection.busy.fetch_add(1, Ordering::Relaxed);
        let in_flight = InFlight(self.connection.clone());
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            drop(in_flight);
            answer
        })
    }
}

/// A socket that records when bytes move and fails a read or write that has waited
/// longer than the idle timeout since they last did.
struct Watched {
    stream: TcpStream,
    connection: Arc<Connection>,
    idle: Duration,
    /// Armed at the last known deadline; moved on when it fires early (bytes moved since).
    timer: Pin<Box<Sleep>>,
}

impl Watched {
    fn new(stream: TcpStream, connection: Arc<Connection>, idle: Duration) -> Watched {
        Watched {
            stream,
            idle,
            timer: Box::pin(tokio::time::sleep_until(connection.last_active() + idle)),
            connection,
        }
    }

    /// Called when the socket is not ready: an error once the connection has been silent
    /// for the idle timeout, otherwise pending (with the timer set to wake this task).
    fn pending_or_idle<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if self.connection.busy.load(Ordering::Relaxed) > 0 {
            // Our own answer is on its way: the silence is ours, not the client's.
            self.connection.touch();
        }
        loop {
            let deadline = self.connection.last_active() + self.idle;
            if self.timer.deadline() != deadline {
                self.timer.as_mut().reset(deadline);
            }
            if self.timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if self.connection.last_active() + self.idle <= Instant::now() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("nothing moved on the connection for {:?}", self.idle),
                )));
            }
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.connection.touch();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.pending_or_idle(cx),
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, data) {
            Poll::Ready(result) => {
                self.connection.touch();
                Poll::Ready(result)
            }
            Poll::Pending => self.pending_or_idle(cx),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                self.connection.touch();
                Poll::Ready(result)
            }
            Poll::Pending => self.pending_or_idle(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_capped_below_the_descriptor_limit() {
        assert_eq!(connection_cap(1024), 896);
        assert_eq!(connection_cap(256), 192);
        assert_eq!(connection_cap(20_000), 17_500);
        assert_eq!(connection_cap(10), 16);
    }

    #[tokio::test]
    async fn room_is_made_by_closing_the_connection_silent_the_longest() {
        let connections = Connections::new(2);
        let first = connections.add();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = connections.add();
        assert!(connections.full());
        assert!(connections.close_most_silent());
        // The first one's task is told (a stored permit), the second is left alone.
        tokio::time::timeout(Duration::from_secs(5), first.closed.notified())
            .await
            .expect("the most silent connection is closed");
        assert!(!connections.full());
        assert!(connections.lock().contains_key(&second.id));
    }
}
