//! The agent side freshmock needs: resetting the widget secret
//! (`POST /api/v2/admin/security_keys/widget/regenerate`) and seeing who voted
//! (`GET /api/_/solutions/articles/:id[/:language]/votes`).
//!
//! Both use Freshdesk's agent API authentication: HTTP Basic with an agent's API key (from
//! `agents.json`) as the user name and any password. The secret reset also needs an admin.
//! Assumed for the votes endpoint (the spec says only that agents see it): any agent may.

pub mod api;
pub mod companies;
pub mod contacts;
pub mod conversations;
pub mod people;
mod query;
pub mod solutions;
pub mod tickets;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::StatusCode;
use serde_json::json;

use crate::domain::fixtures::Id;
use crate::domain::language::Lang;
use crate::domain::people::{Role, User};
use crate::http::body::{self, Accepts};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Req;
use crate::state::AppState;
use http::header::AUTHORIZATION;

fn invalid_credentials(reason: impl Into<String>) -> ApiError {
    ApiError::with_message(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "You have to be logged in to perform this action.",
        reason,
    )
}

/// The agent whose API key is the Basic user name.
pub fn agent(state: &AppState, authorization: Option<&str>) -> Result<User, ApiError> {
    let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
        return Err(invalid_credentials(
            "no Authorization header: send HTTP Basic with an agent's API key as the user name (any password)",
        ));
    };
    let (scheme, encoded) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_credentials(format!(
            "Authorization uses {scheme:?}; the agent API takes HTTP Basic with the API key as the user name"
        )));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .ok_or_else(|| invalid_credentials("the Basic credentials are not base64"))?;
    let key = decoded
        .split_once(':')
        .map_or(decoded.as_str(), |(user, _)| user);
    state
        .read()
        .directory
        .find_by_api_key(key)
        .filter(|u| u.may_use_widget())
        .cloned()
        .ok_or_else(|| {
            invalid_credentials(format!(
                "no agent has the API key {key:?} (agents.json api_key)"
            ))
        })
}

/// `POST /api/v2/admin/security_keys/widget/regenerate`: an admin resets the widget secret.
pub async fn regenerate(req: Req) -> Answer {
    body::content_kind(req.content_type().as_deref(), Accepts::Json)?;
    let state = &req.state;
    let agent = agent(state, req.header_lossy(&AUTHORIZATION).as_deref())?;
    if !matches!(agent.role, Role::Agent { admin: true, .. }) {
        return Err(ApiError::with_message(
            StatusCode::FORBIDDEN,
            "access_denied",
            "You are not authorized to perform this action.",
            format!(
                "{} ({}) is not an administrator; only admins may reset the widget secret",
                agent.name, agent.email
            ),
        ));
    }
    let key = state.rotate_secret().await?;
    tracing::info!(by = %agent.email, "widget secret reset: tokens signed with the old one now fail");
    json_response(StatusCode::OK, &json!({ "key": key }))
}

/// `GET /api/_/solutions/articles/:id[/:language]/votes`: who voted, for agents.
pub async fn votes(req: Req) -> Answer {
    let state = &req.state;
    agent(state, req.header_lossy(&AUTHORIZATION).as_deref())?;
    let id: Id = req.id(0)?;
    let language = req.captures_len().gt(&1).then(|| req.capture(1));
    let language = language.as_deref();
    // Assumed: without a language the votes are those of the account's primary language
    // translation, the one Freshdesk's agent screens open by default.
    let lang = match language {
        None => state.catalog().languages.primary,
        Some(code) => Lang::parse(code).ok_or_else(|| {
            ApiError::not_found(format!("{code:?} is not a Freshdesk language code"))
        })?,
    };
    let votes = state
        .translation_votes(id, lang.code().to_owned())
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("article {id} has no {} translation", lang.code()))
        })?;
    let side = |anonymous: u64, users: &[crate::state::VoterName]| json!({ "anonymous": anonymous, "users": users });
    json_response(
        StatusCode::OK,
        &json!({
            "helpful": side(votes.anonymous_helpful(), &votes.helpful),
            "not_helpful": side(votes.anonymous_not_helpful(), &votes.not_helpful),
        }),
    )
}
