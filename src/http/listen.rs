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
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
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
    let connections = Arc::new(Connections::new(connection_cap(raise_fd_limit())));
    // Every connection's task holds a sender: the channel closes when the last one ends.
    let (alive, mut all_ended) = mpsc::channel::<()>(1);
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
        let service = Served {
            state: state.clone(),
            connection: connection.clone(),
        };
        let connections = connections.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let io = TokioIo::new(Watched::new(stream, connection.clone(), timeouts.idle));
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(HeaderTimer(connection.clone()))
                .header_read_timeout(timeouts.header);
            let served = builder.serve_connection_with_upgrades(io, service);
            Told {
                served: std::pin::pin!(served),
                connection: connection.clone(),
                winding_down: false,
            }
            .await;
            connections.remove(connection.id);
            drop(alive);
        });
    }
    drop(listener);
    connections.tell_all(WIND_DOWN);
    drop(alive);
    if tokio::time::timeout(SHUTDOWN_GRACE, all_ended.recv())
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

/// What a connection's task has been told ([`Connection::told`]): nothing yet,
const CARRY_ON: u8 = 0;
/// the server stops (finish the request in progress, take no new one),
const WIND_DOWN: u8 = 1;
/// or room is needed (close now).
const CLOSE: u8 = 2;

/// One open connection, shared by the accept loop and the connection's own task.
///
/// What the task reads and writes on every request is here, in atomics that only it and the
/// rare accept-loop decision touch: serving a request takes no shared lock and arms no timer.
/// (It used to take both: hyper's header timer and the idle timer went through tokio's one
/// timer-wheel mutex three times a request, and the graceful-shutdown watch through a
/// mutex shared by every connection; under load the two worker threads met there and parked
/// on a futex.)
#[derive(Debug)]
struct Connection {
    id: u64,
    /// When bytes last moved, in milliseconds since [`Connection::epoch`].
    last_active: AtomicU64,
    epoch: std::time::Instant,
    /// Requests whose answer freshmock has not finished: the client waits on us then.
    busy: AtomicUsize,
    /// [`CARRY_ON`], [`WIND_DOWN`] or [`CLOSE`]; only ever raised.
    told: AtomicU8,
    /// The connection's task, woken when it is told something.
    waker: AtomicWaker,
    /// When hyper's header timeout runs out, in milliseconds since [`Connection::epoch`]
    /// (rounded up); 0 while hyper is not waiting for a request's headers.
    header_deadline: AtomicU64,
}

