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

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, MAIN_DB};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::domain::fixtures::{FixtureSet, Id};
use conversations::SCHEMA_3;

mod conversations;
pub use crate::domain::tickets::{AgentTicketFields, TicketRecord};

/// The database file inside `--data-dir`.
pub const FILE_NAME: &str = "freshmock.sqlite";
/// `PRAGMA application_id`: "FrMk". Tells freshmock's databases from any other SQLite file.
pub const APPLICATION_ID: i32 = 0x4672_4d6b;
/// Bumped when the schema changes; a newer database is refused rather than misread.
pub const SCHEMA_VERSION: i64 = 3;

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

/// What schema 2 added to schema 1, which is how a schema-1 database is brought up to
/// date: records the agent API made or changed (categories, folders, articles, companies,
/// contacts, tickets), each the whole record as JSON, or NULL once deleted; laid over the
/// fixtures in the order they were written.
const SCHEMA_2: &str = "
CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    doc TEXT,
    UNIQUE (kind, id)
);
";

/// Tables cleared by a reset (everything but `meta`).
const DATA_TABLES: [&str; 10] = [
    "conversations",
    "records",
    "user_votes",
    "vote_counts",
    "hits",
    "attachments",
    "tickets",
    "names",
    "contacts",
    "secrets",
];

/// Why the store cannot be opened, written or read. Every message names the file and says
/// what to do next: a data directory is the user's, and freshmock never repairs or resets one
/// on its own.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the data directory {path}: {detail}")]
    Directory { path: PathBuf, detail: String },
    #[error("{path} is not a freshmock database ({detail}); nothing was written to it: point --data-dir at an empty or new folder, or at one a freshmock server made")]
    Foreign { path: PathBuf, detail: String },
    #[error("{path} is damaged ({detail}); freshmock will not reset it on its own: move it aside (keep it for inspection) or delete it to start with empty state, or start without --data-dir")]
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
    /// The disk or the file failed under a store that opened fine (or while opening it):
    /// full, read-only, an I/O error. `path` is the file, or the in-memory store.
    #[error("{}", fault_message(*kind, path, detail))]
    Fault {
        kind: FaultKind,
        path: String,
        detail: String,
    },
    /// A row that does not hold what freshmock wrote there (edited by hand, or damaged).
    #[error("{path} holds {what} that cannot be read ({detail}); the file is damaged: move it aside (keep it for inspection) or start without --data-dir")]
    Record {
        path: String,
        what: String,
        detail: String,
    },
    /// A state snapshot that cannot be restored (`PUT /_freshmock/state`): the client's
    /// mistake, and nothing was changed.
    #[error("{0}")]
    Snapshot(String),
    /// Only between a query and the store's boundary, which names the file (see
    /// [`Store::located`]); never returned by the store's public methods.
    #[error("the state store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Reading an upload's content to store it failed (not the store's disk).
    #[error("copying an upload into the state store failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What kind of fault [`StoreError::Fault`] is: a full disk answers 507, the others 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `SQLITE_FULL`: no space left on the disk, or past the store's limit ([`Store::limit`]).
    Full,
    /// `SQLITE_READONLY`: the file, its folder or the file system cannot be written.
    ReadOnly,
    /// `SQLITE_IOERR_WRITE`: the operating system refused a write (a disk quota, a file-size
    /// limit, a failing disk).
    Write,
    /// Another `SQLITE_IOERR`: the operating system refused a read, sync or lock.
    Io,
    /// `SQLITE_CORRUPT` / `SQLITE_NOTADB` met while running.
    Damaged,
    /// Anything else SQLite reports.
    Other,
}

fn fault_message(kind: FaultKind, path: &str, detail: &str) -> String {
    match kind {
        FaultKind::Full => format!("disk full writing {path}: free some space ({detail})"),
        FaultKind::ReadOnly => format!(
            "cannot write {path}: it is read-only (file permissions or a read-only file system); make it writable, or use another --data-dir ({detail})"
        ),
        FaultKind::Write => format!(
            "disk I/O error writing {path} ({detail}): the disk may be full, or a disk quota or file-size limit reached"
        ),
        FaultKind::Io => format!("disk I/O error on {path} ({detail})"),
        FaultKind::Damaged => format!(
            "{path} is damaged ({detail}): move it aside (keep it for inspection) or start without --data-dir"
        ),
        FaultKind::Other => format!("the state store {path} failed: {detail}"),
    }
}

