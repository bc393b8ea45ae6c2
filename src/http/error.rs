//! The one error type of every HTTP answer that is not a success, and the one place errors
//! become responses. Widget and agent calls answer with Freshdesk's bodies; the control plane
//! with `{"code","message"}`. Every error carries a plain-words reason, sent in
//! `X-Freshmock-Reason`; a 5xx says which fault it was.

use http::{HeaderValue, Method, StatusCode};
use serde_json::{json, Value};
use warp::reply::Response;

pub use crate::domain::invalid::FieldError;
use crate::domain::invalid::{Invalid, InvalidKind};
use crate::domain::search::SearchError;
use crate::domain::token::{Rejection, TokenError};
use crate::state::store::StoreError;
use crate::state::EditError;

/// Header carrying freshmock's plain-words explanation of a refusal.
pub const REASON_HEADER: &str = "x-freshmock-reason";

/// A failed widget call: Freshdesk's answer plus freshmock's reason.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// `{"code","message"}` with the given status.
    Request {
        status: StatusCode,
        code: &'static str,
        message: String,
        reason: String,
    },
    /// `{"description":"Validation failed","errors":[...]}`.
    Validation {
        status: StatusCode,
        errors: Vec<FieldError>,
        reason: String,
    },
    /// A 404 without a JSON body: Rails' `head :not_found` (one space) on Freshdesk's API
    /// (unknown path, or an article that is not shown), nothing at all for files.
    NotFound { reason: String, body: &'static str },
    /// Known path, wrong verb; `control` answers in the control plane's words.
    MethodNotAllowed {
        method: Method,
        allowed: Vec<Method>,
        control: bool,
    },
    /// A server fault (a bug, or the disk): 500 (507 for a full disk) `{"message":...}`,
    /// with what failed in the reason header and the log.
    Internal { status: StatusCode, detail: String },
    /// A refused token: answered as `inner`, and marked so the request log can tell
    /// token refusals from other errors.
    Token(Box<ApiError>),
    /// Over the rate limit (`--rate-limit`): 429 with `Retry-After`.
    RateLimited { total: u32, retry_after: u64 },
    /// Freshdesk's own 500 where its code crashes, reproduced; the reason says so.
    FreshdeskCrash { reason: String },
    /// A control-plane wait that ended unmet: 408 `wait_timeout`, with what was seen.
    WaitTimeout { message: String, seen: Box<Value> },
}

/// An error's JSON body as a response. (The reply helpers build successes; the error path
/// builds its own, so that [`super::reply`] may name [`ApiError`] without a circle.)
fn json_body(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(body.to_string().into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A rule of the account refused the input: Freshdesk's validation answer, 409 for a
/// value that must be unique.
impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> ApiError {
        let status = match invalid.kind {
            InvalidKind::Fields => StatusCode::BAD_REQUEST,
            InvalidKind::Conflict => StatusCode::CONFLICT,
        };
        ApiError::validation(status, invalid.errors, invalid.reason)
    }
}

/// A store failure is a server fault (507 on a full disk), so handlers write `?`.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        ApiError::storage(err)
    }
}

/// An index that cannot be updated is a server fault.
impl From<SearchError> for ApiError {
    fn from(err: SearchError) -> ApiError {
        ApiError::internal(format!("updating the search index: {err}"))
    }
}

/// A catalog edit either refused with the caller's own error, or failed below it.
impl From<EditError<ApiError>> for ApiError {
    fn from(err: EditError<ApiError>) -> ApiError {
        match err {
            EditError::Refused(err) => err,
            EditError::Store(err) => err.into(),
            EditError::Search(err) => err.into(),
        }
    }
}

/// Response extension set on answers to a refused token (never sent on the wire).
#[derive(Debug, Clone, Copy)]
pub struct TokenRefused;

impl ApiError {
    /// A request error whose message equals its code (the header checks).
    pub fn request(status: StatusCode, code: &'static str, reason: impl Into<String>) -> ApiError {
        ApiError::Request {
            status,
            code,
            message: code.to_owned(),
            reason: reason.into(),
        }
    }

    /// A request error whose Freshdesk message differs from its code.
    pub fn with_message(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        reason: impl Into<String>,
    ) -> ApiError {
        ApiError::Request {
            status,
            code,
            message: message.into(),
            reason: reason.into(),
        }
    }

