//! Who works the help desk, through the agent REST API v2: `/api/v2/agents` (and `/me`),
//! `/groups`, `/roles`, `/settings/helpdesk`.

use reqwest::Method;

use crate::support::{fetch, Api, ADMIN_KEY, AGENT_KEY, EDITOR_KEY};

#[tokio::test]
async fn agents_me_is_the_agent_whose_key_calls() {
    let server = Api::start().await;
    let me = server.agent_get("/api/v2/agents/me", AGENT_KEY).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["id"], 2002);
    assert_eq!(me["contact"]["email"], "stan@acme.test");
    assert_eq!(me["contact"]["name"], "Stan Support");
    assert_eq!(me["role_ids"], serde_json::json!([1_000_000_004u64]));
    assert_eq!(me["occasional"], false);
    let vera = server.agent_get("/api/v2/agents/me", EDITOR_KEY).await;
    assert_eq!(vera.json()["id"], 2003, "any agent may ask who they are");
    let nobody = fetch(server.bare(Method::GET, "/api/v2/agents/me")).await;
    assert_eq!(nobody.status, 401);
    assert_eq!(nobody.code(), "invalid_credentials");
}

#[tokio::test]
async fn agents_are_listed_and_filtered_by_email_and_state() {
    let server = Api::start().await;
    let all = server.agent_get("/api/v2/agents", ADMIN_KEY).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.ids(), [2001, 2002, 2003]);
    let vera = server
        .agent_get("/api/v2/agents?email=VERA@acme.test", ADMIN_KEY)
        .await;
    assert_eq!(vera.ids(), [2003]);
    let occasional = server
        .agent_get("/api/v2/agents?state=occasional", ADMIN_KEY)
        .await;
    assert_eq!(occasional.ids(), Vec::<u64>::new());
    let fulltime = server
        .agent_get("/api/v2/agents?state=fulltime&per_page=2", ADMIN_KEY)
        .await;
    assert_eq!(fulltime.ids(), [2001, 2002]);
    assert!(fulltime.header("link").unwrap().contains("page=2"));
    let bad = server
        .agent_get("/api/v2/agents?state=parttime", ADMIN_KEY)
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        (bad.fields(), bad.code()),
        (vec!["state".to_owned()], "invalid_value".to_owned())
    );
    let unknown = server.agent_get("/api/v2/agents?team=1", ADMIN_KEY).await;
    assert_eq!(unknown.code(), "invalid_field");
    let one = server.agent_get("/api/v2/agents/2001", ADMIN_KEY).await;
    assert_eq!(one.json()["contact"]["email"], "agatha@acme.test");
    let none = server.agent_get("/api/v2/agents/1001", ADMIN_KEY).await;
    assert_eq!(none.status, 404, "a contact is not an agent");
}

#[tokio::test]
async fn groups_are_fixed_and_hold_agents_by_role() {
    let server = Api::start().await;
    let groups = server.agent_get("/api/v2/groups", AGENT_KEY).await;
    assert_eq!(groups.status, 200, "{}", groups.body);
    let groups = groups.json();
    let names: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Support", "Escalations", "Knowledge Base"]);
    assert_eq!(groups[0]["id"], 7_000_000_001u64);
    // Freshdesk's list leaves the members out; show names them.
    let members = |id: u64| {
        let server = &server;
        async move {
            server
                .agent_get(&format!("/api/v2/groups/{id}"), AGENT_KEY)
                .await
                .json()["agent_ids"]
                .clone()
        }
    };
    assert_eq!(
        members(7_000_000_001).await,
        serde_json::json!([2001, 2002])
    );
    assert_eq!(
        members(7_000_000_003).await,
        serde_json::json!([2001, 2003])
    );
    let one = server
        .agent_get("/api/v2/groups/7000000002", AGENT_KEY)
        .await;
    assert_eq!(one.json()["agent_ids"], serde_json::json!([2001]));
    assert_eq!(
        server.agent_get("/api/v2/groups/1", AGENT_KEY).await.status,
        404
    );
    let me = server
        .agent_get("/api/v2/agents/me", AGENT_KEY)
        .await
        .json();
    assert_eq!(me["group_ids"], serde_json::json!([7_000_000_001u64]));
}

#[tokio::test]
async fn roles_are_for_admins_and_list_every_role() {
    let server = Api::start().await;
    let roles = server.agent_get("/api/v2/roles", ADMIN_KEY).await;
    assert_eq!(roles.status, 200, "{}", roles.body);
    let roles = roles.json();
    assert_eq!(roles.as_array().unwrap().len(), 5);
    assert_eq!(roles[0]["name"], "Account Administrator");
    assert_eq!(roles[0]["default"], true);
    assert_eq!(roles[4]["name"], "Knowledge Base Editor");
    assert_eq!(roles[4]["default"], false);
    let one = server
        .agent_get("/api/v2/roles/1000000004", ADMIN_KEY)
        .await;
    assert_eq!(one.json()["name"], "Agent");
    assert_eq!(
        server.agent_get("/api/v2/roles/1", ADMIN_KEY).await.status,
        404
    );
    let stan = server.agent_get("/api/v2/roles", AGENT_KEY).await;
    assert_eq!(stan.status, 403);
    assert_eq!(stan.code(), "access_denied");
}

#[tokio::test]
async fn helpdesk_settings_name_the_accounts_languages() {
    let server = Api::start().await;
    let reply = server
        .agent_get("/api/v2/settings/helpdesk", EDITOR_KEY)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json(),
        serde_json::json!({
            "primary_language": "en",
            "supported_languages": ["fr", "de"],
            "portal_languages": ["fr", "de"],
        })
    );
    let wrong = fetch(server.agent(Method::PUT, "/api/v2/settings/helpdesk", ADMIN_KEY)).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("GET"));
}

#[tokio::test]
async fn the_request_log_names_the_agent_who_called() {
    let server = Api::start().await;
    server.agent_get("/api/v2/agents/me", AGENT_KEY).await;
    fetch(server.bare(Method::GET, "/api/v2/groups")).await;
    let log = server.inspect("requests?email=stan@acme.test").await;
    let log = log["entries"].as_array().unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["route"], "agent.me");
    let anonymous = server.inspect("requests?route=agent.groups").await;
    assert_eq!(anonymous["entries"][0]["email"], serde_json::Value::Null);
    assert_eq!(anonymous["entries"][0]["status"], 401);
}
