//! Search over real HTTP, as the README's persona table states it and in the order the
//! ranking gives, from the first request after start-up (while the index may still be
//! being built) to later ones (answered from memory): the answers never change.

use freshmock::domain::token;
use serde_json::Value;

use crate::support::{self, NOW, SECRET, WIDGET};

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

async fn search(client: &reqwest::Client, uri: &str, email: Option<&str>, query: &str) -> Vec<u64> {
    let mut request = client
        .get(format!("{uri}/api/widget/search/solutions?{query}"))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "search-test");
    if let Some(email) = email {
        let token = token::mint_for("Test Person", email, NOW + 600, SECRET);
        request = request.header("X-Widget-Auth", token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{email:?} {query}");
    let body: Value = response.json().await.unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn searches_answer_the_same_from_the_first_request_on() {
    let server = support::server().await;
    let uri = server.uri();
    let client = reqwest::Client::new();
    // No wait for the index: the first searches arrive while it may still be built.
    let first = futures_util::future::join_all(
        SEARCHES
            .iter()
            .map(|(email, query, _)| search(&client, &uri, *email, query)),
    )
    .await;
    for ((email, query, expected), ids) in SEARCHES.iter().zip(first) {
        assert_eq!(&ids, expected, "first search for {email:?} {query}");
    }
    for _ in 0..3 {
        for (email, query, expected) in SEARCHES {
            assert_eq!(
                &search(&client, &uri, email, query).await,
                expected,
                "{email:?} {query}"
            );
        }
    }
}

async fn titles(client: &reqwest::Client, uri: &str, token: Option<&str>) -> (u16, Vec<String>) {
    let mut request = client
        .get(format!("{uri}/api/widget/search/solutions?term=password"))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "search-test");
    if let Some(token) = token {
        request = request.header("X-Widget-Auth", token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let titles = body
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["title"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, titles)
}

#[tokio::test]
async fn remembered_answers_follow_every_change_of_state() {
    let server = support::server().await;
    let uri = server.uri();
    let client = reqwest::Client::new();
    let token = token::mint_for("Alice Anders", "alice@globex.test", NOW + 60, SECRET);
    for _ in 0..2 {
        let (status, found) = titles(&client, &uri, Some(&token)).await;
        assert_eq!((status, found.len()), (200, 2));
    }

    // New fixtures: the new titles, not the remembered ones.
    let mut set = freshmock::domain::fixtures::FixtureSet::bundled().unwrap();
    set.solutions[0].folders[0].articles[0]
        .translations
        .get_mut("en")
        .unwrap()
        .title = "How to reset a forgotten password".into();
    server.state().replace_fixtures(set).unwrap();
    let (_, found) = titles(&client, &uri, Some(&token)).await;
    assert_eq!(found[0], "How to reset a forgotten password");

    // The token expires: refused, although its answer was remembered.
    server.state().clock().advance(61_000);
    assert_eq!(titles(&client, &uri, Some(&token)).await.0, 401);
    server.state().clock().reset();
    assert_eq!(titles(&client, &uri, Some(&token)).await.0, 200);

    // A new secret: the old token is refused.
    server.state().rotate_secret().expect("the secret rotates");
    assert_eq!(titles(&client, &uri, Some(&token)).await.0, 401);
}