impl StoreError {
    /// Whether the disk under the store is full (HTTP 507 Insufficient Storage).
    pub fn is_disk_full(&self) -> bool {
        matches!(
            self,
            StoreError::Fault {
                kind: FaultKind::Full,
                ..
            }
        )
    }
}

/// An SQLite error met on `path`, named: what kind of fault, and SQLite's own words with its
/// extended code (`SQLITE_IOERR_LOCK`, not only "disk I/O error").
fn fault(path: &str, err: rusqlite::Error) -> StoreError {
    use rusqlite::Error as E;
    if let E::InvalidColumnType(..)
    | E::FromSqlConversionFailure(..)
    | E::IntegralValueOutOfRange(..) = err
    {
        return StoreError::Record {
            path: path.to_owned(),
            what: "a row".into(),
            detail: err.to_string(),
        };
    }
    let kind = match err.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => FaultKind::Full,
        Some(ErrorCode::ReadOnly) => FaultKind::ReadOnly,
        Some(ErrorCode::SystemIoFailure)
            if err.sqlite_extended_error_code() == Some(SQLITE_IOERR_WRITE) =>
        {
            FaultKind::Write
        }
        Some(ErrorCode::SystemIoFailure) => FaultKind::Io,
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => FaultKind::Damaged,
        _ => FaultKind::Other,
    };
    StoreError::Fault {
        kind,
        path: path.to_owned(),
        detail: sqlite_words(&err),
    }
}

/// SQLite's extended result code for a refused write (`SQLITE_IOERR | 3 << 8`).
const SQLITE_IOERR_WRITE: i32 = 778;

/// SQLite's message with its extended result code by name, when there is one.
fn sqlite_words(err: &rusqlite::Error) -> String {
    let Some(code) = err.sqlite_error() else {
        return err.to_string();
    };
    let name = match code.extended_code {
        13 => "SQLITE_FULL",
        8 => "SQLITE_READONLY",
        264 => "SQLITE_READONLY_RECOVERY",
        520 => "SQLITE_READONLY_CANTLOCK",
        776 => "SQLITE_READONLY_ROLLBACK",
        1032 => "SQLITE_READONLY_DBMOVED",
        1288 => "SQLITE_READONLY_CANTINIT",
        1544 => "SQLITE_READONLY_DIRECTORY",
        10 => "SQLITE_IOERR",
        266 => "SQLITE_IOERR_READ",
        522 => "SQLITE_IOERR_SHORT_READ",
        SQLITE_IOERR_WRITE => "SQLITE_IOERR_WRITE",
        1034 => "SQLITE_IOERR_FSYNC",
        1290 => "SQLITE_IOERR_DIR_FSYNC",
        1546 => "SQLITE_IOERR_TRUNCATE",
        1802 => "SQLITE_IOERR_FSTAT",
        2058 => "SQLITE_IOERR_UNLOCK",
        2314 => "SQLITE_IOERR_RDLOCK",
        2570 => "SQLITE_IOERR_DELETE",
        3338 => "SQLITE_IOERR_ACCESS",
        3850 => "SQLITE_IOERR_LOCK",
        4106 => "SQLITE_IOERR_CLOSE",
        4618 => "SQLITE_IOERR_SHMOPEN",
        4874 => "SQLITE_IOERR_SHMSIZE",
        5386 => "SQLITE_IOERR_SHMMAP",
        5642 => "SQLITE_IOERR_SEEK",
        6410 => "SQLITE_IOERR_GETTEMPPATH",
        14 => "SQLITE_CANTOPEN",
        11 => "SQLITE_CORRUPT",
        26 => "SQLITE_NOTADB",
        _ => "",
    };
    let words = match err {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        _ => code.to_string(),
    };
    if name.is_empty() {
        format!("SQLite: {words}, code {}", code.extended_code)
    } else {
        format!("SQLite: {words}, {name} ({})", code.extended_code)
    }
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

/// How errors name a store that is not in a file.
const IN_MEMORY_STORE: &str = "the in-memory state store";

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
    /// Records the agent API wrote, in the order it wrote them (see [`Store::put_record`]).
    pub records: Vec<Record>,
}

/// A record the agent API made, changed or deleted: its whole JSON, or `None` once
/// deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: RecordKind,
    pub id: Id,
    pub doc: Option<Value>,
}

