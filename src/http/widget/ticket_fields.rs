//! `GET /api/widget/ticket_fields`: the contact form's fields, labelled in the customer's language.

use http::StatusCode;
use serde_json::{json, Value};

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
            let labels = f.labels.get(lang.code()).or_else(|| f.labels.get(primary.code()));
            let label = labels.map(|l| l.label.clone()).unwrap_or_else(|| f.name.clone());
            let mut v = json!({
                "id": f.id,
                "name": f.name,
                "label": label,
                "description": labels.and_then(|l| l.description.clone()),
                "position": f.position,
                "required_for_closure": f.required_for_closure,
                "required_for_agents": f.required_for_agents,
                "type": f.field_type,
                "default": f.default,
                "customers_can_edit": f.customers_can_edit,
                "label_for_customers": labels.and_then(|l| l.label_for_customers.clone()).unwrap_or(label),
                "required_for_customers": f.required_for_customers,
                "displayed_to_customers": f.displayed_to_customers,
                "belongs_to_section": f.belongs_to_section,
                "created_at": f.created_at,
                "updated_at": f.updated_at,
            });
            if let Some(choices) = &f.choices {
                v["choices"] = choices.clone();
            }
            v
        })
        .collect();
    json_response(StatusCode::OK, &body)
}
