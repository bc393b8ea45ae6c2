//! The loader: the snippet's queue, the element ids, the calls of the spec's table, and
//! widgets that render nothing.

use std::time::Duration;

use serde_json::json;

use crate::support::{
    host, page, server, widget_page, Browser, INACTIVE_WIDGET, NOTHING_WIDGET, WIDGET,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_queued_before_load_are_replayed_in_order_once_the_ui_rendered() {
    let fm = server().await;
    let queued = r#"
FreshworksWidget('setLabels', { en: { banner: 'Hello from the queue', launcher: 'Ask us' } });
FreshworksWidget.q.push(['identify', 'ticketForm', { name: 'Quinn Queue', email: 'quinn@example.com' }]);
FreshworksWidget('prefill', 'ticketForm', { subject: 'Queued subject', custom_fields: { cf_order_number: 'A-1' }, mystery: 7 });
FreshworksWidget('hide', 'ticketForm', ['custom_fields.cf_order_number']);
FreshworksWidget('notACall', 1);
FreshworksWidget('open', 'ticketForm');
"#;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, queued)).await)
        .await;

    let state = browser.ready().await;

    let names: Vec<&str> = state["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "setLabels",
            "identify",
            "prefill",
            "hide",
            "notACall",
            "open"
        ]
    );
    assert_eq!(state["calls"][4]["known"], json!(false));
    assert_eq!(state["view"], "form");
    assert_eq!(state["open"], json!(true));
    let values = &state["form"]["values"];
    assert_eq!(values["name"], "Quinn Queue");
    assert_eq!(values["email"], "quinn@example.com");
    assert_eq!(values["subject"], "Queued subject");
    assert_eq!(values["custom_fields.cf_order_number"], "A-1");
    assert_eq!(values["mystery"], 7, "unknown prefill keys are kept");
    assert_eq!(
        state["form"]["hidden"],
        json!(["custom_fields.cf_order_number"])
    );
    // The real widget's element ids; the frames are documents of freshmock's origin.
    let dom = browser
        .eval(
            "return { container: !!document.querySelector('div#freshworks-container'),
               hiddenFrame: !!document.querySelector('iframe#freshworks-frame'),
               link: !!document.querySelector('link#freshworks-frame'),
               frames: ['launcher-frame', 'widget-frame'].map(function (id) { return new URL(document.getElementById(id).src).pathname; }),
               stub: typeof window.FreshworksWidget.q };",
        )
        .await;
    assert_eq!(
        dom,
        json!({ "container": true, "hiddenFrame": true, "link": true,
                "frames": ["/widgetBase/launcher.html", "/widgetBase/frame.html"],
                "stub": "undefined" })
    );
    let launcher = browser
        .in_launcher("d.querySelector('.launcher-button .text').textContent")
        .await;
    assert_eq!(launcher, "Ask us");
    let fields = browser
        .in_panel("[d.querySelector('input#name').value, d.querySelector('input#email').value, d.querySelector('input#subject').value]")
        .await;
    assert_eq!(
        fields,
        json!(["Quinn Queue", "quinn@example.com", "Queued subject"])
    );
    browser.screenshot("widget-form").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_widget_shows_only_the_launcher_and_open_shows_suggested_articles() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "")).await)
        .await;
    let state = browser.ready().await;
    assert_eq!(state["open"], json!(false));
    assert_eq!(
        browser
            .eval("return getComputedStyle(document.getElementById('widget-frame')).display")
            .await,
        "none"
    );
    browser.screenshot("widget-closed").await;

    // A click on the launcher opens the home view.
    browser
        .in_launcher("d.querySelector('.launcher-button').click()")
        .await;
    let state = browser.idle().await;
    assert_eq!(state["view"], "home");
    let suggested: Vec<u64> = state["suggested"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    assert_eq!(suggested, [1101, 2101, 1110, 1102, 2102]);
    browser.screenshot("widget-open").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_inactive_or_empty_widgets_render_nothing_and_never_run_the_queue() {
    let fm = server().await;
    let client = reqwest::Client::new();
    for (id, status) in [
        (WIDGET, 200),
        (INACTIVE_WIDGET, 404),
        ("424242", 404),
        (NOTHING_WIDGET, 200),
    ] {
        let r = client
            .get(format!("{}/widgets/{id}.js", fm.uri()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "/widgets/{id}.js");
    }
    let browser = Browser::start().await;
    // The CDN has no script for an unknown id: nothing runs at all.
    browser
        .goto(
            &host(widget_page(
                &fm.uri(),
                "424242",
                "FreshworksWidget('open');",
            ))
            .await,
        )
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let seen = browser
        .eval("return [!!document.getElementById('freshworks-container'), window.FreshworksWidget.q.length, typeof window.__freshmock]")
        .await;
    assert_eq!(seen, json!([false, 1, "undefined"]));

    // The generic loader with an id that has no configuration, or no component on.
    for id in ["424242", INACTIVE_WIDGET, NOTHING_WIDGET] {
        let html = page(
            &fm.uri(),
            &format!("{{ widget_id: '{id}' }}"),
            "FreshworksWidget('open');",
            "/widgetBase/bootstrap.js",
        );
        browser.goto(&host(html).await).await;
        browser
            .wait(
                &format!("widget {id} to give up"),
                "window.__freshmock.state().status === 'not-rendered'",
            )
            .await;
        let seen = browser
            .eval("return [!!document.getElementById('freshworks-container'), window.FreshworksWidget.q.length]")
            .await;
        assert_eq!(seen, json!([false, 1]), "widget {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_fw_settings_throws_a_type_error_and_a_missing_widget_id_does_nothing() {
    let fm = server().await;
    let browser = Browser::start().await;
    let catch = "window.__errors = []; window.addEventListener('error', function (e) { window.__errors.push(e.message); });";
    // `crossorigin` lets the page see the cross-origin script's error message.
    let html = page(&fm.uri(), "undefined", catch, "/widgetBase/bootstrap.js")
        .replace("window.fwSettings = undefined;", "")
        .replace("async defer>", "async defer crossorigin>");
    browser.goto(&host(html).await).await;
    let errors = browser
        .wait(
            "the loader to throw",
            "window.__errors.length && window.__errors",
        )
        .await;
    assert!(
        errors[0].as_str().unwrap().contains("TypeError"),
        "{errors}"
    );

    let html = page(&fm.uri(), "{}", "", "/widgetBase/bootstrap.js");
    browser.goto(&host(html).await).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = browser
        .eval(
            "return [typeof window.__freshmock, !!document.getElementById('freshworks-container')]",
        )
        .await;
    assert_eq!(seen, json!(["undefined", false]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_unmounts_and_boot_mounts_the_widget_again() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "")).await)
        .await;
    browser.ready().await;

    browser.call("'destroy'").await;
    // Only the UI goes: the container, the bootstrap frame and the stylesheet stay, as with
    // the real loader.
    let left = browser
        .eval("return [!!document.getElementById('freshworks-container'), !!document.querySelector('iframe#freshworks-frame'),
                       !!document.querySelector('link#freshworks-frame'), !!document.getElementById('launcher-frame'),
                       !!document.getElementById('widget-frame'), window.__freshmock.state().mounted]")
        .await;
    assert_eq!(left, json!([true, true, true, false, false, false]));

    browser.call("'boot'").await;
    browser
        .wait_in_frame(
            "#launcher-frame",
            "the launcher after boot",
            "!!document.querySelector('.launcher-button .text').textContent",
        )
        .await;
    browser.idle().await;
    browser.call("'open', 'article', { id: 1101 }").await;
    let state = browser.idle().await;
    assert_eq!(state["mounted"], json!(true));
    assert_eq!(state["article"]["status"], 200);
    assert_eq!(
        browser
            .in_panel("d.querySelector('.article-title').textContent")
            .await,
        "How to reset your password"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hide_show_disable_clear_labels_and_settings_change_the_widget() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "")).await)
        .await;
    browser.ready().await;
    let display =
        |id: &str| format!("return getComputedStyle(document.getElementById('{id}')).display");

    browser.call("'hide'").await;
    assert_eq!(browser.eval(&display("freshworks-container")).await, "none");
    browser.call("'show'").await;
    assert_eq!(
        browser.eval(&display("freshworks-container")).await,
        "block"
    );
    browser.call("'hide', 'launcher'").await;
    assert_eq!(browser.eval(&display("launcher-frame")).await, "none");
    browser.call("'show', 'launcher'").await;
    assert_ne!(browser.eval(&display("launcher-frame")).await, "none");

    browser.call("'hide', 'ticketForm'").await; // no fields: nothing happens
    browser
        .call("'prefill', 'ticketForm', { subject: 'Printer on fire', description: 'Help' }")
        .await;
    browser.call("'disable', 'ticketForm', ['subject']").await;
    browser.call("'hide', 'ticketForm', 'description'").await;
    browser
        .call("'setLabels', { en: { contact_form: { title: 'Write to us', submit: 'Go' } }, fr: { contact_form: { title: 'Écrivez-nous' } } }")
        .await;
    browser
        .call(
            "'updateSettings', { appearance: { theme_color: '#aa3366' }, custom: { kept: true } }",
        )
        .await;
    browser.call("'open', 'ticketForm'").await;
    let state = browser.idle().await;
    assert_eq!(state["form"]["hidden"], json!(["description"]));
    assert_eq!(state["form"]["readOnly"], json!(["subject"]));
    assert_eq!(state["settings"]["custom"]["kept"], json!(true));
    assert_eq!(state["settings"]["appearance"]["theme_color"], "#aa3366");
    let panel = browser
        .in_panel(
            "[d.querySelector('.title').textContent, d.querySelector('.submit').textContent,
              d.getElementById('subject').readOnly, d.getElementById('subject').value,
              d.querySelector('[data-key=description]').hidden,
              d.documentElement.style.getPropertyValue('--theme')]",
        )
        .await;
    assert_eq!(
        panel,
        json!([
            "Write to us",
            "Go",
            true,
            "Printer on fire",
            true,
            "#aa3366"
        ])
    );

    browser.call("'clear', 'ticketForm'").await;
    let state = browser.state().await;
    assert_eq!(state["form"]["values"], json!({}));
    browser.call("'close'").await;
    assert_eq!(browser.state().await["open"], json!(false));
    assert_eq!(browser.eval(&display("widget-frame")).await, "none");
}
