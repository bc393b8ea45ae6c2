//! Everything the API changes, kept in one SQLite database: tickets, attachments, contacts
//! created and names synced by the widget, hits, votes and the widget secret's history.
//!
//! One code path for both modes: `--data-dir DIR` keeps the database in
//! `DIR/freshmock.sqlite` (WAL, `synchronous=FULL`, an exclusive lock so two servers never
//! share it); without it the same schema lives in memory. Every change is one transaction,
//! committed before the caller answers the client, so a server killed at any moment has lost
//! nothing it acknowledged. The fixtures stay the baseline: the store only holds what changed,
//! which is why a database is tied to the fixtures it was made with (their fingerprint).
//!
//! A data directory is the user's: an existing file is read without writing a byte
//! (application id, schema, `quick_check`, ticket rows) before it is opened for writing, and
//! one that is not freshmock's, or is damaged, stops the start with the file and what to do.
//! Every error a running store meets names the file and the cause (a full disk, a read-only
//! file, a row that does not read), for the HTTP answer's reason.
//!
//! The connection sits behind one mutex. Callers never hold it across an await: every method
//! here is synchronous and short, and the API calls them from blocking tasks.

mod conversations;
mod counters;
mod error;
mod open;
mod overlay;
mod records;
mod schema;
mod snapshots;
#[cfg(test)]
mod tests;
mod tickets;

use std::sync::Mutex;

use rusqlite::Connection;

pub use error::StoreError;
pub use open::{fingerprint, Location};
pub use records::{
    AgentTicketFields, AttachmentRecord, ContactRecord, NewAttachment, Overlay, Record, RecordKind,
    SecretChange, TicketOutcome, TicketRecord, UserVote, Vote, Voter,
};

/// The database, in memory or in a data directory.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    location: Location,
    /// In memory, the schema is created on first use, for this fingerprint (see
    /// [`Store::open`]); `None` once it exists. Locked only while `conn` is.
    unprepared: Mutex<Option<String>>,
}