/// Which kind of record a [`Record`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Category,
    Folder,
    Article,
    Company,
    Contact,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Category,
        RecordKind::Folder,
        RecordKind::Article,
        RecordKind::Company,
        RecordKind::Contact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Category => "category",
            RecordKind::Folder => "folder",
            RecordKind::Article => "article",
            RecordKind::Company => "company",
            RecordKind::Contact => "contact",
        }
    }

    fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
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
        // A new database in memory holds nothing until the API changes something, so its
        // schema waits for the first use: creating it (SQLite parsing nine CREATE
        // statements, 1.5 M instructions) was a sixth of the time to the first answer.
        let (conn, unprepared) = match &location {
            Location::Memory => (
                Connection::open_in_memory().map_err(|e| fault(IN_MEMORY_STORE, e))?,
                Some(fingerprint.to_owned()),
            ),
            Location::Dir(dir) => (open_file(dir, fingerprint)?, None),
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

    /// The store in words, as errors name it: the file's path, or the in-memory store.
    pub fn describe(&self) -> String {
        match &self.location {
            Location::Memory => IN_MEMORY_STORE.into(),
            Location::Dir(dir) => dir.join(FILE_NAME).display().to_string(),
        }
    }

    /// An error met inside a query, named: the file and the kind of fault (a full disk, a
    /// read-only file, a row that does not read), so an HTTP answer can say which.
    fn located(&self, err: StoreError) -> StoreError {
        match err {
            StoreError::Sqlite(e) => fault(&self.describe(), e),
            // A blob written through `std::io` reports SQLite's error inside an I/O error.
            StoreError::Io(e) if e.get_ref().is_some_and(|i| i.is::<rusqlite::Error>()) => {
                match e.into_inner().map(|i| i.downcast::<rusqlite::Error>()) {
                    Some(Ok(sqlite)) => fault(&self.describe(), *sqlite),
                    Some(Err(other)) => StoreError::Io(std::io::Error::other(other)),
                    None => StoreError::Io(std::io::Error::other("an I/O error")),
                }
            }
            other => other,
        }
    }

    /// The connection, its schema created if this is its first use.
    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let mut unprepared = self.unprepared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fingerprint) = unprepared.as_deref() {
            create_schema(&conn, fingerprint).map_err(|e| self.located(e.into()))?;
            *unprepared = None;
        }
        Ok(conn)
    }

    /// Caps the database at about `bytes` (SQLite's `max_page_count`, never below what it
    /// holds now): a write past it fails as on a full disk (507). Bounds what uploads can
    /// take, in memory too, and lets a test meet a full disk without filling one.
    pub fn limit(&self, bytes: u64) -> Result<(), StoreError> {
        let conn = self.conn()?;
        let set = || -> rusqlite::Result<()> {
            let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
            let pages = bytes.div_ceil(page.max(512) as u64).max(1);
            conn.pragma_update(None, "max_page_count", pages as i64)
        };
        set().map_err(|e| self.located(e.into()))
    }

    /// Runs a read; an error names the file, and a row that does not read names `what`
    /// (the table).
    fn read<T>(
        &self,
        what: &str,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn()?;
        f(&conn).map_err(|e| match self.located(e) {
            StoreError::Record { path, detail, .. } => StoreError::Record {
                path,
                what: format!("a row of {what}"),
                detail,
            },
            other => other,
        })
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
        let run = || -> Result<T, StoreError> {
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        };
        run().map_err(|e| self.located(e))
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

    /// Every data table as `{"columns": [...], "rows": [[...], ...]}`, in insertion order,
    /// blobs as `{"base64": "..."}`: what a state snapshot carries.
    pub fn export_tables(&self) -> Result<serde_json::Map<String, Value>, StoreError> {
        use base64::Engine;
        use rusqlite::types::ValueRef;
        let mut tables = serde_json::Map::new();
        for table in DATA_TABLES {
            let exported = self.read(table, |conn| {
                let mut statement = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
                let columns: Vec<String> =
                    statement.column_names().map(str::to_owned).collect();
                let width = columns.len();
                let rows = statement
                    .query_map([], |row| {
                        (0..width)
                            .map(|i| {
                                Ok(match row.get_ref(i)? {
                                    ValueRef::Null => Value::Null,
                                    ValueRef::Integer(n) => Value::from(n),
                                    ValueRef::Real(f) => Value::from(f),
                                    ValueRef::Text(t) => {
                                        Value::from(String::from_utf8_lossy(t).into_owned())
                                    }
                                    ValueRef::Blob(b) => serde_json::json!({
                                        "base64": base64::engine::general_purpose::STANDARD.encode(b)
                                    }),
                                })
                            })
                            .collect::<Result<Vec<Value>, rusqlite::Error>>()
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(serde_json::json!({ "columns": columns, "rows": rows }))
            })?;
            tables.insert(table.to_owned(), exported);
        }
        Ok(tables)
    }

    /// Replaces every data table with a snapshot's (as [`Store::export_tables`] wrote them)
    /// in one transaction, and ties the store to `fingerprint`: a snapshot that does not fit
    /// (an unknown table or column, a value of the wrong type, a broken reference) is
    /// [`StoreError::Snapshot`] and changes nothing.
    pub fn import_tables(
        &self,
        tables: &serde_json::Map<String, Value>,
        fingerprint: &str,
    ) -> Result<(), StoreError> {
        use base64::Engine;
        use rusqlite::types::Value as Sql;
        let bad = |why: String| StoreError::Snapshot(why);
        if let Some(unknown) = tables.keys().find(|k| !DATA_TABLES.contains(&k.as_str())) {
            return Err(bad(format!(
                "the snapshot has a table {unknown:?}; freshmock keeps {}",
                DATA_TABLES.join(", ")
            )));
        }
        self.write(|tx| {
            for table in DATA_TABLES {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            tx.execute("DELETE FROM sqlite_sequence", [])?;
            // Referenced tables first: tickets before the attachments that point at them.
            for table in DATA_TABLES.iter().rev() {
                let Some(given) = tables.get(*table) else {
                    continue;
                };
                let declared: Vec<(String, String, bool)> = tx
                    .prepare(&format!("PRAGMA table_info({table})"))?
                    .query_map([], |r| Ok((r.get(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)? == 0)))?
                    .collect::<Result<_, _>>()?;
                let names: Vec<&str> = declared.iter().map(|(n, _, _)| n.as_str()).collect();
                let columns: Vec<&str> = given["columns"]
                    .as_array()
                    .map(|c| c.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if columns != names {
                    return Err(bad(format!(
                        "table {table} has columns {columns:?} in the snapshot; freshmock's are {names:?}"
                    )));
                }
                let Some(rows) = given["rows"].as_array() else {
                    return Err(bad(format!("table {table} has no \"rows\" array")));
                };
                let placeholders = vec!["?"; names.len()].join(", ");
                let mut insert =
                    tx.prepare(&format!("INSERT INTO {table} VALUES ({placeholders})"))?;
                for (i, row) in rows.iter().enumerate() {
                    let cells = row.as_array().filter(|r| r.len() == names.len()).ok_or_else(|| {
                        bad(format!("row {i} of table {table} is not an array of {} values", names.len()))
                    })?;
                    let mut values = Vec::with_capacity(cells.len());
                    for ((name, kind, nullable), cell) in declared.iter().zip(cells) {
                        let value = match (kind.as_str(), cell) {
                            (_, Value::Null) if *nullable => Some(Sql::Null),
                            ("INTEGER", Value::Number(n)) => n.as_i64().map(Sql::Integer),
                            ("TEXT", Value::String(t)) => Some(Sql::Text(t.clone())),
                            ("BLOB", Value::Object(o)) => o
                                .get("base64")
                                .and_then(Value::as_str)
                                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                                .map(Sql::Blob),
                            _ => None,
                        };
                        values.push(value.ok_or_else(|| {
                            bad(format!(
                                "row {i} of table {table}: {name} is {cell}, not a value of type {kind}"
                            ))
                        })?);
                    }
                    insert
                        .execute(rusqlite::params_from_iter(values))
                        .map_err(|e| bad(format!("row {i} of table {table} does not fit: {e}")))?;
                }
            }
            let bad_ticket: Option<i64> = tx
                .query_row(
                    "SELECT id FROM tickets WHERE CASE WHEN json_valid(doc)
                         THEN json_type(doc) != 'object' OR json_extract(doc, '$.id') IS NOT id
                         ELSE 1 END
                     ORDER BY id LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = bad_ticket {
                return Err(bad(format!(
                    "ticket {id}'s doc is not a ticket document of that id"
                )));
            }
            set_meta(tx, "fixtures_fingerprint", fingerprint)?;
            Ok(())
        })
    }

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
        self.read("hits", |conn| {
            let mut stmt = conn.prepare("SELECT article_id, count FROM hits")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as Id, r.get::<_, i64>(1)?.max(0) as u64))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
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
        self.read("votes", |conn| tally(conn, article, language))
    }

    /// Every vote a user holds.
    pub fn votes_of(&self, user: Id) -> Result<Vec<UserVote>, StoreError> {
        self.read("user_votes", |conn| votes_of(conn, user))
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

/// The counters of one article translation beyond the fixtures', and who holds which vote.
fn tally(conn: &Connection, article: Id, language: &str) -> Result<VoteTally, StoreError> {
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
fn votes_of(conn: &Connection, user: Id) -> Result<Vec<UserVote>, StoreError> {
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
/// exclusive lock. An existing file is first read without changing anything ([`inspect`]):
/// only a database that is freshmock's, whole, and made with these fixtures (or an empty
/// one) is ever opened for writing, so another program's file is left byte for byte as it was.
fn open_file(dir: &Path, fingerprint: &str) -> Result<Connection, StoreError> {
    let directory = |detail: String| StoreError::Directory {
        path: dir.to_owned(),
        detail,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(directory("it is not a folder".into()));
    }
    std::fs::create_dir_all(dir).map_err(|e| directory(e.to_string()))?;
    let path = dir.join(FILE_NAME);
    let found = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Found::Empty,
        Err(e) => return Err(directory(format!("{}: {e}", path.display()))),
        Ok(m) if !m.is_file() => {
            return Err(StoreError::Foreign {
                path,
                detail: "it is not a file".into(),
            })
        }
        Ok(m) if m.len() == 0 => Found::Empty,
        Ok(_) => {
            let found = inspect(&path, fingerprint)?;
            refuse_read_only(&path)?;
            found
        }
    };
    let conn = Connection::open(&path).map_err(|e| classify(&path, e))?;
    // SQLite opens a file it may not write read-only without saying so.
    if conn.is_readonly(MAIN_DB).unwrap_or(false) {
        return Err(read_only(&path, "SQLite opened it read-only".into()));
    }
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
    match found {
        Found::Empty => create_schema(&conn, fingerprint).map_err(|e| classify(&path, e))?,
        Found::Older => migrate(&conn).map_err(|e| classify(&path, e))?,
        Found::Ours => {}
    }
    Ok(conn)
}

/// What an existing database file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// New, or an SQLite database with nothing in it: freshmock may make its schema there.
    Empty,
    /// freshmock's, whole, of this schema and these fixtures.
    Ours,
    /// freshmock's, whole, of an older schema it brings up to date when it opens it.
    Older,
}

/// Reads an existing file without writing a byte to it, and says whether freshmock may open
/// it for writing. The header's application id (offset 68) refuses another program's
/// database before SQLite is involved; then a read-only connection checks what the header
/// cannot: a freshmock database killed before its first checkpoint holds its id and schema
/// in the write-ahead log, not yet in the file's header. The checks: the id, the schema
/// version, `PRAGMA quick_check`, every table and column of [`SCHEMA`], the fixtures'
/// fingerprint, and that each ticket row holds a JSON object of its own id.
fn inspect(path: &Path, fingerprint: &str) -> Result<Found, StoreError> {
    let foreign = |detail: String| StoreError::Foreign {
        path: path.to_owned(),
        detail,
    };
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_owned(),
        detail,
    };
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|f| f.take(100).read_to_end(&mut header))
        .map_err(|e| StoreError::Directory {
            path: path.to_owned(),
            detail: format!("it cannot be read: {e}"),
        })?;
    if header.len() < 100 || !header.starts_with(b"SQLite format 3\0") {
        return Err(foreign("it is not an SQLite database".into()));
    }
    let header_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if header_id != 0 && header_id != APPLICATION_ID {
        return Err(foreign(another_program(header_id)));
    }

    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(path, e))?;
    let sql = |e: rusqlite::Error| classify(path, e);
    conn.busy_timeout(std::time::Duration::from_millis(0))
        .map_err(sql)?;
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sql)?;
    let user_version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(sql)?;
    if app_id == 0 && user_version == 0 && tables == 0 {
        return Ok(Found::Empty);
    }
    if app_id != APPLICATION_ID {
        return Err(foreign(another_program(app_id)));
    }
    if user_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: user_version,
        });
    }
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check(3)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(sql)?;
    if problems.first().map(String::as_str) != Some("ok") {
        return Err(damaged(format!("integrity check: {}", problems.join("; "))));
    }
    check_schema(&conn, user_version).map_err(|e| match e {
        SchemaProblem::Missing(what) => damaged(what),
        SchemaProblem::Sqlite(e) => sql(e),
    })?;
    let meta = |key: &str| -> Result<Option<String>, StoreError> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| damaged(format!("its meta table cannot be read: {e}")))
    };
    let version = meta("schema_version")?
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| damaged("it has no schema version".into()))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
        });
    }
    if version < 1 || version != user_version {
        return Err(damaged(format!(
            "schema {version} (user_version {user_version}) is not one this freshmock can read"
        )));
    }
    let stored = meta("fixtures_fingerprint")?.unwrap_or_default();
    if stored != fingerprint {
        return Err(StoreError::OtherFixtures {
            path: path.to_owned(),
            stored,
            current: fingerprint.to_owned(),
        });
    }
    // SQLite's own JSON functions, in C: a few milliseconds for thousands of tickets, where
    // reading every document into a ticket would cost more than the rest of the start.
    // A document that parses as an object of the right id but not as a ticket is named by
    // the read that meets it ([`Store::tickets`]).
    let bad_ticket: Option<i64> = conn
        .query_row(
            "SELECT id FROM tickets WHERE CASE WHEN json_valid(doc)
                 THEN json_type(doc) != 'object' OR json_extract(doc, '$.id') IS NOT id
                 ELSE 1 END
             ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(sql)?;
    if let Some(id) = bad_ticket {
        return Err(damaged(format!(
            "ticket {id}'s doc column is not the JSON document freshmock wrote"
        )));
    }
    Ok(if version < SCHEMA_VERSION {
        Found::Older
    } else {
        Found::Ours
    })
}

