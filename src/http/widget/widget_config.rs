//! `GET /widgets/:id.json`: the configuration the CDN publishes for an active widget.

use http::{Method, StatusCode};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::{allow, json_response, respond, with_state, ApiError};
use crate::state::AppState;

pub fn route(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("widgets" / String)
        .and(allow(&[Method::GET]))
        .and(with_state(state))
        .and_then(|file: String, s: AppState| async move {
            match file.strip_suffix(".json") {
                Some(id) => Ok(respond(config(&s, id))),
                None => Err(warp::reject::not_found()),
            }
        })
        .boxed()
}

fn config(state: &AppState, id: &str) -> Result<Response, ApiError> {
    let catalog = state.catalog();
    let widget = id
        .parse()
        .ok()
        .and_then(|id| catalog.active_widget(id))
        .ok_or_else(|| ApiError::not_found(format!("no active widget {id}: an inactive or unknown widget has no published configuration")))?;
    let account = &catalog.fixtures.account;
    let supported: Vec<&str> = if account.multilingual {
        catalog
            .languages
            .portal_languages()
            .map(|l| l.code())
            .collect()
    } else {
        vec![catalog.languages.primary.code()]
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "id": widget.id,
            "product_id": widget.product_id,
            "account_id": account.id,
            "name": widget.name,
            "active": widget.active,
            "created_at": widget.created_at,
            "updated_at": widget.updated_at,
            "account_url": format!("https://{}", account.domain),
            "languages": { "primary": catalog.languages.primary.code(), "supported": supported },
            "date_format": widget.date_format,
            "settings": widget.settings,
        }),
    ))
}
