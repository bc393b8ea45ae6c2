//! The knowledge base through the agent REST API v2 (`/api/v2/solutions/…`,
//! `/api/v2/search/solutions`): what an agent's publishing job writes is what the widget
//! finds, in one offline run, with Freshdesk's validation errors, roles and paging.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, pinned, Api, ADMIN_KEY, AGENT_KEY, ALICE, EDITOR_KEY, WIDGET};

/// The bundled account's public folder ("General", category 1, linked to the main widget).
const PUBLIC_FOLDER: u64 = 11;
/// Globex's company id.
const GLOBEX: u64 = 101;

/// An article body in the primary language with a word no fixture has.
fn article(title: &str, status: u8) -> Value {
    json!({
        "title": title,
        "description": format!("<p>{title}: how the zyxquark works.</p>"),
        "status": status,
        "tags": ["zyxquark"],
    })
}

async fn publish(api: &Api, folder: u64, title: &str) -> Value {
    let reply = api
        .agent_send(
            Method::POST,
            &format!("/api/v2/solutions/folders/{folder}/articles"),
            ADMIN_KEY,
            article(title, 2),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

/// Article ids the main widget's search finds for `term`, as `persona` (anonymous: None).
async fn widget_finds(api: &Api, persona: Option<&'static str>, term: &str) -> Vec<u64> {
    let reply = api
        .get_as(
            persona,
            &format!("/api/widget/search/solutions?term={term}"),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.ids()
}

#[tokio::test]
async fn a_published_article_is_found_by_the_widget_when_the_api_answers() {
    let api = Api::start().await;
    let made = publish(&api, PUBLIC_FOLDER, "Quark setup").await;
    let id = made["id"].as_u64().unwrap();
    assert_eq!(made["folder_id"], PUBLIC_FOLDER);
    assert_eq!(made["category_id"], 1);
    assert_eq!(made["status"], 2);
    assert_eq!(made["type"], 1);
    assert_eq!(made["tags"], json!(["zyxquark"]));
    assert_eq!(
        made["description_text"],
        "Quark setup: how the zyxquark works."
    );
    assert_eq!(made["agent_id"], 2001, "the writer, Agatha");
    assert_eq!(widget_finds(&api, None, "zyxquark").await, vec![id]);
    let shown = api
        .get(&format!("/api/widget/solutions/article/{id}"))
        .await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json()["title"], "Quark setup");
    let read = api
        .agent_get(&format!("/api/v2/solutions/articles/{id}"), EDITOR_KEY)
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["title"], "Quark setup");
}

#[tokio::test]
async fn unpublishing_takes_an_article_out_of_the_widget_and_deleting_it_everywhere() {
    let api = Api::start().await;
    let id = publish(&api, PUBLIC_FOLDER, "Quark teardown").await["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/v2/solutions/articles/{id}");
    let reply = api
        .agent_send(Method::PUT, &path, EDITOR_KEY, json!({ "status": 1 }))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["status"], 1);
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
    let shown = api
        .get(&format!("/api/widget/solutions/article/{id}"))
        .await;
    assert_eq!(shown.status, 404);
    // Agents still find drafts.
    let found = api
        .agent_get("/api/v2/search/solutions?term=zyxquark", ADMIN_KEY)
        .await;
    assert_eq!(found.status, 200);
    assert_eq!(found.ids(), vec![id]);

    let deleted = fetch(api.agent(Method::DELETE, &path, ADMIN_KEY)).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(api.agent_get(&path, ADMIN_KEY).await.status, 404);
    let found = api
        .agent_get("/api/v2/search/solutions?term=zyxquark", ADMIN_KEY)
        .await;
    assert!(found.ids().is_empty());
}

