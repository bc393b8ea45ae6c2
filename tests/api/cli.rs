//! The `freshmock` binary: `token`, `explain`, `check`, `serve`, `health` and `--version`,
//! run as a user would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use freshmock::tokens::mint_for;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Api, ALICE, NOW, SECRET, WIDGET};

/// `--now` for every command: the same instant the test servers are frozen at.
const NOW_ARG: &str = "2026-01-01T00:00:00Z";

/// The binary, with none of the caller's `FRESHMOCK_*` settings (every option of `serve`
/// has one), so a test sees only what it sets.
fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_freshmock"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FRESHMOCK_") {
            command.env_remove(name);
        }
    }
    command
}

fn freshmock(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the bundled fixture files in a fresh temporary folder, removed on drop.
struct FixtureCopy {
    dir: PathBuf,
}

impl FixtureCopy {
    fn new(name: &str) -> FixtureCopy {
        let dir = std::env::temp_dir().join(format!("freshmock-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for entry in std::fs::read_dir(source).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
            }
        }
        FixtureCopy { dir }
    }

    /// Rewrites one file through `change`.
    fn edit(&self, file: &str, change: impl FnOnce(&mut Value)) {
        let path = self.dir.join(file);
        let mut doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        change(&mut doc);
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }

    fn path(&self) -> &str {
        self.dir.to_str().unwrap()
    }
}

impl Drop for FixtureCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// token

#[tokio::test]
async fn token_command_prints_a_token_the_server_accepts() {
    let output = freshmock(&["token", "--email", ALICE, "--now", NOW_ARG]);
    assert!(output.status.success(), "{}", stderr(&output));
    let token = stdout(&output).trim().to_owned();
    let api = Api::start().await;

    let reply = api
        .get_with_token(&token, "/api/widget/search/solutions?term=password")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn token_command_ttl_sets_the_expiry() {
    let output = freshmock(&["token", "--email", ALICE, "--ttl", "90m", "--now", NOW_ARG]);
    assert!(output.status.success(), "{}", stderr(&output));
    let api = Api::start().await;

    let reply = api
        .get_with_token(stdout(&output).trim(), "/api/widget/bootstrap")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["meta"]["expire_at"], "2026-01-01T01:30:00Z");
}

#[tokio::test]
async fn token_command_with_a_name_signs_in_a_new_customer() {
    let output = freshmock(&[
        "token",
        "--email",
        "nina@newcomer.example",
        "--name",
        "Nina Newcomer",
        "--now",
        NOW_ARG,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let api = Api::start().await;

    let reply = api
        .get_with_token(stdout(&output).trim(), "/api/widget/bootstrap")
        .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["user"]["name"], "Nina Newcomer");
}

#[test]
fn token_command_needs_a_name_for_an_unknown_email() {
    let output = freshmock(&[
        "token",
        "--email",
        "nina@newcomer.example",
        "--now",
        NOW_ARG,
    ]);

    assert!(!output.status.success());
    assert!(stderr(&output).contains("--name"), "{}", stderr(&output));
}

// explain

#[test]
fn explain_accepts_a_valid_token_and_exits_0() {
    let token = mint_for("Alice Anders", ALICE, NOW + 600, SECRET);

    let output = freshmock(&["explain", &token, "--now", NOW_ARG]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("accept"), "{}", stdout(&output));
}

#[test]
fn explain_prints_the_verdict_and_exits_1_for_a_refused_token() {
    let token = mint_for("Alice Anders", ALICE, NOW - 61, SECRET);

    let output = freshmock(&["explain", &token, "--now", NOW_ARG]);

    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("Signature has expired"), "{text}");
    assert!(text.contains("ago"), "{text}");
}

#[test]
fn explain_calls_a_milliseconds_exp_milliseconds() {
    let token = mint_for("Alice Anders", ALICE, NOW * 1000, SECRET);

    let output = freshmock(&["explain", &token, "--now", NOW_ARG]);

    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("Expiry should be within 2 hours"), "{text}");
    assert!(text.contains("milliseconds"), "{text}");
}

// check

#[test]
fn check_accepts_the_bundled_fixture_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");

    let output = freshmock(&["check", "--fixtures", dir.to_str().unwrap()]);

    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn check_names_the_file_record_and_field_of_a_bad_value() {
    let copy = FixtureCopy::new("bad-state");
    copy.edit("contacts.json", |contacts| {
        contacts[2]["state"] = "frozen".into();
    });

    let output = freshmock(&["check", "--fixtures", copy.path()]);

    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("contacts.json"), "{text}");
    assert!(text.contains("contact 1003"), "{text}");
    assert!(text.contains("'state'"), "{text}");
}

#[test]
fn check_names_the_file_record_and_field_of_a_dangling_reference() {
    let copy = FixtureCopy::new("bad-company");
    copy.edit("solutions.json", |categories| {
        categories[0]["folders"][3]["companies"] = serde_json::json!([999]);
    });

    let output = freshmock(&["check", "--fixtures", copy.path()]);

    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("solutions.json"), "{text}");
    assert!(text.contains("folder 14"), "{text}");
    assert!(text.contains("companies"), "{text}");
    assert!(text.contains("999"), "{text}");
}

#[test]
fn check_names_an_unknown_field() {
    let copy = FixtureCopy::new("unknown-field");
    copy.edit("agents.json", |agents| {
        agents[1]["manage_ticket"] = true.into();
    });

    let output = freshmock(&["check", "--fixtures", copy.path()]);

    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("agents.json"), "{text}");
    assert!(text.contains("agent 2002"), "{text}");
    assert!(text.contains("manage_ticket"), "{text}");
}

// serve

