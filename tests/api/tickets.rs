//! `POST /api/widget/tickets`: every check of the spec's order, and what is stored.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{
    bundled, fetch, main_widget, multipart, multipart_type, pinned, token, Api, Reply, BARE_WIDGET,
    LOGIN_WIDGET, WIDGET,
};

const PATH: &str = "/api/widget/tickets";

async fn post(server: &Api, widget_id: &str, auth: Option<&str>, body: Value) -> Reply {
    post_as(server, widget_id, "client-1", auth, body).await
}

async fn post_as(
    server: &Api,
    widget_id: &str,
    client: &str,
    auth: Option<&str>,
    body: Value,
) -> Reply {
    let mut request = server
        .widget(Method::POST, PATH, widget_id, client)
        .json(&body);
    if let Some(auth) = auth {
        request = request.header("X-Widget-Auth", auth);
    }
    fetch(request).await
}

/// A simple-form ticket that passes every check.
fn simple(extra: Value) -> Value {
    let mut body = json!({
        "email": "nora@example.com",
        "description": "It broke.\nTwice.",
        "g-recaptcha-response": "any-answer",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn alice() -> String {
    token("Alice Anders", "alice@globex.test")
}

#[tokio::test]
async fn simple_form_ticket_is_created_with_201_and_increasing_numbers() {
    let server = Api::start().await;
    let first = post(&server, WIDGET, None, simple(json!({}))).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let second = post(&server, WIDGET, None, simple(json!({}))).await;
    assert_eq!(first.json(), json!({ "id": 1 }));
    assert_eq!(second.json(), json!({ "id": 2 }));
}

#[tokio::test]
async fn ticket_is_stored_with_source_9_the_widgets_product_html_description_and_meta() {
    let server = Api::start().await;
    let meta = json!({ "user_agent": "Firefox", "referrer": "https://acme.test/pricing", "seen_articles": [1101] });
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "subject": "Help", "meta": meta, "tags": ["a"], "priority": 3 })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let tickets = server.inspect("tickets?email=NORA@example.com").await;
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    let t = &tickets[0];
    assert_eq!(t["source"], 9);
    assert_eq!(t["description"], "<div>It broke.<br>Twice.</div>");
    // Freshdesk adds the widget the ticket came through (`X-Widget-Id`) as `widget_source`.
    let mut stored_meta = meta.clone();
    stored_meta["widget_source"] = json!(WIDGET);
    assert_eq!(t["meta"], stored_meta);
    assert_eq!(t["requester_id"], 1001);
    assert_eq!(t["priority"], 3);
    assert_eq!(t["status"], 2);
    assert_eq!(t["subject"], "Help");
    let product = main_widget(&mut bundled()).product_id;
    assert_eq!(t["product_id"], json!(product));
}

#[tokio::test]
async fn ticket_from_an_unknown_email_creates_a_contact() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "email": "newcomer@example.org", "name": "New Comer" })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let contacts = server.created_contacts().await;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["email"], "newcomer@example.org");
    assert_eq!(contacts[0]["name"], "New Comer");
    assert_eq!(contacts[0]["created_by"], "ticket");
    let ticket = &server.inspect("tickets").await[0];
    assert_eq!(ticket["requester_id"], contacts[0]["id"]);
}

#[tokio::test]
async fn ticket_on_a_widget_without_contact_form_or_predictive_support_is_not_allowed() {
    let server = Api::start().await;
    let reply = post(&server, BARE_WIDGET, None, simple(json!({}))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["ticket_creation_not_allowed"]);
}

#[tokio::test]
async fn ticket_on_a_login_only_form_without_a_token_needs_auth() {
    let server = Api::start().await;
    let reply = post(&server, LOGIN_WIDGET, None, simple(json!({}))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["x_widget_auth_required"]);
}

#[tokio::test]
async fn ticket_with_unexpected_keys_names_each_of_them() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "foo": 1, "status": 2 })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_field", "invalid_field"]);
    let mut names = reply.fields();
    names.sort();
    // reply.status is not customer-editable in the bundled ticket fields.
    assert_eq!(names, ["foo", "status"]);
}

