//! The dashboard at `/_freshmock/ui` in headless Chromium, over WebDriver: the tree, view-as,
//! feedback, tickets, the live request log and the controls, at 1280×800 and narrow.
//! Each test writes screenshots to `target/screenshots/dashboard-*.png`.
//!
//! Chromium and chromedriver must be installed (`scripts/test.sh` installs them); without
//! them these tests fail.

#[path = "../common/harness.rs"]
mod harness;
#[path = "../common/webdriver.rs"]
mod webdriver;

use freshmock::FixtureSet;
use harness::{fetch, pinned, Api};
use reqwest::Method;
use serde_json::{json, Value};
use webdriver::{Browser, Options};

const ALICE: &str = "alice@globex.test";
const WIDGET: &str = "12000000025";

async fn server() -> Api {
    Api::start().await
}

/// Chromium with the 1280×800 viewport the dashboard must be readable in.
async fn browser() -> Browser {
    browser_sized(1280, 800).await
}

/// Chromium whose viewport (not window) is `width`×`height`, without scrollbars.
async fn browser_sized(width: u32, height: u32) -> Browser {
    Browser::start(Options {
        window: (width, height),
        exact_viewport: true,
        args: &["--hide-scrollbars"],
        diagnostics: None,
    })
    .await
}

/// Opens the dashboard on a section and waits until it has loaded its data.
async fn open(browser: &Browser, server: &Api, section: &str) {
    browser
        .goto(&format!("{}/_freshmock/ui#{section}", server.uri()))
        .await;
    browser
        .wait(
            "the dashboard to load",
            "document.body.dataset.ready === 'true'",
        )
        .await;
}