/// Waits for the child to exit, killing it after `limit`.
fn wait_or_kill(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// `freshmock serve` running in a child process, killed on drop.
struct Served {
    child: std::process::Child,
    /// `http://host:port`, as printed at start.
    address: String,
}

impl Served {
    /// Starts the binary with `args` and `envs` and waits for the address it prints.
    fn start(args: &[&str], envs: &[(&str, &str)]) -> Served {
        let mut child = command()
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (lines, received) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut served = Served {
            child,
            address: String::new(),
        };
        while started.elapsed() < Duration::from_secs(20) {
            let Ok(line) = received.recv_timeout(Duration::from_secs(20)) else {
                break;
            };
            if let Some(rest) = line.split("listening on http://").nth(1) {
                served.address = format!("http://{}", rest.split_whitespace().next().unwrap());
                return served;
            }
        }
        panic!("freshmock serve did not print its address");
    }

    /// Stops the server and waits until it has exited.
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn serve_on_port_zero_prints_its_address_and_answers() {
    let served = Served::start(&["serve", "--port", "0", "--now", NOW_ARG], &[]);
    assert!(
        served.address.starts_with("http://127.0.0.1:"),
        "{}",
        served.address
    );

    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/widget/search/solutions?term=password",
            served.address
        ))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "cli-test")
        .send()
        .await;
    drop(served);

    let response = response.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let ids: Vec<u64> = response
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1101]);
}

#[tokio::test]
async fn serve_takes_its_options_from_the_environment() {
    let served = Served::start(
        &[],
        &[
            ("FRESHMOCK_PORT", "0"),
            ("FRESHMOCK_HOST", "localhost"),
            ("FRESHMOCK_NOW", NOW_ARG),
            ("FRESHMOCK_CONTROL_TOKEN", "env-token"),
            ("FRESHMOCK_REQUEST_LOG", "5"),
        ],
    );
    let client = reqwest::Client::new();

    let clock: Value = client
        .get(format!("{}/_freshmock/clock", served.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unauthorized = client
        .get(format!("{}/_freshmock/requests", served.address))
        .send()
        .await
        .unwrap();
    let authorized = client
        .get(format!("{}/_freshmock/requests", served.address))
        .bearer_auth("env-token")
        .send()
        .await
        .unwrap();

    assert!(
        served.address.starts_with("http://127.0.0.1:"),
        "localhost is loopback: {}",
        served.address
    );
    assert_eq!(clock["now"], NOW_ARG);
    assert_eq!(clock["frozen"], true);
    assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
    let refusal: Value = unauthorized.json().await.unwrap();
    assert_eq!(refusal["code"], "control_token_required");
    assert_eq!(authorized.status(), StatusCode::OK);
}

// health

/// `freshmock health` until it succeeds or `limit` passes (the index may still be
/// building); the last run's output.
fn health_until_ready(args: &[&str], limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        let output = freshmock(args);
        if output.status.success() || start.elapsed() > limit {
            return output;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn health_exits_0_when_the_server_is_ready() {
    let served = Served::start(&["--port", "0"], &[]);

    let output = health_until_ready(
        &["health", "--url", &served.address],
        Duration::from_secs(60),
    );

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ready"), "{}", stdout(&output));
}

#[test]
fn health_asks_the_port_serve_would_use_when_given_no_url() {
    let served = Served::start(&["--port", "0"], &[]);
    let port = served.address.rsplit(':').next().unwrap().to_owned();

    let output = health_until_ready(&["health", "--port", &port], Duration::from_secs(60));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn health_exits_1_and_says_why_when_the_server_is_stopped() {
    let mut served = Served::start(&["--port", "0"], &[]);
    served.stop();

    let output = freshmock(&["health", "--url", &served.address]);

    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(text.contains(&served.address), "{text}");
}

#[test]
fn health_exits_1_and_says_why_when_the_answer_is_not_freshmocks() {
    // A server that answers every request with a 404: the health path is not there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let _ = std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot here\n",
            );
        }
    });

    let output = freshmock(&["health", "--url", &address]);

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("answered 404"),
        "{}",
        stderr(&output)
    );
}

// --version

#[test]
fn version_names_the_commit_it_was_built_from() {
    let git = Command::new("git")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| stdout(&o).trim().to_owned());
    let expected = git.unwrap_or_else(|| "unknown".to_owned());

    let output = freshmock(&["--version"]);

    assert!(output.status.success());
    assert_eq!(
        stdout(&output).trim(),
        format!(
            "freshmock {} (commit {expected})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn serve_refuses_to_start_on_a_bad_fixture_and_names_it() {
    let copy = FixtureCopy::new("serve-bad");
    copy.edit("contacts.json", |contacts| {
        contacts[0]["email"] = "not an email".into();
    });
    let mut child = command()
        .args(["serve", "--port", "0", "--fixtures", copy.path()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let status = wait_or_kill(&mut child, Duration::from_secs(20));

    let status = status.expect("serve should stop on a bad fixture, not start");
    assert!(!status.success());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut text).unwrap();
    assert!(text.contains("contacts.json"), "{text}");
    assert!(text.contains("contact 1001"), "{text}");
    assert!(text.contains("email"), "{text}");
}

#[test]
fn now_outside_1970_to_9999_is_refused_with_the_range() {
    for now in ["1969-12-31T23:59:59Z", "+9000y", "-60y"] {
        let output = freshmock(&["token", "--email", ALICE, &format!("--now={now}")]);
        assert!(!output.status.success(), "--now {now} was taken");
        let text = stderr(&output);
        assert!(
            text.contains("1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"),
            "{now}: {text}"
        );
    }
}