    /// A control-plane error: `{"code","message"}`, the message also the reason.
    pub fn control(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Request {
            status,
            code,
            reason: message.clone(),
            message,
        }
    }

    /// A control-plane 404 (`not_found`), saying what does not exist.
    pub fn control_not_found(message: impl Into<String>) -> ApiError {
        ApiError::control(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A validation error (`{"description":"Validation failed","errors":[...]}`).
    pub fn validation(
        status: StatusCode,
        errors: Vec<FieldError>,
        reason: impl Into<String>,
    ) -> ApiError {
        ApiError::Validation {
            status,
            errors,
            reason: reason.into(),
        }
    }

    /// A body over the limit of its call.
    pub fn too_large(limit: usize, reason: impl Into<String>) -> ApiError {
        ApiError::with_message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            format!("The request body exceeds {}", human_bytes(limit)),
            reason,
        )
    }

    /// A 400 validation error on one field.
    pub fn invalid(error: FieldError, reason: impl Into<String>) -> ApiError {
        ApiError::Validation {
            status: StatusCode::BAD_REQUEST,
            errors: vec![error],
            reason: reason.into(),
        }
    }

    /// A 404 on Freshdesk's API: a body of one space, as Rails' `head` sends.
    pub fn not_found(reason: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            reason: reason.into(),
            body: " ",
        }
    }

