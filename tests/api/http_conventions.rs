//! What every widget answer shares (spec section 1): no-cache and API-version headers, the
//! JSON content type, CORS, empty-body 404s, 405 with `Allow`, and the query-parameter
//! rules of search.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{fetch, keys, Api, ADMIN_KEY, STAN};

const SEARCH: &str = "/api/widget/search/solutions";

fn datatype_mismatch(field: &str, max: u32) -> serde_json::Value {
    json!({
        "description": "Validation failed",
        "errors": [{
            "field": field,
            "message": format!("It should be a Positive Integer less than or equal to {max}"),
            "code": "datatype_mismatch",
        }],
    })
}

#[tokio::test]
async fn widget_answers_forbid_caching() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions?term=password").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("cache-control"),
        Some("no-cache, no-store, max-age=0, must-revalidate")
    );
    assert_eq!(reply.header("pragma"), Some("no-cache"));
}

#[tokio::test]
async fn widget_answers_carry_the_api_version() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/1101").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("x-freshdesk-api-version"),
        Some("latest=v2; requested=widget")
    );
}

#[tokio::test]
async fn widget_refusals_also_forbid_caching_and_carry_the_api_version() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::GET, SEARCH)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.header("cache-control"),
        Some("no-cache, no-store, max-age=0, must-revalidate")
    );
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    assert_eq!(
        reply.header("x-freshdesk-api-version"),
        Some("latest=v2; requested=widget")
    );
}

#[tokio::test]
async fn json_answers_are_utf8_json() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/ticket_fields").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn error_bodies_are_utf8_json() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/bootstrap").await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn answers_to_a_page_allow_any_origin() {
    let api = Api::start().await;

    let reply = fetch(
        api.call("/api/widget/search/solutions?term=password")
            .header("Origin", "https://shop.example.com"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn refusals_to_a_page_also_allow_any_origin() {
    let api = Api::start().await;

    let reply = fetch(
        api.call("/api/widget/bootstrap")
            .header("Origin", "https://shop.example.com"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn answers_without_an_origin_carry_no_cors_headers() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions?term=password").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn preflight_allows_the_widget_methods_for_a_day() {
    let api = Api::start().await;

    let reply = fetch(
        api.bare(Method::OPTIONS, "/api/widget/search/solutions")
            .header("Origin", "https://shop.example.com")
            .header("Access-Control-Request-Method", "GET"),
    )
    .await;

    assert!(reply.status.is_success(), "{}", reply.status);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let methods: Vec<String> = reply
        .header("access-control-allow-methods")
        .unwrap()
        .split(',')
        .map(|m| m.trim().to_owned())
        .collect();
    for method in ["GET", "POST", "PUT", "DELETE", "OPTIONS"] {
        assert!(
            methods.iter().any(|m| m == method),
            "{method} in {methods:?}"
        );
    }
    assert_eq!(reply.header("access-control-max-age"), Some("86400"));
}

#[tokio::test]
async fn preflight_allows_any_requested_header() {
    let api = Api::start().await;

    let reply = fetch(
        api.bare(Method::OPTIONS, "/api/widget/bootstrap")
            .header("Origin", "https://shop.example.com")
            .header("Access-Control-Request-Method", "GET")
            .header(
                "Access-Control-Request-Headers",
                "x-widget-id, x-client-id, x-widget-auth, x-custom",
            ),
    )
    .await;

    assert!(reply.status.is_success(), "{}", reply.status);
    let allowed = reply
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for header in ["x-widget-id", "x-client-id", "x-widget-auth", "x-custom"] {
        assert!(allowed.contains(header), "{header} in {allowed:?}");
    }
}

#[tokio::test]
async fn unknown_widget_path_is_404_with_a_one_space_body() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/no_such_thing").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Rails' `head :not_found`, as Freshdesk answers: one space.
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn unknown_path_outside_the_api_is_404_with_an_empty_body() {
    let api = Api::start().await;

    let reply = api.get("/no/such/thing").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body, "");
}

#[tokio::test]
async fn article_path_with_a_non_numeric_id_is_404_with_a_one_space_body() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/abc").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn wrong_verb_on_a_known_path_is_405_with_allow() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::PUT, SEARCH)).await;

    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    // Freshdesk routes the search for GET and POST.
    assert_eq!(reply.header("allow"), Some("GET, POST"));
}

#[tokio::test]
async fn put_on_a_folder_or_article_list_is_405_with_allow_not_a_translation() {
    let api = Api::start().await;

    for path in [
        "/api/v2/solutions/categories/1/folders",
        "/api/v2/solutions/folders/1/articles",
    ] {
        let reply = fetch(api.agent(Method::PUT, path, ADMIN_KEY)).await;

        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(reply.header("allow"), Some("GET, POST"), "{path}");
    }
}

#[tokio::test]
async fn wrong_verb_on_a_known_path_gets_freshdesks_message() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::DELETE, "/api/widget/solutions/article/1101")).await;

    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        reply.json(),
        json!({"message": "DELETE method is not allowed. It should be one of these method(s): GET"})
    );
}

