//! `GET /api/widget/bootstrap`: logs the customer in, creating or syncing the contact.

use http::StatusCode;
use serde_json::json;

use crate::domain::clock::format_timestamp;
use crate::http::context::{check, inactive_user, Login, WidgetCall, WidgetHeaders};
use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Params;
use crate::http::request::Req;
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
    let claims = call.claims.clone().expect("bootstrap requires a token");
    refuse_restricted_login(&call, &claims.email)?;
    let user = match req
        .state
        .log_in(claims.name.clone(), claims.email.clone())
        .await?
    {
        LogIn::Known(user) | LogIn::Created(user) => user,
        LogIn::Refused(user) => return Err(inactive_user(&user)),
    };
    let language = user
        .language
        .clone()
        .unwrap_or_else(|| call.catalog.languages.primary.code().to_owned());
    json_response(
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
    )
}

/// A restricted help desk lets in agents and customers of its permissible domains only;
/// anyone else is refused before a contact is created (Freshdesk's bootstrap test
/// `test_widget_bootstrap_restricted_helpdesk_invalid_domain`).
fn refuse_restricted_login(call: &WidgetCall, email: &str) -> Result<(), ApiError> {
    let features = &call.catalog.fixtures.account.features;
    let is_agent = call.user.as_ref().is_some_and(|u| u.is_agent());
    if is_agent || features.admits_customer(email) {
        return Ok(());
    }
    Err(ApiError::with_message(
        StatusCode::FORBIDDEN,
        "action_restricted",
        // Assumed wording: Freshdesk's test gives only the parameters (action "login",
        // reason "domain/user is restricted in Admin"), not the sentence around them.
        "You are not allowed to login as domain/user is restricted in Admin",
        format!(
            "the help desk is restricted (features.restricted_helpdesk) and {email}'s domain is not in features.helpdesk_permissible_domains ({})",
            features.helpdesk_permissible_domains.join(", ")
        ),
    ))
}
