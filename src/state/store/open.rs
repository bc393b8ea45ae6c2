//! Where a store lives and how it is opened: an existing file is read without writing a byte
//! before it is opened for writing; and the few private paths every query goes through
//! (`read`, `write`), which name the file in every error.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, MAIN_DB};
use sha2::{Digest, Sha256};

use super::error::{fault, sqlite_words, FaultKind};
use super::schema::{
    check_schema, create_schema, migrate, set_meta, SchemaProblem, APPLICATION_ID, DATA_TABLES,
    FIRST_BAD_TICKET, SCHEMA_VERSION,
};
use super::{Store, StoreError};
use crate::domain::fixtures::FixtureSet;

/// The database file inside `--data-dir`.
pub const FILE_NAME: &str = "freshmock.sqlite";

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
pub(super) const IN_MEMORY: &str = "in-memory";

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
    pub(super) fn located(&self, err: StoreError) -> StoreError {
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
    pub(super) fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
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
    pub(super) fn read<T>(
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
    pub(super) fn is_untouched(&self) -> bool {
        self.unprepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Runs `f` in one transaction, committed before returning.
    pub(super) fn write<T>(
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
        .query_row(FIRST_BAD_TICKET, [], |r| r.get(0))
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

/// Turns an SQLite error met while opening into a clear start-up error naming the file.
pub(super) fn classify(path: &Path, err: rusqlite::Error) -> StoreError {
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
