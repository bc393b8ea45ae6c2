//! What every `/api/widget/` call goes through first: the header checks in Freshdesk's
//! order (widget id, client id, widget lookup, token), the user behind the token, and the
//! query parameters each endpoint allows.

use std::sync::Arc;

use http::header::HeaderName;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::domain::access::Caller;
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Id, Widget};
use crate::domain::language::{Lang, LanguageHints};
use crate::domain::people::User;
use crate::domain::token::Claims;
use crate::http::error::ApiError;
use crate::state::AppState;

/// The request headers a widget call is judged by.
#[derive(Debug, Clone, Default)]
pub struct WidgetHeaders {
    pub widget_id: Option<HeaderText>,
    pub client_id: Option<HeaderText>,
    pub auth: Option<HeaderText>,
    pub accept_language: Option<HeaderText>,
    pub referrer: Option<HeaderText>,
}

/// A header's text. Shared with the request where it is UTF-8, as nearly every header is,
/// so reading a call's headers copies nothing; elsewhere a copy with the invalid bytes
/// replaced, which the checks then refuse with their own words.
#[derive(Debug, Clone)]
pub enum HeaderText {
    /// UTF-8, checked when made.
    Shared(HeaderValue),
    Owned(String),
}

impl HeaderText {
    fn new(value: &HeaderValue) -> HeaderText {
        match std::str::from_utf8(value.as_bytes()) {
            Ok(_) => HeaderText::Shared(value.clone()),
            Err(_) => HeaderText::Owned(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        }
    }
}

impl std::ops::Deref for HeaderText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // Checked in `new`; the empty fallback cannot happen.
            HeaderText::Shared(value) => std::str::from_utf8(value.as_bytes()).unwrap_or_default(),
            HeaderText::Owned(text) => text,
        }
    }
}

impl From<String> for HeaderText {
    fn from(text: String) -> HeaderText {
        HeaderText::Owned(text)
    }
}

impl From<&str> for HeaderText {
    fn from(text: &str) -> HeaderText {
        HeaderText::Owned(text.to_owned())
    }
}

// Header names as constants: looking a header up by a string parses the name each time.
const WIDGET_ID: HeaderName = HeaderName::from_static("x-widget-id");
const CLIENT_ID: HeaderName = HeaderName::from_static("x-client-id");
const WIDGET_AUTH: HeaderName = HeaderName::from_static("x-widget-auth");
const WIDGET_REFERRER: HeaderName = HeaderName::from_static("x-widget-referrer");

impl WidgetHeaders {
    /// The widget headers of a request; missing ones are `None` (the checks say so).
    ///
    /// One pass over the request's few headers, comparing names: looking each of the five
    /// up by name hashed every name byte by byte (1,300 instructions a call, callgrind).
    /// A header sent twice counts by its first value, as a lookup by name finds it.
    pub fn of(h: &HeaderMap) -> WidgetHeaders {
        let mut found = WidgetHeaders::default();
        for (name, value) in h {
            let slot = if *name == WIDGET_ID {
                &mut found.widget_id
            } else if *name == CLIENT_ID {
                &mut found.client_id
            } else if *name == WIDGET_AUTH {
                &mut found.auth
            } else if *name == http::header::ACCEPT_LANGUAGE {
                &mut found.accept_language
            } else if *name == WIDGET_REFERRER {
                &mut found.referrer
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(HeaderText::new(value));
            }
        }
        found
    }
}

/// Whether an endpoint needs a logged-in customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// Anonymous unless a token is sent; a bad token is still fatal.
    Optional,
    /// A token naming an existing, active user.
    Required,
    /// A valid token; the user may not exist yet (bootstrap creates them).
    Bootstrap,
}

/// A widget call that passed the header checks.
#[derive(Debug, Clone)]
pub struct WidgetCall {
    pub catalog: Arc<Catalog>,
    pub widget_id: Id,
    pub claims: Option<Arc<Claims>>,
    /// The user the token names (absent for anonymous calls and first bootstraps).
    pub user: Option<Arc<User>>,
    pub caller: Caller,
    pub headers: WidgetHeaders,
}

impl WidgetCall {
    /// `X-Client-Id`, which the checks found not blank.
    pub fn client_id(&self) -> &str {
        self.headers.client_id.as_deref().unwrap_or_default()
    }

    pub fn widget(&self) -> &Widget {
        self.catalog
            .widget(self.widget_id)
            .expect("checked at the start of the call")
    }

    /// The language this call is answered in (spec section 6).
    pub fn language(&self, param: Option<&str>) -> Lang {
        self.catalog
            .languages
            .resolve(self.language_hints(param, self.headers.accept_language.as_deref()))
    }