#[tokio::test]
async fn ticket_with_an_unknown_custom_field_is_invalid_field() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "custom_fields": { "cf_nope": "x" } })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_field"]);
    assert_eq!(reply.fields(), ["cf_nope"]);
}

#[tokio::test]
async fn simple_form_ticket_without_email_and_description_is_missing_field() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        json!({ "subject": "Hi", "g-recaptcha-response": "x" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["missing_field", "missing_field"]);
    assert_eq!(reply.fields(), ["email", "description"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "It should not be blank as this is a mandatory field for help widget ticket"
    );
}

#[tokio::test]
async fn simple_form_ticket_with_blank_email_is_invalid_value() {
    let server = Api::start().await;
    let reply = post(&server, WIDGET, None, simple(json!({ "email": "  " }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(reply.fields(), ["email"]);
}

#[tokio::test]
async fn ticket_with_a_malformed_email_is_invalid_value() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "email": "not-an-email" })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "It should be in the 'valid email address' format"
    );
}

#[tokio::test]
async fn ticket_fields_form_requires_what_ticket_fields_json_requires() {
    let server = Api::start().await;
    let reply = post(
        &server,
        LOGIN_WIDGET,
        Some(&alice()),
        json!({ "subject": "no email, no description", "g-recaptcha-response": "x" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["missing_field", "missing_field"]);
    assert_eq!(reply.fields(), ["email", "description"]);
}

#[tokio::test]
async fn ticket_fields_form_accepts_a_ticket_without_the_optional_subject() {
    let server = Api::start().await;
    let reply = post(
        &server,
        LOGIN_WIDGET,
        Some(&alice()),
        json!({ "email": "alice@globex.test", "description": "d", "g-recaptcha-response": "x",
                "custom_fields": { "cf_product_area": "Billing", "cf_quantity": 3 } }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let t = &server.inspect("tickets").await[0];
    assert_eq!(t["custom_fields"]["cf_quantity"], 3);
}

#[tokio::test]
async fn ticket_with_a_number_as_subject_is_datatype_mismatch() {
    let server = Api::start().await;
    let reply = post(
        &server,
        LOGIN_WIDGET,
        Some(&alice()),
        json!({ "email": "alice@globex.test", "description": "d", "subject": 1, "g-recaptcha-response": "x" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(reply.fields(), ["subject"]);
}

#[tokio::test]
async fn ticket_with_a_custom_dropdown_value_outside_its_choices_is_invalid_value() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "custom_fields": { "cf_product_area": "Kitchen" } })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(reply.fields(), ["cf_product_area"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "It should be one of these values: 'Billing,Mobile app,Integrations,Reporting,Other'"
    );
}

#[tokio::test]
async fn logged_in_customers_email_replaces_a_foreign_email() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        Some(&alice()),
        simple(json!({ "email": "someone.else@example.com" })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let t = &server.inspect("tickets").await[0];
    assert_eq!(t["email"], "alice@globex.test");
    assert_eq!(t["requester_id"], 1002);
    assert!(server.created_contacts().await.is_empty());
}

#[tokio::test]
async fn logged_in_customer_may_file_under_a_secondary_email() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        Some(&alice()),
        simple(json!({ "email": "alice.anders@example.com" })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let t = &server.inspect("tickets").await[0];
    assert_eq!(
        (&t["email"], &t["requester_id"]),
        (&json!("alice.anders@example.com"), &json!(1002))
    );
}

#[tokio::test]
async fn ticket_without_a_captcha_answer_is_access_restricted() {
    let server = Api::start().await;
    let mut body = simple(json!({}));
    body.as_object_mut().unwrap().remove("g-recaptcha-response");
    let reply = post(&server, WIDGET, None, body).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["access_restricted"]);
}

#[tokio::test]
async fn ticket_with_the_failing_captcha_test_value_is_access_restricted() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "g-recaptcha-response": "freshmock-captcha-fail" })),
    )
    .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["access_restricted"]);
}

#[tokio::test]
async fn captcha_is_not_checked_when_turned_off() {
    let server = Api::on(pinned().captcha(false).start().await);
    let mut body = simple(json!({}));
    body.as_object_mut().unwrap().remove("g-recaptcha-response");
    let reply = post(&server, WIDGET, None, body).await;
    assert_eq!(reply.status, 201);
}

