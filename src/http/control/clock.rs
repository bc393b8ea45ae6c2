//! Reading and moving the server's clock.

use http::StatusCode;
use serde::Deserialize;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{error, json_body, ok, with_state};
use crate::http::widget::{respond, ApiError};
use crate::domain::clock::parse_instant;
use crate::state::events::ClockInfo;
use crate::state::AppState;

/// `GET /_freshmock/clock`: public, the widget reads it to renew tokens in time.
pub fn public(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("clock")
        .and(warp::get())
        .and(with_state(state))
        .map(|state: AppState| respond(ok(&ClockInfo::read(state.clock()))))
        .boxed()
}

/// `PUT /_freshmock/clock {"now": "2026-01-01T00:00:00Z"}` (or `now_ms`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: Option<String>,
    now_ms: Option<i64>,
}

/// `POST /_freshmock/clock/advance {"seconds": 61}` (or `ms`, or `by: "90m"`; negative
/// values move back).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<f64>,
    ms: Option<i64>,
    by: Option<String>,
}

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let set = warp::path!("clock")
        .and(warp::put())
        .and(with_state(state.clone()))
        .and(json_body::<SetClock>())
        .map(|state: AppState, body: Result<SetClock, ApiError>| respond(set(&state, body)));
    let advance = warp::path!("clock" / "advance")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(json_body::<Advance>())
        .map(|state: AppState, body: Result<Advance, ApiError>| respond(advance(&state, body)));
    let freeze = warp::path!("clock" / "freeze")
        .and(warp::post())
        .and(with_state(state.clone()))
        .map(|state: AppState| {
            state.freeze_clock(true);
            respond(ok(&ClockInfo::read(state.clock())))
        });
    let unfreeze = warp::path!("clock" / "unfreeze")
        .and(warp::post())
        .and(with_state(state))
        .map(|state: AppState| {
            state.freeze_clock(false);
            respond(ok(&ClockInfo::read(state.clock())))
        });
    set.or(advance)
        .unify()
        .or(freeze)
        .unify()
        .or(unfreeze)
        .unify()
        .boxed()
}

fn set(state: &AppState, body: Result<SetClock, ApiError>) -> Result<Response, ApiError> {
    let at = match body? {
        SetClock {
            now: Some(text),
            now_ms: None,
        } => parse_instant(&text).map_err(|e| error(StatusCode::BAD_REQUEST, "invalid_time", e))?,
        SetClock {
            now: None,
            now_ms: Some(ms),
        } => ms,
        _ => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_time",
                "give exactly one of now (RFC 3339) or now_ms",
            ))
        }
    };
    state.set_clock(at);
    ok(&ClockInfo::read(state.clock()))
}

fn advance(state: &AppState, body: Result<Advance, ApiError>) -> Result<Response, ApiError> {
    let by_ms = match body? {
        Advance {
            seconds: Some(s),
            ms: None,
            by: None,
        } if s.is_finite() => (s * 1000.0).round() as i64,
        Advance {
            seconds: None,
            ms: Some(ms),
            by: None,
        } => ms,
        Advance {
            seconds: None,
            ms: None,
            by: Some(text),
        } => {
            let (sign, rest) = match text.trim().strip_prefix('-') {
                Some(rest) => (-1, rest),
                None => (1, text.trim().trim_start_matches('+')),
            };
            let d = humantime::parse_duration(rest).map_err(|e| {
                error(
                    StatusCode::BAD_REQUEST,
                    "invalid_duration",
                    format!("by {text:?}: {e}"),
                )
            })?;
            sign * d.as_millis() as i64
        }
        _ => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_duration",
                "give exactly one of seconds, ms or by (\"90m\")",
            ))
        }
    };
    state.advance_clock(by_ms);
    ok(&ClockInfo::read(state.clock()))
}
