//! Serving freshmock: [`run`] on a listener the caller bound until the caller says stop, and
//! [`MockServer`], a handle that owns a server on a free port of 127.0.0.1 (stopped when
//! dropped), in the style of wiremock-rs.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::domain::clock::{parse_instant, ClockStart};
use crate::domain::fixtures::FixtureSet;
use crate::domain::token;
use crate::state::{AppState, Config, StartError, Timeouts};

/// Serves freshmock on `listener` until `shutdown` completes.
///
/// # Errors
/// When the listener is beyond loopback and the configuration has no control token (and
/// does not say `insecure_control`): see [`AppState::listening_on`].
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    state.listening_on(listener.local_addr()?)?;
    // The port accepts already: build the search index meanwhile. Starting it only now
    // keeps it from slowing the start-up itself on a machine with few cores.
    state.start_indexing();
    super::listen::serve(listener, state, shutdown).await;
    Ok(())
}

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
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
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
/// assert_eq!(server.now_secs(), 1_767_225_600);
/// server.advance(std::time::Duration::from_secs(61));
/// assert_eq!(server.now_secs(), 1_767_225_661);
/// # }
/// ```
#[derive(Debug)]
pub struct MockServerBuilder {
    config: Config,
    store_limit: Option<u64>,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        MockServerBuilder {
            config: Config::bundled(),
            store_limit: None,
        }
    }
}

impl MockServerBuilder {
    /// Serve this account instead of the bundled demo account.
    pub fn fixtures(mut self, fixtures: FixtureSet) -> Self {
        self.config.fixtures = fixtures;
        self
    }

    /// Use this widget secret (32 lowercase hex characters).
    pub fn secret(mut self, secret: &str) -> Self {
        self.config.secret = Some(secret.to_owned());
        self
    }

    /// Freeze the clock at an RFC 3339 time (`2026-01-01T00:00:00Z`).
    ///
    /// # Panics
    /// When the time does not parse: a test set-up mistake.
    pub fn now(mut self, rfc3339: &str) -> Self {
        let at = parse_instant(rfc3339).unwrap_or_else(|e| panic!("MockServer::now: {e}"));
        self.config.clock = ClockStart::Fixed(at);
        self
    }

    /// Start the clock this way (fixed, offset or system).
    pub fn clock(mut self, clock: ClockStart) -> Self {
        self.config.clock = clock;
        self
    }

    /// Require this bearer token on the control API.
    pub fn control_token(mut self, token: &str) -> Self {
        self.config.control_token = Some(token.to_owned());
        self
    }

    /// Keep what the API changes in `DIR/freshmock.sqlite`, across restarts.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }

    /// Check the contact form's captcha where the widget asks for it (on by default).
    pub fn captcha(mut self, checked: bool) -> Self {
        self.config.captcha = checked;
        self
    }

    /// How many requests the request log keeps.
    pub fn request_log(mut self, entries: usize) -> Self {
        self.config.request_log = entries;
        self
    }

    /// Also serve these `Host` names (the server listens on loopback, where only loopback
    /// names and addresses are served unless allowed).
    pub fn allow_host(mut self, name: &str) -> Self {
        self.config.allow_hosts.push(name.to_owned());
        self
    }

    /// The largest fixture set `PUT /_freshmock/fixtures` takes, in bytes.
    pub fn max_fixtures_body(mut self, bytes: usize) -> Self {
        self.config.max_fixtures_body = bytes;
        self
    }

    /// How long a connection has to send a request's headers, and how long it may stay
    /// silent mid-request or mid-answer.
    pub fn timeouts(mut self, header: Duration, idle: Duration) -> Self {
        self.config.timeouts = Timeouts { header, idle };
        self
    }

    /// Refuse widget calls over `per_minute` a minute of the server's clock (429 with
    /// `Retry-After`), as Freshdesk does at 500.
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.config.rate_limit = Some(per_minute);
        self
    }

    /// Cap the state store at about this many bytes: a write past it answers 507 with a
    /// reason, as on a full disk (uploads are what grow it). Unlimited by default.
    pub fn store_limit(mut self, bytes: u64) -> Self {
        self.store_limit = Some(bytes);
        self
    }

    /// Starts the server, or says why it cannot.
    pub async fn try_start(self) -> Result<MockServer, StartError> {
        let state = AppState::new(self.config)?;
        if let Some(bytes) = self.store_limit {
            state.limit_store(bytes)?;
        }
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        state.listening_on(addr)?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(run(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Ok(MockServer {
            addr,
            state,
            stop: Some(stop),
        })
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
        format!("http://{}", self.addr)
    }

    /// The server's time, in Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.state.now_secs()
    }

    /// The first active widget's id (`12000000025` with the bundled fixtures).
    pub fn widget_id(&self) -> u64 {
        self.state.catalog().active_widget_ids().next().unwrap_or(0)
    }

    /// The current widget secret.
    pub fn secret(&self) -> String {
        self.state.secret()
    }

    /// A valid HS256 token for a fixture user (their name), expiring in an hour.
    ///
    /// # Panics
    /// When no user has this email.
    pub fn token_for(&self, email: &str) -> String {
        let name = self
            .state
            .user_name(email)
            .unwrap_or_else(|| panic!("{email} is not a fixture user; use MockServer::token"));
        self.token(json!({ "name": name, "email": email, "exp": self.state.now_secs() + 3600 }))
    }

    /// An HS256 token over any claims, signed with the current secret.
    pub fn token(&self, claims: Value) -> String {
        token::mint("HS256", &self.secret(), &claims)
    }

    /// Moves the server's clock forward.
    ///
    /// # Panics
    /// When that would take the clock past 9999-12-31: a test set-up mistake.
    pub fn advance(&self, by: Duration) {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.state
            .advance_clock(by_ms)
            .unwrap_or_else(|e| panic!("MockServer::advance: {e}"));
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// What the store keeps that the control plane does not show, for tests to check.
impl MockServer {
    /// Every uploaded attachment's stored record (drafts too), oldest first: `id`, `widget_id`,
    /// `client_id`, `name`, `content_type`, `size`, `created_at`, `ticket_id`.
    ///
    /// # Panics
    /// When the store cannot be read.
    pub async fn attachments(&self) -> Vec<Value> {
        let records = self
            .state
            .attachments()
            .await
            .unwrap_or_else(|e| panic!("MockServer::attachments: {e}"));
        records.iter().map(|r| json!(r)).collect()
    }

    /// The bytes stored for an uploaded attachment, `None` when there is no such id.
    ///
    /// # Panics
    /// When the store cannot be read.
    pub async fn attachment_content(&self, id: u64) -> Option<Vec<u8>> {
        self.state
            .attachment_content(id)
            .await
            .unwrap_or_else(|e| panic!("MockServer::attachment_content: {e}"))
    }

    /// The contacts the widget created, oldest first: `id`, `name`, `email`, `created_by`
    /// (`bootstrap` or `ticket`), `created_at`.
    ///
    /// # Panics
    /// When the store cannot be read.
    pub async fn created_contacts(&self) -> Vec<Value> {
        let records = self
            .state
            .created_contacts()
            .await
            .unwrap_or_else(|e| panic!("MockServer::created_contacts: {e}"));
        records.iter().map(|r| json!(r)).collect()
    }
}