    /// Who the search sees this caller as: any agent searches as an agent, privileges or
    /// not (Freshdesk's `widget_concern.rb` asks whether the user is an agent; show, hit,
    /// votes and suggested ask for the ticket privilege: [`WidgetCall::caller`]).
    pub fn search_caller(&self) -> std::borrow::Cow<'_, Caller> {
        match &self.user {
            Some(user) if user.is_agent() => std::borrow::Cow::Owned(Caller::Agent),
            _ => std::borrow::Cow::Borrowed(&self.caller),
        }
    }

    /// What decides this caller's language: the parameter, and the profile of a logged-in
    /// customer or the browser's `Accept-Language` of an anonymous one.
    pub fn language_hints<'a>(
        &self,
        param: Option<&'a str>,
        accept_language: Option<&'a str>,
    ) -> LanguageHints<'a> {
        LanguageHints {
            param,
            logged_in: self.user.is_some(),
            profile: self
                .user
                .as_ref()
                .and_then(|u| self.catalog.profile_language(u)),
            accept_language,
        }
    }
}

fn blank(value: &Option<HeaderText>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Ruby's `String#to_i`, which Freshdesk applies to `X-Widget-Id`: `"12abc"` is 12,
/// `"abc"` is 0.
pub fn lenient_id(text: &str) -> i128 {
    let text = text.trim_start();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    // At most 30 digits are read, which an i128 always holds.
    let n = rest
        .bytes()
        .take_while(u8::is_ascii_digit)
        .take(30)
        .fold(0i128, |n, d| n * 10 + i128::from(d - b'0'));
    sign * n
}

/// The header checks, in Freshdesk's order, then the user behind the token.
pub fn check(
    state: &AppState,
    headers: WidgetHeaders,
    login: Login,
) -> Result<WidgetCall, ApiError> {
    // One read of the world for the whole check (the catalog, the keys, the directory).
    let world = state.read();
    if !world.catalog.fixtures.account.features.help_widget {
        return Err(require_feature(
            "help_widget",
            "the account has no help_widget feature (account.json features.help_widget is false): every widget call is refused",
        ));
    }
    if blank(&headers.widget_id) {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "widget_id_not_given",
            "the X-Widget-Id header is missing or blank; the widget sends its id with every call",
        ));
    }
    if blank(&headers.client_id) {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "cliend_id_not_given",
            "the X-Client-Id header is missing or blank; any non-blank value identifies the browser",
        ));
    }
    let raw_id = headers.widget_id.as_deref().unwrap_or_default();
    let catalog = world.catalog.clone();
    let id = lenient_id(raw_id);
    let widget = u64::try_from(id).ok().and_then(|id| catalog.widget(id));
    let widget = match widget {
        Some(w) if w.active => w,
        Some(w) => {
            return Err(ApiError::request(
                StatusCode::BAD_REQUEST,
                "invalid_help_widget",
                format!("widget {} is not active", w.id),
            ))
        }
        None => {
            let known: Vec<String> = catalog
                .active_widget_ids()
                .map(|id| id.to_string())
                .collect();
            return Err(ApiError::request(
                StatusCode::BAD_REQUEST,
                "invalid_help_widget",
                format!(
                    "X-Widget-Id {raw_id:?} reads as {id}, which is no active widget of this account (active: {})",
                    known.join(", ")
                ),
            ));
        }
    };
    let widget_id = widget.id;

    let token = headers
        .auth
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        if login == Login::Optional {
            return Ok(WidgetCall {
                catalog,
                widget_id,
                claims: None,
                user: None,
                caller: Caller::Anonymous,
                headers,
            });
        }
        return Err(auth_required(
            "this call needs a logged-in customer: send the JWT in X-Widget-Auth",
        ));
    };
    let claims = state.verify_token(token, world.keys())?;
    if claims.email.is_empty() {
        // Only an empty payload gets here without an email (see `token::verify`).
        return Err(absent_in_db(
            "the token's payload is {}: Freshdesk checks a payload only when it is present \
             (payload.present?), so it skips every claim check and then finds no user without \
             an email; sign name, email and exp"
                .into(),
        ));
    }
    let user = world.directory.find_by_email(&claims.email).cloned();
    drop(world);
    if login == Login::Bootstrap {
        let caller = user
            .as_ref()
            .map_or(Caller::Anonymous, |u| catalog.caller_for(u));
        return Ok(WidgetCall {
            catalog,
            widget_id,
            claims: Some(claims),
            user,
            caller,
            headers,
        });
    }
    let Some(user) = user else {
        return Err(absent_in_db(format!(
            "no contact or agent has the email {}; call bootstrap first, which creates the contact",
            claims.email
        )));
    };
    refuse_inactive(&user)?;
    let caller = catalog.caller_for(&user);
    Ok(WidgetCall {
        catalog,
        widget_id,
        claims: Some(claims),
        user: Some(user),
        caller,
        headers,
    })
}