impl Connection {
    fn new(id: u64, epoch: std::time::Instant) -> Connection {
        let connection = Connection {
            id,
            last_active: AtomicU64::new(0),
            epoch,
            busy: AtomicUsize::new(0),
            told: AtomicU8::new(CARRY_ON),
            waker: AtomicWaker::new(),
            header_deadline: AtomicU64::new(0),
        };
        connection.touch();
        connection
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn touch(&self) {
        self.last_active.store(self.now_ms(), Ordering::Relaxed);
    }

    /// The instant `ms` milliseconds after the epoch (a far one for absurd timeouts).
    fn at(&self, ms: u64) -> Instant {
        let at = self
            .epoch
            .checked_add(Duration::from_millis(ms))
            .unwrap_or_else(|| std::time::Instant::now() + Duration::from_secs(1 << 30));
        Instant::from_std(at)
    }

    /// Tells the task to wind down or close (the stronger word wins).
    fn tell(&self, what: u8) {
        self.told.fetch_max(what, Ordering::AcqRel);
        self.waker.wake();
    }

    fn set_header_deadline(&self, deadline: std::time::Instant) {
        let after = deadline.saturating_duration_since(self.epoch);
        let ms = after.as_nanos().div_ceil(1_000_000).max(1);
        self.header_deadline
            .store(u64::try_from(ms).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// The open connections, to find the most silent one when room is needed.
#[derive(Debug)]
struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    cap: usize,
    epoch: std::time::Instant,
}

impl Connections {
    fn new(cap: usize) -> Connections {
        Connections {
            open: Mutex::default(),
            next_id: AtomicU64::new(0),
            cap,
            epoch: std::time::Instant::now(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn full(&self) -> bool {
        self.lock().len() >= self.cap
    }

    fn add(&self) -> Arc<Connection> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection::new(id, self.epoch));
        self.lock().insert(connection.id, connection.clone());
        connection
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Tells every open connection the same thing (the server stops).
    fn tell_all(&self, what: u8) {
        for connection in self.lock().values() {
            connection.tell(what);
        }
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
            // Seen when its task next runs, if it is not waiting yet.
            connection.tell(CLOSE);
        }
        true
    }
}

/// A connection served until its task is told otherwise (see [`Connection::told`]): told
/// to wind down, hyper finishes the request in progress and closes; told to close, the
/// connection is dropped at once.
struct Told<'a, C> {
    served: Pin<&'a mut C>,
    connection: Arc<Connection>,
    winding_down: bool,
}

impl<C: Future + WindDown> Future for Told<'_, C> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Registered before looking, so a word said in between still wakes the task.
        self.connection.waker.register(cx.waker());
        match self.connection.told.load(Ordering::Acquire) {
            CLOSE => return Poll::Ready(()),
            WIND_DOWN if !self.winding_down => {
                self.winding_down = true;
                self.served.as_mut().wind_down();
            }
            _ => {}
        }
        self.served.as_mut().poll(cx).map(|_| ())
    }
}

/// A connection that can finish its request in progress and then close.
trait WindDown {
    fn wind_down(self: Pin<&mut Self>);
}

impl<I, S, E, B> WindDown for auto::UpgradeableConnection<'_, I, S, E>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    E: auto::HttpServerConnExec<S::Future, B>,
{
    fn wind_down(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// hyper's header timeout without a timer of its own: the deadline is written on the
/// connection, where [`Watched`] (which hyper polls just before this, finding no bytes)
/// wakes the task by then with the one timer it keeps. hyper starts a header timeout for
/// every request; in tokio's timer wheel each start and stop took its mutex.
struct HeaderTimer(Arc<Connection>);

/// One header timeout: ready once its deadline has passed.
struct HeaderSleep {
    connection: Arc<Connection>,
    deadline: std::time::Instant,
}

impl hyper::rt::Timer for HeaderTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep_until(std::time::Instant::now() + duration)
    }

    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.0.set_header_deadline(deadline);
        Box::pin(HeaderSleep {
            connection: self.0.clone(),
            deadline,
        })
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: std::time::Instant) {
        // In place: a new sleep made before the old one is dropped would have the old
        // one's drop clear the new deadline.
        match sleep.as_mut().downcast_mut_pin::<HeaderSleep>() {
            Some(mut ours) => {
                ours.deadline = new_deadline;
                self.0.set_header_deadline(new_deadline);
            }
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

impl Future for HeaderSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if std::time::Instant::now() >= self.deadline {
            Poll::Ready(())
        } else {
            // The task is woken by `Watched`'s timer, armed to this deadline.
            Poll::Pending
        }
    }
}

impl hyper::rt::Sleep for HeaderSleep {}

impl Drop for HeaderSleep {
    fn drop(&mut self) {
        self.connection.header_deadline.store(0, Ordering::Relaxed);
    }
}

/// The connection's service: each request goes to [`super::dispatch::handle`], counted in
/// flight on the connection (see [`Connection::busy`]) until its answer is ready.
struct Served {
    state: AppState,
    connection: Arc<Connection>,
}

/// Counts a request in flight until its answer is ready (or the request is dropped).
struct InFlight(Arc<Connection>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

impl hyper::service::Service<http::Request<hyper::body::Incoming>> for Served {
    type Response = warp::reply::Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn call(&self, request: http::Request<hyper::body::Incoming>) -> Self::Future {
        self.connection.busy.fetch_add(1, Ordering::Relaxed);
        let in_flight = InFlight(self.connection.clone());
        let state = self.state.clone();
        // One allocation per request: the answer's future, with the count inside it.
        Box::pin(async move {
            let answer = super::dispatch::handle(state, request).await;
            drop(in_flight);
            Ok(answer)
        })
    }
}

/// A socket that records when bytes move and fails a read or write that has waited
/// longer than the idle timeout since they last did.
struct Watched {
    stream: TcpStream,
    connection: Arc<Connection>,
    idle_ms: u64,
    /// The connection's one timer, for the idle timeout and hyper's header timeout.
    timer: Pin<Box<Sleep>>,
    /// Where the timer is set, in milliseconds since the connection's epoch. It is moved
    /// only when it would ring too late, or has rung: one that rings early (bytes moved
    /// since it was set) is moved on then, so moving bytes costs no timer work.
    armed_at: u64,
}

impl Watched {
    fn new(stream: TcpStream, connection: Arc<Connection>, idle: Duration) -> Watched {
        let idle_ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX / 2);
        let armed_at = connection
            .last_active
            .load(Ordering::Relaxed)
            .saturating_add(idle_ms);
        Watched {
            stream,
            idle_ms,
            timer: Box::pin(tokio::time::sleep_until(connection.at(armed_at))),
            armed_at,
            connection,
        }
    }

    /// Called when the socket is not ready: an error once the connection has been silent
    /// for the idle timeout, otherwise pending (with the timer set to wake this task).
    fn pending_or_idle<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let connection = &self.connection;
        if connection.busy.load(Ordering::Relaxed) > 0 {
            // Our own answer is on its way: the silence is ours, not the client's.
            connection.touch();
        }
        loop {
            let now = connection.now_ms();
            let idle_at = connection
                .last_active
                .load(Ordering::Relaxed)
                .saturating_add(self.idle_ms);
            if idle_at <= now {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "nothing moved on the connection for {:?}",
                        Duration::from_millis(self.idle_ms)
                    ),
                )));
            }
            // A header timeout that has run out is hyper's to report, in this same poll.
            let header_at = connection.header_deadline.load(Ordering::Relaxed);
            let wake_at = if header_at > now {
                idle_at.min(header_at)
            } else {
                idle_at
            };
            if self.armed_at > wake_at || self.armed_at <= now {
                self.armed_at = wake_at;
                let at = connection.at(wake_at);
                self.timer.as_mut().reset(at);
            }
            if self.timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // Rang, early or on time: look again.
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
        // The first one's task is told to close, the second is left alone.
        assert_eq!(first.told.load(Ordering::Acquire), CLOSE);
        assert_eq!(second.told.load(Ordering::Acquire), CARRY_ON);
        assert!(!connections.full());
        assert!(connections.lock().contains_key(&second.id));
    }
}
