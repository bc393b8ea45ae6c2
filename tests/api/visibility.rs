//! Who sees which folder (spec section 4), for every visibility kind and every persona, on
//! show (and its alias), search and suggested. The personas are the bundled ones
//! (fixtures/README.md): anonymous, Nora (no company), Alice (Globex), Bob (Initech), Sam
//! (contact segment), Ursula (Umbrella, in a company segment), Stan (agent) and Vera (agent
//! without the manage-tickets privilege).

use freshmock::fixtures::{FixtureSet, SuggestionRule};
use reqwest::StatusCode;

use crate::support::{
    bundled, fetch, main_widget, Api, Persona, ALICE, BOB, GRETA, MAX, NORA, PERSONAS, SAM, STAN,
    URSULA, VERA,
};

const SHOW: &str = "/api/widget/solutions/article/";
const ALIAS: &str = "/api/widget/solutions/";
const SUGGESTED: &str = "/api/widget/solutions/suggested_articles";

const EVERYONE: [&str; 8] = [
    "anonymous",
    "nora",
    "alice",
    "bob",
    "sam",
    "ursula",
    "stan",
    "vera",
];
const LOGGED_IN: [&str; 7] = ["nora", "alice", "bob", "sam", "ursula", "stan", "vera"];
const NOBODY: [&str; 0] = [];

/// One suggestion rule per article under test: the referrer `https://shop.test<url>`
/// suggests exactly that article, so a persona gets it or nothing.
const RULES: [(&str, u64); 11] = [
    ("/anyone", 1101),
    ("/members", 1201),
    ("/agents", 1301),
    ("/globex", 1401),
    ("/initech", 1501),
    ("/bots", 1602),
    ("/beta", 1701),
    ("/enterprise", 1801),
    ("/partner-public", 3201),
    ("/partner-globex", 3101),
    ("/drafts", 1103),
];

fn one_rule_per_article() -> FixtureSet {
    let mut set = bundled();
    main_widget(&mut set).suggestions = RULES
        .iter()
        .zip(1..)
        .map(|((url, id), position)| SuggestionRule {
            position,
            url: (*url).to_owned(),
            articles: vec![*id],
        })
        .collect();
    set
}

/// The personas who get article `id` at `prefix<id>`; a refusal must be an empty 404.
async fn who_can_open(prefix: &str, id: u64) -> Vec<&'static str> {
    let api = Api::start().await;
    let mut openers = Vec::new();
    for (label, persona) in PERSONAS {
        let reply = api.get_as(persona, &format!("{prefix}{id}")).await;
        match reply.status {
            StatusCode::OK => {
                assert_eq!(reply.json()["id"], id, "{label}");
                openers.push(label);
            }
            StatusCode::NOT_FOUND => assert_eq!(reply.body, " ", "{label}: 404 body (Rails' head)"),
            other => panic!("{label}: {other} {}", reply.body),
        }
    }
    openers
}

/// The personas whose search for `term` finds article `id`.
async fn who_finds(term: &str, id: u64) -> Vec<&'static str> {
    let api = Api::start().await;
    let mut finders = Vec::new();
    for (label, persona) in PERSONAS {
        let reply = api
            .get_as(
                persona,
                &format!("/api/widget/search/solutions?term={term}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{label}");
        if reply.ids().contains(&id) {
            finders.push(label);
        }
    }
    finders
}

/// The personas to whom the rule for article `id` suggests it (the others must get an
/// empty list: a matching rule never falls back to the most viewed).
async fn who_is_suggested(id: u64) -> Vec<&'static str> {
    let (url, _) = RULES.iter().find(|(_, a)| *a == id).unwrap();
    let api = Api::start_with(one_rule_per_article()).await;
    let mut suggested = Vec::new();
    for (label, persona) in PERSONAS {
        let reply = fetch(api.call_as(persona, SUGGESTED).header(
            "X-Widget-Referrer",
            format!("https://shop.test{url}?from=widget"),
        ))
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{label}");
        match reply.ids().as_slice() {
            [] => {}
            [only] if *only == id => suggested.push(label),
            other => panic!("{label} got {other:?} for the rule suggesting {id}"),
        }
    }
    suggested
}

