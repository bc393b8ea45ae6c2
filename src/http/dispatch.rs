//! The dispatch: [`handle`] takes every request apart, the route table
//! ([`super::routes`]) picks its handler, and the answer gets its room's conventions on the
//! way out. Tests also send requests through warp's test client ([`app`]), where
//! `recover` is the one place warp's own rejections would become answers.

#[cfg(test)]
use std::convert::Infallible;
use std::time::Instant;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use warp::reply::Response;

use super::error::ApiError;
use super::reply;
use super::request::{self, Req};
use super::routes::{self, Caller, Found, Handler};
use super::{agent, control, guard, observe};
use crate::state::rate::Rate;
use crate::state::AppState;

/// Methods browsers may use on the widget API (CORS preflight answer).
const CORS_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
/// How long a browser may cache a preflight answer.
const CORS_MAX_AGE: &str = "86400";

/// Serves one request as it came from hyper: its parts are taken by value (nothing is
/// copied) and go straight to [`dispatch`]. No warp filter runs on the way: the filter chain
/// and its copy of every request's headers were a share of each request's cost, and no
/// filter ever rejected anything.
pub async fn handle(state: AppState, request: http::Request<hyper::body::Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let body = request::incoming_stream(body, state.timeouts().idle);
    dispatch(state, parts.method, parts.uri, parts.headers, body).await
}

/// Everything freshmock serves, as one warp filter, for warp's test requests: the same
/// [`dispatch`] as [`handle`], with warp's rejections (there are none) answered by
/// [`recover`].
#[cfg(test)]
pub fn app(state: AppState) -> warp::filters::BoxedFilter<(Response,)> {
    use warp::path::FullPath;
    use warp::Filter;
    warp::method()
        .and(warp::path::full())
        .and(
            warp::query::raw()
                .map(Some)
                .or(warp::any().map(|| None))
                .unify(),
        )
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(
            move |method: Method, path: FullPath, query: Option<String>, headers, body| {
                let state = state.clone();
                let body = request::body_stream(Box::pin(body), state.timeouts().idle);
                let target = match query {
                    Some(query) => format!("{}?{query}", path.as_str()),
                    None => path.as_str().to_owned(),
                };
                let uri = target.parse::<http::Uri>().unwrap_or_default();
                async move { dispatch(state, method, uri, headers, body).await }
            },
        )
        .recover(recover)
        .unify()
        .boxed()
}

/// Finds the route, runs it with its room's checks, and dresses the answer.
async fn dispatch(
    state: AppState,
    method: Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: request::BodyStream,
) -> Response {
    let start = Instant::now();
    // Before anything else: a name this server does not answer to is a rebinding page.
    if let Err(err) = guard::host(&state, &headers) {
        return err.into_response();
    }
    let path = uri.path();
    let room = Room::of(path);
    let control = room == Room::Control;
    let found = routes::find(&method, path);
    let route = match &found {
        Found::Route(route, _) => Some(*route),
        _ => None,
    };
    let origin = headers.contains_key(http::header::ORIGIN);
    // Freshdesk's throttle comes first, before any check of the call.
    // Freshdesk counts the account's API calls together, the agent API's with the widget's.
    let rate = matches!(room, Room::WidgetApi | Room::AgentApi).then(|| state.take_rate());
    let throttled = match rate {
        Some(Rate::Exceeded { total, retry_after }) => {
            Some(ApiError::rate_limited(total, retry_after).into_response())
        }
        _ => None,
    };
    // Faults and the log are for what a page does, never for the controls.
    let observed = !control;
    let fault = if observed && throttled.is_none() {
        state.faults().take(method.as_str(), path)
    } else {
        None
    };
    let observation = observed.then(|| observe::Observation {
        start,
        method: method.clone(),
        uri: uri.clone(),
        auth: headers.get(observe::WIDGET_AUTH).cloned(),
        agent_auth: matches!(room, Room::AgentApi | Room::OtherApi)
            .then(|| headers.get(http::header::AUTHORIZATION))
            .flatten()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        route: route.map(|r| r.name),
    });
    let faulted = match fault {
        Some(spec) => observe::apply(spec).await,
        None => throttled,
    };
    let answer = match faulted {
        Some(response) => response,
        None => {
            let req = Req::new(state.clone(), method, uri, headers, body);
            answer(req, found, room).await
        }
    };
    // A plain JSON answer has no reason header for the log to look up.
    let plain = reply::is_plain_json(answer.headers());
    let mut response = decorate(room, route.map(|r| r.caller), origin, rate, answer);
    if let Some(observation) = observation {
        response = observe::record(&state, observation, response, plain);
    }
    response
}

