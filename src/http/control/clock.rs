//! Reading and moving the server's clock.

use http::StatusCode;
use serde::Deserialize;

use crate::domain::clock::{parse_instant, OutOfRange};
use crate::http::error::ApiError;
use crate::http::reply::{ok, Answer};
use crate::http::request::Req;
use crate::state::events::ClockInfo;

/// `GET /_freshmock/clock`: public, the widget reads it to renew tokens in time.
pub fn read(req: Req) -> Answer {
    ok(&ClockInfo::read(req.state.clock()))
}

/// `POST /_freshmock/clock/freeze`.
pub fn freeze(req: Req) -> Answer {
    req.state.freeze_clock(true);
    ok(&ClockInfo::read(req.state.clock()))
}

/// `POST /_freshmock/clock/unfreeze`.
pub fn unfreeze(req: Req) -> Answer {
    req.state.freeze_clock(false);
    ok(&ClockInfo::read(req.state.clock()))
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

/// `PUT /_freshmock/clock`: jumps to a time.
pub async fn set(mut req: Req) -> Answer {
    let at = match req.json::<SetClock>().await? {
        SetClock {
            now: Some(text),
            now_ms: None,
        } => parse_instant(&text)
            .map_err(|e| ApiError::control(StatusCode::BAD_REQUEST, "invalid_time", e))?,
        SetClock {
            now: None,
            now_ms: Some(ms),
        } => ms,
        _ => {
            return Err(ApiError::control(
                StatusCode::BAD_REQUEST,
                "invalid_time",
                "give exactly one of now (RFC 3339) or now_ms",
            ))
        }
    };
    req.state.set_clock(at).map_err(out_of_range)?;
    ok(&ClockInfo::read(req.state.clock()))
}

/// `POST /_freshmock/clock/advance`: moves the clock by an amount.
pub async fn advance(mut req: Req) -> Answer {
    let by_ms = match req.json::<Advance>().await? {
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
                ApiError::control(
                    StatusCode::BAD_REQUEST,
                    "invalid_duration",
                    format!("by {text:?}: {e}"),
                )
            })?;
            i64::try_from(d.as_millis())
                .ok()
                .and_then(|ms| ms.checked_mul(sign))
                .ok_or_else(|| {
                    out_of_range(OutOfRange {
                        what: format!("advancing by {text:?}"),
                    })
                })?
        }
        _ => {
            return Err(ApiError::control(
                StatusCode::BAD_REQUEST,
                "invalid_duration",
                "give exactly one of seconds, ms or by (\"90m\")",
            ))
        }
    };
    req.state.advance_clock(by_ms).map_err(out_of_range)?;
    ok(&ClockInfo::read(req.state.clock()))
}

/// A time the clock cannot show: `time_out_of_range`, with the range in the reason.
fn out_of_range(err: OutOfRange) -> ApiError {
    ApiError::control(
        StatusCode::BAD_REQUEST,
        "time_out_of_range",
        err.to_string(),
    )
}
