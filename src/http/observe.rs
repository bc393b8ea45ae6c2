//! Around every widget-facing request: injected faults first, then the request log and
//! the event stream. Control-plane calls (`/_freshmock/`) are neither faulted nor logged,
//! so a test can always reach the controls and the log shows only what the page did.

use std::time::{Duration, Instant};

use futures_util::stream;
use http::header::HeaderName;
use http::{HeaderValue, Method, StatusCode};
use warp::reply::{Reply, Response};

use crate::http::error::TokenRefused;
use crate::http::error::REASON_HEADER;
use crate::http::reply::{empty, json_bytes_response};
use crate::state::events::Event;
use crate::state::faults::FaultSpec;
use crate::state::request_log::{Recorded, Texts};
use crate::state::AppState;

/// The header the log reads the customer's token from.
pub const WIDGET_AUTH: HeaderName = HeaderName::from_static("x-widget-auth");

/// What the log keeps of a request, taken before it is answered.
#[derive(Debug)]
pub struct Observation {
    pub start: Instant,
    pub method: Method,
    /// The request's target (a clone shares its bytes): the log copies its path and query
    /// once the answer is known.
    pub uri: http::Uri,
    /// The `X-Widget-Auth` header, shared the same way.
    pub auth: Option<HeaderValue>,
    /// An agent API call's `Authorization` header, to name the agent in the log.
    pub agent_auth: Option<String>,
    /// The route's name in the table, when a route took the request.
    pub route: Option<&'static str>,
}

/// Marks a response whose connection a fault drops (logged with status 0).
#[derive(Debug, Clone, Copy)]
struct Dropped;

/// A fault's answer: wait, then a given answer or a dropped connection; `None` for a fault
/// with only latency, which falls through to the real answer after waiting.
pub async fn apply(spec: FaultSpec) -> Option<Response> {
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
        return Some(response);
    }
    let status = spec.status?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &spec.body {
        Some(body) => json_bytes_response(status, body.to_string().into()),
        None => empty(status),
    };
    for (name, value) in &spec.headers {
        // Checked when the fault was added.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    if let Ok(reason) =
        HeaderValue::from_str(&format!("injected by a freshmock fault on {}", spec.path))
    {
        response.headers_mut().insert(REASON_HEADER, reason);
    }
    Some(response)
}

/// Logs an answered request (and shows it to those listening). `plain`: the answer was a
/// JSON body with only its content type before the dispatch dressed it (see
/// `reply::is_plain_json`), so it has no reason header to look up.
pub fn record(state: &AppState, seen: Observation, response: Response, plain: bool) -> Response {
    let auth = seen
        .auth
        .as_ref()
        .map(|v| match v.to_str() {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(v.as_bytes()),
        })
        .filter(|a| !a.trim().is_empty());
    let verdict = match (&auth, response.extensions().get::<TokenRefused>()) {
        (None, _) => "none",
        (Some(_), Some(_)) => "refused",
        (Some(_), None) => "accepted",
    };
    let dropped = response.extensions().get::<Dropped>().is_some();
    let reason = if dropped {
        Some("connection dropped by a freshmock fault".to_owned())
    } else if plain {
        None
    } else {
        response
            .headers()
            .get(REASON_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let agent = seen.agent_auth.and_then(|header| {
        crate::http::agent::agent(state, Some(&header))
            .ok()
            .map(|user| user.email)
    });
    let texts = Texts {
        path: seen.uri.path(),
        query: seen.uri.query().unwrap_or_default(),
        auth,
    };
    let status = if dropped {
        0
    } else {
        response.status().as_u16()
    };
    let at_ms = state.clock().now_ms();
    let duration_us = seen.start.elapsed().as_micros() as u64;
    let rest = |recorded: &mut Recorded| {
        recorded.at_ms = at_ms;
        recorded.method = seen.method;
        recorded.route = seen.route;
        recorded.status = status;
        recorded.duration_us = duration_us;
        recorded.token = verdict;
        recorded.reason = reason;
        recorded.agent = agent;
    };
    // Shown only to those listening: nobody listens most of the time.
    if state.events().is_listened() {
        let mut recorded = Recorded {
            at_ms,
            method: Method::GET,
            path: texts.path.to_owned(),
            query: texts.query.to_owned(),
            route: None,
            status,
            duration_us,
            auth: texts.auth.map(std::borrow::Cow::into_owned),
            token: verdict,
            reason: None,
            agent: None,
        };
        rest(&mut recorded);
        let entry = state.requests().push_shown(recorded);
        state.events().publish(Event::Request(Box::new(entry)));
    } else {
        state.requests().push_texts(texts, rest);
    }
    response
}
