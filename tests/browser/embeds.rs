//! Common ways real sites embed the widget (the pages in `tests/browser/pages/`, following
//! the embedding chapter, `docs/src/widget.md`), each loaded in Chromium against freshmock.

use serde_json::json;

use crate::support::{control, host_pages, server, Browser};

/// How many copies of the widget's elements the page holds.
const COUNTS: &str = "return ['#freshworks-container', 'iframe#freshworks-frame', 'link#freshworks-frame', '#launcher-frame', '#widget-frame']
  .map(function (s) { return document.querySelectorAll(s).length; });";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_added_on_the_first_click_opens_the_widget() {
    let fm = server().await;
    let site = host_pages(&fm).await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{site}pages/lazy-on-click.html"))
        .await;
    assert_eq!(
        browser
            .eval("return !!document.getElementById('freshworks-container')")
            .await,
        json!(false)
    );
    browser.click("#help").await;
    let state = browser.ready().await;
    assert_eq!(state["open"], json!(true));
    assert_eq!(state["view"], "home");
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    browser.screenshot("embed-lazy-on-click").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stub_that_queues_arrays_has_its_calls_replayed() {
    let fm = server().await;
    let site = host_pages(&fm).await;
    let browser = Browser::start().await;
    browser.goto(&format!("{site}pages/array-stub.html")).await;
    let state = browser.ready().await;
    assert_eq!(state["view"], "form");
    assert_eq!(state["form"]["values"]["name"], "Ada Array");
    assert_eq!(state["form"]["values"]["subject"], "Queued as an array");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stub_that_loads_the_script_on_its_first_call_opens_the_form() {
    let fm = server().await;
    let site = host_pages(&fm).await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{site}pages/load-on-first-call.html"))
        .await;
    browser.click("#contact").await;
    let state = browser.ready().await;
    assert_eq!(state["open"], json!(true));
    assert_eq!(state["view"], "form");
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_framework_wrapper_that_mounts_unmounts_and_mounts_again_gets_one_working_widget() {
    let fm = server().await;
    let site = host_pages(&fm).await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{site}pages/framework-wrapper.html"))
        .await;
    // StrictMode's mount, cleanup, mount: one widget, with the last mount's labels.
    browser.ready().await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    let launcher = "d.querySelector('.launcher-button .text').textContent";
    assert_eq!(browser.in_launcher(launcher).await, "Mount 2");

    // A route change, later: cleanup, then mount with another banner.
    browser
        .eval("unmountWidget(); mountWidget('Second page'); FreshworksWidget('open');")
        .await;
    browser
        .wait(
            "the widget of the second mount",
            "window.__freshmock.state().labels.en && window.__freshmock.state().labels.en.banner === 'Second page' && window.__freshmock.state().open",
        )
        .await;
    browser.ready().await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    assert_eq!(browser.in_launcher(launcher).await, "Mount 3");
    assert_eq!(
        browser
            .in_panel("d.querySelector('.title').textContent")
            .await,
        "Second page"
    );
    let twice = browser
        .eval("return window.__warnings.filter(function (w) { return w.indexOf('ran twice') >= 0; }).length")
        .await;
    assert_eq!(
        twice, 0,
        "a page that removed everything is not a second script tag"
    );
    browser.screenshot("embed-framework-wrapper").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_callback_that_passes_itself_keeps_the_customer_logged_in_past_exp() {
    let fm = server().await;
    let site = host_pages(&fm).await;
    let browser = Browser::start().await;
    browser
        .goto(&format!("{site}pages/renewal-recursive.html"))
        .await;
    browser.ready().await;
    let state = browser
        .wait(
            "the customer to be logged in",
            "window.__freshmock.state().auth.status === 'logged_in' && window.__freshmock.state().sync.connected && window.__freshmock.state()",
        )
        .await;
    let first_exp = state["auth"]["claims"]["exp"].as_i64().unwrap();
    // Well past the first token's exp (a laptop waking from sleep).
    control(&fm, "clock/advance", json!({ "seconds": 361 })).await;
    browser
        .wait(
            "the renewed session",
            &format!("window.__freshmock.state().auth.status === 'logged_in' && window.__freshmock.state().auth.claims.exp > {first_exp}"),
        )
        .await;
    assert_eq!(browser.eval("return window.__renewals").await, 2);
    assert_eq!(browser.search("password").await, [1101, 1401]);
}
