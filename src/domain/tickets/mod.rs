//! The one ticket model: what a ticket holds, whichever side made it (the widget's contact
//! form or the agent API), Freshdesk's sources, statuses and priorities, the default SLA
//! that gives `due_by` and `fr_due_by`, and the one JSON view every room shows (the agent
//! API, the control plane, the dashboard). The store keeps [`TicketRecord`] as one JSON
//! document per row, so its serde layout is the stored format: change it only compatibly.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::fixtures::Id;

pub mod conversations;
mod fields;
pub mod form;
mod rules;
mod view;

pub use conversations::ConversationRecord;
pub use fields::{agent_default_fields, field_json, FieldSide};
pub use rules::*;
pub use view::{agent_json, attachment_json, control_json, Shown};

/// A ticket as stored and as the control plane sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// The ticket number, increasing from 1.
    pub id: u64,
    pub requester_id: Id,
    /// The requester's email (the logged-in customer's primary email when theirs differed).
    pub email: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub subject: Option<String>,
    /// HTML, as Freshdesk stores the widget's plain text.
    pub description: String,
    /// The plain text the customer typed.
    pub description_text: String,
    /// Always 9: the help widget.
    pub source: u8,
    /// The widget's product.
    pub product_id: Option<Id>,
    pub status: i64,
    pub priority: i64,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub group_id: Option<u64>,
    pub tags: Vec<String>,
    pub cc_emails: Vec<String>,
    pub custom_fields: serde_json::Map<String, Value>,
    pub attachment_ids: Vec<u64>,
    /// `user_agent`, `referrer` and `widget_source` (the widget's, else the request's
    /// headers) and the published `seen_articles`, as Freshdesk keeps them.
    pub meta: Value,
    pub widget_id: Id,
    pub client_id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// What agents set through the REST API (absent from tickets stored before it existed).
    #[serde(flatten, default)]
    pub agent: AgentTicketFields,
}

/// A ticket's fields only agents set (`/api/v2/tickets`), kept in the same document as
/// the widget's fields so that one ticket is one row whichever side made it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentTicketFields {
    pub responder_id: Option<u64>,
    pub company_id: Option<u64>,
    /// Soft-deleted (`DELETE /api/v2/tickets/:id`); restored by `PUT .../restore`.
    pub deleted: bool,
    pub spam: bool,
    /// Unix seconds; 0 means never updated (then `created_at` is shown).
    pub updated_at: i64,
    /// Unix seconds; `None` means the default for the priority (see the tickets handler).
    pub due_by: Option<i64>,
    pub fr_due_by: Option<i64>,
    pub is_escalated: bool,
    /// Agents watching the ticket (`filter=watching`).
    pub watchers: Vec<u64>,
}
