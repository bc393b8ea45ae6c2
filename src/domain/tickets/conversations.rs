//! A ticket's conversations: the replies agents send and the notes they (or the customer)
//! add, as Freshdesk's agent API takes and shows them (`GET /tickets/:id/conversations`,
//! `POST /tickets/:id/reply`, `POST /tickets/:id/notes`, `PUT`/`DELETE
//! /conversations/:id`). The ticket's description is not one of them: Freshdesk keeps it on
//! the ticket, and so does freshmock.
//!
//! The rules here are Freshdesk's `ConversationValidation` and `ConversationsController`:
//! the keys each call takes, their types, the defaults (a note is private unless it says
//! otherwise; a reply is never private), and which conversations may be edited (notes
//! agents wrote: a reply is 405 allowing only DELETE, a customer's note 403). The store
//! keeps [`ConversationRecord`] as one JSON document per row, so its serde layout is the
//! stored format: change it only compatibly.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::domain::clock::format_timestamp;
use crate::domain::email::is_valid_email;
use crate::domain::invalid::{type_name, FieldError, Invalid};
use crate::domain::people::{Directory, Role};

/// Freshdesk's `source` of a reply (an email sent to the requester).
pub const SOURCE_REPLY: u8 = 0;
/// Freshdesk's `source` of a note.
pub const SOURCE_NOTE: u8 = 2;
/// The conversations `include=conversations` side-loads on a ticket (Freshdesk's
/// `ConversationConstants::MAX_INCLUDE`).
pub const MAX_INCLUDED: usize = 10;

/// What a reply takes (Freshdesk's `REPLY_FIELDS`, less attachments, which freshmock does
/// not upload on conversations).
pub const REPLY_FIELDS: &[&str] = &["body", "from_email", "cc_emails", "bcc_emails", "user_id"];
/// What a note takes (Freshdesk's `CREATE_FIELDS`, less attachments).
pub const NOTE_FIELDS: &[&str] = &["body", "private", "incoming", "notify_emails", "user_id"];
/// What an edit of a note takes (Freshdesk's `UPDATE_FIELDS`, less attachments).
pub const UPDATE_FIELDS: &[&str] = &["body"];

/// A reply or a note, as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationRecord {
    /// Numbered from 1, in one sequence for every ticket.
    pub id: u64,
    pub ticket_id: u64,
    /// Who wrote it: the calling agent unless `user_id` named someone else.
    pub user_id: u64,
    /// HTML, as given.
    pub body: String,
    /// The body without its markup.
    pub body_text: String,
    /// [`SOURCE_REPLY`] or [`SOURCE_NOTE`].
    pub source: u8,
    pub private: bool,
    /// Whether it came from outside the help desk (a customer's note is incoming).
    pub incoming: bool,
    pub from_email: Option<String>,
    pub to_emails: Vec<String>,
    pub cc_emails: Vec<String>,
    pub bcc_emails: Vec<String>,
    /// The agents a note notified (kept, not sent anywhere).
    #[serde(default)]
    pub notify_emails: Vec<String>,
    pub support_email: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

impl ConversationRecord {
    pub fn is_note(&self) -> bool {
        self.source == SOURCE_NOTE
    }
}

/// What a reply or a note asked for, its types and values checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Asked {
    pub body: Option<String>,
    pub user_id: Option<u64>,
    pub from_email: Option<String>,
    pub cc_emails: Vec<String>,
    pub bcc_emails: Vec<String>,
    pub notify_emails: Vec<String>,
    pub private: Option<bool>,
    pub incoming: Option<bool>,
}

