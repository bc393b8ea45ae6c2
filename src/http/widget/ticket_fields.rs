//! `GET /api/widget/ticket_fields`: the contact form's fields, labelled in the customer's language.

use http::StatusCode;
use serde_json::Value;

use crate::domain::tickets::{field_json, FieldSide};

use crate::http::context::{check, Login, WidgetHeaders};
use crate::http::reply::{json_response, Answer};
use crate::http::request::Params;
use crate::http::request::Req;

/// `GET /api/widget/ticket_fields`.
pub fn ticket_fields(req: Req) -> Answer {
    let call = check(&req.state, WidgetHeaders::of(&req.headers), Login::Optional)?;
    // page and per_page are accepted and ignored, as Freshdesk does.
    let params = Params::parse(req.query(), &["language", "page", "per_page"])?;
    let lang = call.language(params.get("language"));
    let primary = call.catalog.languages.primary;
    let mut fields: Vec<_> = call
        .catalog
        .fixtures
        .ticket_fields
        .iter()
        .filter(|f| f.customers_can_edit)
        .collect();
    fields.sort_by_key(|f| (f.position, f.id));
    let body: Vec<Value> = fields
        .into_iter()
        .map(|f| {
            // Field labels fall back to the primary language (unlike articles).
            let labels = f
                .labels
                .get(lang.code())
                .or_else(|| f.labels.get(primary.code()));
            field_json(f, labels, FieldSide::Widget)
        })
        .collect();
    json_response(StatusCode::OK, &body)
}
