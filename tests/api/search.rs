//! Search over real HTTP, as the README's persona table states it and in the order the
//! ranking gives, from the first request after start-up (while the index may still be
//! being built) to later ones (answered from memory): the answers never change.

use freshmock::tokens;
use reqwest::Method;
use serde_json::json;

use crate::support::{bundled, fetch, Api, NOW, SECRET, WIDGET};

/// (who, query string, expected ids in order); `None`: anonymous.
const SEARCHES: [(Option<&str>, &str, &[u64]); 12] = [
    (None, "term=password", &[1101]),
    (Some("nora@example.com"), "term=password", &[1101]),
    (Some("alice@globex.test"), "term=password", &[1101, 1401]),
    (Some("greta@example.de"), "term=password", &[1101, 1401]),
    (Some("bob@initech.test"), "term=password", &[1101, 1501]),
    (
        Some("max@example.com"),
        "term=password",
        &[1101, 1501, 1401],
    ),
    (
        Some("agatha@acme.test"),
        "term=password",
        &[1101, 1301, 1501, 1401],
    ),
    (None, "term=pass", &[1101]),
    (None, "term=invoice", &[2106, 2101, 2105, 2104]),
    (None, "term=invoice&per_page=2&page=2", &[2105, 2104]),
    (None, "term=Rechnung&language=de", &[2101, 2106, 2105, 2104]),
    (None, "term=mot%20de%20passe&language=fr", &[1101]),
];

async fn search(server: &Api, email: Option<&str>, query: &str) -> Vec<u64> {
    let path = format!("/api/widget/search/solutions?{query}");
    let mut request = server.widget(Method::GET, &path, WIDGET, "search-test");
    if let Some(email) = email {
        let token = tokens::mint_for("Test Person", email, NOW + 600, SECRET);
        request = request.header("X-Widget-Auth", token);
    }
    let reply = fetch(request).await;
    assert_eq!(reply.status, 200, "{email:?} {query}");
    reply.ids()
}

#[tokio::test]
async fn searches_answer_the_same_from_the_first_request_on() {
    let server = Api::start().await;
    // No wait for the index: the first searches arrive while it may still be built.
    let first = futures_util::future::join_all(
        SEARCHES
            .iter()
            .map(|(email, query, _)| search(&server, *email, query)),
    )
    .await;
    for ((email, query, expected), ids) in SEARCHES.iter().zip(first) {
        assert_eq!(&ids, expected, "first search for {email:?} {query}");
    }
    for _ in 0..3 {
        for (email, query, expected) in SEARCHES {
            assert_eq!(
                &search(&server, email, query).await,
                expected,
                "{email:?} {query}"
            );
        }
    }
}

async fn titles(server: &Api, token: Option<&str>) -> (u16, Vec<String>) {
    let mut request = server.widget(
        Method::GET,
        "/api/widget/search/solutions?term=password",
        WIDGET,
        "search-test",
    );
    if let Some(token) = token {
        request = request.header("X-Widget-Auth", token);
    }
    let reply = fetch(request).await;
    let body = serde_json::from_str(&reply.body).unwrap_or(serde_json::Value::Null);
    let titles = body
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["title"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (reply.status.as_u16(), titles)
}

#[tokio::test]
async fn remembered_answers_follow_every_change_of_state() {
    let server = Api::start().await;
    let token = tokens::mint_for("Alice Anders", "alice@globex.test", NOW + 60, SECRET);
    for _ in 0..2 {
        let (status, found) = titles(&server, Some(&token)).await;
        assert_eq!((status, found.len()), (200, 2));
    }

    // New fixtures: the new titles, not the remembered ones.
    let mut set = bundled();
    std::sync::Arc::make_mut(
        &mut std::sync::Arc::make_mut(&mut set.solutions[0].folders[0].articles)[0],
    )
    .translations
    .get_mut("en")
    .unwrap()
    .title = "How to reset a forgotten password".into();
    server
        .control(Method::PUT, "fixtures", set.to_document())
        .await;
    let (_, found) = titles(&server, Some(&token)).await;
    assert_eq!(found[0], "How to reset a forgotten password");

    // The token expires: refused, although its answer was remembered.
    server
        .control(Method::POST, "clock/advance", json!({ "ms": 61_000 }))
        .await;
    assert_eq!(titles(&server, Some(&token)).await.0, 401);
    server
        .control(Method::PUT, "clock", json!({ "now_ms": NOW * 1000 }))
        .await;
    assert_eq!(titles(&server, Some(&token)).await.0, 200);

    // A new secret: the old token is refused.
    server
        .control(Method::POST, "secret/rotate", json!({}))
        .await;
    assert_eq!(titles(&server, Some(&token)).await.0, 401);
}
