//! Shared test set-up: a server on a free port with the bundled fixtures and a pinned clock,
//! a small client that sends the widget's headers, the demo personas, and helpers for
//! tokens, multipart bodies and agent auth.

#![allow(dead_code)]

use base64::Engine;
use freshmock::domain::clock::ClockStart;
use freshmock::domain::fixtures::{FixtureSet, Widget};
use freshmock::domain::token;
use freshmock::http::server::RunningServer;
use freshmock::state::{AppState, Config};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};

/// 2026-01-01T00:00:00Z: the clock every test pins, as the token vectors assume.
pub const NOW: i64 = 1_767_225_600;
/// The bundled account's widget secret.
pub const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
/// The bundled account's main widget.
pub const WIDGET: &str = "12000000025";
/// A bundled widget that exists but is not active.
pub const INACTIVE_WIDGET: &str = "12000000026";
/// A secret that is not the account's.
pub const WRONG_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// The bundled personas (fixtures/README.md).
pub const NORA: &str = "nora@example.com";
pub const ALICE: &str = "alice@globex.test";
pub const ALICE_SECONDARY: &str = "alice.anders@example.com";
pub const BOB: &str = "bob@initech.test";
pub const SAM: &str = "sam@example.com";
pub const BLAKE_BLOCKED: &str = "blake@example.com";
pub const URSULA: &str = "ursula@umbrella.test";
pub const FRANCOIS: &str = "francois@example.fr";
pub const MAX: &str = "max@example.com";
pub const DANA_DELETED: &str = "dana@example.com";
pub const SPENCER_SPAM: &str = "spencer@example.com";
pub const GRETA: &str = "greta@example.de";
pub const AGATHA: &str = "agatha@acme.test";
pub const STAN: &str = "stan@acme.test";
pub const VERA: &str = "vera@acme.test";

/// Who calls: `None` is anonymous, `Some(email)` a logged-in persona.
pub type Persona = Option<&'static str>;

/// The eight personas every visibility rule is checked against, with a short label.
pub const PERSONAS: [(&str, Persona); 8] = [
    ("anonymous", None),
    ("nora", Some(NORA)),
    ("alice", Some(ALICE)),
    ("bob", Some(BOB)),
    ("sam", Some(SAM)),
    ("ursula", Some(URSULA)),
    ("stan", Some(STAN)),
    ("vera", Some(VERA)),
];

/// Starts a server on the bundled fixtures with the clock frozen at [`NOW`].
pub async fn server() -> RunningServer {
    server_with(FixtureSet::bundled().unwrap()).await
}

/// Starts a server on the given fixtures with the clock frozen at [`NOW`].
pub async fn server_with(fixtures: FixtureSet) -> RunningServer {
    let mut config = Config::bundled();
    config.fixtures = fixtures;
    config.clock = ClockStart::Fixed(NOW * 1000);
    RunningServer::start(AppState::new(config).unwrap())
        .await
        .unwrap()
}

/// The bundled fixtures, to change before [`Api::start_with`].
pub fn bundled() -> FixtureSet {
    FixtureSet::bundled().unwrap()
}

/// The bundled account's main widget ([`WIDGET`]) in `set`, to change.
pub fn main_widget(set: &mut FixtureSet) -> &mut Widget {
    set.widgets
        .iter_mut()
        .find(|w| w.id == 12_000_000_025)
        .unwrap()
}

/// The `id` of every item of a JSON list, in order.
pub fn ids(list: &Value) -> Vec<u64> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect()
}

/// The keys of a JSON object, sorted.
pub fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The name the fixtures give this email's user, or a made-up one for a new customer.
pub fn name_of(email: &str) -> String {
    let set = bundled();
    set.contacts
        .iter()
        .find(|c| {
            c.email.eq_ignore_ascii_case(email)
                || c.other_emails.iter().any(|e| e.eq_ignore_ascii_case(email))
        })
        .map(|c| c.name.clone())
        .or_else(|| {
            set.agents
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(email))
                .map(|a| a.name.clone())
        })
        .unwrap_or_else(|| "New Customer".to_owned())
}

/// A valid HS256 token for this email, one hour ahead of [`NOW`].
pub fn token_for(email: &str) -> String {
    token::mint_for(&name_of(email), email, NOW + 3600, SECRET)
}

/// An HS256 token with the bundled secret over any payload.
pub fn token_with(payload: Value) -> String {
    token::mint("HS256", SECRET, &payload)
}

/// A well-formed payload for Alice with this `exp`.
pub fn alice_payload(exp: i64) -> Value {
    json!({ "name": "Alice Anders", "email": ALICE, "exp": exp })
}

/// A server plus a client that speaks like the widget.
pub struct Api {
    pub server: RunningServer,
    http: reqwest::Client,
}

impl Api {
    /// The bundled fixtures, clock at [`NOW`].
    pub async fn start() -> Api {
        Api::start_with(bundled()).await
    }

    /// Other fixtures, clock at [`NOW`].
    pub async fn start_with(fixtures: FixtureSet) -> Api {
        Api {
            server: server_with(fixtures).await,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.uri())
    }

