//! `POST /api/v2/admin/security_keys/widget/regenerate`: agent API auth, admins only, and
//! every token signed with the old secret refused from then on.

use serde_json::Value;

use crate::support::{self, answer, basic, codes, token, widget, ADMIN_KEY, AGENT_KEY, WIDGET};
use freshmock::domain::token::mint_for;
use freshmock::http::server::RunningServer;

const PATH: &str = "/api/v2/admin/security_keys/widget/regenerate";

async fn regenerate(server: &RunningServer, auth: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(format!("{}{PATH}", server.uri()));
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    answer(request.send().await.unwrap()).await
}

async fn search_with(server: &RunningServer, token: &str) -> reqwest::Response {
    widget(
        server,
        reqwest::Method::GET,
        "/api/widget/search/solutions?term=password",
        WIDGET,
        "c",
    )
    .header("X-Widget-Auth", token)
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn regenerate_without_credentials_is_401() {
    let server = support::server().await;
    let (status, body) = regenerate(&server, None).await;
    assert_eq!(status, 401);
    assert_eq!(codes(&body), ["invalid_credentials"]);
    assert_eq!(
        body["message"],
        "You have to be logged in to perform this action."
    );
}

#[tokio::test]
async fn regenerate_with_an_unknown_api_key_is_401() {
    let server = support::server().await;
    let (status, body) = regenerate(&server, Some(&basic("no-such-key"))).await;
    assert_eq!(status, 401);
    assert_eq!(codes(&body), ["invalid_credentials"]);
}

#[tokio::test]
async fn regenerate_by_an_agent_who_is_not_admin_is_403() {
    let server = support::server().await;
    let (status, body) = regenerate(&server, Some(&basic(AGENT_KEY))).await;
    assert_eq!(status, 403);
    assert_eq!(codes(&body), ["access_denied"]);
    assert_eq!(
        body["message"],
        "You are not authorized to perform this action."
    );
}

#[tokio::test]
async fn regenerate_by_an_admin_returns_a_new_32_hex_key() {
    let server = support::server().await;
    let (status, body) = regenerate(&server, Some(&basic(ADMIN_KEY))).await;
    assert_eq!(status, 200);
    let key = body["key"].as_str().unwrap();
    assert_eq!(key.len(), 32);
    assert!(key
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_ne!(key, support::SECRET);
}

#[tokio::test]
async fn tokens_signed_with_the_old_secret_fail_after_regenerate() {
    let server = support::server().await;
    let old = token("Nora Nocompany", "nora@example.com");
    assert_eq!(search_with(&server, &old).await.status().as_u16(), 200);
    regenerate(&server, Some(&basic(ADMIN_KEY))).await;
    let response = search_with(&server, &old).await;
    let reason = response.headers()["x-freshmock-reason"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = answer(response).await;
    assert_eq!(status, 401);
    assert_eq!(codes(&body), ["unauthorized"]);
    assert_eq!(
        body["errors"][0]["message"],
        "Signature verification raised"
    );
    assert!(reason.contains("previous widget secret"), "{reason}");
}

#[tokio::test]
async fn tokens_signed_with_the_new_secret_are_accepted_after_regenerate() {
    let server = support::server().await;
    let (_, body) = regenerate(&server, Some(&basic(ADMIN_KEY))).await;
    let new = mint_for(
        "Nora Nocompany",
        "nora@example.com",
        support::NOW + 600,
        body["key"].as_str().unwrap(),
    );
    assert_eq!(search_with(&server, &new).await.status().as_u16(), 200);
}

#[tokio::test]
async fn regenerate_with_a_form_body_is_415() {
    let server = support::server().await;
    let response = reqwest::Client::new()
        .post(format!("{}{PATH}", server.uri()))
        .header("Authorization", basic(ADMIN_KEY))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("a=b")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 415);
    assert_eq!(codes(&body), ["invalid_content_type"]);
}
