//! The HTTP face of freshmock.

pub mod agent;
pub mod assets;
pub mod control;
pub mod dashboard_old;
pub mod error;
pub mod observe;
pub mod server;
pub mod verdict;
pub mod widget;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::state::AppState;

/// Everything freshmock serves: the control plane and the widget API, with faults and
/// the request log around them.
pub fn app(state: AppState) -> BoxedFilter<(Response,)> {
    let routes = control::routes(state.clone())
        .or(widget::routes(state.clone()))
        .unify()
        .boxed();
    observe::observed(state, routes)
}
