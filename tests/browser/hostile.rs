//! Hostile fixture content in the widget: markup in articles, titles and ticket fields is
//! shown as text or removed, and nothing in the widget's frames runs script. The frames are
//! documents of freshmock's origin whose policy runs only their own script file; every
//! payload sets `__pwned` in the window it runs in (and tries the customer's page); the tests
//! check that it stays undefined in both.

use std::time::Duration;

use freshmock::{FixtureSet, MockServer};
use serde_json::json;

use crate::support::{host, widget_page, Api, Browser, WIDGET};

/// Runs in the customer's page if anything from these fixtures is run as script.
const PWN: &str = "window.__pwned = 1; top.__pwned = 1";

/// freshmock on the bundled account with these changes.
async fn server_with(change: impl FnOnce(&mut FixtureSet)) -> Api {
    let mut set = FixtureSet::bundled().unwrap();
    change(&mut set);
    Api::on(MockServer::builder().fixtures(set).start().await)
}

/// `typeof __pwned` in the customer's page and in the widget's panel, after giving any
/// queued handler time to run: `"undefined"` when neither ran a payload.
async fn pwned(browser: &Browser) -> serde_json::Value {
    tokio::time::sleep(Duration::from_millis(400)).await;
    let page = browser.eval("return typeof window.__pwned;").await;
    let panel = browser.in_panel("typeof window.__pwned").await;
    if page == "undefined" && panel == "undefined" {
        page
    } else {
        json!({ "page": page, "panel": panel })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_with_scripts_and_handlers_shows_as_text_and_runs_nothing() {
    let title = format!("<img src=x onerror=\"{PWN}\">Reset <b>now</b>");
    let fm = server_with(|set| {
        let first = set.solutions[0].folders[0].articles[0].id;
        let tr = set
            .article_mut(first)
            .unwrap()
            .translations
            .get_mut("en")
            .unwrap();
        tr.title = title.clone();
        tr.description = format!(
            "<p>Visible steps.</p><script>{PWN}</script><img src=\"x\" onerror=\"{PWN}\">\
             <a id=\"js\" href=\"javascript:{PWN}\">Click</a>\
             <iframe srcdoc=\"<script>{PWN}</script>\"></iframe><svg onload=\"{PWN}\"></svg>\
             <div id=\"ticket-form\" class=\"vote-up\">Not the form</div>"
        );
    })
    .await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "FreshworksWidget('open');")).await)
        .await;
    browser.ready().await;

    assert!(browser.search("reset").await.contains(&1101));
    let listed = browser
        .in_panel("[].map.call(d.querySelectorAll('.article-link'), function (a) { return a.textContent; })")
        .await;
    assert!(
        listed.as_array().unwrap().contains(&json!(title)),
        "{listed}"
    );
    browser.call("'open', 'article', { id: 1101 }").await;
    browser.idle().await;
    let shown = browser
        .in_panel(
            "[d.querySelector('.article-title').textContent, d.querySelector('.article-body').textContent,
              d.querySelectorAll('.article-body script, .article-body iframe, .article-body svg, .article-body [onerror], .article-body [id], .article-body [class]').length,
              d.querySelector('.article-body a').hasAttribute('href'), d.querySelectorAll('.vote-up').length]",
        )
        .await;
    assert_eq!(
        shown,
        json!([title, "Visible steps.ClickNot the form", 0, false, 1])
    );
    browser
        .in_panel("d.querySelector('.article-body a').click()")
        .await;
    browser
        .in_panel("d.querySelector('.vote-up').click()")
        .await;
    assert_eq!(browser.idle().await["article"]["vote"], "up");
    assert_eq!(pwned(&browser).await, "undefined");
    browser.screenshot("widget-hostile-article").await;
}

/// Defence in depth: even markup that reached the frames' documents (a sanitiser bypass,
/// a future change) cannot run, as the frames' own policy allows only their script file, and
/// the sandbox keeps their links from navigating the customer's page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_that_reaches_the_widget_frames_cannot_run_script() {
    let fm = Api::on(MockServer::start().await);
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "FreshworksWidget('open');")).await)
        .await;
    browser.ready().await;

    browser
        .in_panel(&format!(
            "(function () {{ var box = d.querySelector('.articles');
               box.innerHTML = '<li><img src=\"x\" onerror=\"{PWN}\"><a id=\"js\" href=\"javascript:{PWN}\">x</a></li>';
               d.getElementById('js').click(); }})()"
        ))
        .await;
    assert_eq!(pwned(&browser).await, "undefined");
    let sandbox = browser
        .eval(
            "return ['widget-frame', 'launcher-frame'].map(function (id) {
               var s = document.getElementById(id).sandbox;
               return [s.contains('allow-top-navigation'), s.contains('allow-scripts'), s.length > 0];
             });",
        )
        .await;
    assert_eq!(sandbox, json!([[false, true, true], [false, true, true]]));
    for file in ["frame.html", "launcher.html"] {
        let reply = reqwest::get(format!("{}/widgetBase/{file}", fm.uri()))
            .await
            .unwrap();
        let policy = reply.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let scripts = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert_eq!(scripts, "script-src 'self'", "{file}: {policy}");
    }
    // The widget still works: the frames' own script is not markup.
    assert!(browser.search("password").await.contains(&1101));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_field_labels_and_choices_with_markup_show_as_text() {
    let label = format!("<img src=x onerror=\"{PWN}\">Which <b>part</b>?");
    let choice = format!("<img src=x onerror=\"{PWN}\">Billing");
    let fm = server_with(|set| {
        let widget = set
            .widgets
            .iter_mut()
            .find(|w| w.id == 12_000_000_025)
            .unwrap();
        widget.settings.contact_form.form_type = 2;
        let field = set
            .ticket_fields
            .iter_mut()
            .find(|f| f.name == "cf_product_area")
            .unwrap();
        let en = field.labels.get_mut("en").unwrap();
        en.label_for_customers = Some(label.clone());
        field.choices = Some(json!([choice, "\"><script>x</script>"]));
    })
    .await;
    let browser = Browser::start().await;
    browser.open_form(&fm.uri(), WIDGET).await;
    browser
        .wait_in_panel(
            "the ticket-fields form",
            "!!d.querySelector('select#cf_product_area')",
        )
        .await;

    let form = browser
        .in_panel(
            "[d.querySelector('label[for=cf_product_area]').textContent,
              [].map.call(d.querySelectorAll('#cf_product_area option'), function (o) { return [o.value, o.textContent]; }),
              d.querySelectorAll('#ticket-form img, #ticket-form script, #ticket-form b').length]",
        )
        .await;
    assert_eq!(
        form,
        json!([
            label,
            [
                ["", "—"],
                [choice, choice],
                ["\"><script>x</script>", "\"><script>x</script>"]
            ],
            0
        ])
    );
    assert_eq!(pwned(&browser).await, "undefined");
    browser.screenshot("widget-hostile-form").await;
}
