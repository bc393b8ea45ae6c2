//! The header checks every `/api/widget/` call goes through, in Freshdesk's order
//! (spec section 1): widget id, client id, widget lookup, token.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{fetch, Api, ALICE, INACTIVE_WIDGET, NOW, SECRET, WIDGET};

const SEARCH: &str = "/api/widget/search/solutions?term=password";
const BOOTSTRAP: &str = "/api/widget/bootstrap";

/// Every widget endpoint this issue serves, for checks they all share.
const ENDPOINTS: [&str; 6] = [
    BOOTSTRAP,
    SEARCH,
    "/api/widget/solutions/article/1101",
    "/api/widget/solutions/1101",
    "/api/widget/solutions/suggested_articles",
    "/api/widget/ticket_fields",
];

fn request_error(code: &str) -> serde_json::Value {
    json!({ "code": code, "message": code })
}

#[tokio::test]
async fn missing_widget_id_is_refused_with_widget_id_not_given() {
    let api = Api::start().await;

    let reply = fetch(
        api.bare(reqwest::Method::GET, SEARCH)
            .header("X-Client-Id", "c"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("widget_id_not_given"));
}

#[tokio::test]
async fn blank_widget_id_is_refused_with_widget_id_not_given() {
    let api = Api::start().await;

    let reply = fetch(api.call_widget("   ", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("widget_id_not_given"));
}

#[tokio::test]
async fn widget_id_is_checked_before_client_id() {
    let api = Api::start().await;

    let reply = fetch(api.bare(reqwest::Method::GET, SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "widget_id_not_given");
}

#[tokio::test]
async fn missing_client_id_is_refused_with_cliend_id_not_given() {
    let api = Api::start().await;

    let reply = fetch(
        api.bare(reqwest::Method::GET, SEARCH)
            .header("X-Widget-Id", WIDGET),
    )
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("cliend_id_not_given"));
}

#[tokio::test]
async fn blank_client_id_is_refused_with_cliend_id_not_given() {
    let api = Api::start().await;

    let reply = fetch(api.call_with(WIDGET, "", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("cliend_id_not_given"));
}

#[tokio::test]
async fn client_id_is_checked_before_the_widget_lookup() {
    let api = Api::start().await;

    let reply = fetch(
        api.bare(reqwest::Method::GET, SEARCH)
            .header("X-Widget-Id", "abc")
            .header("X-Client-Id", " "),
    )
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "cliend_id_not_given");
}

#[tokio::test]
async fn any_non_blank_client_id_is_accepted() {
    let api = Api::start().await;

    let reply = fetch(api.call_with(WIDGET, "x", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn widget_id_with_trailing_letters_is_read_leniently() {
    let api = Api::start().await;

    let reply = fetch(api.call_widget("12000000025abc", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101]);
}

#[tokio::test]
async fn widget_id_without_digits_is_an_invalid_help_widget() {
    let api = Api::start().await;

    let reply = fetch(api.call_widget("abc", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("invalid_help_widget"));
}

#[tokio::test]
async fn inactive_widget_is_an_invalid_help_widget() {
    let api = Api::start().await;

    let reply = fetch(api.call_widget(INACTIVE_WIDGET, SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("invalid_help_widget"));
}

#[tokio::test]
async fn unknown_widget_is_an_invalid_help_widget() {
    let api = Api::start().await;

    let reply = fetch(api.call_widget("12000000099", SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_help_widget");
}

#[tokio::test]
async fn widget_lookup_comes_before_the_token() {
    let api = Api::start().await;

    let reply = fetch(
        api.call_widget(INACTIVE_WIDGET, SEARCH)
            .header("X-Widget-Auth", "not-a-token"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_help_widget");
}

#[tokio::test]
async fn every_widget_endpoint_checks_the_headers() {
    let api = Api::start().await;

    let mut codes = Vec::new();
    for path in ENDPOINTS {
        let reply = fetch(api.call_widget("abc", path)).await;
        codes.push((path, reply.status.as_u16(), reply.code()));
    }

    for (path, status, code) in codes {
        assert_eq!(
            (status, code.as_str()),
            (400, "invalid_help_widget"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn bootstrap_without_a_token_is_refused_with_x_widget_auth_required() {
    let api = Api::start().await;

    let reply = api.get(BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), request_error("x_widget_auth_required"));
}

#[tokio::test]
async fn bootstrap_with_an_empty_token_is_refused_with_x_widget_auth_required() {
    let api = Api::start().await;

    let reply = api.get_with_token("", BOOTSTRAP).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "x_widget_auth_required");
}

#[tokio::test]
async fn search_without_a_token_is_answered_anonymously() {
    let api = Api::start().await;

    let reply = api.get(SEARCH).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101]);
}

#[tokio::test]
async fn empty_token_on_search_counts_as_anonymous() {
    let api = Api::start().await;

    let reply = api.get_with_token("", SEARCH).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101]);
}

#[tokio::test]
async fn invalid_token_on_search_is_fatal_with_no_fallback_to_anonymous() {
    let api = Api::start().await;

    let reply = api.get_with_token("not-a-token", SEARCH).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthorized");
}

#[tokio::test]
async fn expired_token_on_a_public_article_is_fatal_with_no_fallback_to_anonymous() {
    let api = Api::start().await;
    let expired = freshmock::tokens::mint_for("Alice Anders", ALICE, NOW - 1, SECRET);

    let reply = api
        .get_with_token(&expired, "/api/widget/solutions/article/1101")
        .await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthorized");
}

#[tokio::test]
async fn invalid_token_is_fatal_on_every_optional_login_endpoint() {
    let api = Api::start().await;

    let mut answers = Vec::new();
    for path in &ENDPOINTS[1..] {
        let reply = api.get_with_token("a.b", path).await;
        answers.push((path, reply.status.as_u16(), reply.code()));
    }

    for (path, status, code) in answers {
        assert_eq!((status, code.as_str()), (401, "unauthorized"), "{path}");
    }
}

#[tokio::test]
async fn valid_token_passes_the_header_checks_on_every_endpoint() {
    let api = Api::start().await;

    let mut statuses = Vec::new();
    for path in ENDPOINTS {
        statuses.push((path, api.get_as(Some(ALICE), path).await.status));
    }

    for (path, status) in statuses {
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn header_refusals_explain_themselves_in_x_freshmock_reason() {
    let api = Api::start().await;
    let refusals = [
        api.call_widget("", SEARCH),
        api.call_with(WIDGET, "", SEARCH),
        api.call_widget("abc", SEARCH),
        api.call_widget(INACTIVE_WIDGET, SEARCH),
        api.call(BOOTSTRAP),
    ];

    let mut reasons = Vec::new();
    for request in refusals {
        let reply = fetch(request).await;
        reasons.push((reply.code(), reply.reason().to_owned()));
    }

    for (code, reason) in reasons {
        assert!(!reason.trim().is_empty(), "{code} has an empty reason");
    }
}
