//! Freshdesk's ticket vocabulary (sources, statuses, priorities), the defaults a new ticket
//! gets, the default SLA that gives `due_by`/`fr_due_by`, and the field rules both the
//! widget's form and the agent API apply with Freshdesk's codes.

use super::TicketRecord;
use crate::domain::invalid::FieldError;
use crate::domain::people::{Directory, Role};

/// Where a ticket created through the agent API comes from unless it says: the portal.
pub const SOURCE_PORTAL: u8 = 2;
/// Where a ticket from the help widget's contact form comes from.
pub const SOURCE_WIDGET: u8 = 9;
/// Freshdesk's sources: email, portal, phone, forum, Twitter, Facebook, chat, MobiHelp,
/// feedback widget, outbound email.
pub const SOURCES: [u64; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/// Open, pending, resolved, closed.
pub const STATUSES: [u64; 4] = [2, 3, 4, 5];
/// Low, medium, high, urgent.
pub const PRIORITIES: [u64; 4] = [1, 2, 3, 4];
/// A new ticket is open unless it says otherwise.
pub const DEFAULT_STATUS: i64 = 2;
/// A new ticket is low priority unless it says otherwise.
pub const DEFAULT_PRIORITY: i64 = 1;
/// Freshdesk's limit on a subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 255;

/// Freshdesk's default SLA targets by priority (low, medium, high, urgent), in seconds:
/// first response, then resolution. Assumed: the default policy's values.
pub fn sla(priority: i64) -> (i64, i64) {
    const HOUR: i64 = 3600;
    match priority {
        4 => (HOUR, 4 * HOUR),
        3 => (4 * HOUR, 24 * HOUR),
        2 => (8 * HOUR, 48 * HOUR),
        _ => (24 * HOUR, 72 * HOUR),
    }
}

/// A string longer than `max` characters: Freshdesk's length validator answers
/// `invalid_value` ("Has N characters, it can have maximum of M characters"), on the
/// widget's form and the agent API alike.
pub fn too_long(field: &str, text: &str, max: usize) -> Option<FieldError> {
    let chars = text.chars().count();
    (chars > max).then(|| {
        FieldError::new(
            field,
            format!("Has {chars} characters, it can have maximum of {max} characters"),
            "invalid_value",
        )
    })
}

impl TicketRecord {
    /// When the ticket last changed (Unix seconds): its creation until an agent edits it.
    pub fn updated_at(&self) -> i64 {
        if self.agent.updated_at > 0 {
            self.agent.updated_at
        } else {
            self.created_at
        }
    }

    /// The first response is due by: what an agent set, else the default SLA.
    pub fn fr_due_by(&self) -> i64 {
        self.agent
            .fr_due_by
            .unwrap_or_else(|| self.created_at + sla(self.priority).0)
    }

    /// The resolution is due by: what an agent set, else the default SLA.
    pub fn due_by(&self) -> i64 {
        self.agent
            .due_by
            .unwrap_or_else(|| self.created_at + sla(self.priority).1)
    }

    /// The ticket's company: its own, else its requester's first.
    pub fn company(&self, directory: &Directory) -> Option<u64> {
        self.agent
            .company_id
            .or_else(|| match &directory.find_by_id(self.requester_id)?.role {
                Role::Contact { companies, .. } => companies.first().copied(),
                Role::Agent { .. } => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_over_255_characters_is_invalid_value_as_freshdesk_says() {
        let error = too_long("subject", &"x".repeat(256), MAX_SUBJECT_CHARS).unwrap();
        assert_eq!(error.code, "invalid_value");
        assert_eq!(
            error.message,
            "Has 256 characters, it can have maximum of 255 characters"
        );
        assert!(too_long("subject", &"é".repeat(255), MAX_SUBJECT_CHARS).is_none());
    }

    #[test]
    fn an_urgent_ticket_is_due_sooner_than_a_low_one() {
        assert!(sla(4).1 < sla(1).1);
        assert!(sla(4).0 < sla(4).1);
    }
}
