//! Contacts through the agent REST API v2 (`/api/v2/contacts`, `/api/v2/search/contacts`,
//! `/api/v2/contact_fields`), and what they change for the widget: who bootstrap finds,
//! whose token is refused, who is no longer there.

use freshmock::MockServer;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, spawn, token, Api, Reply, ADMIN_KEY, AGENT_KEY, ALICE, EDITOR_KEY};

const CONTACTS: &str = "/api/v2/contacts";
const BOOTSTRAP: &str = "/api/widget/bootstrap";
const SEARCH: &str = "/api/widget/search/solutions?term=password";

async fn create(server: &Api, body: Value) -> Reply {
    server
        .agent_send(Method::POST, CONTACTS, ADMIN_KEY, body)
        .await
}

async fn create_id(server: &Api, body: Value) -> u64 {
    let reply = create(server, body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

fn sorted(mut fields: Vec<String>) -> Vec<String> {
    fields.sort();
    fields
}

async fn delete(server: &Api, key: &str, path: &str) -> Reply {
    fetch(server.agent(Method::DELETE, path, key)).await
}

#[tokio::test]
async fn a_contact_created_through_the_api_is_found_by_bootstrap_which_creates_no_other() {
    let server = Api::start().await;
    let reply = create(
        &server,
        json!({ "name": "Carla Created", "email": "carla@example.com", "job_title": "CTO", "tags": ["vip"], "company_id": 101 }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let contact = reply.json();
    let id = contact["id"].as_u64().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v2/contacts/{id}").as_str())
    );
    assert_eq!(contact["active"], false, "unverified until it logs in");
    assert_eq!(contact["company_id"], 101);
    assert_eq!(contact["job_title"], "CTO");
    assert_eq!(contact["created_at"], "2026-01-01T00:00:00Z");

    let login = server
        .get_with_token(&token("Carla C.", "carla@example.com"), BOOTSTRAP)
        .await;

    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.json()["user"]["id"], id);
    assert!(
        server.created_contacts().await.is_empty(),
        "bootstrap made no contact"
    );
    let shown = server
        .agent_get(&format!("{CONTACTS}/{id}"), ADMIN_KEY)
        .await
        .json();
    assert_eq!(shown["name"], "Carla C.", "bootstrap synced the name");
    assert_eq!(shown["active"], true, "the log-in verified it");
    assert_eq!(shown["tags"], json!(["vip"]));
}

#[tokio::test]
async fn a_contact_without_a_name_or_any_way_to_reach_it_is_refused() {
    let server = Api::start().await;
    let reply = create(&server, json!({ "job_title": "Ghost" })).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.codes(), ["missing_field", "missing_field"]);
    assert_eq!(sorted(reply.fields()), ["email", "name"]);
    // A phone is enough to reach someone.
    create_id(
        &server,
        json!({ "name": "Phone Only", "phone": "+1 555 0199" }),
    )
    .await;
}

#[tokio::test]
async fn an_email_another_user_has_is_409_duplicate_value_naming_them() {
    let server = Api::start().await;
    let reply = create(
        &server,
        json!({ "name": "Copy", "email": "ALICE@globex.test" }),
    )
    .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({
            "description": "Validation failed",
            "errors": [{
                "field": "email",
                "message": "It should be a unique value",
                "code": "duplicate_value",
                "additional_info": { "user_id": 1002 }
            }]
        })
    );
    // A secondary email and an agent's email are taken too.
    let reply = create(
        &server,
        json!({ "name": "Copy", "email": "copy@example.com", "other_emails": ["stan@acme.test"] }),
    )
    .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.fields(), ["other_emails"]);
    assert_eq!(
        reply.json()["errors"][0]["additional_info"]["user_id"],
        2002
    );
    // Updating Nora to Alice's email is the same conflict; to her own, no conflict.
    let reply = server
        .agent_send(
            Method::PUT,
            "/api/v2/contacts/1001",
            ADMIN_KEY,
            json!({ "email": "alice.anders@example.com" }),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.code(), "duplicate_value");
    let reply = server
        .agent_send(
            Method::PUT,
            "/api/v2/contacts/1001",
            ADMIN_KEY,
            json!({ "email": "nora@example.com", "mobile": "+1 555 0001" }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["mobile"], "+1 555 0001");
}

