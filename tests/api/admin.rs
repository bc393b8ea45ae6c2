//! `POST /api/v2/admin/security_keys/widget/regenerate`: agent API auth, admins only, and
//! every token signed with the old secret refused from then on.

use freshmock::tokens::mint_for;
use reqwest::Method;

use crate::support::{self, basic, fetch, token, Api, Reply, ADMIN_KEY, AGENT_KEY, WIDGET};

const PATH: &str = "/api/v2/admin/security_keys/widget/regenerate";

async fn regenerate(api: &Api, auth: Option<&str>) -> Reply {
    let mut request = api.bare(Method::POST, PATH);
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    fetch(request).await
}

async fn search_with(api: &Api, token: &str) -> Reply {
    fetch(
        api.widget(
            Method::GET,
            "/api/widget/search/solutions?term=password",
            WIDGET,
            "c",
        )
        .header("X-Widget-Auth", token),
    )
    .await
}

#[tokio::test]
async fn regenerate_without_credentials_is_401() {
    let server = Api::start().await;
    let reply = regenerate(&server, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.codes(), ["invalid_credentials"]);
    assert_eq!(
        reply.json()["message"],
        "You have to be logged in to perform this action."
    );
}

#[tokio::test]
async fn regenerate_with_an_unknown_api_key_is_401() {
    let server = Api::start().await;
    let reply = regenerate(&server, Some(&basic("no-such-key"))).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.codes(), ["invalid_credentials"]);
}

#[tokio::test]
async fn regenerate_by_an_agent_who_is_not_admin_is_403() {
    let server = Api::start().await;
    let reply = regenerate(&server, Some(&basic(AGENT_KEY))).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["access_denied"]);
    assert_eq!(
        reply.json()["message"],
        "You are not authorized to perform this action."
    );
}

#[tokio::test]
async fn regenerate_by_an_admin_returns_a_new_32_hex_key() {
    let server = Api::start().await;
    let reply = regenerate(&server, Some(&basic(ADMIN_KEY))).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let key = body["key"].as_str().unwrap();
    assert_eq!(key.len(), 32);
    assert!(key
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_ne!(key, support::SECRET);
}

#[tokio::test]
async fn tokens_signed_with_the_old_secret_fail_after_regenerate() {
    let server = Api::start().await;
    let old = token("Nora Nocompany", "nora@example.com");
    assert_eq!(search_with(&server, &old).await.status, 200);
    regenerate(&server, Some(&basic(ADMIN_KEY))).await;
    let reply = search_with(&server, &old).await;
    let reason = reply.reason();
    assert_eq!(reply.status, 401);
    assert_eq!(reply.codes(), ["unauthorized"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "Signature verification raised"
    );
    assert!(reason.contains("previous widget secret"), "{reason}");
}

#[tokio::test]
async fn tokens_signed_with_the_new_secret_are_accepted_after_regenerate() {
    let server = Api::start().await;
    let body = regenerate(&server, Some(&basic(ADMIN_KEY))).await.json();
    let new = mint_for(
        "Nora Nocompany",
        "nora@example.com",
        support::NOW + 600,
        body["key"].as_str().unwrap(),
    );
    assert_eq!(search_with(&server, &new).await.status, 200);
}

#[tokio::test]
async fn regenerate_with_a_form_body_is_415() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .bare(Method::POST, PATH)
            .header("Authorization", basic(ADMIN_KEY))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("a=b"),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.codes(), ["invalid_content_type"]);
}
