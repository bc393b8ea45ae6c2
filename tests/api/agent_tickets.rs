//! Tickets through the agent REST API v2 (`/api/v2/tickets`, `/api/v2/search/tickets`,
//! `/api/v2/ticket_fields`): Freshdesk's shape, validation, paging, roles, soft deletes,
//! and the same tickets as the widget's contact form.

use freshmock::MockServer;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{
    agent_ticket, fetch, multipart, multipart_type, spawn, Api, Reply, ADMIN_KEY, AGENT_KEY,
    EDITOR_KEY, WIDGET,
};

const TICKETS: &str = "/api/v2/tickets";

async fn create(server: &Api, extra: Value) -> Reply {
    server
        .agent_send(Method::POST, TICKETS, ADMIN_KEY, agent_ticket(extra))
        .await
}

async fn create_id(server: &Api, extra: Value) -> u64 {
    let reply = create(server, extra).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

/// A ticket sent through the widget's contact form.
async fn widget_ticket(server: &Api, email: &str) -> u64 {
    let reply = fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "c")
            .json(&json!({ "email": email, "description": "From the widget", "g-recaptcha-response": "ok" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

fn sorted(mut fields: Vec<String>) -> Vec<String> {
    fields.sort();
    fields
}

#[tokio::test]
async fn a_ticket_sent_through_the_widget_is_listed_by_requester_email_with_source_9() {
    let server = Api::start().await;
    let id = widget_ticket(&server, "nora@example.com").await;
    widget_ticket(&server, "sam@example.com").await;

    let reply = server
        .agent_get("/api/v2/tickets?email=nora@example.com", ADMIN_KEY)
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.ids(), [id]);
    let t = &reply.json()[0];
    assert_eq!(t["source"], 9);
    assert_eq!(t["requester_id"], 1001);
    assert_eq!(t["status"], 2);
    assert_eq!(t["created_at"], "2026-01-01T00:00:00Z");
    assert!(
        t.get("description").is_none(),
        "lists leave descriptions out: {t}"
    );
    assert_eq!(
        reply.header("x-freshdesk-api-version"),
        Some("latest=v2; requested=v2")
    );
    assert!(reply.header("x-ratelimit-remaining").is_some());
    let shown = server
        .agent_get(&format!("{TICKETS}/{id}"), ADMIN_KEY)
        .await
        .json();
    assert_eq!(shown["description"], "<div>From the widget</div>");
    assert_eq!(shown["description_text"], "From the widget");
    assert_eq!(shown["attachments"], json!([]));
}

#[tokio::test]
async fn a_ticket_created_through_the_api_takes_the_next_number_and_freshdesks_shape() {
    let server = Api::start().await;
    widget_ticket(&server, "nora@example.com").await;

    let reply = create(
        &server,
        json!({ "tags": ["fire"], "priority": 4, "type": "Incident", "group_id": 7_000_000_001u64, "responder_id": 2002 }),
    )
    .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/api/v2/tickets/2"));
    let t = reply.json();
    assert_eq!(t["id"], 2);
    assert_eq!(t["source"], 2);
    assert_eq!(t["requester_id"], 1001);
    assert_eq!(t["responder_id"], 2002);
    assert_eq!(t["group_id"], 7_000_000_001u64);
    assert_eq!(t["tags"], json!(["fire"]));
    assert_eq!(t["description"], "<p>It is on fire.</p>");
    assert_eq!(t["description_text"], "It is on fire.");
    // Urgent: the first response within an hour, the resolution within four.
    assert_eq!(t["fr_due_by"], "2026-01-01T01:00:00Z");
    assert_eq!(t["due_by"], "2026-01-01T04:00:00Z");
    assert_eq!(t["is_escalated"], false);
    assert_eq!(t["custom_fields"], json!({}));
}

#[tokio::test]
async fn a_ticket_without_requester_subject_status_or_priority_names_every_missing_field() {
    let server = Api::start().await;
    let reply = server
        .agent_send(
            Method::POST,
            TICKETS,
            ADMIN_KEY,
            json!({ "description": "d" }),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.codes().iter().all(|c| c == "missing_field"));
    assert_eq!(
        sorted(reply.fields()),
        ["priority", "requester_id", "status", "subject"]
    );
}

#[tokio::test]
async fn wrong_types_and_values_are_refused_field_by_field() {
    let server = Api::start().await;
    let reply = create(
        &server,
        json!({
            "status": 9,
            "priority": "high",
            "email": "not an email",
            "type": "Complaint",
            "cc_emails": ["ok@example.com", "nope"],
            "due_by": "tomorrow",
            "custom_fields": { "cf_quantity": "three", "cf_nope": 1, "cf_product_area": "Kitchen sink" },
            "colour": "red",
        }),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let errors = reply.field_codes();
    for expected in [
        ("status", "invalid_value"),
        ("priority", "datatype_mismatch"),
        ("email", "invalid_value"),
        ("type", "invalid_value"),
        ("cc_emails", "invalid_value"),
        ("due_by", "invalid_value"),
        ("cf_quantity", "datatype_mismatch"),
        ("cf_nope", "invalid_field"),
        ("cf_product_area", "invalid_value"),
        ("colour", "invalid_field"),
    ] {
        assert!(
            errors.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {errors:?}"
        );
    }
}

#[tokio::test]
async fn ids_that_name_nothing_are_invalid_values() {
    let server = Api::start().await;
    let reply = create(
        &server,
        json!({ "requester_id": 999, "responder_id": 1001, "group_id": 5, "company_id": 77 }),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.codes().iter().all(|c| c == "invalid_value"));
    assert_eq!(
        sorted(reply.fields()),
        ["company_id", "group_id", "requester_id", "responder_id"]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415_or_400() {
    let server = Api::start().await;
    let reply = fetch(
        server
            .agent(Method::POST, TICKETS, ADMIN_KEY)
            .header("Content-Type", "text/plain")
            .body("hello"),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.code(), "invalid_content_type");
    let reply = fetch(
        server
            .agent(Method::POST, TICKETS, ADMIN_KEY)
            .header("Content-Type", "application/json")
            .body("{\"subject\":"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "invalid_json");
}

#[tokio::test]
async fn a_new_requester_email_becomes_a_contact_with_the_ticket() {
    let server = Api::start().await;
    let id = create_id(
        &server,
        json!({ "email": "newcomer@example.com", "name": "New Comer" }),
    )
    .await;
    let contact = server.user("newcomer@example.com").await.unwrap();
    assert_eq!(contact["name"], "New Comer");
    let t = server
        .agent_get(&format!("{TICKETS}/{id}?include=requester"), ADMIN_KEY)
        .await
        .json();
    assert_eq!(t["requester_id"], contact["id"]);
    assert_eq!(t["requester"]["email"], "newcomer@example.com");
}

#[tokio::test]
async fn a_multipart_ticket_keeps_its_attachments() {
    let server = Api::start().await;
    let body = multipart(&[
        ("email", None, b"nora@example.com"),
        ("subject", None, b"Screenshot"),
        ("description", None, b"See attached"),
        ("status", None, b"2"),
        ("priority", None, b"3"),
        ("tags[]", None, b"screens"),
        ("attachments[]", Some("shot.png"), b"\x89PNG fake"),
    ]);
    let reply = fetch(
        server
            .agent(Method::POST, TICKETS, ADMIN_KEY)
            .header("Content-Type", multipart_type())
            .body(body),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let t = reply.json();
    assert_eq!(t["priority"], 3);
    assert_eq!(t["tags"], json!(["screens"]));
    assert_eq!(t["attachments"][0]["name"], "shot.png");
    assert_eq!(t["attachments"][0]["size"], 9);
}

#[tokio::test]
async fn updating_a_ticket_changes_it_and_its_updated_at() {
    let server = Api::start().await;
    let id = create_id(&server, json!({})).await;
    server.advance(std::time::Duration::from_secs(60));

    let reply = server
        .agent_send(
            Method::PUT,
            &format!("{TICKETS}/{id}"),
            AGENT_KEY,
            json!({ "status": 4, "requester_id": 1002, "custom_fields": { "cf_quantity": 3 } }),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let t = reply.json();
    assert_eq!(t["status"], 4);
    assert_eq!(t["requester_id"], 1002);
    assert_eq!(t["custom_fields"]["cf_quantity"], 3);
    assert_eq!(t["created_at"], "2026-01-01T00:00:00Z");
    assert_eq!(t["updated_at"], "2026-01-01T00:01:00Z");
    let missing = server
        .agent_send(
            Method::PUT,
            "/api/v2/tickets/999",
            AGENT_KEY,
            json!({ "status": 3 }),
        )
        .await;
    assert_eq!(missing.status, 404);
    let bad = server
        .agent_send(
            Method::PUT,
            &format!("{TICKETS}/{id}"),
            AGENT_KEY,
            json!({ "priority": 0, "attachments": [] }),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(sorted(bad.fields()), ["attachments", "priority"]);
}

#[tokio::test]
async fn the_list_pages_with_a_link_to_the_next_page_on_the_requests_own_host() {
    let server = Api::start().await;
    for _ in 0..3 {
        create_id(&server, json!({})).await;
    }
    let first = server
        .agent_get("/api/v2/tickets?per_page=2&order_type=asc", ADMIN_KEY)
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.ids(), [1, 2]);
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert_eq!(
        first.header("link"),
        Some(
            format!(
                "<http://{host}/api/v2/tickets?per_page=2&order_type=asc&page=2>; rel=\"next\""
            )
            .as_str()
        )
    );
    let last = server
        .agent_get(
            "/api/v2/tickets?per_page=2&order_type=asc&page=2",
            ADMIN_KEY,
        )
        .await;
    assert_eq!(last.ids(), [3]);
    assert_eq!(last.header("link"), None);
    // Newest first unless asked otherwise.
    let default = server.agent_get(TICKETS, ADMIN_KEY).await;
    assert_eq!(default.ids(), [3, 2, 1]);
}

#[tokio::test]
async fn list_parameters_out_of_range_or_unknown_are_refused() {
    let server = Api::start().await;
    for (query, field, code) in [
        ("per_page=101", "per_page", "invalid_value"),
        ("page=0", "page", "invalid_value"),
        ("filter=mine", "filter", "invalid_value"),
        ("order_by=subject", "order_by", "invalid_value"),
        ("order_type=up", "order_type", "invalid_value"),
        ("include=everything", "include", "invalid_value"),
        ("updated_since=yesterday", "updated_since", "invalid_value"),
        ("requester_id=abc", "requester_id", "datatype_mismatch"),
        ("email=nobody@example.com", "email", "invalid_value"),
        ("colour=red", "colour", "invalid_field"),
    ] {
        let reply = server
            .agent_get(&format!("{TICKETS}?{query}"), ADMIN_KEY)
            .await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert_eq!(reply.fields(), [field], "{query}");
        assert_eq!(reply.code(), code, "{query}");
    }
}

#[tokio::test]
async fn filters_and_includes_shape_the_list() {
    let server = Api::start().await;
    let nora = create_id(&server, json!({ "responder_id": 2001 })).await;
    let alice = create_id(
        &server,
        json!({ "email": "alice@globex.test", "status": 3 }),
    )
    .await;
    // Alice's company is Globex (fixtures): her ticket is the company's.
    let globex = server
        .agent_get(&format!("{TICKETS}?company_id=101"), ADMIN_KEY)
        .await;
    assert_eq!(globex.status, 200, "{}", globex.body);
    assert_eq!(globex.ids(), [alice]);
    let by_id = server
        .agent_get(&format!("{TICKETS}?requester_id=1001"), ADMIN_KEY)
        .await;
    assert_eq!(by_id.ids(), [nora]);
    // new_and_my_open: open, and nobody's or the caller's.
    let agatha = server
        .agent_get(&format!("{TICKETS}?filter=new_and_my_open"), ADMIN_KEY)
        .await;
    assert_eq!(agatha.ids(), [nora]);
    let stan = server
        .agent_get(&format!("{TICKETS}?filter=new_and_my_open"), AGENT_KEY)
        .await;
    assert_eq!(stan.ids(), Vec::<u64>::new());
    let with = server
        .agent_get(
            &format!(
                "{TICKETS}?include=requester,stats,description&order_by=status&order_type=asc"
            ),
            ADMIN_KEY,
        )
        .await
        .json();
    assert_eq!(with[0]["id"], nora);
    assert_eq!(with[0]["requester"]["email"], "nora@example.com");
    assert_eq!(with[0]["description_text"], "It is on fire.");
    assert_eq!(with[1]["stats"]["pending_since"], "2026-01-01T00:00:00Z");
}

#[tokio::test]
async fn without_updated_since_the_list_shows_the_last_30_days() {
    let server = Api::start().await;
    let old = create_id(&server, json!({})).await;
    server.advance(std::time::Duration::from_secs(31 * 86_400));
    let new = create_id(&server, json!({})).await;
    assert_eq!(server.agent_get(TICKETS, ADMIN_KEY).await.ids(), [new]);
    let since = server
        .agent_get(
            &format!("{TICKETS}?updated_since=2025-12-31T00:00:00Z"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(since.ids(), [new, old]);
}

#[tokio::test]
async fn vera_may_not_read_tickets_stan_may_not_delete_them_and_no_key_is_401() {
    let server = Api::start().await;
    let id = create_id(&server, json!({})).await;
    let vera = server.agent_get(TICKETS, EDITOR_KEY).await;
    assert_eq!(vera.status, 403);
    assert_eq!(vera.code(), "access_denied");
    let vera = server
        .agent_send(Method::POST, TICKETS, EDITOR_KEY, agent_ticket(json!({})))
        .await;
    assert_eq!(vera.status, 403);
    let stan = fetch(server.agent(Method::DELETE, &format!("{TICKETS}/{id}"), AGENT_KEY)).await;
    assert_eq!(stan.status, 403);
    assert_eq!(stan.code(), "access_denied");
    let anonymous = fetch(server.bare(Method::GET, TICKETS)).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.code(), "invalid_credentials");
    // Stan may read and write them.
    assert_eq!(server.agent_get(TICKETS, AGENT_KEY).await.ids(), [id]);
}

#[tokio::test]
async fn a_deleted_ticket_leaves_the_list_and_restore_brings_it_back() {
    let server = Api::start().await;
    let id = create_id(&server, json!({})).await;
    let path = format!("{TICKETS}/{id}");

    let deleted = fetch(server.agent(Method::DELETE, &path, ADMIN_KEY)).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.body, "");
    assert_eq!(
        server.agent_get(TICKETS, ADMIN_KEY).await.ids(),
        Vec::<u64>::new()
    );
    let listed = server
        .agent_get(&format!("{TICKETS}?filter=deleted"), ADMIN_KEY)
        .await;
    assert_eq!(listed.ids(), [id]);
    assert_eq!(listed.json()[0]["deleted"], true);
    assert_eq!(
        server.agent_get(&path, ADMIN_KEY).await.json()["deleted"],
        true
    );
    let again = fetch(server.agent(Method::DELETE, &path, ADMIN_KEY)).await;
    assert_eq!(again.status, 404);
    let update = server
        .agent_send(Method::PUT, &path, ADMIN_KEY, json!({ "status": 3 }))
        .await;
    assert_eq!(update.status, 404);

    let restore = format!("{path}/restore");
    let restored = fetch(server.agent(Method::PUT, &restore, ADMIN_KEY)).await;
    assert_eq!(restored.status, 204);
    assert_eq!(server.agent_get(TICKETS, ADMIN_KEY).await.ids(), [id]);
    let again = fetch(server.agent(Method::PUT, &restore, ADMIN_KEY)).await;
    assert_eq!(again.status, 404);
    let unknown = fetch(server.agent(Method::DELETE, "/api/v2/tickets/999", ADMIN_KEY)).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn search_finds_tickets_by_status_priority_tag_email_and_dates() {
    let server = Api::start().await;
    let a = create_id(&server, json!({ "priority": 3, "tags": ["vip"] })).await;
    let b = create_id(&server, json!({ "status": 3, "email": "sam@example.com" })).await;
    let c = widget_ticket(&server, "alice@globex.test").await;
    let search = |q: &str| {
        let server = &server;
        let q = q.to_owned();
        async move {
            let url = format!(
                "/api/v2/search/tickets?query={}",
                url_escape(&format!("\"{q}\""))
            );
            server.agent_get(&url, ADMIN_KEY).await
        }
    };
    let results = |reply: &Reply| -> Vec<u64> {
        let body = reply.json();
        crate::support::ids(&body["results"])
    };

    let reply = search("priority:3 OR status:3").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(results(&reply), [b, a]);
    assert_eq!(reply.json()["total"], 2);
    assert_eq!(results(&search("tag:'vip' AND status:2").await), [a]);
    assert_eq!(
        results(&search("(status:3 OR tag:'vip') AND priority:1").await),
        [b]
    );
    assert_eq!(results(&search("email:'alice@globex.test'").await), [c]);
    assert_eq!(
        results(&search("created_at:>'2026-01-01' AND created_at:<'2026-01-01'").await),
        [c, b, a]
    );
    assert_eq!(
        results(&search("created_at:<'2025-12-31'").await),
        Vec::<u64>::new()
    );

    let unquoted = server
        .agent_get("/api/v2/search/tickets?query=status:2", ADMIN_KEY)
        .await;
    assert_eq!(unquoted.status, 400);
    assert_eq!(
        (unquoted.fields(), unquoted.code()),
        (vec!["query".to_owned()], "invalid_value".to_owned())
    );
    let unknown = search("colour:'red'").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.code(), "invalid_field");
    let broken = search("status:2 AND").await;
    assert_eq!(broken.code(), "invalid_value");
    let far = server
        .agent_get(
            "/api/v2/search/tickets?query=%22status:2%22&page=11",
            ADMIN_KEY,
        )
        .await;
    assert_eq!(far.status, 400);
    assert_eq!(far.fields(), ["page"]);
}

/// Percent-encodes a query value.
fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn ticket_fields_lists_every_field_for_any_agent() {
    let server = Api::start().await;
    let reply = server.agent_get("/api/v2/ticket_fields", EDITOR_KEY).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let fields = reply.json();
    let names: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.starts_with(&["requester", "subject"]), "{names:?}");
    assert!(names.contains(&"cf_quantity"));
    let dropdowns = server
        .agent_get("/api/v2/ticket_fields?type=custom_dropdown", EDITOR_KEY)
        .await;
    assert_eq!(dropdowns.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reset_forgets_the_tickets_the_api_created() {
    let server = Api::start().await;
    create_id(&server, json!({})).await;
    server.control(Method::POST, "reset", json!({})).await;
    assert_eq!(
        server.agent_get(TICKETS, ADMIN_KEY).await.ids(),
        Vec::<u64>::new()
    );
    assert_eq!(create_id(&server, json!({})).await, 1);
}

#[tokio::test]
async fn tickets_written_through_the_api_survive_a_restart_with_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut process = spawn(&["--data-dir", data.to_str().unwrap()]);
    let client = reqwest::Client::new();
    let auth = crate::support::basic(ADMIN_KEY);
    let reply = fetch(
        client
            .post(format!("{}{TICKETS}", process.uri))
            .header("Authorization", &auth)
            .json(&agent_ticket(json!({}))),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let reply = fetch(
        client
            .put(format!("{}{TICKETS}/1", process.uri))
            .header("Authorization", &auth)
            .json(&json!({ "priority": 4 })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = fetch(
        client
            .delete(format!("{}{TICKETS}/1", process.uri))
            .header("Authorization", &auth),
    )
    .await;
    assert_eq!(reply.status, 204);
    process.stop();

    let restarted = Api::on(MockServer::builder().data_dir(&data).start().await);
    let t = restarted
        .agent_get(&format!("{TICKETS}/1"), ADMIN_KEY)
        .await
        .json();
    assert_eq!(t["priority"], 4);
    assert_eq!(t["deleted"], true);
    assert_eq!(t["subject"], "Printer on fire");
}

/// Every key the agent API shows for ticket `id` (with requester and stats), as the control
/// plane shows it too.
async fn both_views(server: &Api, id: u64) -> (Value, Value) {
    let agent = server
        .agent_get(
            &format!("{TICKETS}/{id}?include=requester,stats"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(agent.status, 200, "{}", agent.body);
    let control = server.inspect(&format!("tickets/{id}")).await;
    (agent.json(), control)
}

fn assert_same_ticket(agent: &Value, control: &Value) {
    for (key, value) in agent.as_object().unwrap() {
        if key == "attachments" {
            continue;
        }
        assert_eq!(
            &control[key], value,
            "ticket {} reads {key} differently on the control plane",
            agent["id"]
        );
    }
}

#[tokio::test]
async fn a_ticket_reads_the_same_through_the_agent_api_the_control_plane_and_a_snapshot() {
    let server = Api::start().await;
    let from_widget = widget_ticket(&server, "nora@example.com").await;
    let from_agent = create_id(&server, json!({ "priority": 4, "tags": ["vip"] })).await;
    server
        .control(Method::POST, "clock/advance", json!({ "seconds": 10_800 }))
        .await;
    let edited = server
        .agent_send(
            Method::PUT,
            &format!("{TICKETS}/{from_widget}"),
            ADMIN_KEY,
            json!({ "priority": 3, "status": 3 }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);

    let mut before = Vec::new();
    for id in [from_widget, from_agent] {
        let (agent, control) = both_views(&server, id).await;
        assert_same_ticket(&agent, &control);
        // Times are ISO 8601 on both sides, and due dates follow the SLA.
        assert!(control["created_at"].as_str().unwrap().ends_with('Z'));
        assert!(control["due_by"].is_string(), "{control}");
        before.push(agent);
    }
    // The edit moved updated_at, not created_at.
    assert_ne!(before[0]["updated_at"], before[0]["created_at"]);

    let snapshot = server.inspect("state").await;
    server.control(Method::POST, "reset", json!({})).await;
    let restored = fetch(
        server
            .bare(Method::PUT, "/_freshmock/state")
            .header("Content-Type", "application/json")
            .body(snapshot.to_string()),
    )
    .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    for (id, was) in [from_widget, from_agent].into_iter().zip(before) {
        let (agent, control) = both_views(&server, id).await;
        assert_eq!(agent, was, "ticket {id} changed through a snapshot");
        assert_same_ticket(&agent, &control);
    }
}
