//! The agent API's tickets and contacts (`src/http/agent/tickets.rs`, `contacts.rs`).
//! Every change holds the world's write lock while the store commits, as the widget's do.

use std::collections::HashMap;

use super::world::World;
use super::{AppState, Edited};
use crate::domain::fixtures::Id;
use crate::domain::people::{ContactDoc, Role, User};
use crate::state::events::Event;
use crate::state::store::{Record, RecordKind, StoreError, TicketRecord};

impl AppState {
    /// Every ticket, oldest first, deleted and spam ones included.
    pub async fn all_tickets(&self) -> Result<Vec<TicketRecord>, StoreError> {
        self.blocking(|state| state.inner.store.tickets(None)).await
    }

    /// One ticket by number.
    pub async fn ticket(&self, id: u64) -> Result<Option<TicketRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.ticket(id))
            .await
    }

    /// Changes one ticket with `edit` (which sees the world, to check ids), durable before
    /// it returns; `Ok(Ok(None))` when there is no such ticket.
    pub async fn edit_ticket<E: Send + 'static>(
        &self,
        id: u64,
        edit: impl FnOnce(&mut TicketRecord, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<TicketRecord>, E> {
        let edited = self
            .blocking(move |state| {
                let world = state.write();
                let Some(mut ticket) = state.inner.store.ticket(id)? else {
                    return Ok(Ok(None));
                };
                if let Err(e) = edit(&mut ticket, &world) {
                    return Ok(Err(e));
                }
                state.inner.store.update_ticket(&ticket)?;
                Ok(Ok(Some(ticket)))
            })
            .await;
        if let Ok(Ok(Some(_))) = &edited {
            self.events().publish(Event::Ticket { id });
        }
        edited
    }

    /// When the account was created (Unix seconds): the creation time freshmock gives the
    /// fixtures' contacts.
    pub fn account_created_at(&self) -> i64 {
        crate::domain::clock::parse_instant(&self.catalog().fixtures.account.created_at)
            .map_or(0, |ms| ms.div_euclid(1000))
    }

    /// Every contact (agents are not contacts), by id, as the agent API shows them.
    pub async fn contacts(&self) -> Result<Vec<ContactDoc>, StoreError> {
        self.blocking(|state| {
            let created: HashMap<Id, i64> = state
                .inner
                .store
                .contacts()?
                .into_iter()
                .map(|c| (c.id, c.created_at))
                .collect();
            let at = state.account_created_at();
            let world = state.read();
            let mut out: Vec<ContactDoc> = world
                .directory
                .users()
                .filter(|u| !u.is_agent())
                .map(|u| contact_doc(&world, u, created.get(&u.id).copied().unwrap_or(at)))
                .collect();
            out.sort_by_key(|c| c.id);
            Ok(out)
        })
        .await
    }

    /// One contact by id (`None` for agents and unknown ids).
    pub async fn contact(&self, id: Id) -> Result<Option<ContactDoc>, StoreError> {
        Ok(self.contacts().await?.into_iter().find(|c| c.id == id))
    }

    /// Creates a contact: `build` gets the world and the new id and returns the contact
    /// or refuses. Durable before it returns.
    pub async fn create_contact<E: Send + 'static>(
        &self,
        build: impl FnOnce(&World, Id) -> Result<ContactDoc, E> + Send + 'static,
    ) -> Edited<ContactDoc, E> {
        self.blocking(move |state| {
            let mut world = state.write();
            let id = world.directory.next_created_id();
            let doc = match build(&world, id) {
                Ok(doc) => doc,
                Err(e) => return Ok(Err(e)),
            };
            state.put_contact_doc(&mut world, doc.clone())?;
            tracing::info!(id, email = %doc.email, "the agent API created a contact");
            Ok(Ok(doc))
        })
        .await
    }

    /// Changes one contact with `edit` (which sees the world, to check emails); `Ok(Ok(None))`
    /// when there is no such contact. Durable before it returns.
    pub async fn edit_contact<E: Send + 'static>(
        &self,
        id: Id,
        edit: impl FnOnce(&mut ContactDoc, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<ContactDoc>, E> {
        let created_at = self.contact_created_at(id).await?;
        let now = self.now_secs();
        self.blocking(move |state| {
            let mut world = state.write();
            let Some(user) = world.directory.find_by_id(id).filter(|u| !u.is_agent()) else {
                return Ok(Ok(None));
            };
            let mut doc = contact_doc(&world, user, created_at);
            if let Err(e) = edit(&mut doc, &world) {
                return Ok(Err(e));
            }
            doc.updated_at = now;
            state.put_contact_doc(&mut world, doc.clone())?;
            Ok(Ok(Some(doc)))
        })
        .await
    }

    /// Forgets a contact for good (`check` may refuse first); `Ok(Ok(false))` when there is
    /// no such contact.
    pub async fn remove_contact<E: Send + 'static>(
        &self,
        id: Id,
        check: impl FnOnce(&ContactDoc) -> Result<(), E> + Send + 'static,
    ) -> Edited<bool, E> {
        let created_at = self.contact_created_at(id).await?;
        self.blocking(move |state| {
            let mut world = state.write();
            let Some(user) = world.directory.find_by_id(id).filter(|u| !u.is_agent()) else {
                return Ok(Ok(false));
            };
            if let Err(e) = check(&contact_doc(&world, user, created_at)) {
                return Ok(Err(e));
            }
            state.inner.store.put_records(&[Record {
                kind: RecordKind::Contact,
                id,
                doc: None,
            }])?;
            world.directory.remove(id);
            world.contacts.remove(&id);
            tracing::info!(id, "the agent API deleted a contact for good");
            Ok(Ok(true))
        })
        .await
    }

    /// Takes a deleted company out of every contact that had it (as Freshdesk does), each
    /// changed contact a record; returns how many changed.
    pub async fn unlink_company(&self, company: Id) -> Result<usize, StoreError> {
        let created: HashMap<Id, i64> = self
            .blocking(|state| state.inner.store.contacts())
            .await?
            .into_iter()
            .map(|c| (c.id, c.created_at))
            .collect();
        let at = self.account_created_at();
        let now = self.now_secs();
        self.blocking(move |state| {
            let mut world = state.write();
            let holders: Vec<ContactDoc> = world
                .directory
                .users()
                .filter(|u| matches!(&u.role, Role::Contact { companies, .. } if companies.contains(&company)))
                .map(|u| contact_doc(&world, u, created.get(&u.id).copied().unwrap_or(at)))
                .collect();
            let changed = holders.len();
            for mut doc in holders {
                doc.companies.retain(|&c| c != company);
                doc.updated_at = now;
                state.put_contact_doc(&mut world, doc)?;
            }
            Ok(changed)
        })
        .await
    }

    pub(super) async fn contact_created_at(&self, id: Id) -> Result<i64, StoreError> {
        let created = self
            .blocking(move |state| state.inner.store.contacts())
            .await?;
        Ok(created
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| self.account_created_at(), |c| c.created_at))
    }

    /// Stores a contact record and lays it over the directory (the world's lock held).
    pub(super) fn put_contact_doc(
        &self,
        world: &mut World,
        doc: ContactDoc,
    ) -> Result<(), StoreError> {
        let value = serde_json::to_value(&doc).map_err(|e| StoreError::Record {
            path: self.inner.store.describe(),
            what: format!("contact {}", doc.id),
            detail: e.to_string(),
        })?;
        self.inner.store.put_records(&[Record {
            kind: RecordKind::Contact,
            id: doc.id,
            doc: Some(value),
        }])?;
        world.directory.put_contact(&doc);
        world.contacts.insert(doc.id, doc);
        Ok(())
    }

    /// Bootstrap's name sync and activation, on a contact the agent API wrote (so that its
    /// record, replayed after the synced names at start, does not bring the old name back).
    pub(super) fn sync_contact_doc(
        &self,
        world: &mut World,
        id: Id,
        name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let Some(mut doc) = world.contacts.get(&id).cloned() else {
            return Ok(());
        };
        if doc.name == name && doc.active {
            return Ok(());
        }
        doc.name = name.to_owned();
        doc.active = true;
        doc.updated_at = now;
        self.put_contact_doc(world, doc)
    }
}

/// A contact as the agent API shows it: as the API last wrote it, with what the widget
/// changed since (the name bootstrap synced), else derived from the directory.
pub(super) fn contact_doc(world: &World, user: &User, created_at: i64) -> ContactDoc {
    match world.contacts.get(&user.id) {
        Some(doc) => {
            let mut doc = doc.clone();
            doc.name = user.name.clone();
            doc
        }
        None => ContactDoc::of_user(user, created_at),
    }
}
