//! The widget's life on a page: destroy and boot, a page that removes everything and embeds
//! the widget again (React StrictMode, route changes), and a script included twice.

use serde_json::json;

use crate::support::{host, server, widget_page, Browser, WIDGET};

/// How many copies of the widget's elements the page holds.
const COUNTS: &str = "return ['#freshworks-container', 'iframe#freshworks-frame', 'link#freshworks-frame', '#launcher-frame', '#widget-frame']
  .map(function (s) { return document.querySelectorAll(s).length; });";

/// What a framework's cleanup does: destroy, remove the script tag, delete both globals.
const REMOVE_EVERYTHING: &str = "FreshworksWidget('destroy');
  document.querySelectorAll('script[src*=\"/widgets/\"]').forEach(function (s) { s.remove(); });
  delete window.FreshworksWidget; delete window.fwSettings;";

/// The snippet again, with calls queued on the new stub, then the script tag.
fn embed_again(freshmock: &str) -> String {
    format!(
        "window.fwSettings = {{ widget_id: {WIDGET} }};
  !function(){{if(\"function\"!=typeof window.FreshworksWidget){{var n=function(){{n.q.push(arguments)}};n.q=[],window.FreshworksWidget=n}}}}();
  FreshworksWidget('setLabels', {{ en: {{ launcher: 'Mounted again' }} }});
  FreshworksWidget('open', 'ticketForm');
  var s = document.createElement('script'); s.src = '{freshmock}/widgets/{WIDGET}.js'; s.async = true;
  document.body.appendChild(s);"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_removed_everything_and_embeds_again_gets_the_widget_back_with_its_new_calls() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "")).await)
        .await;
    browser.ready().await;

    browser.eval(REMOVE_EVERYTHING).await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 0, 0]));
    browser.eval(&embed_again(&fm.uri())).await;
    browser
        .wait(
            "the new widget",
            "window.__freshmock.state().open && window.__freshmock.state().view === 'form'",
        )
        .await;
    let state = browser.ready().await;
    assert_eq!(state["mounted"], json!(true));
    assert_eq!(state["labels"]["en"]["launcher"], "Mounted again");
    // Nothing doubled: the old copy's elements were replaced, not added to.
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    assert_eq!(
        browser
            .in_launcher("d.querySelector('.launcher-button .text').textContent")
            .await,
        "Mounted again"
    );
    let warnings = browser.eval("return window.__warnings.join('\\n')").await;
    assert!(
        !warnings.as_str().unwrap().contains("ran twice"),
        "{warnings}"
    );
    browser.screenshot("widget-mounted-again").await;

    // And once more (StrictMode mounts twice; route changes go on).
    browser.eval(REMOVE_EVERYTHING).await;
    browser.eval(&embed_again(&fm.uri())).await;
    browser
        .wait("the third widget", "window.__freshmock.state().open")
        .await;
    browser.ready().await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_included_twice_on_one_page_load_renders_one_widget_and_says_so() {
    let fm = server().await;
    let tag = format!(
        "<script src=\"{}/widgets/{WIDGET}.js\" async defer></script></body>",
        fm.uri()
    );
    let html =
        widget_page(&fm.uri(), WIDGET, "FreshworksWidget('open');").replacen("</body>", &tag, 1);
    let browser = Browser::start().await;
    browser.goto(&host(html).await).await;
    browser.ready().await;
    browser
        .wait(
            "the second copy's warning",
            "window.__warnings.some(function (w) { return w.indexOf('ran twice') >= 0; })",
        )
        .await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    // A copy added later, with the page's embedding untouched, is ignored too.
    browser
        .eval(&format!(
            "var s = document.createElement('script'); s.src = '{}/widgets/{WIDGET}.js'; document.body.appendChild(s);",
            fm.uri()
        ))
        .await;
    browser
        .wait(
            "the third copy's warning",
            "window.__warnings.filter(function (w) { return w.indexOf('ran twice') >= 0; }).length === 2",
        )
        .await;
    assert_eq!(browser.eval(COUNTS).await, json!([1, 1, 1, 1, 1]));
    assert_eq!(browser.state().await["open"], json!(true));
}
