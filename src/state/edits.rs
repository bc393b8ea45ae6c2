//! Edits of the knowledge base and the companies through the agent API: one at a time,
//! indexed, then durable.

use std::sync::Arc;

use super::loader;
use super::world::catalog_record;
use super::{AppState, EditError};
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::Id;
use crate::domain::solutions::{Change, Kind};
use crate::state::events::Event;
use crate::state::store::Record;

impl AppState {
    pub(super) fn edits(&self) -> std::sync::MutexGuard<'_, ()> {
        self.inner.edits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the knowledge base or the companies: `edit` looks at the catalog as it is
    /// (and may take new ids from the counter it is given) and says what to change, or
    /// refuses; the changes are then applied, the search index updated for the articles
    /// they touch, and the records committed to the store, in that order, one edit at a
    /// time. When this returns the change is durable and searchable; the new catalog and
    /// `edit`'s value are returned. A store failure puts the index back and changes
    /// nothing.
    pub async fn edit_catalog<T: Send + 'static, E: Send + 'static>(
        &self,
        by: String,
        edit: impl FnOnce(&Catalog, &mut Id) -> Result<(Vec<Change>, T), E> + Send + 'static,
    ) -> Result<(Arc<Catalog>, T), EditError<E>> {
        // On the editor thread, not the blocking pool (see `loader`): the memory an edit
        // frees is reused by the next one instead of kept in a pool thread's arena.
        let state = self.clone();
        let (catalog, value, changes) = self
            .inner
            .editor
            .run(move || state.edit_catalog_now(edit))
            .await
            .unwrap_or_else(|loader::JobPanicked| panic!("an edit of the catalog panicked"))?;
        for change in &changes {
            let (kind, id, doc) = change.record();
            self.events().publish(Event::Knowledge {
                kind: match kind {
                    Kind::Category => "category",
                    Kind::Folder => "folder",
                    Kind::Article => "article",
                    Kind::Company => "company",
                },
                id,
                deleted: doc.is_none(),
                by: by.clone(),
            });
        }
        Ok((catalog, value))
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn edit_catalog_now<T, E>(
        &self,
        edit: impl FnOnce(&Catalog, &mut Id) -> Result<(Vec<Change>, T), E>,
    ) -> Result<(Arc<Catalog>, T, Vec<Change>), EditError<E>> {
        let _edits = self.edits();
        let (current, mut next_id) = {
            let world = self.read();
            (world.catalog.clone(), world.next_record_id)
        };
        let (changes, value) = edit(&current, &mut next_id).map_err(EditError::Refused)?;
        if changes.is_empty() {
            return Ok((current, value, changes));
        }
        let started = std::time::Instant::now();
        let (edited, touched) = current.edited(&changes).map_err(EditError::Search)?;
        let edited = Arc::new(edited);
        let indexed = started.elapsed();
        let records: Vec<Record> = changes.iter().map(catalog_record).collect();
        let mut world = self.write();
        if let Err(err) = self.inner.store.put_records(&records) {
            drop(world);
            // The index holds the changes the store refused: back to the catalog as it is.
            if let Err(search) = current.reindex(&touched) {
                tracing::error!("putting the search index back failed: {search}");
            }
            return Err(EditError::Store(err));
        }
        world.catalog = edited.clone();
        world.next_record_id = world.next_record_id.max(next_id);
        drop(world);
        tracing::debug!(
            changes = changes.len(),
            articles = touched.len(),
            catalog_and_index_us = indexed.as_micros() as u64,
            total_us = started.elapsed().as_micros() as u64,
            "knowledge base edited"
        );
        Ok((edited, value, changes))
    }
}
