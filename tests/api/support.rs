//! Shared test set-up: a server on a free port with the bundled fixtures and a pinned clock,
//! and small helpers for the widget's headers, tokens, multipart bodies and agent auth.

#![allow(dead_code)]

use base64::Engine;
use freshmock::clock::ClockStart;
use freshmock::server::RunningServer;
use freshmock::state::{AppState, Config};
use freshmock::token;
use serde_json::Value;

/// 2026-01-01T00:00:00Z: the clock every test pins, as the token vectors assume.
pub const NOW: i64 = 1_767_225_600;
/// The bundled account's widget secret.
pub const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
/// The bundled account's main widget: simple form, captcha, solution articles on.
pub const WIDGET: &str = "12000000025";
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

/// Starts a server on the bundled fixtures with the clock frozen at [`NOW`].
pub async fn server() -> RunningServer {
    server_with(config()).await
}

pub async fn server_with(config: Config) -> RunningServer {
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
