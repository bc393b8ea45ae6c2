//! Authentication: the token's customer in the form, renewal by the server's clock, token
//! errors, logout and secret rotation, and what the developer sees in the console.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{
    control, fetch, frozen_server, host, host_with_tokens, server, token, widget_page, Browser,
    FORM_WIDGET, WIDGET,
};

/// Page code: the customer's renewal callback, asking the page's own server for a new token
/// for `email`. `window.__renewals` counts its calls; with `answer` false it never answers.
fn renewal(email: &str, name: &str, ttl: i64, answer: bool) -> String {
    format!(
        r#"window.__renewals = 0;
window.__renew = function () {{
  window.__renewals++;
  if (!{answer}) return;
  fetch('/token?email={email}&name=' + encodeURIComponent('{name}') + '&ttl={ttl}', {{ method: 'POST' }})
    .then(function (r) {{ return r.text(); }})
    .then(function (t) {{ FreshworksWidget('authenticate', {{ token: t }}); }});
}};"#
    )
}

async fn logged_in(browser: &Browser) -> Value {
    browser
        .wait(
            "the customer to be logged in",
            "window.__freshmock.state().auth.status === 'logged_in'",
        )
        .await;
    browser.idle().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logged_in_form_shows_the_tokens_name_and_email_read_only() {
    let fm = server().await;
    let alice = token(&fm, "Alice A. Anders", "alice@globex.test", 3600);
    let browser = Browser::start().await;
    browser.open_form(&fm.uri(), FORM_WIDGET).await;
    // Widget 27 requires a login for its form.
    browser
        .wait_in_panel(
            "the login notice",
            "d.querySelector('.login-needed').textContent",
        )
        .await;

    browser
        .call(&format!("'authenticate', {{ token: {} }}", json!(alice)))
        .await;
    let state = logged_in(&browser).await;
    assert_eq!(state["form"]["values"]["name"], "Alice A. Anders");
    assert_eq!(state["form"]["values"]["email"], "alice@globex.test");
    assert_eq!(state["form"]["readOnly"], json!(["name", "email"]));
    let fields = state["form"]["fields"].as_array().unwrap();
    assert!(
        fields.contains(&json!("custom_fields.cf_product_area")),
        "{fields:?}"
    );
    let dom = browser
        .in_panel(
            "[d.getElementById('name').value, d.getElementById('name').readOnly, d.getElementById('email').value,
              d.getElementById('email').readOnly, !!d.querySelector('select#cf_product_area'), d.getElementById('ticket-form').hidden]",
        )
        .await;
    assert_eq!(
        dom,
        json!([
            "Alice A. Anders",
            true,
            "alice@globex.test",
            true,
            true,
            false
        ])
    );
    browser.screenshot("widget-form-logged-in").await;
}

