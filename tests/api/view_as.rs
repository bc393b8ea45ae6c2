//! The dashboard's control endpoints over real HTTP: `GET /_freshmock/view-as` (what one
//! persona gets from the widget, and why not) agrees with the widget API itself;
//! `GET /_freshmock/kb` (the tree with its rules); `GET /_freshmock/ui` (the page).

use freshmock::MockServer;
use reqwest::Method;
use serde_json::Value;

use crate::support::*;

/// `GET /_freshmock/view-as?<query>`: status and body.
async fn view_as(api: &Api, query: &str) -> (u16, Value) {
    let reply = fetch(api.bare(Method::GET, &format!("/_freshmock/view-as?{query}"))).await;
    (reply.status.as_u16(), reply.json())
}

/// The entry for one article in view-as's `articles`.
fn article(body: &Value, id: u64) -> Value {
    body["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("article {id} missing from {body}"))
        .clone()
}

#[tokio::test]
async fn company_a_sees_its_article_and_company_b_is_hidden_with_the_rule() {
    let api = Api::start().await;

    let (status, body) = view_as(&api, &format!("email={ALICE}&term=password")).await;

    assert_eq!(status, 200);
    assert_eq!(body["sees_as"], "contact");
    assert_eq!(body["persona"]["companies"][0]["name"], "Globex");
    assert_eq!(ids(&body["search"]), [1101, 1401]);
    assert_eq!(ids(&body["suggested"]), [1101, 1201, 2101, 1401, 1110]);
    let own = article(&body, 1401);
    assert_eq!(own["visible"], true);
    assert_eq!(own["searchable"], true);
    assert!(own["reason"].is_null());
    let other = article(&body, 1501);
    assert_eq!(other["visible"], false);
    assert_eq!(
        other["reason"],
        "article 1501 is in folder 15 (Initech corner), visible to contacts of Initech only"
    );
}

#[tokio::test]
async fn anonymous_is_the_default_and_sees_only_public_articles() {
    let api = Api::start().await;

    let (status, body) = view_as(&api, "term=password").await;

    assert_eq!(status, 200);
    assert_eq!(body["persona"]["kind"], "anonymous");
    assert_eq!(body["sees_as"], "anonymous");
    assert_eq!(ids(&body["search"]), [1101]);
    assert_eq!(ids(&body["suggested"]), [1101, 2101, 1110, 1102, 2102]);
    assert_eq!(
        article(&body, 1201)["reason"],
        "article 1201 is in folder 12 (Members area), visible to logged-in users only"
    );
    assert_eq!(body["widget"], 12000000025u64);
}

/// The same function calls the widget makes: every persona's search and suggestions equal
/// what the widget API answers them.
#[tokio::test]
async fn view_as_agrees_with_the_widget_api_for_every_persona() {
    let api = Api::start().await;
    for (label, persona) in PERSONAS {
        let email = persona.unwrap_or_default();
        for language in ["", "fr", "de"] {
            let (status, body) = view_as(
                &api,
                &format!("email={email}&term=password&language={language}"),
            )
            .await;
            assert_eq!(status, 200, "{label}");
            let search = api
                .get_as(
                    persona,
                    &format!("/api/widget/search/solutions?term=password&language={language}"),
                )
                .await;
            let suggested = api
                .get_as(
                    persona,
                    &format!("/api/widget/solutions/suggested_articles?language={language}"),
                )
                .await;
            assert_eq!(ids(&body["search"]), search.ids(), "{label} {language}");
            assert_eq!(
                ids(&body["suggested"]),
                suggested.ids(),
                "{label} {language}"
            );
            // Every article view-as calls visible opens in the widget, and no other.
            for entry in body["articles"].as_array().unwrap() {
                let id = entry["id"].as_u64().unwrap();
                if ![1101, 1401, 1501, 1701, 1801, 1105, 3101, 1301].contains(&id) {
                    continue;
                }
                let shown = api
                    .get_as(
                        persona,
                        &format!("/api/widget/solutions/article/{id}?language={language}"),
                    )
                    .await;
                assert_eq!(
                    entry["visible"] == true,
                    shown.status == 200,
                    "{label} {language} article {id}"
                );
                if shown.status == 404 {
                    assert_eq!(entry["reason"], shown.reason(), "{label} {id}");
                }
            }
        }
    }
}

#[tokio::test]
async fn segment_folders_open_for_members_but_are_never_searched() {
    let api = Api::start().await;

    let (_, body) = view_as(&api, &format!("email={SAM}&term=beta")).await;

    let member = article(&body, 1701);
    assert_eq!(member["visible"], true);
    assert_eq!(member["searchable"], false);
    assert_eq!(
        member["search_reason"],
        "article 1701 is in folder 17 (Beta programme), visible to segments, and segment folders are never searched"
    );
    assert_eq!(
        body["persona"]["contact_segments"][0]["name"],
        "Beta testers"
    );
}

#[tokio::test]
async fn the_language_follows_the_widgets_resolution_and_says_why() {
    let api = Api::start().await;

    let (_, profile) = view_as(&api, &format!("email={GRETA}")).await;
    let (_, param) = view_as(&api, &format!("email={GRETA}&language=fr")).await;
    let (_, header) = view_as(&api, "accept_language=fr-CA,en;q=0.5").await;
    let (_, default) = view_as(&api, "").await;

    assert_eq!(profile["language"], "de");
    assert_eq!(
        profile["language_reason"],
        "the customer's profile language"
    );
    assert_eq!(param["language"], "fr");
    assert_eq!(param["language_reason"], "the language parameter");
    assert_eq!(header["language"], "fr");
    assert_eq!(header["language_reason"], "the Accept-Language header");
    assert_eq!(default["language"], "en");
    // 1105 has no French translation: hidden in French, with the reason.
    assert_eq!(
        article(&param, 1105)["reason"],
        "article 1105 has no fr translation, and Freshdesk does not fall back to another language"
    );
}

#[tokio::test]
async fn a_referrer_picks_the_widgets_suggestion_rule() {
    let api = Api::start().await;

    let (_, body) = view_as(&api, "referrer=https://shop.example/pricing").await;

    assert_eq!(body["suggestion_rule"], "/pricing");
    assert_eq!(ids(&body["suggested"]), [2101, 2102]);
}

#[tokio::test]
async fn agents_see_as_agents_and_agents_without_ticket_rights_open_as_contacts_but_search_as_agents(
) {
    let api = Api::start().await;

    let (_, stan) = view_as(&api, &format!("email={STAN}&term=password")).await;
    let (_, vera) = view_as(&api, &format!("email={VERA}&term=password")).await;

    assert_eq!(stan["sees_as"], "agent");
    let mut found = ids(&stan["search"]);
    found.sort_unstable();
    assert_eq!(found, [1101, 1301, 1401, 1501]);
    assert_eq!(vera["sees_as"], "contact");
    assert_eq!(vera["persona"]["manage_tickets"], false);
    let mut searched = ids(&vera["search"]);
    searched.sort_unstable();
    assert_eq!(searched, [1101, 1301, 1401, 1501]);
}

#[tokio::test]
async fn blocked_and_unknown_users_are_refused_as_the_widget_refuses_them() {
    let api = Api::start().await;

    let (status, blocked) = view_as(&api, &format!("email={BLAKE_BLOCKED}")).await;
    let (_, unknown) = view_as(&api, "email=nobody@example.test").await;

    assert_eq!(status, 200);
    assert_eq!(blocked["refused"]["status"], 403);
    assert_eq!(blocked["refused"]["code"], "invalid_user");
    assert!(blocked["refused"]["reason"]
        .as_str()
        .unwrap()
        .contains("blocked"));
    assert_eq!(blocked["articles"], serde_json::json!([]));
    assert_eq!(unknown["refused"]["status"], 404);
    assert_eq!(unknown["refused"]["code"], "absent_in_db");
    assert_eq!(unknown["persona"]["kind"], "unknown");
}

#[tokio::test]
async fn a_rotated_secret_does_not_change_what_a_persona_sees() {
    let api = Api::start().await;
    api.control(Method::POST, "secret/rotate", serde_json::json!({}))
        .await;

    let (_, body) = view_as(&api, &format!("email={ALICE}&term=password")).await;

    assert!(body["refused"].is_null(), "{body}");
    assert_eq!(ids(&body["search"]), [1101, 1401]);
}

#[tokio::test]
async fn unknown_parameters_and_widgets_are_errors() {
    let api = Api::start().await;

    let (status, body) = view_as(&api, "persona=alice").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, body) = view_as(&api, "widget=1").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_widget"))
    );
    let (status, body) = view_as(&api, &format!("widget={INACTIVE_WIDGET}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["refused"]["code"], "invalid_help_widget");
}

#[tokio::test]
async fn the_tree_names_each_folders_rule_and_each_articles_languages() {
    let api = Api::start().await;

    let reply = fetch(api.bare(Method::GET, "/_freshmock/kb")).await;

    assert_eq!(reply.status, 200);
    let kb = reply.json();
    let folders: Vec<(u64, String)> = kb["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["folders"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["id"].as_u64().unwrap(),
                f["badge"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(folders.len(), 12);
    let badge = |id: u64| folders.iter().find(|f| f.0 == id).unwrap().1.clone();
    assert_eq!(badge(14), "Companies: Globex");
    assert_eq!(badge(17), "Contact segments: Beta testers");
    assert_eq!(badge(18), "Company segments: Enterprise customers");
    assert_eq!(badge(12), "Logged-in users");
    let articles: Vec<Value> = kb["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["folders"].as_array().unwrap().clone())
        .flat_map(|f| f["articles"].as_array().unwrap().clone())
        .collect();
    assert_eq!(articles.len(), 46);
    let exporting = articles.iter().find(|a| a["id"] == 1105).unwrap();
    assert_eq!(exporting["languages"], serde_json::json!(["de", "en"]));
    let draft = articles.iter().find(|a| a["id"] == 1103).unwrap();
    assert_eq!(draft["status"], "draft");
    let top = articles.iter().find(|a| a["id"] == 1101).unwrap();
    assert_eq!(top["hits"], 900);
    assert_eq!(kb["categories"][2]["widgets"], serde_json::json!([]));
}

#[tokio::test]
async fn the_dashboard_page_and_its_files_are_served() {
    let api = Api::start().await;

    let page = fetch(api.bare(Method::GET, "/_freshmock/ui")).await;
    let slash = fetch(api.bare(Method::GET, "/_freshmock/ui/")).await;
    let script = fetch(api.bare(Method::GET, "/_freshmock/ui/app.js")).await;
    let style = fetch(api.bare(Method::GET, "/_freshmock/ui/style.css")).await;
    let missing = fetch(api.bare(Method::GET, "/_freshmock/ui/nope.js")).await;

    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("/_freshmock/ui/app.js"));
    assert_eq!(slash.body, page.body);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(missing.status, 404);
    assert_eq!(missing.code(), "not_found");
}

#[tokio::test]
async fn the_page_is_public_but_its_data_needs_the_control_token() {
    let server = Api::on(MockServer::builder().control_token("s3cret").start().await);
    let get = |path: &str| fetch(server.bare(Method::GET, path));

    assert_eq!(get("/_freshmock/ui").await.status, 200);
    assert_eq!(get("/_freshmock/kb").await.status, 401);
    assert_eq!(get("/_freshmock/view-as").await.status, 401);
    let with_token = fetch(
        server
            .bare(Method::GET, "/_freshmock/view-as")
            .bearer_auth("s3cret"),
    )
    .await;
    assert_eq!(with_token.status, 200);
}

#[tokio::test]
async fn the_openapi_document_describes_the_dashboard_endpoints() {
    let api = Api::start().await;

    let doc = fetch(api.bare(Method::GET, "/_freshmock/openapi.json"))
        .await
        .json();

    for path in ["/_freshmock/kb", "/_freshmock/view-as", "/_freshmock/ui"] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    let params: Vec<&str> = doc["paths"]["/_freshmock/view-as"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "email",
            "language",
            "term",
            "referrer",
            "widget",
            "accept_language"
        ]
    );
}
