//! `GET /api/widget/bootstrap` (spec section 2): logs the customer in, creates unknown
//! contacts, syncs names, refuses blocked, deleted and spam users.

use freshmock::tokens::mint_for;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{
    Api, ALICE, ALICE_SECONDARY, BLAKE_BLOCKED, DANA_DELETED, FRANCOIS, NOW, SECRET, SPENCER_SPAM,
    STAN, WRONG_SECRET,
};

const BOOTSTRAP: &str = "/api/widget/bootstrap";
const SEARCH: &str = "/api/widget/search/solutions?term=password";

#[tokio::test]
async fn bootstrap_returns_the_user_and_the_tokens_expiry() {
    let api = Api::start().await;

    let reply = api
        .get_with_token(
            &mint_for("Alice Anders", ALICE, NOW + 3600, SECRET),
            BOOTSTRAP,
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({
            "user": {
                "id": 1002,
                "name": "Alice Anders",
                "email": ALICE,
                "phone": "+1 555 0102",
                "mobile": "+1 555 0192",
                "language": "en",
                "external_id": "globex-e-4471",
            },
            "meta": { "expire_at": "2026-01-01T01:00:00Z" },
        })
    );
}

#[tokio::test]
async fn bootstrap_expire_at_is_the_exp_claim_as_a_timestamp() {
    let api = Api::start().await;

    let reply = api
        .get_with_token(
            &mint_for("Alice Anders", ALICE, NOW + 7199, SECRET),
            BOOTSTRAP,
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["meta"]["expire_at"], "2026-01-01T01:59:59Z");
}

#[tokio::test]
async fn bootstrap_echoes_the_email_the_token_names() {
    let api = Api::start().await;

    let reply = api.get_as(Some(ALICE_SECONDARY), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["id"], 1002);
    assert_eq!(reply.json()["user"]["email"], ALICE_SECONDARY);
}

#[tokio::test]
async fn bootstrap_reports_the_profile_language() {
    let api = Api::start().await;

    let reply = api.get_as(Some(FRANCOIS), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["language"], "fr");
}

#[tokio::test]
async fn bootstrap_logs_agents_in_too() {
    let api = Api::start().await;

    let reply = api.get_as(Some(STAN), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["id"], 2002);
}

#[tokio::test]
async fn bootstrap_creates_a_contact_for_an_unknown_email() {
    let api = Api::start().await;
    let token = mint_for("Nina Newcomer", "nina@newcomer.example", NOW + 600, SECRET);

    let reply = api.get_with_token(&token, BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    let user = reply.json()["user"].clone();
    assert!(user["id"].as_u64().is_some(), "{user}");
    assert_eq!(user["name"], "Nina Newcomer");
    assert_eq!(user["email"], "nina@newcomer.example");
}

#[tokio::test]
async fn created_contact_speaks_the_account_language() {
    let api = Api::start().await;
    let token = mint_for("Nina Newcomer", "nina@newcomer.example", NOW + 600, SECRET);

    let reply = api.get_with_token(&token, BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["language"], "en");
}

#[tokio::test]
async fn unknown_email_can_search_once_bootstrap_created_the_contact() {
    let api = Api::start().await;
    let token = mint_for("Nina Newcomer", "nina@newcomer.example", NOW + 600, SECRET);
    let before = api.get_with_token(&token, SEARCH).await;
    assert_eq!(before.status, StatusCode::NOT_FOUND);
    assert_eq!(before.code(), "absent_in_db");

    let created = api.get_with_token(&token, BOOTSTRAP).await;
    let after = api.get_with_token(&token, SEARCH).await;

    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.ids(), [1101]);
}

#[tokio::test]
async fn bootstrapping_an_unknown_email_twice_creates_one_contact() {
    let api = Api::start().await;
    let token = mint_for("Nina Newcomer", "nina@newcomer.example", NOW + 600, SECRET);

    let first = api.get_with_token(&token, BOOTSTRAP).await;
    let second = api.get_with_token(&token, BOOTSTRAP).await;

    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(first.json()["user"]["id"], second.json()["user"]["id"]);
}

#[tokio::test]
async fn bootstrap_shows_the_name_from_the_token() {
    let api = Api::start().await;
    let renamed = mint_for("Alice Smith", ALICE, NOW + 600, SECRET);

    let first = api.get_with_token(&renamed, BOOTSTRAP).await;
    let again = api.get_with_token(&renamed, BOOTSTRAP).await;

    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(again.json()["user"]["name"], "Alice Smith");
    assert_eq!(again.json()["user"]["id"], 1002);
}

#[tokio::test]
async fn bootstrap_overwrites_the_stored_name_with_the_tokens() {
    let api = Api::start().await;
    let renamed = mint_for("Alice Smith", ALICE, NOW + 600, SECRET);

    let reply = api.get_with_token(&renamed, BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::OK);
    let stored = api.user(ALICE).await.unwrap();
    assert_eq!(stored["name"], "Alice Smith");
}

#[tokio::test]
async fn search_does_not_sync_the_name() {
    let api = Api::start().await;
    let renamed = mint_for("Alice Smith", ALICE, NOW + 600, SECRET);

    let reply = api.get_with_token(&renamed, SEARCH).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(api.user(ALICE).await.unwrap()["name"], "Alice Anders");
}

