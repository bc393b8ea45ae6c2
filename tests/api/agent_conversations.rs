//! A ticket's conversations through the agent REST API v2 (`/api/v2/tickets/:id/conversations`,
//! `/reply`, `/notes`, `/api/v2/conversations/:id`): Freshdesk's keys per call, its checks
//! and codes, which conversations may be edited, paging, roles, the ticket's `updated_at`
//! and `include=conversations`, snapshots and resets; and the ticket findings of the
//! audit's second wave (docs/src/agent-api/audit.md, "Tickets (wave 2)").

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{agent_ticket, fetch, keys, Api, Reply, ADMIN_KEY, AGENT_KEY, EDITOR_KEY};

const TICKETS: &str = "/api/v2/tickets";

async fn ticket(server: &Api, extra: Value) -> Value {
    let reply = server
        .agent_send(Method::POST, TICKETS, ADMIN_KEY, agent_ticket(extra))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

async fn ticket_id(server: &Api) -> u64 {
    ticket(server, json!({})).await["id"].as_u64().unwrap()
}

async fn post(server: &Api, id: u64, what: &str, body: Value) -> Reply {
    server
        .agent_send(
            Method::POST,
            &format!("{TICKETS}/{id}/{what}"),
            ADMIN_KEY,
            body,
        )
        .await
}

async fn added(server: &Api, id: u64, what: &str, body: Value) -> Value {
    let reply = post(server, id, what, body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

async fn listed(server: &Api, id: u64) -> Value {
    let reply = server
        .agent_get(&format!("{TICKETS}/{id}/conversations"), ADMIN_KEY)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn replies_and_notes_are_listed_oldest_first_and_the_description_is_not_one() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    assert_eq!(listed(&server, id).await, json!([]));

    let reply = added(
        &server,
        id,
        "reply",
        json!({ "body": "<p>On our way.</p>" }),
    )
    .await;
    server
        .control(Method::POST, "clock/advance", json!({ "seconds": 60 }))
        .await;
    let note = added(
        &server,
        id,
        "notes",
        json!({ "body": "Bring an extinguisher" }),
    )
    .await;

    let list = listed(&server, id).await;
    let list = list.as_array().unwrap();
    assert_eq!(
        list.iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
        vec![reply["id"].clone(), note["id"].clone()]
    );
    // Freshdesk's ticket_conversations view, key for key.
    assert_eq!(
        keys(&list[0]),
        vec![
            "attachments",
            "bcc_emails",
            "body",
            "body_text",
            "cc_emails",
            "created_at",
            "from_email",
            "id",
            "incoming",
            "private",
            "source",
            "support_email",
            "ticket_id",
            "to_emails",
            "updated_at",
            "user_id",
        ]
    );
    assert_eq!(list[0]["source"], 0, "a reply");
    assert_eq!(list[0]["private"], false);
    assert_eq!(list[0]["body_text"], "On our way.");
    assert_eq!(list[0]["to_emails"], json!(["nora@example.com"]));
    assert_eq!(list[0]["from_email"], "support@acme.freshdesk.com");
    assert_eq!(list[1]["source"], 2, "a note");
    assert_eq!(list[1]["private"], true, "a note is private unless it says");
    assert_eq!(list[1]["ticket_id"], id);
}

#[tokio::test]
async fn a_reply_and_a_note_answer_201_with_their_own_keys_and_move_the_tickets_updated_at() {
    let server = Api::start().await;
    let made = ticket(&server, json!({})).await;
    let id = made["id"].as_u64().unwrap();
    server
        .control(Method::POST, "clock/advance", json!({ "seconds": 3600 }))
        .await;
    let reply = post(
        &server,
        id,
        "reply",
        json!({ "body": "Hello", "cc_emails": ["boss@example.com"], "bcc_emails": ["audit@example.com"] }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let body = reply.json();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v2/conversations/{}", body["id"]).as_str())
    );
    assert_eq!(
        keys(&body),
        vec![
            "attachments",
            "bcc_emails",
            "body",
            "body_text",
            "cc_emails",
            "created_at",
            "from_email",
            "id",
            "source_additional_info",
            "ticket_id",
            "to_emails",
            "updated_at",
            "user_id",
        ]
    );
    assert_eq!(body["cc_emails"], json!(["boss@example.com"]));
    let me = server
        .agent_get("/api/v2/agents/me", ADMIN_KEY)
        .await
        .json();
    assert_eq!(body["user_id"], me["id"], "written by the caller");

    let after = server
        .agent_get(&format!("{TICKETS}/{id}"), ADMIN_KEY)
        .await
        .json();
    assert_ne!(after["updated_at"], made["updated_at"]);
    assert_eq!(after["updated_at"], body["created_at"]);

    let note = added(
        &server,
        id,
        "notes",
        json!({ "body": "FYI", "private": false, "incoming": true, "notify_emails": ["stan@acme.test"] }),
    )
    .await;
    assert_eq!(
        keys(&note),
        vec![
            "attachments",
            "body",
            "body_text",
            "created_at",
            "id",
            "incoming",
            "private",
            "support_email",
            "ticket_id",
            "to_emails",
            "updated_at",
            "user_id",
        ]
    );
    assert_eq!(
        (note["private"].clone(), note["incoming"].clone()),
        (json!(false), json!(true))
    );
}

#[tokio::test]
async fn conversation_bodies_are_checked_as_freshdesk_checks_them() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    let refused = post(
        &server,
        id,
        "reply",
        json!({ "private": true, "cc_emails": ["no"] }),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        refused.field_codes(),
        pairs(&[
            ("body", "missing_field"),
            ("cc_emails", "invalid_value"),
            ("private", "invalid_field"),
        ])
    );
    let refused = post(
        &server,
        id,
        "notes",
        json!({ "body": 5, "private": "yes", "user_id": 999_999, "from_email": "x@y.test" }),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.field_codes(),
        pairs(&[
            ("body", "datatype_mismatch"),
            ("from_email", "invalid_field"),
            ("private", "datatype_mismatch"),
            ("user_id", "invalid_value"),
        ])
    );
    let refused = post(
        &server,
        id,
        "reply",
        json!({ "body": "x", "from_email": "me@elsewhere.test" }),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.field_codes(),
        pairs(&[("from_email", "invalid_value")])
    );
    assert!(!refused.reason().is_empty());
    let blank = post(&server, id, "notes", json!({ "body": "  " })).await;
    assert_eq!(blank.field_codes(), pairs(&[("body", "invalid_value")]));
    let not_json = fetch(
        server
            .agent(Method::POST, &format!("{TICKETS}/{id}/notes"), ADMIN_KEY)
            .body("body=x"),
    )
    .await;
    assert_eq!(not_json.status, 415);
    assert!(listed(&server, id).await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_ticket_that_does_not_exist_has_no_conversations() {
    let server = Api::start().await;
    for reply in [
        server
            .agent_get(&format!("{TICKETS}/77/conversations"), ADMIN_KEY)
            .await,
        post(&server, 77, "reply", json!({ "body": "x" })).await,
        post(&server, 77, "notes", json!({ "body": "x" })).await,
        server
            .agent_send(
                Method::PUT,
                "/api/v2/conversations/5",
                ADMIN_KEY,
                json!({ "body": "x" }),
            )
            .await,
        fetch(server.agent(Method::DELETE, "/api/v2/conversations/5", ADMIN_KEY)).await,
    ] {
        assert_eq!(reply.status, 404, "{}", reply.body);
        assert!(!reply.reason().is_empty());
    }
}

#[tokio::test]
async fn only_notes_agents_wrote_can_be_edited_and_a_customers_note_not_deleted() {
    let server = Api::start().await;
    let made = ticket(&server, json!({})).await;
    let id = made["id"].as_u64().unwrap();
    let note = added(&server, id, "notes", json!({ "body": "<b>first</b>" })).await;
    let reply = added(&server, id, "reply", json!({ "body": "hi" })).await;
    let customers = added(
        &server,
        id,
        "notes",
        json!({ "body": "from the customer", "user_id": made["requester_id"], "incoming": true }),
    )
    .await;
    let put = |cid: &Value, body: Value| {
        let path = format!("/api/v2/conversations/{cid}");
        let server = &server;
        async move { server.agent_send(Method::PUT, &path, ADMIN_KEY, body).await }
    };

    let edited = put(&note["id"], json!({ "body": "<i>second</i>" })).await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.json()["body_text"], "second");
    assert_eq!(edited.json()["private"], true);
    let unknown = put(&note["id"], json!({ "private": false })).await;
    assert_eq!(
        unknown.field_codes(),
        pairs(&[("private", "invalid_field")])
    );

    let on_reply = put(&reply["id"], json!({ "body": "changed" })).await;
    assert_eq!(on_reply.status, 405, "{}", on_reply.body);
    assert_eq!(on_reply.header("allow"), Some("DELETE"));
    let on_customers = put(&customers["id"], json!({ "body": "changed" })).await;
    assert_eq!(on_customers.status, 403);
    assert_eq!(on_customers.json()["code"], "access_denied");
    let delete_customers = fetch(server.agent(
        Method::DELETE,
        &format!("/api/v2/conversations/{}", customers["id"]),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(delete_customers.status, 403);

    let deleted = fetch(server.agent(
        Method::DELETE,
        &format!("/api/v2/conversations/{}", reply["id"]),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(deleted.status, 204);
    let left: Vec<Value> = listed(&server, id)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(left, vec![note["id"].clone(), customers["id"].clone()]);
}

#[tokio::test]
async fn conversations_are_paged_with_a_link_to_the_next_page() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    for n in 0..3 {
        added(&server, id, "notes", json!({ "body": format!("note {n}") })).await;
    }
    let first = server
        .agent_get(
            &format!("{TICKETS}/{id}/conversations?per_page=2"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(first.json().as_array().unwrap().len(), 2);
    let link = first.header("link").expect("a Link to page 2");
    assert!(
        link.contains("page=2") && link.contains("per_page=2"),
        "{link}"
    );
    let last = server
        .agent_get(
            &format!("{TICKETS}/{id}/conversations?per_page=2&page=2"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(last.json().as_array().unwrap().len(), 1);
    assert!(last.header("link").is_none());
    let bad = server
        .agent_get(
            &format!("{TICKETS}/{id}/conversations?order_by=id"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(bad.field_codes(), pairs(&[("order_by", "invalid_field")]));
}

#[tokio::test]
async fn an_agent_whose_role_does_not_manage_tickets_is_refused() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    for reply in [
        server
            .agent_get(&format!("{TICKETS}/{id}/conversations"), EDITOR_KEY)
            .await,
        server
            .agent_send(
                Method::POST,
                &format!("{TICKETS}/{id}/notes"),
                EDITOR_KEY,
                json!({ "body": "x" }),
            )
            .await,
    ] {
        assert_eq!(reply.status, 403, "{}", reply.body);
        assert_eq!(reply.json()["code"], "access_denied");
    }
    let agent = server
        .agent_send(
            Method::POST,
            &format!("{TICKETS}/{id}/notes"),
            AGENT_KEY,
            json!({ "body": "x" }),
        )
        .await;
    assert_eq!(agent.status, 201, "{}", agent.body);
}

#[tokio::test]
async fn wrong_methods_on_conversation_paths_answer_405_with_allow() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    for (method, path, allow) in [
        (
            Method::GET,
            "/api/v2/conversations/1".to_owned(),
            "PUT, DELETE",
        ),
        (Method::GET, format!("{TICKETS}/{id}/reply"), "POST"),
        (Method::PUT, format!("{TICKETS}/{id}/notes"), "POST"),
        (Method::POST, format!("{TICKETS}/{id}/conversations"), "GET"),
    ] {
        let reply = fetch(server.agent(method.clone(), &path, ADMIN_KEY)).await;
        assert_eq!(reply.status, 405, "{method} {path}: {}", reply.body);
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn include_conversations_side_loads_the_first_ten() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    let mut made = Vec::new();
    for n in 0..12 {
        made.push(
            added(&server, id, "notes", json!({ "body": format!("note {n}") })).await["id"].clone(),
        );
    }
    let shown = server
        .agent_get(&format!("{TICKETS}/{id}?include=conversations"), ADMIN_KEY)
        .await
        .json();
    let ids: Vec<Value> = shown["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, made[..10].to_vec());
    assert!(shown["conversations"][0]["body_text"].is_string());
}

#[tokio::test]
async fn conversations_go_with_a_reset_and_come_back_with_a_snapshot() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    added(&server, id, "notes", json!({ "body": "kept" })).await;
    let before = listed(&server, id).await;
    let control = server.inspect(&format!("tickets/{id}")).await;
    assert_eq!(
        control["conversations"], before,
        "the control plane's ticket read"
    );
    let snapshot = server.inspect("state").await;
    assert!(
        snapshot["tables"]["conversations"]["rows"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );

    server.control(Method::POST, "reset", json!({})).await;
    let id_again = ticket_id(&server).await;
    assert_eq!(id_again, id);
    assert_eq!(
        listed(&server, id).await,
        json!([]),
        "a reset forgets conversations"
    );

    let restored = fetch(
        server
            .bare(Method::PUT, "/_freshmock/state")
            .header("Content-Type", "application/json")
            .body(snapshot.to_string()),
    )
    .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(listed(&server, id).await, before);
}

// The audit's second wave: the ticket findings.

#[tokio::test]
async fn a_ticket_shows_source_additional_info_and_associated_tickets_count_and_no_support_email() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    let shown = server
        .agent_get(&format!("{TICKETS}/{id}"), ADMIN_KEY)
        .await
        .json();
    for key in ["source_additional_info", "associated_tickets_count"] {
        assert!(shown.get(key).is_some_and(Value::is_null), "{key}: {shown}");
    }
    assert!(shown.get("support_email").is_none(), "{shown}");
    let listed = server.agent_get(TICKETS, ADMIN_KEY).await.json();
    assert!(listed[0].get("support_email").is_none());
    assert!(
        listed[0].get("source_additional_info").is_none(),
        "show only"
    );
}

#[tokio::test]
async fn company_and_sla_policy_are_side_loads_of_the_show_only() {
    let server = Api::start().await;
    let id = ticket_id(&server).await;
    let shown = server
        .agent_get(
            &format!("{TICKETS}/{id}?include=sla_policy,company"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(shown["sla_policy"]["is_default"], true);
    assert!(shown["sla_policy"]["sla_target"]["priority_4"]["respond_within"].is_number());
    assert!(shown.get("company").is_some());
    for include in ["company", "sla_policy"] {
        let refused = server
            .agent_get(&format!("{TICKETS}?include={include}"), ADMIN_KEY)
            .await;
        assert_eq!(refused.status, 400, "{include}: {}", refused.body);
        assert_eq!(
            refused.field_codes(),
            pairs(&[("include", "invalid_value")])
        );
    }
}

#[tokio::test]
async fn tickets_order_by_priority_with_equal_priorities_by_id() {
    let server = Api::start().await;
    let mut made = Vec::new();
    for priority in [2, 4, 2, 1, 4] {
        made.push(
            ticket(&server, json!({ "priority": priority })).await["id"]
                .as_u64()
                .unwrap(),
        );
    }
    let asc = server
        .agent_get(
            &format!("{TICKETS}?order_by=priority&order_type=asc"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(asc.status, 200, "{}", asc.body);
    assert_eq!(asc.ids(), vec![made[3], made[0], made[2], made[1], made[4]]);
    let desc = server
        .agent_get(&format!("{TICKETS}?order_by=priority"), ADMIN_KEY)
        .await;
    assert_eq!(
        desc.ids(),
        vec![made[4], made[1], made[2], made[0], made[3]]
    );
    // Paging one by one by updated_at sees every ticket once.
    let mut paged = Vec::new();
    for page in 1..=5 {
        paged.extend(
            server
                .agent_get(
                    &format!("{TICKETS}?order_by=updated_at&order_type=asc&per_page=1&page={page}"),
                    ADMIN_KEY,
                )
                .await
                .ids(),
        );
    }
    assert_eq!(paged, made);
}

#[tokio::test]
async fn ticket_fields_take_paging_and_name_the_default_fields_as_the_agent_api_does() {
    let server = Api::start().await;
    let reply = server
        .agent_get("/api/v2/ticket_fields?page=1&per_page=100", EDITOR_KEY)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let fields = reply.json();
    let names: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in [
        "requester",
        "ticket_type",
        "source",
        "group",
        "agent",
        "company",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for widget_name in ["email", "type"] {
        assert!(!names.contains(&widget_name), "{widget_name} in {names:?}");
    }
    let requester = &fields[0];
    assert_eq!(requester["name"], "requester");
    assert_eq!(requester["portal_cc"], false);
    assert_eq!(requester["portal_cc_to"], "company");
    let sources = server
        .agent_get("/api/v2/ticket_fields?type=default_source", EDITOR_KEY)
        .await
        .json();
    assert_eq!(sources[0]["choices"]["Portal"], 2);
    let bad = server
        .agent_get("/api/v2/ticket_fields?page=0", EDITOR_KEY)
        .await;
    assert_eq!(bad.field_codes(), pairs(&[("page", "invalid_value")]));
    // The widget's form keeps its own names.
    let widget = fetch(server.widget(
        Method::GET,
        "/api/widget/ticket_fields",
        crate::support::WIDGET,
        "c",
    ))
    .await;
    assert!(
        widget.body.contains("\"name\":\"email\""),
        "{}",
        widget.body
    );
}
