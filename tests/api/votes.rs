//! Hits and votes (spec sections 2 and 5), for every kind of caller, the agents' votes
//! endpoint, and many clients voting at once.

use freshmock::domain::fixtures::FixtureSet;
use freshmock::http::server::RunningServer;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{self, answer, basic, codes, token, widget, AGENT_KEY, BARE_WIDGET, WIDGET};

/// Public article in a linked category: en 41 up / 3 down, fr 12 / 1 in the fixtures.
const ARTICLE: u64 = 1101;

async fn put(server: &RunningServer, path: &str, auth: Option<&str>) -> (u16, Value) {
    let mut request = widget(server, Method::PUT, path, WIDGET, "client-1");
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    answer(request.send().await.unwrap()).await
}

async fn thumbs(server: &RunningServer, up: bool, auth: Option<&str>) {
    let action = if up { "thumbs_up" } else { "thumbs_down" };
    let (status, body) = put(
        server,
        &format!("/api/widget/solutions/article/{ARTICLE}/{action}"),
        auth,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(body, Value::Null);
}

/// (thumbs_up, thumbs_down) of the English translation.
fn counters(server: &RunningServer) -> (u64, u64) {
    let votes = server
        .state()
        .translation_votes(ARTICLE, "en")
        .unwrap()
        .unwrap();
    (votes.thumbs_up, votes.thumbs_down)
}

async fn votes_endpoint(server: &RunningServer, path: &str, auth: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.uri()));
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    answer(request.send().await.unwrap()).await
}

fn nora() -> String {
    token("Nora Nocompany", "nora@example.com")
}

fn stan() -> String {
    token("Stan Support", "stan@acme.test")
}

async fn with_agent_metrics() -> RunningServer {
    let mut fixtures = FixtureSet::bundled().unwrap();
    fixtures.account.features.agent_metrics = true;
    let mut config = support::config();
    config.fixtures = fixtures;
    support::server_with_config(config).await
}

#[tokio::test]
async fn hit_answers_204_and_counts_every_call() {
    let server = support::server().await;
    let path = format!("/api/widget/solutions/article/{ARTICLE}/hit");
    for _ in 0..3 {
        assert_eq!(put(&server, &path, None).await.0, 204);
    }
    assert_eq!(put(&server, &path, Some(&nora())).await.0, 204);
    let hits = server.state().article_hits().unwrap();
    let article = hits.iter().find(|h| h.article_id == ARTICLE).unwrap();
    assert_eq!((article.counted, article.hits), (4, 904));
}

#[tokio::test]
async fn hits_reorder_the_most_viewed_suggestions() {
    let server = support::server().await;
    let suggested = || async {
        let response = widget(
            &server,
            Method::GET,
            "/api/widget/solutions/suggested_articles",
            WIDGET,
            "c",
        )
        .send()
        .await
        .unwrap();
        let (_, body) = answer(response).await;
        body.as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_u64().unwrap())
            .collect::<Vec<_>>()
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
                .0,
            204
        );
    }
    assert_eq!(suggested().await, [1101, 2101, 1110, 1102, 1106]);
}

#[tokio::test]
async fn hit_on_a_widget_without_solution_articles_is_refused_before_the_lookup() {
    let server = support::server().await;
    let response = widget(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/999999/hit",
        BARE_WIDGET,
        "c",
    )
    .send()
    .await
    .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["solution_article_not_enabled"]);
}

#[tokio::test]
async fn thumbs_on_a_hidden_article_is_an_empty_404_and_counts_nothing() {
    let server = support::server().await;
    // 1301 is in an agents-only folder.
    let (status, body) = put(
        &server,
        "/api/widget/solutions/article/1301/thumbs_up",
        None,
    )
    .await;
    assert_eq!((status, body), (404, Value::Null));
    let votes = server
        .state()
        .translation_votes(1301, "en")
        .unwrap()
        .unwrap();
    assert_eq!(votes.thumbs_up, 4);
}

#[tokio::test]
async fn get_on_thumbs_up_is_405() {
    let server = support::server().await;
    let response = widget(
        &server,
        Method::GET,
        "/api/widget/solutions/article/1101/thumbs_up",
        WIDGET,
        "c",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "PUT");
}

#[tokio::test]
async fn anonymous_thumbs_up_counts_on_every_call() {
    let server = support::server().await;
    thumbs(&server, true, None).await;
    thumbs(&server, true, None).await;
    assert_eq!(counters(&server), (43, 3));
}

#[tokio::test]
async fn anonymous_thumbs_down_counts_on_every_call() {
    let server = support::server().await;
    thumbs(&server, false, None).await;
    thumbs(&server, false, None).await;
    assert_eq!(counters(&server), (41, 5));
}

#[tokio::test]
async fn contacts_first_vote_counts() {
    let server = support::server().await;
    thumbs(&server, true, Some(&nora())).await;
    assert_eq!(counters(&server), (42, 3));
}

#[tokio::test]
async fn contacts_same_vote_again_changes_nothing() {
    let server = support::server().await;
    thumbs(&server, false, Some(&nora())).await;
    thumbs(&server, false, Some(&nora())).await;
    assert_eq!(counters(&server), (41, 4));
}