    /// Any method on any path, with no headers at all.
    pub fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// A GET with `X-Widget-Id` (the main widget) and `X-Client-Id`, anonymous.
    pub fn call(&self, path: &str) -> RequestBuilder {
        self.call_widget(WIDGET, path)
    }

    /// A GET with these `X-Widget-Id` and a valid `X-Client-Id`, anonymous.
    pub fn call_widget(&self, widget_id: &str, path: &str) -> RequestBuilder {
        self.call_with(widget_id, "test-client", path)
    }

    /// A GET with these `X-Widget-Id` and `X-Client-Id` values, anonymous.
    pub fn call_with(&self, widget_id: &str, client_id: &str, path: &str) -> RequestBuilder {
        self.bare(Method::GET, path)
            .header("X-Widget-Id", widget_id)
            .header("X-Client-Id", client_id)
    }

    /// [`Api::call`], logged in as `persona` with a valid token (anonymous for `None`).
    pub fn call_as(&self, persona: Persona, path: &str) -> RequestBuilder {
        let request = self.call(path);
        match persona {
            Some(email) => request.header("X-Widget-Auth", token_for(email)),
            None => request,
        }
    }

    /// An anonymous widget GET.
    pub async fn get(&self, path: &str) -> Reply {
        fetch(self.call(path)).await
    }

    /// A widget GET as `persona`.
    pub async fn get_as(&self, persona: Persona, path: &str) -> Reply {
        fetch(self.call_as(persona, path)).await
    }

    /// A widget GET carrying this exact `X-Widget-Auth` value.
    pub async fn get_with_token(&self, token: &str, path: &str) -> Reply {
        fetch(self.call(path).header("X-Widget-Auth", token)).await
    }
}

/// What came back, read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// Sends a request and reads the whole answer.
pub async fn fetch(request: RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

impl Reply {
    /// The body as JSON (panics, showing the body, when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} [{}]", self.body, self.status))
    }

    /// The error code: `code` of a request error, or of a validation error's first entry.
    pub fn code(&self) -> String {
        let body = self.json();
        body.get("code")
            .or_else(|| body.pointer("/errors/0/code"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no error code in {body}"))
            .to_owned()
    }

    /// The article ids of a list answer (search, suggested), in order.
    pub fn ids(&self) -> Vec<u64> {
        ids(&self.json())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// freshmock's plain-words explanation of a refusal.
    pub fn reason(&self) -> &str {
        self.header("x-freshmock-reason")
            .unwrap_or_else(|| panic!("no X-Freshmock-Reason on {} {:?}", self.status, self.body))
    }
}

/// Ticket-fields form (form_type 2), login required, captcha.
pub const LOGIN_WIDGET: &str = "12000000027";
/// Contact form and solution articles both off.
pub const BARE_WIDGET: &str = "12000000028";
/// An admin agent's API key.
pub const ADMIN_KEY: &str = "adminkey0000000000000000000000001";
/// A non-admin agent's API key (Stan Support, stan@acme.test).
pub const AGENT_KEY: &str = "agentkey0000000000000000000000002";

/// The bundled fixtures with the clock frozen at [`NOW`].
pub fn config() -> Config {
    let mut config = Config::bundled();
    config.clock = ClockStart::Fixed(NOW * 1000);
    config
}

/// Starts a server on any configuration (data dir, captcha, features).
pub async fn server_with_config(config: Config) -> RunningServer {
    RunningServer::start(AppState::new(config).unwrap())
        .await
        .unwrap()
}

/// A valid token for a user of the bundled account.
pub fn token(name: &str, email: &str) -> String {
    token::mint_for(name, email, NOW + 3600, SECRET)
}

/// A request to the widget API with the widget and client headers set.
pub fn widget(
    server: &RunningServer,
    method: reqwest::Method,
    path: &str,
    widget_id: &str,
    client_id: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", server.uri()))
        .header("X-Widget-Id", widget_id)
        .header("X-Client-Id", client_id)
}

/// HTTP Basic with an agent's API key and any password.
pub fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:X"))
    )
}

/// Status and JSON body (Null when empty).
pub async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// The `code`s of a validation error, or the request error's code.
pub fn codes(body: &Value) -> Vec<String> {
    match body.get("errors").and_then(Value::as_array) {
        Some(errors) => errors
            .iter()
            .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
            .collect(),
        None => vec![body["code"].as_str().unwrap_or_default().to_owned()],
    }
}

/// The `field`s of a validation error.
pub fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub const BOUNDARY: &str = "freshmock-test-boundary";

/// A multipart/form-data body: (name, file name, content).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Uploads a small file as a draft; returns its id.
pub async fn upload(
    server: &RunningServer,
    widget_id: &str,
    client: &str,
    auth: Option<&str>,
) -> u64 {
    let mut request = widget(
        server,
        reqwest::Method::POST,
        "/api/widget/attachments",
        widget_id,
        client,
    )
    .header("Content-Type", multipart_type())
    .body(multipart(&[("content", Some("note.txt"), b"hello")]));
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    let (status, body) = answer(request.send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_u64().unwrap()
}
