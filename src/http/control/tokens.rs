//! Minting tokens for tests and explaining any token the way Freshdesk would judge it.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::domain::token;
use crate::http::error::ApiError;
use crate::http::reply::{ok, Answer};
use crate::http::request::Req;
use crate::http::verdict::judge;
use crate::state::AppState;

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

/// `POST /_freshmock/tokens`: a token for any claims, signed with the current secret or
/// another.
pub async fn mint(mut req: Req) -> Answer {
    let m: Mint = req.json().await?;
    mint_token(&req.state, m)
}

/// `POST /_freshmock/tokens/explain`: what Freshdesk would answer to a token, and why.
pub async fn explain(mut req: Req) -> Answer {
    let body: Explain = req.json().await?;
    ok(&judge(&req.state, &body.token))
}

fn mint_token(state: &AppState, m: Mint) -> Answer {
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
                return Err(ApiError::control(
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
    // A ttl is read even when ttl_seconds wins: a mistyped one is refused, not ignored.
    let parsed_ttl = match &m.ttl {
        Some(text) => Some(
            humantime::parse_duration(text)
                .map_err(|e| {
                    ApiError::control(
                        StatusCode::BAD_REQUEST,
                        "invalid_duration",
                        format!("ttl {text:?}: {e}"),
                    )
                })
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))?,
        ),
        None => None,
    };
    let ttl = m.ttl_seconds.or(parsed_ttl).unwrap_or(DEFAULT_TTL_SECS);
    match m.exp {
        Some(exp) => {
            payload.insert("exp".into(), exp);
        }
        None if !payload.contains_key("exp") => {
            // Saturating: a ttl of i64::MAX is an odd request, not a reason to overflow.
            let exp = state.clock().now_secs().saturating_add(ttl);
            payload.insert("exp".into(), json!(exp));
        }
        None => {}
    }
    let secret = m.secret.unwrap_or_else(|| world.secret.clone());
    drop(world);
    let payload = Value::Object(payload);
    let token = token::mint(&m.alg, &secret, &payload);
    ok(&json!({ "token": token, "header": { "alg": m.alg, "typ": "JWT" }, "claims": payload }))
}
