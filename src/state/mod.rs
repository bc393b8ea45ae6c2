//! Everything the server holds, shared by every request: the clock, the loaded catalog,
//! the users, the widget secret and the store of what the API changed. Routes and the
//! control plane meet here.
//!
//! Lock order, everywhere: the world lock, then the store's. Changes to users and the secret
//! hold the world's write lock while the store commits, so memory never shows what the
//! database does not hold; counters hold its read lock, so a reset cannot interleave.

mod conversations;
pub mod events;
pub mod faults;
mod loader;
pub mod rate;
pub mod request_log;
pub mod store;

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde::Serialize;

use crate::domain::catalog::Catalog;
use crate::domain::clock::{Clock, ClockStart, Millis, OutOfRange};
use crate::domain::fixtures::validate::is_valid_secret;
use crate::domain::fixtures::{FixtureSet, Id};
use crate::domain::language::Lang;
use crate::domain::people::{ContactDoc, Directory, Role, User};
use crate::domain::search::SearchError;
use crate::domain::solutions::{Change, Kind};
use crate::domain::token::{AcceptedTokens, Claims, Keys, TokenError};
use crate::state::events::{ClockInfo, Event, EventBus};
use crate::state::faults::Faults;
use crate::state::rate::{Rate, RateLimit};
use crate::state::request_log::{RequestLog, DEFAULT_CAPACITY};
use crate::state::store::{
    AttachmentRecord, ContactRecord, Location, NewAttachment, Overlay, Record, RecordKind,
    SecretChange, Store, StoreError, TicketOutcome, TicketRecord, UserVote, Vote, Voter,
};

/// How a server starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub fixtures: FixtureSet,
    /// Overrides the fixtures' widget secret.
    pub secret: Option<String>,
    pub clock: ClockStart,
    /// Where changes are kept durably (`DIR/freshmock.sqlite`); in memory when `None`.
    pub data_dir: Option<PathBuf>,
    /// Whether the contact form's captcha is checked where the widget asks for it
    /// (`--no-captcha` turns it off).
    pub captcha: bool,
    /// Requests the request log keeps.
    pub request_log: usize,
    /// When set, the control API wants `Authorization: Bearer <token>`.
    pub control_token: Option<String>,
    /// Names served besides loopback ones while listening on loopback (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Listen beyond loopback without a control token (`--insecure-control`).
    pub insecure_control: bool,
    /// The largest fixture set `PUT /_freshmock/fixtures` takes, in bytes.
    pub max_fixtures_body: usize,
    /// How long connections may take or wait.
    pub timeouts: Timeouts,
    /// Widget calls a minute refused over (429), `None` to count only (`--rate-limit`).
    pub rate_limit: Option<u32>,
}

/// How long a connection may take to send a request's headers, and how long it may stay
/// silent, before freshmock closes it (so slow or idle sockets cannot pile up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the moment a connection waits for a request (a new one, or one kept alive
    /// after an answer) until the request's headers are in.
    pub header: Duration,
    /// Nothing read or written for this long, mid-request or mid-answer.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header: Duration::from_secs(30),
            idle: Duration::from_secs(120),
        }
    }
}

impl Config {
    /// Requests the request log keeps unless told otherwise.
    pub const DEFAULT_REQUEST_LOG: usize = DEFAULT_CAPACITY;
    /// The largest fixture set taken over HTTP unless told otherwise (the 6,000-article
    /// sets tests load are a few MB; `--fixtures DIR` has no limit).
    pub const DEFAULT_MAX_FIXTURES_BODY: usize = 64 * 1024 * 1024;

