//! The API suite's helpers on top of the shared harness (`tests/common/harness.rs`): the
//! bundled account's widgets, personas and keys, tokens, multipart bodies, agent auth, and
//! the widget and control-plane calls the tests make most.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use freshmock::fixtures::Widget;
use freshmock::{tokens, FixtureSet};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

pub use crate::harness::{fetch, pinned, Api, Reply, NOW};

/// `GET /_freshmock/health` of the server at `uri` once it says `ready` (every language
/// indexed), asked again until then. Two minutes at most: a debug build indexing thousands
/// of articles in three languages, at a lower priority, next to the rest of the suite.
pub async fn health_when_ready(uri: &str) -> Value {
    let client = reqwest::Client::new();
    for _ in 0..2400 {
        let reply = fetch(client.get(format!("{uri}/_freshmock/health"))).await;
        assert_eq!(reply.status, 200);
        if reply.json()["status"] == "ready" {
            return reply.json();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{uri} did not index every language within 120 s");
}

/// A freshmock server process (the real binary) on a free port; killed when dropped, so a
/// failing assertion leaves no process behind.
pub struct Process {
    pub child: Child,
    pub uri: String,
}

impl Process {
    /// Stops the server and waits until it has exited.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The binary, free of any `FRESHMOCK_*` variable of the test's own environment (every
/// option of `serve` reads one), with its search index cache in cargo's scratch folder
/// rather than the developer's own cache (a test that means a cache names its own).
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freshmock"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FRESHMOCK_") {
            command.env_remove(name);
        }
    }
    command.env(
        "FRESHMOCK_INDEX_CACHE",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("index-cache"),
    );
    command
}

/// The binary serving on a free port with `args`, as [`spawn_command`] starts it.
pub fn binary(args: &[&str]) -> Command {
    let mut command = command();
    command
        .args(["--port", "0"])
        .args(args)
        .env("FRESHMOCK_LOG", "warn");
    command
}

/// Starts the real binary on a free port with `args`.
pub fn spawn(args: &[&str]) -> Process {
    spawn_command(binary(args))
}

/// Starts `command` (the binary, perhaps under a wrapper) and waits for its "listening on"
/// line. Its output is drained in a thread so the process never blocks on a full pipe.
pub fn spawn_command(mut command: Command) -> Process {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let uri = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("freshmock listening on ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Process { child, uri }
}

/// Runs `command` to its end, or kills it after `limit` (a server that should have refused
/// to start but did not): its status (`None` when killed) and its standard error.
pub fn run_within(
    mut command: Command,
    limit: std::time::Duration,
) -> (Option<std::process::ExitStatus>, String) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    (status, reader.join().unwrap_or_default())
}

/// `GET url` as JSON: for servers a test started as a process (an [`Api`] has `inspect`).
pub async fn get_json(url: &str) -> Value {
    fetch(reqwest::Client::new().get(url)).await.json()
}

/// Peak and current resident memory of a process, in kB.
pub fn memory_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The bundled account's widget secret.
pub const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
/// The bundled account's main widget.
pub const WIDGET: &str = "12000000025";
/// A bundled widget that exists but is not active.
pub const INACTIVE_WIDGET: &str = "12000000026";
/// A secret that is not the account's.
pub const WRONG_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// Ticket-fields form (form_type 2), login required, captcha.
pub const LOGIN_WIDGET: &str = "12000000027";
/// Contact form and solution articles both off.
pub const BARE_WIDGET: &str = "12000000028";
/// An admin agent's API key.
pub const ADMIN_KEY: &str = "adminkey0000000000000000000000001";
/// A non-admin agent's API key (Stan Support, stan@acme.test, role "Agent").
pub const AGENT_KEY: &str = "agentkey0000000000000000000000002";
/// The API key of Vera Viewer (vera@acme.test), role "Knowledge Base Editor".
pub const EDITOR_KEY: &str = "viewerkey000000000000000000000003";

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
    tokens::mint_for(&name_of(email), email, NOW + 3600, SECRET)
}

/// An HS256 token with the bundled secret over any payload.
pub fn token_with(payload: Value) -> String {
    tokens::mint("HS256", SECRET, &payload)
}

/// A well-formed payload for Alice with this `exp`.
pub fn alice_payload(exp: i64) -> Value {
    json!({ "name": "Alice Anders", "email": ALICE, "exp": exp })
}

/// A valid token for a user of the bundled account.
pub fn token(name: &str, email: &str) -> String {
    tokens::mint_for(name, email, NOW + 3600, SECRET)
}

/// HTTP Basic with an agent's API key and any password.
pub fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:X"))
    )
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