#[tokio::test]
async fn ticket_claims_its_attachment_drafts() {
    let server = Api::start().await;
    let id = server.upload(WIDGET, "client-1", None).await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "attachment_ids": [id] })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let t = &server.inspect("tickets").await[0];
    assert_eq!(t["attachment_ids"], json!([id]));
    assert_eq!(server.attachments().await[0]["ticket_id"], t["id"]);
    assert!(t["id"].is_u64());
}

#[tokio::test]
async fn ticket_with_another_clients_attachment_is_refused() {
    let server = Api::start().await;
    let id = server.upload(WIDGET, "client-1", None).await;
    let reply = post_as(
        &server,
        WIDGET,
        "client-2",
        None,
        simple(json!({ "attachment_ids": [id, 999] })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.fields(), ["attachment_ids"]);
    assert_eq!(
        reply.json()["errors"][0]["message"],
        format!("There are no records matching the ids: '{id}, 999'")
    );
    assert_eq!(server.inspect("tickets").await, json!([]));
}

#[tokio::test]
async fn ticket_with_another_widgets_attachment_is_refused() {
    let server = Api::start().await;
    let id = server
        .upload(LOGIN_WIDGET, "client-1", Some(&alice()))
        .await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "attachment_ids": [id] })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.fields(), ["attachment_ids"]);
}

#[tokio::test]
async fn an_attachment_on_a_ticket_is_no_longer_a_draft() {
    let server = Api::start().await;
    let id = server.upload(WIDGET, "client-1", None).await;
    let body = simple(json!({ "attachment_ids": [id] }));
    assert_eq!(post(&server, WIDGET, None, body.clone()).await.status, 201);
    let reply = post(&server, WIDGET, None, body).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.fields(), ["attachment_ids"]);
}

#[tokio::test]
async fn ticket_with_a_text_body_is_415() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "c")
            .header("Content-Type", "text/plain")
            .body("email=nora@example.com"),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.codes(), ["invalid_content_type"]);
    assert_eq!(
        reply.json()["message"],
        "Content-Type header is set to text/plain. It should be set to application/json"
    );
}

#[tokio::test]
async fn ticket_with_malformed_json_is_invalid_json() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "c")
            .header("Content-Type", "application/json")
            .body("{\"email\":"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_json"]);
}

#[tokio::test]
async fn ticket_sent_as_a_multipart_form_is_created() {
    let server = Api::start().await;
    let id = server.upload(WIDGET, "client-1", None).await;
    let id_text = id.to_string();
    let body = multipart(&[
        ("email", None, b"nora@example.com"),
        ("description", None, b"from a form"),
        ("g-recaptcha-response", None, b"ok"),
        ("priority", None, b"2"),
        ("attachment_ids[]", None, id_text.as_bytes()),
        ("custom_fields[cf_callback_requested]", None, b"true"),
    ]);
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", multipart_type())
            .body(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let t = &server.inspect("tickets").await[0];
    assert_eq!(
        (&t["priority"], &t["attachment_ids"]),
        (&json!(2), &json!([id]))
    );
    assert_eq!(t["custom_fields"]["cf_callback_requested"], true);
}

#[tokio::test]
async fn get_on_tickets_is_405() {
    let server = Api::start().await;
    let reply = fetch(server.widget(Method::GET, PATH, WIDGET, "c")).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.headers["allow"], "POST");
}

#[tokio::test]
async fn ticket_without_a_widget_id_is_refused_by_the_header_checks() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .bare(Method::POST, PATH)
            .header("X-Client-Id", "c")
            .json(&simple(json!({}))),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["widget_id_not_given"]);
}

#[tokio::test]
async fn ticket_with_a_malformed_cc_email_is_invalid_value() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "cc_emails": ["ok@example.com", "nope"] })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(reply.fields(), ["cc_emails"]);
}

#[tokio::test]
async fn ticket_with_attachment_ids_that_are_not_numbers_is_datatype_mismatch() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "attachment_ids": ["one"] })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(reply.fields(), ["attachment_ids"]);
}

