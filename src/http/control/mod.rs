//! The control plane for tests, under `/_freshmock/`: health, reset, fixtures, clock,
//! tokens, secret, inspection, request log, event streams and faults. JSON in and out;
//! errors use the same [`ApiError`] as the widget API (`{"code","message"}`).
//!
//! With `--control-token`, every control call but the public ones (health, the clock
//! read, the widget's live sync and the dashboard's static files) wants
//! `Authorization: Bearer <token>`.

mod clock;
mod faults;
mod inspect;
mod knowledge;
mod stream;
mod tokens;


use std::convert::Infallible;

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::http::widget::{json_response, ApiError};
use crate::domain::fixtures::FixtureSet;
use crate::state::AppState;

/// Largest control request body (a posted fixture set can be large).
const MAX_BODY: u64 = 1 << 30;

/// The OpenAPI description of this control API, served at `/_freshmock/openapi.json`.
const OPENAPI: &str = include_str!("openapi.json");

/// Every control route; requests outside `/_freshmock/` are rejected as not found.
pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let public = clock::public(state.clone())
        .or(stream::widget_sync(state.clone()))
        .unify()
        .or(health(state.clone()))
        .unify()
        .map(readable_by_any_page)
        .or(crate::http::dashboard_old::routes())
        .unify();
    let guarded = authorized(state.clone())
        .and(
            clock::routes(state.clone())
                .or(tokens::routes(state.clone()))
                .unify()
                .or(inspect::routes(state.clone()))
                .unify()
                .or(knowledge::routes(state.clone()))
                .unify()
                .or(stream::events(state.clone()))
                .unify()
                .or(faults::routes(state.clone()))
                .unify()
                .or(admin(state))
                .unify(),
        )
        .boxed();
    warp::path("_freshmock")
        .and(public.or(guarded).unify().recover(recover).unify())
        .boxed()
}

/// The widget runs on the customer's page, another origin: it reads the clock and the live
/// sync cross-origin (simple GETs and an EventSource, so no preflight is needed).
fn readable_by_any_page(mut response: Response) -> Response {
    response.headers_mut().insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        http::HeaderValue::from_static("*"),
    );
    response
}

fn with_state(state: AppState) -> impl Filter<Extract = (AppState,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// A control error: `{"code","message"}`, the message also as the reason.
pub(crate) fn error(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::Request {
        status,
        code,
        reason: message.clone(),
        message,
    }
}

fn ok(body: &impl Serialize) -> Result<Response, ApiError> {
    Ok(json_response(StatusCode::OK, body))
}

/// Rejects control calls without the bearer token, when one is configured.
#[derive(Debug)]
struct Unauthorized;
impl warp::reject::Reject for Unauthorized {}

fn authorized(state: AppState) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and(with_state(state))
        .and_then(|auth: Option<String>, state: AppState| async move {
            match state.control_token() {
                None => Ok(()),
                Some(expected)
                    if auth.as_deref().and_then(|a| a.strip_prefix("Bearer "))
                        == Some(expected) =>
                {
                    Ok(())
                }
                Some(_) => Err(warp::reject::custom(Unauthorized)),
            }
        })
        .untuple_one()
}

/// A JSON request body of type `T` (an empty body reads as `{}`).
fn json_body<T: DeserializeOwned + Send>(
) -> impl Filter<Extract = (Result<T, ApiError>,), Error = Rejection> + Clone {
    warp::body::content_length_limit(MAX_BODY)
        .and(warp::body::bytes())
        .map(|bytes: Bytes| parse_json(&bytes))
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the request body is not what this call takes: {e}"),
        )
    })
}

