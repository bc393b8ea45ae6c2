//! What the store holds, as the rest of the server sees it: the records it reads and writes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::fixtures::Id;
pub use crate::domain::tickets::{AgentTicketFields, TicketRecord};

/// A contact created through the widget (bootstrap or a ticket from an unknown email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: Id,
    pub name: String,
    pub email: String,
    /// `bootstrap` or `ticket`.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// An uploaded attachment's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub id: u64,
    pub widget_id: Id,
    pub client_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: i64,
    /// The ticket it was attached to; `None` while it is a draft.
    pub ticket_id: Option<u64>,
}

/// A new draft attachment; the content is streamed in separately.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub widget_id: Id,
    pub client_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: i64,
}

/// What a vote is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Helpful,
    NotHelpful,
}

impl Vote {
    pub(super) fn to_sql(self) -> i64 {
        match self {
            Vote::Helpful => 1,
            Vote::NotHelpful => -1,
        }
    }

    pub(super) fn from_sql(v: i64) -> Vote {
        if v > 0 {
            Vote::Helpful
        } else {
            Vote::NotHelpful
        }
    }
}

/// Who voted, as far as counting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voter {
    /// Counted on every call.
    Anonymous,
    /// One vote per article translation, moved by the opposite vote.
    User(Id),
}

/// The counters of one article translation beyond the fixtures', and who holds a vote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VoteTally {
    /// Added to the fixture's `thumbs_up` (may be negative only if a reset raced; never in practice).
    pub up: i64,
    pub down: i64,
    pub users_up: Vec<Id>,
    pub users_down: Vec<Id>,
}

/// One customer's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserVote {
    pub article_id: Id,
    pub language: String,
    pub user_id: Id,
    pub vote: Vote,
    pub voted_at: i64,
}

/// A secret reset: the new secret, the one it replaced, when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretChange {
    pub secret: String,
    pub replaced: String,
    pub replaced_at: i64,
}

/// What start-up lays over the fixtures.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    pub contacts: Vec<ContactRecord>,
    /// Names synced by bootstrap for fixture users.
    pub names: Vec<(Id, String)>,
    /// Oldest first.
    pub secrets: Vec<SecretChange>,
    /// Records the agent API wrote, in the order it wrote them (see [`Store::put_record`]).
    pub records: Vec<Record>,
}

/// A record the agent API made, changed or deleted: its whole JSON, or `None` once
/// deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: RecordKind,
    pub id: Id,
    pub doc: Option<Value>,
}

/// Which kind of record a [`Record`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Category,
    Folder,
    Article,
    Company,
    Contact,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Category,
        RecordKind::Folder,
        RecordKind::Article,
        RecordKind::Company,
        RecordKind::Contact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Category => "category",
            RecordKind::Folder => "folder",
            RecordKind::Article => "article",
            RecordKind::Company => "company",
            RecordKind::Contact => "contact",
        }
    }

    pub(super) fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The result of trying to create a ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketOutcome {
    Created(Box<TicketRecord>),
    /// These attachment ids are not drafts of this widget and client: nothing was written.
    NoSuchAttachments(Vec<u64>),
}
