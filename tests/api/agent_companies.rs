//! Companies through the agent REST API v2 (`/api/v2/companies`, `/api/v2/search/companies`,
//! `/api/v2/company_fields`), and what they change for contacts and the widget.

use freshmock::MockServer;
use reqwest::Method;
use serde_json::json;

use crate::support::{fetch, spawn, token, Api, ADMIN_KEY, AGENT_KEY, ALICE, EDITOR_KEY};

const COMPANIES: &str = "/api/v2/companies";
/// An article in the folder only Globex (company 101) sees.
const GLOBEX_ARTICLE: &str = "/api/widget/solutions/article/1401";

#[tokio::test]
async fn a_company_created_through_the_api_can_be_a_contacts_company_at_once() {
    let server = Api::start().await;
    let reply = server
        .agent_send(Method::POST, COMPANIES, ADMIN_KEY, json!({ "name": "Hooli", "domains": ["Hooli.test"], "health_score": "Happy", "renewal_date": "2026-06-30" }))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let company = reply.json();
    let id = company["id"].as_u64().unwrap();
    assert_eq!(company["domains"], json!(["hooli.test"]));
    assert_eq!(company["renewal_date"], "2026-06-30T00:00:00Z");
    assert_eq!(company["created_at"], "2026-01-01T00:00:00Z");

    let contact = server
        .agent_send(
            Method::POST,
            "/api/v2/contacts",
            ADMIN_KEY,
            json!({ "name": "Gavin", "email": "gavin@hooli.test", "company_id": id }),
        )
        .await;
    assert_eq!(contact.status, 201, "{}", contact.body);
    assert_eq!(contact.json()["company_id"], id);
    let listed = server.agent_get(COMPANIES, EDITOR_KEY).await;
    assert_eq!(listed.ids(), [101, 102, 103, id]);
    let updated = server
        .agent_send(
            Method::PUT,
            &format!("{COMPANIES}/{id}"),
            ADMIN_KEY,
            json!({ "industry": "Software" }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.json()["industry"], "Software");
    assert_eq!(updated.json()["name"], "Hooli");
}

#[tokio::test]
async fn company_validation_names_each_field_and_duplicates_are_409() {
    let server = Api::start().await;
    let reply = server
        .agent_send(Method::POST, COMPANIES, ADMIN_KEY, json!({ "account_tier": "Gold", "domains": "globex.test", "custom_fields": { "cf_size": 1 } }))
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let mut fields = reply.fields();
    fields.sort();
    assert_eq!(fields, ["account_tier", "cf_size", "domains", "name"]);
    let duplicate = server
        .agent_send(
            Method::POST,
            COMPANIES,
            ADMIN_KEY,
            json!({ "name": "GLOBEX" }),
        )
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.body);
    assert_eq!(duplicate.code(), "duplicate_value");
    assert_eq!(
        duplicate.json()["errors"][0]["additional_info"]["company_id"],
        101
    );
    let missing = server
        .agent_send(
            Method::PUT,
            &format!("{COMPANIES}/999"),
            ADMIN_KEY,
            json!({ "note": "x" }),
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn stan_may_read_companies_but_not_change_them() {
    let server = Api::start().await;
    assert_eq!(
        server
            .agent_get(&format!("{COMPANIES}/101"), AGENT_KEY)
            .await
            .json()["name"],
        "Globex"
    );
    let reply = server
        .agent_send(
            Method::POST,
            COMPANIES,
            AGENT_KEY,
            json!({ "name": "Stan Inc" }),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "access_denied");
    let reply = fetch(server.agent(Method::DELETE, &format!("{COMPANIES}/101"), AGENT_KEY)).await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn a_deleted_company_leaves_its_contacts_and_their_company_folders() {
    let server = Api::start().await;
    let alice = token("Alice Anders", ALICE);
    assert_eq!(
        server.get_with_token(&alice, GLOBEX_ARTICLE).await.status,
        200
    );

    let reply = fetch(server.agent(Method::DELETE, &format!("{COMPANIES}/101"), ADMIN_KEY)).await;
    assert_eq!(reply.status, 204, "{}", reply.body);

    assert_eq!(
        server
            .agent_get(&format!("{COMPANIES}/101"), ADMIN_KEY)
            .await
            .status,
        404
    );
    let contact = server
        .agent_get("/api/v2/contacts/1002", ADMIN_KEY)
        .await
        .json();
    assert_eq!(contact["company_id"], serde_json::Value::Null);
    assert_eq!(
        server.get_with_token(&alice, GLOBEX_ARTICLE).await.status,
        404
    );
    let again = fetch(server.agent(Method::DELETE, &format!("{COMPANIES}/101"), ADMIN_KEY)).await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn search_and_fields_describe_companies() {
    let server = Api::start().await;
    server
        .agent_send(
            Method::POST,
            COMPANIES,
            ADMIN_KEY,
            json!({ "name": "Hooli", "domains": ["hooli.test"], "account_tier": "Premium" }),
        )
        .await;
    let reply = server
        .agent_get(
            "/api/v2/search/companies?query=%22domain:%27hooli.test%27%20OR%20name:%27Globex%27%22",
            ADMIN_KEY,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["total"], 2);
    let bad = server
        .agent_get("/api/v2/search/companies?query=%22size:3%22", ADMIN_KEY)
        .await;
    assert_eq!(bad.code(), "invalid_field");
    let fields = server
        .agent_get("/api/v2/company_fields", EDITOR_KEY)
        .await
        .json();
    assert_eq!(fields[0]["name"], "name");
    assert_eq!(
        fields[5]["choices"],
        json!(["Basic", "Premium", "Enterprise"])
    );
}

#[tokio::test]
async fn companies_written_through_the_api_survive_a_restart_and_reset_forgets_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut process = spawn(&["--data-dir", data.to_str().unwrap()]);
    let client = reqwest::Client::new();
    let auth = crate::support::basic(ADMIN_KEY);
    let reply = fetch(
        client
            .post(format!("{}{COMPANIES}", process.uri))
            .header("Authorization", &auth)
            .json(&json!({ "name": "Durable Co" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let id = reply.json()["id"].as_u64().unwrap();
    let reply = fetch(
        client
            .delete(format!("{}{COMPANIES}/101", process.uri))
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
    assert_eq!(
        restarted.agent_get(COMPANIES, ADMIN_KEY).await.ids(),
        [102, 103, id]
    );
    let alice = restarted
        .agent_get("/api/v2/contacts/1002", ADMIN_KEY)
        .await
        .json();
    assert_eq!(alice["company_id"], serde_json::Value::Null);

    restarted.control(Method::POST, "reset", json!({})).await;
    assert_eq!(
        restarted.agent_get(COMPANIES, ADMIN_KEY).await.ids(),
        [101, 102, 103]
    );
    let alice = restarted
        .agent_get("/api/v2/contacts/1002", ADMIN_KEY)
        .await
        .json();
    assert_eq!(alice["company_id"], 101);
}