#[tokio::test]
async fn wrong_types_and_values_are_refused_field_by_field() {
    let server = Api::start().await;
    let reply = create(
        &server,
        json!({
            "name": 7,
            "email": "not-an-email",
            "other_emails": ["fine@example.com", "broken"],
            "language": "klingon",
            "company_id": 999,
            "view_all_tickets": "yes",
            "custom_fields": { "cf_shoe_size": 44 },
            "blocked": true,
        }),
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let errors = reply.field_codes();
    for expected in [
        ("name", "datatype_mismatch"),
        ("email", "invalid_value"),
        ("other_emails", "invalid_value"),
        ("language", "invalid_value"),
        ("company_id", "invalid_value"),
        ("view_all_tickets", "datatype_mismatch"),
        ("cf_shoe_size", "invalid_field"),
        // Only updates block: a create does not take it.
        ("blocked", "invalid_field"),
    ] {
        assert!(
            errors.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {errors:?}"
        );
    }
}

#[tokio::test]
async fn a_contact_blocked_through_the_api_has_its_widget_token_refused() {
    let server = Api::start().await;
    let alice = token("Alice Anders", ALICE);
    assert_eq!(server.get_with_token(&alice, SEARCH).await.status, 200);

    let reply = server
        .agent_send(
            Method::PUT,
            "/api/v2/contacts/1002",
            AGENT_KEY,
            json!({ "blocked": true }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["blocked"], true);

    let refused = server.get_with_token(&alice, SEARCH).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), "invalid_user");
    let refused = server.get_with_token(&alice, BOOTSTRAP).await;
    assert_eq!(refused.code(), "invalid_user");
    let blocked = server
        .agent_get(&format!("{CONTACTS}?state=blocked"), ADMIN_KEY)
        .await;
    assert!(blocked.ids().contains(&1002), "{}", blocked.body);
    assert!(!server
        .agent_get(CONTACTS, ADMIN_KEY)
        .await
        .ids()
        .contains(&1002));

    server
        .agent_send(
            Method::PUT,
            "/api/v2/contacts/1002",
            AGENT_KEY,
            json!({ "blocked": false }),
        )
        .await;
    assert_eq!(server.get_with_token(&alice, SEARCH).await.status, 200);
}

#[tokio::test]
async fn a_deleted_contact_is_refused_by_the_widget_until_restored() {
    let server = Api::start().await;
    let alice = token("Alice Anders", ALICE);
    let path = format!("{CONTACTS}/1002");

    let deleted = delete(&server, ADMIN_KEY, &path).await;
    assert_eq!(deleted.status, 204);
    let refused = server.get_with_token(&alice, SEARCH).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), "invalid_user");
    assert_eq!(
        server.agent_get(&path, ADMIN_KEY).await.json()["deleted"],
        true
    );
    let listed = server
        .agent_get(&format!("{CONTACTS}?state=deleted"), ADMIN_KEY)
        .await;
    assert!(listed.ids().contains(&1002));
    assert_eq!(delete(&server, ADMIN_KEY, &path).await.status, 404);
    let update = server
        .agent_send(Method::PUT, &path, ADMIN_KEY, json!({ "job_title": "x" }))
        .await;
    assert_eq!(update.status, 404);

    let restore = format!("{path}/restore");
    let restored = fetch(server.agent(Method::PUT, &restore, ADMIN_KEY)).await;
    assert_eq!(restored.status, 204);
    assert_eq!(server.get_with_token(&alice, SEARCH).await.status, 200);
    let again = fetch(server.agent(Method::PUT, &restore, ADMIN_KEY)).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn a_hard_deleted_contact_is_absent_in_db_until_bootstrap_makes_it_anew() {
    let server = Api::start().await;
    let alice = token("Alice Anders", ALICE);
    let hard = format!("{CONTACTS}/1002/hard_delete");

    let refused = delete(&server, ADMIN_KEY, &hard).await;
    assert_eq!(
        refused.status, 400,
        "not soft-deleted first: {}",
        refused.body
    );
    assert_eq!(refused.code(), "invalid_value");
    let bad = delete(&server, ADMIN_KEY, &format!("{hard}?force=maybe")).await;
    assert_eq!(bad.fields(), ["force"]);

    let gone = delete(&server, ADMIN_KEY, &format!("{hard}?force=true")).await;
    assert_eq!(gone.status, 204);

    let absent = server.get_with_token(&alice, SEARCH).await;
    assert_eq!(absent.status, 404);
    assert_eq!(absent.code(), "absent_in_db");
    assert_eq!(
        server
            .agent_get(&format!("{CONTACTS}/1002"), ADMIN_KEY)
            .await
            .status,
        404
    );
    assert_eq!(delete(&server, ADMIN_KEY, &hard).await.status, 404);
    let again = server.get_with_token(&alice, BOOTSTRAP).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_ne!(again.json()["user"]["id"], 1002, "a new contact");
    // The deleted-first path needs no force.
    let id = create_id(
        &server,
        json!({ "name": "Temp", "email": "temp@example.com" }),
    )
    .await;
    delete(&server, ADMIN_KEY, &format!("{CONTACTS}/{id}")).await;
    let gone = delete(&server, ADMIN_KEY, &format!("{CONTACTS}/{id}/hard_delete")).await;
    assert_eq!(gone.status, 204);
}

