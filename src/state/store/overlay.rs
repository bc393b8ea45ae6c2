//! What start-up lays over the fixtures: contacts the widget made, synced names, the
//! secret's history, and the records the agent API wrote.

use rusqlite::{params, Connection, Transaction};
use serde_json::Value;

use super::records::{ContactRecord, Overlay, Record, RecordKind, SecretChange};
use super::{Store, StoreError};
use crate::domain::fixtures::Id;

impl Store {
    /// What start-up lays over the fixtures.
    pub fn overlay(&self) -> Result<Overlay, StoreError> {
        if self.is_untouched() {
            return Ok(Overlay::default());
        }
        let contacts = self.contacts()?;
        let names = self.read("names", |conn| {
            Ok(conn
                .prepare("SELECT user_id, name FROM names ORDER BY user_id")?
                .query_map([], |r| Ok((r.get::<_, i64>(0)? as Id, r.get(1)?)))?
                .collect::<Result<_, _>>()?)
        })?;
        let secrets = self.read("secrets", |conn| {
            Ok(conn
                .prepare("SELECT secret, replaced, replaced_at FROM secrets ORDER BY seq")?
                .query_map([], |r| {
                    Ok(SecretChange {
                        secret: r.get(0)?,
                        replaced: r.get(1)?,
                        replaced_at: r.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })?;
        let records = self.records()?;
        Ok(Overlay {
            contacts,
            names,
            secrets,
            records,
        })
    }

    /// Every record the agent API wrote, oldest write first.
    pub fn records(&self) -> Result<Vec<Record>, StoreError> {
        self.read("records", |conn| {
            let mut rows = conn.prepare("SELECT kind, id, doc FROM records ORDER BY seq")?;
            let rows = rows.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?;
            let mut records = Vec::new();
            for row in rows {
                let (kind, id, doc) = row?;
                let bad = |detail: String| StoreError::Record {
                    path: self.describe(),
                    what: "a row of records".into(),
                    detail,
                };
                let kind = RecordKind::parse(&kind)
                    .ok_or_else(|| bad(format!("unknown kind {kind:?}")))?;
                let doc = doc
                    .map(|d| serde_json::from_str(&d))
                    .transpose()
                    .map_err(|e| bad(format!("{} {id} is not JSON: {e}", kind.as_str())))?;
                records.push(Record {
                    kind,
                    id: id as Id,
                    doc,
                });
            }
            Ok(records)
        })
    }

    /// Writes records the agent API made or changed (a `None` doc: deleted), in one
    /// transaction, durable before it returns. A record written again moves to the end
    /// of the order, so replaying the records in order gives the latest state.
    pub fn put_records(&self, records: &[Record]) -> Result<(), StoreError> {
        self.write(|tx| {
            for record in records {
                tx.execute(
                    "DELETE FROM records WHERE kind = ?1 AND id = ?2",
                    params![record.kind.as_str(), record.id as i64],
                )?;
                tx.execute(
                    "INSERT INTO records (kind, id, doc) VALUES (?1, ?2, ?3)",
                    params![
                        record.kind.as_str(),
                        record.id as i64,
                        record.doc.as_ref().map(Value::to_string)
                    ],
                )?;
            }
            Ok(())
        })
    }

    pub fn add_contact(&self, contact: &ContactRecord) -> Result<(), StoreError> {
        self.write(|tx| insert_contact(tx, contact))
    }

    /// Records a name synced from a token: on the created contact itself, or as an overlay
    /// on a fixture user.
    pub fn set_name(&self, user_id: Id, name: &str, at: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            let updated = tx.execute(
                "UPDATE contacts SET name = ?2 WHERE id = ?1",
                params![user_id as i64, name],
            )?;
            if updated == 0 {
                tx.execute(
                    "INSERT INTO names (user_id, name, synced_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, synced_at = excluded.synced_at",
                    params![user_id as i64, name, at],
                )?;
            }
            Ok(())
        })
    }

    pub fn contacts(&self) -> Result<Vec<ContactRecord>, StoreError> {
        self.read("contacts", read_contacts)
    }

    /// Records a secret reset.
    pub fn rotate_secret(&self, change: &SecretChange) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO secrets (secret, replaced, replaced_at) VALUES (?1, ?2, ?3)",
                params![change.secret, change.replaced, change.replaced_at],
            )?;
            Ok(())
        })
    }
}

pub(super) fn insert_contact(tx: &Transaction<'_>, c: &ContactRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO contacts (id, name, email, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.id as i64, c.name, c.email, c.created_by, c.created_at],
    )?;
    Ok(())
}

fn read_contacts(conn: &Connection) -> Result<Vec<ContactRecord>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT id, name, email, created_by, created_at FROM contacts ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(ContactRecord {
            id: r.get::<_, i64>(0)? as Id,
            name: r.get(1)?,
            email: r.get(2)?,
            created_by: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