fn another_program(app_id: i32) -> String {
    format!("an SQLite database of another program (application_id {app_id:#x}, freshmock's is {APPLICATION_ID:#x})")
}

/// A file freshmock may read but not write stops the start here, in words, rather than as
/// the "disk I/O error" SQLite meets later. Opening for writing changes nothing in the file.
fn refuse_read_only(path: &Path) -> Result<(), StoreError> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(read_only(path, e.to_string()))
        }
        Err(_) => Ok(()),
    }
}

fn read_only(path: &Path, detail: String) -> StoreError {
    StoreError::Fault {
        kind: FaultKind::ReadOnly,
        path: path.display().to_string(),
        detail,
    }
}

/// Why a database's schema is not freshmock's.
enum SchemaProblem {
    Missing(String),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for SchemaProblem {
    fn from(e: rusqlite::Error) -> SchemaProblem {
        SchemaProblem::Sqlite(e)
    }
}

/// Every table and column [`SCHEMA`] makes is in `conn` with its type: the expected list
/// is [`SCHEMA`] itself, made in memory (under a millisecond), so it cannot drift.
fn check_schema(conn: &Connection, version: i64) -> Result<(), SchemaProblem> {
    let expected = Connection::open_in_memory()?;
    expected.execute_batch(SCHEMA)?;
    if version >= 2 {
        expected.execute_batch(SCHEMA_2)?;
    }
    if version >= 3 {
        expected.execute_batch(SCHEMA_3)?;
    }
    let columns = |db: &Connection, table: &str| -> rusqlite::Result<Vec<(String, String)>> {
        db.prepare("SELECT name, upper(type) FROM pragma_table_info(?1)")?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    };
    let tables: Vec<String> = expected
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let found = columns(conn, &table)?;
        if found.is_empty() {
            return Err(SchemaProblem::Missing(format!(
                "its table {table} is missing"
            )));
        }
        for (name, kind) in columns(&expected, &table)? {
            if !found.iter().any(|(n, k)| *n == name && *k == kind) {
                return Err(SchemaProblem::Missing(format!(
                    "its table {table} has no column {name} {kind}"
                )));
            }
        }
    }
    Ok(())
}