async fn recover(rejection: Rejection) -> Result<Response, Infallible> {
    let err = if rejection.find::<Unauthorized>().is_some() {
        error(
            StatusCode::UNAUTHORIZED,
            "control_token_required",
            "this control call needs Authorization: Bearer <the --control-token value>",
        )
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is over the control API's limit",
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this control path does not take that method (see /_freshmock/openapi.json)",
        )
    } else if rejection.is_not_found() {
        error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such control call (see /_freshmock/openapi.json)",
        )
    } else {
        ApiError::internal(format!("control rejection: {rejection:?}"))
    };
    Ok(err.into_response())
}

/// `GET /_freshmock/health`: ready once the fixtures are indexed (the server only listens
/// after that, so any answer means ready).
fn health(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("health")
        .and(warp::get())
        .and(with_state(state))
        .map(|state: AppState| {
            let catalog = state.catalog();
            let widgets: Vec<_> = catalog
                .fixtures
                .widgets
                .iter()
                .filter(|w| w.active)
                .map(|w| w.id)
                .collect();
            let languages: Vec<_> = catalog
                .languages
                .portal_languages()
                .map(|l| l.code())
                .collect();
            json_response(
                StatusCode::OK,
                &json!({
                    "status": "ready",
                    "articles": catalog.fixtures.articles().count(),
                    "widgets": widgets,
                    "languages": languages,
                }),
            )
        })
        .boxed()
}

/// Reset, fixtures, secret and the OpenAPI document.
fn admin(state: AppState) -> BoxedFilter<(Response,)> {
    let reset = warp::path!("reset")
        .and(warp::post())
        .and(with_state(state.clone()))
        .map(|state: AppState| {
            crate::http::widget::respond(
                state
                    .try_reset()
                    .map_err(ApiError::internal)
                    .and_then(|()| ok(&json!({ "status": "reset" }))),
            )
        });
    let get_fixtures = warp::path!("fixtures")
        .and(warp::get())
        .and(with_state(state.clone()))
        .map(|state: AppState| {
            json_response(StatusCode::OK, &state.catalog().fixtures.to_document())
        });
    let put_fixtures = warp::path!("fixtures")
        .and(warp::put())
        .and(with_state(state.clone()))
        .and(json_body::<serde_json::Value>())
        .map(
            |state: AppState, body: Result<serde_json::Value, ApiError>| {
                crate::http::widget::respond(replace_fixtures(&state, body))
            },
        );
    let secret = warp::path!("secret").and(warp::get()).and(with_state(state.clone())).map(|state: AppState| {
        let world = state.read();
        let former: Vec<_> = world
            .former_secrets
            .iter()
            .map(|(s, at)| json!({ "secret": s, "replaced_at": crate::domain::clock::format_timestamp(*at) }))
            .collect();
        json_response(StatusCode::OK, &json!({ "secret": world.secret, "former": former }))
    });
    let rotate = warp::path!("secret" / "rotate")
        .and(warp::post())
        .and(with_state(state))
        .map(|state: AppState| {
            crate::http::widget::respond(
                state
                    .rotate_secret()
                    .map_err(ApiError::internal)
                    .and_then(|key| ok(&json!({ "key": key }))),
            )
        });
    let openapi = warp::path!("openapi.json").and(warp::get()).map(|| {
        let mut response = Response::new(OPENAPI.into());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    });
    reset
        .or(get_fixtures)
        .unify()
        .or(put_fixtures)
        .unify()
        .or(secret)
        .unify()
        .or(rotate)
        .unify()
        .or(openapi)
        .unify()
        .boxed()
}

fn replace_fixtures(
    state: &AppState,
    body: Result<serde_json::Value, ApiError>,
) -> Result<Response, ApiError> {
    let set = FixtureSet::from_document(&body?).map_err(|e| ApiError::Request {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_fixtures",
        message: e.to_string(),
        reason: e.to_string(),
    })?;
    let articles = set.articles().count();
    state
        .replace_fixtures(set)
        .map_err(|e| error(StatusCode::BAD_REQUEST, "invalid_fixtures", e.to_string()))?;
    ok(&json!({ "status": "loaded", "articles": articles }))
}
