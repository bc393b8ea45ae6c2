//! The control plane for tests, under `/_freshmock/`: health, reset, fixtures, clock,
//! tokens, secret, inspection, request log, event streams and faults. JSON in and out;
//! errors are `{"code","message"}` ([`ApiError::control`]).
//!
//! With `--control-token`, every control call but the open ones (the routes of kind
//! [`Caller::Open`](crate::http::routes::Caller::Open) in the table) wants
//! `Authorization: Bearer <token>`.

pub mod clock;
pub mod faults;
pub mod inspect;
pub mod knowledge;
pub mod stream;
pub mod tokens;

use http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::reply::{json_bytes_response, ok, Answer};
use crate::http::request::Req;
use crate::state::{AppState, FixturesRefused};

/// The OpenAPI description of this control API, served at `/_freshmock/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The OpenAPI description of the widget API (and the agent calls served), at
/// `/_freshmock/openapi/widget.json`.
pub const WIDGET_OPENAPI: &str = include_str!("../widget/openapi.json");

/// Refuses a guarded control call without the bearer token, when one is configured.
pub fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.control_token() else {
        return Ok(());
    };
    let given = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|given| same_secret(given, expected)) {
        return Ok(());
    }
    Err(ApiError::control(
        StatusCode::UNAUTHORIZED,
        "control_token_required",
        "this control call needs Authorization: Bearer <the --control-token value>",
    ))
}

/// Compares two secrets in time that does not depend on where they first differ (nor on
/// their lengths: both are hashed first), so the token cannot be guessed byte by byte.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// `GET /_freshmock/health`: `ready` once the search index is built in every language,
/// `indexing` before, with the languages already searchable (every call is answered
/// meanwhile; a search waits for its own language's index).
pub fn health(req: Req) -> Answer {
    let catalog = req.state.catalog();
    let widgets: Vec<_> = catalog.active_widget_ids().collect();
    let languages: Vec<_> = catalog
        .languages
        .portal_languages()
        .map(|l| l.code())
        .collect();
    let indexed: Vec<_> = catalog
        .languages
        .portal_languages()
        .filter(|l| catalog.is_indexed_in(*l))
        .map(|l| l.code())
        .collect();
    // Where each language's index came from: built at this start, bundled (compiled in)
    // or cached (opened from `--index-cache`).
    let origins: serde_json::Map<String, serde_json::Value> = catalog
        .index_origins()
        .into_iter()
        .map(|(lang, origin)| (lang.code().to_owned(), json!(origin.name())))
        .collect();
    ok(&json!({
        "status": if catalog.is_indexed() { "ready" } else { "indexing" },
        "indexed": indexed,
        "index": origins,
        "articles": catalog.fixtures.articles().count(),
        "widgets": widgets,
        "languages": languages,
    }))
}

/// `POST /_freshmock/reset`.
pub async fn reset(req: Req) -> Answer {
    req.state.reset().await?;
    ok(&json!({ "status": "reset" }))
}

/// `GET /_freshmock/fixtures`: the fixture set as one document.
pub fn fixtures(req: Req) -> Answer {
    ok(&req.state.catalog().fixtures.to_document())
}

/// `PUT /_freshmock/fixtures`: a new fixture set, validated and indexed before it replaces
/// the current one (a bad one changes nothing).
pub async fn replace_fixtures(mut req: Req) -> Answer {
    let limit = req.state.max_fixtures_body();
    let body = req
        .json_bytes(
            limit,
            "start freshmock with a larger --max-fixtures-body, or load the set with --fixtures DIR",
        )
        .await?;
    let articles = req
        .state
        .replace_fixtures(body)
        .await
        .map_err(|e| match e {
            FixturesRefused::NotJson(e) => ApiError::control(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the request body is not what this call takes: {e}"),
            ),
            FixturesRefused::Invalid(why) => {
                ApiError::control(StatusCode::BAD_REQUEST, "invalid_fixtures", why)
            }
            FixturesRefused::Store(e) => ApiError::storage(e),
            FixturesRefused::Fault(why) => ApiError::internal(why),
        })?;
    ok(&json!({ "status": "loaded", "articles": articles }))
}

/// `GET /_freshmock/state`: everything the API changed, and the clock, as one document.
pub async fn state(req: Req) -> Answer {
    ok(&req.state.export_state().await?)
}

/// `PUT /_freshmock/state`: restores a document `GET /_freshmock/state` gave; a bad one is
/// 400 and changes nothing.
pub async fn restore_state(mut req: Req) -> Answer {
    let limit = req.state.max_fixtures_body();
    let body = req
        .json_bytes(
            limit,
            "start freshmock with a larger --max-fixtures-body (it bounds state documents too), or --import FILE",
        )
        .await?;
    let document: serde_json::Value = crate::http::request::parse_json(&body)?;
    match req.state.import_state(document).await {
        Ok(()) => ok(&json!({ "status": "restored" })),
        Err(crate::state::store::StoreError::Snapshot(why)) => Err(ApiError::control(
            StatusCode::BAD_REQUEST,
            "invalid_state",
            why,
        )),
        Err(other) => Err(ApiError::storage(other)),
    }
}

/// `GET /_freshmock/secret`: the current secret and those it replaced.
pub fn secret(req: Req) -> Answer {
    let (secret, former) = req.state.secrets();
    let former: Vec<_> = former
        .iter()
        .map(|(s, at)| json!({ "secret": s, "replaced_at": crate::domain::clock::format_timestamp(*at) }))
        .collect();
    ok(&json!({ "secret": secret, "former": former }))
}

/// `POST /_freshmock/secret/rotate`.
pub async fn rotate_secret(req: Req) -> Answer {
    let key = req.state.rotate_secret().await?;
    ok(&json!({ "key": key }))
}

/// `GET /_freshmock/openapi.json`.
pub fn openapi(_: Req) -> Answer {
    json_document(OPENAPI)
}

/// `GET /_freshmock/openapi/widget.json`.
pub fn widget_openapi(_: Req) -> Answer {
    json_document(WIDGET_OPENAPI)
}

fn json_document(text: &'static str) -> Answer {
    Ok(json_bytes_response(
        StatusCode::OK,
        bytes::Bytes::from_static(text.as_bytes()),
    ))
}
