//! The tables, the schema's version, and how a database of an older schema is brought up to
//! date or a new one made.

use rusqlite::{params, Connection, Transaction};

use super::conversations::SCHEMA_3;
use super::StoreError;

/// `PRAGMA application_id`: "FrMk". Tells freshmock's databases from any other SQLite file.
pub const APPLICATION_ID: i32 = 0x4672_4d6b;

/// Bumped when the schema changes; a newer database is refused rather than misread.
pub const SCHEMA_VERSION: i64 = 3;

pub(super) const SCHEMA: &str = "
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
pub(super) const SCHEMA_2: &str = "
CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    doc TEXT,
    UNIQUE (kind, id)
);
";

/// Tables cleared by a reset (everything but `meta`).
pub(super) const DATA_TABLES: [&str; 10] = [
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

/// Why a database's schema is not freshmock's.
pub(super) enum SchemaProblem {
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
pub(super) fn check_schema(conn: &Connection, version: i64) -> Result<(), SchemaProblem> {
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

/// Brings a schema-1 or -2 database to the current schema, in one transaction.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
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
pub(super) fn create_schema(conn: &Connection, fingerprint: &str) -> rusqlite::Result<()> {
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

pub(super) fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The first stored ticket whose document is not a JSON object carrying its row's id:
/// checked by SQLite's own JSON functions, in C, when a data directory opens and when a
/// snapshot is put back, so a damaged row is named before anything reads it.
pub(super) const FIRST_BAD_TICKET: &str = "SELECT id FROM tickets WHERE CASE WHEN json_valid(doc)
     THEN json_type(doc) != 'object' OR json_extract(doc, '$.id') IS NOT id
     ELSE 1 END
 ORDER BY id LIMIT 1";
