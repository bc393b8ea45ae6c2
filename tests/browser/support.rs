//! Test harness: headless Chromium driven over WebDriver by a small client written on
//! reqwest (already a dev-dependency; the dozen WebDriver commands these tests use did not
//! justify fantoccini's dependency tree), a freshmock server per test, and host pages served
//! from a second origin, as a customer's site would be.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use freshmock::clock::ClockStart;
use freshmock::server::RunningServer;
use freshmock::state::{AppState, Config};
use serde_json::{json, Value};
use warp::Filter;

/// The bundled account's widget with articles and the simple form.
pub const WIDGET: &str = "12000000025";
/// The ticket-fields form that needs a login.
pub const FORM_WIDGET: &str = "12000000027";
pub const INACTIVE_WIDGET: &str = "12000000026";
pub const NOTHING_WIDGET: &str = "12000000028";

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a `wait` polls before failing.
const WAIT: Duration = Duration::from_secs(15);

fn tool(var: &str, default: &str) -> String {
    let path = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    assert!(
        Path::new(&path).exists(),
        "{path} is missing: the browser tests need Debian's chromium and chromium-driver \
         (scripts/test.sh installs them: apt-get update && apt-get install -y chromium chromium-driver)"
    );
    path
}

/// A port nobody listens on now (chromedriver cannot take port 0).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap().port()
}

/// freshmock on a free port with the bundled fixtures and a running clock (so the browser's
/// clock and the server's agree even before the widget reads the server's).
pub async fn server() -> RunningServer {
    let mut config = Config::bundled();
    config.clock = ClockStart::System;
    RunningServer::start(AppState::new(config).unwrap())
        .await
        .unwrap()
}

/// 2026-01-01T00:00:00Z, in milliseconds: far from the browser's clock on purpose.
pub const PINNED_MS: i64 = 1_767_225_600_000;

/// freshmock with its clock frozen at [`PINNED_MS`]: the widget must go by this clock, not
/// the browser's.
pub async fn frozen_server() -> RunningServer {
    let mut config = Config::bundled();
    config.clock = ClockStart::Fixed(PINNED_MS);
    RunningServer::start(AppState::new(config).unwrap())
        .await
        .unwrap()
}

/// A token for `email`, signed with the server's current secret, valid for `ttl` seconds by
/// the server's clock: what a customer's backend would send.
pub fn token(server: &RunningServer, name: &str, email: &str, ttl: i64) -> String {
    let state = server.state();
    let exp = state.clock().now_secs() + ttl;
    let secret = state.read().secret.clone();
    freshmock::token::mint_for(name, email, exp, &secret)
}

/// Serves one HTML page at `/` of a second origin (the customer's site).
pub async fn host(html: String) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let page = warp::path::end().map(move || warp::reply::html(html.clone()));
    tokio::spawn(warp::serve(page).incoming(listener).run());
    format!("http://{addr}/")
}

/// The customer's site with its own backend: the page at `/`, and `POST /token?email=&name=&ttl=`
/// that signs a token the way a customer's server does (the widget secret it was given, the
/// server's clock), so a page's `authenticate` callback can fetch fresh tokens same-origin.
pub async fn host_with_tokens(html: String, server: &RunningServer) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let state = server.state().clone();
    let page = warp::path::end().map(move || warp::reply::html(html.clone()));
    let sign = warp::path!("token")
        .and(warp::post())
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .map(move |q: std::collections::HashMap<String, String>| {
            let ttl: i64 = q.get("ttl").and_then(|t| t.parse().ok()).unwrap_or(3600);
            let exp = state.clock().now_secs() + ttl;
            let secret = state.read().secret.clone();
            let email = q.get("email").cloned().unwrap_or_default();
            let name = q.get("name").cloned().unwrap_or_else(|| email.clone());
            freshmock::token::mint_for(&name, &email, exp, &secret)
        });
    tokio::spawn(warp::serve(page.or(sign)).incoming(listener).run());
    format!("http://{addr}/")
}

