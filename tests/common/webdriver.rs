//! A small WebDriver client shared by the test binaries that drive headless Chromium (the
//! widget's `tests/browser` and the dashboard's `tests/dashboard`): one chromedriver and one
//! Chromium per [`Browser`], over the W3C protocol with reqwest (already a dev-dependency; the
//! dozen commands these tests use did not justify fantoccini's dependency tree).
//!
//! Each binary includes it with `#[path = "../common/webdriver.rs"] mod webdriver;` and adds
//! its own helpers on top. A missing Chromium or chromedriver is a test failure naming the
//! command that installs them, never a skip. Screenshots go to `target/screenshots/`.

// Each binary uses its own part of this module.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

/// W3C's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait polls before failing.
pub const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);
/// How long a screenshot lets transitions settle first.
const SETTLE: Duration = Duration::from_millis(150);
/// The flags every test browser gets; [`Options`] adds the window size and a suite's own.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// How a suite wants its browser.
pub struct Options {
    /// Chromium's `--window-size`.
    pub window: (u32, u32),
    /// Resize once started so that the page's viewport, not the window, is `window`.
    pub exact_viewport: bool,
    /// Chromium flags beyond the common ones.
    pub args: &'static [&'static str],
    /// A script whose value a timed-out wait reports (the page's own state, say).
    pub diagnostics: Option<&'static str>,
}

/// `FRESHMOCK_CHROMIUM` or `FRESHMOCK_CHROMEDRIVER`, else Debian's path; it must exist.
fn binary(env: &str, default: &str) -> PathBuf {
    let path = PathBuf::from(std::env::var(env).unwrap_or_else(|_| default.to_owned()));
    assert!(
        path.exists(),
        "{} is missing: the browser and dashboard tests need Debian's chromium and chromium-driver \
         (apt-get update && apt-get install -y chromium chromium-driver; scripts/test.sh does this), \
         or set {env}",
        path.display()
    );
    path
}