/// Checks a reply's, a note's or an edit's body against the keys `allowed` (one of
/// [`REPLY_FIELDS`], [`NOTE_FIELDS`], [`UPDATE_FIELDS`]), collecting every error as
/// Freshdesk does. `body` is required on a reply and a note; `user_id` must be a user of
/// the account.
pub fn check(
    directory: &Directory,
    body: &Map<String, Value>,
    allowed: &[&str],
) -> Result<Asked, Invalid> {
    let mut errors = Vec::new();
    for key in body.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.push(FieldError::unexpected(key));
        }
    }
    let mut asked = Asked::default();
    match body.get("body") {
        None if allowed != UPDATE_FIELDS => errors.push(FieldError::new(
            "body",
            "Mandatory attribute missing",
            "missing_field",
        )),
        None => {}
        Some(Value::String(s)) if s.trim().is_empty() => errors.push(FieldError::new(
            "body",
            "It should not be blank as this is a mandatory field",
            "invalid_value",
        )),
        Some(Value::String(s)) => asked.body = Some(s.clone()),
        Some(other) => errors.push(mismatch("body", other, "String")),
    }
    if let Some(v) = body.get("user_id") {
        match v.as_u64() {
            Some(id) if directory.find_by_id(id).is_some() => asked.user_id = Some(id),
            Some(_) => errors.push(FieldError::new(
                "user_id",
                "There is no contact or agent matching the given user_id",
                "invalid_value",
            )),
            None => errors.push(mismatch("user_id", v, "Positive Integer")),
        }
    }
    if let Some(v) = body.get("from_email") {
        match v.as_str() {
            Some(e) if is_valid_email(e.trim()) => asked.from_email = Some(e.trim().to_owned()),
            Some(_) => errors.push(FieldError::new(
                "from_email",
                "It should be in the 'valid email address' format",
                "invalid_value",
            )),
            None => errors.push(mismatch("from_email", v, "String")),
        }
    }
    for (field, into) in [
        ("cc_emails", &mut asked.cc_emails),
        ("bcc_emails", &mut asked.bcc_emails),
        ("notify_emails", &mut asked.notify_emails),
    ] {
        if let Some(v) = body.get(field) {
            match emails(field, v) {
                Ok(list) => *into = list,
                Err(e) => errors.push(e),
            }
        }
    }
    for (field, into) in [
        ("private", &mut asked.private),
        ("incoming", &mut asked.incoming),
    ] {
        if let Some(v) = body.get(field) {
            match v.as_bool() {
                Some(b) => *into = Some(b),
                None => errors.push(mismatch(field, v, "Boolean")),
            }
        }
    }
    if errors.is_empty() {
        Ok(asked)
    } else {
        Err(Invalid::of(errors))
    }
}

fn mismatch(field: &str, value: &Value, wanted: &str) -> FieldError {
    FieldError::new(
        field,
        format!(
            "Value set is of type {}.It should be a/an {wanted}",
            type_name(value)
        ),
        "datatype_mismatch",
    )
}

/// An array of email addresses, each in Freshdesk's format.
fn emails(field: &str, value: &Value) -> Result<Vec<String>, FieldError> {
    let Some(items) = value.as_array().filter(|a| a.iter().all(Value::is_string)) else {
        return Err(mismatch(field, value, "Array"));
    };
    let list: Vec<String> = items
        .iter()
        .filter_map(Value::as_str)
        .map(|e| e.trim().to_owned())
        .collect();
    if let Some(bad) = list.iter().find(|e| !is_valid_email(e)) {
        return Err(FieldError::new(
            field,
            format!(
                "It should contain elements that are in the 'valid email address' format: {bad}"
            ),
            "invalid_value",
        ));
    }
    Ok(list)
}

/// Why a conversation may not be edited, as Freshdesk refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotEditable {
    /// A reply (any source but a note): Freshdesk answers 405 allowing only DELETE.
    NotANote,
    /// A note a customer wrote: 403 `access_denied`.
    CustomersNote,
}

/// Whether `c` may be edited: notes only, and only those an agent wrote.
pub fn editable(directory: &Directory, c: &ConversationRecord) -> Result<(), NotEditable> {
    if !c.is_note() {
        return Err(NotEditable::NotANote);
    }
    match directory.find_by_id(c.user_id).map(|u| &u.role) {
        Some(Role::Contact { .. }) => Err(NotEditable::CustomersNote),
        _ => Ok(()),
    }
}

/// Whether `c` may be deleted: a customer's note is 403 `access_denied` (Freshdesk's
/// `check_agent_note`, run for updates and deletes alike).
pub fn deletable(directory: &Directory, c: &ConversationRecord) -> bool {
    !matches!(
        directory.find_by_id(c.user_id).map(|u| &u.role),
        Some(Role::Contact { .. })
    )
}

/// A new reply or note on `ticket_id` by `user_id`, from what was asked (checked by
/// [`check`]); `reply` says which. The id is the store's to give.
pub fn new_record(
    ticket_id: u64,
    user_id: u64,
    reply: bool,
    asked: Asked,
    to_emails: Vec<String>,
    support_email: Option<String>,
    now: i64,
) -> ConversationRecord {
    let body = asked.body.unwrap_or_default();
    ConversationRecord {
        id: 0,
        ticket_id,
        user_id: asked.user_id.unwrap_or(user_id),
        body_text: crate::domain::html::to_text(&body).trim().to_owned(),
        body,
        source: if reply { SOURCE_REPLY } else { SOURCE_NOTE },
        // Only a note may be private, and it is unless it says otherwise.
        private: !reply && asked.private.unwrap_or(true),
        incoming: !reply && asked.incoming.unwrap_or(false),
        from_email: if reply {
            asked.from_email.or_else(|| support_email.clone())
        } else {
            None
        },
        to_emails: if reply { to_emails } else { Vec::new() },
        cc_emails: asked.cc_emails,
        bcc_emails: asked.bcc_emails,
        notify_emails: asked.notify_emails,
        support_email,
        created_at: now,
        updated_at: now,
    }
}