/// A widget call as a page would make it.
fn widget_call(
    server: &Api,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> reqwest::RequestBuilder {
    let mut req = server.widget(method, path, WIDGET, "dashboard-tests");
    if let Some(t) = token {
        req = req.header("X-Widget-Auth", t);
    }
    req
}

async fn control_status(server: &Api, path: &str) -> u16 {
    fetch(server.bare(Method::GET, &format!("/_freshmock/{path}")))
        .await
        .status
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tree_shows_the_fixture_folders_with_their_visibility_badges() {
    let server = server().await;
    let browser = browser().await;

    open(&browser, &server, "kb").await;
    browser.find("#folder-18").await;

    let expected = [
        (11, "Anyone"),
        (12, "Logged-in users"),
        (13, "Agents"),
        (14, "Companies: Globex"),
        (15, "Companies: Initech"),
        (16, "Bots"),
        (17, "Contact segments: Beta testers"),
        (18, "Company segments: Enterprise customers"),
        (21, "Anyone"),
        (22, "Logged-in users"),
        (31, "Companies: Globex"),
        (32, "Anyone"),
    ];
    for (folder, badge) in expected {
        assert_eq!(
            browser
                .text(&format!("#folder-{folder} > summary .badge"))
                .await,
            badge,
            "folder {folder}"
        );
    }
    let folders = browser
        .eval("return document.querySelectorAll('.kb-folder').length;")
        .await;
    assert_eq!(folders, json!(12));
    let exporting = browser.text("#kb-article-1105").await;
    assert!(exporting.contains("de") && exporting.contains("en") && !exporting.contains("fr"));
    assert!(browser.text("#kb-article-1103").await.contains("draft"));
    assert!(browser
        .text("#kb-article-1101")
        .await
        .contains("How to reset your password"));
    assert!(browser
        .text("#category-3 > summary")
        .await
        .contains("linked to no widget"));
    browser.screenshot("dashboard-kb").await;
    browser.full_page_screenshot("dashboard-kb-full").await;

    // The filter narrows the tree to matching articles.
    browser.type_into("#kb-filter", "globex").await;
    browser
        .wait(
            "the filter to hide folders without a match",
            "document.querySelector('#folder-11').hidden && !document.querySelector('#folder-14').hidden",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_as_company_a_shows_its_article_and_hides_company_b_with_the_reason() {
    let server = server().await;
    let browser = browser().await;

    open(&browser, &server, "view-as").await;
    browser.select("#va-persona", ALICE).await;
    browser.type_into("#va-term", "password").await;

    let results = browser
        .wait_text("#va-search", "list 1401", |t| t.contains("1401"))
        .await;
    assert!(results.contains("1101"), "{results}");
    assert!(!results.contains("1501"), "{results}");
    let company_a = browser.text("#va-article-1401").await;
    assert!(company_a.contains("✓ yes"), "{company_a}");
    let company_b = browser.text("#va-article-1501").await;
    assert!(company_b.contains("✗ no"), "{company_b}");
    assert!(
        company_b.contains("folder 15 (Initech corner), visible to contacts of Initech only"),
        "{company_b}"
    );
    let summary = browser.text("#va-summary").await;
    assert!(summary.contains("Alice Anders"), "{summary}");
    assert!(summary.contains("contact of Globex"), "{summary}");
    let suggested = browser.text("#va-suggested").await;
    assert!(suggested.contains("1401"), "{suggested}");
    browser.screenshot("dashboard-view-as").await;
    browser.full_page_screenshot("dashboard-view-as-full").await;

    // Company B is the mirror image.
    browser.select("#va-persona", "bob@initech.test").await;
    browser
        .wait_text("#va-search", "list 1501", |t| {
            t.contains("1501") && !t.contains("1401")
        })
        .await;
    let hidden = browser.text("#va-article-1401").await;
    assert!(
        hidden.contains("visible to contacts of Globex only"),
        "{hidden}"
    );

    // A blocked contact is refused on every call, with the reason.
    browser.select("#va-persona", "blake@example.com").await;
    let refused = browser
        .wait_text("#va-summary", "say refused", |t| t.contains("Refused"))
        .await;
    assert!(refused.contains("403 invalid_user"), "{refused}");
    browser.screenshot("dashboard-view-as-refused").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advancing_the_clock_updates_the_shown_time() {
    let server = server().await;
    let browser = browser().await;

    open(&browser, &server, "controls").await;
    browser
        .wait_text("#clock-now", "show the frozen start", |t| {
            t == "2026-01-01 00:00:00 UTC"
        })
        .await;
    assert_eq!(browser.text("#clock-state").await, "frozen");

    browser.click("#ct-advance-1h").await;
    browser
        .wait_text("#clock-now", "move an hour", |t| {
            t == "2026-01-01 01:00:00 UTC"
        })
        .await;
    assert_eq!(
        browser.text("#ct-clock-now").await,
        "2026-01-01 01:00:00 UTC"
    );

    // A change made by someone else (a test, through the control API) arrives live.
    server.advance(std::time::Duration::from_secs(30 * 60));
    browser
        .wait_text("#clock-now", "follow the event stream", |t| {
            t == "2026-01-01 01:30:00 UTC"
        })
        .await;

    // Typed durations, and setting the time.
    browser.type_into("#ct-advance-by", "90m").await;
    browser.click("#ct-advance-form button[type=submit]").await;
    browser
        .wait_text("#clock-now", "advance 90 minutes", |t| {
            t == "2026-01-01 03:00:00 UTC"
        })
        .await;
    browser
        .type_into("#ct-set-to", "2030-06-01T12:00:00Z")
        .await;
    browser.click("#ct-set-form button[type=submit]").await;
    browser
        .wait_text("#clock-now", "be set", |t| t == "2030-06-01 12:00:00 UTC")
        .await;
    browser.screenshot("dashboard-controls").await;

    // Unfrozen, it runs.
    browser.click("#ct-freeze").await;
    browser
        .wait_text("#clock-state", "say running", |t| t == "running")
        .await;
    let clock = fetch(server.bare(Method::GET, "/_freshmock/clock"))
        .await
        .json();
    assert_eq!(clock["frozen"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_streams_requests_with_token_reasons_and_filters_them() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "requests").await;
    browser.wait_text("#live", "connect", |t| t == "live").await;

    // An expired token, Alice's valid one, and an anonymous search.
    let expired = server.token(json!({
        "name": "Alice Anders", "email": ALICE, "exp": 1_767_225_600 - 61,
    }));
    let res = widget_call(
        &server,
        Method::GET,
        "/api/widget/search/solutions?term=password",
        Some(&expired),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
    let valid = server.token_for(ALICE);
    widget_call(
        &server,
        Method::GET,
        "/api/widget/solutions/article/1401",
        Some(&valid),
    )
    .send()
    .await
    .unwrap();
    widget_call(
        &server,
        Method::GET,
        "/api/widget/solutions/article/1401",
        None,
    )
    .send()
    .await
    .unwrap();

    let table = browser
        .wait_text("#rq-table tbody", "show three requests", |t| {
            t.matches("/api/widget/").count() == 3
        })
        .await;
    assert!(table.contains("401"), "{table}");
    assert!(table.contains("expired 1 min 1 s ago"), "{table}");
    assert!(table.contains("refused"), "{table}");
    assert!(
        table.contains("visible to contacts of Globex only"),
        "{table}"
    );
    browser.screenshot("dashboard-requests").await;

    browser.type_into("#rq-status", "4xx").await;
    browser
        .wait_text("#rq-shown", "count the 4xx", |t| t.starts_with("2 of 3"))
        .await;
    browser.clear("#rq-status").await;
    browser.type_into("#rq-email", ALICE).await;
    browser.type_into("#rq-path", "/article/").await;
    let filtered = browser
        .wait_text("#rq-shown", "filter by email and path", |t| {
            t.starts_with("1 of 3")
        })
        .await;
    assert!(filtered.contains("1 of 3"));
    assert!(browser.text("#rq-table tbody").await.contains("200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_minted_in_the_dashboard_is_accepted_by_the_widget_api() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "controls").await;

    browser.select("#ct-token-persona", ALICE).await;
    browser.click("#ct-token-form button[type=submit]").await;
    browser
        .wait(
            "a token",
            "document.querySelector('#ct-token').value.split('.').length === 3",
        )
        .await;
    let token = browser
        .eval("return document.querySelector('#ct-token').value;")
        .await;
    let token = token.as_str().unwrap().to_owned();
    let found: Value = widget_call(
        &server,
        Method::GET,
        "/api/widget/search/solutions?term=password",
        Some(&token),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2, "{found}");

    browser.click("#ct-token-copy").await;
    browser
        .wait_text("#ct-token-note", "report the copy", |t| {
            t.contains("Copied") || t.contains("Ctrl+C")
        })
        .await;
    browser.click("#ct-token-explain").await;
    browser
        .wait_text("#ct-token-note", "explain the token", |t| {
            t.starts_with("Accepted (200)")
        })
        .await;

    // Rotating the secret shows the new one, and the minted token is now refused.
    let before = browser.text("#ct-secret").await;
    browser.click("#ct-rotate").await;
    browser
        .wait_text("#ct-secret", "change", |t| t != before && t.len() == 32)
        .await;
    browser.click("#ct-token-explain").await;
    browser
        .wait_text("#ct-token-note", "refuse the old token", |t| {
            t.starts_with("Refused (401)")
        })
        .await;
    browser.screenshot("dashboard-token").await;

    // Reset asks first, then restores the fixtures' secret.
    browser.click("#ct-reset").await;
    browser.click("#ct-reset-yes").await;
    browser
        .wait_text("#ct-secret", "return to the fixtures' secret", |t| {
            t == "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5"
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sections_are_reachable_with_the_keyboard() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "kb").await;

    // The section tabs are links: focus one and press Enter.
    browser
        .eval("document.querySelector('.tabs a[href=\"#controls\"]').focus();")
        .await;
    browser.keys("\u{E007}").await;
    browser
        .wait(
            "Enter to open the controls and move focus to their heading",
            "location.hash === '#controls' && document.activeElement.id === 'ct-title'",
        )
        .await;
    // Tab from the heading reaches the first control, a real button.
    browser.keys("\u{E004}").await;
    let focused = browser
        .eval("return document.activeElement.tagName + ' ' + document.activeElement.textContent;")
        .await;
    assert_eq!(focused, json!("BUTTON +1 min"));
    browser.keys("\u{E004}").await;
    browser.keys("\u{E007}").await;
    browser
        .wait_text("#clock-now", "move an hour by keyboard", |t| {
            t == "2026-01-01 01:00:00 UTC"
        })
        .await;
    // Every form field has a label.
    let unlabelled = browser
        .eval(
            "return [...document.querySelectorAll('input, select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.id);",
        )
        .await;
    assert_eq!(unlabelled, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrow_window_shows_every_section_without_sideways_scrolling() {
    let server = server().await;
    let browser = browser_sized(400, 860).await;
    let expired = server.token(json!({ "name": "Alice Anders", "email": ALICE, "exp": 1 }));
    for token in [Some(expired.as_str()), None] {
        widget_call(
            &server,
            Method::GET,
            "/api/widget/search/solutions?term=password",
            token,
        )
        .send()
        .await
        .unwrap();
    }
    for section in [
        "kb", "view-as", "requests", "controls", "tickets", "feedback",
    ] {
        open(&browser, &server, section).await;
        if section == "view-as" {
            browser.select("#va-persona", ALICE).await;
            browser.type_into("#va-term", "password").await;
            browser
                .wait_text("#va-search", "list 1401", |t| t.contains("1401"))
                .await;
        }
        let overflow = browser
            .eval("return document.documentElement.scrollWidth - window.innerWidth;")
            .await;
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{section}: the page is {overflow} px wider than the window"
        );
        browser
            .screenshot(&format!("dashboard-narrow-{section}"))
            .await;
        if section == "view-as" {
            browser
                .full_page_screenshot("dashboard-narrow-view-as-full")
                .await;
        }
    }
}

/// Feedback and tickets read issue 3's inspection endpoints; until a server has them, the
/// dashboard says so instead of showing nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_and_tickets_show_their_data_or_say_it_is_not_available() {
    let server = server().await;
    let browser = browser().await;

    open(&browser, &server, "feedback/1401").await;
    if control_status(&server, "votes?article=1401").await == 404 {
        browser
            .wait_text("#fb-unavailable", "say not available", |t| {
                t.contains("not available")
            })
            .await;
    } else {
        browser
            .wait_text("#fb-votes", "show the votes", |t| t.contains("Helpful"))
            .await;
    }
    let counters = browser.text("#fb-body").await;
    assert!(
        counters.contains("Globex single sign-on and password policy"),
        "{counters}"
    );
    browser.screenshot("dashboard-feedback").await;

    open(&browser, &server, "tickets").await;
    if control_status(&server, "tickets").await == 404 {
        browser
            .wait_text("#tk-missing", "say not available", |t| {
                t.contains("not available")
            })
            .await;
    } else {
        browser
            .wait_text("#tk-empty", "say there are none", |t| {
                t.contains("No tickets")
            })
            .await;
    }
    browser.screenshot("dashboard-tickets").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_made_through_the_widget_api_shows_the_voter() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "feedback/1101").await;
    browser.find("#fb-votes").await;

    let before = fetch(server.bare(Method::GET, "/_freshmock/votes?article=1101"))
        .await
        .json();
    let anonymous = before["not_helpful"]["anonymous"].as_u64().unwrap() + 1;
    let token = server.token_for(ALICE);
    let res = widget_call(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/1101/thumbs_up",
        Some(&token),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), 204);
    widget_call(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/1101/thumbs_down",
        None,
    )
    .send()
    .await
    .unwrap();

    let helpful = browser
        .wait_text("#fb-votes .helpful", "list Alice", |t| {
            t.contains("Alice Anders")
        })
        .await;
    assert!(helpful.contains(ALICE), "{helpful}");
    browser
        .wait_text("#fb-votes .not-helpful", "count the anonymous vote", |t| {
            t.contains(&format!("{anonymous} anonymous vote"))
        })
        .await;
    browser.screenshot("dashboard-feedback-votes").await;
}

/// Fixture text is shown as text: an article title, a folder name and a company name with
/// markup neither render as markup nor run (`window.__pwned` stays undefined).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_title_with_markup_shows_as_text() {
    let pwn = "<img src=x onerror=\"window.__pwned = 1\">";
    let title = format!("{pwn}Reset <b>now</b>");
    let mut fixtures = FixtureSet::bundled().unwrap();
    let folder = &mut fixtures.solutions[0].folders[0];
    folder.name = format!("{pwn}Account");
    std::sync::Arc::make_mut(&mut std::sync::Arc::make_mut(&mut folder.articles)[0])
        .translations
        .get_mut("en")
        .unwrap()
        .title
        .clone_from(&title);
    fixtures.companies[0].name = format!("{pwn}Globex");
    let server = Api::on(pinned().fixtures(fixtures).start().await);
    let browser = browser().await;

    open(&browser, &server, "kb").await;
    browser.find("#kb-article-1101").await;

    assert!(browser.text("#kb-article-1101").await.contains(&title));
    assert!(browser
        .text("#folder-11 > summary")
        .await
        .contains(&format!("{pwn}Account")));
    assert!(browser
        .text("#folder-14 > summary .badge")
        .await
        .contains(&format!("{pwn}Globex")));
    let markup = browser
        .eval("return document.querySelectorAll('main img, #kb-article-1101 b').length;")
        .await;
    assert_eq!(markup, json!(0));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        browser.eval("return typeof window.__pwned;").await,
        json!("undefined")
    );
    browser.screenshot("dashboard-hostile-titles").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_created_through_the_widget_appears_without_a_reload() {
    // The contact form without captcha, so the test needs no captcha value.
    let mut fixtures = FixtureSet::bundled().unwrap();
    for w in &mut fixtures.widgets {
        w.settings.contact_form.captcha = false;
    }
    let server = Api::on(pinned().fixtures(fixtures).start().await);
    let browser = browser().await;
    open(&browser, &server, "tickets").await;
    browser
        .wait_text("#tk-empty", "say there are none", |t| {
            t.contains("No tickets")
        })
        .await;
    browser.eval("window.__notReloaded = true;").await;

    let token = server.token_for(ALICE);
    let res = widget_call(&server, Method::POST, "/api/widget/tickets", Some(&token))
        .json(&json!({
            "email": ALICE,
            "subject": "Cannot sign in with SSO",
            "description": "Since Monday the Globex SSO button loops back to the login page.",
            "meta": { "referrer": "https://globex.test/account", "articles_seen": [1401] },
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    let list = browser
        .wait_text("#tk-list tbody", "list the ticket", |t| {
            t.contains("Cannot sign in with SSO")
        })
        .await;
    assert!(list.contains(ALICE), "{list}");
    assert_eq!(
        browser.eval("return window.__notReloaded === true;").await,
        json!(true)
    );
    browser.click("#tk-list tbody a").await;
    let detail = browser
        .wait_text("#tk-detail", "show the ticket", |t| {
            t.contains("Globex SSO button")
        })
        .await;
    assert!(detail.contains("Alice Anders"), "{detail}");
    assert!(detail.contains("https://globex.test/account"), "{detail}");
    browser.screenshot("dashboard-ticket").await;
}

/// An agent API call with a JSON body, as the bundled admin (HTTP Basic, the API key as the
/// user name).
async fn agent_send(server: &Api, method: Method, path: &str, body: Value) -> Value {
    use base64::Engine;
    let key =
        base64::engine::general_purpose::STANDARD.encode("adminkey0000000000000000000000001:X");
    let reply = fetch(
        server
            .bare(method, path)
            .header("Authorization", format!("Basic {key}"))
            .json(&body),
    )
    .await;
    assert!(reply.status.is_success(), "{path}: {}", reply.body);
    reply.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_view_shows_replies_and_notes_and_follows_new_ones() {
    let server = server().await;
    let ticket = agent_send(
        &server,
        Method::POST,
        "/api/v2/tickets",
        json!({ "email": ALICE, "subject": "Teapot leaks", "description": "It leaks.", "status": 2, "priority": 1 }),
    )
    .await;
    let id = ticket["id"].as_u64().unwrap();
    let path = |what: &str| format!("/api/v2/tickets/{id}/{what}");
    agent_send(
        &server,
        Method::POST,
        &path("reply"),
        json!({ "body": "<p>We sent a new lid.</p>" }),
    )
    .await;
    agent_send(
        &server,
        Method::POST,
        &path("notes"),
        json!({ "body": "Lid <b>batch 7</b> is faulty" }),
    )
    .await;

    let browser = browser().await;
    open(&browser, &server, &format!("tickets/{id}")).await;
    let detail = browser
        .wait_text("#tk-detail", "show the conversations", |t| {
            t.contains("Lid batch 7 is faulty")
        })
        .await;
    assert!(detail.contains("We sent a new lid."), "{detail}");
    assert!(detail.contains("Reply"), "{detail}");
    assert!(detail.contains("Private note"), "{detail}");
    // The description stays the ticket's, not a conversation.
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#tk-conversations li').length;")
            .await,
        json!(2)
    );
    assert_eq!(
        browser
            .eval("return document.querySelector('#tk-conversations li[data-kind=\"note\"]').dataset.private;")
            .await,
        json!("true")
    );

    agent_send(
        &server,
        Method::POST,
        &path("notes"),
        json!({ "body": "Customer informed", "private": false }),
    )
    .await;
    browser
        .wait_text("#tk-detail", "follow the new note", |t| {
            t.contains("Customer informed") && t.contains("Public note")
        })
        .await;
    browser.screenshot("dashboard-ticket-conversations").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_published_through_the_agent_api_appears_in_the_tree_without_a_reload() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "kb").await;
    browser.find("#folder-11").await;
    browser.eval("window.__notReloaded = true;").await;

    let made = fetch(
        server
            .bare(Method::POST, "/api/v2/solutions/folders/11/articles")
            .basic_auth("adminkey0000000000000000000000001", Some("X"))
            .json(&json!({
                "title": "Pairing the kettle over Bluetooth",
                "description": "<p>Hold the button.</p>",
                "status": 2,
            })),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["id"].as_u64().unwrap();

    let shown = browser
        .wait_text(&format!("#kb-article-{id}"), "show the new article", |t| {
            t.contains("Pairing the kettle")
        })
        .await;
    assert!(!shown.contains("draft"), "{shown}");
    let toast = browser
        .wait_text("body", "say who saved it", |t| t.contains("Agatha Admin"))
        .await;
    assert!(toast.contains(&format!("article {id}")), "{toast}");
    assert_eq!(
        browser.eval("return window.__notReloaded === true;").await,
        json!(true)
    );
    browser.screenshot("dashboard-agent-api-article").await;
}

/// Installs stand-in answers for control calls in the page's `fetch` (`{path: body}`, path
/// with its query, answered 200), leaving every other call to the server.
async fn stub_control_calls(browser: &Browser, stubs: Value) {
    browser
        .eval_with(
            "window.__stubs = arguments[0];
             if (!window.__realFetch) {
               window.__realFetch = window.fetch;
               window.fetch = (url, options) => {
                 const u = new URL(url, location.href);
                 const body = window.__stubs[u.pathname + u.search];
                 if (body !== undefined) {
                   return Promise.resolve(new Response(JSON.stringify(body),
                     { status: 200, headers: { 'Content-Type': 'application/json' } }));
                 }
                 return window.__realFetch(url, options);
               };
             }",
            json!([stubs]),
        )
        .await;
}

/// The page's side of the inspection contract the feedback and ticket sections are written
/// against (`GET /_freshmock/votes?article=`, `/tickets`, `/tickets/:id`), with stand-in
/// answers in the page until the server has those endpoints; the refetch on a widget call
/// is the real one, driven by the server's event stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_and_tickets_render_the_inspection_answers_and_follow_widget_calls() {
    let server = server().await;
    let browser = browser().await;
    open(&browser, &server, "kb").await;
    browser.wait_text("#live", "connect", |t| t == "live").await;
    let alice = json!({ "id": 1002, "name": "Alice Anders", "email": ALICE });
    // No email: the page finds it among the users.
    let bob = json!({ "id": 1003, "name": "Bob Brown" });
    let greta = json!({ "id": 1011, "name": "Greta Graf", "email": "greta@example.de" });
    stub_control_calls(
        &browser,
        json!({
            "/_freshmock/votes?article=1401": {
                "helpful": { "anonymous": 2, "users": [alice] },
                "not_helpful": { "anonymous": 1, "users": [bob] },
            },
            "/_freshmock/tickets": [],
        }),
    )
    .await;

    browser.eval("location.hash = '#feedback/1401';").await;
    let helpful = browser
        .wait_text("#fb-votes .helpful", "list Alice", |t| {
            t.contains("Alice Anders")
        })
        .await;
    assert!(helpful.contains(ALICE), "{helpful}");
    assert!(helpful.contains("2 anonymous votes"), "{helpful}");
    let not_helpful = browser.text("#fb-votes .not-helpful").await;
    assert!(not_helpful.contains("bob@initech.test"), "{not_helpful}");
    assert!(not_helpful.contains("1 anonymous vote"), "{not_helpful}");

    // A vote through the widget API makes the page read the votes again.
    stub_control_calls(
        &browser,
        json!({
            "/_freshmock/votes?article=1401": {
                "helpful": { "anonymous": 2, "users": [alice, greta] },
                "not_helpful": { "anonymous": 1, "users": [bob] },
            },
            "/_freshmock/tickets": [],
        }),
    )
    .await;
    widget_call(
        &server,
        Method::PUT,
        "/api/widget/solutions/article/1401/thumbs_up",
        Some(&server.token_for("greta@example.de")),
    )
    .send()
    .await
    .unwrap();
    browser
        .wait_text("#fb-votes .helpful", "list Greta", |t| {
            t.contains("greta@example.de")
        })
        .await;
    browser.screenshot("dashboard-feedback-voters").await;

    // Tickets: none, then one arrives after a contact-form call, without a reload.
    browser.eval("location.hash = '#tickets';").await;
    browser
        .wait_text("#tk-empty", "say there are none", |t| {
            t.contains("No tickets")
        })
        .await;
    browser.eval("window.__notReloaded = true;").await;
    let ticket = json!({
        "id": 7,
        "subject": "Cannot sign in with SSO",
        "requester": { "id": 1002, "name": "Alice Anders", "email": ALICE },
        "status": 2,
        "priority": 1,
        "source": 9,
        "widget_id": 12000000025u64,
        "created_at": 1_767_225_600,
        "custom_fields": { "cf_order_number": "A-1001", "cf_product_area": "Mobile app" },
        "description": "<div>Since Monday the <b>Globex SSO</b> button loops back.</div>",
        "attachments": [{ "id": 900001, "name": "screenshot.png", "content_type": "image/png", "size": 48213 }],
        "meta": { "referrer": "https://globex.test/account", "articles_seen": [1401, 1101] },
    });
    stub_control_calls(
        &browser,
        json!({
            "/_freshmock/tickets": [ticket],
            "/_freshmock/tickets/7": ticket,
        }),
    )
    .await;
    widget_call(&server, Method::POST, "/api/widget/tickets", None)
        .json(&json!({ "email": ALICE, "description": "Since Monday..." }))
        .send()
        .await
        .unwrap();
    browser
        .wait_text("#tk-list tbody", "list the ticket", |t| {
            t.contains("Cannot sign in with SSO")
        })
        .await;
    assert_eq!(browser.text("#tickets-count").await, "1");
    assert_eq!(
        browser.eval("return window.__notReloaded === true;").await,
        json!(true)
    );
    browser.click("#ticket-7 a").await;
    let detail = browser
        .wait_text("#tk-detail", "show the ticket", |t| {
            t.contains("Globex SSO")
        })
        .await;
    for expected in [
        "Alice Anders <alice@globex.test>",
        "2026-01-01 00:00:00 UTC",
        "cf_order_number",
        "A-1001",
        "Since Monday the Globex SSO button loops back.",
        "screenshot.png",
        "47.1 KB",
        "https://globex.test/account",
        "2 (Open)",
        "9 (Feedback widget)",
        "1401 Globex single sign-on and password policy",
    ] {
        assert!(detail.contains(expected), "{expected:?} in {detail}");
    }
    // The description is the customer's HTML: shown as text, never rendered.
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#tk-detail .description b').length;")
            .await,
        json!(0)
    );
    browser.screenshot("dashboard-ticket-detail").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_control_api_asks_for_the_token_once_and_then_streams() {
    let server = Api::on(pinned().control_token("s3cret").start().await);
    let browser = browser().await;
    open(&browser, &server, "requests").await;

    browser
        .wait(
            "the page to ask for the control token",
            "!document.querySelector('#auth-banner').hidden",
        )
        .await;
    browser.type_into("#auth-token", "s3cret").await;
    browser.click("#auth-form button[type=submit]").await;
    browser
        .wait_text("#live", "connect with the token", |t| t == "live")
        .await;
    assert!(browser
        .eval("return document.querySelector('#auth-banner').hidden;")
        .await
        .as_bool()
        .unwrap());
    widget_call(
        &server,
        Method::GET,
        "/api/widget/search/solutions?term=invoice",
        None,
    )
    .send()
    .await
    .unwrap();
    browser
        .wait_text("#rq-table tbody", "show the request", |t| {
            t.contains("term=invoice")
        })
        .await;
    open(&browser, &server, "kb").await;
    browser.find("#folder-14").await;
}
