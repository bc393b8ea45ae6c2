//! Hits and votes (spec sections 2 and 5), for every kind of caller, the agents' votes
//! endpoint, and many clients voting at once.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use crate::support::{
    basic, bundled, fetch, pinned, token, Api, Reply, AGENT_KEY, BARE_WIDGET, WIDGET,
};

/// Public article in a linked category: en 41 up / 3 down, fr 12 / 1 in the fixtures.
const ARTICLE: u64 = 1101;

async fn put(server: &Api, path: &str, auth: Option<&str>) -> Reply {
    let mut request = server.widget(Method::PUT, path, WIDGET, "client-1");
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    fetch(request).await
}

async fn thumbs(server: &Api, up: bool, auth: Option<&str>) {
    let action = if up { "thumbs_up" } else { "thumbs_down" };
    let reply = put(
        server,
        &format!("/api/widget/solutions/article/{ARTICLE}/{action}"),
        auth,
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(reply.body, "");
}

/// (thumbs_up, thumbs_down) of the English translation.
async fn counters(server: &Api) -> (u64, u64) {
    let votes = server.translation_votes(ARTICLE, "en").await;
    (
        votes["thumbs_up"].as_u64().unwrap(),
        votes["thumbs_down"].as_u64().unwrap(),
    )
}

/// How many votes a customer holds.
async fn votes_of(server: &Api, email: &str) -> usize {
    server
        .inspect(&format!("votes?email={email}"))
        .await
        .as_array()
        .unwrap()
        .len()
}

async fn votes_endpoint(server: &Api, path: &str, auth: Option<&str>) -> Reply {
    let mut request = server.bare(Method::GET, path);
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    fetch(request).await
}

fn nora() -> String {
    token("Nora Nocompany", "nora@example.com")
}

fn stan() -> String {
    token("Stan Support", "stan@acme.test")
}

async fn with_agent_metrics() -> Api {
    let mut fixtures = bundled();
    fixtures.account.features.agent_metrics = true;
    Api::on(pinned().fixtures(fixtures).start().await)
}

#[tokio::test]
async fn hit_answers_204_and_counts_every_call() {
    let server = Api::start().await;
    let path = format!("/api/widget/solutions/article/{ARTICLE}/hit");
    for _ in 0..3 {
        assert_eq!(put(&server, &path, None).await.status, 204);
    }
    assert_eq!(put(&server, &path, Some(&nora())).await.status, 204);
    let article = server.hits(ARTICLE).await;
    assert_eq!(
        (&article["counted"], &article["hits"]),
        (&json!(4), &json!(904))
    );
}

#[tokio::test]
async fn an_agents_view_is_not_counted_without_agent_metrics() {
    let server = Api::start().await;
    let path = format!("/api/widget/solutions/article/{ARTICLE}/hit");
    assert_eq!(put(&server, &path, Some(&stan())).await.status, 204);
    assert_eq!(server.hits(ARTICLE).await["counted"], 0);

    let metered = with_agent_metrics().await;
    assert_eq!(put(&metered, &path, Some(&stan())).await.status, 204);
    assert_eq!(metered.hits(ARTICLE).await["counted"], 1);
}

#[tokio::test]
async fn hits_reorder_the_most_viewed_suggestions() {
    let server = Api::start().await;
    let suggested = || async {
        fetch(server.widget(
            Method::GET,
            "/api/widget/solutions/suggested_articles",
            WIDGET,
            "c",
        ))
        .await
        .ids()
    };
    assert!(
        !suggested().await.contains(&1106),
        "530 hits is not in the top five yet"
    );
    // 1106 has 530 hits; the fifth (2102) has 615.
    for _ in 0..90 {
        assert_eq!(
            put(&server, "/api/widget/solutions/article/1106/hit", None)
                .await
                .status,
            204
        );
    }
    assert_eq!(suggested().await, [1101, 2101, 1110, 1102, 1106]);
}

#[tokio::test]
async fn hit_on_a_widget_without_solution_articles_is_refused_before_the_lookup() {
    let server = Api::start().await;
    let reply = fetch(server.widget(
        Method::PUT,
        "/api/widget/solutions/article/999999/hit",
        BARE_WIDGET,
        "c",
    ))
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["solution_article_not_enabled"]);
}

#[tokio::test]
async fn thumbs_on_a_hidden_article_is_a_bodiless_404_and_counts_nothing() {
    let server = Api::start().await;
    // 1301 is in an agents-only folder.
    let reply = put(
        &server,
        "/api/widget/solutions/article/1301/thumbs_up",
        None,
    )
    .await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (404, " "));
    let votes = server.translation_votes(1301, "en").await;
    assert_eq!(votes["thumbs_up"], 4);
}

#[tokio::test]
async fn get_on_thumbs_up_is_405() {
    let server = Api::start().await;
    let reply = fetch(server.widget(
        Method::GET,
        "/api/widget/solutions/article/1101/thumbs_up",
        WIDGET,
        "c",
    ))
    .await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.headers["allow"], "PUT");
}

#[tokio::test]
async fn anonymous_thumbs_up_counts_on_every_call() {
    let server = Api::start().await;
    thumbs(&server, true, None).await;
    thumbs(&server, true, None).await;
    assert_eq!(counters(&server).await, (43, 3));
}

#[tokio::test]
async fn anonymous_thumbs_down_counts_on_every_call() {
    let server = Api::start().await;
    thumbs(&server, false, None).await;
    thumbs(&server, false, None).await;
    assert_eq!(counters(&server).await, (41, 5));
}

