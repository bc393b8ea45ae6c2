//! What customers do through the widget: bootstrap's log-in, uploads and tickets; and the
//! control plane's reads of them.

use std::io::Read;

use super::AppState;
use crate::domain::people::User;
use crate::state::events::Event;
use crate::state::store::{
    AttachmentRecord, ContactRecord, NewAttachment, StoreError, TicketOutcome, TicketRecord,
};

impl AppState {
    /// Whether ticket calls check the captcha where the widget asks for it.
    pub fn captcha_checked(&self) -> bool {
        self.inner.captcha
    }

    /// Bootstrap's log-in, atomically: an unknown email becomes a contact, a known active
    /// user gets the token's name.
    pub async fn log_in(&self, name: String, email: String) -> Result<LogIn, StoreError> {
        self.blocking(move |state| state.log_in_now(&name, &email))
            .await
    }

    pub(super) fn log_in_now(&self, name: &str, email: &str) -> Result<LogIn, StoreError> {
        let now = self.clock().now_secs();
        let mut world = self.write();
        match world.directory.find_by_email(email).map(|u| User::clone(u)) {
            Some(user) if !user.may_use_widget() => Ok(LogIn::Refused(user)),
            Some(user) => {
                if user.name == name {
                    // A contact the agent API created is verified by its first log-in.
                    self.sync_contact_doc(&mut world, user.id, name, now)?;
                    return Ok(LogIn::Known(user));
                }
                self.inner.store.set_name(user.id, name, now)?;
                self.sync_contact_doc(&mut world, user.id, name, now)?;
                tracing::info!(email, from = %user.name, to = name, "bootstrap synced the name");
                let user = world
                    .directory
                    .sync_name(user.id, name)
                    .cloned()
                    .unwrap_or(user);
                Ok(LogIn::Known(user))
            }
            None => {
                let record = ContactRecord {
                    id: world.directory.next_created_id(),
                    name: name.to_owned(),
                    email: email.to_owned(),
                    created_by: "bootstrap".into(),
                    created_at: now,
                };
                self.inner.store.add_contact(&record)?;
                tracing::info!(email, id = record.id, "bootstrap created a contact");
                Ok(LogIn::Created(
                    world.directory.add_created(record.id, name, email).clone(),
                ))
            }
        }
    }

    /// The name of the user with this email, if there is one.
    pub fn user_name(&self, email: &str) -> Option<String> {
        self.read()
            .directory
            .find_by_email(email)
            .map(|u| u.name.clone())
    }

    /// Stores an uploaded draft attachment, reading its content from `content`.
    pub async fn save_attachment(
        &self,
        draft: NewAttachment,
        mut content: impl Read + Send + 'static,
    ) -> Result<AttachmentRecord, StoreError> {
        self.blocking(move |state| {
            let _world = state.read();
            state.inner.store.add_attachment(&draft, &mut content)
        })
        .await
    }

    /// Creates a ticket for `ticket.email`: the requester is the user with that email, or a
    /// new contact named `name` (the email's local part when absent) created with the
    /// ticket. Attachment drafts are claimed in the same transaction.
    pub async fn create_ticket(
        &self,
        ticket: TicketRecord,
        name: Option<String>,
    ) -> Result<TicketOutcome, StoreError> {
        let outcome = self
            .blocking(move |state| state.create_ticket_now(ticket, name.as_deref()))
            .await?;
        if let TicketOutcome::Created(ticket) = &outcome {
            self.events().publish(Event::Ticket { id: ticket.id });
        }
        Ok(outcome)
    }

    pub(super) fn create_ticket_now(
        &self,
        mut ticket: TicketRecord,
        name: Option<&str>,
    ) -> Result<TicketOutcome, StoreError> {
        let mut world = self.write();
        let existing = world.directory.find_by_email(&ticket.email).map(|u| u.id);
        let new_contact = match existing {
            Some(id) => {
                ticket.requester_id = id;
                None
            }
            None => {
                // Assumed: like Freshdesk's contacts from email, a missing name is the
                // address's local part.
                let name = name.map(str::trim).filter(|n| !n.is_empty()).map_or_else(
                    || {
                        ticket
                            .email
                            .split('@')
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    },
                    str::to_owned,
                );
                let record = ContactRecord {
                    id: world.directory.next_created_id(),
                    name,
                    email: ticket.email.clone(),
                    created_by: "ticket".into(),
                    created_at: ticket.created_at,
                };
                ticket.requester_id = record.id;
                Some(record)
            }
        };
        let outcome = self
            .inner
            .store
            .create_ticket(ticket, new_contact.as_ref())?;
        if let (TicketOutcome::Created(_), Some(c)) = (&outcome, &new_contact) {
            tracing::info!(email = %c.email, id = c.id, "a ticket created a contact");
            world.directory.add_created(c.id, &c.name, &c.email);
        }
        Ok(outcome)
    }

    /// Tickets created through the widget, oldest first; only one requester's when given.
    pub async fn tickets(
        &self,
        requester_email: Option<String>,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.tickets(requester_email.as_deref()))
            .await
    }

    /// Contacts the widget created (bootstrap, or a ticket from an unknown email).
    pub async fn created_contacts(&self) -> Result<Vec<ContactRecord>, StoreError> {
        self.blocking(|state| state.inner.store.contacts()).await
    }

    /// Uploaded attachments (drafts and those attached to tickets), without content.
    pub async fn attachments(&self) -> Result<Vec<AttachmentRecord>, StoreError> {
        self.blocking(|state| state.inner.store.attachments()).await
    }

    /// An uploaded attachment's content.
    pub async fn attachment_content(&self, id: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.blocking(move |state| state.inner.store.attachment_content(id))
            .await
    }
}

/// How bootstrap's log-in went.
#[derive(Debug, Clone)]
pub enum LogIn {
    /// A known active user (name synced when it differed).
    Known(User),
    Created(User),
    /// Deleted, spam or blocked: nothing changed.
    Refused(User),
}