/// Applies an edit (only `body`) to a note.
pub fn apply_edit(c: &mut ConversationRecord, asked: Asked, now: i64) {
    if let Some(body) = asked.body {
        c.body_text = crate::domain::html::to_text(&body).trim().to_owned();
        c.body = body;
    }
    c.updated_at = now;
}

/// How Freshdesk shows a conversation, by call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `GET /tickets/:id/conversations` and `include=conversations`.
    List,
    /// The 201 of `POST /tickets/:id/reply`.
    Reply,
    /// The 201 of `POST /tickets/:id/notes` and the 200 of `PUT /conversations/:id`.
    Note,
}

/// A conversation as Freshdesk's views show it (`ticket_conversations`, `reply`,
/// `create` and `update` jbuilders): each call its own keys.
pub fn conversation_json(c: &ConversationRecord, view: View) -> Value {
    let mut v = json!({
        "id": c.id,
        "user_id": c.user_id,
        "body": c.body,
        "body_text": c.body_text,
        "ticket_id": c.ticket_id,
        "to_emails": c.to_emails,
        // freshmock keeps no files on conversations.
        "attachments": [],
        "created_at": format_timestamp(c.created_at),
        "updated_at": format_timestamp(c.updated_at),
    });
    let fields: &[(&str, Value)] = &[
        ("incoming", json!(c.incoming)),
        ("private", json!(c.private)),
        ("support_email", json!(c.support_email)),
        ("source", json!(c.source)),
        ("from_email", json!(c.from_email)),
        ("cc_emails", json!(c.cc_emails)),
        ("bcc_emails", json!(c.bcc_emails)),
        ("source_additional_info", Value::Null),
    ];
    let keys: &[&str] = match view {
        View::List => &[
            "incoming",
            "private",
            "support_email",
            "source",
            "from_email",
            "cc_emails",
            "bcc_emails",
        ],
        View::Reply => &[
            "from_email",
            "cc_emails",
            "bcc_emails",
            "source_additional_info",
        ],
        View::Note => &["incoming", "private", "support_email"],
    };
    for (key, value) in fields {
        if keys.contains(key) {
            v[*key] = value.clone();
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(body: Value, allowed: &[&str]) -> Result<Asked, Invalid> {
        check(&Directory::default(), body.as_object().unwrap(), allowed)
    }

    #[test]
    fn a_note_is_private_unless_it_says_otherwise_and_a_reply_never_is() {
        let note = new_record(
            1,
            5,
            false,
            asked(json!({"body": "x"}), NOTE_FIELDS).unwrap(),
            vec![],
            None,
            0,
        );
        assert!(note.private && !note.incoming && note.is_note());
        let public = asked(json!({"body": "x", "private": false}), NOTE_FIELDS).unwrap();
        assert!(!new_record(1, 5, false, public, vec![], None, 0).private);
        let reply = new_record(
            1,
            5,
            true,
            asked(json!({"body": "x"}), REPLY_FIELDS).unwrap(),
            vec![],
            None,
            0,
        );
        assert!(!reply.private && reply.source == SOURCE_REPLY);
    }

    #[test]
    fn every_bad_field_is_listed_with_freshdesks_code() {
        let err = asked(
            json!({"private": "yes", "cc_emails": ["nope"], "notify_emails": 3}),
            REPLY_FIELDS,
        )
        .unwrap_err();
        let codes: Vec<(&str, &str)> = err
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert!(codes.contains(&("private", "invalid_field")));
        assert!(codes.contains(&("notify_emails", "invalid_field")));
        assert!(codes.contains(&("body", "missing_field")));
        assert!(codes.contains(&("cc_emails", "invalid_value")));
    }

    #[test]
    fn an_edit_needs_no_body_but_takes_only_the_body() {
        assert!(asked(json!({}), UPDATE_FIELDS).is_ok());
        let err = asked(json!({"private": false}), UPDATE_FIELDS).unwrap_err();
        assert_eq!(err.errors[0].code, "invalid_field");
    }

    #[test]
    fn each_call_shows_its_own_keys() {
        let c = new_record(
            3,
            5,
            true,
            Asked {
                body: Some("<b>hi</b>".into()),
                ..Asked::default()
            },
            vec![],
            None,
            0,
        );
        let reply = conversation_json(&c, View::Reply);
        assert!(reply.get("private").is_none());
        assert!(reply["source_additional_info"].is_null());
        let listed = conversation_json(&c, View::List);
        assert_eq!(listed["source"], 0);
        assert_eq!(listed["body_text"], "hi");
        assert!(listed.get("source_additional_info").is_none());
    }
}