#[tokio::test]
async fn contacts_first_vote_counts() {
    let server = Api::start().await;
    thumbs(&server, true, Some(&nora())).await;
    assert_eq!(counters(&server).await, (42, 3));
}

#[tokio::test]
async fn contacts_same_vote_again_changes_nothing() {
    let server = Api::start().await;
    thumbs(&server, false, Some(&nora())).await;
    thumbs(&server, false, Some(&nora())).await;
    assert_eq!(counters(&server).await, (41, 4));
}

#[tokio::test]
async fn contacts_opposite_vote_moves_it() {
    let server = Api::start().await;
    thumbs(&server, true, Some(&nora())).await;
    thumbs(&server, false, Some(&nora())).await;
    assert_eq!(counters(&server).await, (41, 4));
    thumbs(&server, true, Some(&nora())).await;
    assert_eq!(counters(&server).await, (42, 3));
}

#[tokio::test]
async fn contacts_vote_is_per_translation() {
    let server = Api::start().await;
    thumbs(&server, true, Some(&nora())).await;
    let reply = put(
        &server,
        &format!("/api/widget/solutions/article/{ARTICLE}/thumbs_up?language=fr"),
        Some(&nora()),
    )
    .await;
    assert_eq!(reply.status, 204);
    let fr = server.translation_votes(ARTICLE, "fr").await;
    assert_eq!(fr["thumbs_up"], 13);
    assert_eq!(counters(&server).await, (42, 3));
    assert_eq!(votes_of(&server, "nora@example.com").await, 2);
}

#[tokio::test]
async fn agents_vote_is_not_recorded_without_agent_metrics() {
    let server = Api::start().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, false, Some(&stan())).await;
    assert_eq!(counters(&server).await, (41, 3));
    assert_eq!(votes_of(&server, "stan@acme.test").await, 0);
}

#[tokio::test]
async fn agents_first_vote_counts_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    assert_eq!(counters(&server).await, (42, 3));
}

#[tokio::test]
async fn agents_same_vote_again_changes_nothing_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, true, Some(&stan())).await;
    assert_eq!(counters(&server).await, (42, 3));
}

#[tokio::test]
async fn agents_opposite_vote_moves_it_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, false, Some(&stan())).await;
    assert_eq!(counters(&server).await, (41, 4));
}

#[tokio::test]
async fn anonymous_votes_count_every_call_with_agent_metrics_too() {
    let server = with_agent_metrics().await;
    thumbs(&server, false, None).await;
    thumbs(&server, false, None).await;
    assert_eq!(counters(&server).await, (41, 5));
}

#[tokio::test]
async fn votes_endpoint_shows_who_voted_and_the_anonymous_rest() {
    let server = Api::start().await;
    thumbs(&server, true, Some(&nora())).await;
    thumbs(
        &server,
        false,
        Some(&token("Alice Anders", "alice@globex.test")),
    )
    .await;
    thumbs(&server, true, None).await;
    let path = format!("/api/_/solutions/articles/{ARTICLE}/votes");
    let reply = votes_endpoint(&server, &path, Some(&basic(AGENT_KEY))).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({
            // 41 + Nora + one anonymous = 43, of which Nora's is hers.
            "helpful": { "anonymous": 42, "users": [{ "id": 1001, "name": "Nora Nocompany" }] },
            "not_helpful": { "anonymous": 3, "users": [{ "id": 1002, "name": "Alice Anders" }] },
        })
    );
}

#[tokio::test]
async fn votes_endpoint_shows_one_language_when_asked() {
    let server = Api::start().await;
    let reply = put(
        &server,
        &format!("/api/widget/solutions/article/{ARTICLE}/thumbs_down?language=fr"),
        Some(&nora()),
    )
    .await;
    assert_eq!(reply.status, 204);
    let path = format!("/api/_/solutions/articles/{ARTICLE}/fr/votes");
    let reply = votes_endpoint(&server, &path, Some(&basic(AGENT_KEY))).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["helpful"], json!({ "anonymous": 12, "users": [] }));
    assert_eq!(
        body["not_helpful"],
        json!({ "anonymous": 1, "users": [{ "id": 1001, "name": "Nora Nocompany" }] })
    );
}

#[tokio::test]
async fn votes_endpoint_without_agent_credentials_is_401() {
    let server = Api::start().await;
    let path = format!("/api/_/solutions/articles/{ARTICLE}/votes");
    let reply = votes_endpoint(&server, &path, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.codes(), ["invalid_credentials"]);
}

#[tokio::test]
async fn votes_endpoint_for_an_unknown_article_is_a_bodiless_404() {
    let server = Api::start().await;
    let reply = votes_endpoint(
        &server,
        "/api/_/solutions/articles/424242/votes",
        Some(&basic(AGENT_KEY)),
    )
    .await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (404, " "));
}

#[tokio::test]
async fn sixty_four_clients_thumbing_up_at_once_lose_nothing() {
    let server = Arc::new(Api::start().await);
    let base = counters(&server).await.0;
    let path = format!("/api/widget/solutions/article/{ARTICLE}/thumbs_up");
    let mut clients = Vec::new();
    for c in 0..64 {
        let (server, path) = (server.clone(), path.clone());
        clients.push(tokio::spawn(async move {
            let client = format!("client-{c}");
            for _ in 0..50 {
                let reply = fetch(server.widget(Method::PUT, &path, WIDGET, &client)).await;
                assert_eq!(reply.status, 204);
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    assert_eq!(counters(&server).await.0, base + 64 * 50);
}
