//! Freshdesk's HTTP surface as its own source has it (issue 13): `.json` paths, the search's
//! methods and parameters, markup in search terms, the 404 and cache headers, CORS, and the
//! rate limit.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::support::{fetch, ids, pinned, Api, WIDGET};

#[tokio::test]
async fn api_paths_answer_with_a_json_suffix_too() {
    let api = Api::start().await;
    let plain = api.get("/api/widget/search/solutions?term=password").await;
    let suffixed = api
        .get("/api/widget/search/solutions.json?term=password")
        .await;
    assert_eq!(suffixed.status, StatusCode::OK);
    assert_eq!(ids(&suffixed.json()), ids(&plain.json()));
    let article = api.get("/api/widget/solutions/article/1101.json").await;
    assert_eq!(article.status, StatusCode::OK);
    assert_eq!(article.json()["id"], 1101);
}

#[tokio::test]
async fn search_answers_post_too_and_its_405_allows_get_and_post() {
    let api = Api::start().await;
    let posted = fetch(api.widget(
        Method::POST,
        "/api/widget/search/solutions?term=password",
        WIDGET,
        "fidelity",
    ))
    .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(ids(&posted.json()), [1101]);
    let put = fetch(api.widget(Method::PUT, "/api/widget/search/solutions", WIDGET, "f")).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.header("allow"), Some("GET, POST"));
}

#[tokio::test]
async fn search_takes_freshdesks_k_id_and_solution_and_article_show_takes_anything() {
    let api = Api::start().await;
    let search = api
        .get("/api/widget/search/solutions?term=password&k=1&id=2&solution=3")
        .await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.body);
    let refused = api
        .get("/api/widget/search/solutions?term=password&colour=blue")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.codes(), ["invalid_field"]);
    let show = api
        .get("/api/widget/solutions/article/1101?colour=blue&utm_source=x")
        .await;
    assert_eq!(show.status, StatusCode::OK, "{}", show.body);
}

#[tokio::test]
async fn markup_in_a_search_term_is_stripped_before_searching() {
    let api = Api::start().await;
    let reply = api
        .get("/api/widget/search/solutions?term=reset%20%3Cb%3Epassword%3C%2Fb%3E")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(ids(&reply.json()), [1101]);
}

#[tokio::test]
async fn a_404_is_one_space_without_the_api_version_and_every_answer_expires_in_2010() {
    let api = Api::start().await;
    let missing = api.get("/api/widget/solutions/article/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body, " ");
    assert_eq!(missing.header("x-freshdesk-api-version"), None);
    assert_eq!(
        missing.header("expires"),
        Some("Wed, 13 Oct 2010 00:00:00 UTC")
    );
    let found = api.get("/api/widget/solutions/article/1101").await;
    assert_eq!(
        found.header("expires"),
        Some("Wed, 13 Oct 2010 00:00:00 UTC")
    );
    assert_eq!(
        found.header("x-freshdesk-api-version"),
        Some("latest=v2; requested=widget")
    );
    let request_id = found.header("x-request-id").unwrap_or_default();
    assert_eq!(request_id.len(), 36, "{request_id}");
    let next = api.get("/api/widget/solutions/article/1101").await;
    assert_ne!(next.header("x-request-id"), Some(request_id));
}

#[tokio::test]
async fn cors_answers_vary_on_origin_and_expose_freshdesks_headers() {
    let api = Api::start().await;
    let reply = fetch(
        api.widget(
            Method::GET,
            "/api/widget/search/solutions?term=password",
            WIDGET,
            "cors",
        )
        .header("Origin", "https://customer.example"),
    )
    .await;
    assert_eq!(reply.header("vary"), Some("Origin"));
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap_or_default();
    for header in [
        "X-Freshdesk-API-Version",
        "X-RateLimit-Remaining",
        "X-Request-Id",
        "X-Freshmock-Reason",
    ] {
        assert!(exposed.contains(header), "{header} not in {exposed}");
    }
}

#[tokio::test]
async fn every_widget_answer_shows_the_rate_limit_counting_down() {
    let api = Api::start().await;
    let first = api.get("/api/widget/ticket_fields").await;
    let second = api.get("/api/widget/no_such_path").await;
    assert_eq!(first.header("x-ratelimit-total"), Some("500"));
    assert_eq!(first.header("x-ratelimit-used-currentrequest"), Some("1"));
    let remaining = |reply: &crate::support::Reply| {
        reply
            .header("x-ratelimit-remaining")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap()
    };
    assert!(remaining(&second) < remaining(&first));
}

#[tokio::test]
async fn over_rate_limit_is_429_with_retry_after_until_the_servers_next_minute() {
    let api = Api::on(pinned().rate_limit(2).start().await);
    for _ in 0..2 {
        assert_eq!(api.get("/api/widget/ticket_fields").await.status, 200);
    }
    let refused = api.get("/api/widget/ticket_fields").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        refused.json()["message"],
        "You have exceeded the limit of requests per hour"
    );
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert!(
        refused.reason().contains("--rate-limit"),
        "{}",
        refused.reason()
    );
    api.advance(Duration::from_secs(60));
    assert_eq!(api.get("/api/widget/ticket_fields").await.status, 200);
}
