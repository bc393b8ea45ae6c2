//! The control plane over real HTTP: health, clock, tokens, secret, reset, fixtures,
//! inspection, request log, events and faults; and `MockServer` in parallel tests.

use std::sync::Arc;
use std::time::Duration;

use freshmock::MockServer;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{bundled, fetch, health_when_ready, pinned, Api, Reply, WIDGET};

/// `{method} /_freshmock/{path}`: status and JSON body (`Null` when there is none).
async fn control(server: &Api, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = server.bare(method, &format!("/_freshmock/{path}"));
    if let Some(b) = body {
        request = request.json(&b);
    }
    let reply = fetch(request).await;
    let body = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status.as_u16(), body)
}

async fn post(server: &Api, path: &str, body: Value) -> (u16, Value) {
    control(server, Method::POST, path, Some(body)).await
}

async fn get(server: &Api, path: &str) -> (u16, Value) {
    control(server, Method::GET, path, None).await
}

/// A widget search as a page would send it.
async fn search(server: &Api, term: &str, token: Option<&str>) -> Reply {
    let path = format!("/api/widget/search/solutions?term={term}");
    let mut request = server.widget(Method::GET, &path, WIDGET, "control-tests");
    if let Some(t) = token {
        request = request.header("X-Widget-Auth", t);
    }
    fetch(request).await
}

