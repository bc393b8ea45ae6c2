//! The HTTP face of freshmock: the widget API under `/api/widget/` (reads, and the customer's
//! tickets, attachments, hits and votes), the two agent calls freshmock needs (secret reset,
//! who voted), the widget's published configuration, and the response conventions every call
//! shares (no-cache, API version, CORS, empty-body 404, 405 with `Allow`, 415, JSON errors).

mod articles;
mod attachments;
pub mod body;
mod bootstrap;
pub mod context;
mod feedback;
mod ticket_fields;
mod tickets;
mod widget_config;

use std::convert::Infallible;

use http::header::{HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::Serialize;
use warp::filters::BoxedFilter;
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::state::AppState;
pub use crate::http::error::{ApiError, REASON_HEADER};

/// Methods browsers may use on the widget API (CORS preflight answer).
const CORS_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
/// How long a browser may cache a preflight answer.
const CORS_MAX_AGE: &str = "86400";

/// Every route freshmock serves, with shared headers and errors applied.
pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let widget_api = bootstrap::route(state.clone())
        .or(articles::routes(state.clone()))
        .unify()
        .or(ticket_fields::route(state.clone()))
        .unify()
        .or(feedback::routes(state.clone()))
        .unify()
        .or(tickets::route(state.clone()))
        .unify()
        .or(attachments::route(state.clone()))
        .unify()
        .or(preflight())
        .unify()
        .boxed();
    let all = widget_api
        .or(crate::http::agent::routes(state.clone()))
        .unify()
        .or(widget_config::route(state.clone()))
        .unify()
        .or(crate::http::assets::routes(state))
        .unify()
        .recover(recover)
        .unify();
    warp::path::full()
        .and(warp::header::optional::<String>("origin"))
        .and(all)
        .map(decorate)
        .boxed()
}

/// State for a handler.
pub(crate) fn with_state(
    state: AppState,
) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// The raw query string (empty when there is none).
fn raw_query() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// Known path, wrong verb: a rejection that becomes 405 with `Allow`.
#[derive(Debug)]
struct WrongMethod {
    method: Method,
    allowed: &'static [Method],
}

impl warp::reject::Reject for WrongMethod {}

/// Accepts only the listed methods (HEAD where GET is allowed, as Rails does).
pub(crate) fn allow(
    allowed: &'static [Method],
) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::method()
        .and_then(move |method: Method| async move {
            if allowed.contains(&method)
                || (method == Method::HEAD && allowed.contains(&Method::GET))
            {
                Ok(())
            } else {
                Err(warp::reject::custom(WrongMethod { method, allowed }))
            }
        })
        .untuple_one()
}

/// Runs a handler that touches the store on the blocking pool: a durable commit waits for
/// the disk, which must not stall the threads serving other requests.
pub(crate) async fn blocking(
    handler: impl FnOnce() -> Result<Response, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    tokio::task::spawn_blocking(handler)
        .await
        .map_err(ApiError::internal)?
}

/// Turns a handler's result into a response.
pub fn respond(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(ApiError::into_response)
}

/// A JSON response with Freshdesk's content type.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    json_bytes_response(status, serde_json::to_vec(body).unwrap_or_default().into())
}

/// A JSON response from a body already serialised.
pub fn json_bytes_response(status: StatusCode, body: bytes::Bytes) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// CORS preflight on the widget API: any origin, any header.
fn preflight() -> BoxedFilter<(Response,)> {
    warp::path("api")
        .and(warp::path("widget"))
        .and(warp::options())
        .and(warp::header::<String>("origin"))
        .and(warp::header::optional::<String>(
            "access-control-request-headers",
        ))
        .map(|_origin: String, requested: Option<String>| {
            let mut response = Response::new(Vec::new().into());
            let headers = response.headers_mut();
            headers.insert(
                "access-control-allow-methods",
                HeaderValue::from_static(CORS_METHODS),
            );
            headers.insert(
                "access-control-max-age",
                HeaderValue::from_static(CORS_MAX_AGE),
            );
            if let Some(v) = requested.and_then(|r| HeaderValue::from_str(&r).ok()) {
                headers.insert("access-control-allow-headers", v);
            }
            response
        })
        // Anything that is not a preflight is simply not this route: its own rejections
        // (wrong method, no Origin) would otherwise outrank "not found" on unknown paths.
        .or_else(|_| async { Err(warp::reject::not_found()) })
        .boxed()
}

async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    if let Some(wrong) = rejection.find::<WrongMethod>() {
        return Ok(ApiError::MethodNotAllowed {
            method: wrong.method.clone(),
            allowed: wrong.allowed,
        }
        .into_response());
    }
    if rejection.is_not_found() {
        return Ok(ApiError::not_found("").into_response());
    }
    Ok(ApiError::internal(format!("unhandled rejection: {rejection:?}")).into_response())
}

/// Headers every widget API response carries; CORS on any response to a page.
fn decorate(path: FullPath, origin: Option<String>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    if path.as_str().starts_with("/api/") {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
        );
        headers.insert(http::header::PRAGMA, HeaderValue::from_static("no-cache"));
        let requested = if path.as_str().starts_with("/api/v2/") {
            "latest=v2; requested=v2"
        } else {
            "latest=v2; requested=widget"
        };
        headers.insert(
            HeaderName::from_static("x-freshdesk-api-version"),
            HeaderValue::from_static(requested),
        );
    }
    if origin.is_some() {
        headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        // Not in Freshdesk's answers: lets a page's script read freshmock's explanation.
        headers.insert(
            "access-control-expose-headers",
            HeaderValue::from_static(REASON_HEADER),
        );
    }
    response
}