/// The route's answer, or the table's 404 or 405 (or a CORS preflight).
async fn answer(req: Req, found: Found, room: Room) -> Response {
    let control = room == Room::Control;
    let (route, captures) = match found {
        Found::Route(route, captures) => (route, captures),
        other => {
            // A CORS preflight on the widget API, whatever the path.
            if req.method == Method::OPTIONS && room == Room::WidgetApi {
                if let Some(response) = preflight(&req.headers) {
                    return response;
                }
            }
            let err = match other {
                Found::WrongMethod(allowed) => {
                    ApiError::method_not_allowed(req.method, allowed, control)
                }
                _ => not_found(room, req.path()),
            };
            return err.into_response();
        }
    };
    if route.caller == Caller::Control {
        let checked = guard::same_origin_write(&req.method, &req.headers)
            .and_then(|()| control::authorize(&req.state, &req.headers));
        if let Err(err) = checked {
            return err.into_response();
        }
    }
    let req = req.captured(captures);
    let result = match route.handler {
        Handler::Now(handler) => handler(req),
        Handler::Later(handler) => handler(req).await,
    };
    result.unwrap_or_else(ApiError::into_response)
}

/// No route has this path.
fn not_found(room: Room, path: &str) -> ApiError {
    if room == Room::Site {
        return ApiError::file_not_found(format!("nothing is served at {path}"));
    }
    if room == Room::Control {
        ApiError::control_not_found(format!(
            "no control call has the path {path} (see /_freshmock/openapi.json)"
        ))
    } else if room == Room::AgentApi {
        ApiError::not_found(format!(
            "freshmock does not serve {path}; its agent API serves {}",
            agent::api::SERVED
        ))
    } else {
        // Freshdesk's 404s are Rails' `head :not_found`: a body of one space.
        ApiError::not_found(format!("nothing is served at {path}"))
    }
}

/// The answer to a CORS preflight on the widget API: any origin, any header.
fn preflight(headers: &HeaderMap) -> Option<Response> {
    headers.get(http::header::ORIGIN)?;
    let mut response = reply::empty(StatusCode::OK);
    let out = response.headers_mut();
    out.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(CORS_METHODS),
    );
    out.insert(
        "access-control-max-age",
        HeaderValue::from_static(CORS_MAX_AGE),
    );
    if let Some(requested) = headers.get("access-control-request-headers") {
        out.insert("access-control-allow-headers", requested.clone());
    }
    Some(response)
}

/// Where a path is, by its prefix, for the conventions that hold on unknown paths too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Room {
    /// `/api/widget/…`.
    WidgetApi,
    /// `/api/v2/…`.
    AgentApi,
    /// Freshdesk's other API paths (`/api/_/…`).
    OtherApi,
    /// `/_freshmock…`.
    Control,
    /// Everything else: the widget's files and the demo site.
    Site,
}

impl Room {
    fn of(path: &str) -> Room {
        if path.starts_with(request::CONTROL_PREFIX) {
            Room::Control
        } else if path.starts_with("/api/widget/") {
            Room::WidgetApi
        } else if path.starts_with("/api/v2/") {
            Room::AgentApi
        } else if path.starts_with("/api/") {
            Room::OtherApi
        } else {
            Room::Site
        }
    }
}

