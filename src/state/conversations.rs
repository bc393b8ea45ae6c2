//! Tickets' conversations (replies and notes) for the agent API and the control plane.
//! Every change holds the world's write lock while the store commits, as the tickets'
//! changes do, and is announced as a change of its ticket (the dashboard's live view and
//! the control plane's waits follow tickets).

use super::events::Event;
use super::store::StoreError;
use super::{AppState, Edited, World};
use crate::domain::tickets::{ConversationRecord, TicketRecord};

impl AppState {
    /// A ticket's conversations, oldest first.
    pub async fn conversations(&self, ticket: u64) -> Result<Vec<ConversationRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.conversations(Some(ticket)))
            .await
    }

    /// One conversation by id.
    pub async fn conversation(&self, id: u64) -> Result<Option<ConversationRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.conversation(id))
            .await
    }

    /// Adds a reply or a note to ticket `ticket`: `make` sees the ticket and the world and
    /// makes the record, or refuses. The ticket's `updated_at` moves to the record's
    /// `created_at` in the same transaction. `Ok(Ok(None))` when there is no such ticket.
    pub async fn add_conversation<E: Send + 'static>(
        &self,
        ticket: u64,
        make: impl FnOnce(&TicketRecord, &World) -> Result<ConversationRecord, E> + Send + 'static,
    ) -> Edited<Option<ConversationRecord>, E> {
        let added = self
            .blocking(move |state| {
                let world = state.write();
                let Some(mut record) = state.inner.store.ticket(ticket)? else {
                    return Ok(Ok(None));
                };
                let conversation = match make(&record, &world) {
                    Ok(c) => c,
                    Err(e) => return Ok(Err(e)),
                };
                record.agent.updated_at = conversation.created_at;
                let stored = state.inner.store.add_conversation(conversation, &record)?;
                Ok(Ok(Some(stored)))
            })
            .await;
        if let Ok(Ok(Some(_))) = &added {
            self.events().publish(Event::Ticket { id: ticket });
        }
        added
    }

    /// Changes one conversation with `edit` (which sees the world, to check who wrote
    /// it), durable before it returns; `Ok(Ok(None))` when there is no such conversation.
    pub async fn edit_conversation<E: Send + 'static>(
        &self,
        id: u64,
        edit: impl FnOnce(&mut ConversationRecord, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<ConversationRecord>, E> {
        let edited = self
            .blocking(move |state| {
                let world = state.write();
                let Some(mut conversation) = state.inner.store.conversation(id)? else {
                    return Ok(Ok(None));
                };
                if let Err(e) = edit(&mut conversation, &world) {
                    return Ok(Err(e));
                }
                state.inner.store.update_conversation(&conversation)?;
                Ok(Ok(Some(conversation)))
            })
            .await;
        if let Ok(Ok(Some(c))) = &edited {
            self.events().publish(Event::Ticket { id: c.ticket_id });
        }
        edited
    }

    /// Removes one conversation once `check` allows it; `Ok(Ok(None))` when there is no
    /// such conversation, else the removed record.
    pub async fn remove_conversation<E: Send + 'static>(
        &self,
        id: u64,
        check: impl FnOnce(&ConversationRecord, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<ConversationRecord>, E> {
        let removed = self
            .blocking(move |state| {
                let world = state.write();
                let Some(conversation) = state.inner.store.conversation(id)? else {
                    return Ok(Ok(None));
                };
                if let Err(e) = check(&conversation, &world) {
                    return Ok(Err(e));
                }
                state.inner.store.delete_conversation(id)?;
                Ok(Ok(Some(conversation)))
            })
            .await;
        if let Ok(Ok(Some(c))) = &removed {
            self.events().publish(Event::Ticket { id: c.ticket_id });
        }
        removed
    }
}
