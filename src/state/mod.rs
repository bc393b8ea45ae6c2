//! Everything the server holds, shared by every request: the clock, the loaded catalog,
//! the users, the widget secret and the store of what the API changed. Routes and the
//! control plane meet here.
//!
//! Lock order, everywhere: the world lock, then the store's. Changes to users and the secret
//! hold the world's write lock while the store commits, so memory never shows what the
//! database does not hold; counters hold its read lock, so a reset cannot interleave.
//!
//! What lives where, each file an `impl AppState` block of one concern:
//! - `config`: how a server starts ([`Config`], [`Timeouts`]); `error`: what the state
//!   refuses ([`StartError`], [`FixturesRefused`], [`EditError`]).
//! - `world`: the mutable part ([`World`]) and how it is rebuilt from the fixtures with
//!   what the store remembers laid over it.
//! - `lifecycle`: reset, a new fixture set, the search index's start; `snapshots`: a
//!   state document out and back in.
//! - `edits`: the agent API's edits of the knowledge base; `agent`: its tickets and
//!   contacts.
//! - `customers`: what customers do through the widget (log-in, uploads, tickets);
//!   `counters`: hits and votes.
//! - `secret`: the widget secret and token checks; `clock`: the server's time;
//!   `serving`: what the HTTP side asks (events, request log, faults, perimeter, limits).
//! - Beside `AppState`: `store` (SQLite), `loader` (the fixture-loading and editing threads),
//!   `events`, `request_log`, `faults`, `rate`.

mod agent;
pub mod answers;
mod catalog_cache;
mod clock;
mod config;
mod conversations;
mod counters;
mod customers;
mod edits;
mod error;
pub mod events;
pub mod faults;
pub mod index_cache;
mod indexer;
mod lifecycle;
mod loader;
pub mod rate;
pub mod request_log;
mod secret;
mod serving;
mod snapshots;
pub mod store;
mod world;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use config::{Config, Timeouts};
pub use counters::{TranslationVotes, VoterName};
pub use customers::LogIn;
pub use error::{EditError, Edited, FixturesRefused, StartError};
pub use world::World;

use crate::domain::catalog::Catalog;
use crate::domain::clock::Clock;
use crate::domain::fixtures::validate::is_valid_secret;
use crate::domain::token::AcceptedTokens;
use crate::state::answers::Answers;
use crate::state::events::EventBus;
use crate::state::faults::Faults;
use crate::state::rate::RateLimit;
use crate::state::request_log::RequestLog;
use crate::state::store::{Location, Store};
use world::{catalog_changes, Baseline};

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
    /// Where the agent API's edits of the catalog are made (see [`loader`] for why a thread).
    editor: loader::Loader,
    /// Held by each edit of the catalog, and by what replaces it (reset, new fixtures, a
    /// restored state): one edit at a time, each made from the catalog the last one left.
    edits: Mutex<()>,
    /// Search answers rendered from the catalog (see [`Answers`]).
    answers: Answers,
}

#[derive(Debug)]
struct Hosts {
    loopback_only: AtomicBool,
    allowed: Vec<String>,
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
        let fingerprinted = matches!(location, Location::Dir(_));
        // Prepared fixtures no longer give their files' fingerprint: the cache kept it (and
        // is not used for a data directory without it).
        let fingerprint = match config.fixtures_fingerprint {
            Some(known) if config.prepared && fingerprinted => known,
            _ => location.fingerprint(&config.fixtures),
        };
        // Indexed later, on a thread of its own: the server answers meanwhile.
        let mut catalog = if config.prepared {
            Catalog::load_prepared(config.fixtures)
        } else {
            Catalog::load(config.fixtures)
        }
        .with_indexer(indexer::in_background());
        // The prepared fixtures kept for the next start on this folder, unless they came
        // from there.
        let mut keep = None;
        if let Some(root) = config.index_cache {
            if let (Some(stamp), false) = (&config.fixtures_stamp, config.prepared) {
                keep = Some((root.clone(), stamp.clone()));
            }
            catalog = index_cache::for_catalog(
                catalog,
                root,
                fingerprinted.then(|| fingerprint.clone()),
                config.fixtures_stamp,
            );
        }
        let catalog = Arc::new(catalog);
        let store = Store::open(location, &fingerprint)?;
        let overlay = store.overlay()?;
        let changes = catalog_changes(&overlay)?;
        if let Some(first) = overlay.secrets.first() {
            if first.replaced != secret {
                tracing::info!("the data directory's widget secret (reset through the API) replaces the one configured");
            }
        }
        if let Some((root, stamp)) = keep {
            catalog_cache::keep(
                root,
                stamp,
                catalog.fixtures.clone(),
                fingerprinted.then(|| fingerprint.clone()),
            );
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
                loader: loader::Loader::fixtures(),
                editor: loader::Loader::edits(),
                answers: Answers::default(),
            }),
        })
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

    /// Shared access for reading; never held across an await.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, World> {
        self.inner.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access for a change; never held across an await.
    fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.inner.world.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        self.read().catalog.clone()
    }
}