/// Headers by room: Freshdesk's on its API paths, CORS on anything a page asked for.
///
/// Every widget call gets eight or nine of them. A JSON answer with only its content type
/// (the usual success) gets a copy of the headers [`Prepared`] once for its kind, with the
/// request id and rate figures written in place: inserting them one by one hashed each
/// name, and was a tenth of a remembered search's instructions. Any other answer gets
/// them inserted ([`dress`]), in the same order, so the bytes are the same either way.
fn decorate(
    room: Room,
    caller: Option<Caller>,
    origin: bool,
    rate: Option<Rate>,
    mut response: Response,
) -> Response {
    let not_found = response.status() == StatusCode::NOT_FOUND;
    let figures = rate.map(|rate| match rate {
        Rate::Counted { total, remaining } => (total, remaining),
        Rate::Exceeded { total, .. } => (total, 0),
    });
    if reply::is_plain_json(response.headers()) {
        if let Some(prepared) = Prepared::of(room, caller, origin, not_found, figures.is_some()) {
            *response.headers_mut() = prepared.filled(figures);
            return response;
        }
    }
    dress(
        response.headers_mut(),
        room,
        caller,
        origin,
        not_found,
        figures,
        request_id::next,
    );
    response
}

const API_VERSION: HeaderName = HeaderName::from_static("x-freshdesk-api-version");
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const RATE_TOTAL: HeaderName = HeaderName::from_static("x-ratelimit-total");
const RATE_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RATE_USED: HeaderName = HeaderName::from_static("x-ratelimit-used-currentrequest");
const EXPOSE: HeaderName = HeaderName::from_static("access-control-expose-headers");

/// Inserts a room's headers (see [`decorate`]); the request id is `request_id`'s, and the
/// rate figures (total, remaining) are given when the call was counted.
fn dress(
    headers: &mut HeaderMap,
    room: Room,
    caller: Option<Caller>,
    origin: bool,
    not_found: bool,
    rate: Option<(u32, u32)>,
    request_id: impl FnOnce() -> HeaderValue,
) {
    if matches!(room, Room::WidgetApi | Room::AgentApi | Room::OtherApi) {
        headers.reserve(12);
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
        );
        headers.insert(http::header::PRAGMA, HeaderValue::from_static("no-cache"));
        headers.insert(
            http::header::EXPIRES,
            HeaderValue::from_static("Wed, 13 Oct 2010 00:00:00 UTC"),
        );
        // Rails' `head :not_found` leaves the API filters' version header out.
        if !not_found {
            let requested = if room == Room::AgentApi {
                "latest=v2; requested=v2"
            } else {
                "latest=v2; requested=widget"
            };
            headers.insert(API_VERSION, HeaderValue::from_static(requested));
        }
        headers.insert(REQUEST_ID, request_id());
    }
    if let Some((total, remaining)) = rate {
        headers.insert(RATE_TOTAL, count_value(total));
        headers.insert(RATE_REMAINING, count_value(remaining));
        headers.insert(RATE_USED, HeaderValue::from_static("1"));
    }
    if caller == Some(Caller::Open) {
        // The widget runs on the customer's page, another origin: it reads the clock and
        // the live sync cross-origin (simple GETs and an EventSource, no preflight).
        headers.insert(
            http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else if origin && room != Room::Control {
        headers.insert(
            http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(http::header::VARY, HeaderValue::from_static("Origin"));
        // Freshdesk's exposed headers (rack-cors), and freshmock's explanation.
        headers.insert(EXPOSE, HeaderValue::from_static(EXPOSED_HEADERS));
    }
}

/// The headers of a plain JSON answer of one kind (API room, 404 or not, counted or not,
/// which CORS headers) after [`dress`], made once, with where the request id and the rate
/// figures sit in them.
struct Prepared {
    headers: HeaderMap,
    request_id: usize,
    rate_total: usize,
    rate_remaining: usize,
}

/// Kinds of answer [`Prepared`]: three API rooms, 404 or not, counted or not, three CORS
/// cases.
const KINDS: usize = 3 * 2 * 2 * 3;

impl Prepared {
    /// The prepared headers of this kind of answer, when it is an API room's.
    fn of(
        room: Room,
        caller: Option<Caller>,
        origin: bool,
        not_found: bool,
        counted: bool,
    ) -> Option<&'static Prepared> {
        static MADE: [std::sync::OnceLock<Prepared>; KINDS] =
            [const { std::sync::OnceLock::new() }; KINDS];
        let room_index = match room {
            Room::WidgetApi => 0,
            Room::AgentApi => 1,
            Room::OtherApi => 2,
            Room::Control | Room::Site => return None,
        };
        let cors = if caller == Some(Caller::Open) {
            1
        } else if origin {
            2
        } else {
            0
        };
        let kind =
            ((room_index * 2 + usize::from(not_found)) * 2 + usize::from(counted)) * 3 + cors;
        Some(MADE[kind].get_or_init(|| {
            let mut headers = reply::plain_json_headers();
            let rate = counted.then_some((0, 0));
            let placeholder = || HeaderValue::from_static("0");
            dress(
                &mut headers,
                room,
                caller,
                origin,
                not_found,
                rate,
                placeholder,
            );
            let at =
                |name: &HeaderName| headers.keys().position(|n| n == name).unwrap_or(usize::MAX);
            Prepared {
                request_id: at(&REQUEST_ID),
                rate_total: at(&RATE_TOTAL),
                rate_remaining: at(&RATE_REMAINING),
                headers,
            }
        }))
    }

    /// A copy of the headers with a new request id and these rate figures.
    fn filled(&self, rate: Option<(u32, u32)>) -> HeaderMap {
        let mut headers = self.headers.clone();
        let (total, remaining) = rate.unwrap_or_default();
        // By position: the map holds one value per name, in the order `dress` inserted.
        for (at, value) in headers.values_mut().enumerate() {
            if at == self.request_id {
                *value = request_id::next();
            } else if at == self.rate_total {
                *value = count_value(total);
            } else if at == self.rate_remaining {
                *value = count_value(remaining);
            }
        }
        headers
    }
}

/// A rate figure as a header value: those up to Freshdesk's limit are made once and shared
/// (a clone counts a reference), the others each time.
fn count_value(n: u32) -> HeaderValue {
    static MADE: std::sync::LazyLock<Vec<HeaderValue>> = std::sync::LazyLock::new(|| {
        (0..=crate::state::rate::FRESHDESK_LIMIT)
            .map(HeaderValue::from)
            .collect()
    });
    MADE.get(n as usize)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from(n))
}

