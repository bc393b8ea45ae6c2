//! The Rust examples the manual includes (docs/src/getting-started.md and control-api.md),
//! between their `ANCHOR` lines, run as tests so they stay true.

// ANCHOR: first_test
use freshmock::MockServer;
use serde_json::Value;

#[tokio::test]
async fn alice_of_globex_finds_the_globex_article_and_anonymous_visitors_do_not() {
    let server = MockServer::start().await; // the demo account, on a free port
    let search = format!("{}/api/widget/search/solutions?term=password", server.uri());
    let client = reqwest::Client::new();
    let ids = |answer: Value| -> Vec<u64> {
        let articles = answer.as_array().unwrap().iter();
        articles.map(|a| a["id"].as_u64().unwrap()).collect()
    };

    let anonymous: Value = client
        .get(&search)
        .header("X-Widget-Id", server.widget_id().to_string())
        .header("X-Client-Id", "test")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(anonymous), [1101]);

    let alice: Value = client
        .get(&search)
        .header("X-Widget-Id", server.widget_id().to_string())
        .header("X-Client-Id", "test")
        .header("X-Widget-Auth", server.token_for("alice@globex.test"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(alice), [1101, 1401]);
} // the server stops when `server` is dropped
  // ANCHOR_END: first_test

// ANCHOR: builder
#[tokio::test]
async fn a_token_expires_when_the_test_moves_the_clock_past_its_exp() {
    let server = MockServer::builder()
        .now("2026-01-01T00:00:00Z") // frozen there until the test moves it
        .start()
        .await;
    let token = server.token_for("alice@globex.test"); // valid for an hour
    server.advance(std::time::Duration::from_secs(3601));

    let reply = reqwest::Client::new()
        .get(format!(
            "{}/api/widget/search/solutions?term=password",
            server.uri()
        ))
        .header("X-Widget-Id", server.widget_id().to_string())
        .header("X-Client-Id", "test")
        .header("X-Widget-Auth", token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 401);
    let why = reply.headers()["x-freshmock-reason"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(why.contains("expired"), "{why}");
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "unauthorized");
    assert_eq!(body["errors"][0]["message"], "Signature has expired");
}
// ANCHOR_END: builder