fn error_message(reply: &Reply) -> String {
    reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn health_reports_ready_with_the_indexed_fixtures() {
    let server = Api::start().await;
    let body = health_when_ready(&server.uri()).await;
    assert_eq!(body["articles"], 46);
    assert_eq!(body["indexed"], json!(["en", "fr", "de"]));
}

/// The bundled set with `extra` copies of its first article in its first folder.
fn large_set(extra: u64) -> freshmock::FixtureSet {
    let mut set = bundled();
    let folder = &mut set.solutions[0].folders[0];
    let template = (*folder.articles[0]).clone();
    for i in 0..extra {
        let mut article = template.clone();
        article.id = 9_000_000 + i;
        std::sync::Arc::make_mut(&mut folder.articles).push(std::sync::Arc::new(article));
    }
    set
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_searches_are_answered_while_two_large_fixture_sets_load() {
    let server = Arc::new(Api::start().await);
    let document = serde_json::to_vec(&large_set(6000).to_document()).unwrap();
    let puts: Vec<_> = (0..2)
        .map(|_| {
            let request = server
                .bare(Method::PUT, "/_freshmock/fixtures")
                .header("content-type", "application/json")
                .body(document.clone());
            tokio::spawn(fetch(request))
        })
        .collect();
    let loading = || puts.iter().all(|p| !p.is_finished());

    // Ordering, not timing: searches keep being answered before either set is loaded
    // (when a replacement ran on a runtime thread, none was until both were).
    let mut answered_while_loading = 0;
    while loading() && answered_while_loading < 5 {
        let reply = search(&server, "password", None).await;
        assert_eq!(reply.status, 200);
        if loading() {
            answered_while_loading += 1;
        }
    }

    assert_eq!(
        answered_while_loading, 5,
        "searches waited for the fixture loads"
    );
    for put in puts {
        let reply = put.await.unwrap();
        assert_eq!(reply.status, 200, "{:?}", reply.json());
        assert_eq!(reply.json()["articles"], 6046);
    }
}

#[tokio::test]
async fn health_says_indexing_until_a_large_set_is_searchable() {
    let server = Api::on(pinned().fixtures(large_set(4000)).start().await);

    let (status, before) = get(&server, "health").await;
    // A search waits for its own language's index, so after one English is searchable.
    assert_eq!(search(&server, "password", None).await.status, 200);
    let (_, searched) = get(&server, "health").await;
    let after = health_when_ready(&server.uri()).await;

    assert_eq!(status, 200);
    assert_eq!(before["status"], "indexing");
    assert_eq!(before["articles"], 4046);
    assert!(searched["indexed"]
        .as_array()
        .unwrap()
        .contains(&json!("en")));
    assert_eq!(after["indexed"], json!(["en", "fr", "de"]));
}

#[tokio::test]
async fn advancing_the_clock_past_exp_expires_a_valid_token() {
    let server = Api::start().await;
    let token = server.token_for("alice@globex.test");
    assert_eq!(search(&server, "password", Some(&token)).await.status, 200);

    let (status, clock) = post(&server, "clock/advance", json!({ "seconds": 3601 })).await;

    assert_eq!(status, 200);
    assert_eq!(clock["now"], "2026-01-01T01:00:01Z");
    let res = search(&server, "password", Some(&token)).await;
    assert_eq!(res.status, 401);
    assert_eq!(error_message(&res), "Signature has expired");
}

#[tokio::test]
async fn the_clock_can_be_set_frozen_and_unfrozen() {
    let server = Api::start().await;
    let (_, set) = control(
        &server,
        Method::PUT,
        "clock",
        Some(json!({ "now": "2030-05-01T12:00:00Z" })),
    )
    .await;
    assert_eq!(set["now"], "2030-05-01T12:00:00Z");
    assert_eq!(set["frozen"], true);

    let (_, running) = post(&server, "clock/unfreeze", json!({})).await;
    assert_eq!(running["frozen"], false);
    let (_, frozen) = post(&server, "clock/freeze", json!({})).await;
    assert_eq!(frozen["frozen"], true);
    assert!(frozen["now_ms"].as_i64().unwrap() >= 1_903_867_200_000);

    let (status, err) = post(&server, "clock/advance", json!({ "by": "soon" })).await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_duration");
}

/// The last millisecond the clock shows: 9999-12-31T23:59:59.999Z.
const LATEST_MS: i64 = 253_402_300_799_999;

/// `PUT /_freshmock/clock` with `body`.
async fn set_clock(server: &Api, body: Value) -> (u16, Value) {
    control(server, Method::PUT, "clock", Some(body)).await
}

#[tokio::test]
async fn the_clock_refuses_times_outside_1970_to_9999_and_stays_where_it_was() {
    let server = Api::start().await;
    for body in [
        json!({ "now_ms": i64::MAX }),
        json!({ "now_ms": i64::MIN }),
        json!({ "now_ms": -1 }),
        json!({ "now_ms": LATEST_MS + 1 }),
        json!({ "now": "1969-12-31T23:59:59Z" }),
    ] {
        let (status, err) = set_clock(&server, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["code"], "time_out_of_range", "{body}");
        let message = err["message"].as_str().unwrap();
        assert!(
            message.contains("1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"),
            "{message}"
        );
    }
    for body in [
        json!({ "ms": i64::MAX }),
        json!({ "ms": i64::MIN }),
        json!({ "seconds": 1e300 }),
        json!({ "by": "600000000y" }),
        json!({ "by": "-57y" }),
    ] {
        let (status, err) = post(&server, "clock/advance", body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["code"], "time_out_of_range", "{body}");
    }
    let (_, clock) = get(&server, "clock").await;
    assert_eq!(clock["now"], "2026-01-01T00:00:00Z");
}

#[tokio::test]
async fn the_clock_holds_at_either_end_of_its_range() {
    let server = Api::start().await;
    let (status, clock) = set_clock(&server, json!({ "now_ms": LATEST_MS })).await;
    assert_eq!(status, 200);
    assert_eq!(clock["now"], "9999-12-31T23:59:59Z");
    let (status, err) = post(&server, "clock/advance", json!({ "ms": 1 })).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("time_out_of_range"))
    );

    // Running from the last millisecond, time stays there; frozen again, it is still there.
    post(&server, "clock/unfreeze", json!({})).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (_, running) = get(&server, "clock").await;
    assert_eq!(running["now_ms"], LATEST_MS);
    let (_, frozen) = post(&server, "clock/freeze", json!({})).await;
    assert_eq!(frozen["now_ms"], LATEST_MS);
    // Widget calls and the request log keep working there.
    assert_eq!(search(&server, "password", None).await.status, 200);
    let (status, _) = get(&server, "requests").await;
    assert_eq!(status, 200);

    let (status, clock) = post(&server, "clock/advance", json!({ "ms": -LATEST_MS })).await;
    assert_eq!(status, 200);
    assert_eq!(clock["now"], "1970-01-01T00:00:00Z");
    let (status, err) = post(&server, "clock/advance", json!({ "seconds": -0.001 })).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("time_out_of_range"))
    );
    assert_eq!(search(&server, "password", None).await.status, 200);
}

