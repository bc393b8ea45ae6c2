//! `GET /api/widget/bootstrap`: logs the customer in, creating or syncing the contact.

use http::{Method, StatusCode};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::context::{check, refuse_inactive, widget_headers, Login, Params, WidgetHeaders};
use super::{allow, json_response, raw_query, respond, with_state, ApiError};
use crate::clock::format_timestamp;
use crate::people::User;
use crate::state::AppState;

pub fn route(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "widget" / "bootstrap")
        .and(allow(&[Method::GET]))
        .and(with_state(state))
        .and(widget_headers())
        .and(raw_query())
        .map(|s: AppState, h, q: String| respond(bootstrap(&s, h, &q)))
        .boxed()
}

fn bootstrap(state: &AppState, headers: WidgetHeaders, query: &str) -> Result<Response, ApiError> {
    let call = check(state, headers, Login::Bootstrap)?;
    Params::parse(query, &["language"])?;
    let claims = call.claims.expect("bootstrap requires a token");
    let user = {
        let mut world = state.write();
        let existing = world.directory.find_by_email(&claims.email).cloned();
        match existing {
            Some(user) => {
                refuse_inactive(&user)?;
                if user.name != claims.name {
                    tracing::info!(email = %claims.email, from = %user.name, to = %claims.name, "bootstrap synced the name");
                }
                world
                    .directory
                    .sync_name(user.id, &claims.name)
                    .cloned()
                    .unwrap_or_else(|| User::clone(&user))
            }
            None => {
                tracing::info!(email = %claims.email, "bootstrap created a contact");
                world
                    .directory
                    .create_contact(&claims.name, &claims.email)
                    .clone()
            }
        }
    };
    let language = user
        .language
        .clone()
        .unwrap_or_else(|| call.catalog.languages.primary.code().to_owned());
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "user": {
                "id": user.id,
                "name": user.name,
                "email": claims.email,
                "phone": user.phone,
                "mobile": user.mobile,
                "language": language,
                "external_id": user.external_id,
            },
            "meta": { "expire_at": format_timestamp(claims.exp) },
        }),
    ))
}
