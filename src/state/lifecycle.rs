//! The fixtures' lifecycle: reset, a new fixture set (parsed, validated and indexed on the
//! loader thread before anything changes), and the search index's start.

use std::sync::Arc;

use super::world::{Baseline, World};
use super::{indexer, loader};
use super::{AppState, FixturesRefused, StartError};
use crate::domain::catalog::Catalog;
use crate::domain::fixtures::validate::is_valid_secret;
use crate::domain::fixtures::FixtureSet;
use crate::domain::language::Lang;
use crate::state::events::Event;
use crate::state::store::{Overlay, StoreError};

impl AppState {
    /// Back to the loaded fixtures: users, secret and clock as at start-up, and every
    /// change made through the API forgotten (in the store too). A store failure leaves
    /// memory as it was and is returned.
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.blocking(AppState::reset_now).await
    }

    /// When the world's catalog was edited through the agent API, the index the fixtures'
    /// catalog shares holds those edits: the fixtures get a catalog with an index of their
    /// own (built on its thread), before the world goes back to them. Whether it did.
    pub(super) fn unshare_baseline_index(&self, world: &World, baseline: &mut Baseline) -> bool {
        let edited = !Arc::ptr_eq(&world.catalog, &baseline.catalog)
            && world.catalog.shares_index_with(&baseline.catalog);
        if edited {
            baseline.catalog = Arc::new(baseline.catalog.fresh());
            self.inner
                .baseline
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .catalog = baseline.catalog.clone();
        }
        edited
    }

    pub(super) fn reset_now(&self) -> Result<(), StoreError> {
        let _edits = self.edits();
        let mut baseline = self.baseline();
        let mut world = self.write();
        self.inner.store.clear(&baseline.fingerprint)?;
        let edited = self.unshare_baseline_index(&world, &mut baseline);
        *world = World::from_baseline(&baseline, &Overlay::default(), &[]);
        drop(world);
        if edited {
            baseline.catalog.start_indexing();
        }
        self.clock().reset();
        self.inner.rate.clear();
        self.events().publish(Event::Reset);
        self.publish_clock();
        Ok(())
    }

    /// Runs on a new fixture set, given as a JSON document, from now on (and after every
    /// reset). The document is parsed, validated and indexed on the loader thread (see
    /// [`loader`]), one replacement at a time, before anything changes, so a bad one changes
    /// nothing. Everything the API changed is forgotten, in the store too, which then
    /// belongs to the new fixtures. Returns the number of articles.
    pub async fn replace_fixtures(&self, document: Vec<u8>) -> Result<usize, FixturesRefused> {
        self.on_loader(move |state| {
            let value: serde_json::Value =
                serde_json::from_slice(&document).map_err(FixturesRefused::NotJson)?;
            let set = FixtureSet::from_document(&value)
                .map_err(|e| FixturesRefused::Invalid(e.to_string()))?;
            drop(value);
            state.install_fixtures(set)
        })
        .await
    }

    /// Runs on a fixture set already read (a `--watch` reload), as
    /// [`AppState::replace_fixtures`] does with a document: validated and indexed on the
    /// loader thread before anything changes. Returns the number of articles.
    pub async fn load_fixtures(&self, set: FixtureSet) -> Result<usize, FixturesRefused> {
        self.on_loader(move |state| state.install_fixtures(set))
            .await
    }

    /// Runs `job` on the loader thread, one fixture replacement at a time.
    pub(super) async fn on_loader(
        &self,
        job: impl FnOnce(&AppState) -> Result<usize, FixturesRefused> + Send + 'static,
    ) -> Result<usize, FixturesRefused> {
        let state = self.clone();
        self.inner
            .loader
            .run(move || job(&state))
            .await
            .map_err(|loader::JobPanicked| {
                FixturesRefused::Fault("replacing the fixture set panicked (a bug)".into())
            })?
    }

    /// Validates, indexes and installs `set`; the number of its articles.
    pub(super) fn install_fixtures(&self, set: FixtureSet) -> Result<usize, FixturesRefused> {
        let articles = set.articles().count();
        self.replace_fixtures_now(set)
            .map(|()| articles)
            .map_err(|e| match e {
                StartError::Store(e) => FixturesRefused::Store(e),
                other => FixturesRefused::Invalid(other.to_string()),
            })
    }

    /// Tells the log and every listener (the dashboard, tests on the event stream) that a
    /// changed fixture folder was not loaded, and why; the old set stays.
    pub fn fixtures_refused(&self, reason: String) {
        tracing::warn!("the changed fixtures were not loaded, the old set stays: {reason}");
        self.events().publish(Event::FixturesRefused { reason });
    }

    pub(super) fn replace_fixtures_now(&self, fixtures: FixtureSet) -> Result<(), StartError> {
        if !is_valid_secret(&fixtures.account.widget_secret) {
            return Err(StartError::Secret(fixtures.account.widget_secret.clone()));
        }
        let secret = fixtures.account.widget_secret.clone();
        let fingerprint = self.inner.store.location().fingerprint(&fixtures);
        let catalog = Arc::new(Catalog::build(fixtures)?.with_indexer(indexer::in_background()));
        let baseline = Baseline {
            catalog,
            secret,
            fingerprint,
        };
        let _edits = self.edits();
        let mut world = self.write();
        self.inner.store.clear(&baseline.fingerprint)?;
        *self
            .inner
            .baseline
            .write()
            .unwrap_or_else(|e| e.into_inner()) = baseline.clone();
        *world = World::from_baseline(&baseline, &Overlay::default(), &[]);
        drop(world);
        self.events().publish(Event::Fixtures);
        Ok(())
    }

    pub(super) fn baseline(&self) -> Baseline {
        self.inner
            .baseline
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Starts building the search index on a thread of its own (see [`Catalog::load`]).
    pub fn start_indexing(&self) {
        self.catalog().start_indexing();
    }

    /// Returns once `catalog` answers searches in `lang` at once: a search that arrives just
    /// after start-up waits for its own language's index on the blocking pool, not on a
    /// runtime thread, and not for the other languages. The catalog is the one the call
    /// holds, so a fixture replacement meanwhile cannot make it wait for another.
    pub async fn indexed_in(&self, catalog: &Arc<Catalog>, lang: Lang) {
        if catalog.is_indexed_in(lang) {
            return;
        }
        let catalog = catalog.clone();
        self.blocking(move |_| catalog.wait_indexed_in(lang)).await;
    }
}
