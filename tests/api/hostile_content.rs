//! Hostile fixture content over real HTTP: bodies built to slow the loader down, article
//! HTML that would run in the customer's page, and sets that break the account's rules.
//! (The widget rendering such fixtures in Chromium: `tests/browser/hostile.rs`; the dashboard:
//! `tests/dashboard/main.rs`.)

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, Api, Reply};

/// `PUT /_freshmock/fixtures` with this document.
async fn put_fixtures(server: &Api, doc: &Value) -> Reply {
    fetch(server.bare(Method::PUT, "/_freshmock/fixtures").json(doc)).await
}

/// `PUT /_freshmock/fixtures` with `doc` is 400 `invalid_fixtures`, its message naming
/// each of `needles` (the file, the record, the field).
async fn assert_refused(server: &Api, doc: &Value, needles: &[&str]) {
    let reply = put_fixtures(server, doc).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.code(), "invalid_fixtures");
    let message = reply.json()["message"].as_str().unwrap().to_owned();
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
}

/// The bundled set as the control plane serves it, to change and put back.
async fn fixtures(server: &Api) -> Value {
    server.inspect("fixtures").await
}

/// Article 1101's English translation in a fixture document.
fn password_article(doc: &mut Value) -> &mut Value {
    &mut doc["solutions"][0]["folders"][0]["articles"][0]["translations"]["en"]
}

/// The widget's answer for article 1101 in English.
async fn shown(server: &Api) -> Value {
    let reply = server
        .get("/api/widget/solutions/article/1101?language=en")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// The first version's text extraction read the rest of the body again at every
/// `<script>`: this body took 20 s per load in a release build (minutes in a debug one).
/// Linear now, it loads within the suite's usual time, and its text is indexed.
#[tokio::test]
async fn an_article_of_160k_script_pairs_is_loaded_and_indexed() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    let article = password_article(&mut doc);
    article["title"] = json!("Quokka sightings");
    article["description"] = json!(format!(
        "<p>Quokka</p>{}<p>end</p>",
        "<script></script>".repeat(160_000)
    ));

    let reply = put_fixtures(&server, &doc).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let found = server
        .get("/api/widget/search/solutions?term=quokka&language=en")
        .await;
    assert_eq!(found.status, 200);
    assert_eq!(found.ids(), [1101]);
    assert_eq!(
        shown(&server).await["description"],
        "<p>Quokka</p><p>end</p>"
    );
}

/// Freshdesk sanitises article HTML when it is saved; the widget API serves what is stored.
#[tokio::test]
async fn article_scripts_handlers_and_javascript_links_never_reach_the_widget() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    password_article(&mut doc)["description"] = json!(concat!(
        "<p onclick=\"window.__pwned = 1\">Reset <strong>your</strong> password.</p>",
        "<script>window.__pwned = 1</script>",
        "<img src=\"https://cdn.acme.test/reset.png\" alt=\"Reset\" onerror=\"window.__pwned = 1\">",
        "<a href=\"javascript:window.__pwned = 1\">Click</a>",
        "<iframe srcdoc=\"&lt;script&gt;parent.__pwned = 1&lt;/script&gt;\"></iframe>",
        "<table><tr><td>Plan</td></tr></table><pre><code>a &lt; b</code></pre>",
    ));

    let reply = put_fixtures(&server, &doc).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let expected = concat!(
        "<p>Reset <strong>your</strong> password.</p>",
        "<img src=\"https://cdn.acme.test/reset.png\" alt=\"Reset\">",
        "<a>Click</a>",
        "<table><tbody><tr><td>Plan</td></tr></tbody></table><pre><code>a &lt; b</code></pre>",
    );
    assert_eq!(shown(&server).await["description"], expected);
    let stored = fixtures(&server).await;
    assert_eq!(
        stored["solutions"][0]["folders"][0]["articles"][0]["translations"]["en"]["description"],
        expected
    );
}

/// With the first of two equal keys winning, a non-admin agent's key could be set to act
/// as the admin.
#[tokio::test]
async fn two_agents_with_one_api_key_is_a_fixture_error() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    doc["agents"][1]["api_key"] = doc["agents"][0]["api_key"].clone();

    assert_refused(&server, &doc, &["agents.json", "agent 2002", "api_key"]).await;
}

/// A field's name is its input's name and id in the widget's form: markup in it ran as
/// script in the customer's page and broke the form.
#[tokio::test]
async fn a_ticket_field_name_with_markup_is_a_fixture_error() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    doc["ticket_fields"][6]["name"] = json!("cf_x\"><img src=x onerror=\"window.__pwned=1\">");

    assert_refused(
        &server,
        &doc,
        &["ticket_fields.json", "field 'name'", "is not a field name"],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_ticket_field_type_is_a_fixture_error() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    doc["ticket_fields"][6]["type"] = json!("custom_html");

    assert_refused(
        &server,
        &doc,
        &["ticket_fields.json", "field 'type'", "custom_html"],
    )
    .await;
}

/// Counting a hit on a fixture count of `u64::MAX` overflowed (a panic in a debug build, as
/// in a user's `cargo test`): starting counts stop at 2^53 - 1.
#[tokio::test]
async fn an_article_hit_count_beyond_2_53_is_a_fixture_error() {
    let server = Api::start().await;
    let mut doc = fixtures(&server).await;
    doc["solutions"][0]["folders"][0]["articles"][0]["hits"] = json!(u64::MAX);

    assert_refused(&server, &doc, &["solutions.json", "article 1101", "hits"]).await;
}