/// A customer's page embedding the widget with the usual snippet. `settings` is the
/// `fwSettings` object literal, `before` runs after the stub (calls queued before load),
/// `script` is the loader's path. Console warnings are kept in `window.__warnings`.
pub fn page(freshmock: &str, settings: &str, before: &str, script: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer site</title>
<style>body{{font:16px system-ui,sans-serif;margin:0;background:#eef2f7;color:#243b53}}
header{{background:#243b53;color:#fff;padding:18px 32px;font-size:20px}}main{{padding:24px 32px;max-width:640px}}</style>
<script>
window.__warnings = [];
(function () {{ var warn = console.warn; console.warn = function () {{
  window.__warnings.push([].map.call(arguments, String).join(' ')); return warn.apply(console, arguments); }}; }})();
window.fwSettings = {settings};
!function(){{if("function"!=typeof window.FreshworksWidget){{var n=function(){{n.q.push(arguments)}};n.q=[],window.FreshworksWidget=n}}}}();
{before}
</script></head>
<body><header>Example Corp</header><main><h1>Welcome</h1>
<p>A customer's page that embeds the help widget with the standard snippet, pointed at freshmock.</p></main>
<script src="{freshmock}{script}" async defer></script>
</body></html>"#
    )
}

/// The usual page for widget `id`.
pub fn widget_page(freshmock: &str, id: &str, before: &str) -> String {
    page(
        freshmock,
        &format!("{{ widget_id: {id} }}"),
        before,
        &format!("/widgets/{id}.js"),
    )
}

static PROFILES: AtomicUsize = AtomicUsize::new(0);

/// One headless Chromium behind its own chromedriver; both end when this is dropped.
pub struct Browser {
    http: reqwest::Client,
    driver_port: u16,
    session: String,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    pub async fn start() -> Browser {
        let chromium = tool("FRESHMOCK_CHROMIUM", CHROMIUM);
        let chromedriver = tool("FRESHMOCK_CHROMEDRIVER", CHROMEDRIVER);
        let driver_port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}"));
        let profile = std::env::temp_dir().join(format!(
            "freshmock-chromium-{}-{}",
            std::process::id(),
            PROFILES.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).unwrap();
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{driver_port}");
        let started = Instant::now();
        loop {
            let ready = http.get(format!("{base}/status")).send().await;
            if let Ok(r) = ready {
                let v: Value = r.json().await.unwrap_or_default();
                if v["value"]["ready"] == json!(true) {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not become ready on port {driver_port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,860", "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let response: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .unwrap();
        let session = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {response}"))
            .to_owned();
        Browser {
            http,
            driver_port,
            session,
            driver,
            profile,
        }
    }

    fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/session/{}{path}",
            self.driver_port, self.session
        )
    }

    async fn command(&self, path: &str, body: Value) -> Value {
        let response: Value = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(error) = response["value"]["error"].as_str() {
            panic!(
                "WebDriver {path}: {error}: {}",
                response["value"]["message"]
            );
        }
        response["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.command("/url", json!({ "url": url })).await;
    }

    /// Runs a script body in the page (use `return` for a value).
    pub async fn js(&self, script: &str) -> Value {
        self.command("/execute/sync", json!({ "script": script, "args": [] }))
            .await
    }

    /// Runs an async script body; it calls `done(value)` (the last argument) when finished.
    pub async fn js_async(&self, script: &str) -> Value {
        let wrapped = format!("var done = arguments[arguments.length - 1];\n{script}");
        self.command("/execute/async", json!({ "script": wrapped, "args": [] }))
            .await
    }

    /// Polls `expr` until it is truthy; fails with `what` and the widget's state.
    pub async fn wait(&self, what: &str, expr: &str) -> Value {
        let script = format!("try {{ return ({expr}); }} catch (e) {{ return null; }}");
        let started = Instant::now();
        loop {
            let v = self.js(&script).await;
            let truthy = !(v.is_null() || v == json!(false) || v == json!(0) || v == json!(""));
            if truthy {
                return v;
            }
            if started.elapsed() > WAIT {
                let state = self.state().await;
                let warnings = self.js("return window.__warnings || []").await;
                panic!("timed out waiting for {what} ({expr});\nwidget state: {state:#}\nconsole warnings: {warnings:#}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `window.__freshmock.state()`.
    pub async fn state(&self) -> Value {
        self.js("return window.__freshmock && window.__freshmock.state ? window.__freshmock.state() : null")
            .await
    }

    /// Waits until the widget has rendered and replayed its queue.
    pub async fn ready(&self) -> Value {
        self.wait(
            "the widget to render",
            "window.__freshmock && window.__freshmock.state().status === 'ready' && window.FreshworksWidget && !window.FreshworksWidget.q",
        )
        .await;
        self.idle().await
    }

    /// Waits until no widget request is in flight, and returns the state.
    pub async fn idle(&self) -> Value {
        tokio::time::sleep(Duration::from_millis(30)).await;
        self.wait(
            "the widget's requests to finish",
            "!window.__freshmock.state().busy",
        )
        .await;
        self.state().await
    }

    /// Calls `FreshworksWidget(...)` with the given JavaScript argument list.
    pub async fn call(&self, args: &str) {
        self.js(&format!("FreshworksWidget({args});")).await;
    }

    /// Evaluates `expr` inside the panel frame's document (`d`).
    pub async fn in_panel(&self, expr: &str) -> Value {
        self.js(&format!(
            "var d = document.getElementById('widget-frame').contentDocument; return ({expr});"
        ))
        .await
    }

    /// Types into the panel's search box as a user would (an input event per change).
    pub async fn type_search(&self, term: &str) {
        self.in_panel(&format!(
            "(function () {{ var i = d.getElementById('search'); i.focus(); i.value = {}; i.dispatchEvent(new Event('input', {{ bubbles: true }})); }})()",
            json!(term)
        ))
        .await;
    }

    /// Ids of the search results shown, once a search for `term` has answered.
    pub async fn search(&self, term: &str) -> Vec<u64> {
        self.type_search(term).await;
        let results = self
            .wait(
                &format!("search results for {term:?}"),
                &format!(
                    "(function () {{ var s = window.__freshmock.state(); return s.search.term === {} && !s.busy && s.search.results; }})()",
                    json!(term)
                ),
            )
            .await;
        results
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_u64().unwrap())
            .collect()
    }

    /// A PNG of the viewport in `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let response: Value = self
            .http
            .get(self.url("/screenshot"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = response["value"].as_str().expect("a screenshot");
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Quit Chromium through chromedriver (a plain blocking request: no runtime in drop),
        // then stop the chromedriver this test started.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.driver_port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut sink = Vec::new();
                let _ = stream.read_to_end(&mut sink);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The control plane over HTTP (`/_freshmock/...`).
pub async fn control(server: &RunningServer, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/_freshmock/{path}", server.uri()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(
        status.is_success(),
        "POST /_freshmock/{path} answered {status}: {text}"
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