#[tokio::test]
async fn contacts_opposite_vote_moves_it() {
    let server = support::server().await;
    thumbs(&server, true, Some(&nora())).await;
    thumbs(&server, false, Some(&nora())).await;
    assert_eq!(counters(&server), (41, 4));
    thumbs(&server, true, Some(&nora())).await;
    assert_eq!(counters(&server), (42, 3));
}

#[tokio::test]
async fn contacts_vote_is_per_translation() {
    let server = support::server().await;
    thumbs(&server, true, Some(&nora())).await;
    let (status, _) = put(
        &server,
        &format!("/api/widget/solutions/article/{ARTICLE}/thumbs_up?language=fr"),
        Some(&nora()),
    )
    .await;
    assert_eq!(status, 204);
    let fr = server
        .state()
        .translation_votes(ARTICLE, "fr")
        .unwrap()
        .unwrap();
    assert_eq!(fr.thumbs_up, 13);
    assert_eq!(counters(&server), (42, 3));
    assert_eq!(server.state().customer_votes(1001).unwrap().len(), 2);
}

#[tokio::test]
async fn agents_vote_is_not_recorded_without_agent_metrics() {
    let server = support::server().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, false, Some(&stan())).await;
    assert_eq!(counters(&server), (41, 3));
    assert!(server.state().customer_votes(2002).unwrap().is_empty());
}

#[tokio::test]
async fn agents_first_vote_counts_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    assert_eq!(counters(&server), (42, 3));
}

#[tokio::test]
async fn agents_same_vote_again_changes_nothing_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, true, Some(&stan())).await;
    assert_eq!(counters(&server), (42, 3));
}

#[tokio::test]
async fn agents_opposite_vote_moves_it_with_agent_metrics() {
    let server = with_agent_metrics().await;
    thumbs(&server, true, Some(&stan())).await;
    thumbs(&server, false, Some(&stan())).await;
    assert_eq!(counters(&server), (41, 4));
}

#[tokio::test]
async fn anonymous_votes_count_every_call_with_agent_metrics_too() {
    let server = with_agent_metrics().await;
    thumbs(&server, false, None).await;
    thumbs(&server, false, None).await;
    assert_eq!(counters(&server), (41, 5));
}

#[tokio::test]
async fn votes_endpoint_shows_who_voted_and_the_anonymous_rest() {
    let server = support::server().await;
    thumbs(&server, true, Some(&nora())).await;
    thumbs(
        &server,
        false,
        Some(&token("Alice Anders", "alice@globex.test")),
    )
    .await;
    thumbs(&server, true, None).await;
    let path = format!("/api/_/solutions/articles/{ARTICLE}/votes");
    let (status, body) = votes_endpoint(&server, &path, Some(&basic(AGENT_KEY))).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            // 41 + Nora + one anonymous = 43, of which Nora's is hers.
            "helpful": { "anonymous": 42, "users": [{ "id": 1001, "name": "Nora Nocompany" }] },
            "not_helpful": { "anonymous": 3, "users": [{ "id": 1002, "name": "Alice Anders" }] },
        })
    );
}

#[tokio::test]
async fn votes_endpoint_shows_one_language_when_asked() {
    let server = support::server().await;
    let (status, _) = put(
        &server,
        &format!("/api/widget/solutions/article/{ARTICLE}/thumbs_down?language=fr"),
        Some(&nora()),
    )
    .await;
    assert_eq!(status, 204);
    let path = format!("/api/_/solutions/articles/{ARTICLE}/fr/votes");
    let (status, body) = votes_endpoint(&server, &path, Some(&basic(AGENT_KEY))).await;
    assert_eq!(status, 200);
    assert_eq!(body["helpful"], json!({ "anonymous": 12, "users": [] }));
    assert_eq!(
        body["not_helpful"],
        json!({ "anonymous": 1, "users": [{ "id": 1001, "name": "Nora Nocompany" }] })
    );
}

#[tokio::test]
async fn votes_endpoint_without_agent_credentials_is_401() {
    let server = support::server().await;
    let path = format!("/api/_/solutions/articles/{ARTICLE}/votes");
    let (status, body) = votes_endpoint(&server, &path, None).await;
    assert_eq!(status, 401);
    assert_eq!(codes(&body), ["invalid_credentials"]);
}

#[tokio::test]
async fn votes_endpoint_for_an_unknown_article_is_an_empty_404() {
    let server = support::server().await;
    let (status, body) = votes_endpoint(
        &server,
        "/api/_/solutions/articles/424242/votes",
        Some(&basic(AGENT_KEY)),
    )
    .await;
    assert_eq!((status, body), (404, Value::Null));
}

#[tokio::test]
async fn sixty_four_clients_thumbing_up_at_once_lose_nothing() {
    let server = support::server().await;
    let base = counters(&server).0;
    let uri = format!(
        "{}/api/widget/solutions/article/{ARTICLE}/thumbs_up",
        server.uri()
    );
    let mut clients = Vec::new();
    for c in 0..64 {
        let uri = uri.clone();
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for _ in 0..50 {
                let response = client
                    .put(&uri)
                    .header("X-Widget-Id", WIDGET)
                    .header("X-Client-Id", format!("client-{c}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status().as_u16(), 204);
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    assert_eq!(counters(&server).0, base + 64 * 50);
}
