//! Around every widget-facing request: injected faults first, then the request log and
//! the event stream. Control-plane calls (`/_freshmock/`) are neither faulted nor logged,
//! so a test can always reach the controls and the log shows only what the page did.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use futures_util::future::{self, Either};
use futures_util::stream;
use http::{HeaderValue, Method, StatusCode};
use warp::filters::BoxedFilter;
use warp::path::FullPath;
use warp::reply::{Reply, Response};
use warp::Filter;

use crate::http::error::TokenRefused;
use crate::http::widget::REASON_HEADER;
use crate::state::events::Event;
use crate::state::faults::FaultSpec;
use crate::state::request_log::Recorded;
use crate::state::AppState;

/// Marks a response whose connection a fault drops (logged with status 0).
#[derive(Debug, Clone, Copy)]
struct Dropped;

/// Paths of the control plane, exempt from faults and the log.
const CONTROL_PREFIX: &str = "/_freshmock";

fn with_state(state: AppState) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// Wraps `inner` with faults and the request log.
pub fn observed(state: AppState, inner: BoxedFilter<(Response,)>) -> BoxedFilter<(Response,)> {
    let faulted = warp::method()
        .and(warp::path::full())
        .and(with_state(state.clone()))
        .and_then(|method: Method, path: FullPath, state: AppState| {
            let fault = (!path.as_str().starts_with(CONTROL_PREFIX))
                .then(|| state.faults().take(method.as_str(), path.as_str()))
                .flatten();
            // Nearly every request has no fault: answer that without an async block.
            match fault {
                Some(spec) => Either::Left(apply(spec)),
                None => Either::Right(future::ready(Err(warp::reject::not_found()))),
            }
        });
    let answered = faulted.or(inner).unify();
    warp::any()
        .map(Instant::now)
        .and(warp::method())
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::header::optional::<String>("x-widget-auth"))
        .and(with_state(state))
        .and(answered)
        .map(record)
        .boxed()
}

/// A fault's answer: wait, then a given answer or a dropped connection; a fault with only
/// latency falls through to the real answer after waiting.
async fn apply(spec: FaultSpec) -> Result<Response, warp::Rejection> {
    if let Some(ms) = spec.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if spec.drop {
        // A body that fails at once makes the server abort the connection.
        let failing = stream::once(async {
            Err::<warp::sse::Event, std::io::Error>(std::io::Error::other(
                "dropped by a freshmock fault",
            ))
        });
        let mut response = warp::sse::reply(failing).into_response();
        response.extensions_mut().insert(Dropped);
        return Ok(response);
    }
    let Some(status) = spec.status else {
        return Err(warp::reject::not_found());
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &spec.body {
        Some(body) => crate::http::widget::json_response(status, body),
        None => {
            let mut r = Response::new(Vec::new().into());
            *r.status_mut() = status;
            r
        }
    };
    if let Ok(reason) =
        HeaderValue::from_str(&format!("injected by a freshmock fault on {}", spec.path))
    {
        response.headers_mut().insert(REASON_HEADER, reason);
    }
    Ok(response)
}

fn record(
    start: Instant,
    method: Method,
    path: FullPath,
    query: String,
    auth: Option<String>,
    state: AppState,
    response: Response,
) -> Response {
    if path.as_str().starts_with(CONTROL_PREFIX) {
        return response;
    }
    let auth = auth.filter(|a| !a.trim().is_empty());
    let verdict = match (&auth, response.extensions().get::<TokenRefused>()) {
        (None, _) => "none",
        (Some(_), Some(_)) => "refused",
        (Some(_), None) => "accepted",
    };
    let dropped = response.extensions().get::<Dropped>().is_some();
    let reason = if dropped {
        Some("connection dropped by a freshmock fault".to_owned())
    } else {
        response
            .headers()
            .get(REASON_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let recorded = Recorded {
        at_ms: state.clock().now_ms(),
        method,
        path: path.as_str().to_owned(),
        query,
        status: if dropped {
            0
        } else {
            response.status().as_u16()
        },
        duration_us: start.elapsed().as_micros() as u64,
        auth,
        token: verdict,
        reason,
    };
    // Shown only to those listening: nobody listens most of the time.
    if state.events().is_listened() {
        let entry = state.requests().push_shown(recorded);
        state.events().publish(Event::Request(entry));
    } else {
        state.requests().push(recorded);
    }
    response
}
