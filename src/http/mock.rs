//! [`MockServer`]: freshmock inside a Rust test, in the style of wiremock-rs. Each server
//! binds its own free port on 127.0.0.1, so tests run in parallel without conflicts, and
//! stops when dropped.

use std::time::Duration;

use serde_json::{json, Value};

use crate::domain::clock::{parse_instant, ClockStart};
use crate::domain::fixtures::FixtureSet;
use crate::http::server::RunningServer;
use crate::state::{AppState, Config, StartError};
use crate::domain::token;

/// A freshmock server for one test.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use freshmock::MockServer;
///
/// let server = MockServer::start().await;
/// let token = server.token_for("alice@globex.test");
/// let articles: serde_json::Value = reqwest::Client::new()
///     .get(format!("{}/api/widget/search/solutions?term=password", server.uri()))
///     .header("X-Widget-Id", server.widget_id().to_string())
///     .header("X-Client-Id", "doctest")
///     .header("X-Widget-Auth", token)
///     .send().await.unwrap()
///     .json().await.unwrap();
/// // Alice (company Globex) sees the public article and Globex's own.
/// assert_eq!(articles.as_array().unwrap().len(), 2);
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    running: RunningServer,
}

/// Configures a [`MockServer`] before it starts.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use freshmock::MockServer;
///
/// let server = MockServer::builder()
///     .now("2026-01-01T00:00:00Z")
///     .secret("0123456789abcdef0123456789abcdef")
///     .start()
///     .await;
/// assert_eq!(server.state().clock().now_secs(), 1_767_225_600);
/// server.advance(std::time::Duration::from_secs(61));
/// assert_eq!(server.state().clock().now_secs(), 1_767_225_661);
/// # }
/// ```
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    fixtures: Option<FixtureSet>,
    secret: Option<String>,
    clock: ClockStart,
    control_token: Option<String>,
}

impl MockServerBuilder {
    /// Serve this account instead of the bundled demo account.
    pub fn fixtures(mut self, fixtures: FixtureSet) -> Self {
        self.fixtures = Some(fixtures);
        self
    }

    /// Use this widget secret (32 lowercase hex characters).
    pub fn secret(mut self, secret: &str) -> Self {
        self.secret = Some(secret.to_owned());
        self
    }

    /// Freeze the clock at an RFC 3339 time (`2026-01-01T00:00:00Z`).
    ///
    /// # Panics
    /// When the time does not parse: a test set-up mistake.
    pub fn now(mut self, rfc3339: &str) -> Self {
        let at = parse_instant(rfc3339).unwrap_or_else(|e| panic!("MockServer::now: {e}"));
        self.clock = ClockStart::Fixed(at);
        self
    }

    /// Start the clock this way (fixed, offset or system).
    pub fn clock(mut self, clock: ClockStart) -> Self {
        self.clock = clock;
        self
    }

    /// Require this bearer token on the control API.
    pub fn control_token(mut self, token: &str) -> Self {
        self.control_token = Some(token.to_owned());
        self
    }

    /// Starts the server, or says why it cannot.
    pub async fn try_start(self) -> Result<MockServer, StartError> {
        let mut config = Config::bundled();
        if let Some(fixtures) = self.fixtures {
            config.fixtures = fixtures;
        }
        config.secret = self.secret;
        config.clock = self.clock;
        config.control_token = self.control_token;
        let state = AppState::new(config)?;
        let running = RunningServer::start(state).await.map_err(StartError::Io)?;
        Ok(MockServer { running })
    }

    /// Starts the server.
    ///
    /// # Panics
    /// When the configuration is invalid or no port can be bound: a test set-up mistake.
    pub async fn start(self) -> MockServer {
        self.try_start()
            .await
            .unwrap_or_else(|e| panic!("MockServer failed to start: {e}"))
    }
}

impl MockServer {
    /// The bundled demo account, real time, on a free port.
    pub async fn start() -> MockServer {
        MockServer::builder().start().await
    }

    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// `http://127.0.0.1:<port>`: point the widget script and API calls here.
    pub fn uri(&self) -> String {
        self.running.uri()
    }

    /// The server's state: clock, fixtures, users, request log.
    pub fn state(&self) -> &AppState {
        self.running.state()
    }

    /// The first active widget's id (`12000000025` with the bundled fixtures).
    pub fn widget_id(&self) -> u64 {
        self.state()
            .catalog()
            .fixtures
            .widgets
            .iter()
            .find(|w| w.active)
            .map_or(0, |w| w.id)
    }

    /// The current widget secret.
    pub fn secret(&self) -> String {
        self.state().read().secret.clone()
    }

    /// A valid HS256 token for a fixture user (their name), expiring in an hour.
    ///
    /// # Panics
    /// When no user has this email.
    pub fn token_for(&self, email: &str) -> String {
        let name = self
            .state()
            .read()
            .directory
            .find_by_email(email)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| panic!("{email} is not a fixture user; use MockServer::token"));
        self.token(
            json!({ "name": name, "email": email, "exp": self.state().clock().now_secs() + 3600 }),
        )
    }

    /// An HS256 token over any claims, signed with the current secret.
    pub fn token(&self, claims: Value) -> String {
        token::mint("HS256", &self.secret(), &claims)
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, by: Duration) {
        self.state().advance_clock(by.as_millis() as i64);
    }
}
