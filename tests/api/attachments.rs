//! `POST /api/widget/attachments`: the one `content` part, its errors and the 20 MB limit.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{
    fetch, multipart, multipart_type, token, Api, Reply, BARE_WIDGET, LOGIN_WIDGET, WIDGET,
};

const PATH: &str = "/api/widget/attachments";

async fn send(widget_id: &str, body: Vec<u8>, auth: Option<&str>) -> Reply {
    let server = Api::start().await;
    let mut request = server
        .widget(Method::POST, PATH, widget_id, "client-1")
        .header("Content-Type", multipart_type())
        .body(body);
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    fetch(request).await
}

#[tokio::test]
async fn attachment_upload_answers_200_with_the_drafts_id() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", multipart_type())
            .body(multipart(&[("content", Some("hello.txt"), b"hello world")])),
    )
    .await;
    assert_eq!(reply.status, 200);
    let id = reply.json()["id"].as_u64().unwrap();
    let stored = &server.attachments().await[0];
    assert_eq!(
        (&stored["id"], &stored["size"], &stored["name"]),
        (&json!(id), &json!(11), &json!("hello.txt"))
    );
    assert_eq!(
        (&stored["client_id"], &stored["ticket_id"]),
        (&json!("client-1"), &Value::Null)
    );
    assert_eq!(server.attachment_content(id).await.unwrap(), b"hello world");
}

#[tokio::test]
async fn attachment_with_another_part_is_invalid_field() {
    let reply = send(
        WIDGET,
        multipart(&[("content", Some("a.txt"), b"a"), ("caption", None, b"b")]),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_field"]);
    assert_eq!(reply.fields(), ["caption"]);
}

#[tokio::test]
async fn attachment_without_a_content_part_is_missing_field() {
    let reply = send(WIDGET, multipart(&[]), None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["missing_field"]);
    assert_eq!(reply.fields(), ["content"]);
}

#[tokio::test]
async fn attachment_over_20_mb_is_invalid_size() {
    let big = vec![b'x'; 21 * 1024 * 1024];
    let reply = send(
        WIDGET,
        multipart(&[("content", Some("big.bin"), &big)]),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_size"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "Total attachment(s) size is 21 MB, it should not exceed 20 MB"
    );
}

#[tokio::test]
async fn attachment_of_exactly_20_mb_is_accepted() {
    let limit = vec![b'x'; 20 * 1024 * 1024];
    let reply = send(
        WIDGET,
        multipart(&[("content", Some("big.bin"), &limit)]),
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn attachment_on_a_widget_without_contact_form_is_contact_form_not_enabled() {
    let reply = send(
        BARE_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["contact_form_not_enabled"]);
}

#[tokio::test]
async fn attachment_on_a_login_only_form_needs_a_token() {
    let reply = send(
        LOGIN_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["x_widget_auth_required"]);
    let alice = token("Alice Anders", "alice@globex.test");
    let reply = send(
        LOGIN_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        Some(&alice),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn attachment_sent_as_json_is_415() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.codes(), ["invalid_content_type"]);
}

#[tokio::test]
async fn attachment_sent_as_json_gets_freshdesks_fixed_wording() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.code(), "invalid_content_type");
    // Freshdesk's message names only the type received; the expected one is always JSON.
    assert_eq!(
        reply.json()["message"],
        "Content-Type header is set to application/json. It should be set to application/json"
    );
    assert!(
        reply.reason().contains("multipart/form-data"),
        "{}",
        reply.reason()
    );
}

#[tokio::test]
async fn attachment_without_widget_headers_is_refused_first() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .bare(Method::POST, PATH)
            .header("Content-Type", multipart_type())
            .body(multipart(&[("content", Some("a"), b"a")])),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["widget_id_not_given"]);
}

#[tokio::test]
async fn attachment_content_that_is_not_a_file_is_datatype_mismatch() {
    let reply = send(WIDGET, multipart(&[("content", None, b"XYZ")]), None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "Value set is of type String.It should be a/an valid file format"
    );
}

#[tokio::test]
async fn attachment_validation_errors_come_before_contact_form_not_enabled() {
    let reply = send(BARE_WIDGET, multipart(&[]), None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["missing_field"]);
    let reply = send(
        BARE_WIDGET,
        multipart(&[("content", Some("a"), b"a"), ("user_id", None, b"1")]),
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_field"]);
}

#[tokio::test]
async fn attachment_on_an_account_without_the_help_widget_feature_is_require_feature() {
    let mut fixtures = crate::support::bundled();
    fixtures.account.features.help_widget = false;
    let server = Api::start_with(fixtures).await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", multipart_type())
            .body(multipart(&[("content", Some("a"), b"a")])),
    )
    .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["require_feature"]);
}
