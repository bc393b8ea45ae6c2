//! The language a widget call is answered in (spec section 6): the `language` parameter,
//! the profile language, `Accept-Language`, the portal's language, the primary language;
//! unknown codes ignored; no per-article fallback; Freshdesk's `language_id`s.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{bundled, fetch, main_widget, Api, FRANCOIS, GRETA, NORA};

const SHOW_1101: &str = "/api/widget/solutions/article/1101";
const FR_TITLE: &str = "Réinitialiser votre mot de passe";
const DE_TITLE: &str = "Passwort zurücksetzen";
const EN_TITLE: &str = "How to reset your password";

/// Article 1101's title and language id as answered to `request`.
async fn title_and_id(request: reqwest::RequestBuilder) -> (String, u64) {
    let reply = fetch(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    (
        body["title"].as_str().unwrap().to_owned(),
        body["language_id"].as_u64().unwrap(),
    )
}

fn fr() -> (String, u64) {
    (FR_TITLE.to_owned(), 11)
}

fn de() -> (String, u64) {
    (DE_TITLE.to_owned(), 5)
}

fn en() -> (String, u64) {
    (EN_TITLE.to_owned(), 6)
}

// Step 1: the language parameter.

#[tokio::test]
async fn language_parameter_chooses_the_language() {
    let api = Api::start().await;

    let answer = title_and_id(api.call(&format!("{SHOW_1101}?language=fr"))).await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn language_parameter_beats_the_profile_language() {
    let api = Api::start().await;

    let answer =
        title_and_id(api.call_as(Some(FRANCOIS), &format!("{SHOW_1101}?language=de"))).await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn unknown_language_parameter_is_ignored() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call(&format!("{SHOW_1101}?language=xx"))
            .header("Accept-Language", "de"),
    )
    .await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn language_parameter_outside_the_portal_languages_is_ignored() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call(&format!("{SHOW_1101}?language=es"))
            .header("Accept-Language", "fr"),
    )
    .await;

    assert_eq!(answer, fr());
}

// Step 2: the logged-in user's profile language.