/// What a page's script may read of an answer, as Freshdesk's CORS set-up exposes it, plus
/// freshmock's reason.
const EXPOSED_HEADERS: &str = "X-Freshdesk-API-Version, X-RateLimit-Total, \
     X-RateLimit-Remaining, X-RateLimit-Used-CurrentRequest, X-Request-Id, Retry-After, \
     X-Freshmock-Reason";

/// `X-Request-Id`, as Rails sends on every answer: a UUID-shaped id, unique per server
/// (a random start, then a counter, so no randomness is drawn per request).
mod request_id {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::LazyLock;

    use http::HeaderValue;

    static START: LazyLock<u64> = LazyLock::new(|| {
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        u64::from_le_bytes(bytes)
    });
    static NEXT: AtomicU64 = AtomicU64::new(0);

    /// The next id, written straight into its 36 bytes (it is on every API answer).
    pub fn next() -> HeaderValue {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Spread the counter over the bits so consecutive ids do not look alike; version 4
        // and variant bits where a UUID has them.
        let high = START.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let high = (high & !0xf000) | 0x4000;
        let low = (n ^ START.rotate_left(32)) & 0x3fff_ffff_ffff_ffff | 0x8000_0000_0000_0000;
        let mut text = [b'-'; 36];
        let mut put = |from: usize, to: usize, bits: u64, mut shift: u32| {
            for byte in &mut text[from..to] {
                shift -= 4;
                *byte = HEX[((bits >> shift) & 0xf) as usize];
            }
        };
        put(0, 8, high, 64);
        put(9, 13, high, 32);
        put(14, 18, high, 16);
        put(19, 23, low, 64);
        put(24, 36, low, 48);
        HeaderValue::from_bytes(&text).unwrap_or_else(|_| HeaderValue::from_static("0"))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn request_ids_are_shaped_like_uuids_and_differ() {
            let (a, b) = (super::next(), super::next());
            let text = a.to_str().unwrap();
            assert_eq!(text.len(), 36);
            assert_eq!(&text[14..15], "4");
            assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"));
            assert_eq!(text.matches('-').count(), 4);
            assert_ne!(a, b);
        }
    }
}

