//! `GET /widgets/:id.json`: the configuration the CDN publishes for an active widget.

use http::StatusCode;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::Req;

/// The published configuration of an active widget; an inactive or unknown one has none.
pub fn config(req: Req) -> Answer {
    let id = req.capture(0);
    let catalog = req.state.catalog();
    let widget = id
        .parse()
        .ok()
        .and_then(|id| catalog.active_widget(id))
        .ok_or_else(|| ApiError::file_not_found(format!("no active widget {id}: an inactive or unknown widget has no published configuration")))?;
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
    json_response(
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
    )
}