#[tokio::test]
async fn french_profile_language_is_used_without_a_parameter() {
    let api = Api::start().await;

    let answer = title_and_id(api.call_as(Some(FRANCOIS), SHOW_1101)).await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn german_profile_language_is_used_without_a_parameter() {
    let api = Api::start().await;

    let answer = title_and_id(api.call_as(Some(GRETA), SHOW_1101)).await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn profile_language_beats_accept_language() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call_as(Some(FRANCOIS), SHOW_1101)
            .header("Accept-Language", "de"),
    )
    .await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn a_logged_in_customer_without_a_language_gets_the_primary_not_the_browsers() {
    let api = Api::start().await;

    // Nora's profile has no language: Freshdesk falls back to the account's primary
    // language and never reads the browser's (`Language.for_current_user`).
    let answer = title_and_id(
        api.call_as(Some(NORA), SHOW_1101)
            .header("Accept-Language", "fr"),
    )
    .await;

    assert_eq!(answer, en());
}

#[tokio::test]
async fn a_logged_in_customer_ignores_the_portal_language_too() {
    let mut set = bundled();
    set.account.portal_language = Some("de".into());
    let api = Api::start_with(set).await;

    let answer = title_and_id(api.call_as(Some(NORA), SHOW_1101)).await;

    assert_eq!(answer, en());
}

// Step 3, for anonymous callers: Accept-Language, best match.

#[tokio::test]
async fn accept_language_is_used_for_anonymous_callers() {
    let api = Api::start().await;

    let answer = title_and_id(api.call(SHOW_1101).header("Accept-Language", "fr")).await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn accept_language_prefers_the_highest_quality() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call(SHOW_1101)
            .header("Accept-Language", "en;q=0.3, fr;q=0.5, de;q=0.9"),
    )
    .await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn accept_language_skips_languages_the_portal_does_not_offer() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call(SHOW_1101)
            .header("Accept-Language", "es, it;q=0.9, fr;q=0.8, en;q=0.1"),
    )
    .await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn accept_language_with_a_region_matches_its_base_language() {
    let api = Api::start().await;

    let answer = title_and_id(
        api.call(SHOW_1101)
            .header("Accept-Language", "de-AT, en;q=0.5"),
    )
    .await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn accept_language_with_quality_zero_is_not_acceptable() {
    let api = Api::start().await;

    let answer = title_and_id(api.call(SHOW_1101).header("Accept-Language", "fr;q=0")).await;

    assert_eq!(answer, en());
}

// Steps 4 and 5: the portal's language, then the primary language.

#[tokio::test]
async fn portal_language_is_used_without_any_hint() {
    let mut set = bundled();
    set.account.portal_language = Some("de".into());
    let api = Api::start_with(set).await;

    let answer = title_and_id(api.call(SHOW_1101)).await;

    assert_eq!(answer, de());
}

#[tokio::test]
async fn accept_language_beats_the_portal_language() {
    let mut set = bundled();
    set.account.portal_language = Some("de".into());
    let api = Api::start_with(set).await;

    let answer = title_and_id(api.call(SHOW_1101).header("Accept-Language", "fr")).await;

    assert_eq!(answer, fr());
}

#[tokio::test]
async fn primary_language_is_used_without_any_hint() {
    let api = Api::start().await;

    let answer = title_and_id(api.call(SHOW_1101)).await;

    assert_eq!(answer, en());
}

#[tokio::test]
async fn account_that_is_not_multilingual_always_answers_in_its_primary_language() {
    let mut set = bundled();
    set.account.multilingual = false;
    let api = Api::start_with(set).await;

    let answer = title_and_id(
        api.call_as(Some(FRANCOIS), &format!("{SHOW_1101}?language=de"))
            .header("Accept-Language", "fr"),
    )
    .await;

    assert_eq!(answer, en());
}

// No per-article fallback.

#[tokio::test]
async fn article_without_the_resolved_language_is_404() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/solutions/article/1104?language=fr")
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Rails' `head :not_found`, as Freshdesk answers: one space.
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn article_without_the_profile_language_is_404() {
    let api = Api::start().await;

    let reply = api
        .get_as(Some(FRANCOIS), "/api/widget/solutions/article/1105")
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Rails' `head :not_found`, as Freshdesk answers: one space.
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn article_without_french_is_left_out_of_french_search() {
    let api = Api::start().await;
    let english = api.get("/api/widget/search/solutions?term=shortcuts").await;
    assert_eq!(english.ids(), [1104], "the term finds 1104 in English");

    let french = api
        .get("/api/widget/search/solutions?term=shortcuts&language=fr")
        .await;

    assert_eq!(french.status, StatusCode::OK);
    assert_eq!(french.ids(), Vec::<u64>::new());
}

#[tokio::test]
async fn article_without_french_is_left_out_of_french_suggestions() {
    let mut set = bundled();
    main_widget(&mut set).suggestions[0].articles = vec![1104, 1101, 1105, 1102];
    let api = Api::start_with(set).await;

    let reply = fetch(
        api.call("/api/widget/solutions/suggested_articles?language=fr")
            .header("X-Widget-Referrer", "https://acme.test/pricing"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1102]);
}

// What the answers say.

#[tokio::test]
async fn search_answers_in_the_resolved_language() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=password&language=de")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()[0]["title"], DE_TITLE);
}

#[tokio::test]
async fn search_matches_text_in_the_resolved_language() {
    let api = Api::start().await;

    let reply = api
        .get("/api/widget/search/solutions?term=mot%20de%20passe&language=fr")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101]);
}

#[tokio::test]
async fn language_ids_follow_freshdesks_table() {
    let api = Api::start().await;
    let mut ids = Vec::new();

    for language in ["en", "fr", "de"] {
        let reply = api
            .get(&format!(
                "/api/widget/solutions/suggested_articles?language={language}"
            ))
            .await;
        let all: Vec<Value> = reply.json().as_array().unwrap().clone();
        assert!(!all.is_empty());
        let mut distinct: Vec<u64> = all
            .iter()
            .map(|a| a["language_id"].as_u64().unwrap())
            .collect();
        distinct.dedup();
        ids.push((language, distinct));
    }

    assert_eq!(ids, [("en", vec![6]), ("fr", vec![11]), ("de", vec![5])]);
}

#[tokio::test]
async fn portal_link_names_the_resolved_language() {
    let api = Api::start().await;

    let reply = api.get(&format!("{SHOW_1101}?language=fr")).await;

    assert_eq!(reply.status, StatusCode::OK);
    let link = reply.json()["meta"]["portal_link"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        link.starts_with("https://support.acme.test/fr/support/solutions/articles/1101-"),
        "{link}"
    );
}