#[tokio::test]
async fn wrong_verb_is_refused_before_the_header_checks() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::PUT, "/api/widget/bootstrap")).await;

    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        reply.json(),
        json!({"message": "PUT method is not allowed. It should be one of these method(s): GET"})
    );
}

#[tokio::test]
async fn wrong_verb_explains_itself_in_x_freshmock_reason() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::POST, "/api/widget/ticket_fields")).await;

    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(reply.reason().contains("POST"), "{}", reply.reason());
}

#[tokio::test]
async fn unknown_query_parameter_is_an_invalid_field() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&sort=asc")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        json!({
            "description": "Validation failed",
            "errors": [{
                "field": "sort",
                "message": "Unexpected/invalid field in request",
                "code": "invalid_field",
            }],
        })
    );
}

#[tokio::test]
async fn unknown_query_parameter_on_show_is_ignored_as_freshdesk_validates_none() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/1101?page=1").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["id"], 1101);
}

#[tokio::test]
async fn page_zero_is_a_datatype_mismatch() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&page=0")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), datatype_mismatch("page", 10));
}

#[tokio::test]
async fn page_eleven_is_a_datatype_mismatch() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&page=11")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), datatype_mismatch("page", 10));
}

#[tokio::test]
async fn page_that_is_not_a_number_is_a_datatype_mismatch() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&page=abc")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), datatype_mismatch("page", 10));
}

#[tokio::test]
async fn per_page_zero_is_a_datatype_mismatch() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&per_page=0")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), datatype_mismatch("per_page", 30));
}

#[tokio::test]
async fn per_page_thirty_one_is_a_datatype_mismatch() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&per_page=31")
        .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), datatype_mismatch("per_page", 30));
}

#[tokio::test]
async fn page_ten_and_per_page_thirty_are_accepted() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&page=10&per_page=30")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), Vec::<u64>::new());
}

#[tokio::test]
async fn page_and_per_page_select_a_slice_of_the_results() {
    let api = Api::start().await;
    let all = api
        .get_as(Some(STAN), "/api/widget/search/solutions?term=password")
        .await
        .ids();
    assert_eq!(all.len(), 4, "stan finds four password articles: {all:?}");

    let second_page = api
        .get_as(
            Some(STAN),
            "/api/widget/search/solutions?term=password&page=2&per_page=3",
        )
        .await;

    assert_eq!(second_page.status, StatusCode::OK);
    assert_eq!(second_page.ids(), all[3..]);
}

#[tokio::test]
async fn blank_term_finds_nothing() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions?term=%20%20").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn missing_term_finds_nothing() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn search_is_a_bare_array_of_summaries() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions?term=password").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!([{
            "id": 1101,
            "title": "How to reset your password",
            "modified_at": "2026-09-14T08:12:30Z",
            "language_id": 6,
        }])
    );
}

#[tokio::test]
async fn search_stems_the_query() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/search/solutions?term=passwords").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101]);
}

#[tokio::test]
async fn search_never_fails_on_query_syntax() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=%22pass%20AND%20(OR%20*%5B%3A")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn search_is_limited_to_the_widgets_categories() {
    let api = Api::start().await;

    let reply =
        fetch(api.call_widget("12000000028", "/api/widget/search/solutions?term=invoice")).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn article_show_has_freshdesks_shape() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/1101").await;

    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(
        keys(&body),
        [
            "attachments",
            "description",
            "id",
            "language_id",
            "meta",
            "modified_at",
            "title"
        ]
    );
    assert_eq!(body["id"], 1101);
    assert_eq!(body["title"], "How to reset your password");
    assert_eq!(body["modified_at"], "2026-09-14T08:12:30Z");
    assert_eq!(body["language_id"], 6);
    assert!(body["description"].as_str().unwrap().contains('<'));
}

#[tokio::test]
async fn article_show_links_to_the_portal_with_language_and_slug() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/1101").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["meta"]["portal_link"],
        "https://support.acme.test/en/support/solutions/articles/1101-how-to-reset-your-password"
    );
}

#[tokio::test]
async fn article_show_lists_the_translations_attachments() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/2101").await;

    assert_eq!(reply.status, StatusCode::OK);
    let attachments = reply.json()["attachments"].clone();
    let names: Vec<&str> = attachments
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["invoice-sample.pdf"]);
}
