//! The demo site at `/`: personas side by side, and the common-mistakes page.

use serde_json::json;

use crate::support::{server, Browser};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_site_shows_what_each_persona_sees_side_by_side() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/", fm.uri())).await;
    browser
        .wait(
            "the comparison",
            "document.getElementById('grid').dataset.ready",
        )
        .await;
    let shows = browser
        .eval("var out = {}; document.querySelectorAll('.col').forEach(function (c) {
               out[c.dataset.persona] = c.querySelector('.show').textContent.slice(0, 3); }); return out;")
        .await;
    assert_eq!(
        shows,
        json!({ "anonymous": "404", "nora": "404", "alice": "200", "bob": "404",
                "sam": "404", "stan": "200", "blake": "403" })
    );
    // Log the widget in as Alice through the persona switcher.
    browser
        .eval("document.querySelector('input[value=alice]').click()")
        .await;
    browser
        .wait(
            "Alice in the widget",
            "window.__freshmock.state().auth.status === 'logged_in' && window.__freshmock.state().suggested",
        )
        .await;
    browser.idle().await;
    browser.screenshot("demo-site").await;
    browser.call("'close'").await;
    browser
        .eval("document.getElementById('grid').scrollIntoView()")
        .await;
    browser.screenshot("demo-site-personas").await;

    browser
        .goto(&format!("{}/demo/mistakes.html", fm.uri()))
        .await;
    browser.ready().await;
    for (mistake, expect) in [
        ("milliseconds", "milliseconds"),
        ("no-callback", "callback"),
        ("identify", "anonymous"),
    ] {
        browser
            .eval(&format!(
                "document.querySelector('[data-mistake=\"{mistake}\"] button').click()"
            ))
            .await;
        let text = browser
            .wait(
                &format!("the explanation of {mistake}"),
                &format!(
                    "document.querySelector('[data-mistake=\"{mistake}\"] .explain').textContent"
                ),
            )
            .await;
        assert!(text.as_str().unwrap().contains(expect), "{mistake}: {text}");
    }
    browser.screenshot("demo-mistakes").await;
}