/// 404 `absent_in_db`: the token names no user.
fn absent_in_db(reason: String) -> ApiError {
    ApiError::with_message(
        StatusCode::NOT_FOUND,
        "absent_in_db",
        "There is no user matching the given email",
        reason,
    )
}

fn auth_required(reason: &str) -> ApiError {
    ApiError::request(StatusCode::BAD_REQUEST, "x_widget_auth_required", reason)
}

/// 403 `require_feature`: the account lacks a feature the call needs (Freshdesk's
/// `require_feature` message, with the feature named as `widget_concern.rb` names it).
pub fn require_feature(feature: &str, reason: &str) -> ApiError {
    ApiError::with_message(
        StatusCode::FORBIDDEN,
        "require_feature",
        format!(
            "The {feature} feature(s) is/are not supported in your plan. Please upgrade your account to use it."
        ),
        reason,
    )
}

/// Whether the widget's contact form asks for a logged-in customer: only when the contact
/// form is on (`help_widget.rb`, `contact_form_require_login?`), so a predictive-support-only
/// widget never does.
pub fn contact_form_requires_login(widget: &Widget) -> bool {
    widget.settings.components.contact_form && widget.settings.contact_form.require_login
}

/// The contact form's `require_login`: the call passed [`check`] as optional, and a setting
/// of the widget decides whether it needed a customer after all.
pub fn login_required(call: &WidgetCall, required: bool) -> Result<(), ApiError> {
    if required && call.user.is_none() {
        return Err(auth_required(&format!(
            "widget {}'s contact form requires login (contact_form.require_login): send the customer's JWT in X-Widget-Auth",
            call.widget_id
        )));
    }
    Ok(())
}

/// Deleted, spam and blocked users are refused. Bootstrap does this per the spec; the
/// other endpoints are assumed to do the same (the spec is silent).
pub fn refuse_inactive(user: &User) -> Result<(), ApiError> {
    if user.may_use_widget() {
        return Ok(());
    }
    Err(inactive_user(user))
}

/// Freshdesk's answer to a deleted, spam or blocked user.
pub fn inactive_user(user: &User) -> ApiError {
    ApiError::with_message(
        StatusCode::FORBIDDEN,
        "invalid_user",
        format!(
            "You are not authorized to perform this action on behalf of this user. id:{}, name:{}",
            user.id, user.name
        ),
        format!(
            "{} ({}) is {:?} in the fixtures; only active users may log in",
            user.name, user.email, user.state
        )
        .to_lowercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_ids_read_like_ruby_to_i() {
        assert_eq!(lenient_id("12abc"), 12);
        assert_eq!(lenient_id("abc"), 0);
        assert_eq!(lenient_id(" 42"), 42);
        assert_eq!(lenient_id("-3"), -3);
        assert_eq!(lenient_id("+7x"), 7);
        assert_eq!(
            lenient_id(&"9".repeat(40)),
            "9".repeat(30).parse::<i128>().unwrap()
        );
    }

    #[test]
    fn widget_headers_are_read_as_a_lookup_by_name_reads_them() {
        let mut h = HeaderMap::new();
        h.insert("user-agent", HeaderValue::from_static("test"));
        h.insert("x-widget-id", HeaderValue::from_static("12000000025"));
        h.append("x-client-id", HeaderValue::from_static("first"));
        h.append("x-client-id", HeaderValue::from_static("second"));
        h.insert("accept-language", HeaderValue::from_static("fr"));
        let read = WidgetHeaders::of(&h);
        for (ours, name) in [
            (&read.widget_id, "x-widget-id"),
            (&read.client_id, "x-client-id"),
            (&read.auth, "x-widget-auth"),
            (&read.accept_language, "accept-language"),
            (&read.referrer, "x-widget-referrer"),
        ] {
            assert_eq!(
                ours.as_deref(),
                h.get(name).map(|v| v.to_str().unwrap()),
                "{name}"
            );
        }
    }

    #[test]
    fn header_text_is_the_header_with_invalid_bytes_replaced() {
        let utf8 = HeaderValue::from_bytes("12000000025 é".as_bytes()).unwrap();
        let text = HeaderText::new(&utf8);
        assert!(matches!(text, HeaderText::Shared(_)));
        assert_eq!(&*text, "12000000025 é");
        let invalid = HeaderValue::from_bytes(b"120\xff00").unwrap();
        assert_eq!(&*HeaderText::new(&invalid), "120\u{fffd}00");
    }
}