/// Turns an SQLite error met while opening into a clear start-up error naming the file.
fn classify(path: &Path, err: rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::Foreign {
            path: path.to_owned(),
            detail: "it is not an SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path: path.to_owned(),
            detail: sqlite_words(&err),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy {
            path: path.to_owned(),
        },
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => StoreError::Directory {
            path: path.to_owned(),
            detail: sqlite_words(&err),
        },
        _ => fault(&path.display().to_string(), err),
    }
}

/// Brings a schema-1 or -2 database to the current schema, in one transaction.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let run = || -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN")?;
        let from: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if from < 2 {
            conn.execute_batch(SCHEMA_2)?;
        }
        conn.execute_batch(SCHEMA_3)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [SCHEMA_VERSION.to_string()],
        )?;
        conn.execute_batch("COMMIT")
    };
    run().inspect_err(|_| {
        let _ = conn.execute_batch("ROLLBACK");
    })
}

/// Makes freshmock's schema in a new database, in one transaction.
fn create_schema(conn: &Connection, fingerprint: &str) -> rusqlite::Result<()> {
    let init = || -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN")?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(SCHEMA_2)?;
        conn.execute_batch(SCHEMA_3)?;
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
    init().inspect_err(|_| {
        let _ = conn.execute_batch("ROLLBACK");
    })
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
            agent: AgentTicketFields::default(),
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
    fn a_schema_1_database_is_brought_up_to_date_and_keeps_its_data() {
        let (_tmp, location) = dir_with_db();
        let Location::Dir(dir) = &location else {
            unreachable!()
        };
        std::fs::create_dir_all(dir).unwrap();
        {
            // What freshmock 0.x (schema 1) made.
            let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(SCHEMA).unwrap();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('fixtures_fingerprint', ?1)",
                [FP],
            )
            .unwrap();
            conn.execute("INSERT INTO hits (article_id, count) VALUES (3, 4)", [])
                .unwrap();
        }
        let store = Store::open(location.clone(), FP).unwrap();
        assert_eq!(store.hits().unwrap()[&3], 4);
        let record = Record {
            kind: RecordKind::Article,
            id: 9,
            doc: None,
        };
        store.put_records(std::slice::from_ref(&record)).unwrap();
        drop(store);
        let store = Store::open(location, FP).unwrap();
        assert_eq!(store.records().unwrap(), vec![record]);
    }

    #[test]
    fn a_record_written_again_moves_to_the_end() {
        let store = Store::in_memory(FP).unwrap();
        let record = |id, doc: Option<Value>| Record {
            kind: RecordKind::Folder,
            id,
            doc,
        };
        store
            .put_records(&[
                record(1, Some(serde_json::json!({"a": 1}))),
                record(2, None),
            ])
            .unwrap();
        store.put_records(&[record(1, None)]).unwrap();
        assert_eq!(
            store.records().unwrap(),
            vec![record(2, None), record(1, None)]
        );
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
        let before = std::fs::read(dir.join(FILE_NAME)).unwrap();
        let err = Store::open(location.clone(), FP).unwrap_err();
        assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
        // Not even switched to write-ahead logging (header bytes 18 and 19 stay 1).
        let after = std::fs::read(dir.join(FILE_NAME)).unwrap();
        assert_eq!(after[18..20], [1, 1]);
        assert!(before == after, "the other program's database changed");
        assert!(!dir.join(format!("{FILE_NAME}-wal")).exists());
    }

    /// The data directory's file, for tests that damage it.
    fn file_of(location: &Location) -> PathBuf {
        let Location::Dir(dir) = location else {
            unreachable!()
        };
        dir.join(FILE_NAME)
    }

    /// Makes a store with one ticket, changes the file with `damage` (SQL), and opens it again.
    fn reopen_after(damage: &str) -> (tempfile::TempDir, PathBuf, Vec<u8>, StoreError) {
        let (tmp, location) = dir_with_db();
        let store = Store::open(location.clone(), FP).unwrap();
        store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
        drop(store);
        let file = file_of(&location);
        let other = Connection::open(&file).unwrap();
        other.execute_batch(damage).unwrap();
        drop(other);
        let before = std::fs::read(&file).unwrap();
        let err = Store::open(location, FP).unwrap_err();
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{damage} then opening changed the file"
        );
        (tmp, file, before, err)
    }

    #[test]
    fn a_dropped_table_is_refused_at_start_naming_the_file_and_the_table() {
        let (_tmp, file, _, err) = reopen_after("DROP TABLE hits");
        assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(file.to_str().unwrap()), "{message}");
        assert!(message.contains("table hits is missing"), "{message}");
        assert!(message.contains("move it aside"), "{message}");
    }

    #[test]
    fn a_missing_column_is_refused_at_start() {
        let (_tmp, _, _, err) = reopen_after("ALTER TABLE contacts DROP COLUMN created_by");
        assert!(
            err.to_string()
                .contains("table contacts has no column created_by TEXT"),
            "{err}"
        );
    }

    #[test]
    fn a_ticket_row_that_is_not_json_is_refused_at_start_naming_the_row() {
        let (_tmp, file, _, err) = reopen_after("UPDATE tickets SET doc = '{not json'");
        assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(file.to_str().unwrap()), "{message}");
        assert!(message.contains("ticket 1's doc column"), "{message}");
    }

    #[test]
    fn a_ticket_document_that_is_not_a_ticket_names_the_file_and_row_when_read() {
        let (_tmp, location) = dir_with_db();
        drop(Store::open(location.clone(), FP).unwrap());
        let other = Connection::open(file_of(&location)).unwrap();
        other
            .execute_batch(
                "INSERT INTO tickets (id, requester_id, email, created_at, doc)
                 VALUES (7, 1, 'a@example.com', 0, '{\"id\": 7}')",
            )
            .unwrap();
        drop(other);
        let store = Store::open(location.clone(), FP).unwrap();
        let err = store.tickets(None).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Record { .. }), "{message}");
        assert!(
            message.contains(file_of(&location).to_str().unwrap()),
            "{message}"
        );
        assert!(message.contains("ticket 7"), "{message}");
    }

    #[test]
    fn a_row_of_the_wrong_type_names_the_file_and_table() {
        let (_tmp, location) = dir_with_db();
        let store = Store::open(location.clone(), FP).unwrap();
        store.add_hit(3).unwrap();
        store
            .conn()
            .unwrap()
            .execute_batch("UPDATE hits SET count = 'many'")
            .unwrap();
        let message = store.hits().unwrap_err().to_string();
        assert!(message.contains("a row of hits"), "{message}");
        assert!(
            message.contains(file_of(&location).to_str().unwrap()),
            "{message}"
        );
    }

    #[test]
    fn a_database_killed_before_its_first_checkpoint_still_opens() {
        let (tmp, location) = dir_with_db();
        let store = Store::open(location.clone(), FP).unwrap();
        store.add_hit(3).unwrap();
        // A copy taken while the server runs is what a SIGKILL leaves: the id and schema
        // are in the write-ahead log, the file's header does not have them yet.
        let copy = tmp.path().join("copy");
        std::fs::create_dir_all(&copy).unwrap();
        for suffix in ["", "-wal"] {
            let name = format!("{FILE_NAME}{suffix}");
            std::fs::copy(file_of(&location).with_file_name(&name), copy.join(&name)).unwrap();
        }
        let header = std::fs::read(copy.join(FILE_NAME)).unwrap();
        assert_eq!(
            header[68..72],
            [0, 0, 0, 0],
            "the header already has the id"
        );
        let reopened = Store::open(Location::Dir(copy), FP).unwrap();
        assert_eq!(reopened.hits().unwrap()[&3], 1);
    }

    #[test]
    fn a_full_disk_is_a_fault_naming_the_file() {
        let (_tmp, location) = dir_with_db();
        let store = Store::open(location.clone(), FP).unwrap();
        store.add_hit(1).unwrap();
        // SQLite's own limit on the file's pages answers SQLITE_FULL as a full disk does.
        {
            let conn = store.conn().unwrap();
            let pages: i64 = conn
                .pragma_query_value(None, "page_count", |r| r.get(0))
                .unwrap();
            conn.pragma_update(None, "max_page_count", pages).unwrap();
        }
        let (d, content) = draft(5, "c", &[7u8; 64 * 1024]);
        let err = store
            .add_attachment(&d, &mut content.as_slice())
            .unwrap_err();
        assert!(err.is_disk_full(), "{err:?}");
        let message = err.to_string();
        let file = file_of(&location);
        assert!(
            message.starts_with(&format!("disk full writing {}", file.display())),
            "{message}"
        );
        assert!(message.contains("SQLITE_FULL"), "{message}");
    }

    /// What SQLite answers when the disk fills while the start makes the schema (the
    /// integration suite meets this path through a file-size limit, which SQLite reports as
    /// a refused write).
    #[test]
    fn a_full_disk_at_start_names_the_file() {
        let path = Path::new("/data/freshmock.sqlite");
        let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(13), None);
        let err = classify(path, full);
        assert!(err.is_disk_full());
        assert!(
            err.to_string()
                .starts_with("disk full writing /data/freshmock.sqlite: free some space"),
            "{err}"
        );
        let refused = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(778), None);
        let message = classify(path, refused).to_string();
        assert!(
            message.starts_with("disk I/O error writing /data/freshmock.sqlite"),
            "{message}"
        );
        assert!(message.contains("SQLITE_IOERR_WRITE (778)"), "{message}");
    }

    #[test]
    fn a_read_only_database_says_so_and_names_the_file() {
        let (_tmp, location) = dir_with_db();
        let store = Store::open(location.clone(), FP).unwrap();
        // What a file that cannot be written answers (chmod does not stop root).
        store
            .conn()
            .unwrap()
            .pragma_update(None, "query_only", true)
            .unwrap();
        let err = store.add_hit(1).unwrap_err();
        let message = err.to_string();
        assert!(!err.is_disk_full());
        assert!(
            message.starts_with(&format!(
                "cannot write {}: it is read-only",
                file_of(&location).display()
            )),
            "{message}"
        );
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