#[tokio::test]
async fn stan_may_not_delete_contacts_vera_may_read_but_not_change_them() {
    let server = Api::start().await;
    let stan = delete(&server, AGENT_KEY, "/api/v2/contacts/1001").await;
    assert_eq!(stan.status, 403);
    assert_eq!(stan.code(), "access_denied");
    let vera = server
        .agent_send(
            Method::POST,
            CONTACTS,
            EDITOR_KEY,
            json!({ "name": "V", "email": "v@example.com" }),
        )
        .await;
    assert_eq!(vera.status, 403);
    assert_eq!(vera.code(), "access_denied");
    assert_eq!(server.agent_get(CONTACTS, EDITOR_KEY).await.status, 200);
    assert_eq!(fetch(server.bare(Method::GET, CONTACTS)).await.status, 401);
    // Agents are not contacts.
    assert_eq!(
        server
            .agent_get("/api/v2/contacts/2002", ADMIN_KEY)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_contact_list_filters_and_pages() {
    let server = Api::start().await;
    let all = server
        .agent_get(&format!("{CONTACTS}?per_page=100"), ADMIN_KEY)
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    let ids = all.ids();
    // Freshdesk lists contacts by name (`order('users.name')`).
    let body = all.json();
    let names: Vec<String> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut by_name = names.clone();
    by_name.sort();
    assert_eq!(names, by_name);
    assert!(!ids.contains(&2001), "agents are not contacts");

    let first = server
        .agent_get(&format!("{CONTACTS}?per_page=2"), ADMIN_KEY)
        .await;
    assert_eq!(first.ids(), ids[..2]);
    let link = first.header("link").unwrap();
    assert!(
        link.ends_with("/api/v2/contacts?per_page=2&page=2>; rel=\"next\""),
        "{link}"
    );
    assert!(link.starts_with("<http://127.0.0.1:"), "{link}");

    let by_email = server
        .agent_get(
            &format!("{CONTACTS}?email=alice.anders@example.com"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(by_email.ids(), [1002]);
    let globex = server
        .agent_get(&format!("{CONTACTS}?company_id=101"), ADMIN_KEY)
        .await;
    assert!(globex.ids().contains(&1002));
    let phone = server
        .agent_get(&format!("{CONTACTS}?phone=%2B1%20555%200102"), ADMIN_KEY)
        .await;
    assert_eq!(phone.ids(), [1002]);
    let created = create_id(
        &server,
        json!({ "name": "New", "email": "new@example.com" }),
    )
    .await;
    let unverified = server
        .agent_get(&format!("{CONTACTS}?state=unverified"), ADMIN_KEY)
        .await;
    assert_eq!(unverified.ids(), [created]);
    let since = server
        .agent_get(
            &format!("{CONTACTS}?_updated_since=2025-06-01T00:00:00Z"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(since.ids(), [created]);
    for (query, field, code) in [
        ("state=angry", "state", "invalid_value"),
        ("company_id=x", "company_id", "datatype_mismatch"),
        ("_updated_since=soon", "_updated_since", "invalid_value"),
        ("per_page=0", "per_page", "invalid_value"),
        ("name=Nora", "name", "invalid_field"),
    ] {
        let reply = server
            .agent_get(&format!("{CONTACTS}?{query}"), ADMIN_KEY)
            .await;
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(
            (reply.fields(), reply.code()),
            (vec![field.to_owned()], code.to_owned()),
            "{query}"
        );
    }
}

#[tokio::test]
async fn search_finds_contacts_by_email_company_tag_and_activity() {
    let server = Api::start().await;
    let vip = create_id(
        &server,
        json!({ "name": "V", "email": "vip@example.com", "tags": ["vip"] }),
    )
    .await;
    let search = |q: &'static str| {
        let server = &server;
        async move {
            let q = q.replace(' ', "%20").replace('\'', "%27");
            server
                .agent_get(
                    &format!("/api/v2/search/contacts?query=%22{q}%22"),
                    ADMIN_KEY,
                )
                .await
        }
    };
    let reply = search("email:'alice@globex.test' OR tag:'vip'").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(crate::support::ids(&reply.json()["results"]), [1002, vip]);
    assert_eq!(reply.json()["total"], 2);
    let reply = search("company_id:101 AND active:true").await;
    assert!(crate::support::ids(&reply.json()["results"]).contains(&1002));
    let reply = search("active:false").await;
    assert_eq!(crate::support::ids(&reply.json()["results"]), [vip]);
    let reply = search("shoe_size:44").await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "invalid_field");
}

#[tokio::test]
async fn contact_fields_lists_the_default_fields() {
    let server = Api::start().await;
    let reply = server.agent_get("/api/v2/contact_fields", EDITOR_KEY).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let fields = reply.json();
    assert_eq!(fields[0]["name"], "name");
    assert_eq!(fields[0]["required_for_agents"], true);
    assert!(fields
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "email"));
}

#[tokio::test]
async fn reset_forgets_contacts_the_api_created_and_blocked() {
    let server = Api::start().await;
    create_id(
        &server,
        json!({ "name": "Gone", "email": "gone@example.com" }),
    )
    .await;
    server
        .agent_send(
            Method::PUT,
            "/api/v2/contacts/1002",
            ADMIN_KEY,
            json!({ "blocked": true }),
        )
        .await;
    server.control(Method::POST, "reset", json!({})).await;
    assert!(server.user("gone@example.com").await.is_none());
    assert_eq!(
        server
            .get_with_token(&token("Alice Anders", ALICE), SEARCH)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn contacts_written_through_the_api_survive_a_restart_with_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut process = spawn(&["--data-dir", data.to_str().unwrap()]);
    let client = reqwest::Client::new();
    let auth = crate::support::basic(ADMIN_KEY);
    let reply = fetch(
        client
            .post(format!("{}{CONTACTS}", process.uri))
            .header("Authorization", &auth)
            .json(&json!({ "name": "Durable Dora", "email": "dora@example.com", "job_title": "Keeper" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let dora = reply.json()["id"].as_u64().unwrap();
    let reply = fetch(
        client
            .put(format!("{}{CONTACTS}/1002", process.uri))
            .header("Authorization", &auth)
            .json(&json!({ "blocked": true })),
    )
    .await;
    assert_eq!(reply.status, 200);
    let reply = fetch(
        client
            .delete(format!(
                "{}{CONTACTS}/1003/hard_delete?force=true",
                process.uri
            ))
            .header("Authorization", &auth),
    )
    .await;
    assert_eq!(reply.status, 204);
    process.stop();

    let restarted = Api::on(
        MockServer::builder()
            .now("2026-01-01T00:00:00Z")
            .data_dir(&data)
            .start()
            .await,
    );
    let shown = restarted
        .agent_get(&format!("{CONTACTS}/{dora}"), ADMIN_KEY)
        .await
        .json();
    assert_eq!(shown["job_title"], "Keeper");
    let alice = restarted
        .get_with_token(&token("Alice Anders", ALICE), SEARCH)
        .await;
    assert_eq!(alice.code(), "invalid_user");
    assert_eq!(
        restarted
            .agent_get(&format!("{CONTACTS}/1003"), ADMIN_KEY)
            .await
            .status,
        404
    );
    let login = restarted
        .get_with_token(&token("Durable Dora", "dora@example.com"), BOOTSTRAP)
        .await;
    assert_eq!(login.json()["user"]["id"], dora);
}

#[tokio::test]
async fn a_state_snapshot_brings_back_contacts_the_api_wrote() {
    let server = Api::start().await;
    let id = create_id(
        &server,
        json!({ "name": "Snap", "email": "snap@example.com" }),
    )
    .await;
    delete(&server, ADMIN_KEY, "/api/v2/contacts/1002").await;
    let snapshot = server.inspect("state").await;
    server.control(Method::POST, "reset", json!({})).await;
    assert_eq!(
        server
            .agent_get(&format!("{CONTACTS}/{id}"), ADMIN_KEY)
            .await
            .status,
        404
    );

    let restored = fetch(
        server
            .bare(Method::PUT, "/_freshmock/state")
            .json(&snapshot),
    )
    .await;

    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(
        server
            .agent_get(&format!("{CONTACTS}/{id}"), ADMIN_KEY)
            .await
            .json()["name"],
        "Snap"
    );
    let alice = server
        .get_with_token(&token("Alice Anders", ALICE), SEARCH)
        .await;
    assert_eq!(alice.code(), "invalid_user");
}
