//! The perimeter, tried as an attacker would: a DNS-rebinding page, cross-site pages posting
//! to the control plane, `text/plain` bodies, a 1 GiB body, slow and idle sockets, and a
//! server told to listen beyond loopback with nothing guarding its controls.

use std::process::Command;
use std::time::Duration;

use freshmock::{MockServer, StartError};
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{
    binary, fetch, memory_kb, pinned, run_within, spawn, spawn_command, Api, Reply, WIDGET,
};

/// The `host:port` of a server's URI.
fn authority(uri: &str) -> &str {
    uri.trim_start_matches("http://")
}

impl Api {
    /// A control call with extra headers and a raw body.
    async fn control_raw(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.bare(method, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        fetch(request).await
    }
}

/// Reads whatever the server sends until it closes the connection (or `limit` passes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&got).into_owned())
}

// Host: DNS rebinding

#[tokio::test]
async fn a_dns_rebinding_page_cannot_read_the_secret_or_search() {
    let server = Api::start().await;
    let reply = server
        .control_raw(
            Method::GET,
            "/_freshmock/secret",
            &[("Host", "attacker.example:8787")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "host_not_allowed");
    assert!(
        reply.reason().contains("--allow-host attacker.example"),
        "{}",
        reply.reason()
    );
    assert!(!reply.body.contains(&server.secret()));

    let search = fetch(
        server
            .widget(
                Method::GET,
                "/api/widget/search/solutions?term=password",
                WIDGET,
                "rebind",
            )
            .header("Host", "attacker.example"),
    )
    .await;
    assert_eq!(search.status, 403);
    assert_eq!(search.code(), "host_not_allowed");
}

#[tokio::test]
async fn loopback_names_and_addresses_are_served_on_any_port() {
    let server = Api::start().await;
    for host in [
        "localhost",
        "localhost:9999",
        "127.0.0.2:1",
        "[::1]:8787",
        "demo.localhost",
    ] {
        let reply = server
            .control_raw(Method::GET, "/_freshmock/health", &[("Host", host)])
            .await;
        assert_eq!(reply.status, 200, "Host {host}");
    }
}

#[tokio::test]
async fn a_name_given_with_allow_host_is_served() {
    let server = Api::on(pinned().allow_host("myapp.test").start().await);
    let reply = server
        .control_raw(
            Method::GET,
            "/_freshmock/secret",
            &[("Host", "MyApp.test:3000")],
        )
        .await;
    assert_eq!(reply.status, 200);
    let other = server
        .control_raw(Method::GET, "/_freshmock/secret", &[("Host", "other.test")])
        .await;
    assert_eq!(other.status, 403);
}

// Cross-site writes

#[tokio::test]
async fn a_cross_site_page_cannot_reset_rotate_the_secret_move_the_clock_or_inject_faults() {
    let server = Api::on(pinned().start().await);
    let secret = server.secret();
    let now = server.now_secs();
    let evil = [
        ("Origin", "http://evil.example"),
        ("Content-Type", "application/json"),
    ];
    for (method, path, body) in [
        (Method::POST, "/_freshmock/reset", "{}"),
        (Method::POST, "/_freshmock/secret/rotate", "{}"),
        (
            Method::POST,
            "/_freshmock/clock/advance",
            r#"{"ms": 3600000}"#,
        ),
        (Method::POST, "/_freshmock/faults", r#"{"status": 503}"#),
        (Method::PUT, "/_freshmock/fixtures", "{}"),
        (Method::DELETE, "/_freshmock/requests", ""),
    ] {
        let mut request = server.bare(method.clone(), path).body(body);
        for (name, value) in evil {
            request = request.header(name, value);
        }
        let reply = fetch(request).await;
        assert_eq!(reply.status, 403, "{method} {path}");
        assert_eq!(reply.code(), "cross_site_request", "{method} {path}");
        assert!(
            reply.reason().contains("http://evil.example"),
            "{}",
            reply.reason()
        );
    }
    assert_eq!(server.secret(), secret);
    assert_eq!(server.now_secs(), now);
    assert_eq!(server.inspect("faults").await, json!([]));
}

#[tokio::test]
async fn a_request_the_browser_marks_cross_site_is_refused() {
    let server = Api::start().await;
    let reply = server
        .control_raw(
            Method::POST,
            "/_freshmock/reset",
            &[("Sec-Fetch-Site", "cross-site")],
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "cross_site_request");
}

#[tokio::test]
async fn freshmocks_own_pages_and_clients_without_an_origin_can_still_write() {
    let server = Api::start().await;
    let own = server.uri();
    let from_dashboard = server
        .control_raw(
            Method::POST,
            "/_freshmock/reset",
            &[("Origin", own.as_str()), ("Sec-Fetch-Site", "same-origin")],
        )
        .await;
    assert_eq!(from_dashboard.status, 200, "{}", from_dashboard.body);
    let from_a_test = server
        .control_raw(Method::POST, "/_freshmock/reset", &[])
        .await;
    assert_eq!(from_a_test.status, 200);
}

#[tokio::test]
async fn the_widget_api_stays_open_to_every_origin() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(
                Method::PUT,
                "/api/widget/solutions/article/1101/hit",
                WIDGET,
                "cors",
            )
            .header("Origin", "https://customer.example")
            .header("Sec-Fetch-Site", "cross-site"),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
}

// Bodies

#[tokio::test]
async fn a_text_plain_body_on_a_control_call_is_415_and_changes_nothing() {
    let server = Api::on(pinned().start().await);
    let now = server.now_secs();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = server
            .bare(Method::POST, "/_freshmock/clock/advance")
            .body(r#"{"ms": 3600000}"#);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let reply = fetch(request).await;
        assert_eq!(reply.status, 415, "{content_type:?}");
        assert_eq!(reply.code(), "invalid_content_type");
        assert!(
            reply.reason().contains("application/json"),
            "{}",
            reply.reason()
        );
    }
    assert_eq!(server.now_secs(), now);
    // An empty body needs no type: `POST /_freshmock/reset` from curl keeps working.
    let reset = fetch(server.bare(Method::POST, "/_freshmock/reset")).await;
    assert_eq!(reset.status, 200);
}

#[tokio::test]
async fn a_control_body_over_64_kib_is_refused_before_it_is_read() {
    let server = Api::start().await;
    let mut stream = TcpStream::connect(authority(&server.uri())).await.unwrap();
    stream
        .write_all(
            b"POST /_freshmock/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    // Nothing more is sent: the answer comes from the declared length alone.
    let answer = read_until_closed(&mut stream, Duration::from_secs(20))
        .await
        .expect("the server answers without waiting for the body");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("request_too_large"), "{answer}");

    let chunked = fetch(
        server
            .bare(Method::POST, "/_freshmock/tokens")
            .header("Content-Type", "application/json")
            .body(vec![b' '; 65 * 1024]),
    )
    .await;
    assert_eq!(chunked.status, 413);
    assert_eq!(chunked.code(), "request_too_large");
}

#[tokio::test]
async fn a_streamed_1_gib_control_body_leaves_the_servers_memory_flat() {
    let server = spawn(&[]);
    crate::support::health_when_ready(&server.uri).await;
    let (peak_before, _) = memory_kb(server.child.id());
    let mut stream = TcpStream::connect(authority(&server.uri)).await.unwrap();
    stream
        .write_all(
            b"POST /_freshmock/tokens/explain HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    // 1 GiB in 1 MiB chunks, until the server stops taking them.
    let chunk = {
        let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
        chunk.extend(std::iter::repeat_n(b' ', 1 << 20));
        chunk.extend_from_slice(b"\r\n");
        chunk
    };
    let mut sent = 0usize;
    for _ in 0..1024 {
        let written = tokio::time::timeout(Duration::from_secs(5), stream.write_all(&chunk)).await;
        match written {
            Ok(Ok(())) => sent += 1,
            _ => break,
        }
    }
    let answer = read_until_closed(&mut stream, Duration::from_secs(20))
        .await
        .unwrap_or_default();
    assert!(sent < 1024, "the server took the whole 1 GiB");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 413"),
        "{answer}"
    );
    let (peak_after, _) = memory_kb(server.child.id());
    let grew_kb = peak_after.saturating_sub(peak_before);
    assert!(grew_kb < 8 * 1024, "peak memory grew by {grew_kb} kB");
}

#[tokio::test]
async fn a_fixture_set_over_max_fixtures_body_is_413_naming_the_flag() {
    let server = Api::on(pinned().max_fixtures_body(1024).start().await);
    let document = server.inspect("fixtures").await;
    let reply = fetch(
        server
            .bare(Method::PUT, "/_freshmock/fixtures")
            .header("Content-Type", "application/json")
            .body(document.to_string()),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.code(), "request_too_large");
    assert!(
        reply.reason().contains("--max-fixtures-body"),
        "{}",
        reply.reason()
    );
}

// Slow and idle sockets

/// A server whose header timeout is half a second (the idle one a minute), and a socket to it.
async fn connected_with_a_short_header_timeout() -> (Api, TcpStream) {
    let server = Api::on(
        MockServer::builder()
            .timeouts(Duration::from_millis(500), Duration::from_secs(60))
            .start()
            .await,
    );
    let stream = TcpStream::connect(authority(&server.uri())).await.unwrap();
    (server, stream)
}

#[tokio::test]
async fn headers_sent_too_slowly_are_cut_off_at_the_header_timeout() {
    let (_server, mut stream) = connected_with_a_short_header_timeout().await;
    stream
        .write_all(b"GET /_freshmock/health HTTP/1.1\r\n")
        .await
        .unwrap();
    // One byte of a header every 100 ms: never idle, never done.
    let trickle = async {
        for byte in b"X-Slow: ".iter().cycle().take(200) {
            if stream.write_all(&[*byte]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    let cut_off = tokio::time::timeout(Duration::from_secs(15), trickle).await;
    assert_eq!(cut_off, Ok(true), "the slow client was not cut off");
}

#[tokio::test]
async fn a_kept_alive_connection_that_sends_no_next_request_is_closed_at_the_header_timeout() {
    let (_server, mut stream) = connected_with_a_short_header_timeout().await;
    // Two requests answered, then silence: the wait for the third's headers runs out.
    for _ in 0..2 {
        stream
            .write_all(b"GET /_freshmock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
    }
    let rest = read_until_closed(&mut stream, Duration::from_secs(15)).await;
    assert!(
        rest.is_some(),
        "the idle kept-alive connection was not closed"
    );
}

#[tokio::test]
async fn a_connection_that_stops_sending_its_body_is_closed_at_the_idle_timeout() {
    let server = Api::on(
        MockServer::builder()
            .timeouts(Duration::from_secs(60), Duration::from_millis(500))
            .start()
            .await,
    );
    let mut stream = TcpStream::connect(authority(&server.uri())).await.unwrap();
    stream
        .write_all(
            b"POST /_freshmock/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(15)).await;
    let answer = answer.expect("the stalled connection was closed");
    assert!(!answer.starts_with("HTTP/1.1 5"), "{answer}");
}

#[tokio::test]
async fn a_flood_of_idle_sockets_does_not_lock_new_clients_out() {
    // A server allowed 256 descriptors, as on a machine with a low limit.
    let mut command = Command::new("sh");
    command.arg("-c").arg("ulimit -n 256 && exec \"$0\" \"$@\"");
    let server_binary = binary(&[]);
    command.arg(server_binary.get_program());
    command.args(server_binary.get_args());
    command.env("FRESHMOCK_LOG", "error");
    let server = spawn_command(command);
    let mut idle = Vec::new();
    for _ in 0..400 {
        idle.push(TcpStream::connect(authority(&server.uri)).await.unwrap());
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let reply = client
        .get(format!("{}/_freshmock/health", server.uri))
        .send()
        .await
        .expect("a new client is served while 400 idle sockets are open");
    assert_eq!(reply.status(), 200);
    drop(idle);
}

// Listening beyond loopback

#[test]
fn listening_beyond_loopback_without_a_control_token_refuses_to_start() {
    let mut command = binary(&["--host", "0.0.0.0"]);
    command
        .env_remove("FRESHMOCK_CONTROL_TOKEN")
        .env_remove("FRESHMOCK_INSECURE_CONTROL");
    let (status, stderr) = run_within(command, Duration::from_secs(20));
    assert!(status.is_some_and(|s| !s.success()), "it started: {stderr}");
    assert!(stderr.contains("--control-token"), "{stderr}");
    assert!(stderr.contains("--insecure-control"), "{stderr}");
}

#[test]
fn an_empty_control_token_is_refused_at_start() {
    let (status, stderr) = run_within(binary(&["--control-token", ""]), Duration::from_secs(20));
    assert!(status.is_some_and(|s| !s.success()), "it started: {stderr}");
    assert!(stderr.contains("control token is empty"), "{stderr}");
}

#[tokio::test]
async fn an_empty_control_token_is_refused_by_the_builder_too() {
    let started = MockServer::builder().control_token("").try_start().await;
    assert!(matches!(started, Err(StartError::EmptyControlToken)));
}

#[tokio::test]
async fn a_slow_answer_is_not_cut_off_by_the_idle_timeout() {
    // The client waits on freshmock here (a two-second wait on the control plane): the
    // silence is the server's, and the connection stays open for the answer.
    let server = Api::on(
        MockServer::builder()
            .timeouts(Duration::from_secs(60), Duration::from_millis(300))
            .start()
            .await,
    );
    let reply = fetch(server.bare(Method::GET, "/_freshmock/tickets?wait=2s")).await;
    assert_eq!(reply.status, 408);
    assert_eq!(reply.code(), "wait_timeout");
}