/// Needs `POST /api/widget/attachments` and `/tickets` (writes branch, issue 3) and the
/// control plane's ticket inspection (issue 4).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_ticket_has_the_tokens_requester() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 3600);
    let before = format!(
        "FreshworksWidget('authenticate', {{ token: {} }}); FreshworksWidget('identify', 'ticketForm', {{ name: 'Mallory', email: 'mallory@example.com' }}); FreshworksWidget('open', 'ticketForm');",
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), FORM_WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;
    browser
        .in_panel(
            "(function () {
               d.getElementById('subject').value = 'Cannot log in';
               d.getElementById('description').value = 'My SSO login loops.';
               var dt = new DataTransfer(); dt.items.add(new File(['hello'], 'note.txt', { type: 'text/plain' }));
               d.getElementById('attachments').files = dt.files;
               d.getElementById('captcha').checked = true;
               d.getElementById('ticket-form').dispatchEvent(new Event('input'));
               d.querySelector('.submit').click(); })()",
        )
        .await;
    let ticket = browser
        .wait(
            "the ticket to be created",
            "window.__freshmock.state().form.ticket",
        )
        .await;
    assert_eq!(ticket["status"], 201);
    browser.screenshot("widget-ticket-sent").await;
    let tickets = fetch(fm.bare(Method::GET, "/_freshmock/tickets"))
        .await
        .json();
    let text = tickets.to_string();
    assert!(text.contains("alice@globex.test"), "{text}");
    assert!(!text.contains("mallory@example.com"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_hides_restricted_articles_and_keeps_the_callback() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 3600);
    let before = format!(
        "FreshworksWidget('authenticate', {{ token: {}, callback: function () {{}} }}); FreshworksWidget('open');",
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;
    assert_eq!(browser.search("password").await, [1101, 1401]);

    browser.call("'logout'").await;
    let state = browser.state().await;
    assert_eq!(state["auth"]["status"], "anonymous");
    assert_eq!(state["auth"]["callback"], json!(true));
    browser
        .wait(
            "the anonymous results",
            "JSON.stringify(window.__freshmock.state().search.results.map(function (a) { return a.id; })) === '[1101]'",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_error_during_use_calls_the_callback_once_then_the_widget_is_anonymous() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 3600);
    let before = format!(
        "{}\nFreshworksWidget('authenticate', {{ token: {}, callback: window.__renew }}); FreshworksWidget('open');",
        renewal("alice@globex.test", "Alice Anders", 3600, false),
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;

    // The secret changes behind the widget's back (no live event): the next call fails.
    control(&fm, "secret/rotate", json!({})).await;
    browser.type_search("password").await;
    browser
        .wait(
            "the callback",
            "window.__renewals === 1 && window.__freshmock.state().auth.status === 'renewing'",
        )
        .await;
    // The page never answers: after the grace period the customer is anonymous.
    browser
        .wait(
            "the widget to give up",
            "window.__freshmock.state().auth.status === 'rejected'",
        )
        .await;
    assert_eq!(browser.search("passwords").await, [1101]);
    assert_eq!(browser.eval("return window.__renewals").await, 1);
    let warnings = browser.eval("return window.__warnings.join('\\n')").await;
    let warnings = warnings.as_str().unwrap();
    assert!(
        warnings.contains("Signature verification raised")
            && warnings.contains("previous widget secret"),
        "{warnings}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_token_rejection_is_warned_with_freshmocks_reason() {
    let fm = server().await;
    let now = fm.now_secs() * 1000;
    // exp in milliseconds, the classic mistake.
    let ms = freshmock::tokens::mint_for(
        "Alice Anders",
        "alice@globex.test",
        now + 7200,
        "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5",
    );
    let before = format!(
        "FreshworksWidget('authenticate', {{ token: {} }});",
        json!(ms)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    let warning = browser
        .wait(
            "a console warning",
            "window.__warnings.filter(function (w) { return w.indexOf('token rejected') >= 0; })[0]",
        )
        .await;
    let warning = warning.as_str().unwrap();
    assert!(
        warning.contains("Expiry should be within 2 hours"),
        "{warning}"
    );
    assert!(warning.contains("milliseconds"), "{warning}");
    let state = browser.state().await;
    assert_eq!(state["auth"]["status"], "rejected");
    assert_eq!(state["auth"]["lastRejection"]["status"], 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_callback_runs_before_expiry_by_the_server_clock_and_keeps_the_customer_logged_in()
{
    // Frozen months away from the browser's clock: only the server's clock can be right.
    let fm = frozen_server().await;
    let first = token(&fm, "Alice Anders", "alice@globex.test", 600);
    let before = format!(
        "{}\nFreshworksWidget('authenticate', {{ token: {}, callback: window.__renew }}); FreshworksWidget('open');",
        renewal("alice@globex.test", "Alice Anders", 3600, true),
        json!(first)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host_with_tokens(widget_page(&fm.uri(), WIDGET, &before), &fm).await)
        .await;
    browser.ready().await;
    let state = logged_in(&browser).await;
    let first_exp = state["auth"]["claims"]["exp"].as_i64().unwrap();
    browser
        .wait(
            "the live clock",
            "window.__freshmock.state().sync.connected",
        )
        .await;
    assert_eq!(browser.eval("return window.__renewals").await, 0);

    // 30 s before exp by the server's clock: the widget asks the page for a new token.
    control(&fm, "clock/advance", json!({ "seconds": 570 })).await;
    browser
        .wait("the renewal callback", "window.__renewals === 1")
        .await;
    browser
        .wait(
            "the fresh token",
            &format!("window.__freshmock.state().auth.claims.exp > {first_exp} && window.__freshmock.state().auth.status === 'logged_in'"),
        )
        .await;

    // Past the first token's exp: still logged in, still seeing Globex articles.
    control(&fm, "clock/advance", json!({ "seconds": 120 })).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let state = browser.state().await;
    assert_eq!(state["auth"]["status"], "logged_in");
    assert_eq!(state["auth"]["renewals"], 1);
    assert_eq!(browser.search("password").await, [1101, 1401]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_callback_the_session_ends_at_exp_by_the_server_clock() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 300);
    let before = format!(
        "FreshworksWidget('authenticate', {{ token: {} }}); FreshworksWidget('open');",
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;
    browser
        .wait(
            "the live clock",
            "window.__freshmock.state().sync.connected",
        )
        .await;
    control(&fm, "clock/advance", json!({ "seconds": 302 })).await;
    browser
        .wait(
            "the session to end",
            "window.__freshmock.state().auth.status === 'expired'",
        )
        .await;
    assert_eq!(browser.search("password").await, [1101]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_rotation_reaches_the_open_widget_within_a_second_and_hides_restricted_articles() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 3600);
    let before = format!(
        "FreshworksWidget('authenticate', {{ token: {} }}); FreshworksWidget('open');",
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;
    browser
        .wait(
            "the live updates",
            "window.__freshmock.state().sync.connected",
        )
        .await;
    assert_eq!(browser.search("password").await, [1101, 1401]);

    let rotated = Instant::now();
    control(&fm, "secret/rotate", json!({})).await;
    browser
        .wait(
            "the widget to log out",
            "window.__freshmock.state().auth.status === 'rejected'",
        )
        .await;
    assert!(
        rotated.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        rotated.elapsed()
    );
    browser
        .wait(
            "the anonymous results",
            "JSON.stringify(window.__freshmock.state().search.results.map(function (a) { return a.id; })) === '[1101]'",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_hooks_force_renewal_and_expiry() {
    let fm = server().await;
    let alice = token(&fm, "Alice Anders", "alice@globex.test", 3600);
    let before = format!(
        "{}\nFreshworksWidget('authenticate', {{ token: {}, callback: window.__renew }}); FreshworksWidget('open');",
        renewal("alice@globex.test", "Alice Anders", 3600, false),
        json!(alice)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, &before)).await)
        .await;
    browser.ready().await;
    logged_in(&browser).await;

    assert_eq!(
        browser
            .eval("return window.__freshmock.forceRenewal()")
            .await,
        json!(true)
    );
    assert_eq!(browser.eval("return window.__renewals").await, 1);
    browser.eval("window.__freshmock.forceExpiry()").await;
    let state = browser.state().await;
    assert_eq!(state["auth"]["status"], "expired");
    assert_eq!(state["auth"]["claims"], Value::Null);
    assert_eq!(browser.search("password").await, [1101]);
}

/// Needs `POST /api/widget/tickets` from the writes branch (issue 3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_form_shows_freshdesks_field_errors_then_sends_the_ticket() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser.open_form(&fm.uri(), WIDGET).await;
    // Empty: the browser names the required fields first, before the captcha (as the real form).
    browser.in_panel("d.querySelector('.submit').click()").await;
    let state = browser.idle().await;
    assert_eq!(state["form"]["notice"], "");
    let required = browser
        .in_panel("['email', 'description'].map(function (k) { return d.querySelector('[data-key=' + k + '] .field-error').textContent; })")
        .await;
    assert_eq!(
        required,
        json!(["This field is required.", "This field is required."])
    );

    // Filled, but the captcha box not ticked: nothing is sent.
    browser
        .in_panel(
            "(function () { d.getElementById('email').value = 'nora at example';
               d.getElementById('description').value = 'The export button does nothing.';
               d.getElementById('ticket-form').dispatchEvent(new Event('input'));
               d.querySelector('.submit').click(); })()",
        )
        .await;
    let state = browser.idle().await;
    assert!(state["form"]["notice"].as_str().unwrap().contains("robot"));

    // What only the server knows keeps Freshdesk's message.
    browser
        .in_panel("(function () { d.getElementById('captcha').click(); d.querySelector('.submit').click(); })()")
        .await;
    browser
        .wait(
            "the field errors",
            "window.__freshmock.state().form.errors.length",
        )
        .await;
    let shown = browser
        .in_panel("d.querySelector('[data-key=email] .field-error').textContent")
        .await;
    assert!(shown.as_str().unwrap().contains("valid email"), "{shown}");

    browser
        .in_panel(
            "(function () { d.getElementById('email').value = 'nora@example.com';
               d.getElementById('description').value = 'The export button does nothing.';
               d.getElementById('ticket-form').dispatchEvent(new Event('input'));
               d.querySelector('.submit').click(); })()",
        )
        .await;
    browser
        .wait("the ticket", "window.__freshmock.state().view === 'thanks'")
        .await;
    assert_eq!(
        browser
            .in_panel("d.querySelector('.confirmation').textContent")
            .await,
        "Thank you for your feedback."
    );
}

/// A customer logged in with a token for `ttl` seconds whose renewal callback asks the page's
/// server (answering or not), on a page served with [`host_with_tokens`].
async fn logged_in_with_callback(fm: &crate::support::Api, ttl: i64, answer: bool) -> Browser {
    let first = token(fm, "Alice Anders", "alice@globex.test", ttl);
    let before = format!(
        "{}\nFreshworksWidget('authenticate', {{ token: {}, callback: window.__renew }}); FreshworksWidget('open');",
        renewal("alice@globex.test", "Alice Anders", 3600, answer),
        json!(first)
    );
    let browser = Browser::start().await;
    browser
        .goto(&host_with_tokens(widget_page(&fm.uri(), WIDGET, &before), fm).await)
        .await;
    browser.ready().await;
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_already_past_exp_is_renewed_through_the_callback_and_the_customer_stays_logged_in()
{
    let fm = server().await;
    let browser = logged_in_with_callback(&fm, 300, true).await;
    let state = logged_in(&browser).await;
    let first_exp = state["auth"]["claims"]["exp"].as_i64().unwrap();
    browser
        .wait(
            "the live clock",
            "window.__freshmock.state().sync.connected",
        )
        .await;
    // A laptop waking from sleep: 61 s past exp before the widget could renew.
    control(&fm, "clock/advance", json!({ "seconds": 361 })).await;
    browser
        .wait(
            "the fresh token",
            &format!("window.__freshmock.state().auth.status === 'logged_in' && window.__freshmock.state().auth.claims.exp > {first_exp}"),
        )
        .await;
    assert_eq!(browser.eval("return window.__renewals").await, 1);
    assert_eq!(browser.search("password").await, [1101, 1401]);
    let warnings = browser.eval("return window.__warnings.join('\\n')").await;
    assert!(
        !warnings.as_str().unwrap().contains("Back to anonymous"),
        "{warnings}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_token_expired_before_a_slow_bootstrap_is_renewed_through_the_callback() {
    let fm = server().await;
    // A slow network, and a page that printed its token long ago (61 s past exp).
    control(
        &fm,
        "faults",
        json!({ "path": "/api/widget/bootstrap", "latency_ms": 800 }),
    )
    .await;
    let browser = logged_in_with_callback(&fm, -61, true).await;
    let state = logged_in(&browser).await;
    assert_eq!(state["auth"]["claims"]["email"], "alice@globex.test");
    assert!(state["auth"]["claims"]["exp"].as_i64().unwrap() > fm.now_secs());
    assert_eq!(browser.eval("return window.__renewals").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_new_token_after_expiry_the_customer_is_logged_out_and_the_console_says_why() {
    let fm = server().await;
    let browser = logged_in_with_callback(&fm, 300, false).await;
    logged_in(&browser).await;
    browser
        .wait(
            "the live clock",
            "window.__freshmock.state().sync.connected",
        )
        .await;
    control(&fm, "clock/advance", json!({ "seconds": 361 })).await;
    browser
        .wait(
            "the callback",
            "window.__renewals === 1 && window.__freshmock.state().auth.status === 'renewing'",
        )
        .await;
    browser
        .wait(
            "the session to end",
            "window.__freshmock.state().auth.status === 'expired'",
        )
        .await;
    assert_eq!(browser.search("password").await, [1101]);
    let warnings = browser.eval("return window.__warnings.join('\\n')").await;
    let warnings = warnings.as_str().unwrap();
    assert!(
        warnings.contains("the callback was called at expiry and sent no new token within 5 s"),
        "{warnings}"
    );
    assert!(!warnings.contains("in time"), "{warnings}");
}
