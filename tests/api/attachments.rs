//! `POST /api/widget/attachments`: the one `content` part, its errors and the 20 MB limit.

use reqwest::Method;

use crate::support::{
    self, answer, codes, fields, multipart, multipart_type, token, widget, BARE_WIDGET,
    LOGIN_WIDGET, WIDGET,
};

const PATH: &str = "/api/widget/attachments";

async fn send(widget_id: &str, body: Vec<u8>, auth: Option<&str>) -> (u16, serde_json::Value) {
    let server = support::server().await;
    let mut request = widget(&server, Method::POST, PATH, widget_id, "client-1")
        .header("Content-Type", multipart_type())
        .body(body);
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    answer(request.send().await.unwrap()).await
}

#[tokio::test]
async fn attachment_upload_answers_200_with_the_drafts_id() {
    let server = support::server().await;
    let response = widget(&server, Method::POST, PATH, WIDGET, "client-1")
        .header("Content-Type", multipart_type())
        .body(multipart(&[("content", Some("hello.txt"), b"hello world")]))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 200);
    let id = body["id"].as_u64().unwrap();
    let stored = &server.state().attachments().unwrap()[0];
    assert_eq!(
        (stored.id, stored.size, stored.name.as_str()),
        (id, 11, "hello.txt")
    );
    assert_eq!(
        (stored.client_id.as_str(), stored.ticket_id),
        ("client-1", None)
    );
    assert_eq!(
        server
            .state()
            .store()
            .attachment_content(id)
            .unwrap()
            .unwrap(),
        b"hello world"
    );
}

#[tokio::test]
async fn attachment_with_another_part_is_invalid_field() {
    let (status, body) = send(
        WIDGET,
        multipart(&[("content", Some("a.txt"), b"a"), ("caption", None, b"b")]),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["invalid_field"]);
    assert_eq!(fields(&body), ["caption"]);
}

#[tokio::test]
async fn attachment_without_a_content_part_is_missing_field() {
    let (status, body) = send(WIDGET, multipart(&[]), None).await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["missing_field"]);
    assert_eq!(fields(&body), ["content"]);
}

#[tokio::test]
async fn attachment_over_20_mb_is_invalid_size() {
    let big = vec![b'x'; 21 * 1024 * 1024];
    let (status, body) = send(
        WIDGET,
        multipart(&[("content", Some("big.bin"), &big)]),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["invalid_size"]);
    assert_eq!(
        body["errors"][0]["message"],
        "Total attachment(s) size is 21 MB, it should not exceed 20 MB"
    );
}

#[tokio::test]
async fn attachment_of_exactly_20_mb_is_accepted() {
    let limit = vec![b'x'; 20 * 1024 * 1024];
    let (status, _) = send(
        WIDGET,
        multipart(&[("content", Some("big.bin"), &limit)]),
        None,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn attachment_on_a_widget_without_contact_form_is_contact_form_not_enabled() {
    let (status, body) = send(
        BARE_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["contact_form_not_enabled"]);
}

#[tokio::test]
async fn attachment_on_a_login_only_form_needs_a_token() {
    let (status, body) = send(
        LOGIN_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["x_widget_auth_required"]);
    let alice = token("Alice Anders", "alice@globex.test");
    let (status, _) = send(
        LOGIN_WIDGET,
        multipart(&[("content", Some("a"), b"a")]),
        Some(&alice),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn attachment_sent_as_json_is_415() {
    let server = support::server().await;
    let response = widget(&server, Method::POST, PATH, WIDGET, "client-1")
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 415);
    assert_eq!(codes(&body), ["invalid_content_type"]);
}

#[tokio::test]
async fn attachment_without_widget_headers_is_refused_first() {
    let server = support::server().await;
    let response = reqwest::Client::new()
        .post(format!("{}{PATH}", server.uri()))
        .header("Content-Type", multipart_type())
        .body(multipart(&[("content", Some("a"), b"a")]))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 400);
    assert_eq!(codes(&body), ["widget_id_not_given"]);
}