#[tokio::test]
async fn minting_a_token_with_the_longest_ttl_answers_instead_of_overflowing() {
    let server = Api::start().await;
    for body in [
        json!({ "email": "alice@globex.test", "ttl_seconds": i64::MAX }),
        json!({ "email": "alice@globex.test", "ttl": "500000000000y" }),
    ] {
        let (status, minted) = post(&server, "tokens", body.clone()).await;
        assert_eq!(status, 200, "{body}: {minted}");
    }
}

#[tokio::test]
async fn a_mistyped_ttl_is_refused_even_beside_ttl_seconds() {
    let server = Api::start().await;

    let (status, err) = post(
        &server,
        "tokens",
        json!({ "email": "alice@globex.test", "ttl_seconds": 60, "ttl": "soon" }),
    )
    .await;

    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("invalid_duration"))
    );
}

#[tokio::test]
async fn a_mock_server_started_outside_the_clocks_range_says_so() {
    for start in [
        freshmock::ClockStart::Fixed(-1),
        freshmock::ClockStart::Fixed(LATEST_MS + 1),
        freshmock::ClockStart::Offset(i64::MAX),
    ] {
        let err = pinned().clock(start).try_start().await.unwrap_err();
        assert!(
            err.to_string().contains("9999-12-31T23:59:59.999Z"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn minted_tokens_follow_the_request() {
    let server = Api::start().await;
    let (_, minted) = post(
        &server,
        "tokens",
        json!({ "email": "bob@initech.test", "ttl": "90m" }),
    )
    .await;
    assert_eq!(minted["claims"]["name"], "Bob Brown");
    assert_eq!(minted["claims"]["exp"], 1_767_225_600 + 5400);
    assert_eq!(
        search(&server, "password", minted["token"].as_str())
            .await
            .status,
        200
    );

    let (_, odd) = post(
        &server,
        "tokens",
        json!({ "claims": { "name": "X", "email": "x@example.com", "exp": 1_767_225_600_000i64 }, "alg": "HS512", "secret": "0123456789abcdef0123456789abcdef" }),
    )
    .await;
    assert_eq!(odd["header"]["alg"], "HS512");
    let (_, verdict) = post(&server, "tokens/explain", json!({ "token": odd["token"] })).await;
    assert_eq!(verdict["accepted"], false);
    assert_eq!(verdict["status"], 401);
    assert_eq!(
        verdict["body"]["errors"][0]["message"],
        "Signature verification raised"
    );
    assert!(
        verdict["reason"]
            .as_str()
            .unwrap()
            .contains("different secret"),
        "{verdict}"
    );
}

#[tokio::test]
async fn explaining_a_millisecond_exp_names_the_mistake() {
    let server = Api::start().await;
    let (_, minted) = post(
        &server,
        "tokens",
        json!({ "email": "alice@globex.test", "exp": 1_767_229_200_000i64 }),
    )
    .await;
    let (_, verdict) = post(
        &server,
        "tokens/explain",
        json!({ "token": minted["token"] }),
    )
    .await;
    assert_eq!(verdict["status"], 400);
    assert_eq!(
        verdict["body"]["errors"][0]["message"],
        "Expiry should be within 2 hours"
    );
    assert!(verdict["reason"].as_str().unwrap().contains("milliseconds"));
}

#[tokio::test]
async fn rotating_the_secret_refuses_old_tokens_and_says_why() {
    let server = Api::start().await;
    let old = server.token_for("alice@globex.test");
    let (_, before) = get(&server, "secret").await;

    let (status, rotated) = post(&server, "secret/rotate", json!({})).await;

    assert_eq!(status, 200);
    let key = rotated["key"].as_str().unwrap();
    assert!(key.len() == 32 && key != before["secret"]);
    let res = search(&server, "password", Some(&old)).await;
    assert_eq!(res.status, 401);
    let reason = res.reason();
    assert!(reason.contains("previous widget secret"), "{reason}");
    assert_eq!(
        search(
            &server,
            "password",
            Some(&server.token_for("alice@globex.test"))
        )
        .await
        .status,
        200
    );
    let (_, after) = get(&server, "secret").await;
    assert_eq!(after["former"][0]["secret"], before["secret"]);
}

#[tokio::test]
async fn reset_restores_clock_secret_and_users() {
    let server = Api::start().await;
    let token = server
        .token(json!({ "name": "New Person", "email": "new@example.com", "exp": 1_767_229_200 }));
    let boot = fetch(
        server
            .widget(Method::GET, "/api/widget/bootstrap", WIDGET, "c")
            .header("X-Widget-Auth", &token),
    )
    .await;
    assert_eq!(boot.status, 200);
    post(&server, "clock/advance", json!({ "seconds": 100 })).await;
    post(&server, "secret/rotate", json!({})).await;
    let (_, created) = get(&server, "contacts?email=new@example.com").await;
    assert_eq!(created.as_array().unwrap().len(), 1);

    let (status, _) = post(&server, "reset", json!({})).await;

    assert_eq!(status, 200);
    let (_, clock) = get(&server, "clock").await;
    assert_eq!(clock["now"], "2026-01-01T00:00:00Z");
    let (_, secret) = get(&server, "secret").await;
    assert_eq!(secret["secret"], "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5");
    let (_, gone) = get(&server, "contacts?email=new@example.com").await;
    assert_eq!(gone, json!([]));
}

#[tokio::test]
async fn posted_fixtures_replace_the_account_and_bad_ones_change_nothing() {
    let server = Api::start().await;
    let (_, mut doc) = get(&server, "fixtures").await;
    doc["solutions"][0]["folders"][0]["articles"][0]["translations"]["en"]["title"] =
        json!("Replaced title about zebras");
    let (status, loaded) = control(&server, Method::PUT, "fixtures", Some(doc.clone())).await;
    assert_eq!(status, 200, "{loaded}");
    let zebras = search(&server, "zebras", None).await.json();
    assert_eq!(zebras.as_array().unwrap().len(), 1);

    doc["contacts"][0]["companies"] = json!([999]);
    let (status, err) = control(&server, Method::PUT, "fixtures", Some(doc)).await;

    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_fixtures");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("contacts.json")
            && message.contains("companies")
            && message.contains("999"),
        "{message}"
    );
    let still = search(&server, "zebras", None).await.json();
    assert_eq!(still.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_request_log_records_caller_verdict_and_reason() {
    let server = Api::start().await;
    let good = server.token_for("alice@globex.test");
    let expired = server
        .token(json!({ "name": "Alice", "email": "alice@globex.test", "exp": 1_767_225_000 }));
    search(&server, "password", Some(&good)).await;
    search(&server, "password", Some(&expired)).await;
    search(&server, "password", None).await;

    let (_, log) = get(&server, "requests?email=alice@globex.test").await;

    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["token"], "accepted");
    assert_eq!(entries[0]["status"], 200);
    assert_eq!(entries[1]["token"], "refused");
    assert_eq!(entries[1]["status"], 401);
    assert!(entries[1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("expired 10 min ago"));
    let (_, refused) = get(&server, "requests?status=401").await;
    assert_eq!(refused["entries"].as_array().unwrap().len(), 1);

    control(&server, Method::DELETE, "requests", None).await;
    let (_, empty) = get(&server, "requests").await;
    assert_eq!(empty["entries"], json!([]));
}

#[tokio::test]
async fn the_request_log_never_holds_more_than_its_bound() {
    let server = Api::start().await;
    let (_, empty) = get(&server, "requests").await;
    let capacity = empty["capacity"].as_u64().unwrap() as usize;
    let server = Arc::new(server);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let server = server.clone();
            tokio::spawn(async move {
                for _ in 0..1250 {
                    fetch(server.bare(Method::GET, "/nope")).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }

    let (_, log) = get(&server, "requests").await;

    assert_eq!(log["capacity"], capacity);
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), capacity);
    assert_eq!(entries.last().unwrap()["id"], 10_000);
}

#[tokio::test]
async fn a_fault_on_search_fails_the_next_two_searches_only() {
    let server = Api::start().await;
    let (status, fault) = post(&server, "faults", json!({ "path": "/api/widget/search/*", "status": 503, "body": { "message": "down" }, "times": 2 })).await;
    assert_eq!(status, 201, "{fault}");

    assert_eq!(search(&server, "password", None).await.status, 503);
    assert_eq!(search(&server, "password", None).await.status, 503);
    assert_eq!(search(&server, "password", None).await.status, 200);
    let (_, faults) = get(&server, "faults").await;
    assert_eq!(faults, json!([]));
}

#[tokio::test]
async fn a_dropping_fault_closes_the_connection_until_cleared() {
    let server = Api::start().await;
    post(
        &server,
        "faults",
        json!({ "path": "/api/widget/bootstrap", "drop": true }),
    )
    .await;
    let path = "/api/widget/bootstrap";

    assert!(server
        .bare(Method::GET, path)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .is_err());
    assert!(server
        .bare(Method::GET, path)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .is_err());
    control(&server, Method::DELETE, "faults", None).await;
    assert_eq!(fetch(server.bare(Method::GET, path)).await.status, 400);

    let (_, log) = get(&server, "requests?path=bootstrap").await;
    assert_eq!(log["entries"][0]["status"], 0);
}

#[tokio::test]
async fn a_latency_fault_delays_the_real_answer() {
    let server = Api::start().await;
    post(
        &server,
        "faults",
        json!({ "path": "/api/widget/search/solutions", "latency_ms": 300, "times": 1 }),
    )
    .await;
    let res = search(&server, "password", None).await;
    assert_eq!(res.status, 200);
    let (_, log) = get(&server, "requests").await;
    // The logged duration includes the injected latency (a fact of the log, not a timing test).
    assert!(log["entries"][0]["duration_us"].as_u64().unwrap() >= 300_000);
}

#[tokio::test]
async fn invalid_faults_are_refused() {
    let server = Api::start().await;
    let (status, err) = post(&server, "faults", json!({ "path": "/x" })).await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_fault");
    let (status, err) = post(
        &server,
        "faults",
        json!({ "path": "/x", "status": 503, "color": "red" }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_json");
}

#[tokio::test]
async fn the_event_stream_carries_clock_secret_and_requests() {
    let server = Api::start().await;
    let mut stream = server
        .bare(Method::GET, "/_freshmock/events")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    post(&server, "clock/advance", json!({ "seconds": 60 })).await;
    post(&server, "secret/rotate", json!({})).await;
    search(&server, "password", None).await;

    let mut seen = String::new();
    while !(seen.contains("event:request")
        && seen.contains("event:secret")
        && seen.contains("2026-01-01T00:01:00Z"))
    {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("events arrive")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event:clock"));
}

#[tokio::test]
async fn the_widget_sync_stream_is_public_and_starts_with_the_clock() {
    let server = Api::on(pinned().control_token("s3cret").start().await);
    let mut stream = server
        .bare(Method::GET, "/_freshmock/widget/sync")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&chunk);
    assert!(
        text.contains("event:clock") && text.contains("1767225600000"),
        "{text}"
    );
}

#[tokio::test]
async fn a_control_token_guards_the_control_api() {
    let server = Api::on(MockServer::builder().control_token("s3cret").start().await);
    let (status, err) = post(&server, "reset", json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "control_token_required");
    let ok = fetch(
        server
            .bare(Method::POST, "/_freshmock/reset")
            .bearer_auth("s3cret"),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(get(&server, "health").await.0, 200);
    assert_eq!(get(&server, "clock").await.0, 200);
}

#[tokio::test]
async fn the_openapi_document_describes_every_control_path() {
    let server = Api::start().await;
    let (status, doc) = get(&server, "openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "health",
        "reset",
        "fixtures",
        "clock",
        "clock/advance",
        "tokens",
        "tokens/explain",
        "secret/rotate",
        "contacts",
        "requests",
        "events",
        "widget/sync",
        "faults",
    ] {
        assert!(
            doc["paths"].get(format!("/_freshmock/{path}")).is_some(),
            "{path} is documented"
        );
    }
}

#[tokio::test]
async fn mock_servers_started_in_parallel_get_their_own_ports() {
    let servers: Vec<Api> = futures_util::future::join_all((0..6).map(|_| MockServer::start()))
        .await
        .into_iter()
        .map(Api::on)
        .collect();
    let mut ports: Vec<u16> = servers
        .iter()
        .map(|s| s.uri().rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 6);
    for s in &servers {
        assert_eq!(get(s, "health").await.0, 200);
    }
}

#[tokio::test]
async fn a_mock_server_takes_custom_fixtures() {
    let mut fixtures = bundled();
    fixtures.widgets.retain(|w| w.id == 12000000027);
    let server = MockServer::builder().fixtures(fixtures).start().await;
    assert_eq!(server.widget_id(), 12000000027);
}

async fn widget_call(
    server: &Api,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> u16 {
    let mut request = server.widget(method, path, WIDGET, "control-tests");
    if let Some(t) = token {
        request = request.header("X-Widget-Auth", t);
    }
    if let Some(b) = body {
        request = request.json(&b);
    }
    fetch(request).await.status.as_u16()
}

#[tokio::test]
async fn inspection_shows_tickets_votes_and_hits_and_reset_restores_the_fixtures() {
    let server = Api::start().await;
    let alice = server.token_for("alice@globex.test");
    let ticket = json!({ "email": "alice@globex.test", "description": "Help\nplease", "g-recaptcha-response": "ok", "meta": { "referrer": "https://shop.test/account" } });
    assert_eq!(
        widget_call(
            &server,
            Method::POST,
            "/api/widget/tickets",
            Some(&alice),
            Some(ticket)
        )
        .await,
        201
    );
    assert_eq!(
        widget_call(
            &server,
            Method::PUT,
            "/api/widget/solutions/article/1101/thumbs_up",
            Some(&alice),
            None
        )
        .await,
        204
    );
    assert_eq!(
        widget_call(
            &server,
            Method::PUT,
            "/api/widget/solutions/article/1101/thumbs_up",
            None,
            None
        )
        .await,
        204
    );
    assert_eq!(
        widget_call(
            &server,
            Method::PUT,
            "/api/widget/solutions/article/1101/hit",
            None,
            None
        )
        .await,
        204
    );
    let (_, base_hits) = get(&server, "hits?article=1101").await;
    assert_eq!(base_hits[0]["counted"], 1);

    let (_, tickets) = get(&server, "tickets?email=alice@globex.test").await;
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    assert_eq!(tickets[0]["description"], "<div>Help<br>please</div>");
    assert_eq!(tickets[0]["meta"]["referrer"], "https://shop.test/account");
    let id = tickets[0]["id"].as_u64().unwrap();
    let (status, one) = get(&server, &format!("tickets/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["source"], 9);
    assert_eq!(one["requester"]["name"], "Alice Anders");
    let (_, votes) = get(&server, "votes?article=1101").await;
    assert_eq!(votes["helpful"]["users"][0]["email"], "alice@globex.test");
    let english = |v: &Value| {
        v["translations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["language"] == "en")
            .unwrap()["thumbs_up"]
            .as_u64()
            .unwrap()
    };
    let voted_up = english(&votes);
    let (_, mine) = get(&server, "votes?email=alice@globex.test").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    post(&server, "reset", json!({})).await;

    let (_, tickets) = get(&server, "tickets").await;
    assert_eq!(tickets, json!([]));
    let (_, votes) = get(&server, "votes?article=1101").await;
    assert_eq!(votes["helpful"]["users"], json!([]));
    assert_eq!(english(&votes), voted_up - 2);
    let (_, hits) = get(&server, "hits?article=1101").await;
    assert_eq!(hits[0]["counted"], 0);
    assert_eq!(get(&server, &format!("tickets/{id}")).await.0, 404);
}

#[tokio::test]
async fn the_knowledge_tree_shows_live_hits_and_votes() {
    let server = Api::start().await;
    let find = |kb: &Value| -> Value {
        kb["categories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["folders"].as_array().unwrap().iter())
            .flat_map(|f| f["articles"].as_array().unwrap().iter())
            .find(|a| a["id"] == 1101)
            .unwrap()
            .clone()
    };
    let (_, before) = get(&server, "kb").await;
    let before = find(&before);

    widget_call(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/1101/hit",
        None,
        None,
    )
    .await;
    widget_call(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/1101/thumbs_down",
        None,
        None,
    )
    .await;

    let (_, after) = get(&server, "kb").await;
    let after = find(&after);
    assert_eq!(
        after["hits"].as_u64().unwrap(),
        before["hits"].as_u64().unwrap() + 1
    );
    assert_eq!(
        after["thumbs_down"].as_u64().unwrap(),
        before["thumbs_down"].as_u64().unwrap() + 1
    );
}

#[tokio::test]
async fn a_control_id_too_large_for_any_record_is_a_control_404_with_a_body() {
    let server = Api::start().await;
    for (method, path) in [
        (
            Method::DELETE,
            "/_freshmock/faults/168761765858590158205961344787677184",
        ),
        (
            Method::GET,
            "/_freshmock/tickets/168761765858590158205961344787677184",
        ),
    ] {
        let reply = fetch(server.bare(method, path)).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.code(), "not_found", "{path}");
    }
}
