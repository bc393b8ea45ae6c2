//! The agent side freshmock needs: resetting the widget secret
//! (`POST /api/v2/admin/security_keys/widget/regenerate`) and seeing who voted
//! (`GET /api/_/solutions/articles/:id[/:language]/votes`).
//!
//! Both use Freshdesk's agent API authentication: HTTP Basic with an agent's API key (from
//! `agents.json`) as the user name and any password. The secret reset also needs an admin.
//! Assumed for the votes endpoint (the spec says only that agents see it): any agent may.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{Method, StatusCode};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::http::widget::body::{self, Accepts};
use crate::http::widget::{allow, blocking, json_response, with_state, ApiError};
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;
use crate::domain::people::{Role, User};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let regenerate =
        warp::path!("api" / "v2" / "admin" / "security_keys" / "widget" / "regenerate")
            .and(allow(&[Method::POST]))
            .and(with_state(state.clone()))
            .and(authorization())
            .and(body::content_type())
            .then(
                |s: AppState, auth: Option<String>, ct: Option<String>| async move {
                    let result = match body::content_kind(ct.as_deref(), Accepts::Json) {
                        Ok(_) => blocking(move || regenerate(&s, auth.as_deref())).await,
                        Err(e) => Err(e),
                    };
                    crate::http::widget::respond(result)
                },
            );
    let votes = warp::path!("api" / "_" / "solutions" / "articles" / Id / "votes")
        .map(|id: Id| (id, None))
        .or(
            warp::path!("api" / "_" / "solutions" / "articles" / Id / String / "votes")
                .map(|id: Id, lang: String| (id, Some(lang))),
        )
        .unify()
        .untuple_one()
        .and(allow(&[Method::GET]))
        .and(with_state(state))
        .and(authorization())
        .map(
            |id: Id, lang: Option<String>, s: AppState, auth: Option<String>| {
                crate::http::widget::respond(votes(&s, id, lang.as_deref(), auth.as_deref()))
            },
        );
    regenerate.or(votes).unify().boxed()
}

fn authorization(
) -> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    warp::header::headers_cloned().map(|h: http::HeaderMap| {
        h.get(http::header::AUTHORIZATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    })
}

fn invalid_credentials(reason: impl Into<String>) -> ApiError {
    ApiError::Request {
        status: StatusCode::UNAUTHORIZED,
        code: "invalid_credentials",
        message: "You have to be logged in to perform this action.".into(),
        reason: reason.into(),
    }
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

fn regenerate(state: &AppState, authorization: Option<&str>) -> Result<Response, ApiError> {
    let agent = agent(state, authorization)?;
    if !matches!(agent.role, Role::Agent { admin: true, .. }) {
        return Err(ApiError::Request {
            status: StatusCode::FORBIDDEN,
            code: "access_denied",
            message: "You are not authorized to perform this action.".into(),
            reason: format!(
                "{} ({}) is not an administrator; only admins may reset the widget secret",
                agent.name, agent.email
            ),
        });
    }
    let key = state.rotate_secret().map_err(ApiError::internal)?;
    tracing::info!(by = %agent.email, "widget secret reset: tokens signed with the old one now fail");
    Ok(json_response(StatusCode::OK, &json!({ "key": key })))
}

fn votes(
    state: &AppState,
    id: Id,
    language: Option<&str>,
    authorization: Option<&str>,
) -> Result<Response, ApiError> {
    agent(state, authorization)?;
    // Assumed: without a language the votes are those of the account's primary language
    // translation, the one Freshdesk's agent screens open by default.
    let lang = match language {
        None => state.catalog().languages.primary,
        Some(code) => Lang::parse(code).ok_or_else(|| {
            ApiError::not_found(format!("{code:?} is not a Freshdesk language code"))
        })?,
    };
    let votes = state
        .translation_votes(id, lang.code())
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::not_found(format!("article {id} has no {} translation", lang.code()))
        })?;
    let side = |anonymous: u64, users: &[crate::state::VoterName]| json!({ "anonymous": anonymous, "users": users });
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "helpful": side(votes.anonymous_helpful(), &votes.helpful),
            "not_helpful": side(votes.anonymous_not_helpful(), &votes.not_helpful),
        }),
    ))
}
