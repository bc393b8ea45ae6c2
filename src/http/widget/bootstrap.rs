//! `GET /api/widget/bootstrap`: logs the customer in, creating or syncing the contact.

use http::{Method, StatusCode};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::context::{check, inactive_user, widget_headers, Login, Params, WidgetHeaders};
use super::{allow, json_response, raw_query, respond, with_state, ApiError};
use crate::domain::clock::format_timestamp;
use crate::state::{AppState, LogIn};

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
    let user = match state
        .log_in(&claims.name, &claims.email)
        .map_err(ApiError::internal)?
    {
        LogIn::Known(user) | LogIn::Created(user) => user,
        LogIn::Refused(user) => return Err(inactive_user(&user)),
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