/// A persona's search for `password`, as a sorted list of ids.
async fn password_search(persona: Persona) -> Vec<u64> {
    let api = Api::start().await;
    let reply = api
        .get_as(persona, "/api/widget/search/solutions?term=password")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut ids = reply.ids();
    ids.sort_unstable();
    ids
}

// 1: anyone.

#[tokio::test]
async fn public_folder_is_shown_to_everyone() {
    assert_eq!(who_can_open(SHOW, 1101).await, EVERYONE);
}

#[tokio::test]
async fn public_folder_is_shown_to_everyone_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1101).await, EVERYONE);
}

#[tokio::test]
async fn public_folder_is_found_by_everyone() {
    assert_eq!(who_finds("password", 1101).await, EVERYONE);
}

#[tokio::test]
async fn public_folder_is_suggested_to_everyone() {
    assert_eq!(who_is_suggested(1101).await, EVERYONE);
}

// 2: logged-in users.

#[tokio::test]
async fn logged_in_folder_is_shown_to_every_logged_in_user() {
    assert_eq!(who_can_open(SHOW, 1201).await, LOGGED_IN);
}

#[tokio::test]
async fn logged_in_folder_is_shown_to_every_logged_in_user_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1201).await, LOGGED_IN);
}

#[tokio::test]
async fn logged_in_folder_is_found_by_every_logged_in_user() {
    assert_eq!(who_finds("notification", 1201).await, LOGGED_IN);
}

#[tokio::test]
async fn logged_in_folder_is_suggested_to_every_logged_in_user() {
    assert_eq!(who_is_suggested(1201).await, LOGGED_IN);
}

// 3: agents (who may manage tickets).

#[tokio::test]
async fn agents_folder_is_shown_only_to_agents_who_manage_tickets() {
    assert_eq!(who_can_open(SHOW, 1301).await, ["stan"]);
}

#[tokio::test]
async fn agents_folder_is_shown_only_to_agents_who_manage_tickets_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1301).await, ["stan"]);
}

#[tokio::test]
async fn agents_folder_is_found_by_every_agent() {
    // The search asks "is an agent", not the ticket privilege (`widget_concern.rb`).
    assert_eq!(who_finds("password", 1301).await, ["stan", "vera"]);
}

#[tokio::test]
async fn agents_folder_is_suggested_only_to_agents_who_manage_tickets() {
    assert_eq!(who_is_suggested(1301).await, ["stan"]);
}

// 4: selected companies.

#[tokio::test]
async fn globex_folder_is_shown_to_globex_contacts_and_agents() {
    assert_eq!(who_can_open(SHOW, 1401).await, ["alice", "stan"]);
}

#[tokio::test]
async fn globex_folder_is_shown_to_globex_contacts_and_agents_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1401).await, ["alice", "stan"]);
}

#[tokio::test]
async fn globex_folder_is_found_by_globex_contacts_and_agents() {
    assert_eq!(who_finds("password", 1401).await, ["alice", "stan", "vera"]);
}

#[tokio::test]
async fn globex_folder_is_suggested_to_globex_contacts_and_agents() {
    assert_eq!(who_is_suggested(1401).await, ["alice", "stan"]);
}

#[tokio::test]
async fn initech_folder_is_shown_to_initech_contacts_and_agents() {
    assert_eq!(who_can_open(SHOW, 1501).await, ["bob", "stan"]);
}

#[tokio::test]
async fn initech_folder_is_shown_to_initech_contacts_and_agents_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1501).await, ["bob", "stan"]);
}

