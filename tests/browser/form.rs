//! The contact form: fields a site hides by the real widget's element names, and the checks
//! the browser makes before anything is sent.

use serde_json::json;

use crate::support::{fetch, host, server, widget_page, Browser, WIDGET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hiding_the_attachment_container_hides_the_upload_box() {
    let fm = server().await;
    let before = "FreshworksWidget('hide', 'ticketForm', ['attachment-container']); FreshworksWidget('open', 'ticketForm');";
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, before)).await)
        .await;
    let state = browser.ready().await;
    assert_eq!(state["form"]["hidden"], json!(["attachments"]));
    let upload = browser
        .in_panel("[getComputedStyle(d.getElementById('attachment-container')).display, d.getElementById('attachments').offsetParent === null]")
        .await;
    assert_eq!(upload, json!(["none", true]));
    browser.screenshot("widget-form-no-attachments").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_empty_form_names_its_required_fields_before_asking_for_the_captcha_and_sends_nothing()
{
    let fm = server().await;
    let browser = Browser::start().await;
    browser.open_form(&fm.uri(), WIDGET).await;
    browser.in_panel("d.querySelector('.submit').click()").await;
    let state = browser.idle().await;
    let fields: Vec<&str> = state["form"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "description"]);
    assert_eq!(state["form"]["notice"], "", "no captcha message yet");
    assert_eq!(
        browser
            .in_panel("getComputedStyle(d.querySelector('.form-error')).display")
            .await,
        "none"
    );
    let sent = fetch(fm.bare(
        reqwest::Method::GET,
        "/_freshmock/requests/count?path=/api/widget/tickets",
    ))
    .await;
    assert_eq!(sent.json()["count"], 0, "{}", sent.body);
    browser.screenshot("widget-form-required").await;

    // Typing into a field and sending again clears what was fixed.
    browser
        .in_panel(
            "(function () { d.getElementById('email').value = 'nora@example.com';
               d.getElementById('ticket-form').dispatchEvent(new Event('input'));
               d.querySelector('.submit').click(); })()",
        )
        .await;
    let state = browser.idle().await;
    assert_eq!(state["form"]["errors"][0]["field"], "description");
    assert_eq!(state["form"]["errors"].as_array().unwrap().len(), 1);
}
