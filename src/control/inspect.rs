//! Looking at what the mock holds and was asked: users and the request log.

use serde::Deserialize;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{ok, with_state};
use crate::api::respond;
use crate::request_log::LogFilter;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFilter {
    email: Option<String>,
}

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let contacts = warp::path!("contacts")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<UserFilter>())
        .map(|state: AppState, filter: UserFilter| {
            let world = state.read();
            let users: Vec<_> = world
                .directory
                .users()
                .iter()
                .filter(|u| filter.email.as_deref().is_none_or(|e| u.has_email(e)))
                .collect();
            respond(ok(&users))
        });
    let requests = warp::path!("requests")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(warp::query::<LogFilter>())
        .map(|state: AppState, filter: LogFilter| {
            let log = state.requests();
            respond(ok(
                &json!({ "capacity": log.capacity(), "entries": log.list(&filter) }),
            ))
        });
    let clear = warp::path!("requests")
        .and(warp::delete())
        .and(with_state(state))
        .map(|state: AppState| {
            state.requests().clear();
            respond(ok(&json!({ "status": "cleared" })))
        });
    contacts.or(requests).unify().or(clear).unify().boxed()
}
