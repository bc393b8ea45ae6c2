//! The agent API audit (docs/src/agent-api/audit.md): one test per row where freshmock
//! had to change to accept what Freshdesk accepts, or to send every key Freshdesk sends.
//! Each names the endpoint and what a connector or client library noticed.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, Api, ADMIN_KEY, AGENT_KEY};

const CONTACTS: &str = "/api/v2/contacts";

async fn create_contact(server: &Api, body: Value) -> u64 {
    let reply = server
        .agent_send(Method::POST, CONTACTS, ADMIN_KEY, body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_u64().unwrap()
}

fn keys_of(v: &Value) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn every_list_takes_page_and_per_page_even_where_nothing_is_paged() {
    let server = Api::start().await;
    for path in [
        "/api/v2/roles",
        "/api/v2/settings/helpdesk",
        "/api/v2/contact_fields",
        "/api/v2/company_fields",
    ] {
        let paged = server
            .agent_get(&format!("{path}?page=1&per_page=100"), ADMIN_KEY)
            .await;
        assert_eq!(paged.status, 200, "{path}: {}", paged.body);
        let plain = server.agent_get(path, ADMIN_KEY).await;
        assert_eq!(paged.json(), plain.json(), "{path}: paging is ignored");
        let bad = server
            .agent_get(&format!("{path}?per_page=0"), ADMIN_KEY)
            .await;
        assert_eq!(bad.status, 400, "{path}");
        assert_eq!(
            (bad.fields(), bad.code()),
            (vec!["per_page".to_owned()], "invalid_value".to_owned()),
            "{path}"
        );
        let unknown = server.agent_get(&format!("{path}?team=1"), ADMIN_KEY).await;
        assert_eq!(unknown.code(), "invalid_field", "{path}");
    }
}

#[tokio::test]
async fn a_list_page_past_300_is_refused_as_freshdesk_does() {
    let server = Api::start().await;
    let last = server
        .agent_get(&format!("{CONTACTS}?page=300"), ADMIN_KEY)
        .await;
    assert_eq!(last.status, 200, "{}", last.body);
    assert_eq!(last.ids(), Vec::<u64>::new());
    for path in [CONTACTS, "/api/v2/agents", "/api/v2/companies"] {
        let past = server
            .agent_get(&format!("{path}?page=301"), ADMIN_KEY)
            .await;
        assert_eq!(past.status, 400, "{path}: {}", past.body);
        assert_eq!(
            (past.fields(), past.code()),
            (vec!["page".to_owned()], "invalid_value".to_owned()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn shows_and_deletes_ignore_query_parameters_they_do_not_know() {
    let server = Api::start().await;
    for path in [
        "/api/v2/agents/me",
        "/api/v2/agents/2001",
        "/api/v2/groups/7000000001",
        "/api/v2/roles/1000000001",
        "/api/v2/contacts/1002",
        "/api/v2/companies/101",
    ] {
        let reply = server
            .agent_get(&format!("{path}?include=everything&x=1"), ADMIN_KEY)
            .await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
    let contact = create_contact(
        &server,
        json!({ "name": "Gone", "email": "gone@example.com" }),
    )
    .await;
    let deleted = fetch(server.agent(
        Method::DELETE,
        &format!("{CONTACTS}/{contact}?cascade=1"),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let restored = fetch(server.agent(
        Method::PUT,
        &format!("{CONTACTS}/{contact}/restore?x=1"),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(restored.status, 204, "{}", restored.body);
    let hard = fetch(server.agent(
        Method::DELETE,
        &format!("{CONTACTS}/{contact}/hard_delete?force=true&x=1"),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(hard.status, 204, "{}", hard.body);
    let company = fetch(server.agent(Method::DELETE, "/api/v2/companies/103?x=1", ADMIN_KEY)).await;
    assert_eq!(company.status, 204, "{}", company.body);
}

#[tokio::test]
async fn contacts_sync_incrementally_by_underscore_updated_since_only() {
    let server = Api::start().await;
    let made = create_contact(
        &server,
        json!({ "name": "New", "email": "new@example.com" }),
    )
    .await;
    let since = server
        .agent_get(
            &format!("{CONTACTS}?_updated_since=2025-06-01T00:00:00Z"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(since.status, 200, "{}", since.body);
    assert_eq!(since.ids(), [made]);
    let plain = server
        .agent_get(
            &format!("{CONTACTS}?updated_since=2025-06-01T00:00:00Z"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(plain.status, 400);
    assert_eq!(
        (plain.fields(), plain.code()),
        (vec!["updated_since".to_owned()], "invalid_field".to_owned())
    );
    let bad = server
        .agent_get(&format!("{CONTACTS}?_updated_since=soon"), ADMIN_KEY)
        .await;
    assert_eq!(
        (bad.fields(), bad.code()),
        (
            vec!["_updated_since".to_owned()],
            "invalid_value".to_owned()
        )
    );
}

#[tokio::test]
async fn contacts_are_listed_by_name_with_ties_by_id() {
    let server = Api::start().await;
    let first = create_contact(
        &server,
        json!({ "name": "aaron Twin", "email": "t1@example.com" }),
    )
    .await;
    let second = create_contact(
        &server,
        json!({ "name": "Aaron twin", "email": "t2@example.com" }),
    )
    .await;
    let all = server
        .agent_get(&format!("{CONTACTS}?per_page=100"), ADMIN_KEY)
        .await;
    let body = all.json();
    let names: Vec<String> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "{}", all.body);
    assert_eq!(all.ids()[..2], [first, second], "same name: by id");
}

#[tokio::test]
async fn contacts_filter_by_tag_and_unique_external_id() {
    let server = Api::start().await;
    let vip = create_contact(
        &server,
        json!({ "name": "V", "email": "vip@example.com", "tags": ["VIP"], "unique_external_id": "crm-7" }),
    )
    .await;
    create_contact(
        &server,
        json!({ "name": "W", "email": "w@example.com", "tags": ["other"] }),
    )
    .await;
    let tagged = server
        .agent_get(&format!("{CONTACTS}?tag=vip"), ADMIN_KEY)
        .await;
    assert_eq!(tagged.status, 200, "{}", tagged.body);
    assert_eq!(tagged.ids(), [vip]);
    let external = server
        .agent_get(&format!("{CONTACTS}?unique_external_id=crm-7"), ADMIN_KEY)
        .await;
    assert_eq!(external.ids(), [vip]);
}

#[tokio::test]
async fn the_contact_list_side_loads_the_company_on_include() {
    let server = Api::start().await;
    let with = server
        .agent_get(
            &format!("{CONTACTS}?include=company&email=alice@globex.test"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(with.status, 200, "{}", with.body);
    assert_eq!(
        with.json()[0]["company"],
        json!({ "id": 101, "name": "Globex" })
    );
    let without = server
        .agent_get(
            &format!("{CONTACTS}?include=company&email=nora@example.com"),
            ADMIN_KEY,
        )
        .await;
    assert_eq!(without.json()[0]["company"], Value::Null);
    let plain = server
        .agent_get(&format!("{CONTACTS}?email=alice@globex.test"), ADMIN_KEY)
        .await;
    assert!(plain.json()[0].get("company").is_none(), "only on include");
    let bad = server
        .agent_get(&format!("{CONTACTS}?include=stats"), ADMIN_KEY)
        .await;
    assert_eq!(
        (bad.fields(), bad.code()),
        (vec!["include".to_owned()], "invalid_value".to_owned())
    );
}

#[tokio::test]
async fn contacts_send_the_twitter_requester_fields_as_null() {
    let server = Api::start().await;
    let listed = server
        .agent_get(&format!("{CONTACTS}?email=alice@globex.test"), ADMIN_KEY)
        .await
        .json();
    let shown = server
        .agent_get(&format!("{CONTACTS}/1002"), ADMIN_KEY)
        .await
        .json();
    for contact in [&listed[0], &shown] {
        for key in ["twitter_profile_status", "twitter_followers_count"] {
            assert_eq!(contact.get(key), Some(&Value::Null), "{key} in {contact}");
        }
    }
}

#[tokio::test]
async fn a_hard_delete_takes_force_true_only() {
    let server = Api::start().await;
    let contact = create_contact(&server, json!({ "name": "F", "email": "f@example.com" })).await;
    let refused = fetch(server.agent(
        Method::DELETE,
        &format!("{CONTACTS}/{contact}/hard_delete?force=false"),
        ADMIN_KEY,
    ))
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        (refused.fields(), refused.code()),
        (vec!["force".to_owned()], "invalid_value".to_owned())
    );
    assert_eq!(
        server
            .agent_get(&format!("{CONTACTS}/{contact}"), ADMIN_KEY)
            .await
            .status,
        200,
        "nothing was deleted"
    );
}

#[tokio::test]
async fn agents_send_last_active_at_and_their_ids_only_on_show() {
    let server = Api::start().await;
    let listed = server.agent_get("/api/v2/agents", ADMIN_KEY).await.json();
    let listed = &listed[0];
    assert_eq!(listed.get("last_active_at"), Some(&Value::Null), "{listed}");
    for key in ["group_ids", "role_ids", "skill_ids"] {
        assert!(listed.get(key).is_none(), "the list has no {key}: {listed}");
    }
    for path in ["/api/v2/agents/2001", "/api/v2/agents/me"] {
        let shown = server.agent_get(path, ADMIN_KEY).await.json();
        assert_eq!(shown.get("last_active_at"), Some(&Value::Null), "{shown}");
        assert_eq!(
            shown["group_ids"],
            json!([7_000_000_001u64, 7_000_000_002u64, 7_000_000_003u64])
        );
        assert_eq!(shown["skill_ids"], json!([]));
        assert!(shown["role_ids"].is_array(), "{shown}");
    }
}

#[tokio::test]
async fn the_agent_list_orders_and_filters_by_type_and_group() {
    let server = Api::start().await;
    let desc = server
        .agent_get("/api/v2/agents?order_by=name&order_type=desc", ADMIN_KEY)
        .await;
    assert_eq!(desc.status, 200, "{}", desc.body);
    assert_eq!(desc.ids(), [2003, 2002, 2001]);
    let created = server
        .agent_get(
            "/api/v2/agents?order_by=created_at&order_type=asc",
            ADMIN_KEY,
        )
        .await;
    assert_eq!(created.ids(), [2001, 2002, 2003], "ties by id");
    let support = server
        .agent_get("/api/v2/agents?type=support_agent", ADMIN_KEY)
        .await;
    assert_eq!(support.ids(), [2001, 2002, 2003]);
    let field = server
        .agent_get("/api/v2/agents?type=field_agent", ADMIN_KEY)
        .await;
    assert_eq!(field.ids(), Vec::<u64>::new());
    let writers = server
        .agent_get("/api/v2/agents?group_id=7000000003", ADMIN_KEY)
        .await;
    assert_eq!(writers.ids(), [2001, 2003]);
    for (query, field) in [
        ("order_by=email", "order_by"),
        ("order_type=up", "order_type"),
        ("type=robot", "type"),
    ] {
        let bad = server
            .agent_get(&format!("/api/v2/agents?{query}"), ADMIN_KEY)
            .await;
        assert_eq!(bad.status, 400, "{query}");
        assert_eq!(
            (bad.fields(), bad.code()),
            (vec![field.to_owned()], "invalid_value".to_owned()),
            "{query}"
        );
    }
}

#[tokio::test]
async fn groups_filter_by_group_type_and_name_their_agents_only_on_show() {
    let server = Api::start().await;
    let support = server
        .agent_get("/api/v2/groups?group_type=support_agent_group", AGENT_KEY)
        .await;
    assert_eq!(support.status, 200, "{}", support.body);
    assert_eq!(support.json().as_array().unwrap().len(), 3);
    assert!(
        support.json()[0].get("agent_ids").is_none(),
        "{}",
        support.body
    );
    assert_eq!(support.json()[0]["group_type"], "support_agent_group");
    let field = server
        .agent_get("/api/v2/groups?group_type=field_agent_group", AGENT_KEY)
        .await;
    assert_eq!(field.json(), json!([]));
    let bad = server
        .agent_get("/api/v2/groups?group_type=x", AGENT_KEY)
        .await;
    assert_eq!(
        (bad.fields(), bad.code()),
        (vec!["group_type".to_owned()], "invalid_value".to_owned())
    );
    let shown = server
        .agent_get("/api/v2/groups/7000000001", AGENT_KEY)
        .await
        .json();
    assert_eq!(shown["agent_ids"], json!([2001, 2002]));
}

#[tokio::test]
async fn the_account_has_its_default_support_mailbox_as_email_config() {
    let server = Api::start().await;
    let list = server.agent_get("/api/v2/email_configs", ADMIN_KEY).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let config = &list.json()[0];
    assert_eq!(config["to_email"], "support@acme.freshdesk.com");
    assert_eq!(config["reply_email"], "support@acme.freshdesk.com");
    assert_eq!(config["primary_role"], true);
    assert_eq!(config["product_id"], Value::Null);
    assert_eq!(config["group_id"], Value::Null);
    let mut keys = keys_of(config);
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "active",
            "created_at",
            "group_id",
            "id",
            "name",
            "primary_role",
            "product_id",
            "reply_email",
            "to_email",
            "updated_at"
        ]
    );
    let id = config["id"].as_u64().unwrap();
    let one = server
        .agent_get(&format!("/api/v2/email_configs/{id}"), ADMIN_KEY)
        .await;
    assert_eq!(&one.json(), config);
    let none = server
        .agent_get(&format!("/api/v2/email_configs/{}", id + 1), ADMIN_KEY)
        .await;
    assert_eq!(none.status, 404);
    let agent = server.agent_get("/api/v2/email_configs", AGENT_KEY).await;
    assert_eq!(agent.status, 403);
    assert_eq!(agent.code(), "access_denied");
}
