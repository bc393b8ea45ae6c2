//! The mutable part of the state, swapped as a whole on reset: the catalog, the users,
//! the secret and the agent API's contacts; and how it is rebuilt from the fixtures (the
//! baseline) with what the store remembers laid over it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::catalog::Catalog;
use crate::domain::fixtures::Id;
use crate::domain::people::{ContactDoc, Directory};
use crate::domain::solutions::{Change, Kind};
use crate::domain::token::Keys;
use crate::state::store::{Overlay, Record, RecordKind, StoreError};

/// The mutable part, swapped as a whole on reset.
#[derive(Debug)]
pub struct World {
    pub catalog: Arc<Catalog>,
    pub directory: Directory,
    pub secret: String,
    /// Replaced secrets and when (Unix seconds), to explain old tokens.
    pub former_secrets: Vec<(String, i64)>,
    /// Contacts as the agent API last wrote them (the others are derived from the
    /// directory when shown).
    pub contacts: HashMap<Id, ContactDoc>,
    /// The id the agent API gives the next category, folder, article or company (never
    /// one used before, deleted ones included, so a stored record cannot name two things).
    pub(super) next_record_id: Id,
}

impl World {
    /// The baseline with what the store remembers laid over it (`changes`: its catalog
    /// records, see [`catalog_changes`]).
    pub(super) fn from_baseline(
        baseline: &Baseline,
        overlay: &Overlay,
        changes: &[Change],
    ) -> World {
        let mut directory = Directory::from_fixtures(&baseline.catalog.fixtures);
        for contact in &overlay.contacts {
            directory.add_created(contact.id, &contact.name, &contact.email);
        }
        for (id, name) in &overlay.names {
            directory.sync_name(*id, name);
        }
        let contacts = replay_contacts(&mut directory, &overlay.records);
        let secret = overlay
            .secrets
            .last()
            .map_or_else(|| baseline.secret.clone(), |c| c.secret.clone());
        let catalog = if changes.is_empty() {
            baseline.catalog.clone()
        } else {
            Arc::new(baseline.catalog.changed_copy(changes))
        };
        let next_record_id = overlay
            .records
            .iter()
            .map(|r| r.id)
            .chain([catalog.highest_id(), baseline.catalog.highest_id()])
            .max()
            .unwrap_or(0)
            + 1;
        World {
            directory,
            catalog,
            next_record_id,
            secret,
            former_secrets: overlay
                .secrets
                .iter()
                .map(|c| (c.replaced.clone(), c.replaced_at))
                .collect(),
            contacts,
        }
    }

    pub fn keys(&self) -> Keys<'_> {
        Keys {
            current: &self.secret,
            former: &self.former_secrets,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Baseline {
    pub(super) catalog: Arc<Catalog>,
    pub(super) secret: String,
    pub(super) fingerprint: String,
}

/// The catalog changes the store's records describe, in the order they were written.
pub(super) fn catalog_changes(overlay: &Overlay) -> Result<Vec<Change>, StoreError> {
    overlay
        .records
        .iter()
        .filter_map(|record| {
            let kind = match record.kind {
                RecordKind::Category => Kind::Category,
                RecordKind::Folder => Kind::Folder,
                RecordKind::Article => Kind::Article,
                RecordKind::Company => Kind::Company,
                RecordKind::Contact => return None,
            };
            Some(
                Change::from_record(kind, record.id, record.doc.as_ref()).map_err(|detail| {
                    StoreError::Record {
                        path: "the store".into(),
                        what: "a record of the agent API".into(),
                        detail,
                    }
                }),
            )
        })
        .collect()
}

/// The store's record of a catalog change.
pub(super) fn catalog_record(change: &Change) -> Record {
    let (kind, id, doc) = change.record();
    Record {
        kind: match kind {
            Kind::Category => RecordKind::Category,
            Kind::Folder => RecordKind::Folder,
            Kind::Article => RecordKind::Article,
            Kind::Company => RecordKind::Company,
        },
        id,
        doc,
    }
}

/// Lays the agent API's contact records over the directory, in the order they were
/// written; returns the contacts as last written (hard-deleted ones gone).
fn replay_contacts(directory: &mut Directory, records: &[Record]) -> HashMap<Id, ContactDoc> {
    let mut contacts = HashMap::new();
    for record in records.iter().filter(|r| r.kind == RecordKind::Contact) {
        match &record.doc {
            Some(doc) => match serde_json::from_value::<ContactDoc>(doc.clone()) {
                Ok(doc) => {
                    directory.put_contact(&doc);
                    contacts.insert(doc.id, doc);
                }
                Err(e) => tracing::warn!(
                    id = record.id,
                    "a contact record does not read as a contact, skipped: {e}"
                ),
            },
            None => {
                directory.remove(record.id);
                contacts.remove(&record.id);
            }
        }
    }
    contacts
}
