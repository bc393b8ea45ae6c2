//! Adding, listing and clearing injected faults.

use http::StatusCode;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::reply::{json_response, ok, Answer};
use crate::http::request::Req;
use crate::state::faults::FaultSpec;

/// `GET /_freshmock/faults`.
pub fn list(req: Req) -> Answer {
    ok(&req.state.faults().list())
}

/// `POST /_freshmock/faults`: a fault for the widget-facing calls that match it.
pub async fn add(mut req: Req) -> Answer {
    let spec: FaultSpec = req.json().await?;
    spec.validate()
        .map_err(|m| ApiError::control(StatusCode::BAD_REQUEST, "invalid_fault", m))?;
    json_response(StatusCode::CREATED, &req.state.faults().add(spec))
}

/// `DELETE /_freshmock/faults`.
pub fn clear(req: Req) -> Answer {
    req.state.faults().clear();
    ok(&json!({ "status": "cleared" }))
}

/// `DELETE /_freshmock/faults/:id`.
pub fn remove(req: Req) -> Answer {
    let id: u64 = req.id(0)?;
    if req.state.faults().remove(id) {
        ok(&json!({ "status": "removed" }))
    } else {
        Err(ApiError::control_not_found(format!(
            "there is no fault {id}"
        )))
    }
}
