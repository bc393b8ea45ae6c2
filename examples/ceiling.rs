//! The benchmark's ceiling: the fastest answer a warp server built from freshmock's own
//! dependencies (same warp, tokio, runtime and build profile) can give, a fixed 2 KB JSON
//! body on any GET. `scripts/bench.sh` measures freshmock as ratios to it.
//!
//! ```text
//! cargo run --release --example ceiling -- 0    # 0 picks a free port
//! listening on http://127.0.0.1:PORT
//! ```

use std::net::SocketAddr;

use bytes::Bytes;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use warp::http::header::{HeaderValue, CONTENT_TYPE};
use warp::reply::Response;
use warp::Filter;

/// Size of the body, in bytes.
const BODY_BYTES: usize = 2048;

/// A search-like answer (a list of article summaries), exactly [`BODY_BYTES`] long.
fn body() -> Bytes {
    let item = |i: u64, title: &str| json!({ "id": 1100 + i, "title": title, "modified_at": "2026-09-14T08:12:30Z", "language_id": 6 });
    let size = |items: &[Value]| serde_json::to_string(items).expect("plain JSON").len();
    let mut items: Vec<Value> = (0..24)
        .map(|i| item(i, "How to reset your password"))
        .collect();
    items.push(item(99, ""));
    while size(&items) > BODY_BYTES {
        items.remove(0);
    }
    // The last title takes up what is left.
    let last = items.len() - 1;
    items[last] = item(99, &"x".repeat(BODY_BYTES - size(&items)));
    let text = serde_json::to_string(&items).expect("plain JSON");
    assert_eq!(text.len(), BODY_BYTES);
    Bytes::from(text)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p.parse().map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "usage: ceiling [PORT]")
        })?,
        None => 0,
    };
    let body = body();
    let route = warp::get().map(move || {
        let mut response = Response::new(body.clone().into());
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    });
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("listening on http://{}", listener.local_addr()?);
    warp::serve(route).incoming(listener).run().await;
    Ok(())
}