    /// The bundled demo account, real time, its own secret, state in memory, captcha on.
    pub fn bundled() -> Config {
        Config {
            fixtures: FixtureSet::bundled().expect("the bundled fixtures are valid"),
            secret: None,
            clock: ClockStart::System,
            data_dir: None,
            captcha: true,
            request_log: DEFAULT_CAPACITY,
            control_token: None,
            allow_hosts: Vec::new(),
            insecure_control: false,
            max_fixtures_body: Config::DEFAULT_MAX_FIXTURES_BODY,
            timeouts: Timeouts::default(),
            rate_limit: None,
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Fixtures(#[from] crate::domain::fixtures::FixtureError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the widget secret {0:?} is not 32 lowercase hexadecimal characters, as Freshdesk issues them")]
    Secret(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Clock(#[from] OutOfRange),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error("the control token is empty: give a non-empty --control-token, or none at all")]
    EmptyControlToken,
    #[error(
        "freshmock would listen on {0}, beyond this machine, with no control token: anyone \
         who can reach it could read the widget secret, mint tokens and reset the server. \
         Give --control-token (FRESHMOCK_CONTROL_TOKEN), or --insecure-control to accept that"
    )]
    ExposedControl(std::net::SocketAddr),
}

/// The version of the state documents [`AppState::export_state`] writes.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Why a fixture set was not taken.
#[derive(Debug, thiserror::Error)]
pub enum FixturesRefused {
    #[error("the fixture set is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("{0}")]
    Invalid(String),
    /// The store could not be cleared for the new set: a server fault.
    #[error(transparent)]
    Store(StoreError),
    /// A bug.
    #[error("{0}")]
    Fault(String),
}

/// The mutable part, swapped as a whole on reset.
#[derive(Debug)]
pub struct World {
    pub catalog: Arc<Catalog>,
    pub directory: Directory,
    pub secret: String,
    /// Replaced secrets and when (Unix seconds), to explain old tokens.
    pub former_secrets: Vec<(String, i64)>,
    /// Contacts as the agent API last wrote them (the others are derived from the
    /// directory when shown).
    pub contacts: HashMap<Id, ContactDoc>,
    /// The id the agent API gives the next category, folder, article or company (never
    /// one used before, deleted ones included, so a stored record cannot name two things).
    next_record_id: Id,
}

/// Why an edit of the knowledge base was not made.
#[derive(Debug)]
pub enum EditError<E> {
    /// The edit itself refused (what the caller asked does not fit the catalog).
    Refused(E),
    Store(StoreError),
    Search(SearchError),
}

/// The catalog changes the store's records describe, in the order they were written.
fn catalog_changes(overlay: &Overlay) -> Result<Vec<Change>, StoreError> {
    overlay
        .records
        .iter()
        .filter_map(|record| {
            let kind = match record.kind {
                RecordKind::Category => Kind::Category,
                RecordKind::Folder => Kind::Folder,
                RecordKind::Article => Kind::Article,
                RecordKind::Company => Kind::Company,
                RecordKind::Contact => return None,
            };
            Some(
                Change::from_record(kind, record.id, record.doc.as_ref()).map_err(|detail| {
                    StoreError::Record {
                        path: "the store".into(),
                        what: "a record of the agent API".into(),
                        detail,
                    }
                }),
            )
        })
        .collect()
}

/// The store's record of a catalog change.
fn catalog_record(change: &Change) -> Record {
    let (kind, id, doc) = change.record();
    Record {
        kind: match kind {
            Kind::Category => RecordKind::Category,
            Kind::Folder => RecordKind::Folder,
            Kind::Article => RecordKind::Article,
            Kind::Company => RecordKind::Company,
        },
        id,
        doc,
    }
}

impl World {
    /// The baseline with what the store remembers laid over it (`changes`: its catalog
    /// records, see [`catalog_changes`]).
    fn from_baseline(baseline: &Baseline, overlay: &Overlay, changes: &[Change]) -> World {
        let mut directory = Directory::from_fixtures(&baseline.catalog.fixtures);
        for contact in &overlay.contacts {
            directory.add_created(contact.id, &contact.name, &contact.email);
        }
        for (id, name) in &overlay.names {
            directory.sync_name(*id, name);
        }
        let contacts = replay_contacts(&mut directory, &overlay.records);
        let secret = overlay
            .secrets
            .last()
            .map_or_else(|| baseline.secret.clone(), |c| c.secret.clone());
        let catalog = if changes.is_empty() {
            baseline.catalog.clone()
        } else {
            Arc::new(baseline.catalog.changed_copy(changes))
        };
        let next_record_id = overlay
            .records
            .iter()
            .map(|r| r.id)
            .chain([catalog.highest_id(), baseline.catalog.highest_id()])
            .max()
            .unwrap_or(0)
            + 1;
        World {
            directory,
            catalog,
            next_record_id,
            secret,
            former_secrets: overlay
                .secrets
                .iter()
                .map(|c| (c.replaced.clone(), c.replaced_at))
                .collect(),
            contacts,
        }
    }

    pub fn keys(&self) -> Keys<'_> {
        Keys {
            current: &self.secret,
            former: &self.former_secrets,
        }
    }
}

#[derive(Debug)]
struct Inner {
    clock: Clock,
    world: RwLock<World>,
    /// Tokens accepted with the current secret (see [`AcceptedTokens`]).
    accepted: Mutex<AcceptedTokens>,
    /// What `reset` returns to: the fixtures and secret the server runs on.
    baseline: RwLock<Baseline>,
    store: Store,
    captcha: bool,
    events: EventBus,
    requests: RequestLog,
    faults: Faults,
    control_token: Option<String>,
    /// `--allow-host` names, normalised, and whether the server listens on loopback only.
    hosts: Hosts,
    max_fixtures_body: usize,
    timeouts: Timeouts,
    insecure_control: bool,
    rate: RateLimit,
    /// Where fixture sets are parsed, validated and indexed, one at a time.
    loader: loader::Loader,
    /// Held by each edit of the catalog, and by what replaces it (reset, new fixtures, a
    /// restored state): one edit at a time, each made from the catalog the last one left.
    edits: Mutex<()>,
}

#[derive(Debug)]
struct Hosts {
    loopback_only: AtomicBool,
    allowed: Vec<String>,
}

#[derive(Debug, Clone)]
struct Baseline {
    catalog: Arc<Catalog>,
    secret: String,
    fingerprint: String,
}

/// Cheap to clone; one per server.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// Loads the fixtures and opens the store; a data directory's changes are laid over the
    /// fixtures, and one that cannot be used stops the start with the reason. Ready to answer
    /// at once: the search index is built on a thread of its own once the server listens
    /// (or for the first search), and searches wait for it (see [`Catalog::load`]).
    pub fn new(config: Config) -> Result<AppState, StartError> {
        let secret = config
            .secret
            .unwrap_or_else(|| config.fixtures.account.widget_secret.clone());
        if !is_valid_secret(&secret) {
            return Err(StartError::Secret(secret));
        }
        if config.control_token.as_deref() == Some("") {
            return Err(StartError::EmptyControlToken);
        }
        let clock = Clock::new(config.clock)?;
        let location = config.data_dir.map_or(Location::Memory, Location::Dir);
        let fingerprint = location.fingerprint(&config.fixtures);
        // Indexed later, on a thread of its own: the server answers meanwhile.
        let catalog = Arc::new(Catalog::load(config.fixtures));
        let store = Store::open(location, &fingerprint)?;
        let overlay = store.overlay()?;
        let changes = catalog_changes(&overlay)?;
        if let Some(first) = overlay.secrets.first() {
            if first.replaced != secret {
                tracing::info!("the data directory's widget secret (reset through the API) replaces the one configured");
            }
        }
        let baseline = Baseline {
            catalog,
            secret,
            fingerprint,
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                clock,
                world: RwLock::new(World::from_baseline(&baseline, &overlay, &changes)),
                edits: Mutex::new(()),
                accepted: Mutex::default(),
                baseline: RwLock::new(baseline),
                store,
                captcha: config.captcha,
                events: EventBus::default(),
                requests: RequestLog::new(config.request_log),
                faults: Faults::default(),
                control_token: config.control_token,
                hosts: Hosts {
                    loopback_only: AtomicBool::new(true),
                    allowed: config.allow_hosts,
                },
                max_fixtures_body: config.max_fixtures_body,
                timeouts: config.timeouts,
                insecure_control: config.insecure_control,
                rate: RateLimit::new(config.rate_limit),
                loader: loader::Loader::default(),
            }),
        })
    }

    /// Caps the state store at about `bytes`: writes past it answer 507, as on a full disk
    /// (see [`Store::limit`]).
    pub fn limit_store(&self, bytes: u64) -> Result<(), StoreError> {
        self.inner.store.limit(bytes)
    }

    /// Runs `work` on the blocking pool: every method that touches SQLite or builds an
    /// index goes through here, so no caller can run it on a runtime thread by mistake (a
    /// durable commit waits for the disk; an index build takes seconds on a large set).
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&AppState) -> T + Send + 'static,
    ) -> T {
        let state = self.clone();
        match tokio::task::spawn_blocking(move || work(&state)).await {
            Ok(value) => value,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(err) => panic!("the blocking pool stopped under a running server: {err}"),
        }
    }

    /// Back to the loaded fixtures: users, secret and clock as at start-up, and every
    /// change made through the API forgotten (in the store too). A store failure leaves
    /// memory as it was and is returned.
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.blocking(AppState::reset_now).await
    }

    /// When the world's catalog was edited through the agent API, the index the fixtures'
    /// catalog shares holds those edits: the fixtures get a catalog with an index of their
    /// own (built on its thread), before the world goes back to them. Whether it did.
    fn unshare_baseline_index(&self, world: &World, baseline: &mut Baseline) -> bool {
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

    fn reset_now(&self) -> Result<(), StoreError> {
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
    async fn on_loader(
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
    fn install_fixtures(&self, set: FixtureSet) -> Result<usize, FixturesRefused> {
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

    fn replace_fixtures_now(&self, fixtures: FixtureSet) -> Result<(), StartError> {
        if !is_valid_secret(&fixtures.account.widget_secret) {
            return Err(StartError::Secret(fixtures.account.widget_secret.clone()));
        }
        let secret = fixtures.account.widget_secret.clone();
        let fingerprint = self.inner.store.location().fingerprint(&fixtures);
        let catalog = Arc::new(Catalog::build(fixtures)?);
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

    fn import_state_now(&self, document: &serde_json::Value) -> Result<(), StoreError> {
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

    fn baseline(&self) -> Baseline {
        self.inner
            .baseline
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn edits(&self) -> std::sync::MutexGuard<'_, ()> {
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
        let (catalog, value, changes) = self
            .blocking(move |state| state.edit_catalog_now(edit))
            .await?;
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
    fn edit_catalog_now<T, E>(
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

    /// Replaces the widget secret with a new random one (what Freshdesk's "reset secret"
    /// does): every token signed with the old one fails from now on. Durable before it
    /// returns.
    pub async fn rotate_secret(&self) -> Result<String, StoreError> {
        self.blocking(AppState::rotate_secret_now).await
    }

    fn rotate_secret_now(&self) -> Result<String, StoreError> {
        let now = self.clock().now_secs();
        let mut world = self.write();
        let change = SecretChange {
            secret: random_secret(),
            replaced: world.secret.clone(),
            replaced_at: now,
        };
        self.inner.store.rotate_secret(&change)?;
        world.former_secrets.push((change.replaced, now));
        world.secret = change.secret.clone();
        drop(world);
        self.events().publish(Event::Secret {
            rotated_at_ms: self.clock().now_ms(),
        });
        Ok(change.secret)
    }

    /// Whether ticket calls check the captcha where the widget asks for it.
    pub fn captcha_checked(&self) -> bool {
        self.inner.captcha
    }

    /// Bootstrap's log-in, atomically: an unknown email becomes a contact, a known active
    /// user gets the token's name.
    pub async fn log_in(&self, name: String, email: String) -> Result<LogIn, StoreError> {
        self.blocking(move |state| state.log_in_now(&name, &email))
            .await
    }

    fn log_in_now(&self, name: &str, email: &str) -> Result<LogIn, StoreError> {
        let now = self.clock().now_secs();
        let mut world = self.write();
        match world.directory.find_by_email(email).map(|u| User::clone(u)) {
            Some(user) if !user.may_use_widget() => Ok(LogIn::Refused(user)),
            Some(user) => {
                if user.name == name {
                    // A contact the agent API created is verified by its first log-in.
                    self.sync_contact_doc(&mut world, user.id, name, now)?;
                    return Ok(LogIn::Known(user));
                }
                self.inner.store.set_name(user.id, name, now)?;
                self.sync_contact_doc(&mut world, user.id, name, now)?;
                tracing::info!(email, from = %user.name, to = name, "bootstrap synced the name");
                let user = world
                    .directory
                    .sync_name(user.id, name)
                    .cloned()
                    .unwrap_or(user);
                Ok(LogIn::Known(user))
            }
            None => {
                let record = ContactRecord {
                    id: world.directory.next_created_id(),
                    name: name.to_owned(),
                    email: email.to_owned(),
                    created_by: "bootstrap".into(),
                    created_at: now,
                };
                self.inner.store.add_contact(&record)?;
                tracing::info!(email, id = record.id, "bootstrap created a contact");
                Ok(LogIn::Created(
                    world.directory.add_created(record.id, name, email).clone(),
                ))
            }
        }
    }

    /// Counts a view of an article.
    pub async fn count_hit(&self, article: Id) -> Result<(), StoreError> {
        self.blocking(move |state| {
            let _world = state.read();
            state.inner.store.add_hit(article).map(drop)
        })
        .await
    }

    /// Records a thumbs up or down on one translation (spec section 5 rules in the store).
    pub async fn record_vote(
        &self,
        article: Id,
        language: &'static str,
        voter: Voter,
        vote: Vote,
    ) -> Result<(), StoreError> {
        self.blocking(move |state| {
            let now = state.clock().now_secs();
            let _world = state.read();
            state.inner.store.vote(article, language, voter, vote, now)
        })
        .await?;
        self.events().publish(Event::Vote {
            article_id: article,
        });
        Ok(())
    }

    /// The hits now of the articles viewed since the fixtures loaded: their fixtures' count
    /// plus those counted since. An article missing from it still has its fixtures' count;
    /// leaving those out keeps this small when the fixtures hold 100,000 articles.
    pub async fn live_hits(&self) -> Result<HashMap<Id, u64>, StoreError> {
        self.blocking(AppState::live_hits_now).await
    }

    fn live_hits_now(&self) -> Result<HashMap<Id, u64>, StoreError> {
        let catalog = self.catalog();
        let counted = self.inner.store.hits()?;
        Ok(counted
            .into_iter()
            .filter_map(|(id, n)| Some((id, catalog.article(id)?.article.hits + n)))
            .collect())
    }

    /// Stores an uploaded draft attachment, reading its content from `content`.
    pub async fn save_attachment(
        &self,
        draft: NewAttachment,
        mut content: impl Read + Send + 'static,
    ) -> Result<AttachmentRecord, StoreError> {
        self.blocking(move |state| {
            let _world = state.read();
            state.inner.store.add_attachment(&draft, &mut content)
        })
        .await
    }

    /// Creates a ticket for `ticket.email`: the requester is the user with that email, or a
    /// new contact named `name` (the email's local part when absent) created with the
    /// ticket. Attachment drafts are claimed in the same transaction.
    pub async fn create_ticket(
        &self,
        ticket: TicketRecord,
        name: Option<String>,
    ) -> Result<TicketOutcome, StoreError> {
        let outcome = self
            .blocking(move |state| state.create_ticket_now(ticket, name.as_deref()))
            .await?;
        if let TicketOutcome::Created(ticket) = &outcome {
            self.events().publish(Event::Ticket { id: ticket.id });
        }
        Ok(outcome)
    }

    fn create_ticket_now(
        &self,
        mut ticket: TicketRecord,
        name: Option<&str>,
    ) -> Result<TicketOutcome, StoreError> {
        let mut world = self.write();
        let existing = world.directory.find_by_email(&ticket.email).map(|u| u.id);
        let new_contact = match existing {
            Some(id) => {
                ticket.requester_id = id;
                None
            }
            None => {
                // Assumed: like Freshdesk's contacts from email, a missing name is the
                // address's local part.
                let name = name.map(str::trim).filter(|n| !n.is_empty()).map_or_else(
                    || {
                        ticket
                            .email
                            .split('@')
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    },
                    str::to_owned,
                );
                let record = ContactRecord {
                    id: world.directory.next_created_id(),
                    name,
                    email: ticket.email.clone(),
                    created_by: "ticket".into(),
                    created_at: ticket.created_at,
                };
                ticket.requester_id = record.id;
                Some(record)
            }
        };
        let outcome = self
            .inner
            .store
            .create_ticket(ticket, new_contact.as_ref())?;
        if let (TicketOutcome::Created(_), Some(c)) = (&outcome, &new_contact) {
            tracing::info!(email = %c.email, id = c.id, "a ticket created a contact");
            world.directory.add_created(c.id, &c.name, &c.email);
        }
        Ok(outcome)
    }

    /// The votes on one article translation, with the names of the users who hold them.
    /// `None` when the article or the translation does not exist.
    pub async fn translation_votes(
        &self,
        article: Id,
        language: String,
    ) -> Result<Option<TranslationVotes>, StoreError> {
        self.blocking(move |state| state.translation_votes_now(article, &language))
            .await
    }

    fn translation_votes_now(
        &self,
        article: Id,
        language: &str,
    ) -> Result<Option<TranslationVotes>, StoreError> {
        let world = self.read();
        let Some(found) = world.catalog.article(article) else {
            return Ok(None);
        };
        let Some(tr) = found.article.translations.get(language) else {
            return Ok(None);
        };
        let tally = self.inner.store.tally(article, language)?;
        let named = |ids: &[Id]| -> Vec<VoterName> {
            ids.iter()
                .map(|id| VoterName {
                    id: *id,
                    name: world
                        .directory
                        .find_by_id(*id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                })
                .collect()
        };
        let total = |base: u64, counted: i64| (base as i64 + counted).max(0) as u64;
        Ok(Some(TranslationVotes {
            article_id: article,
            language: language.to_owned(),
            thumbs_up: total(tr.thumbs_up, tally.up),
            thumbs_down: total(tr.thumbs_down, tally.down),
            helpful: named(&tally.users_up),
            not_helpful: named(&tally.users_down),
        }))
    }

    // Inspection for the control plane: plain reads, serde-serialisable answers.

    /// Tickets created through the widget, oldest first; only one requester's when given.
    pub async fn tickets(
        &self,
        requester_email: Option<String>,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.tickets(requester_email.as_deref()))
            .await
    }

    /// Contacts the widget created (bootstrap, or a ticket from an unknown email).
    pub async fn created_contacts(&self) -> Result<Vec<ContactRecord>, StoreError> {
        self.blocking(|state| state.inner.store.contacts()).await
    }

    /// Uploaded attachments (drafts and those attached to tickets), without content.
    pub async fn attachments(&self) -> Result<Vec<AttachmentRecord>, StoreError> {
        self.blocking(|state| state.inner.store.attachments()).await
    }

    /// An uploaded attachment's content.
    pub async fn attachment_content(&self, id: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.blocking(move |state| state.inner.store.attachment_content(id))
            .await
    }

    /// Votes on every translation of an article.
    pub async fn article_votes(&self, article: Id) -> Result<Vec<TranslationVotes>, StoreError> {
        self.blocking(move |state| state.article_votes_now(article))
            .await
    }

    fn article_votes_now(&self, article: Id) -> Result<Vec<TranslationVotes>, StoreError> {
        let languages: Vec<String> = match self.catalog().article(article) {
            Some(found) => found.article.translations.keys().cloned().collect(),
            None => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        for language in languages {
            out.extend(self.translation_votes_now(article, &language)?);
        }
        Ok(out)
    }

    /// Votes on every translation of every article, in one trip to the store.
    pub async fn votes_by_article(&self) -> Result<HashMap<Id, Vec<TranslationVotes>>, StoreError> {
        self.blocking(|state| {
            let catalog = state.catalog();
            let mut out = HashMap::new();
            for (_, _, article) in catalog.fixtures.articles() {
                out.insert(article.id, state.article_votes_now(article.id)?);
            }
            Ok(out)
        })
        .await
    }

    /// Votes on every translation of these articles, in one trip to the store (an
    /// article that does not exist has none).
    pub async fn votes_of_articles(
        &self,
        ids: Vec<Id>,
    ) -> Result<HashMap<Id, Vec<TranslationVotes>>, StoreError> {
        self.blocking(move |state| {
            let mut out = HashMap::new();
            for id in ids {
                out.insert(id, state.article_votes_now(id)?);
            }
            Ok(out)
        })
        .await
    }

    /// Every vote a customer (or agent) holds.
    pub async fn customer_votes(&self, user: Id) -> Result<Vec<UserVote>, StoreError> {
        self.blocking(move |state| state.inner.store.votes_of(user))
            .await
    }

    /// Hits of every article: the fixtures' count, those counted since, and the total.
    pub async fn article_hits(&self) -> Result<Vec<ArticleHits>, StoreError> {
        self.blocking(AppState::article_hits_now).await
    }

    fn article_hits_now(&self) -> Result<Vec<ArticleHits>, StoreError> {
        let catalog = self.catalog();
        let counted = self.inner.store.hits()?;
        let mut out: Vec<ArticleHits> = catalog
            .fixtures
            .articles()
            .map(|(_, _, a)| {
                let since = counted.get(&a.id).copied().unwrap_or(0);
                ArticleHits {
                    article_id: a.id,
                    fixture_hits: a.hits,
                    counted: since,
                    hits: a.hits + since,
                }
            })
            .collect();
        out.sort_by_key(|h| h.article_id);
        Ok(out)
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.events
    }

    pub fn requests(&self) -> &RequestLog {
        &self.inner.requests
    }

    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    pub fn control_token(&self) -> Option<&str> {
        self.inner.control_token.as_deref()
    }

    /// Called by the server once it knows its address: listening on loopback turns the
    /// `Host` check on; listening beyond it needs a control token unless the configuration
    /// says `insecure_control` (then it warns).
    pub fn listening_on(&self, addr: std::net::SocketAddr) -> Result<(), StartError> {
        let loopback = addr.ip().is_loopback();
        if !loopback && self.inner.control_token.is_none() {
            if !self.inner.insecure_control {
                return Err(StartError::ExposedControl(addr));
            }
            tracing::warn!(
                "listening on {addr} with no control token (--insecure-control): anyone who \
                 can reach this address can read the widget secret, mint tokens and reset \
                 the server"
            );
        }
        self.inner
            .hosts
            .loopback_only
            .store(loopback, Ordering::Relaxed);
        Ok(())
    }

    /// Whether only loopback `Host`s (and the allowed names) are served.
    pub fn loopback_only(&self) -> bool {
        self.inner.hosts.loopback_only.load(Ordering::Relaxed)
    }

    /// The `--allow-host` names.
    pub fn allowed_hosts(&self) -> &[String] {
        &self.inner.hosts.allowed
    }

    /// The largest fixture set taken over HTTP, in bytes.
    pub fn max_fixtures_body(&self) -> usize {
        self.inner.max_fixtures_body
    }

    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// Counts a widget call against the minute's allowance (see [`rate`]).
    pub fn take_rate(&self) -> Rate {
        self.inner.rate.take(self.clock().now_ms())
    }

    fn publish_clock(&self) {
        self.events()
            .publish(Event::Clock(ClockInfo::read(self.clock())));
    }

    /// Jumps the clock to `at` (epoch milliseconds) and tells listeners.
    pub fn set_clock(&self, at: Millis) -> Result<(), OutOfRange> {
        self.clock().set(at)?;
        self.publish_clock();
        Ok(())
    }

    /// Moves the clock by `by_ms` and tells listeners.
    pub fn advance_clock(&self, by_ms: i64) -> Result<(), OutOfRange> {
        self.clock().advance(by_ms)?;
        self.publish_clock();
        Ok(())
    }

    /// Freezes (`true`) or unfreezes the clock and tells listeners.
    pub fn freeze_clock(&self, frozen: bool) {
        if frozen {
            self.clock().freeze();
        } else {
            self.clock().unfreeze();
        }
        self.publish_clock();
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Shared access for reading; never held across an await.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, World> {
        self.inner.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access for a change; never held across an await.
    fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.inner.world.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Verifies a widget token as Freshdesk does, at the server's time, with these keys
    /// (the world's, read by the caller).
    pub fn verify_token(&self, token: &str, keys: Keys<'_>) -> Result<Arc<Claims>, TokenError> {
        let now = self.clock().now_secs();
        self.inner
            .accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .verify(token, keys, now)
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

    /// The server's time, in Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.clock().now_secs()
    }

    /// The current widget secret.
    pub fn secret(&self) -> String {
        self.read().secret.clone()
    }

    /// The current secret, and those it replaced with when (Unix seconds).
    pub fn secrets(&self) -> (String, Vec<(String, i64)>) {
        let world = self.read();
        (world.secret.clone(), world.former_secrets.clone())
    }

    /// The name of the user with this email, if there is one.
    pub fn user_name(&self, email: &str) -> Option<String> {
        self.read()
            .directory
            .find_by_email(email)
            .map(|u| u.name.clone())
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.read().catalog.clone()
    }
}

/// Lays the agent API's contact records over the directory, in the order they were
/// written; returns the contacts as last written (hard-deleted ones gone).
fn replay_contacts(directory: &mut Directory, records: &[Record]) -> HashMap<Id, ContactDoc> {
    let mut contacts = HashMap::new();
    for record in records.iter().filter(|r| r.kind == RecordKind::Contact) {
        match &record.doc {
            Some(doc) => match serde_json::from_value::<ContactDoc>(doc.clone()) {
                Ok(doc) => {
                    directory.put_contact(&doc);
                    contacts.insert(doc.id, doc);
                }
                Err(e) => tracing::warn!(
                    id = record.id,
                    "a contact record does not read as a contact, skipped: {e}"
                ),
            },
            None => {
                directory.remove(record.id);
                contacts.remove(&record.id);
            }
        }
    }
    contacts
}

/// What the agent API's writes need to know of a refused change: the store failed (a
/// server fault), or the edit itself refused (the caller's error, `E`).
pub type Edited<T, E> = Result<Result<T, E>, StoreError>;

// The agent API's tickets and contacts (`src/http/agent/tickets.rs`, `contacts.rs`).
// Every change holds the world's write lock while the store commits, as the widget's do.
impl AppState {
    /// Every ticket, oldest first, deleted and spam ones included.
    pub async fn all_tickets(&self) -> Result<Vec<TicketRecord>, StoreError> {
        self.blocking(|state| state.inner.store.tickets(None)).await
    }

    /// One ticket by number.
    pub async fn ticket(&self, id: u64) -> Result<Option<TicketRecord>, StoreError> {
        self.blocking(move |state| state.inner.store.ticket(id))
            .await
    }

    /// Changes one ticket with `edit` (which sees the world, to check ids), durable before
    /// it returns; `Ok(Ok(None))` when there is no such ticket.
    pub async fn edit_ticket<E: Send + 'static>(
        &self,
        id: u64,
        edit: impl FnOnce(&mut TicketRecord, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<TicketRecord>, E> {
        let edited = self
            .blocking(move |state| {
                let world = state.write();
                let Some(mut ticket) = state.inner.store.ticket(id)? else {
                    return Ok(Ok(None));
                };
                if let Err(e) = edit(&mut ticket, &world) {
                    return Ok(Err(e));
                }
                state.inner.store.update_ticket(&ticket)?;
                Ok(Ok(Some(ticket)))
            })
            .await;
        if let Ok(Ok(Some(_))) = &edited {
            self.events().publish(Event::Ticket { id });
        }
        edited
    }

    /// When the account was created (Unix seconds): the creation time freshmock gives the
    /// fixtures' contacts.
    pub fn account_created_at(&self) -> i64 {
        crate::domain::clock::parse_instant(&self.catalog().fixtures.account.created_at)
            .map_or(0, |ms| ms.div_euclid(1000))
    }

    /// Every contact (agents are not contacts), by id, as the agent API shows them.
    pub async fn contacts(&self) -> Result<Vec<ContactDoc>, StoreError> {
        self.blocking(|state| {
            let created: HashMap<Id, i64> = state
                .inner
                .store
                .contacts()?
                .into_iter()
                .map(|c| (c.id, c.created_at))
                .collect();
            let at = state.account_created_at();
            let world = state.read();
            let mut out: Vec<ContactDoc> = world
                .directory
                .users()
                .filter(|u| !u.is_agent())
                .map(|u| contact_doc(&world, u, created.get(&u.id).copied().unwrap_or(at)))
                .collect();
            out.sort_by_key(|c| c.id);
            Ok(out)
        })
        .await
    }

    /// One contact by id (`None` for agents and unknown ids).
    pub async fn contact(&self, id: Id) -> Result<Option<ContactDoc>, StoreError> {
        Ok(self.contacts().await?.into_iter().find(|c| c.id == id))
    }

    /// Creates a contact: `build` gets the world and the new id and returns the contact
    /// or refuses. Durable before it returns.
    pub async fn create_contact<E: Send + 'static>(
        &self,
        build: impl FnOnce(&World, Id) -> Result<ContactDoc, E> + Send + 'static,
    ) -> Edited<ContactDoc, E> {
        self.blocking(move |state| {
            let mut world = state.write();
            let id = world.directory.next_created_id();
            let doc = match build(&world, id) {
                Ok(doc) => doc,
                Err(e) => return Ok(Err(e)),
            };
            state.put_contact_doc(&mut world, doc.clone())?;
            tracing::info!(id, email = %doc.email, "the agent API created a contact");
            Ok(Ok(doc))
        })
        .await
    }

    /// Changes one contact with `edit` (which sees the world, to check emails); `Ok(Ok(None))`
    /// when there is no such contact. Durable before it returns.
    pub async fn edit_contact<E: Send + 'static>(
        &self,
        id: Id,
        edit: impl FnOnce(&mut ContactDoc, &World) -> Result<(), E> + Send + 'static,
    ) -> Edited<Option<ContactDoc>, E> {
        let created_at = self.contact_created_at(id).await?;
        let now = self.now_secs();
        self.blocking(move |state| {
            let mut world = state.write();
            let Some(user) = world.directory.find_by_id(id).filter(|u| !u.is_agent()) else {
                return Ok(Ok(None));
            };
            let mut doc = contact_doc(&world, user, created_at);
            if let Err(e) = edit(&mut doc, &world) {
                return Ok(Err(e));
            }
            doc.updated_at = now;
            state.put_contact_doc(&mut world, doc.clone())?;
            Ok(Ok(Some(doc)))
        })
        .await
    }

    /// Forgets a contact for good (`check` may refuse first); `Ok(Ok(false))` when there is
    /// no such contact.
    pub async fn remove_contact<E: Send + 'static>(
        &self,
        id: Id,
        check: impl FnOnce(&ContactDoc) -> Result<(), E> + Send + 'static,
    ) -> Edited<bool, E> {
        let created_at = self.contact_created_at(id).await?;
        self.blocking(move |state| {
            let mut world = state.write();
            let Some(user) = world.directory.find_by_id(id).filter(|u| !u.is_agent()) else {
                return Ok(Ok(false));
            };
            if let Err(e) = check(&contact_doc(&world, user, created_at)) {
                return Ok(Err(e));
            }
            state.inner.store.put_records(&[Record {
                kind: RecordKind::Contact,
                id,
                doc: None,
            }])?;
            world.directory.remove(id);
            world.contacts.remove(&id);
            tracing::info!(id, "the agent API deleted a contact for good");
            Ok(Ok(true))
        })
        .await
    }

    /// Takes a deleted company out of every contact that had it (as Freshdesk does), each
    /// changed contact a record; returns how many changed.
    pub async fn unlink_company(&self, company: Id) -> Result<usize, StoreError> {
        let created: HashMap<Id, i64> = self
            .blocking(|state| state.inner.store.contacts())
            .await?
            .into_iter()
            .map(|c| (c.id, c.created_at))
            .collect();
        let at = self.account_created_at();
        let now = self.now_secs();
        self.blocking(move |state| {
            let mut world = state.write();
            let holders: Vec<ContactDoc> = world
                .directory
                .users()
                .filter(|u| matches!(&u.role, Role::Contact { companies, .. } if companies.contains(&company)))
                .map(|u| contact_doc(&world, u, created.get(&u.id).copied().unwrap_or(at)))
                .collect();
            let changed = holders.len();
            for mut doc in holders {
                doc.companies.retain(|&c| c != company);
                doc.updated_at = now;
                state.put_contact_doc(&mut world, doc)?;
            }
            Ok(changed)
        })
        .await
    }

    async fn contact_created_at(&self, id: Id) -> Result<i64, StoreError> {
        let created = self
            .blocking(move |state| state.inner.store.contacts())
            .await?;
        Ok(created
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| self.account_created_at(), |c| c.created_at))
    }

    /// Stores a contact record and lays it over the directory (the world's lock held).
    fn put_contact_doc(&self, world: &mut World, doc: ContactDoc) -> Result<(), StoreError> {
        let value = serde_json::to_value(&doc).map_err(|e| StoreError::Record {
            path: self.inner.store.describe(),
            what: format!("contact {}", doc.id),
            detail: e.to_string(),
        })?;
        self.inner.store.put_records(&[Record {
            kind: RecordKind::Contact,
            id: doc.id,
            doc: Some(value),
        }])?;
        world.directory.put_contact(&doc);
        world.contacts.insert(doc.id, doc);
        Ok(())
    }

    /// Bootstrap's name sync and activation, on a contact the agent API wrote (so that its
    /// record, replayed after the synced names at start, does not bring the old name back).
    fn sync_contact_doc(
        &self,
        world: &mut World,
        id: Id,
        name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let Some(mut doc) = world.contacts.get(&id).cloned() else {
            return Ok(());
        };
        if doc.name == name && doc.active {
            return Ok(());
        }
        doc.name = name.to_owned();
        doc.active = true;
        doc.updated_at = now;
        self.put_contact_doc(world, doc)
    }
}

/// A contact as the agent API shows it: as the API last wrote it, with what the widget
/// changed since (the name bootstrap synced), else derived from the directory.
fn contact_doc(world: &World, user: &User, created_at: i64) -> ContactDoc {
    match world.contacts.get(&user.id) {
        Some(doc) => {
            let mut doc = doc.clone();
            doc.name = user.name.clone();
            doc
        }
        None => ContactDoc::of_user(user, created_at),
    }
}

/// How bootstrap's log-in went.
#[derive(Debug, Clone)]
pub enum LogIn {
    /// A known active user (name synced when it differed).
    Known(User),
    Created(User),
    /// Deleted, spam or blocked: nothing changed.
    Refused(User),
}

/// A voter as the votes endpoint lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoterName {
    pub id: Id,
    pub name: String,
}

/// The votes on one article translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranslationVotes {
    pub article_id: Id,
    pub language: String,
    /// The counter: the fixtures' plus every vote counted since.
    pub thumbs_up: u64,
    pub thumbs_down: u64,
    /// Users holding a helpful vote, oldest first.
    pub helpful: Vec<VoterName>,
    pub not_helpful: Vec<VoterName>,
}

impl TranslationVotes {
    /// Helpful votes not held by a known user (the counter minus the users).
    pub fn anonymous_helpful(&self) -> u64 {
        self.thumbs_up.saturating_sub(self.helpful.len() as u64)
    }

    pub fn anonymous_not_helpful(&self) -> u64 {
        self.thumbs_down
            .saturating_sub(self.not_helpful.len() as u64)
    }
}

/// An article's views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleHits {
    pub article_id: Id,
    pub fixture_hits: u64,
    /// Counted through the API since the fixtures were loaded.
    pub counted: u64,
    pub hits: u64,
}

/// 32 lowercase hex characters from the operating system's randomness.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
