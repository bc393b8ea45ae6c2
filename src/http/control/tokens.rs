//! Minting tokens for tests and explaining any token the way Freshdesk would judge it.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{error, json_body, ok, with_state};
use crate::http::verdict::judge;
use crate::http::widget::{respond, ApiError};
use crate::state::AppState;
use crate::domain::token;

/// Lifetime of a minted token unless the request says otherwise.
const DEFAULT_TTL_SECS: i64 = 3600;

/// `POST /_freshmock/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mint {
    /// A fixture user's email fills the name in; any email may be given.
    email: Option<String>,
    name: Option<String>,
    ttl_seconds: Option<i64>,
    /// A duration such as `90m`.
    ttl: Option<String>,
    /// Explicit `exp` (any JSON value, to test refusals); wins over a ttl.
    exp: Option<Value>,
    #[serde(default = "hs256")]
    alg: String,
    /// Sign with this secret instead of the current one.
    secret: Option<String>,
    /// Extra or overriding claims (the payload starts from these).
    claims: Option<Map<String, Value>>,
}

fn hs256() -> String {
    "HS256".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Explain {
    token: String,
}

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let mint = warp::path!("tokens")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(json_body::<Mint>())
        .map(|state: AppState, body: Result<Mint, ApiError>| respond(mint(&state, body)));
    let explain = warp::path!("tokens" / "explain")
        .and(warp::post())
        .and(with_state(state))
        .and(json_body::<Explain>())
        .map(|state: AppState, body: Result<Explain, ApiError>| {
            respond(body.and_then(|b| ok(&judge(&state, &b.token))))
        });
    mint.or(explain).unify().boxed()
}

fn mint(state: &AppState, body: Result<Mint, ApiError>) -> Result<Response, ApiError> {
    let m = body?;
    let mut payload = m.claims.unwrap_or_default();
    let world = state.read();
    if let Some(email) = &m.email {
        payload.insert("email".into(), json!(email));
        let known = world.directory.find_by_email(email).map(|u| u.name.clone());
        match (m.name.clone(), known) {
            (Some(name), _) | (None, Some(name)) => {
                payload.insert("name".into(), json!(name));
            }
            (None, None) if !payload.contains_key("name") => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "name_required",
                    format!("{email} is not a fixture user: give a name"),
                ))
            }
            _ => {}
        }
    } else if let Some(name) = &m.name {
        payload.insert("name".into(), json!(name));
    }
    let ttl = match (m.ttl_seconds, &m.ttl) {
        (Some(s), _) => s,
        (None, Some(text)) => humantime::parse_duration(text)
            .map_err(|e| {
                error(
                    StatusCode::BAD_REQUEST,
                    "invalid_duration",
                    format!("ttl {text:?}: {e}"),
                )
            })?
            .as_secs() as i64,
        (None, None) => DEFAULT_TTL_SECS,
    };
    match m.exp {
        Some(exp) => {
            payload.insert("exp".into(), exp);
        }
        None if !payload.contains_key("exp") => {
            payload.insert("exp".into(), json!(state.clock().now_secs() + ttl));
        }
        None => {}
    }
    let secret = m.secret.unwrap_or_else(|| world.secret.clone());
    drop(world);
    let payload = Value::Object(payload);
    let token = token::mint(&m.alg, &secret, &payload);
    ok(&json!({ "token": token, "header": { "alg": m.alg, "typ": "JWT" }, "claims": payload }))
}
