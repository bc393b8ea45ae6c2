//! A minimal WebDriver client for the dashboard tests: one chromedriver and one headless
//! Chromium per test, driven over the W3C JSON wire protocol with reqwest.
//!
//! A missing Chromium or chromedriver is a test failure with the command that installs
//! them, never a skip.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// W3C's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait polls before failing.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
/// The window the issue asks to be readable in.
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 800;

fn binary(env: &str, default: &str) -> PathBuf {
    let path = PathBuf::from(std::env::var(env).unwrap_or_else(|_| default.to_owned()));
    assert!(
        path.exists(),
        "{} is missing: the dashboard tests need Debian's Chromium and ChromeDriver \
         (apt-get update && apt-get install -y chromium chromium-driver; scripts/test.sh does this), \
         or set {env}",
        path.display()
    );
    path
}

/// A free port on loopback: bound, read, released, then handed to chromedriver.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A headless Chromium controlled through its own chromedriver; both end with the value.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    http: reqwest::Client,
    _profile: TempDir,
}

/// A fresh Chromium profile directory, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "freshmock-dashboard-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium with a `width`×`height` window.
    pub async fn start_sized(width: u32, height: u32) -> Browser {
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
        let http = reqwest::Client::new();
        let profile = TempDir::new();
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            http,
            _profile: profile,
        };
        browser.wait_for_driver().await;
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", browser._profile.0.display()),
        ];
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium, "args": args },
            }}
        });
        let value = browser.send("POST", "/session", Some(caps)).await;
        browser.session = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver gave no session: {value}"))
            .to_owned();
        browser.set_size(width, height).await;
        browser
    }

    /// Starts a browser with a 1280×800 viewport.
    pub async fn start() -> Browser {
        Browser::start_sized(WIDTH, HEIGHT).await
    }

    async fn wait_for_driver(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            let url = format!("http://127.0.0.1:{}/status", self.port);
            if let Ok(res) = self.http.get(&url).send().await {
                if let Ok(body) = res.json::<Value>().await {
                    if body["value"]["ready"] == true {
                        return;
                    }
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not get ready");
            tokio::time::sleep(POLL).await;
        }
    }

    /// One WebDriver command; panics with the driver's message on an error.
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "WebDriver {method} {path} failed with {status}: {}",
            body["value"]["message"]
        );
        body["value"].clone()
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Sets the viewport (not the window) to `width`×`height`.
    pub async fn set_size(&self, width: u32, height: u32) {
        self.send(
            "POST",
            &self.at("/window/rect"),
            Some(json!({ "width": width, "height": height })),
        )
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
            self.send(
                "POST",
                &self.at("/window/rect"),
                Some(json!({ "width": 2 * width - iw, "height": 2 * height - ih })),
            )
            .await;
        }
    }

    pub async fn goto(&self, url: &str) {
        self.send("POST", &self.at("/url"), Some(json!({ "url": url })))
            .await;
    }

    /// Runs a script in the page (`return ...` gives its value).
    pub async fn eval(&self, script: &str) -> Value {
        self.eval_with(script, json!([])).await
    }

    pub async fn eval_with(&self, script: &str, args: Value) -> Value {
        self.send(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// The first element matching `css`, waiting for it to exist.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = format!("http://127.0.0.1:{}{}", self.port, self.at("/element"));
            let res = self
                .http
                .post(&url)
                .json(&json!({ "using": "css selector", "value": css }))
                .send()
                .await
                .unwrap();
            if res.status().is_success() {
                let body: Value = res.json().await.unwrap();
                return Element(body["value"][ELEMENT].as_str().unwrap().to_owned());
            }
            assert!(Instant::now() < deadline, "no element matches {css:?}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks like a user (the element must be visible and not covered).
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.send(
            "POST",
            &self.at(&format!("/element/{}/click", el.0)),
            Some(json!({})),
        )
        .await;
    }

    /// Types into a field, as keystrokes.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.send(
            "POST",
            &self.at(&format!("/element/{}/value", el.0)),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn clear(&self, css: &str) {
        let el = self.find(css).await;
        self.send(
            "POST",
            &self.at(&format!("/element/{}/clear", el.0)),
            Some(json!({})),
        )
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

    /// Waits until the text of `css` satisfies `pred`; returns it.
    pub async fn wait_text(&self, css: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text(css).await;
            if pred(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} for {css:?} to {what}; its text is {text:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until a script returns `true`.
    pub async fn wait_until(&self, script: &str, what: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.eval(script).await == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "waited {WAIT:?} for {what}");
            tokio::time::sleep(POLL).await;
        }
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
        self.send(
            "POST",
            &self.at("/actions"),
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await;
        self.send("DELETE", &self.at("/actions"), None).await;
    }

    /// Saves what the viewport shows to `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.send("GET", &self.at("/screenshot"), None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Saves the whole page, below the fold included (Chrome DevTools' capture).
    pub async fn full_page_screenshot(&self, name: &str) -> PathBuf {
        let data = self
            .send(
                "POST",
                &self.at("/goog/cdp/execute"),
                Some(json!({
                    "cmd": "Page.captureScreenshot",
                    "params": { "format": "png", "captureBeyondViewport": true },
                })),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data["data"].as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    /// Ends the session (chromedriver closes Chromium), then stops chromedriver. Plain
    /// blocking I/O: this runs in `drop`, even after a failed assertion.
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