#[tokio::test]
async fn blocked_contact_cannot_bootstrap() {
    let api = Api::start().await;

    let reply = api.get_as(Some(BLAKE_BLOCKED), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.json(),
        json!({
            "code": "invalid_user",
            "message": "You are not authorized to perform this action on behalf of this user. id:1005, name:Blake Blocked",
        })
    );
}

#[tokio::test]
async fn deleted_contact_cannot_bootstrap() {
    let api = Api::start().await;

    let reply = api.get_as(Some(DANA_DELETED), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.json(),
        json!({
            "code": "invalid_user",
            "message": "You are not authorized to perform this action on behalf of this user. id:1009, name:Dana Deleted",
        })
    );
}

#[tokio::test]
async fn spam_contact_cannot_bootstrap() {
    let api = Api::start().await;

    let reply = api.get_as(Some(SPENCER_SPAM), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "invalid_user");
}

#[tokio::test]
async fn refused_bootstrap_explains_itself_in_x_freshmock_reason() {
    let api = Api::start().await;

    let reply = api.get_as(Some(BLAKE_BLOCKED), BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.reason().contains("blocked"), "{}", reply.reason());
}

#[tokio::test]
async fn bootstrap_refuses_an_expired_token() {
    let api = Api::start().await;

    let reply = api
        .get_with_token(&mint_for("Alice Anders", ALICE, NOW - 1, SECRET), BOOTSTRAP)
        .await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthorized");
}

#[tokio::test]
async fn bootstrap_refuses_a_token_more_than_two_hours_ahead() {
    let api = Api::start().await;

    let reply = api
        .get_with_token(
            &mint_for("Alice Anders", ALICE, NOW + 7201, SECRET),
            BOOTSTRAP,
        )
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_value");
}

#[tokio::test]
async fn bootstrap_does_not_create_a_contact_for_a_refused_token() {
    let api = Api::start().await;
    let token = freshmock::tokens::mint(
        "HS256",
        WRONG_SECRET,
        &json!({ "name": "Nina", "email": "nina@newcomer.example", "exp": NOW + 60 }),
    );

    let reply = api.get_with_token(&token, BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(api.user("nina@newcomer.example").await.is_none());
}

/// The bundled fixtures with a restricted help desk that admits `globex.test` only.
fn restricted_help_desk() -> freshmock::fixtures::FixtureSet {
    let mut fixtures = crate::support::bundled();
    fixtures.account.features.restricted_helpdesk = true;
    fixtures.account.features.helpdesk_permissible_domains = vec!["globex.test".into()];
    fixtures
}

#[tokio::test]
async fn restricted_help_desk_refuses_a_login_outside_its_domains() {
    let api = Api::start_with(restricted_help_desk()).await;

    let reply = api
        .get_with_token(
            &mint_for("New Comer", "newcomer@example.com", NOW + 3600, SECRET),
            BOOTSTRAP,
        )
        .await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "action_restricted");
    assert!(api.user("newcomer@example.com").await.is_none());
}

#[tokio::test]
async fn restricted_help_desk_lets_in_its_domains_and_agents() {
    let api = Api::start_with(restricted_help_desk()).await;

    let alice = api
        .get_with_token(
            &mint_for("Alice Anders", ALICE, NOW + 3600, SECRET),
            BOOTSTRAP,
        )
        .await;
    let agent = api
        .get_with_token(&mint_for("Stan", STAN, NOW + 3600, SECRET), BOOTSTRAP)
        .await;

    assert_eq!(alice.status, StatusCode::OK, "{}", alice.body);
    assert_eq!(agent.status, StatusCode::OK, "{}", agent.body);
}

#[tokio::test]
async fn unrestricted_help_desk_lets_any_domain_log_in() {
    let mut fixtures = restricted_help_desk();
    fixtures.account.features.restricted_helpdesk = false;
    let api = Api::start_with(fixtures).await;

    let reply = api
        .get_with_token(
            &mint_for("Nora", "nora@example.com", NOW + 3600, SECRET),
            BOOTSTRAP,
        )
        .await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn account_without_the_help_widget_feature_refuses_every_widget_call() {
    let mut fixtures = crate::support::bundled();
    fixtures.account.features.help_widget = false;
    let api = Api::start_with(fixtures).await;

    let login = api
        .get_with_token(
            &mint_for("Alice Anders", ALICE, NOW + 3600, SECRET),
            BOOTSTRAP,
        )
        .await;
    let search = api.get(SEARCH).await;

    assert_eq!(login.status, StatusCode::FORBIDDEN);
    assert_eq!(login.code(), "require_feature");
    assert_eq!(search.status, StatusCode::FORBIDDEN);
    assert_eq!(search.code(), "require_feature");
}

#[tokio::test]
async fn account_with_the_help_widget_feature_answers_widget_calls() {
    let mut fixtures = crate::support::bundled();
    fixtures.account.features.help_widget = true;
    let api = Api::start_with(fixtures).await;

    assert_eq!(api.get(SEARCH).await.status, StatusCode::OK);
}