#[tokio::test]
async fn restricting_a_folder_to_a_company_hides_its_articles_from_everyone_else() {
    let api = Api::start().await;
    let id = publish(&api, PUBLIC_FOLDER, "Quark for partners").await["id"]
        .as_u64()
        .unwrap();
    assert_eq!(widget_finds(&api, None, "zyxquark").await, vec![id]);
    let reply = api
        .agent_send(
            Method::PUT,
            &format!("/api/v2/solutions/folders/{PUBLIC_FOLDER}"),
            ADMIN_KEY,
            json!({ "visibility": 4, "company_ids": [GLOBEX] }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["company_ids"], json!([GLOBEX]));
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
    assert_eq!(widget_finds(&api, Some(ALICE), "zyxquark").await, vec![id]);
    // A fixture article of that folder too.
    let fixture = api.get("/api/widget/solutions/article/1101").await;
    assert_eq!(fixture.status, 404);
}

async fn french_finds(api: &Api) -> Vec<u64> {
    api.get("/api/widget/search/solutions?term=zyxquark&language=fr")
        .await
        .ids()
}

#[tokio::test]
async fn a_translation_is_found_in_its_language_and_keeps_a_status_of_its_own() {
    let api = Api::start().await;
    let id = publish(&api, PUBLIC_FOLDER, "Quark setup").await["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/v2/solutions/articles/{id}/fr");
    let reply = api
        .agent_send(
            Method::POST,
            &path,
            ADMIN_KEY,
            json!({ "title": "Installer le quark", "description": "<p>Le zyxquark en français.</p>", "status": 2 }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json()["title"], "Installer le quark");
    assert_eq!(french_finds(&api).await, vec![id]);
    // Made twice: a conflict.
    let again = api
        .agent_send(
            Method::POST,
            &path,
            ADMIN_KEY,
            json!({ "title": "x", "description": "y", "status": 2 }),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.codes(), ["duplicate_value"]);
    // The French version drafted: gone in French, still there in English.
    let drafted = api
        .agent_send(Method::PUT, &path, ADMIN_KEY, json!({ "status": 1 }))
        .await;
    assert_eq!(drafted.status, 200, "{}", drafted.body);
    assert!(french_finds(&api).await.is_empty());
    assert_eq!(widget_finds(&api, None, "zyxquark").await, vec![id]);
    // A language the portal does not have.
    let unknown = api
        .agent_get(&format!("/api/v2/solutions/articles/{id}/ja-JP"), ADMIN_KEY)
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn an_article_missing_its_required_fields_gets_one_error_per_field() {
    let api = Api::start().await;
    let reply = api
        .agent_send(
            Method::POST,
            &format!("/api/v2/solutions/folders/{PUBLIC_FOLDER}/articles"),
            ADMIN_KEY,
            json!({ "colour": "red" }),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["description"], "Validation failed");
    let errors = reply.field_codes();
    assert_eq!(
        errors,
        [
            ("colour".to_owned(), "invalid_field".to_owned()),
            ("description".to_owned(), "missing_field".to_owned()),
            ("status".to_owned(), "missing_field".to_owned()),
            ("title".to_owned(), "missing_field".to_owned()),
        ]
    );
}

#[tokio::test]
async fn wrong_types_and_values_are_named_with_freshdesks_codes() {
    let api = Api::start().await;
    let path = format!("/api/v2/solutions/folders/{PUBLIC_FOLDER}/articles");
    let cases = [
        (
            json!({ "title": 5, "description": "d", "status": 2 }),
            "title",
            "datatype_mismatch",
        ),
        (
            json!({ "title": "t", "description": "d", "status": 3 }),
            "status",
            "invalid_value",
        ),
        (
            json!({ "title": "t", "description": "d", "status": "2" }),
            "status",
            "datatype_mismatch",
        ),
        (
            json!({ "title": " ", "description": "d", "status": 2 }),
            "title",
            "invalid_value",
        ),
        (
            json!({ "title": "t".repeat(241), "description": "d", "status": 2 }),
            "title",
            "invalid_value",
        ),
        (
            json!({ "title": "t", "description": "d", "status": 2, "tags": "a" }),
            "tags",
            "datatype_mismatch",
        ),
        (
            json!({ "title": "t", "description": "d", "status": 2, "type": 9 }),
            "type",
            "invalid_value",
        ),
        (
            json!({ "title": "t", "description": "d", "status": 2, "seo_data": { "colour": 1 } }),
            "seo_data.colour",
            "invalid_field",
        ),
    ];
    for (body, field, code) in cases {
        let reply = api
            .agent_send(Method::POST, &path, ADMIN_KEY, body.clone())
            .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert_eq!(reply.fields(), [field], "{body}");
        assert_eq!(reply.codes(), [code], "{body}");
    }
    // Not JSON, or JSON without its media type.
    let bad = fetch(
        api.agent(Method::POST, &path, ADMIN_KEY)
            .header("Content-Type", "application/json")
            .body("{"),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.codes(), ["invalid_json"]);
    let plain = fetch(api.agent(Method::POST, &path, ADMIN_KEY).body("{}")).await;
    assert_eq!(plain.status, 415);
    assert_eq!(plain.codes(), ["invalid_content_type"]);
    // A folder that does not exist: an empty 404 with the reason.
    let missing = api
        .agent_send(
            Method::POST,
            "/api/v2/solutions/folders/999/articles",
            ADMIN_KEY,
            article("t", 2),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.reason().contains("folder with id 999"),
        "{}",
        missing.reason()
    );
}

#[tokio::test]
async fn a_folders_visibility_and_the_groups_it_names_are_checked_together() {
    let api = Api::start().await;
    let path = "/api/v2/solutions/categories/1/folders";
    let cases = [
        (
            json!({ "name": "F", "visibility": 4 }),
            "company_ids",
            "missing_field",
        ),
        (
            json!({ "name": "F", "visibility": 4, "company_ids": [999] }),
            "company_ids",
            "invalid_value",
        ),
        (
            json!({ "name": "F", "visibility": 1, "company_ids": [GLOBEX] }),
            "company_ids",
            "invalid_field",
        ),
        (
            json!({ "name": "F", "visibility": 8 }),
            "visibility",
            "invalid_value",
        ),
        (
            json!({ "name": "F", "visibility": 6 }),
            "contact_segment_ids",
            "missing_field",
        ),
        (json!({ "visibility": 1 }), "name", "missing_field"),
    ];
    for (body, field, code) in cases {
        let reply = api
            .agent_send(Method::POST, path, ADMIN_KEY, body.clone())
            .await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert_eq!(reply.fields(), [field], "{body}");
        assert_eq!(reply.codes(), [code], "{body}");
    }
    let made = api
        .agent_send(
            Method::POST,
            path,
            ADMIN_KEY,
            json!({ "name": "Quark corner", "visibility": 4, "company_ids": [GLOBEX] }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.json()["visibility"], 4);
    assert_eq!(made.json()["category_id"], 1);
    let again = api
        .agent_send(
            Method::POST,
            path,
            ADMIN_KEY,
            json!({ "name": "quark CORNER", "visibility": 1 }),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.codes(), ["duplicate_value"]);
    // An article published there reaches Globex's contacts only.
    let folder = made.json()["id"].as_u64().unwrap();
    let id = publish(&api, folder, "Quark corner notes").await["id"]
        .as_u64()
        .unwrap();
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
    assert_eq!(widget_finds(&api, Some(ALICE), "zyxquark").await, vec![id]);
}

#[tokio::test]
async fn categories_are_made_renamed_translated_and_deleted_with_what_they_hold() {
    let api = Api::start().await;
    let made = api
        .agent_send(
            Method::POST,
            "/api/v2/solutions/categories",
            ADMIN_KEY,
            json!({ "name": "Quarks", "description": "All about quarks" }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let category = made.json()["id"].as_u64().unwrap();
    assert_eq!(made.json()["visible_in_portals"], json!([1]));
    let duplicate = api
        .agent_send(
            Method::POST,
            "/api/v2/solutions/categories",
            ADMIN_KEY,
            json!({ "name": "billing" }),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.codes(), ["duplicate_value"]);

    let path = format!("/api/v2/solutions/categories/{category}");
    let renamed = api
        .agent_send(
            Method::PUT,
            &path,
            ADMIN_KEY,
            json!({ "name": "Quark lore" }),
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.json()["name"], "Quark lore");
    assert_eq!(renamed.json()["description"], "All about quarks");
    let french = api
        .agent_send(
            Method::POST,
            &format!("{path}/fr"),
            ADMIN_KEY,
            json!({ "name": "Les quarks" }),
        )
        .await;
    assert_eq!(french.status, 201, "{}", french.body);
    assert_eq!(
        api.agent_get(&format!("{path}/fr"), ADMIN_KEY).await.json()["name"],
        "Les quarks"
    );
    assert_eq!(
        api.agent_get(&path, ADMIN_KEY).await.json()["name"],
        "Quark lore"
    );

    let folder = api
        .agent_send(
            Method::POST,
            &format!("{path}/folders"),
            ADMIN_KEY,
            json!({ "name": "Basics", "visibility": 1 }),
        )
        .await
        .json()["id"]
        .as_u64()
        .unwrap();
    let id = publish(&api, folder, "Quark basics").await["id"]
        .as_u64()
        .unwrap();
    let found = api
        .agent_get("/api/v2/search/solutions?term=zyxquark", ADMIN_KEY)
        .await;
    assert_eq!(found.ids(), vec![id]);
    // Outside the widget's categories: the widget does not find it.
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());

    let deleted = fetch(api.agent(Method::DELETE, &path, ADMIN_KEY)).await;
    assert_eq!(deleted.status, 204);
    for gone in [
        path.clone(),
        format!("/api/v2/solutions/folders/{folder}"),
        format!("/api/v2/solutions/articles/{id}"),
    ] {
        assert_eq!(api.agent_get(&gone, ADMIN_KEY).await.status, 404, "{gone}");
    }
    let found = api
        .agent_get("/api/v2/search/solutions?term=zyxquark", ADMIN_KEY)
        .await;
    assert!(found.ids().is_empty());
}

#[tokio::test]
async fn an_agents_role_decides_what_the_knowledge_base_lets_them_do() {
    let api = Api::start().await;
    let path = format!("/api/v2/solutions/folders/{PUBLIC_FOLDER}/articles");
    // Stan's role ("Agent") reads the knowledge base but may not write it.
    let refused = api
        .agent_send(Method::POST, &path, AGENT_KEY, article("t", 2))
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.codes(), ["access_denied"]);
    assert!(
        refused.reason().contains("\"Agent\""),
        "{}",
        refused.reason()
    );
    assert_eq!(api.agent_get(&path, AGENT_KEY).await.status, 200);
    // Vera's ("Knowledge Base Editor") may.
    let written = api
        .agent_send(Method::POST, &path, EDITOR_KEY, article("t", 2))
        .await;
    assert_eq!(written.status, 201);
    // No key, or an unknown one.
    let anonymous = fetch(api.bare(Method::GET, &path)).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.codes(), ["invalid_credentials"]);
    let unknown = api.agent_get(&path, "nobody").await;
    assert_eq!(unknown.status, 401);
}

#[tokio::test]
async fn lists_come_in_pages_with_a_link_to_the_next_one_only_when_there_is_one() {
    let api = Api::start().await;
    let path = format!("/api/v2/solutions/folders/{PUBLIC_FOLDER}/articles");
    let first = api
        .agent_get(&format!("{path}?per_page=5"), ADMIN_KEY)
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json().as_array().unwrap().len(), 5);
    let link = first.header("link").expect("a next page");
    let host = api.uri().trim_start_matches("http://").to_owned();
    assert_eq!(
        link,
        format!("<http://{host}{path}?per_page=5&page=2>; rel=\"next\"")
    );
    let last = api
        .agent_get(&format!("{path}?per_page=5&page=3"), ADMIN_KEY)
        .await;
    assert_eq!(last.json().as_array().unwrap().len(), 2);
    assert_eq!(last.header("link"), None);
    let beyond = api.agent_get(&format!("{path}?page=9"), ADMIN_KEY).await;
    assert_eq!(beyond.json(), json!([]));
    for (query, field) in [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
    ] {
        let reply = api.agent_get(&format!("{path}?{query}"), ADMIN_KEY).await;
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.fields(), [field], "{query}");
        assert_eq!(reply.codes(), ["invalid_value"], "{query}");
    }
    let odd = api
        .agent_get(&format!("{path}?colour=red"), ADMIN_KEY)
        .await;
    assert_eq!(odd.status, 400);
    assert_eq!(odd.codes(), ["invalid_field"]);
}

#[tokio::test]
async fn agent_answers_carry_freshdesks_headers_and_unserved_paths_say_what_is_served() {
    let api = Api::start().await;
    let reply = api
        .agent_get("/api/v2/solutions/categories", ADMIN_KEY)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("x-freshdesk-api-version"),
        Some("latest=v2; requested=v2")
    );
    assert!(reply.header("x-request-id").is_some());
    assert!(reply.header("x-ratelimit-remaining").is_some());
    let unserved = api.agent_get("/api/v2/time_entries", ADMIN_KEY).await;
    assert_eq!(unserved.status, 404);
    assert!(
        unserved.reason().contains("solutions"),
        "{}",
        unserved.reason()
    );
    let wrong = fetch(api.agent(Method::PATCH, "/api/v2/solutions/categories", ADMIN_KEY)).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("GET, POST"));
}

