//! What Freshdesk would answer to a token, and why: the same checks a widget call runs,
//! for the CLI's `explain` and the control plane.

use http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::domain::clock::format_timestamp;
use crate::domain::token::human_duration;
use crate::http::context::{check, Login, WidgetHeaders};
use crate::state::AppState;

/// The answer to a token on a widget call such as search, and its explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Would a widget call (other than bootstrap) accept it?
    pub accepted: bool,
    pub status: u16,
    /// Freshdesk's body for a refusal.
    pub body: Option<Value>,
    /// Plain words.
    pub reason: String,
    /// The decoded payload, when it could be decoded.
    pub claims: Option<Value>,
}

/// Judges a token as a non-bootstrap widget call would, at the server's current time.
pub fn judge(state: &AppState, token: &str) -> Verdict {
    let widget_id = state
        .catalog()
        .default_widget()
        .map(|w| w.id.to_string().into());
    let headers = WidgetHeaders {
        widget_id,
        client_id: Some("freshmock-explain".into()),
        auth: Some(token.into()),
        ..WidgetHeaders::default()
    };
    let now = state.clock().now_secs();
    let claims = crate::domain::token::peek_payload(token);
    match check(state, headers, Login::Required) {
        Ok(call) => {
            let claims_ok = call.claims.expect("a required login has claims");
            let user = call.user.expect("a required login has a user");
            Verdict {
                accepted: true,
                status: StatusCode::OK.as_u16(),
                body: None,
                reason: format!(
                    "valid: {} <{}> ({} {}), signed with {}, expires in {} (at {})",
                    claims_ok.name,
                    claims_ok.email,
                    if user.is_agent() { "agent" } else { "contact" },
                    user.id,
                    claims_ok.alg,
                    human_duration(claims_ok.exp.saturating_sub(now)),
                    format_timestamp(claims_ok.exp)
                ),
                claims,
            }
        }
        Err(err) => {
            let mut reason = err.reason().unwrap_or_default();
            if err.status() == StatusCode::NOT_FOUND {
                reason.push_str(" (bootstrap would accept the token and create the contact)");
            }
            Verdict {
                accepted: false,
                status: err.status().as_u16(),
                body: err.body(),
                reason,
                claims,
            }
        }
    }
}