#[tokio::test]
async fn initech_folder_is_found_by_initech_contacts_and_agents() {
    assert_eq!(who_finds("password", 1501).await, ["bob", "stan", "vera"]);
}

#[tokio::test]
async fn initech_folder_is_suggested_to_initech_contacts_and_agents() {
    assert_eq!(who_is_suggested(1501).await, ["bob", "stan"]);
}

#[tokio::test]
async fn company_b_cannot_open_company_as_article_by_id() {
    let api = Api::start().await;

    let reply = api
        .get_as(Some(BOB), "/api/widget/solutions/article/1401")
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Rails' `head :not_found`, as Freshdesk answers: one space.
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn contact_of_several_companies_sees_each_companys_folder() {
    let api = Api::start().await;

    let globex = api
        .get_as(Some(MAX), "/api/widget/solutions/article/1401")
        .await;
    let initech = api
        .get_as(Some(MAX), "/api/widget/solutions/article/1501")
        .await;

    assert_eq!(globex.status, StatusCode::OK);
    assert_eq!(initech.status, StatusCode::OK);
}

// 5: bots, never in the widget.

#[tokio::test]
async fn bots_folder_is_shown_to_nobody() {
    assert_eq!(who_can_open(SHOW, 1602).await, NOBODY);
}

#[tokio::test]
async fn bots_folder_is_shown_to_nobody_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1602).await, NOBODY);
}

#[tokio::test]
async fn bots_folder_is_found_by_nobody() {
    assert_eq!(who_finds("password", 1601).await, NOBODY);
}

#[tokio::test]
async fn bots_folder_is_suggested_to_nobody() {
    assert_eq!(who_is_suggested(1602).await, NOBODY);
}

// 6: selected contact segments: shown by id, never searched.

#[tokio::test]
async fn contact_segment_folder_is_shown_to_members_and_agents() {
    assert_eq!(who_can_open(SHOW, 1701).await, ["sam", "stan"]);
}

#[tokio::test]
async fn contact_segment_folder_is_shown_to_members_and_agents_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1701).await, ["sam", "stan"]);
}

#[tokio::test]
async fn contact_segment_folder_is_never_found_by_search() {
    assert_eq!(who_finds("password", 1701).await, NOBODY);
}

#[tokio::test]
async fn contact_segment_folder_is_suggested_to_members_and_agents() {
    assert_eq!(who_is_suggested(1701).await, ["sam", "stan"]);
}

// 7: companies in selected company segments: shown by id, never searched.

#[tokio::test]
async fn company_segment_folder_is_shown_to_contacts_of_member_companies_and_agents() {
    assert_eq!(who_can_open(SHOW, 1801).await, ["ursula", "stan"]);
}

#[tokio::test]
async fn company_segment_folder_is_shown_to_contacts_of_member_companies_and_agents_through_the_alias(
) {
    assert_eq!(who_can_open(ALIAS, 1801).await, ["ursula", "stan"]);
}

#[tokio::test]
async fn company_segment_folder_is_never_found_by_search() {
    assert_eq!(who_finds("password", 1801).await, NOBODY);
}

#[tokio::test]
async fn company_segment_folder_is_suggested_to_contacts_of_member_companies_and_agents() {
    assert_eq!(who_is_suggested(1801).await, ["ursula", "stan"]);
}

// Categories the widget does not link.

#[tokio::test]
async fn public_folder_of_an_unlinked_category_is_shown_to_nobody() {
    assert_eq!(who_can_open(SHOW, 3201).await, NOBODY);
}

#[tokio::test]
async fn public_folder_of_an_unlinked_category_is_shown_to_nobody_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 3201).await, NOBODY);
}

#[tokio::test]
async fn public_folder_of_an_unlinked_category_is_found_by_nobody() {
    assert_eq!(who_finds("partner", 3201).await, NOBODY);
}

#[tokio::test]
async fn public_folder_of_an_unlinked_category_is_suggested_to_nobody() {
    assert_eq!(who_is_suggested(3201).await, NOBODY);
}