    /// A 404 for a file (the widget's CDN files, the demo site): an empty body.
    pub fn file_not_found(reason: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            reason: reason.into(),
            body: "",
        }
    }

    /// Known path, wrong verb.
    pub fn method_not_allowed(method: Method, allowed: Vec<Method>, control: bool) -> ApiError {
        ApiError::MethodNotAllowed {
            method,
            allowed,
            control,
        }
    }

    /// Over the widget API's rate limit: try again in `retry_after` seconds.
    pub fn rate_limited(total: u32, retry_after: u64) -> ApiError {
        ApiError::RateLimited { total, retry_after }
    }

    /// A control-plane wait whose condition was not met in time; `seen` is the answer as it
    /// stood when the wait ended.
    pub fn wait_timeout(message: impl Into<String>, seen: Value) -> ApiError {
        ApiError::WaitTimeout {
            message: message.into(),
            seen: Box::new(seen),
        }
    }

    /// A server fault: a bug, or the machine (disk full, database damaged).
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError::Internal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: detail.to_string(),
        }
    }

    /// The state store failed: 507 Insufficient Storage when the disk is full, else 500;
    /// the reason names the file and the cause ("server fault: disk full writing …").
    pub fn storage(err: StoreError) -> ApiError {
        ApiError::Internal {
            status: if err.is_disk_full() {
                StatusCode::INSUFFICIENT_STORAGE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            },
            detail: err.to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Request { status, .. } | ApiError::Validation { status, .. } => *status,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal { status, .. } => *status,
            ApiError::Token(inner) => inner.status(),
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::WaitTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::FreshdeskCrash { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The plain-words reason, when there is one to tell the client.
    pub fn reason(&self) -> Option<String> {
        match self {
            ApiError::Request { reason, .. }
            | ApiError::Validation { reason, .. }
            | ApiError::NotFound { reason, .. } => Some(reason.clone()).filter(|r| !r.is_empty()),
            ApiError::MethodNotAllowed {
                method, allowed, ..
            } => Some(format!(
                "{method} is not one of the methods of this path ({})",
                allowed_list(allowed)
            )),
            ApiError::Internal { detail, .. } => Some(format!("server fault: {detail}")),
            ApiError::Token(inner) => inner.reason(),
            ApiError::FreshdeskCrash { reason } => Some(reason.clone()),
            ApiError::WaitTimeout { message, .. } => Some(message.clone()),
            ApiError::RateLimited { total, retry_after } => Some(format!(
                "over the widget API's rate limit of {total} calls a minute (--rate-limit); \
                 the minute of the server's clock ends in {retry_after} s"
            )),
        }
    }

    /// The JSON body Freshdesk sends (none for 404s).
    pub fn body(&self) -> Option<Value> {
        match self {
            ApiError::Request { code, message, .. } => {
                Some(json!({ "code": code, "message": message }))
            }
            ApiError::WaitTimeout { message, seen } => Some(json!({
                "code": "wait_timeout", "message": message, "seen": seen
            })),
            ApiError::Validation { errors, .. } => Some(json!({
                "description": "Validation failed",
                "errors": errors.iter().map(FieldError::to_json).collect::<Vec<_>>(),
            })),
            ApiError::NotFound { .. } => None,
            ApiError::MethodNotAllowed {
                method,
                allowed,
                control: false,
            } => Some(json!({
                "message": format!(
                    "{method} method is not allowed. It should be one of these method(s): {}",
                    allowed_list(allowed)
                )
            })),
            ApiError::MethodNotAllowed {
                method,
                allowed,
                control: true,
            } => Some(json!({
                "code": "method_not_allowed",
                "message": format!(
                    "this control path takes {}, not {method} (see /_freshmock/openapi.json)",
                    allowed_list(allowed)
                )
            })),
            ApiError::Internal { .. } | ApiError::FreshdeskCrash { .. } => {
                Some(json!({ "message": "We're sorry, but something went wrong." }))
            }
            ApiError::Token(inner) => inner.body(),
            // Freshdesk's wording, "per hour" although the window is a minute.
            ApiError::RateLimited { .. } => {
                Some(json!({ "message": "You have exceeded the limit of requests per hour" }))
            }
        }
    }

    /// The HTTP response, logged with its reason.
    pub fn into_response(self) -> Response {
        if let ApiError::Token(inner) = self {
            let mut response = inner.into_response();
            response.extensions_mut().insert(TokenRefused);
            return response;
        }
        let status = self.status();
        match &self {
            ApiError::Internal { detail, .. } => {
                tracing::error!(%status, detail, "widget call failed")
            }
            other => {
                if let Some(reason) = other.reason() {
                    tracing::info!(%status, reason, "widget call refused");
                }
            }
        }
        let mut response = match self.body() {
            Some(body) => json_body(status, &body),
            None => {
                let text = match &self {
                    ApiError::NotFound { body, .. } => *body,
                    _ => "",
                };
                let mut r = Response::new(text.into());
                *r.status_mut() = status;
                r
            }
        };
        if let ApiError::RateLimited { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, (*retry_after).into());
        }
        if let ApiError::MethodNotAllowed { allowed, .. } = &self {
            if let Ok(v) = HeaderValue::from_str(&allowed_list(allowed)) {
                response.headers_mut().insert(http::header::ALLOW, v);
            }
        }
        if let Some(reason) = self.reason() {
            response
                .headers_mut()
                .insert(REASON_HEADER, header_safe(&reason));
        }
        response
    }
}

fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MB", n / (1024 * 1024))
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

fn allowed_list(allowed: &[Method]) -> String {
    allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Header values must be visible ASCII: other bytes are percent-encoded.
pub fn header_safe(text: &str) -> HeaderValue {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static("(unprintable)"))
}

impl From<TokenError> for ApiError {
    fn from(err: TokenError) -> ApiError {
        let reason = err.reason;
        let answer = match err.rejection {
            Rejection::Unauthorized(message) => ApiError::Validation {
                status: StatusCode::UNAUTHORIZED,
                errors: vec![FieldError::new("token", message, "unauthorized")],
                reason,
            },
            Rejection::Payload {
                claim,
                code,
                message,
            } => ApiError::Validation {
                status: StatusCode::BAD_REQUEST,
                errors: vec![FieldError {
                    field: "payload".into(),
                    nested_field: Some(format!("payload.{claim}")),
                    message,
                    code,
                    additional_info: None,
                }],
                reason,
            },
            // Not freshmock's fault: Freshdesk's own answer to a token its JWT library
            // cannot read, reproduced because it is what the customer's page gets.
            Rejection::FreshdeskCrash => ApiError::FreshdeskCrash {
                reason: format!("Freshdesk's own crash, not freshmock's: {reason}"),
            },
            Rejection::TooFarAhead => ApiError::Validation {
                status: StatusCode::BAD_REQUEST,
                errors: vec![FieldError::new(
                    "exp",
                    "Expiry should be within 2 hours",
                    "invalid_value",
                )],
                reason,
            },
        };
        ApiError::Token(Box::new(answer))
    }
}
