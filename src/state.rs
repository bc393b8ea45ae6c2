//! Everything the server holds, shared by every request: the clock, the loaded catalog,
//! the users and the widget secret. Routes and the control plane meet here.

use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::catalog::Catalog;
use crate::clock::{Clock, ClockStart};
use crate::fixtures::validate::is_valid_secret;
use crate::fixtures::FixtureSet;
use crate::people::Directory;
use crate::search::SearchError;
use crate::token::{AcceptedTokens, Claims, Keys, TokenError};

/// How a server starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub fixtures: FixtureSet,
    /// Overrides the fixtures' widget secret.
    pub secret: Option<String>,
    pub clock: ClockStart,
}

impl Config {
    /// The bundled demo account, real time, its own secret.
    pub fn bundled() -> Config {
        Config {
            fixtures: FixtureSet::bundled().expect("the bundled fixtures are valid"),
            secret: None,
            clock: ClockStart::System,
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Fixtures(#[from] crate::fixtures::FixtureError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the widget secret {0:?} is not 32 lowercase hexadecimal characters, as Freshdesk issues them")]
    Secret(String),
}

/// The mutable part, swapped as a whole on reset.
#[derive(Debug)]
pub struct World {
    pub catalog: Arc<Catalog>,
    pub directory: Directory,
    pub secret: String,
    /// Replaced secrets and when (Unix seconds), to explain old tokens.
    pub former_secrets: Vec<(String, i64)>,
}

impl World {
    fn from_baseline(baseline: &Baseline) -> World {
        World {
            directory: Directory::from_fixtures(&baseline.catalog.fixtures),
            catalog: baseline.catalog.clone(),
            secret: baseline.secret.clone(),
            former_secrets: Vec::new(),
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
}

#[derive(Debug, Clone)]
struct Baseline {
    catalog: Arc<Catalog>,
    secret: String,
}

/// Cheap to clone; one per server.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// A server's state, ready to answer at once: the search index is built on a thread
    /// of its own once the server listens (or for the first search), and searches wait
    /// for it (see [`Catalog::load`]).
    pub fn new(config: Config) -> Result<AppState, StartError> {
        let secret = config
            .secret
            .unwrap_or_else(|| config.fixtures.account.widget_secret.clone());
        if !is_valid_secret(&secret) {
            return Err(StartError::Secret(secret));
        }
        // Indexed later, on a thread of its own: the server answers meanwhile.
        let catalog = Arc::new(Catalog::load(config.fixtures));
        let baseline = Baseline { catalog, secret };
        Ok(AppState {
            inner: Arc::new(Inner {
                clock: Clock::new(config.clock),
                world: RwLock::new(World::from_baseline(&baseline)),
                accepted: Mutex::default(),
                baseline: RwLock::new(baseline),
            }),
        })
    }

    /// Back to the loaded fixtures: users, secret and clock as at start-up, and every
    /// change made through the API forgotten.
    pub fn reset(&self) {
        let baseline = self
            .inner
            .baseline
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        *self.write() = World::from_baseline(&baseline);
        self.clock().reset();
    }

    /// Runs on a new fixture set from now on (and after every reset). The set is validated
    /// and indexed before anything changes, so a bad one changes nothing.
    pub fn replace_fixtures(&self, fixtures: FixtureSet) -> Result<(), StartError> {
        if !is_valid_secret(&fixtures.account.widget_secret) {
            return Err(StartError::Secret(fixtures.account.widget_secret.clone()));
        }
        let secret = fixtures.account.widget_secret.clone();
        let catalog = Arc::new(Catalog::build(fixtures)?);
        let baseline = Baseline { catalog, secret };
        *self
            .inner
            .baseline
            .write()
            .unwrap_or_else(|e| e.into_inner()) = baseline.clone();
        *self.write() = World::from_baseline(&baseline);
        Ok(())
    }

    /// Replaces the widget secret with a new random one (what Freshdesk's "reset secret"
    /// does): every token signed with the old one fails from now on.
    pub fn rotate_secret(&self) -> String {
        let now = self.clock().now_secs();
        let mut world = self.write();
        let new = random_secret();
        let old = std::mem::replace(&mut world.secret, new.clone());
        world.former_secrets.push((old, now));
        new
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Shared access for reading; never held across an await.
    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.inner.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access for a change; never held across an await.
    pub fn write(&self) -> RwLockWriteGuard<'_, World> {
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

    pub fn catalog(&self) -> Arc<Catalog> {
        self.read().catalog.clone()
    }
}

/// 32 lowercase hex characters from the operating system's randomness.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
