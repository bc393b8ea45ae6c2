//! `GET /api/widget/solutions/suggested_articles` (spec section 2): the first rule whose URL
//! is a case-sensitive substring of `X-Widget-Referrer`, in position order; otherwise the
//! five most viewed visible articles; always filtered by visibility.

use freshmock::fixtures::SuggestionRule;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{
    bundled, fetch, keys, main_widget, Api, Persona, ALICE, BOB, GRETA, MAX, NORA, SAM, STAN,
    URSULA, VERA,
};

const SUGGESTED: &str = "/api/widget/solutions/suggested_articles";

async fn suggested(api: &Api, persona: Persona, referrer: Option<&str>) -> Vec<u64> {
    let mut request = api.call_as(persona, SUGGESTED);
    if let Some(referrer) = referrer {
        request = request.header("X-Widget-Referrer", referrer);
    }
    let reply = fetch(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.ids()
}

/// The five most viewed articles a persona may see, with no rule matching.
async fn top_five(persona: Persona) -> Vec<u64> {
    let api = Api::start().await;
    suggested(&api, persona, None).await
}

// Rules.

#[tokio::test]
async fn referrer_containing_a_rules_url_gets_its_articles_in_order() {
    let api = Api::start().await;

    let ids = suggested(&api, None, Some("https://acme.test/pricing/enterprise")).await;

    assert_eq!(ids, [2101, 2102]);
}

#[tokio::test]
async fn a_later_rule_applies_when_an_earlier_one_does_not_match() {
    let api = Api::start().await;

    let ids = suggested(
        &api,
        Some(ALICE),
        Some("https://acme.test/account/settings"),
    )
    .await;

    assert_eq!(ids, [1101, 1401, 1102]);
}

#[tokio::test]
async fn rule_articles_are_filtered_by_visibility() {
    let api = Api::start().await;

    let ids = suggested(&api, None, Some("https://acme.test/account/settings")).await;

    assert_eq!(ids, [1101, 1102]);
}

#[tokio::test]
async fn rule_urls_match_case_sensitively() {
    let api = Api::start().await;

    let ids = suggested(&api, None, Some("https://acme.test/Pricing")).await;

    assert_eq!(ids, [1101, 2101, 1110, 1102, 2102]);
}

#[tokio::test]
async fn rules_are_tried_in_position_order() {
    let mut set = bundled();
    main_widget(&mut set).suggestions = vec![
        SuggestionRule {
            position: 2,
            url: "/help".into(),
            articles: vec![1102],
        },
        SuggestionRule {
            position: 1,
            url: "/help/billing".into(),
            articles: vec![2101],
        },
    ];
    let api = Api::start_with(set).await;

    let ids = suggested(&api, None, Some("https://acme.test/help/billing")).await;

    assert_eq!(ids, [2101]);
}

#[tokio::test]
async fn matching_rule_whose_articles_are_all_hidden_suggests_nothing() {
    let mut set = bundled();
    main_widget(&mut set).suggestions[0].articles = vec![1201, 1301];
    let api = Api::start_with(set).await;

    let ids = suggested(&api, None, Some("https://acme.test/pricing")).await;

    assert_eq!(ids, Vec::<u64>::new());
}

#[tokio::test]
async fn referrer_matching_no_rule_gets_the_most_viewed() {
    let api = Api::start().await;

    let ids = suggested(&api, None, Some("https://acme.test/careers")).await;

    assert_eq!(ids, [1101, 2101, 1110, 1102, 2102]);
}

#[tokio::test]
async fn widget_without_rules_suggests_the_most_viewed_whatever_the_referrer() {
    let api = Api::start().await;

    let reply = fetch(
        api.call_widget("12000000027", SUGGESTED)
            .header("X-Widget-Referrer", "https://acme.test/pricing"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 2101, 1110, 1102, 2102]);
}

#[tokio::test]
async fn suggestions_are_summaries_like_search_results() {
    let api = Api::start().await;

    let reply = fetch(
        api.call(SUGGESTED)
            .header("X-Widget-Referrer", "https://acme.test/pricing"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    let first: Value = reply.json()[0].clone();
    assert_eq!(keys(&first), ["id", "language_id", "modified_at", "title"]);
    assert_eq!(first["title"], "Understanding your invoice");
    assert_eq!(first["modified_at"], "2026-03-03T09:00:00Z");
}

// The most viewed, per persona (fixtures/README.md).

#[tokio::test]
async fn anonymous_gets_the_five_most_viewed_public_articles() {
    assert_eq!(top_five(None).await, [1101, 2101, 1110, 1102, 2102]);
}

#[tokio::test]
async fn contact_without_company_also_gets_logged_in_articles() {
    assert_eq!(top_five(Some(NORA)).await, [1101, 1201, 2101, 1110, 1102]);
}

#[tokio::test]
async fn globex_contact_also_gets_the_globex_article() {
    assert_eq!(top_five(Some(ALICE)).await, [1101, 1201, 2101, 1401, 1110]);
}

#[tokio::test]
async fn german_globex_contact_gets_the_same_articles_in_german() {
    assert_eq!(top_five(Some(GRETA)).await, [1101, 1201, 2101, 1401, 1110]);
}

#[tokio::test]
async fn initech_contact_also_gets_the_initech_article() {
    assert_eq!(top_five(Some(BOB)).await, [1101, 1201, 2101, 1501, 1110]);
}

#[tokio::test]
async fn contact_of_two_companies_gets_both_company_articles() {
    assert_eq!(top_five(Some(MAX)).await, [1101, 1201, 2101, 1401, 1501]);
}

#[tokio::test]
async fn contact_segment_member_also_gets_the_segment_article() {
    assert_eq!(top_five(Some(SAM)).await, [1101, 1201, 2101, 1701, 1110]);
}

#[tokio::test]
async fn company_segment_member_also_gets_the_segment_article() {
    assert_eq!(top_five(Some(URSULA)).await, [1101, 1201, 2101, 1801, 1110]);
}

#[tokio::test]
async fn agent_gets_the_most_viewed_of_everything_but_bots() {
    assert_eq!(top_five(Some(STAN)).await, [1101, 1201, 2101, 1701, 1801]);
}

#[tokio::test]
async fn agent_without_manage_tickets_gets_what_a_contact_gets() {
    assert_eq!(top_five(Some(VERA)).await, [1101, 1201, 2101, 1110, 1102]);
}

// The help_widget_article_customisation feature.

#[tokio::test]
async fn without_article_customisation_a_matching_rule_is_ignored_for_the_most_viewed() {
    let mut fixtures = bundled();
    fixtures.account.features.help_widget_article_customisation = false;
    let api = Api::start_with(fixtures).await;

    let ids = suggested(&api, None, Some("https://acme.test/pricing/enterprise")).await;

    assert_eq!(ids, top_five(None).await);
    assert_ne!(ids, [2101, 2102]);
}

#[tokio::test]
async fn with_article_customisation_a_matching_rule_applies() {
    let mut fixtures = bundled();
    fixtures.account.features.help_widget_article_customisation = true;
    let api = Api::start_with(fixtures).await;

    let ids = suggested(&api, None, Some("https://acme.test/pricing/enterprise")).await;

    assert_eq!(ids, [2101, 2102]);
}
