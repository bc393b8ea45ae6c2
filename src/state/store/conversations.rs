//! Tickets' conversations (replies and notes) in the store: one row per conversation, the
//! whole record as JSON in `doc`, numbered in one sequence for the account. A new reply or
//! note and the ticket's moved `updated_at` are one transaction, so a reader never sees one
//! without the other. Snapshots and resets take the table with the others (it is one of
//! the store's data tables).

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Store, StoreError};
use crate::domain::tickets::{ConversationRecord, TicketRecord};

/// What schema 3 added to schema 2: the conversations table.
pub(super) const SCHEMA_3: &str = "
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    created_at INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX conversations_by_ticket ON conversations (ticket_id, created_at);
";

fn to_doc<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)).into())
}

/// Writes `ticket`'s document over its row, inside `tx`.
fn put_ticket(tx: &Transaction<'_>, ticket: &TicketRecord) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE tickets SET doc = ?2 WHERE id = ?1",
        params![ticket.id as i64, to_doc(ticket)?],
    )?;
    Ok(())
}

impl Store {
    /// Stores a new reply or note and the ticket it changed (its `updated_at`), in one
    /// transaction; the conversation's `id` is assigned here.
    pub fn add_conversation(
        &self,
        mut conversation: ConversationRecord,
        ticket: &TicketRecord,
    ) -> Result<ConversationRecord, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO conversations (ticket_id, created_at, doc) VALUES (?1, ?2, '')",
                params![conversation.ticket_id as i64, conversation.created_at],
            )?;
            let id = tx.last_insert_rowid();
            conversation.id = id as u64;
            tx.execute(
                "UPDATE conversations SET doc = ?2 WHERE id = ?1",
                params![id, to_doc(&conversation)?],
            )?;
            put_ticket(tx, ticket)?;
            Ok(conversation)
        })
    }

    /// A ticket's conversations (every ticket's when `None`), oldest first.
    pub fn conversations(
        &self,
        ticket: Option<u64>,
    ) -> Result<Vec<ConversationRecord>, StoreError> {
        let docs: Vec<(i64, String)> = self.read("conversations", |conn| {
            let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
            Ok(match ticket {
                Some(t) => conn
                    .prepare(
                        "SELECT id, doc FROM conversations WHERE ticket_id = ?1
                         ORDER BY created_at, id",
                    )?
                    .query_map([i64::try_from(t).unwrap_or(-1)], row)?
                    .collect::<Result<_, _>>()?,
                None => conn
                    .prepare("SELECT id, doc FROM conversations ORDER BY created_at, id")?
                    .query_map([], row)?
                    .collect::<Result<_, _>>()?,
            })
        })?;
        docs.iter()
            .map(|(id, doc)| self.parse_conversation(*id, doc))
            .collect()
    }

    /// One conversation, by id.
    pub fn conversation(&self, id: u64) -> Result<Option<ConversationRecord>, StoreError> {
        let doc: Option<String> = self.read("conversations", |conn| {
            Ok(conn
                .query_row(
                    "SELECT doc FROM conversations WHERE id = ?1",
                    [i64::try_from(id).unwrap_or(-1)],
                    |r| r.get(0),
                )
                .optional()?)
        })?;
        doc.map(|doc| self.parse_conversation(id as i64, &doc))
            .transpose()
    }

    /// Writes an edited conversation over the stored one.
    pub fn update_conversation(&self, conversation: &ConversationRecord) -> Result<(), StoreError> {
        let doc = to_doc(conversation)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE conversations SET doc = ?2 WHERE id = ?1",
                params![conversation.id as i64, doc],
            )?;
            Ok(())
        })
    }

    /// Removes a conversation; whether there was one.
    pub fn delete_conversation(&self, id: u64) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM conversations WHERE id = ?1",
                [i64::try_from(id).unwrap_or(-1)],
            )? > 0)
        })
    }

    fn parse_conversation(&self, id: i64, doc: &str) -> Result<ConversationRecord, StoreError> {
        serde_json::from_str(doc).map_err(|e| StoreError::Record {
            path: self.describe(),
            what: format!("conversation {id} (its doc column)"),
            detail: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use serde_json::json;

    use super::super::open::FILE_NAME;
    use super::super::schema::{APPLICATION_ID, SCHEMA, SCHEMA_2};
    use super::super::Location;
    use super::*;

    const FP: &str = "fixtures-a";

    fn ticket() -> TicketRecord {
        serde_json::from_value(json!({
            "id": 1, "requester_id": 1001, "email": "nora@example.com", "name": null,
            "phone": null, "subject": "s", "description": "d", "description_text": "d",
            "source": 2, "product_id": null, "status": 2, "priority": 1, "type": null,
            "group_id": null, "tags": [], "cc_emails": [], "custom_fields": {},
            "attachment_ids": [], "meta": {}, "widget_id": 0, "client_id": "agent-api",
            "created_at": 10,
        }))
        .unwrap()
    }

    fn note(at: i64) -> ConversationRecord {
        serde_json::from_value(json!({
            "id": 0, "ticket_id": 1, "user_id": 2001, "body": "<p>n</p>", "body_text": "n",
            "source": 2, "private": true, "incoming": false, "from_email": null,
            "to_emails": [], "cc_emails": [], "bcc_emails": [], "support_email": null,
            "created_at": at, "updated_at": at,
        }))
        .unwrap()
    }

    #[test]
    fn a_schema_2_database_gains_the_conversations_table_and_keeps_its_tickets() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        std::fs::create_dir_all(&dir).unwrap();
        {
            // What freshmock made before conversations (schema 2).
            let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(SCHEMA).unwrap();
            conn.execute_batch(SCHEMA_2).unwrap();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', '2'), ('fixtures_fingerprint', ?1)",
                [FP],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO tickets (requester_id, email, created_at, doc) VALUES (1001, 'nora@example.com', 10, ?1)",
                [serde_json::to_string(&ticket()).unwrap()],
            )
            .unwrap();
        }
        let location = Location::Dir(dir);
        let store = Store::open(location.clone(), FP).unwrap();
        let mut moved = ticket();
        moved.agent.updated_at = 20;
        let added = store.add_conversation(note(20), &moved).unwrap();
        assert_eq!(added.id, 1);
        drop(store);
        let store = Store::open(location, FP).unwrap();
        assert_eq!(store.conversations(Some(1)).unwrap(), vec![added]);
        assert_eq!(store.ticket(1).unwrap().unwrap().updated_at(), 20);
    }

    #[test]
    fn a_tickets_conversations_come_oldest_first_and_a_deleted_one_is_gone() {
        let store = Store::open(Location::Memory, FP).unwrap();
        store.create_ticket(ticket(), None).unwrap();
        let later = store.add_conversation(note(30), &ticket()).unwrap();
        let earlier = store.add_conversation(note(20), &ticket()).unwrap();
        assert_eq!(
            store.conversations(Some(1)).unwrap(),
            vec![earlier.clone(), later.clone()]
        );
        assert!(store.conversations(Some(2)).unwrap().is_empty());
        assert!(store.delete_conversation(later.id).unwrap());
        assert!(!store.delete_conversation(later.id).unwrap());
        assert_eq!(store.conversation(later.id).unwrap(), None);
        assert_eq!(store.conversation(earlier.id).unwrap(), Some(earlier));
    }
}
