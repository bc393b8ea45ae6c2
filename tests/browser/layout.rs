//! How the widget sits in the viewport: phones and short windows, and the launcher's close
//! control while the panel is open.

use serde_json::{json, Value};

use crate::support::{host, server, widget_page, Browser, WIDGET};

/// The open panel's box and the Send button's, in the host page's viewport, and whether the
/// button is what a tap on its centre reaches.
const GEOMETRY: &str = "var f = document.getElementById('widget-frame'), p = f.getBoundingClientRect();
  var d = f.contentDocument, b = d.querySelector('.submit').getBoundingClientRect();
  var hit = d.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
  return { vw: innerWidth, vh: innerHeight, panel: [p.left, p.top, p.right, p.bottom],
    send: [p.left + b.left, p.top + b.top, p.left + b.right, p.top + b.bottom], tappable: !!hit && hit.classList.contains('submit') };";

fn inside(g: &Value, key: &str) -> bool {
    let (vw, vh) = (g["vw"].as_f64().unwrap(), g["vh"].as_f64().unwrap());
    let r: Vec<f64> = g[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= vw + 0.5 && r[3] <= vh + 0.5 && r[2] > r[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_form_fits_phones_and_short_windows_with_send_in_reach() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser.open_form(&fm.uri(), WIDGET).await;
    for (w, h) in [
        (375, 667),
        (320, 480),
        (1280, 760),
        (1280, 560),
        (768, 1024),
    ] {
        browser.set_size(w, h).await;
        let g = browser.eval(GEOMETRY).await;
        assert!(
            inside(&g, "panel"),
            "{w}×{h}: the panel runs off the viewport: {g}"
        );
        assert!(inside(&g, "send"), "{w}×{h}: Send is off-screen: {g}");
        assert_eq!(g["tappable"], json!(true), "{w}×{h}: Send is covered: {g}");
        if w <= 600 {
            // Small screens: full-screen, as the real widget.
            let full = [0.0, 0.0, f64::from(w), f64::from(h)];
            assert!(
                (0..4).all(|i| (g["panel"][i].as_f64().unwrap() - full[i]).abs() < 0.5),
                "{w}×{h}: not full-screen: {g}"
            );
        }
        browser.screenshot(&format!("widget-form-{w}x{h}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_launcher_of_an_open_panel_is_a_close_control() {
    let fm = server().await;
    let browser = Browser::start().await;
    browser
        .goto(&host(widget_page(&fm.uri(), WIDGET, "")).await)
        .await;
    browser.ready().await;
    let launcher = "var b = document.getElementById('launcher-frame').contentDocument.querySelector('.launcher-button');
      return { icon: b.querySelector('.icon').textContent, text: getComputedStyle(b.querySelector('.text')).display !== 'none',
               label: b.getAttribute('aria-label') };";
    assert_eq!(
        browser.eval(launcher).await,
        json!({ "icon": "?", "text": true, "label": "Help" })
    );
    browser
        .eval("document.getElementById('launcher-frame').contentDocument.querySelector('.launcher-button').click()")
        .await;
    browser.idle().await;
    assert_eq!(
        browser.eval(launcher).await,
        json!({ "icon": "\u{d7}", "text": false, "label": "Close" })
    );
    browser.screenshot("widget-launcher-close").await;
    browser
        .eval("document.getElementById('launcher-frame').contentDocument.querySelector('.launcher-button').click()")
        .await;
    assert_eq!(browser.state().await["open"], json!(false));
}
