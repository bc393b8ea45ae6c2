//! A ticket field (the form's definition) as JSON: the widget's `GET /api/widget/ticket_fields`
//! and the agent API's `GET /api/v2/ticket_fields` show the same definition, labelled in
//! one language; the widget's side adds `belongs_to_section`. The two sides name the
//! default fields differently, as Freshdesk does: the widget's form posts `email` and
//! `type`, the agent API names those fields `requester` and `ticket_type` (with the
//! requester's `portal_cc` settings), and lists the default fields the widget's form
//! never shows (`source`, `group`, `agent`, `company`) even where the fixtures leave them
//! out.

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
    let name = match side {
        FieldSide::Widget => field.name.as_str(),
        FieldSide::Agent => agent_name(field),
    };
    let mut v = json!({
        "id": field.id,
        "name": name,
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
    if side == FieldSide::Agent && field.field_type == "default_requester" {
        // Whether customers may add people in cc on the portal: off in the fixture model.
        v["portal_cc"] = json!(false);
        v["portal_cc_to"] = json!("company");
    }
    if let Some(choices) = &field.choices {
        v["choices"] = choices.clone();
    }
    v
}

/// A default field's name on the agent API: Freshdesk's ticket-field names, where the
/// widget's form uses the ticket's attribute names.
fn agent_name(field: &TicketField) -> &str {
    if !field.default {
        return &field.name;
    }
    match field.field_type.as_str() {
        "default_requester" => "requester",
        "default_ticket_type" => "ticket_type",
        "default_source" => "source",
        "default_group" => "group",
        "default_agent" => "agent",
        "default_company" => "company",
        "default_product" => "product",
        _ => &field.name,
    }
}

/// The default fields every Freshdesk account has that the agent API lists and the
/// fixtures may leave out (the widget's form does not show them): source, group, agent
/// and company, after the fixtures' fields, numbered after their highest id. Labelled in
/// English (assumed: the account's primary language labels them as the defaults do).
pub fn agent_default_fields(fields: &[TicketField]) -> Vec<TicketField> {
    let next_id = fields.iter().map(|f| f.id).max().unwrap_or(0);
    let next_position = fields.iter().map(|f| f.position).max().unwrap_or(0);
    let at = fields.first().map_or_else(
        || "2020-01-01T00:00:00Z".to_owned(),
        |f| f.created_at.clone(),
    );
    let sources = json!({
        "Email": 1, "Portal": 2, "Phone": 3, "Forum": 4, "Twitter": 5, "Facebook": 6,
        "Chat": 7, "MobiHelp": 8, "Feedback Widget": 9, "Outbound Email": 10,
    });
    [
        ("source", "default_source", "Source", Some(sources)),
        ("group", "default_group", "Group", None),
        ("agent", "default_agent", "Agent", None),
        ("company", "default_company", "Company", None),
    ]
    .into_iter()
    .filter(|(_, kind, _, _)| !fields.iter().any(|f| f.field_type == *kind))
    .enumerate()
    .map(|(i, (name, kind, label, choices))| TicketField {
        id: next_id + 1 + i as u64,
        name: name.to_owned(),
        field_type: kind.to_owned(),
        position: next_position + 1 + i as u32,
        required_for_closure: false,
        required_for_agents: false,
        required_for_customers: false,
        customers_can_edit: false,
        displayed_to_customers: false,
        default: true,
        belongs_to_section: false,
        labels: [(
            "en".to_owned(),
            FieldLabels {
                label: label.to_owned(),
                label_for_customers: Some(label.to_owned()),
                description: None,
            },
        )]
        .into_iter()
        .collect(),
        choices,
        created_at: at.clone(),
        updated_at: at.clone(),
    })
    .collect()
}
