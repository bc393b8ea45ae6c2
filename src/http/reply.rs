//! How a handler's success leaves: [`Answer`] and the JSON replies every room uses. Errors
//! leave through [`super::error::ApiError`]; nothing else builds a response.

use http::header::HeaderValue;
use http::StatusCode;
use serde::Serialize;
use warp::reply::Response;

use super::error::ApiError;

/// Headers an API answer ends up with at most: its own, then the dispatch's.
pub const ANSWER_HEADERS: usize = 16;

/// What a handler answers.
pub type Answer = Result<Response, ApiError>;

/// A JSON response with Freshdesk's content type. A body that cannot be serialised is a
/// fault of freshmock's (a 500 naming it), never an empty success.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Answer {
    match serde_json::to_vec(body) {
        Ok(bytes) => Ok(json_bytes_response(status, bytes.into())),
        Err(e) => Err(ApiError::internal(format!(
            "the answer could not be serialised as JSON (a bug): {e}"
        ))),
    }
}

/// A JSON response from a body already serialised.
pub fn json_bytes_response(status: StatusCode, body: bytes::Bytes) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    // Room for the headers the dispatch adds to an API answer (eight or nine), so the map
    // is allocated once instead of once here and again, larger, there.
    *response.headers_mut() = plain_json_headers();
    response
}

/// Freshdesk's JSON content type.
const JSON: &str = "application/json; charset=utf-8";

/// The headers of a JSON answer before the dispatch adds its own: the content type.
pub fn plain_json_headers() -> http::HeaderMap {
    let mut headers = http::HeaderMap::with_capacity(ANSWER_HEADERS);
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    headers
}

/// Whether these are [`plain_json_headers`]: nothing added since (read without hashing a
/// name).
pub fn is_plain_json(headers: &http::HeaderMap) -> bool {
    headers.len() == 1
        && headers
            .iter()
            .next()
            .is_some_and(|(name, value)| name == http::header::CONTENT_TYPE && value == JSON)
}

/// `200` with a JSON body.
pub fn ok(body: &impl Serialize) -> Answer {
    json_response(StatusCode::OK, body)
}

/// `201` with the created record.
pub fn created(body: &impl Serialize) -> Answer {
    json_response(StatusCode::CREATED, body)
}

/// `201` with the created record and its `Location`, as Freshdesk's agent API answers a
/// create.
pub fn created_at(location: &str, body: &impl Serialize) -> Answer {
    let mut response = created(body)?;
    if let Ok(location) = HeaderValue::from_str(location) {
        response
            .headers_mut()
            .insert(http::header::LOCATION, location);
    }
    Ok(response)
}

/// `204` without a body: Freshdesk's answer to a delete or a vote.
pub fn no_content() -> Answer {
    Ok(empty(StatusCode::NO_CONTENT))
}

/// A response of `status` without a body.
pub fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Vec::new().into());
    *response.status_mut() = status;
    response
}