#[tokio::test]
async fn company_folder_of_an_unlinked_category_is_shown_to_nobody() {
    assert_eq!(who_can_open(SHOW, 3101).await, NOBODY);
}

#[tokio::test]
async fn company_folder_of_an_unlinked_category_is_shown_to_nobody_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 3101).await, NOBODY);
}

#[tokio::test]
async fn company_folder_of_an_unlinked_category_is_found_by_nobody() {
    assert_eq!(who_finds("password", 3101).await, NOBODY);
}

#[tokio::test]
async fn company_folder_of_an_unlinked_category_is_suggested_to_nobody() {
    assert_eq!(who_is_suggested(3101).await, NOBODY);
}

// Drafts.

#[tokio::test]
async fn draft_is_shown_to_nobody() {
    assert_eq!(who_can_open(SHOW, 1103).await, NOBODY);
}

#[tokio::test]
async fn draft_is_shown_to_nobody_through_the_alias() {
    assert_eq!(who_can_open(ALIAS, 1103).await, NOBODY);
}

#[tokio::test]
async fn draft_is_found_by_nobody() {
    assert_eq!(who_finds("passkey", 1103).await, NOBODY);
}

#[tokio::test]
async fn draft_is_suggested_to_nobody() {
    assert_eq!(who_is_suggested(1103).await, NOBODY);
}

// Unknown and hidden articles.

#[tokio::test]
async fn unknown_article_is_404_with_a_one_space_body() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/999999").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Rails' `head :not_found`, as Freshdesk answers: one space.
    assert_eq!(reply.body, " ");
}

#[tokio::test]
async fn hidden_article_explains_itself_in_x_freshmock_reason() {
    let api = Api::start().await;

    let reply = api.get("/api/widget/solutions/article/1201").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.reason().contains("1201"), "{}", reply.reason());
}

// Each persona's search for "password" (fixtures/README.md).

#[tokio::test]
async fn anonymous_search_finds_only_the_public_password_article() {
    assert_eq!(password_search(None).await, [1101]);
}

#[tokio::test]
async fn contact_without_company_finds_only_the_public_password_article() {
    assert_eq!(password_search(Some(NORA)).await, [1101]);
}

#[tokio::test]
async fn globex_contact_also_finds_the_globex_password_article() {
    assert_eq!(password_search(Some(ALICE)).await, [1101, 1401]);
}

#[tokio::test]
async fn initech_contact_also_finds_the_initech_password_article() {
    assert_eq!(password_search(Some(BOB)).await, [1101, 1501]);
}

#[tokio::test]
async fn contact_segment_member_finds_only_the_public_password_article() {
    assert_eq!(password_search(Some(SAM)).await, [1101]);
}

#[tokio::test]
async fn company_segment_member_finds_only_the_public_password_article() {
    assert_eq!(password_search(Some(URSULA)).await, [1101]);
}

#[tokio::test]
async fn agent_finds_public_agent_and_company_password_articles() {
    assert_eq!(password_search(Some(STAN)).await, [1101, 1301, 1401, 1501]);
}

#[tokio::test]
async fn agent_without_manage_tickets_still_searches_as_an_agent() {
    // Freshdesk's search asks "is an agent", not the ticket privilege (`widget_concern.rb`).
    assert_eq!(password_search(Some(VERA)).await, [1101, 1301, 1401, 1501]);
}

#[tokio::test]
async fn agent_without_manage_tickets_opens_only_what_a_contact_opens() {
    let api = Api::start().await;
    let agents_only = api
        .get_as(Some(VERA), "/api/widget/solutions/article/1301")
        .await;
    assert_eq!(agents_only.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn german_globex_contact_finds_the_globex_article_through_its_tag() {
    assert_eq!(password_search(Some(GRETA)).await, [1101, 1401]);
}
