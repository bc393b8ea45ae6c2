//! How a handler's success leaves: [`Answer`] and the JSON replies every room uses. Errors
//! leave through [`super::error::ApiError`]; nothing else builds a response.

use http::header::HeaderValue;
use http::StatusCode;
use serde::Serialize;
use warp::reply::Response;

use super::error::ApiError;

/// What a handler answers.
pub type Answer = Result<Response, ApiError>;

/// A JSON response with Freshdesk's content type.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    json_bytes_response(status, serde_json::to_vec(body).unwrap_or_default().into())
}

/// A JSON response from a body already serialised.
pub fn json_bytes_response(status: StatusCode, body: bytes::Bytes) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// `200` with a JSON body.
pub fn ok(body: &impl Serialize) -> Answer {
    Ok(json_response(StatusCode::OK, body))
}
