//! A state snapshot: everything the API changed and the clock, out as one JSON document
//! and back in (`GET`/`PUT /_freshmock/state`).

use super::world::{catalog_changes, World};
use super::AppState;
use crate::state::events::{ClockInfo, Event};
use crate::state::store::StoreError;

/// The version of the state documents [`AppState::export_state`] writes.
pub const SNAPSHOT_VERSION: u32 = 1;

impl AppState {
    /// Everything the API changed (tickets with their attachments, contacts created, names
    /// synced, hits, votes, the secret and those it replaced) and the clock, as one JSON
    /// document that [`AppState::import_state`] restores: a test suite's saved state.
    pub async fn export_state(&self) -> Result<serde_json::Value, StoreError> {
        self.blocking(|state| {
            // Writers hold the world's lock: reading under it gives one consistent moment.
            let _world = state.read();
            let tables = state.inner.store.export_tables()?;
            let clock = ClockInfo::read(state.clock());
            let fingerprint = state.baseline().fingerprint;
            Ok(serde_json::json!({
                "freshmock_state": SNAPSHOT_VERSION,
                "fixtures": fingerprint,
                "clock": { "now_ms": clock.now_ms, "frozen": clock.frozen },
                "tables": tables,
            }))
        })
        .await
    }

    /// Restores a document [`AppState::export_state`] wrote, made with the fixtures loaded
    /// now; everything the API changed since is forgotten. A document that does not fit is
    /// [`StoreError::Snapshot`] and changes nothing.
    pub async fn import_state(&self, document: serde_json::Value) -> Result<(), StoreError> {
        self.blocking(move |state| state.import_state_now(&document))
            .await
    }

    pub(super) fn import_state_now(&self, document: &serde_json::Value) -> Result<(), StoreError> {
        let bad = |why: String| StoreError::Snapshot(why);
        if document["freshmock_state"] != SNAPSHOT_VERSION {
            return Err(bad(format!(
                "not a freshmock state document of version {SNAPSHOT_VERSION} (\"freshmock_state\": {})",
                document["freshmock_state"]
            )));
        }
        let mut baseline = self.baseline();
        if document["fixtures"].as_str() != Some(baseline.fingerprint.as_str()) {
            return Err(bad(format!(
                "the state was saved with other fixtures (fingerprint {}, the fixtures loaded now have {}): load those fixtures first",
                document["fixtures"], baseline.fingerprint
            )));
        }
        let clock = &document["clock"];
        let (Some(now_ms), Some(frozen)) = (clock["now_ms"].as_i64(), clock["frozen"].as_bool())
        else {
            return Err(bad(
                "\"clock\" must be {\"now_ms\": <epoch milliseconds>, \"frozen\": <bool>}".into(),
            ));
        };
        crate::domain::clock::in_range(Some(now_ms), || format!("clock.now_ms {now_ms}"))
            .map_err(|e| bad(e.to_string()))?;
        let Some(tables) = document["tables"].as_object() else {
            return Err(bad("\"tables\" must be an object of tables".into()));
        };
        let _edits = self.edits();
        let mut world = self.write();
        self.inner
            .store
            .import_tables(tables, &baseline.fingerprint)?;
        let overlay = self.inner.store.overlay()?;
        let changes = catalog_changes(&overlay)?;
        let edited = self.unshare_baseline_index(&world, &mut baseline);
        *world = World::from_baseline(&baseline, &overlay, &changes);
        drop(world);
        if edited && changes.is_empty() {
            baseline.catalog.start_indexing();
        }
        if frozen {
            self.clock().freeze();
        } else {
            self.clock().unfreeze();
        }
        // Checked above: within the range.
        let _ = self.clock().set(now_ms);
        self.inner.rate.clear();
        self.events().publish(Event::Reset);
        self.publish_clock();
        Ok(())
    }
}