/// The one place warp's own rejections become answers. The dispatch filter rejects nothing
/// by itself, so this is the safety net: every rejection warp has a name for is a client's
/// mistake and a 4xx with a reason; anything else is a bug, and says so.
#[cfg(test)]
async fn recover(rejection: warp::Rejection) -> Result<Response, Infallible> {
    use warp::reject;
    let client = |status: StatusCode, code: &'static str, reason: String| {
        ApiError::request(status, code, reason)
    };
    let err = if rejection.is_not_found() {
        ApiError::not_found("nothing is served at this path")
    } else if let Some(e) = rejection.find::<reject::InvalidQuery>() {
        client(StatusCode::BAD_REQUEST, "invalid_query", e.to_string())
    } else if let Some(e) = rejection.find::<reject::InvalidHeader>() {
        client(StatusCode::BAD_REQUEST, "invalid_header", e.to_string())
    } else if let Some(e) = rejection.find::<reject::MissingHeader>() {
        client(StatusCode::BAD_REQUEST, "missing_header", e.to_string())
    } else if let Some(e) = rejection.find::<reject::LengthRequired>() {
        client(
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            e.to_string(),
        )
    } else if let Some(e) = rejection.find::<reject::PayloadTooLarge>() {
        client(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            e.to_string(),
        )
    } else if let Some(e) = rejection.find::<reject::UnsupportedMediaType>() {
        client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_content_type",
            e.to_string(),
        )
    } else if let Some(e) = rejection.find::<reject::MethodNotAllowed>() {
        client(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            e.to_string(),
        )
    } else if let Some(e) = rejection.find::<warp::body::BodyDeserializeError>() {
        client(StatusCode::BAD_REQUEST, "invalid_json", e.to_string())
    } else {
        ApiError::internal(format!(
            "a rejection nothing answers (a bug): {rejection:?}"
        ))
    };
    Ok(err.into_response())
}

#[cfg(test)]
mod tests {
    use super::routes::{Caller, ROUTES};
    use super::*;
    use crate::http::error::REASON_HEADER;
    use crate::state::Config;

