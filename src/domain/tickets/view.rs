//! The one JSON view of a ticket. The agent API shows it as Freshdesk's API does; the
//! control plane (and so the dashboard and the kits' waits) shows the same keys with the
//! same values, plus what only freshmock keeps (the widget it came from, the request's
//! meta, the attachments' owners). So a ticket reads the same wherever a test looks.

use serde_json::{json, Value};

use super::TicketRecord;
use crate::domain::clock::format_timestamp;
use crate::domain::people::Directory;

/// What a ticket's JSON holds besides the list's fields (Freshdesk's show and `include=`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Shown {
    /// The keys only Freshdesk's show sends (`source_additional_info`,
    /// `associated_tickets_count`, both null while freshmock has no social channels and
    /// no linked tickets).
    pub show: bool,
    pub description: bool,
    pub requester: bool,
    pub stats: bool,
}

impl Shown {
    /// Everything: what the control plane shows.
    pub const ALL: Shown = Shown {
        show: true,
        description: true,
        requester: true,
        stats: true,
    };
}

/// An attachment's metadata as a ticket's `attachments` list shows it.
pub fn attachment_json(id: u64, name: &str, content_type: &str, size: u64, at: i64) -> Value {
    let at = format_timestamp(at);
    json!({
        "id": id,
        "name": name,
        "content_type": content_type,
        "size": size,
        "created_at": at,
        "updated_at": at,
        // freshmock keeps the content (see GET /_freshmock/tickets/:id) but serves no
        // download URL.
        "attachment_url": null,
    })
}

/// A ticket as Freshdesk's agent API shows it.
pub fn agent_json(
    directory: &Directory,
    t: &TicketRecord,
    shown: Shown,
    attachments: Option<Vec<Value>>,
) -> Value {
    let mut v = json!({
        "id": t.id,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "source": t.source,
        "type": t.ticket_type,
        "requester_id": t.requester_id,
        "responder_id": t.agent.responder_id,
        "group_id": t.group_id,
        "company_id": t.company(directory),
        "product_id": t.product_id,
        "email_config_id": null,
        "tags": t.tags,
        "cc_emails": t.cc_emails,
        "fwd_emails": [],
        "reply_cc_emails": t.cc_emails,
        "ticket_cc_emails": t.cc_emails,
        "to_emails": null,
        "spam": t.agent.spam,
        "is_escalated": t.agent.is_escalated,
        "fr_escalated": false,
        "custom_fields": t.custom_fields,
        "due_by": format_timestamp(t.due_by()),
        "fr_due_by": format_timestamp(t.fr_due_by()),
        "association_type": null,
        "created_at": format_timestamp(t.created_at),
        "updated_at": format_timestamp(t.updated_at()),
    });
    if t.agent.deleted {
        v["deleted"] = json!(true);
    }
    if shown.show {
        v["source_additional_info"] = Value::Null;
        v["associated_tickets_count"] = Value::Null;
    }
    if shown.description {
        v["description"] = json!(t.description);
        v["description_text"] = json!(t.description_text);
    }
    if let Some(attachments) = attachments {
        v["attachments"] = json!(attachments);
    }
    if shown.requester {
        v["requester"] = match directory.find_by_id(t.requester_id) {
            Some(u) => json!({
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "mobile": u.mobile,
                "phone": u.phone,
            }),
            None => Value::Null,
        };
    }
    if shown.stats {
        let updated = format_timestamp(t.updated_at());
        let resolved = (t.status >= 4).then(|| updated.clone());
        let closed = (t.status == 5).then(|| updated.clone());
        let pending = (t.status == 3).then(|| updated.clone());
        v["stats"] = json!({
            "agent_responded_at": null,
            "requester_responded_at": null,
            "first_responded_at": null,
            "status_updated_at": updated,
            "reopened_at": null,
            "resolved_at": resolved,
            "closed_at": closed,
            "pending_since": pending,
        });
    }
    v
}

/// A ticket as the control plane shows it: the agent API's view with everything shown,
/// plus freshmock's own keys (`email`, `name`, `phone` as given on the form, the widget
/// and client it came from, the request's `meta`, `attachment_ids`, `deleted` always).
pub fn control_json(directory: &Directory, t: &TicketRecord, attachments: Vec<Value>) -> Value {
    let mut v = agent_json(directory, t, Shown::ALL, Some(attachments));
    if v["requester"].is_null() {
        v["requester"] = json!({
            "id": t.requester_id,
            "name": t.name,
            "email": t.email,
            "mobile": null,
            "phone": t.phone,
        });
    }
    v["email"] = json!(t.email);
    v["name"] = json!(t.name);
    v["phone"] = json!(t.phone);
    v["widget_id"] = json!(t.widget_id);
    v["client_id"] = json!(t.client_id);
    v["meta"] = t.meta.clone();
    v["attachment_ids"] = json!(t.attachment_ids);
    v["deleted"] = json!(t.agent.deleted);
    v
}
