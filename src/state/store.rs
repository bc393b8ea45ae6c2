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
//! The connection sits behind one mutex. Callers never hold it across an await: every method
//! here is synchronous and short, and the API calls them from blocking tasks.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::domain::fixtures::{FixtureSet, Id};

/// The database file inside `--data-dir`.
pub const FILE_NAME: &str = "freshmock.sqlite";
/// `PRAGMA application_id`: "FrMk". Tells freshmock's databases from any other SQLite file.
pub const APPLICATION_ID: i32 = 0x4672_4d6b;
/// Bumped when the schema changes; a newer database is refused rather than misread.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE names (user_id INTEGER PRIMARY KEY, name TEXT NOT NULL, synced_at INTEGER NOT NULL);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    requester_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX tickets_by_email ON tickets (email COLLATE NOCASE);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    widget_id INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    ticket_id INTEGER REFERENCES tickets (id),
    content BLOB NOT NULL
);
CREATE TABLE hits (article_id INTEGER PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE vote_counts (
    article_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    up INTEGER NOT NULL DEFAULT 0,
    down INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, language)
);
CREATE TABLE user_votes (
    article_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (1, -1)),
    voted_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, language, user_id)
);
CREATE TABLE secrets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    secret TEXT NOT NULL,
    replaced TEXT NOT NULL,
    replaced_at INTEGER NOT NULL
);
";

/// Tables cleared by a reset (everything but `meta`).
const DATA_TABLES: [&str; 8] = [
    "user_votes",
    "vote_counts",
    "hits",
    "attachments",
    "tickets",
    "names",
    "contacts",
    "secrets",
];

/// Why the store cannot be opened or written. Opening errors name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data directory {path}: {detail}")]
    Directory { path: PathBuf, detail: String },
    #[error("{path} is not a freshmock database ({detail}); point --data-dir at an empty or new folder, or at one a freshmock server made")]
    Foreign { path: PathBuf, detail: String },
    #[error("{path} is damaged ({detail}); freshmock will not reset it on its own: move it away (keep it for inspection) or delete it to start with empty state")]
    Damaged { path: PathBuf, detail: String },
    #[error("{path} was written by a newer freshmock (schema {found}; this one knows {SCHEMA_VERSION}); use that version, or another --data-dir")]
    NewerSchema { path: PathBuf, found: i64 },
    #[error("{path} holds state made with other fixtures (fingerprint {stored}, the fixtures now loaded have {current}); start with the fixtures it was made with, use another --data-dir, or delete {path} to start afresh")]
    OtherFixtures {
        path: PathBuf,
        stored: String,
        current: String,
    },
    #[error(
        "{path} is in use by another process (another freshmock server on the same --data-dir?)"
    )]
    Busy { path: PathBuf },
    #[error("the state store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the state store failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the state store holds a record it cannot read: {0}")]
    Corrupt(String),
}

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Memory,
    /// The data directory; the file is [`FILE_NAME`] inside it.
    Dir(PathBuf),
}

impl Location {
    /// The fingerprint a store here is tied to: [`fingerprint`] for a data directory; for
    /// memory, which dies with the process and is never compared, a constant, which keeps
    /// the hashing out of every start-up and reset.
    pub fn fingerprint(&self, fixtures: &FixtureSet) -> String {
        match self {
            Location::Memory => IN_MEMORY.to_owned(),
            Location::Dir(_) => fingerprint(fixtures),
        }
    }
}

/// The fingerprint an in-memory store records.
const IN_MEMORY: &str = "in-memory";