impl Api {
    /// An agent API call, as the agent whose API key is `key`.
    pub fn agent(&self, method: Method, path: &str, key: &str) -> RequestBuilder {
        self.bare(method, path).header("Authorization", basic(key))
    }

    /// An agent API call with a JSON body, as the agent whose API key is `key`.
    pub async fn agent_send(&self, method: Method, path: &str, key: &str, body: Value) -> Reply {
        fetch(self.agent(method, path, key).json(&body)).await
    }

    /// An agent API GET, as the agent whose API key is `key`.
    pub async fn agent_get(&self, path: &str, key: &str) -> Reply {
        fetch(self.agent(Method::GET, path, key)).await
    }

    /// Other fixtures, clock at [`NOW`].
    pub async fn start_with(fixtures: FixtureSet) -> Api {
        Api::on(pinned().fixtures(fixtures).start().await)
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
        self.widget(Method::GET, path, widget_id, client_id)
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

    /// A control-plane read (`GET /_freshmock/{path}`) that must answer 200.
    pub async fn inspect(&self, path: &str) -> Value {
        let reply = fetch(self.bare(Method::GET, &format!("/_freshmock/{path}"))).await;
        assert_eq!(reply.status, 200, "GET /_freshmock/{path}: {}", reply.body);
        reply.json()
    }

    /// A control-plane action (`{method} /_freshmock/{path}`) that must answer 200.
    pub async fn control(&self, method: Method, path: &str, body: Value) -> Value {
        let reply = fetch(
            self.bare(method.clone(), &format!("/_freshmock/{path}"))
                .json(&body),
        )
        .await;
        assert_eq!(
            reply.status, 200,
            "{method} /_freshmock/{path}: {}",
            reply.body
        );
        reply.json()
    }

    /// The user with this email (any of theirs), as `GET /_freshmock/contacts` shows them.
    pub async fn user(&self, email: &str) -> Option<Value> {
        let users = self.inspect(&format!("contacts?email={email}")).await;
        users.as_array().unwrap().first().cloned()
    }

    /// One translation's vote counters (`thumbs_up`, `thumbs_down`, ...), as
    /// `GET /_freshmock/votes` shows them.
    pub async fn translation_votes(&self, article: u64, language: &str) -> Value {
        let votes = self.inspect(&format!("votes?article={article}")).await;
        votes["translations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["language"] == language)
            .unwrap_or_else(|| panic!("no {language} translation in {votes}"))
            .clone()
    }

    /// An article's hits (`fixture_hits`, `counted`, `hits`), as `GET /_freshmock/hits`
    /// shows them.
    pub async fn hits(&self, article: u64) -> Value {
        let hits = self.inspect(&format!("hits?article={article}")).await;
        assert_eq!(hits[0]["article_id"], article, "{hits}");
        hits[0].clone()
    }

    /// Uploads a small file as a draft; returns its id.
    pub async fn upload(&self, widget_id: &str, client: &str, auth: Option<&str>) -> u64 {
        let mut request = self
            .widget(Method::POST, "/api/widget/attachments", widget_id, client)
            .header("Content-Type", multipart_type())
            .body(multipart(&[("content", Some("note.txt"), b"hello")]));
        if let Some(auth) = auth {
            request = request.header("X-Widget-Auth", auth);
        }
        let reply = fetch(request).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["id"].as_u64().unwrap()
    }
}

impl Reply {
    /// The error code: `code` of a request error, or of a validation error's first entry.
    pub fn code(&self) -> String {
        let body = self.json();
        body.get("code")
            .or_else(|| body.pointer("/errors/0/code"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no error code in {body}"))
            .to_owned()
    }

    /// The `code`s of a validation error, or the request error's code.
    pub fn codes(&self) -> Vec<String> {
        let body = self.json();
        match body.get("errors").and_then(Value::as_array) {
            Some(errors) => errors
                .iter()
                .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
                .collect(),
            None => vec![body["code"].as_str().unwrap_or_default().to_owned()],
        }
    }

    /// The `field`s of a validation error.
    pub fn fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A validation error's `(field, code)` pairs, sorted.
    pub fn field_codes(&self) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = self.json()["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors: {}", self.body))
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        found.sort();
        found
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

/// An agent-API ticket body that passes every check, with `extra`'s keys laid over it.
pub fn agent_ticket(extra: Value) -> Value {
    let mut body = serde_json::json!({
        "email": "nora@example.com",
        "subject": "Printer on fire",
        "description": "<p>It is on fire.</p>",
        "status": 2,
        "priority": 1,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}
