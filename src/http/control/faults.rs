//! Adding, listing and clearing injected faults.

use http::StatusCode;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{error, json_body, ok, with_state};
use crate::http::widget::{json_response, respond, ApiError};
use crate::state::faults::FaultSpec;
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let list = warp::path!("faults")
        .and(warp::get())
        .and(with_state(state.clone()))
        .map(|state: AppState| respond(ok(&state.faults().list())));
    let add = warp::path!("faults")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(json_body::<FaultSpec>())
        .map(|state: AppState, body: Result<FaultSpec, ApiError>| {
            respond(body.and_then(|spec| {
                spec.validate()
                    .map_err(|m| error(StatusCode::BAD_REQUEST, "invalid_fault", m))?;
                Ok(json_response(
                    StatusCode::CREATED,
                    &state.faults().add(spec),
                ))
            }))
        });
    let clear = warp::path!("faults")
        .and(warp::delete())
        .and(with_state(state.clone()))
        .map(|state: AppState| {
            state.faults().clear();
            respond(ok(&json!({ "status": "cleared" })))
        });
    let remove = warp::path!("faults" / u64)
        .and(warp::delete())
        .and(with_state(state))
        .map(|id: u64, state: AppState| {
            respond(if state.faults().remove(id) {
                ok(&json!({ "status": "removed" }))
            } else {
                Err(error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!("there is no fault {id}"),
                ))
            })
        });
    list.or(add)
        .unify()
        .or(clear)
        .unify()
        .or(remove)
        .unify()
        .boxed()
}
