//! Tickets and their attachments: an upload is a draft until a ticket claims it.

use std::io::Read;

use rusqlite::{params, OptionalExtension};

use super::overlay::insert_contact;
use super::records::{AttachmentRecord, ContactRecord, NewAttachment, TicketOutcome, TicketRecord};
use super::{Store, StoreError};
use crate::domain::fixtures::Id;

impl Store {
    /// Stores a draft attachment, copying its content from `content` (exactly `size` bytes)
    /// into the database in pieces, so a large file is never held in memory whole.
    pub fn add_attachment(
        &self,
        draft: &NewAttachment,
        content: &mut impl Read,
    ) -> Result<AttachmentRecord, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO attachments (widget_id, client_id, name, content_type, size, created_at, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, zeroblob(?5))",
                params![
                    draft.widget_id as i64,
                    draft.client_id,
                    draft.name,
                    draft.content_type,
                    draft.size as i64,
                    draft.created_at
                ],
            )?;
            let id = tx.last_insert_rowid();
            let mut blob = tx.blob_open(c"main", c"attachments", c"content", id, false)?;
            let copied = std::io::copy(&mut content.take(draft.size), &mut blob)?;
            if copied != draft.size {
                return Err(StoreError::Io(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("attachment content ended after {copied} of {} bytes", draft.size),
                )));
            }
            drop(blob);
            Ok(AttachmentRecord {
                id: id as u64,
                widget_id: draft.widget_id,
                client_id: draft.client_id.clone(),
                name: draft.name.clone(),
                content_type: draft.content_type.clone(),
                size: draft.size,
                created_at: draft.created_at,
                ticket_id: None,
            })
        })
    }

    pub fn attachments(&self) -> Result<Vec<AttachmentRecord>, StoreError> {
        self.read("attachments", |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, widget_id, client_id, name, content_type, size, created_at, ticket_id
             FROM attachments ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(AttachmentRecord {
                    id: r.get::<_, i64>(0)? as u64,
                    widget_id: r.get::<_, i64>(1)? as Id,
                    client_id: r.get(2)?,
                    name: r.get(3)?,
                    content_type: r.get(4)?,
                    size: r.get::<_, i64>(5)? as u64,
                    created_at: r.get(6)?,
                    ticket_id: r.get::<_, Option<i64>>(7)?.map(|t| t as u64),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// An attachment's content.
    pub fn attachment_content(&self, id: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.read("attachments", |conn| {
            Ok(conn
                .query_row(
                    "SELECT content FROM attachments WHERE id = ?1",
                    [id as i64],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    /// Creates a ticket in one transaction: the attachment drafts it names must belong to
    /// its widget and client (they stop being drafts), and a new requester becomes a contact.
    /// The ticket's `id` is assigned here.
    pub fn create_ticket(
        &self,
        mut ticket: TicketRecord,
        new_contact: Option<&ContactRecord>,
    ) -> Result<TicketOutcome, StoreError> {
        self.write(|tx| {
            let mut missing = Vec::new();
            for &id in &ticket.attachment_ids {
                let draft: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM attachments
                         WHERE id = ?1 AND widget_id = ?2 AND client_id = ?3 AND ticket_id IS NULL",
                        params![
                            i64::try_from(id).unwrap_or(-1),
                            ticket.widget_id as i64,
                            ticket.client_id
                        ],
                        |r| r.get(0),
                    )
                    .optional()?;
                if draft.is_none() {
                    missing.push(id);
                }
            }
            if !missing.is_empty() {
                return Ok(TicketOutcome::NoSuchAttachments(missing));
            }
            if let Some(contact) = new_contact {
                insert_contact(tx, contact)?;
            }
            tx.execute(
                "INSERT INTO tickets (requester_id, email, created_at, doc) VALUES (?1, ?2, ?3, '')",
                params![ticket.requester_id as i64, ticket.email, ticket.created_at],
            )?;
            let id = tx.last_insert_rowid();
            ticket.id = id as u64;
            let doc = serde_json::to_string(&ticket)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            tx.execute("UPDATE tickets SET doc = ?2 WHERE id = ?1", params![id, doc])?;
            for &attachment in &ticket.attachment_ids {
                tx.execute(
                    "UPDATE attachments SET ticket_id = ?1 WHERE id = ?2",
                    params![id, attachment as i64],
                )?;
            }
            Ok(TicketOutcome::Created(Box::new(ticket)))
        })
    }

    /// Tickets, oldest first; only the requester's when an email is given (case-insensitive).
    /// A row whose document does not read as a ticket (start-up checks that each is a JSON
    /// object of its own id, not every field) is named with the file in the error.
    pub fn tickets(&self, requester_email: Option<&str>) -> Result<Vec<TicketRecord>, StoreError> {
        let docs: Vec<(i64, String)> = self.read("tickets", |conn| {
            let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
            Ok(match requester_email {
                Some(email) => conn
                    .prepare(
                        "SELECT id, doc FROM tickets WHERE email = ?1 COLLATE NOCASE ORDER BY id",
                    )?
                    .query_map([email], row)?
                    .collect::<Result<_, _>>()?,
                None => conn
                    .prepare("SELECT id, doc FROM tickets ORDER BY id")?
                    .query_map([], row)?
                    .collect::<Result<_, _>>()?,
            })
        })?;
        docs.iter()
            .map(|(id, doc)| {
                serde_json::from_str(doc).map_err(|e| StoreError::Record {
                    path: self.describe(),
                    what: format!("ticket {id} (its doc column)"),
                    detail: e.to_string(),
                })
            })
            .collect()
    }

    /// One ticket, by number.
    pub fn ticket(&self, id: u64) -> Result<Option<TicketRecord>, StoreError> {
        let doc: Option<String> = self.read("tickets", |conn| {
            Ok(conn
                .query_row(
                    "SELECT doc FROM tickets WHERE id = ?1",
                    [i64::try_from(id).unwrap_or(-1)],
                    |r| r.get(0),
                )
                .optional()?)
        })?;
        doc.map(|doc| {
            serde_json::from_str(&doc).map_err(|e| StoreError::Record {
                path: self.describe(),
                what: format!("ticket {id} (its doc column)"),
                detail: e.to_string(),
            })
        })
        .transpose()
    }

    /// Writes a changed ticket over the stored one (the agent API's updates, deletes and
    /// restores), durable before it returns.
    pub fn update_ticket(&self, ticket: &TicketRecord) -> Result<(), StoreError> {
        let doc = serde_json::to_string(ticket).map_err(|e| StoreError::Record {
            path: self.describe(),
            what: format!("ticket {}", ticket.id),
            detail: e.to_string(),
        })?;
        self.write(|tx| {
            tx.execute(
                "UPDATE tickets SET requester_id = ?2, email = ?3, doc = ?4 WHERE id = ?1",
                params![
                    ticket.id as i64,
                    ticket.requester_id as i64,
                    ticket.email,
                    doc
                ],
            )?;
            Ok(())
        })
    }
}