/// A stable fingerprint of a fixture set (SHA-256 of its JSON document): a data directory is
/// only meaningful on top of the fixtures it was made with. The JSON is hashed as it is
/// written: building it first would cost a copy of the whole set (gigabytes at 100,000
/// articles) for a 32-byte answer.
pub fn fingerprint(fixtures: &FixtureSet) -> String {
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(Sha256::new());
    // Writing into a hasher cannot fail, and the model serializes without error.
    let _ = serde_json::to_writer(&mut hashing, fixtures);
    hashing
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A contact created through the widget (bootstrap or a ticket from an unknown email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: Id,
    pub name: String,
    pub email: String,
    /// `bootstrap` or `ticket`.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// A ticket as stored and as the control plane sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// The ticket number, increasing from 1.
    pub id: u64,
    pub requester_id: Id,
    /// The requester's email (the logged-in customer's primary email when theirs differed).
    pub email: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub subject: Option<String>,
    /// HTML, as Freshdesk stores the widget's plain text.
    pub description: String,
    /// The plain text the customer typed.
    pub description_text: String,
    /// Always 9: the help widget.
    pub source: u8,
    /// The widget's product.
    pub product_id: Option<Id>,
    pub status: i64,
    pub priority: i64,
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    pub group_id: Option<u64>,
    pub tags: Vec<String>,
    pub cc_emails: Vec<String>,
    pub custom_fields: serde_json::Map<String, Value>,
    pub attachment_ids: Vec<u64>,
    /// As the widget sent it (user agent, referrer, widget id, seen articles ...).
    pub meta: Value,
    pub widget_id: Id,
    pub client_id: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// An uploaded attachment's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub id: u64,
    pub widget_id: Id,
    pub client_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: i64,
    /// The ticket it was attached to; `None` while it is a draft.
    pub ticket_id: Option<u64>,
}

/// A new draft attachment; the content is streamed in separately.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub widget_id: Id,
    pub client_id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: i64,
}

/// What a vote is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Helpful,
    NotHelpful,
}

impl Vote {
    fn to_sql(self) -> i64 {
        match self {
            Vote::Helpful => 1,
            Vote::NotHelpful => -1,
        }
    }

    fn from_sql(v: i64) -> Vote {
        if v > 0 {
            Vote::Helpful
        } else {
            Vote::NotHelpful
        }
    }
}

/// Who voted, as far as counting goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voter {
    /// Counted on every call.
    Anonymous,
    /// One vote per article translation, moved by the opposite vote.
    User(Id),
}

/// The counters of one article translation beyond the fixtures', and who holds a vote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VoteTally {
    /// Added to the fixture's `thumbs_up` (may be negative only if a reset raced; never in practice).
    pub up: i64,
    pub down: i64,
    pub users_up: Vec<Id>,
    pub users_down: Vec<Id>,
}

/// One customer's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserVote {
    pub article_id: Id,
    pub language: String,
    pub user_id: Id,
    pub vote: Vote,
    pub voted_at: i64,
}

/// A secret reset: the new secret, the one it replaced, when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretChange {
    pub secret: String,
    pub replaced: String,
    pub replaced_at: i64,
}

/// What start-up lays over the fixtures.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    pub contacts: Vec<ContactRecord>,
    /// Names synced by bootstrap for fixture users.
    pub names: Vec<(Id, String)>,
    /// Oldest first.
    pub secrets: Vec<SecretChange>,
}

/// The result of trying to create a ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketOutcome {
    Created(Box<TicketRecord>),
    /// These attachment ids are not drafts of this widget and client: nothing was written.
    NoSuchAttachments(Vec<u64>),
}

/// The database, in memory or in a data directory.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    location: Location,
    /// In memory, the schema is created on first use, for this fingerprint (see
    /// [`Store::open`]); `None` once it exists. Locked only while `conn` is.
    unprepared: Mutex<Option<String>>,
}

impl Store {
    /// Opens (or creates) the store for fixtures with this fingerprint. An existing database
    /// must be freshmock's, undamaged, and made with the same fixtures; nothing is ever reset
    /// to make it fit.
    pub fn open(location: Location, fingerprint: &str) -> Result<Store, StoreError> {
        let conn = match &location {
            Location::Memory => Connection::open_in_memory()?,
            Location::Dir(dir) => open_file(dir)?,
        };
        // A new database in memory holds nothing until the API changes something, so its
        // schema waits for the first use: creating it (SQLite parsing nine CREATE
        // statements, 1.5 M instructions) was a sixth of the time to the first answer.
        let unprepared = match &location {
            Location::Memory => Some(fingerprint.to_owned()),
            Location::Dir(dir) => {
                prepare(&conn, &dir.join(FILE_NAME), fingerprint)?;
                None
            }
        };
        Ok(Store {
            conn: Mutex::new(conn),
            location,
            unprepared: Mutex::new(unprepared),
        })
    }

