//! Test harness: headless Chromium over the shared WebDriver client (`tests/common`) with the
//! widget's own helpers, a freshmock server per test, and host pages served from a second
//! origin, as a customer's site would be.

use std::ops::Deref;
use std::time::Duration;

use freshmock::{tokens, MockServer};
use reqwest::Method;
use serde_json::{json, Value};
use warp::Filter;

pub use crate::harness::{fetch, Api};
use crate::webdriver::{self, Options};

/// The bundled account's widget with articles and the simple form.
pub const WIDGET: &str = "12000000025";
/// The ticket-fields form that needs a login.
pub const FORM_WIDGET: &str = "12000000027";
pub const INACTIVE_WIDGET: &str = "12000000026";
pub const NOTHING_WIDGET: &str = "12000000028";

/// freshmock on a free port with the bundled fixtures and a running clock (so the browser's
/// clock and the server's agree even before the widget reads the server's).
pub async fn server() -> Api {
    Api::on(MockServer::start().await)
}

/// freshmock with its clock frozen at [`crate::harness::NOW`] (2026-01-01T00:00:00Z, far from the browser's
/// clock on purpose): the widget must go by this clock, not
/// the browser's.
pub async fn frozen_server() -> Api {
    Api::start().await
}

/// A token for `email`, signed with the server's current secret, valid for `ttl` seconds by
/// the server's clock: what a customer's backend would send.
pub fn token(server: &Api, name: &str, email: &str, ttl: i64) -> String {
    tokens::mint_for(name, email, server.now_secs() + ttl, &server.secret())
}

/// Serves one HTML page at `/` of a second origin (the customer's site).
pub async fn host(html: String) -> String {
    let page = warp::path::end().map(move || warp::reply::html(html.clone()));
    serve(page.boxed()).await
}

/// The customer's site with its own backend: the page at `/`, and `POST /token?email=&name=&ttl=`
/// that signs a token the way a customer's server does (the widget secret it was given, the
/// server's clock), so a page's `authenticate` callback can fetch fresh tokens same-origin.
pub async fn host_with_tokens(html: String, server: &Api) -> String {
    let page = warp::path::end().map(move || warp::reply::html(html.clone()));
    serve(page.or(tokens_route(server)).boxed()).await
}

/// The embedding styles of `tests/browser/pages/` as a customer's site: `/pages/<file>` with
/// `{{FRESHMOCK}}` and `{{WIDGET}}` filled in, and the same `POST /token` as
/// [`host_with_tokens`]. Returns the site's root (`http://127.0.0.1:port/`).
pub async fn host_pages(server: &Api) -> String {
    let freshmock = server.uri();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/pages");
    let pages = warp::path!("pages" / String).map(move |file: String| {
        let html = std::fs::read_to_string(dir.join(&file))
            .unwrap_or_else(|e| panic!("tests/browser/pages/{file}: {e}"));
        warp::reply::html(
            html.replace("{{FRESHMOCK}}", &freshmock)
                .replace("{{WIDGET}}", WIDGET),
        )
    });
    serve(pages.or(tokens_route(server)).boxed()).await
}

/// Serves `routes` on a free port of 127.0.0.1 (a second origin) and returns its root.
async fn serve(routes: warp::filters::BoxedFilter<(impl warp::Reply + 'static,)>) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(routes).incoming(listener).run());
    format!("http://{addr}/")
}

/// `POST /token?email=&name=&ttl=`: a token signed with the secret freshmock holds now, `ttl`
/// seconds ahead of its clock (negative for one already expired).
fn tokens_route(
    server: &Api,
) -> impl Filter<Extract = (String,), Error = warp::Rejection> + Clone + Send + Sync + 'static {
    let freshmock = server.uri();
    warp::path!("token")
        .and(warp::post())
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .then(move |q: std::collections::HashMap<String, String>| {
            let freshmock = freshmock.clone();
            async move {
                // The secret it was given and the server's clock, read from the control plane.
                let read = |path: &'static str| {
                    let url = format!("{freshmock}/_freshmock/{path}");
                    async move {
                        reqwest::get(url)
                            .await
                            .unwrap()
                            .json::<Value>()
                            .await
                            .unwrap()
                    }
                };
                let secret = read("secret").await["secret"].as_str().unwrap().to_owned();
                let now_ms = read("clock").await["now_ms"].as_i64().unwrap();
                let ttl: i64 = q.get("ttl").and_then(|t| t.parse().ok()).unwrap_or(3600);
                let email = q.get("email").cloned().unwrap_or_default();
                let name = q.get("name").cloned().unwrap_or_else(|| email.clone());
                tokens::mint_for(&name, &email, now_ms / 1000 + ttl, &secret)
            }
        })
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

/// A headless Chromium set up as the widget tests want it (a 1280×860 window, en-US), with
/// the widget's helpers; everything else is [`webdriver::Browser`]'s.
pub struct Browser(webdriver::Browser);

impl Deref for Browser {
    type Target = webdriver::Browser;

    fn deref(&self) -> &webdriver::Browser {
        &self.0
    }
}

impl Browser {
    pub async fn start() -> Browser {
        Browser(
            webdriver::Browser::start(Options {
                window: (1280, 860),
                exact_viewport: false,
                args: &["--lang=en-US"],
                // A wait that times out shows what the widget and the console said.
                diagnostics: Some(
                    "return { 'widget state': window.__freshmock && window.__freshmock.state ? window.__freshmock.state() : null, 'console warnings': window.__warnings || [] };",
                ),
            })
            .await,
        )
    }

    /// `window.__freshmock.state()`.
    pub async fn state(&self) -> Value {
        self.eval("return window.__freshmock && window.__freshmock.state ? window.__freshmock.state() : null")
            .await
    }

    /// A host page embedding widget `id` of the freshmock at `freshmock` with its contact
    /// form opened, once the widget is ready.
    pub async fn open_form(&self, freshmock: &str, id: &str) -> Value {
        self.goto(
            &host(widget_page(
                freshmock,
                id,
                "FreshworksWidget('open', 'ticketForm');",
            ))
            .await,
        )
        .await;
        self.ready().await
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
        self.eval(&format!("FreshworksWidget({args});")).await;
    }

    /// Evaluates `expr` inside the panel frame's document (`d`): a document of freshmock's
    /// origin, reached as a user's tools reach it (WebDriver switches into the frame).
    pub async fn in_panel(&self, expr: &str) -> Value {
        self.eval_in_frame(
            "#widget-frame",
            &format!("var d = document; return ({expr});"),
        )
        .await
    }

    /// Evaluates `expr` inside the launcher frame's document (`d`).
    pub async fn in_launcher(&self, expr: &str) -> Value {
        self.eval_in_frame(
            "#launcher-frame",
            &format!("var d = document; return ({expr});"),
        )
        .await
    }

    /// Waits until `expr` is truthy inside the panel frame's document (`d`).
    pub async fn wait_in_panel(&self, what: &str, expr: &str) -> Value {
        self.wait_in_frame(
            "#widget-frame",
            what,
            &format!("(function () {{ var d = document; return ({expr}); }})()"),
        )
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
}

/// A control-plane call over HTTP (`POST /_freshmock/...`) that must succeed.
pub async fn control(server: &Api, path: &str, body: Value) -> Value {
    let reply = fetch(
        server
            .bare(Method::POST, &format!("/_freshmock/{path}"))
            .json(&body),
    )
    .await;
    assert!(
        reply.status.is_success(),
        "POST /_freshmock/{path} answered {}: {}",
        reply.status,
        reply.body
    );
    serde_json::from_str(&reply.body).unwrap_or(Value::Null)
}
