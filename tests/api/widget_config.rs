//! `GET /widgets/:id.json`: the configuration the CDN publishes for an active widget
//! (spec section 7).

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{fetch, keys, Api};

async fn config(id: &str) -> crate::support::Reply {
    let api = Api::start().await;
    fetch(api.bare(Method::GET, &format!("/widgets/{id}.json"))).await
}

#[tokio::test]
async fn widget_config_has_the_published_keys() {
    let reply = config("12000000025").await;

    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(
        keys(&body),
        [
            "account_id",
            "account_url",
            "active",
            "created_at",
            "date_format",
            "id",
            "languages",
            "name",
            "product_id",
            "settings",
            "updated_at",
        ]
    );
}

#[tokio::test]
async fn widget_config_describes_the_widget_and_its_account() {
    let reply = config("12000000025").await;

    let body = reply.json();
    assert_eq!(body["id"], 12_000_000_025u64);
    assert_eq!(body["account_id"], 1);
    assert_eq!(body["name"], "Acme help");
    assert_eq!(body["active"], true);
    assert_eq!(body["product_id"], json!(null));
    assert_eq!(body["date_format"], 1);
    assert_eq!(body["account_url"], "https://acme.freshdesk.com");
    assert_eq!(body["created_at"], "2024-03-01T09:30:00Z");
    assert_eq!(body["updated_at"], "2026-09-14T08:30:00Z");
}

#[tokio::test]
async fn widget_config_lists_the_portal_languages() {
    let reply = config("12000000025").await;

    let languages = reply.json()["languages"].clone();
    assert_eq!(languages["primary"], "en");
    let supported: Vec<&str> = languages["supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        supported.contains(&"fr") && supported.contains(&"de"),
        "{supported:?}"
    );
}

#[tokio::test]
async fn widget_config_settings_have_every_published_key() {
    let reply = config("12000000025").await;

    let settings = reply.json()["settings"].clone();
    assert_eq!(
        keys(&settings),
        [
            "appearance",
            "button_text",
            "components",
            "contact_form",
            "message",
            "widget_flow"
        ]
    );
    assert_eq!(
        keys(&settings["components"]),
        ["contact_form", "predictive_support", "solution_articles"]
    );
    assert_eq!(
        keys(&settings["contact_form"]),
        [
            "attach_file",
            "captcha",
            "form_button_text",
            "form_submit_message",
            "form_title",
            "form_type",
            "require_login",
            "screenshot"
        ]
    );
    assert_eq!(
        keys(&settings["appearance"]),
        [
            "button_color",
            "button_text_color",
            "color_schema",
            "gradient",
            "offset_from_bottom",
            "offset_from_left",
            "offset_from_right",
            "pattern",
            "position",
            "remove_freshworks_branding",
            "theme_color",
            "theme_text_color"
        ]
    );
}

#[tokio::test]
async fn widget_config_settings_default_as_freshdesk_does() {
    let reply = config("12000000028").await;

    let settings = reply.json()["settings"].clone();
    assert_eq!(
        settings["components"],
        json!({ "contact_form": false, "solution_articles": false, "predictive_support": false })
    );
    let form = &settings["contact_form"];
    assert_eq!(form["form_type"], 1);
    assert_eq!(form["attach_file"], true);
    assert_eq!(form["screenshot"], false);
    assert_eq!(form["captcha"], true);
    assert_eq!(form["require_login"], false);
    let appearance = &settings["appearance"];
    assert_eq!(appearance["position"], 1);
    assert_eq!(appearance["offset_from_bottom"], 30);
    assert_eq!(appearance["theme_color"], "#00a886");
}

#[tokio::test]
async fn widget_config_publishes_the_fixture_settings() {
    let reply = config("12000000027").await;

    let form = reply.json()["settings"]["contact_form"].clone();
    assert_eq!(form["form_type"], 2);
    assert_eq!(form["require_login"], true);
}

#[tokio::test]
async fn inactive_widget_has_no_published_config() {
    let reply = config("12000000026").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body, "");
}

#[tokio::test]
async fn unknown_widget_has_no_published_config() {
    let reply = config("12000000099").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body, "");
}