#[tokio::test]
async fn ticket_body_over_5_mb_is_refused_without_being_kept() {
    let server = Api::start().await;
    let description = "x".repeat(6 * 1024 * 1024);
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "description": description })),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.codes(), ["request_too_large"]);
}

#[tokio::test]
async fn ticket_form_without_a_boundary_is_invalid_multipart() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "c")
            .header("Content-Type", "multipart/form-data")
            .body("x"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_multipart"]);
}

#[tokio::test]
async fn ticket_from_a_blocked_contact_is_invalid_user() {
    let server = Api::start().await;
    let blake = token("Blake Blocked", "blake@example.com");
    let reply = post(&server, WIDGET, Some(&blake), simple(json!({}))).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["invalid_user"]);
}

// Freshdesk fidelity, round 2 (issue 13).

/// A multipart ticket from the main widget.
async fn post_form(server: &Api, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
    fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("Content-Type", multipart_type())
            .body(multipart(parts)),
    )
    .await
}

/// The first error's message.
fn message(reply: &Reply) -> Value {
    reply.json()["errors"][0]["message"].clone()
}

#[tokio::test]
async fn ticket_priority_outside_its_choices_is_invalid_value_naming_them() {
    let server = Api::start().await;
    let reply = post(&server, WIDGET, None, simple(json!({ "priority": 9 }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(
        message(&reply),
        "It should be one of these values: '1,2,3,4'"
    );
}

#[tokio::test]
async fn ticket_priority_sent_as_a_string_names_the_allowed_values() {
    let server = Api::start().await;
    let reply = post(&server, WIDGET, None, simple(json!({ "priority": "3" }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(
        message(&reply),
        "Value set is of type String.It should be one of these values: '1,2,3,4'"
    );
    let reply = post(&server, WIDGET, None, simple(json!({ "priority": "high" }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(
        message(&reply),
        "It should be one of these values: '1,2,3,4'"
    );
}

#[tokio::test]
async fn ticket_type_mismatch_names_the_type_sent_with_freshdesks_spacing() {
    let server = Api::start().await;
    let reply = post(&server, WIDGET, None, simple(json!({ "subject": 1 }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(
        message(&reply),
        "Value set is of type Integer.It should be a/an String"
    );
    let reply = post(&server, WIDGET, None, simple(json!({ "tags": "a" }))).await;
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(
        message(&reply),
        "Value set is of type String.It should be a/an Array"
    );
}

#[tokio::test]
async fn ticket_subject_over_255_characters_is_invalid_value_as_freshdesk_says() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "subject": "é".repeat(256) })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
    assert_eq!(reply.fields(), ["subject"]);
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "subject": "é".repeat(255) })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn ticket_type_is_matched_in_any_case_and_stored_as_configured() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "type": "feature REQUEST" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        server.inspect("tickets").await[0]["type"],
        "Feature Request"
    );
    let reply = post(&server, WIDGET, None, simple(json!({ "type": "Praise" }))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_value"]);
}

#[tokio::test]
async fn custom_field_at_the_top_level_is_invalid_field() {
    let server = Api::start().await;
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "cf_product_area": "Billing" })),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_field"]);
    assert_eq!(reply.fields(), ["cf_product_area"]);
}

#[tokio::test]
async fn multipart_ticket_files_are_stored_and_linked_to_the_ticket() {
    let server = Api::start().await;
    let reply = post_form(
        &server,
        &[
            ("email", None, b"nora@example.com"),
            ("description", None, b"see the files"),
            ("g-recaptcha-response", None, b"ok"),
            ("attachments[]", Some("one.txt"), b"first"),
            ("attachments[]", Some("two.txt"), b"second file"),
        ],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let t = &server.inspect("tickets").await[0];
    let ids: Vec<u64> = t["attachment_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let stored = server.attachments().await;
    assert!(stored.iter().all(|a| a["ticket_id"] == t["id"]));
    assert_eq!(
        server.attachment_content(ids[1]).await.unwrap(),
        b"second file"
    );
}

#[tokio::test]
async fn multipart_ticket_with_attachments_as_text_is_datatype_mismatch() {
    let server = Api::start().await;
    let reply = post_form(
        &server,
        &[
            ("email", None, b"nora@example.com"),
            ("description", None, b"d"),
            ("g-recaptcha-response", None, b"ok"),
            ("attachments[]", None, b"not a file"),
        ],
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["datatype_mismatch"]);
    assert_eq!(reply.fields(), ["attachments"]);
}

#[tokio::test]
async fn ticket_meta_defaults_come_from_the_request_headers() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .widget(Method::POST, PATH, WIDGET, "client-1")
            .header("User-Agent", "Mozilla/5.0 (test)")
            .header("Referer", "https://acme.test/pricing")
            .json(&simple(
                json!({ "meta": { "referrer": "https://acme.test/given" } }),
            )),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        server.inspect("tickets").await[0]["meta"],
        json!({
            "user_agent": "Mozilla/5.0 (test)",
            "referrer": "https://acme.test/given",
            "widget_source": WIDGET,
        })
    );
}

#[tokio::test]
async fn ticket_meta_keeps_only_seen_articles_that_exist_and_are_published() {
    let server = Api::start().await;
    // 1103 is a draft; 999999 does not exist.
    let meta = json!({ "seen_articles": [1101, 1103, 999_999, "2101"] });
    let reply = post(&server, WIDGET, None, simple(json!({ "meta": meta }))).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let stored = &server.inspect("tickets").await[0]["meta"];
    assert_eq!(stored["seen_articles"], json!([1101, 2101]));
}

#[tokio::test]
async fn ticket_fields_form_without_description_gets_that_forms_message() {
    let server = Api::start().await;
    let reply = post(
        &server,
        LOGIN_WIDGET,
        Some(&alice()),
        json!({ "email": "alice@globex.test", "g-recaptcha-response": "x" }),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["missing_field"]);
    assert_eq!(reply.fields(), ["description"]);
    assert_eq!(message(&reply), "It should be a/an String");
}

#[tokio::test]
async fn predictive_only_widget_needs_neither_login_nor_captcha() {
    let mut fixtures = bundled();
    let widget = main_widget(&mut fixtures);
    widget.settings.components.contact_form = false;
    widget.settings.components.predictive_support = true;
    widget.settings.contact_form.require_login = true;
    widget.settings.contact_form.captcha = true;
    let server = Api::start_with(fixtures).await;
    let body = json!({ "email": "nora@example.com", "description": "d", "predictive": true });
    let reply = post(&server, WIDGET, None, body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn contact_form_ticket_still_needs_its_captcha_when_not_predictive() {
    let mut fixtures = bundled();
    main_widget(&mut fixtures)
        .settings
        .components
        .predictive_support = true;
    let server = Api::start_with(fixtures).await;
    let body = json!({ "email": "nora@example.com", "description": "d", "predictive": false });
    let reply = post(&server, WIDGET, None, body).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["access_restricted"]);
}

/// The bundled fixtures with a restricted help desk that admits `globex.test`.
fn restricted() -> freshmock::fixtures::FixtureSet {
    let mut fixtures = bundled();
    let features = &mut fixtures.account.features;
    features.restricted_helpdesk = true;
    features.helpdesk_permissible_domains = vec!["Globex.test".into()];
    fixtures
}

#[tokio::test]
async fn restricted_help_desk_refuses_requesters_outside_its_domains() {
    let server = Api::start_with(restricted()).await;
    let reply = post(&server, WIDGET, None, simple(json!({}))).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.codes(), ["invalid_requester"]);
    let reply = post(
        &server,
        WIDGET,
        None,
        simple(json!({ "email": "someone@globex.test" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn unrestricted_help_desk_takes_tickets_from_any_domain() {
    let mut fixtures = restricted();
    fixtures.account.features.restricted_helpdesk = false;
    let server = Api::start_with(fixtures).await;
    let reply = post(&server, WIDGET, None, simple(json!({}))).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn account_without_the_help_widget_feature_refuses_tickets() {
    let mut fixtures = bundled();
    fixtures.account.features.help_widget = false;
    let server = Api::start_with(fixtures).await;
    let reply = post(&server, WIDGET, None, simple(json!({}))).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["require_feature"]);
}