    /// An empty store in memory.
    #[cfg(test)]
    pub fn in_memory(fingerprint: &str) -> Result<Store, StoreError> {
        Store::open(Location::Memory, fingerprint)
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The connection, its schema created if this is its first use.
    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let mut unprepared = self.unprepared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fingerprint) = unprepared.as_deref() {
            prepare(&conn, Path::new(":memory:"), fingerprint)?;
            *unprepared = None;
        }
        Ok(conn)
    }

    /// Whether the store is a new one in memory that nothing has used yet.
    fn is_untouched(&self) -> bool {
        self.unprepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Runs `f` in one transaction, committed before returning.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Forgets every change (the fixtures' state again), and ties the store to `fingerprint`.
    pub fn clear(&self, fingerprint: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            for table in DATA_TABLES {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            tx.execute("DELETE FROM sqlite_sequence", [])?;
            set_meta(tx, "fixtures_fingerprint", fingerprint)?;
            Ok(())
        })
    }

    /// What start-up lays over the fixtures.
    pub fn overlay(&self) -> Result<Overlay, StoreError> {
        if self.is_untouched() {
            return Ok(Overlay::default());
        }
        let conn = self.conn()?;
        let contacts = read_contacts(&conn)?;
        let names = conn
            .prepare("SELECT user_id, name FROM names ORDER BY user_id")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as Id, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let secrets = conn
            .prepare("SELECT secret, replaced, replaced_at FROM secrets ORDER BY seq")?
            .query_map([], |r| {
                Ok(SecretChange {
                    secret: r.get(0)?,
                    replaced: r.get(1)?,
                    replaced_at: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Overlay {
            contacts,
            names,
            secrets,
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
        read_contacts(&*self.conn()?)
    }

    /// Counts one hit; returns the hits counted since the fixtures.
    pub fn add_hit(&self, article: Id) -> Result<u64, StoreError> {
        self.write(|tx| {
            Ok(tx.query_row(
                "INSERT INTO hits (article_id, count) VALUES (?1, 1)
                 ON CONFLICT (article_id) DO UPDATE SET count = count + 1
                 RETURNING count",
                [article as i64],
                |r| r.get::<_, i64>(0),
            )? as u64)
        })
    }

    /// Hits counted since the fixtures, by article.
    pub fn hits(&self) -> Result<HashMap<Id, u64>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT article_id, count FROM hits")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as Id, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a vote on one article translation with Freshdesk's rules (spec section 5):
    /// anonymous votes always count; a user's first vote counts, the same vote again changes
    /// nothing, the opposite vote moves it.
    pub fn vote(
        &self,
        article: Id,
        language: &str,
        voter: Voter,
        vote: Vote,
        at: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let (up, down) = match voter {
                Voter::Anonymous => match vote {
                    Vote::Helpful => (1, 0),
                    Vote::NotHelpful => (0, 1),
                },
                Voter::User(user) => {
                    let held: Option<i64> = tx
                        .query_row(
                            "SELECT vote FROM user_votes WHERE article_id = ?1 AND language = ?2 AND user_id = ?3",
                            params![article as i64, language, user as i64],
                            |r| r.get(0),
                        )
                        .optional()?;
                    let held = held.map(Vote::from_sql);
                    if held == Some(vote) {
                        return Ok(());
                    }
                    tx.execute(
                        "INSERT INTO user_votes (article_id, language, user_id, vote, voted_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (article_id, language, user_id)
                         DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                        params![article as i64, language, user as i64, vote.to_sql(), at],
                    )?;
                    match (vote, held) {
                        (Vote::Helpful, None) => (1, 0),
                        (Vote::NotHelpful, None) => (0, 1),
                        (Vote::Helpful, Some(_)) => (1, -1),
                        (Vote::NotHelpful, Some(_)) => (-1, 1),
                    }
                }
            };
            tx.execute(
                "INSERT INTO vote_counts (article_id, language, up, down) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (article_id, language)
                 DO UPDATE SET up = up + excluded.up, down = down + excluded.down",
                params![article as i64, language, up, down],
            )?;
            Ok(())
        })
    }

    /// The counters of one article translation beyond the fixtures', and who holds which vote.
    pub fn tally(&self, article: Id, language: &str) -> Result<VoteTally, StoreError> {
        let conn = self.conn()?;
        let (up, down) = conn
            .query_row(
                "SELECT up, down FROM vote_counts WHERE article_id = ?1 AND language = ?2",
                params![article as i64, language],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, 0));
        let mut tally = VoteTally {
            up,
            down,
            ..VoteTally::default()
        };
        let mut stmt = conn.prepare(
            "SELECT user_id, vote FROM user_votes WHERE article_id = ?1 AND language = ?2
             ORDER BY voted_at, user_id",
        )?;
        let rows = stmt.query_map(params![article as i64, language], |r| {
            Ok((r.get::<_, i64>(0)? as Id, Vote::from_sql(r.get(1)?)))
        })?;
        for row in rows {
            let (user, vote) = row?;
            match vote {
                Vote::Helpful => tally.users_up.push(user),
                Vote::NotHelpful => tally.users_down.push(user),
            }
        }
        Ok(tally)
    }

    /// Every vote a user holds.
    pub fn votes_of(&self, user: Id) -> Result<Vec<UserVote>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT article_id, language, user_id, vote, voted_at FROM user_votes
             WHERE user_id = ?1 ORDER BY article_id, language",
        )?;
        let rows = stmt.query_map([user as i64], |r| {
            Ok(UserVote {
                article_id: r.get::<_, i64>(0)? as Id,
                language: r.get(1)?,
                user_id: r.get::<_, i64>(2)? as Id,
                vote: Vote::from_sql(r.get(3)?),
                voted_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

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
        let conn = self.conn()?;
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
    }

    /// An attachment's content.
    pub fn attachment_content(&self, id: u64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT content FROM attachments WHERE id = ?1",
                [id as i64],
                |r| r.get(0),
            )
            .optional()?)
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
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
    pub fn tickets(&self, requester_email: Option<&str>) -> Result<Vec<TicketRecord>, StoreError> {
        let conn = self.conn()?;
        let docs: Vec<String> = match requester_email {
            Some(email) => conn
                .prepare("SELECT doc FROM tickets WHERE email = ?1 COLLATE NOCASE ORDER BY id")?
                .query_map([email], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
            None => conn
                .prepare("SELECT doc FROM tickets ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
        };
        docs.iter()
            .map(|d| {
                serde_json::from_str(d).map_err(|e| StoreError::Corrupt(format!("ticket: {e}")))
            })
            .collect()
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

fn insert_contact(tx: &Transaction<'_>, c: &ContactRecord) -> Result<(), StoreError> {
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

fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Opens the database file in `dir` (creating both if needed) with durable settings and an
/// exclusive lock.
fn open_file(dir: &Path) -> Result<Connection, StoreError> {
    let directory = |detail: String| StoreError::Directory {
        path: dir.to_owned(),
        detail,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(directory("it is not a folder".into()));
    }
    std::fs::create_dir_all(dir).map_err(|e| directory(e.to_string()))?;
    let path = dir.join(FILE_NAME);
    if path.exists() && !path.is_file() {
        return Err(StoreError::Foreign {
            path,
            detail: "it is not a file".into(),
        });
    }
    let conn = Connection::open(&path).map_err(|e| classify(&path, e))?;
    // Exclusive: the server's in-memory view of users must be the only writer's view.
    let pragmas = || -> rusqlite::Result<String> {
        conn.busy_timeout(std::time::Duration::from_millis(0))?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(mode)
    };
    let mode = pragmas().map_err(|e| classify(&path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Directory {
            path: dir.to_owned(),
            detail: format!("SQLite cannot use write-ahead logging there (journal mode {mode})"),
        });
    }
    Ok(conn)
}

/// Turns an SQLite error met while opening into a clear start-up error.
fn classify(path: &Path, err: rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::Foreign {
            path: path.to_owned(),
            detail: "it is not an SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path: path.to_owned(),
            detail: err.to_string(),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy {
            path: path.to_owned(),
        },
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::ReadOnly) => StoreError::Directory {
            path: path.to_owned(),
            detail: err.to_string(),
        },
        _ => StoreError::Sqlite(err),
    }
}

/// Creates the schema in a new database, or checks an existing one is freshmock's, whole,
/// of a schema it knows, and made with these fixtures.
fn prepare(conn: &Connection, path: &Path, fingerprint: &str) -> Result<(), StoreError> {
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if app_id == 0 && tables == 0 {
        let init = || -> rusqlite::Result<()> {
            conn.execute_batch("BEGIN")?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            conn.execute_batch(SCHEMA)?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('fixtures_fingerprint', ?2), ('created_by', ?3)",
                params![
                    SCHEMA_VERSION.to_string(),
                    fingerprint,
                    format!("freshmock {}", env!("CARGO_PKG_VERSION"))
                ],
            )?;
            conn.execute_batch("COMMIT")
        };
        return init().map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            classify(path, e)
        });
    }
    if app_id != APPLICATION_ID {
        return Err(StoreError::Foreign {
            path: path.to_owned(),
            detail: format!(
                "an SQLite database of another program (application_id {app_id:#x}, freshmock's is {APPLICATION_ID:#x})"
            ),
        });
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if check != "ok" {
        return Err(StoreError::Damaged {
            path: path.to_owned(),
            detail: format!("integrity check: {check}"),
        });
    }
    let meta = |key: &str| -> Result<Option<String>, StoreError> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| StoreError::Damaged {
                path: path.to_owned(),
                detail: format!("its meta table cannot be read: {e}"),
            })
    };
    let version = meta("schema_version")?
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| StoreError::Damaged {
            path: path.to_owned(),
            detail: "it has no schema version".into(),
        })?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
        });
    }
    if version < SCHEMA_VERSION {
        return Err(StoreError::Damaged {
            path: path.to_owned(),
            detail: format!("schema {version} is older than any this freshmock can read"),
        });
    }
    let stored = meta("fixtures_fingerprint")?.unwrap_or_default();
    if stored != fingerprint {
        return Err(StoreError::OtherFixtures {
            path: path.to_owned(),
            stored,
            current: fingerprint.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data directories made before the fingerprint was streamed keep opening.
    #[test]
    fn fingerprint_is_the_hash_of_the_fixture_document() {
        let fixtures = FixtureSet::bundled().unwrap();
        let document = serde_json::to_vec(&fixtures.to_document()).unwrap();
        let expected: String = Sha256::digest(&document)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fingerprint(&fixtures), expected);
        assert_eq!(Location::Memory.fingerprint(&fixtures), IN_MEMORY);
        assert_eq!(Location::Dir("x".into()).fingerprint(&fixtures), expected);
    }

    const FP: &str = "fixtures-a";

    fn ticket(widget: Id, client: &str, attachments: Vec<u64>) -> TicketRecord {
        TicketRecord {
            id: 0,
            requester_id: 1001,
            email: "nora@example.com".into(),
            name: None,
            phone: None,
            subject: Some("Help".into()),
            description: "<div>hi</div>".into(),
            description_text: "hi".into(),
            source: 9,
            product_id: None,
            status: 2,
            priority: 1,
            ticket_type: None,
            group_id: None,
            tags: vec![],
            cc_emails: vec![],
            custom_fields: Default::default(),
            attachment_ids: attachments,
            meta: Value::Null,
            widget_id: widget,
            client_id: client.into(),
            created_at: 0,
        }
    }

    fn draft(widget: Id, client: &str, content: &[u8]) -> (NewAttachment, Vec<u8>) {
        (
            NewAttachment {
                widget_id: widget,
                client_id: client.into(),
                name: "a.txt".into(),
                content_type: "text/plain".into(),
                size: content.len() as u64,
                created_at: 0,
            },
            content.to_vec(),
        )
    }

    fn dir_with_db() -> (tempfile::TempDir, Location) {
        let dir = tempfile::tempdir().unwrap();
        let location = Location::Dir(dir.path().join("data"));
        (dir, location)
    }

    #[test]
    fn anonymous_votes_count_every_time() {
        let store = Store::in_memory(FP).unwrap();
        for _ in 0..3 {
            store
                .vote(7, "en", Voter::Anonymous, Vote::Helpful, 0)
                .unwrap();
        }
        store
            .vote(7, "en", Voter::Anonymous, Vote::NotHelpful, 0)
            .unwrap();
        let t = store.tally(7, "en").unwrap();
        assert_eq!((t.up, t.down), (3, 1));
        assert!(t.users_up.is_empty());
    }

    #[test]
    fn a_users_vote_counts_once_and_moves_on_the_opposite_vote() {
        let store = Store::in_memory(FP).unwrap();
        let user = Voter::User(1001);
        store.vote(7, "en", user, Vote::Helpful, 0).unwrap();
        store.vote(7, "en", user, Vote::Helpful, 1).unwrap();
        assert_eq!(store.tally(7, "en").unwrap().up, 1);
        store.vote(7, "en", user, Vote::NotHelpful, 2).unwrap();
        let t = store.tally(7, "en").unwrap();
        assert_eq!((t.up, t.down, t.users_down.clone()), (0, 1, vec![1001]));
        // Another translation is another vote.
        store.vote(7, "fr", user, Vote::Helpful, 3).unwrap();
        assert_eq!(store.tally(7, "fr").unwrap().users_up, vec![1001]);
        assert_eq!(store.votes_of(1001).unwrap().len(), 2);
    }

    #[test]
    fn hits_accumulate_per_article() {
        let store = Store::in_memory(FP).unwrap();
        store.add_hit(1).unwrap();
        assert_eq!(store.add_hit(1).unwrap(), 2);
        store.add_hit(2).unwrap();
        let hits = store.hits().unwrap();
        assert_eq!((hits[&1], hits[&2]), (2, 1));
    }

    #[test]
    fn an_in_memory_store_makes_its_schema_on_first_use() {
        let store = Store::in_memory(FP).unwrap();
        assert!(store.overlay().unwrap().contacts.is_empty());
        assert!(store.is_untouched());
        assert_eq!(store.add_hit(7).unwrap(), 1);
        assert!(!store.is_untouched());
        let meta: String = store
            .conn()
            .unwrap()
            .query_row(
                "SELECT value FROM meta WHERE key = 'fixtures_fingerprint'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(meta, FP);
    }

    #[test]
    fn tickets_claim_only_drafts_of_their_widget_and_client() {
        let store = Store::in_memory(FP).unwrap();
        let (d, content) = draft(5, "client-a", b"hello");
        let a = store.add_attachment(&d, &mut content.as_slice()).unwrap();
        let outcome = store
            .create_ticket(ticket(5, "client-b", vec![a.id]), None)
            .unwrap();
        assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
        let outcome = store
            .create_ticket(ticket(6, "client-a", vec![a.id]), None)
            .unwrap();
        assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
        let TicketOutcome::Created(t) = store
            .create_ticket(ticket(5, "client-a", vec![a.id]), None)
            .unwrap()
        else {
            panic!("ticket refused")
        };
        assert_eq!(t.id, 1);
        // No longer a draft: a second ticket cannot claim it.
        let outcome = store
            .create_ticket(ticket(5, "client-a", vec![a.id]), None)
            .unwrap();
        assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
        assert_eq!(store.attachment_content(a.id).unwrap().unwrap(), b"hello");
        assert_eq!(store.attachments().unwrap()[0].ticket_id, Some(1));
    }

    #[test]
    fn ticket_numbers_increase_and_filter_by_email() {
        let store = Store::in_memory(FP).unwrap();
        let contact = ContactRecord {
            id: 90_000_001,
            name: "new".into(),
            email: "new@example.com".into(),
            created_by: "ticket".into(),
            created_at: 0,
        };
        let mut t = ticket(5, "c", vec![]);
        t.email = "NEW@example.com".into();
        store.create_ticket(t, Some(&contact)).unwrap();
        store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
        let all = store.tickets(None).unwrap();
        assert_eq!(all.iter().map(|t| t.id).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(store.tickets(Some("new@example.com")).unwrap().len(), 1);
        assert_eq!(store.contacts().unwrap(), vec![contact]);
    }

    #[test]
    fn clear_forgets_everything_and_restarts_numbering() {
        let store = Store::in_memory(FP).unwrap();
        store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
        store.add_hit(1).unwrap();
        store.set_name(1001, "N", 0).unwrap();
        store.clear("fixtures-b").unwrap();
        assert!(store.tickets(None).unwrap().is_empty());
        assert!(store.hits().unwrap().is_empty());
        assert!(store.overlay().unwrap().names.is_empty());
        let TicketOutcome::Created(t) = store.create_ticket(ticket(5, "c", vec![]), None).unwrap()
        else {
            panic!("ticket refused")
        };
        assert_eq!(t.id, 1);
    }

    #[test]
    fn a_data_directory_keeps_everything_across_reopening() {
        let (_tmp, location) = dir_with_db();
        {
            let store = Store::open(location.clone(), FP).unwrap();
            store.add_hit(3).unwrap();
            store.set_name(1001, "Renamed", 5).unwrap();
            store
                .rotate_secret(&SecretChange {
                    secret: "b".repeat(32),
                    replaced: "a".repeat(32),
                    replaced_at: 9,
                })
                .unwrap();
            store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
        }
        let store = Store::open(location, FP).unwrap();
        assert_eq!(store.hits().unwrap()[&3], 1);
        let overlay = store.overlay().unwrap();
        assert_eq!(overlay.names, vec![(1001, "Renamed".to_owned())]);
        assert_eq!(overlay.secrets[0].secret, "b".repeat(32));
        assert_eq!(store.tickets(None).unwrap().len(), 1);
    }

    #[test]
    fn a_database_made_with_other_fixtures_is_refused() {
        let (_tmp, location) = dir_with_db();
        drop(Store::open(location.clone(), FP).unwrap());
        let err = Store::open(location, "fixtures-b").unwrap_err();
        assert!(matches!(err, StoreError::OtherFixtures { .. }), "{err}");
        assert!(err.to_string().contains(FILE_NAME), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
        let (_tmp, location) = dir_with_db();
        let Location::Dir(dir) = &location else {
            unreachable!()
        };
        std::fs::create_dir_all(dir).unwrap();
        let junk = vec![b'x'; 8192];
        std::fs::write(dir.join(FILE_NAME), &junk).unwrap();
        let err = Store::open(location.clone(), FP).unwrap_err();
        assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
        assert_eq!(std::fs::read(dir.join(FILE_NAME)).unwrap(), junk);
    }

    #[test]
    fn another_programs_database_is_refused() {
        let (_tmp, location) = dir_with_db();
        let Location::Dir(dir) = &location else {
            unreachable!()
        };
        std::fs::create_dir_all(dir).unwrap();
        let other = Connection::open(dir.join(FILE_NAME)).unwrap();
        other.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
        drop(other);
        let err = Store::open(location, FP).unwrap_err();
        assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    }

    #[test]
    fn a_second_server_on_the_same_directory_is_refused() {
        let (_tmp, location) = dir_with_db();
        let first = Store::open(location.clone(), FP).unwrap();
        first.add_hit(1).unwrap();
        let err = Store::open(location, FP).unwrap_err();
        assert!(matches!(err, StoreError::Busy { .. }), "{err}");
    }
}
