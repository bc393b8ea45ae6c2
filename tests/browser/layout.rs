//! How the widget sits in the viewport: phones and short windows, and the launcher's close
//! control while the panel is open.

use serde_json::{json, Value};

use crate::support::{host, server, widget_page, Browser, WIDGET};

/// The open panel's box in the host page's viewport.
const PANEL: &str = "var p = document.getElementById('widget-frame').getBoundingClientRect();
  return { vw: innerWidth, vh: innerHeight, panel: [p.left, p.top, p.right, p.bottom] };";
/// The Send button's box in the panel, and whether it is what a tap on its centre reaches.
const SEND: &str = "(function () { var b = d.querySelector('.submit').getBoundingClientRect();
  var hit = d.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
  return { send: [b.left, b.top, b.right, b.bottom], tappable: !!hit && hit.classList.contains('submit') }; })()";

/// The open panel's box and the Send button's, in the host page's viewport, and whether the
/// button is what a tap on its centre reaches.
async fn geometry(browser: &Browser) -> Value {
    let mut g = browser.eval(PANEL).await;
    let inner = browser.in_panel(SEND).await;
    let (x, y) = (
        g["panel"][0].as_f64().unwrap(),
        g["panel"][1].as_f64().unwrap(),
    );
    let send: Vec<f64> = inner["send"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, v)| v.as_f64().unwrap() + if i % 2 == 0 { x } else { y })
        .collect();
    g["send"] = json!(send);
    g["tappable"] = inner["tappable"].clone();
    g
}

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
        let g = geometry(&browser).await;
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
    let launcher = "(function () { var b = d.querySelector('.launcher-button');
      return { icon: b.querySelector('.icon').textContent, text: getComputedStyle(b.querySelector('.text')).display !== 'none',
               label: b.getAttribute('aria-label') }; })()";
    assert_eq!(
        browser.in_launcher(launcher).await,
        json!({ "icon": "?", "text": true, "label": "Help" })
    );
    browser
        .in_launcher("d.querySelector('.launcher-button').click()")
        .await;
    browser.idle().await;
    assert_eq!(
        browser.in_launcher(launcher).await,
        json!({ "icon": "\u{d7}", "text": false, "label": "Close" })
    );
    browser.screenshot("widget-launcher-close").await;
    browser
        .in_launcher("d.querySelector('.launcher-button').click()")
        .await;
    assert_eq!(browser.idle().await["open"], json!(false));
}
