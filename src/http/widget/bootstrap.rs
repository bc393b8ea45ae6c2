//! `GET /api/widget/bootstrap`: logs the customer in, creating or syncing the contact.

use http::StatusCode;
use serde_json::json;

use super::context::{check, inactive_user, Login, Params, WidgetHeaders};
use crate::domain::clock::format_timestamp;
use crate::http::request::Req;
use crate::http::{json_response, Answer, ApiError};
use crate::state::LogIn;

/// The customer's log-in: an unknown email becomes a contact, a known one gets the token's
/// name. Durable before it answers.
pub async fn bootstrap(req: Req) -> Answer {
    let call = check(
        &req.state,
        WidgetHeaders::of(&req.headers),
        Login::Bootstrap,
    )?;
    Params::parse(req.query(), &["language"])?;
    let claims = call.claims.expect("bootstrap requires a token");
    let user = match req
        .state
        .log_in(claims.name.clone(), claims.email.clone())
        .await
        .map_err(ApiError::storage)?
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
