//! What goes wrong in the store, in words that name the file and say what to do next; and
//! SQLite's errors sorted into those kinds (a full disk answers 507, the rest 500).

use std::path::PathBuf;

use rusqlite::ErrorCode;

use super::schema::SCHEMA_VERSION;
#[cfg(doc)]
use super::Store;

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
pub(super) fn fault(path: &str, err: rusqlite::Error) -> StoreError {
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
pub(super) fn sqlite_words(err: &rusqlite::Error) -> String {
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
