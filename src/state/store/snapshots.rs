//! A state snapshot's tables: every data table out as JSON, and back in.

use rusqlite::OptionalExtension;
use serde_json::Value;

use super::schema::{set_meta, DATA_TABLES, FIRST_BAD_TICKET};
use super::{Store, StoreError};

impl Store {
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
                    FIRST_BAD_TICKET,
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
}
