//! The one test harness, shared by the API, browser and dashboard suites: a freshmock
//! [`MockServer`] with the bundled fixtures and the clock pinned at [`NOW`], one request
//! builder that sends the widget's headers, and one [`Reply`].
//!
//! Each binary includes it with `#[path = "../common/harness.rs"] mod harness;` and adds its
//! own helpers on top (inherent `impl Api` / `impl Reply` blocks in its support module).
//! Tests see the server only as a user would: over HTTP (the widget API and the control
//! plane under `/_freshmock/`) and through `MockServer`'s methods.

use std::ops::Deref;

use freshmock::{MockServer, MockServerBuilder};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

/// 2026-01-01T00:00:00Z in Unix seconds: the clock every pinned server starts at, as the
/// token vectors assume.
#[allow(
    dead_code,
    reason = "the dashboard suite reads the time through the page"
)]
pub const NOW: i64 = 1_767_225_600;

/// A server on the bundled fixtures with the clock frozen at [`NOW`], to configure further.
pub fn pinned() -> MockServerBuilder {
    MockServer::builder().now("2026-01-01T00:00:00Z")
}

/// A running server and a client to call it with. Derefs to the [`MockServer`] (its `uri`,
/// `token_for`, `advance`, ...); dropping it stops the server.
#[derive(Debug)]
pub struct Api {
    server: MockServer,
    http: reqwest::Client,
}

impl Deref for Api {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}

impl Api {
    /// The bundled fixtures, clock frozen at [`NOW`].
    pub async fn start() -> Api {
        Api::on(pinned().start().await)
    }

    /// Any server the builder made (other fixtures, a data dir, a control token, real time).
    pub fn on(server: MockServer) -> Api {
        Api {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// Any method on any path, with no headers at all (the control plane, the agent API).
    pub fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.server.uri()))
    }

    /// A widget API request: `X-Widget-Id` and `X-Client-Id` set as the widget sends them.
    #[allow(
        dead_code,
        reason = "the browser suite sends widget calls through Chromium, not this"
    )]
    pub fn widget(
        &self,
        method: Method,
        path: &str,
        widget_id: &str,
        client_id: &str,
    ) -> RequestBuilder {
        self.bare(method, path)
            .header("X-Widget-Id", widget_id)
            .header("X-Client-Id", client_id)
    }
}

/// What came back, read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    #[allow(dead_code, reason = "not every suite checks headers")]
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
}