    /// What a client reads of the headers: names and values in order, the request id
    /// apart (it differs on every answer).
    fn shown(headers: &HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let value = if *name == REQUEST_ID {
                    "id".to_owned()
                } else {
                    value.to_str().unwrap().to_owned()
                };
                (name.as_str().to_owned(), value)
            })
            .collect()
    }

    #[test]
    fn a_plain_json_answer_gets_the_same_headers_in_the_same_order_as_any_other() {
        let rooms = [Room::WidgetApi, Room::AgentApi, Room::OtherApi];
        let callers = [
            None,
            Some(Caller::Widget),
            Some(Caller::Agent),
            Some(Caller::Open),
        ];
        let rates = [
            None,
            Some(Rate::Counted {
                total: 500,
                remaining: 499,
            }),
            Some(Rate::Counted {
                total: 700,
                remaining: 0,
            }),
            Some(Rate::Exceeded {
                total: 500,
                retry_after: 3,
            }),
        ];
        let mut compared = 0;
        for room in rooms {
            for caller in callers {
                for origin in [false, true] {
                    for status in [StatusCode::OK, StatusCode::NOT_FOUND] {
                        for rate in rates {
                            let answer = || reply::json_bytes_response(status, "[]".into());
                            let prepared = decorate(room, caller, origin, rate, answer());
                            let mut dressed = answer();
                            let figures = rate.map(|rate| match rate {
                                Rate::Counted { total, remaining } => (total, remaining),
                                Rate::Exceeded { total, .. } => (total, 0),
                            });
                            dress(
                                dressed.headers_mut(),
                                room,
                                caller,
                                origin,
                                status == StatusCode::NOT_FOUND,
                                figures,
                                request_id::next,
                            );
                            assert_eq!(
                                shown(prepared.headers()),
                                shown(dressed.headers()),
                                "{room:?} {caller:?} {origin} {status} {rate:?}"
                            );
                            let ids = (
                                prepared.headers().get(REQUEST_ID).unwrap(),
                                dressed.headers().get(REQUEST_ID).unwrap(),
                            );
                            assert_ne!(ids.0, ids.1);
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, 3 * 4 * 2 * 2 * 4);
    }

    /// A concrete path for a pattern: ids and names filled with values that exist.
    fn sample(pattern: &str) -> String {
        pattern
            .replace("{id:int}.js", "12000000025.js")
            .replace("{id:int}.json", "12000000025.json")
            .replace("{id:int}", "1101")
            .replace("{language}", "fr")
            .replace("{*file}", "app.js")
            .replace("{file}", "widget.js")
    }

    /// Streams never end: their answers are checked by status alone, elsewhere.
    fn streams(name: &str) -> bool {
        matches!(name, "control.events" | "control.widget_sync")
    }

    fn state() -> AppState {
        AppState::new(Config::bundled()).unwrap()
    }

    const METHODS: [Method; 7] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
    ];

    /// What hostile or careless clients send, each on its own.
    fn malformed(path: &str) -> Vec<(&'static str, warp::test::RequestBuilder)> {
        let base = || warp::test::request().path(path);
        let mut bad_utf8 = Vec::new();
        for name in [
            "authorization",
            "x-widget-auth",
            "x-widget-id",
            "x-client-id",
            "content-type",
            "accept-language",
            "origin",
        ] {
            bad_utf8.push((
                name,
                base().header(name, HeaderValue::from_bytes(b"\xff\xfe bad").unwrap()),
            ));
        }
        let query = |q: &str| warp::test::request().path(&format!("{path}?{q}"));
        let mut cases = vec![
            ("query: bad percent-encoding", query("%zz=%ff&term=%")),
            ("query: unknown parameter", query("x=1")),
            (
                "query: wrong types",
                query("limit=abc&status=x&article=y&page=-1"),
            ),
            ("query: brackets", query("a[=1&b]=2&c[][]=3")),
            (
                "body: truncated JSON",
                base()
                    .header("content-type", "application/json")
                    .body("{\"x\":"),
            ),
            (
                "body: JSON of the wrong shape",
                base()
                    .header("content-type", "application/json")
                    .body("[1,2,3]"),
            ),
            (
                "body: text/plain",
                base().header("content-type", "text/plain").body("hello"),
            ),
            (
                "body: multipart without a boundary",
                base()
                    .header("content-type", "multipart/form-data")
                    .body("--x\r\n"),
            ),
            (
                "body: multipart cut short",
                base()
                    .header("content-type", "multipart/form-data; boundary=x")
                    .body("--x\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nabc"),
            ),
            ("body: not UTF-8", base().body(vec![0xff, 0xfe, 0x00, 0x80])),
            (
                "headers: an expired-looking token",
                base().header("x-widget-auth", "a.b.c"),
            ),
        ];
        cases.extend(bad_utf8);
        cases
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_route_answers_malformed_input_and_wrong_methods_with_a_4xx() {
        let state = state();
        let app = app(state.clone());
        let mut seen = 0;
        for route in ROUTES {
            let path = sample(route.path);
            for method in METHODS {
                if method == route.method && streams(route.name) {
                    continue;
                }
                for (what, request) in malformed(&path) {
                    let response = request.method(method.as_str()).reply(&app).await;
                    let status = response.status();
                    assert!(
                        status.as_u16() < 500,
                        "{method} {path} with {what}: {status} {:?} {:?}",
                        response.headers().get(REASON_HEADER),
                        response.body()
                    );
                    if status == StatusCode::METHOD_NOT_ALLOWED {
                        assert!(
                            response.headers().contains_key(http::header::ALLOW),
                            "{method} {path}: 405 without Allow"
                        );
                    }
                    if status.is_client_error() && status != StatusCode::NOT_FOUND {
                        assert!(
                            response.headers().contains_key(REASON_HEADER),
                            "{method} {path} with {what}: {status} without a reason"
                        );
                    }
                    seen += 1;
                }
            }
        }
        assert!(seen > 1000, "{seen} requests");
    }

    #[tokio::test]
    async fn unknown_paths_are_404_and_known_paths_list_their_methods() {
        let app = app(state());
        let reply = warp::test::request()
            .path("/_freshmock/nope")
            .reply(&app)
            .await;
        assert_eq!(reply.status(), 404);
        let body: serde_json::Value = serde_json::from_slice(reply.body()).unwrap();
        assert_eq!(body["code"], "not_found");
        let reply = warp::test::request()
            .path("/api/widget/nope")
            .reply(&app)
            .await;
        assert_eq!(reply.status(), 404);
        assert_eq!(
            reply.body().as_ref(),
            b" ",
            "Freshdesk answers 404 with Rails' head: one space"
        );
        for route in ROUTES {
            let path = sample(route.path);
            let reply = warp::test::request()
                .method("PATCH")
                .path(&path)
                .reply(&app)
                .await;
            assert_eq!(reply.status(), 405, "PATCH {path}");
            let allow = reply.headers()[http::header::ALLOW].to_str().unwrap();
            assert!(
                allow.split(", ").any(|m| m == route.method.as_str()),
                "{path}: Allow {allow} lacks {}",
                route.method
            );
        }
    }

    /// The `(METHOD, path)` pairs an OpenAPI document describes.
    fn documented(document: &str) -> std::collections::BTreeSet<(String, String)> {
        let doc: serde_json::Value = serde_json::from_str(document).unwrap();
        doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                    .map(move |m| (m.to_uppercase(), path.clone()))
            })
            .collect()
    }

    /// The `(METHOD, path)` pairs of the table's routes for these callers, in OpenAPI's
    /// notation.
    fn routed(callers: &[Caller]) -> std::collections::BTreeSet<(String, String)> {
        ROUTES
            .iter()
            .filter(|r| callers.contains(&r.caller))
            .map(|r| {
                let path = r.path.replace(":int}", "}").replace("{*", "{");
                (r.method.to_string(), path)
            })
            .collect()
    }

    fn assert_same(document: &str, name: &str, callers: &[Caller]) {
        let (documented, routed) = (documented(document), routed(callers));
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from {name}: {undocumented:?}"
        );
        assert!(
            unrouted.is_empty(),
            "documented in {name} but not routed: {unrouted:?}"
        );
    }

    #[test]
    fn the_openapi_document_lists_exactly_the_control_routes() {
        assert_same(
            control::OPENAPI,
            "openapi.json",
            &[Caller::Control, Caller::Open],
        );
    }

    #[test]
    fn the_widget_openapi_document_lists_exactly_the_widget_and_agent_routes() {
        assert_same(
            control::WIDGET_OPENAPI,
            "widget/openapi.json",
            &[Caller::Widget, Caller::Agent],
        );
    }

    #[tokio::test]
    async fn the_request_log_names_each_call_by_its_route() {
        let state = state();
        let app = app(state.clone());
        warp::test::request()
            .path("/api/widget/search/solutions?term=x")
            .reply(&app)
            .await;
        warp::test::request().path("/nowhere").reply(&app).await;
        warp::test::request()
            .path("/_freshmock/health")
            .reply(&app)
            .await;
        let entries = state.requests().list(&Default::default());
        let names: Vec<_> = entries.iter().map(|e| e.route).collect();
        assert_eq!(names, vec![Some("widget.search"), None]);
    }
}
