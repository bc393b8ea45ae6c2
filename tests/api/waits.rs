//! Waiting on the server instead of polling it: `wait=` and `count=` on the request log,
//! tickets and votes; `since=` cursors and `requests/count`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, Api, Reply, WIDGET};

/// A contact-form ticket from Nora, as the widget sends it.
async fn post_ticket(server: &Api) -> Reply {
    fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "waits")
            .json(&json!({
                "email": "nora@example.com",
                "description": "It broke.",
                "g-recaptcha-response": "any-answer",
            })),
    )
    .await
}

async fn control_get(server: &Api, path: &str) -> Reply {
    fetch(server.bare(Method::GET, path)).await
}

#[tokio::test]
async fn a_wait_that_began_before_the_ticket_was_posted_returns_that_ticket() {
    let server = Api::start().await;
    let waiting = {
        let request = server.bare(Method::GET, "/_freshmock/tickets?wait=20s&count=1");
        tokio::spawn(fetch(request))
    };
    // The wait is listening by now; the ticket comes after it began.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the wait answered before any ticket existed"
    );
    assert_eq!(post_ticket(&server).await.status, 201);

    let reply = waiting.await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let tickets = reply.json();
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    assert_eq!(tickets[0]["email"], "nora@example.com");
}

#[tokio::test]
async fn a_wait_that_is_not_satisfied_answers_408_with_what_it_saw() {
    let server = Api::start().await;
    assert_eq!(post_ticket(&server).await.status, 201);
    let reply = control_get(&server, "/_freshmock/tickets?wait=300ms&count=2").await;
    assert_eq!(reply.status, 408);
    assert_eq!(reply.code(), "wait_timeout");
    assert_eq!(reply.json()["seen"].as_array().unwrap().len(), 1);
    assert!(reply.reason().contains("saw 1"), "{}", reply.reason());
}

#[tokio::test]
async fn a_wait_already_satisfied_answers_at_once_and_waits_are_bounded() {
    let server = Api::start().await;
    assert_eq!(post_ticket(&server).await.status, 201);
    let reply = control_get(&server, "/_freshmock/tickets?wait=30s").await;
    assert_eq!(reply.status, 200);
    let too_long = control_get(&server, "/_freshmock/tickets?wait=31s").await;
    assert_eq!(too_long.status, 400);
    assert_eq!(too_long.code(), "invalid_query");
    let nonsense = control_get(&server, "/_freshmock/tickets?wait=soon").await;
    assert_eq!(nonsense.status, 400);
}

#[tokio::test]
async fn requests_can_be_awaited_by_route_and_read_after_a_cursor() {
    let server = Api::start().await;
    server.get("/api/widget/ticket_fields").await;
    let log = server.inspect("requests").await;
    let cursor = log["entries"][0]["id"].as_u64().unwrap();

    let waiting = tokio::spawn(fetch(server.bare(
        Method::GET,
        &format!("/_freshmock/requests?route=widget.search&since={cursor}&wait=20s&count=2"),
    )));
    tokio::time::sleep(Duration::from_millis(200)).await;
    server
        .get("/api/widget/search/solutions?term=password")
        .await;
    server
        .get("/api/widget/search/solutions?term=invoice")
        .await;
    let reply = waiting.await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let entries = reply.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["id"].as_u64().unwrap() > cursor));

    let count = server
        .inspect(&format!("requests/count?since={cursor}"))
        .await;
    assert_eq!(count, json!({ "count": 2 }));
    let searches = server.inspect("requests/count?route=widget.search").await;
    assert_eq!(searches, json!({ "count": 2 }));
}

#[tokio::test]
async fn votes_can_be_awaited() {
    let server = Api::start().await;
    let before = server.inspect("votes?article=1101").await;
    let seen = before["helpful"]["anonymous"].as_u64().unwrap()
        + before["not_helpful"]["anonymous"].as_u64().unwrap();
    let waiting = tokio::spawn(fetch(server.bare(
        Method::GET,
        &format!("/_freshmock/votes?article=1101&wait=20s&count={}", seen + 1),
    )));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let vote = fetch(server.widget(
        Method::PUT,
        "/api/widget/solutions/article/1101/thumbs_up",
        WIDGET,
        "waits",
    ))
    .await;
    assert_eq!(vote.status, 204);
    let reply = waiting.await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json()["helpful"]["anonymous"].as_u64().unwrap(),
        before["helpful"]["anonymous"].as_u64().unwrap() + 1
    );
}

/// A ticket with this subject and description, from Nora.
async fn post_ticket_about(server: &Api, subject: &str, description: &str) -> u64 {
    let reply = fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "waits")
            .json(&json!({
                "email": "nora@example.com",
                "subject": subject,
                "description": description,
                "g-recaptcha-response": "any-answer",
            })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

#[tokio::test]
async fn tickets_are_awaited_by_subject_and_text_and_read_after_a_cursor() {
    let server = Api::start().await;
    let first = post_ticket_about(&server, "Order #1 never came", "Where is it?").await;
    let waiting = tokio::spawn(fetch(
        server.bare(Method::GET, "/_freshmock/tickets?subject=refund&wait=20s"),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    post_ticket_about(&server, "Another question", "Nothing to do with money.").await;
    assert!(
        !waiting.is_finished(),
        "a ticket of another subject ended the wait"
    );
    post_ticket_about(&server, "Please REFUND order #2", "The kettle leaks.").await;
    let reply = waiting.await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let found = reply.json();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["subject"], "Please REFUND order #2");

    let text = server.inspect("tickets?text=kettle%20LEAKS").await;
    assert_eq!(text.as_array().unwrap().len(), 1, "{text}");
    let after = server.inspect(&format!("tickets?since={first}")).await;
    assert_eq!(after.as_array().unwrap().len(), 2, "{after}");
    let none = server
        .inspect("tickets?email=nora@example.com&subject=refund&text=where")
        .await;
    assert_eq!(none, json!([]));
    let two = control_get(&server, "/_freshmock/tickets?subject=order&count=2&wait=1s").await;
    assert_eq!(two.status, 200, "{}", two.body);
}

#[tokio::test]
async fn refused_tokens_and_unmatched_paths_have_their_own_view_of_the_log() {
    let server = Api::start().await;
    server
        .get("/api/widget/search/solutions?term=password")
        .await;
    let refused = server
        .get_with_token("not.a.token", "/api/widget/search/solutions?term=x")
        .await;
    assert_eq!(refused.status, 401);
    let unmatched = server.get("/api/widget/nothing-here").await;
    assert_eq!(unmatched.status, 404);

    let log = server.inspect("requests?outcome=refused").await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["token"], "refused");
    assert!(entries[0]["reason"].as_str().unwrap().contains("header"));
    assert_eq!(
        server.inspect("requests/count?token=refused").await,
        json!({ "count": 1 })
    );
    let paths = |v: Value| -> Vec<String> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        paths(server.inspect("requests?outcome=unmatched").await),
        ["/api/widget/nothing-here"]
    );
    assert_eq!(
        paths(server.inspect("requests?outcome=failed").await).len(),
        2
    );
    assert_eq!(
        paths(server.inspect("requests?outcome=ok").await),
        ["/api/widget/search/solutions"]
    );
    let bad = control_get(&server, "/_freshmock/requests?outcome=broken").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.code(), "invalid_query");
    let bad = control_get(&server, "/_freshmock/requests/count?token=maybe").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.code(), "invalid_query");
}