/// A free port on loopback: bound, read, released, then handed to chromedriver (which
/// cannot take port 0).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// JavaScript's truthiness, for a value a script returned.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// One headless Chromium behind its own chromedriver; both end, and the profile directory
/// goes, when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    http: reqwest::Client,
    options: Options,
    profile: tempfile::TempDir,
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium as `options` say, with a fresh profile.
    pub async fn start(options: Options) -> Browser {
        let chromium = binary("FRESHMOCK_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("FRESHMOCK_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let profile = tempfile::Builder::new()
            .prefix("freshmock-chromium-")
            .tempdir()
            .expect("a Chromium profile directory");
        // From here on, a failure still stops chromedriver (in `drop`).
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            http: reqwest::Client::new(),
            options,
            profile,
        };
        browser.wait_for_driver().await;
        let (width, height) = browser.options.window;
        let mut args: Vec<String> = CHROMIUM_ARGS
            .iter()
            .chain(browser.options.args)
            .map(|a| a.to_string())
            .collect();
        args.push(format!("--window-size={width},{height}"));
        args.push(format!(
            "--user-data-dir={}",
            browser.profile.path().display()
        ));
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium, "args": args },
            }}
        });
        let value = browser.send(Method::POST, "/session", Some(caps)).await;
        browser.session = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver gave no session: {value}"))
            .to_owned();
        if browser.options.exact_viewport {
            browser.set_size(width, height).await;
        }
        browser
    }

    async fn wait_for_driver(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = format!("http://127.0.0.1:{}/status", self.port);
        loop {
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            if let Ok(res) = self.http.get(&url).send().await {
                if let Ok(body) = res.json::<Value>().await {
                    if body["value"]["ready"] == true {
                        return;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not get ready on port {}",
                self.port
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// One WebDriver command: its value, or the driver's error and message.
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let mut req = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = res.status();
        let mut body: Value = res.json().await.unwrap_or_default();
        let value = body
            .as_object_mut()
            .and_then(|answer| answer.remove("value"))
            .unwrap_or_default();
        match value["error"].as_str() {
            None if status.is_success() => Ok(value),
            error => Err(format!(
                "{status} {}: {}",
                error.unwrap_or("(no error code)"),
                value["message"]
            )),
        }
    }

    /// One WebDriver command; panics with the driver's message on an error.
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let what = format!("WebDriver {method} {path}");
        self.request(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("{what} failed: {e}"))
    }

    /// `path` within this session.
    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    async fn post(&self, rest: &str, body: Value) -> Value {
        self.send(Method::POST, &self.at(rest), Some(body)).await
    }

    /// Sets the viewport (not the window) to `width`×`height`.
    pub async fn set_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
        // Headless windows may add a frame: correct by what the page reports.
        let inner = self
            .eval("return [window.innerWidth, window.innerHeight];")
            .await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(0) as u32,
            inner[1].as_u64().unwrap_or(0) as u32,
        );
        if (iw, ih) != (width, height) && iw > 0 {
            self.post(
                "/window/rect",
                json!({ "width": 2 * width - iw, "height": 2 * height - ih }),
            )
            .await;
        }
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// Runs a script body in the page (`return ...` gives its value).
    pub async fn eval(&self, script: &str) -> Value {
        self.eval_with(script, json!([])).await
    }

    /// Runs a script body with `arguments` taken from `args`, a JSON array.
    pub async fn eval_with(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs a script body inside the frame the page's element `frame_css` holds (the widget's
    /// frames are documents of another origin, which the page's own scripts cannot reach),
    /// then returns to the page. A frame that is not there yet is waited for.
    pub async fn eval_in_frame(&self, frame_css: &str, script: &str) -> Value {
        let frame = self.find(frame_css).await;
        self.post("/frame", json!({ "id": { ELEMENT: frame.0 } }))
            .await;
        let answer = self
            .request(
                Method::POST,
                &self.at("/execute/sync"),
                Some(json!({ "script": script, "args": [] })),
            )
            .await;
        self.post("/frame/parent", json!({})).await;
        answer.unwrap_or_else(|e| panic!("a script in {frame_css} failed: {e}"))
    }

    /// Polls `expr` inside the frame `frame_css` until it is truthy (an exception counts as
    /// not yet), as [`Browser::wait`] does on the page.
    pub async fn wait_in_frame(&self, frame_css: &str, what: &str, expr: &str) -> Value {
        let script = format!("try {{ return ({expr}); }} catch (e) {{ return null; }}");
        self.poll(async || {
            let value = self.eval_in_frame(frame_css, &script).await;
            if truthy(&value) {
                Ok(value)
            } else {
                Err(format!("{what} ({expr} in {frame_css}); it is {value}"))
            }
        })
        .await
    }

    /// Polls the JavaScript expression `expr` until it is truthy (an exception counts as
    /// not yet) and returns its value; fails naming `what`, with the page's diagnostics.
    pub async fn wait(&self, what: &str, expr: &str) -> Value {
        let script = format!("try {{ return ({expr}); }} catch (e) {{ return null; }}");
        self.poll(async || {
            let value = self.eval(&script).await;
            if truthy(&value) {
                Ok(value)
            } else {
                Err(format!("{what} ({expr}); it is {value}"))
            }
        })
        .await
    }

    /// Waits until the text of `css` satisfies `pred`; returns it.
    pub async fn wait_text(&self, css: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.poll(async || {
            let text = self.text(css).await;
            if pred(&text) {
                Ok(text)
            } else {
                Err(format!("{css:?} to {what}; its text is {text:?}"))
            }
        })
        .await
    }

    /// The first element matching `css`, waiting for it to exist.
    pub async fn find(&self, css: &str) -> Element {
        let query = json!({ "using": "css selector", "value": css });
        self.poll(async || {
            let found = self
                .request(Method::POST, &self.at("/element"), Some(query.clone()))
                .await;
            match found {
                Ok(value) => Ok(Element(value[ELEMENT].as_str().unwrap().to_owned())),
                Err(e) => Err(format!("an element to match {css:?} ({e})")),
            }
        })
        .await
    }

    /// Tries `attempt` every [`POLL`] until it succeeds, for up to [`WAIT`]; then fails with
    /// what its last try was waiting for, and the page's diagnostics.
    async fn poll<T>(&self, attempt: impl AsyncFn() -> Result<T, String>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            let waiting_for = match attempt().await {
                Ok(done) => return done,
                Err(waiting_for) => waiting_for,
            };
            if Instant::now() > deadline {
                let diagnostics = match self.options.diagnostics {
                    Some(script) => format!("\n{:#}", self.eval(script).await),
                    None => String::new(),
                };
                panic!("waited {WAIT:?} for {waiting_for}{diagnostics}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks like a user (the element must be visible and not covered).
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.post(&format!("/element/{}/click", el.0), json!({}))
            .await;
    }

    /// Types into a field, as keystrokes.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.post(&format!("/element/{}/value", el.0), json!({ "text": text }))
            .await;
    }

    pub async fn clear(&self, css: &str) {
        let el = self.find(css).await;
        self.post(&format!("/element/{}/clear", el.0), json!({}))
            .await;
    }

    /// Picks the option with this value in a `<select>`, as a user would.
    pub async fn select(&self, select_css: &str, value: &str) {
        self.click(&format!("{select_css} option[value=\"{value}\"]"))
            .await;
    }

    /// The rendered text of the first element matching `css` (empty when there is none).
    pub async fn text(&self, css: &str) -> String {
        self.eval_with(
            "const el = document.querySelector(arguments[0]); return el ? el.innerText : '';",
            json!([css]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Presses keys on the focused element (`\u{E007}` is Enter, `\u{E004}` Tab).
    pub async fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [
                    json!({ "type": "keyDown", "value": c.to_string() }),
                    json!({ "type": "keyUp", "value": c.to_string() }),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
        self.send(Method::DELETE, &self.at("/actions"), None).await;
    }

    /// Saves what the viewport shows to `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        tokio::time::sleep(SETTLE).await;
        let data = self.send(Method::GET, &self.at("/screenshot"), None).await;
        save_png(name, &data)
    }

    /// Saves the whole page, below the fold included (Chrome DevTools' capture), to
    /// `target/screenshots/<name>.png`.
    pub async fn full_page_screenshot(&self, name: &str) -> PathBuf {
        tokio::time::sleep(SETTLE).await;
        let data = self
            .post(
                "/goog/cdp/execute",
                json!({
                    "cmd": "Page.captureScreenshot",
                    "params": { "format": "png", "captureBeyondViewport": true },
                }),
            )
            .await;
        save_png(name, &data["data"])
    }
}

/// Writes a base64 PNG as `target/screenshots/<name>.png`.
fn save_png(name: &str, base64: &Value) -> PathBuf {
    let png = base64::engine::general_purpose::STANDARD
        .decode(base64.as_str().expect("a base64 screenshot"))
        .unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    path
}

impl Drop for Browser {
    /// Ends the session (chromedriver closes Chromium), then stops chromedriver; the profile
    /// directory goes after. Plain blocking I/O: this runs in `drop`, even after a failed
    /// assertion, with no runtime to hand.
    fn drop(&mut self) {
        if !self.session.is_empty() {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let request = format!(
                    "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.session, self.port
                );
                if stream.write_all(request.as_bytes()).is_ok() {
                    let mut sink = Vec::new();
                    let _ = stream.read_to_end(&mut sink);
                }
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