#[tokio::test]
async fn reset_forgets_what_the_api_wrote_and_the_fixtures_are_searched_again() {
    let api = Api::start().await;
    let before = widget_finds(&api, None, "password").await;
    assert!(!before.is_empty());
    publish(&api, PUBLIC_FOLDER, "Quark setup").await;
    let fixture = before[0];
    let reply = api
        .agent_send(
            Method::PUT,
            &format!("/api/v2/solutions/articles/{fixture}"),
            ADMIN_KEY,
            json!({ "status": 1 }),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert!(!widget_finds(&api, None, "password")
        .await
        .contains(&fixture));

    api.control(Method::POST, "reset", json!({})).await;
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
    assert_eq!(widget_finds(&api, None, "password").await, before);
}

#[tokio::test]
async fn what_the_api_wrote_survives_a_restart_on_the_same_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let api = Api::on(pinned().data_dir(dir.path()).start().await);
        let id = publish(&api, PUBLIC_FOLDER, "Quark setup").await["id"]
            .as_u64()
            .unwrap();
        let reply = api
            .agent_send(
                Method::PUT,
                "/api/v2/solutions/folders/12",
                ADMIN_KEY,
                json!({ "visibility": 1 }),
            )
            .await;
        assert_eq!(reply.status, 200);
        id
    };
    // The first server lets go of the data directory once its connections close.
    let mut restarted = None;
    for _ in 0..100 {
        match pinned().data_dir(dir.path()).try_start().await {
            Ok(server) => {
                restarted = Some(server);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let api = Api::on(restarted.expect("the data directory is free within 10 s"));
    assert_eq!(widget_finds(&api, None, "zyxquark").await, vec![id]);
    // Folder 12 ("Members area", logged-in users) was opened to anyone.
    let members = api.get("/api/widget/solutions/article/1201").await;
    assert_eq!(members.status, 200, "{}", members.reason());
    // New ids continue after the stored ones.
    let next = publish(&api, PUBLIC_FOLDER, "Quark two").await["id"]
        .as_u64()
        .unwrap();
    assert!(next > id);
}

#[tokio::test]
async fn a_state_snapshot_carries_the_knowledge_base_changes() {
    let api = Api::start().await;
    let id = publish(&api, PUBLIC_FOLDER, "Quark setup").await["id"]
        .as_u64()
        .unwrap();
    let saved = api.inspect("state").await;
    api.control(Method::POST, "reset", json!({})).await;
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
    api.control(Method::PUT, "state", saved).await;
    assert_eq!(widget_finds(&api, None, "zyxquark").await, vec![id]);
}

#[tokio::test]
async fn the_widgets_ticket_form_is_not_confused_by_api_made_articles() {
    // Suggested articles and hits read the edited catalog.
    let api = Api::start().await;
    let id = publish(&api, PUBLIC_FOLDER, "Quark setup").await["id"]
        .as_u64()
        .unwrap();
    let hit = fetch(api.widget(
        Method::PUT,
        &format!("/api/widget/solutions/article/{id}/hit"),
        WIDGET,
        "c",
    ))
    .await;
    assert_eq!(hit.status, 204, "{}", hit.body);
    let read = api
        .agent_get(&format!("/api/v2/solutions/articles/{id}"), ADMIN_KEY)
        .await;
    assert_eq!(read.json()["hits"], 1);
}

#[tokio::test]
async fn the_request_log_names_the_agent_behind_each_agent_api_call() {
    let api = Api::start().await;
    publish(&api, PUBLIC_FOLDER, "Quark setup").await;
    let log = api.inspect("requests?email=agatha@acme.test").await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["route"], "agent.create_article");
    assert_eq!(entries[0]["agent"], "agatha@acme.test");
    assert_eq!(entries[0]["status"], 201);
}

#[tokio::test]
async fn restoring_a_snapshot_from_before_an_edit_undoes_it_in_the_widgets_search() {
    let api = Api::start().await;
    let saved = api.inspect("state").await;
    let before = widget_finds(&api, None, "password").await;
    let fixture = before[0];
    let reply = api
        .agent_send(
            Method::PUT,
            &format!("/api/v2/solutions/articles/{fixture}"),
            ADMIN_KEY,
            json!({ "status": 1 }),
        )
        .await;
    assert_eq!(reply.status, 200);
    publish(&api, PUBLIC_FOLDER, "Quark setup").await;
    assert!(!widget_finds(&api, None, "password")
        .await
        .contains(&fixture));

    api.control(Method::PUT, "state", saved).await;
    assert_eq!(widget_finds(&api, None, "password").await, before);
    assert!(widget_finds(&api, None, "zyxquark").await.is_empty());
}
