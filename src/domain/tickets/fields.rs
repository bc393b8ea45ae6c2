//! A ticket field (the form's definition) as JSON: the widget's `GET /api/widget/ticket_fields`
//! and the agent API's `GET /api/v2/ticket_fields` show the same definition, labelled in
//! one language; the widget's side adds `belongs_to_section`.

use serde_json::{json, Value};

use crate::domain::fixtures::{FieldLabels, TicketField};

/// Which API shows the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSide {
    Widget,
    Agent,
}

/// `field` labelled with `labels` (the caller picks the language and its fallback).
pub fn field_json(field: &TicketField, labels: Option<&FieldLabels>, side: FieldSide) -> Value {
    let label = labels.map_or_else(|| field.name.clone(), |l| l.label.clone());
    let mut v = json!({
        "id": field.id,
        "name": field.name,
        "label": label,
        "description": labels.and_then(|l| l.description.clone()),
        "position": field.position,
        "required_for_closure": field.required_for_closure,
        "required_for_agents": field.required_for_agents,
        "type": field.field_type,
        "default": field.default,
        "customers_can_edit": field.customers_can_edit,
        "label_for_customers": labels
            .and_then(|l| l.label_for_customers.clone())
            .unwrap_or(label),
        "required_for_customers": field.required_for_customers,
        "displayed_to_customers": field.displayed_to_customers,
        "created_at": field.created_at,
        "updated_at": field.updated_at,
    });
    if side == FieldSide::Widget {
        v["belongs_to_section"] = json!(field.belongs_to_section);
    }
    if let Some(choices) = &field.choices {
        v["choices"] = choices.clone();
    }
    v
}
