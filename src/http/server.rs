//! Serving the routes: `run` on a listener the caller bound, until the caller says stop,
//! and [`RunningServer`], a handle that owns a server on a free port (stopped on drop).

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::state::AppState;
use crate::http::{control, observe, widget as api};

/// Everything freshmock serves: the control plane and the widget API, with faults and
/// the request log around them.
pub fn app(state: AppState) -> BoxedFilter<(Response,)> {
    let routes = control::routes(state.clone())
        .or(api::routes(state.clone()))
        .unify()
        .boxed();
    observe::observed(state, routes)
}

/// Serves freshmock on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // The port accepts already: build the search index meanwhile. Starting it only now
    // keeps it from slowing the start-up itself on a machine with few cores.
    state.catalog().start_indexing();
    warp::serve(app(state))
        .incoming(listener)
        .graceful(shutdown)
        .run()
        .await;
}

/// A server running in the background on `127.0.0.1` and a free port.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
}

impl RunningServer {
    /// Binds `127.0.0.1:0` and starts serving; the port accepts when this returns.
    pub async fn start(state: AppState) -> std::io::Result<RunningServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(run(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Ok(RunningServer {
            addr,
            state,
            stop: Some(stop),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
