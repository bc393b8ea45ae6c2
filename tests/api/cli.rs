//! The `freshmock` binary: `token`, `explain`, `check` and `serve`, run as a user would.

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

fn freshmock(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_freshmock"))
        .args(args)
        .env_remove("FRESHMOCK_SECRET")
        .output()
        .unwrap()
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

#[tokio::test]
async fn serve_on_port_zero_prints_its_address_and_answers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_freshmock"))
        .args(["serve", "--port", "0", "--now", NOW_ARG])
        .env_remove("FRESHMOCK_SECRET")
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
    let mut address = None;
    while address.is_none() && started.elapsed() < Duration::from_secs(20) {
        let Ok(line) = received.recv_timeout(Duration::from_secs(20)) else {
            break;
        };
        if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            address = Some(format!("http://127.0.0.1:{port}"));
        }
    }
    let Some(address) = address else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("freshmock serve did not print its address");
    };

    let response = reqwest::Client::new()
        .get(format!(
            "{address}/api/widget/search/solutions?term=password"
        ))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "cli-test")
        .send()
        .await;
    let _ = child.kill();
    let _ = child.wait();

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

#[test]
fn serve_refuses_to_start_on_a_bad_fixture_and_names_it() {
    let copy = FixtureCopy::new("serve-bad");
    copy.edit("contacts.json", |contacts| {
        contacts[0]["email"] = "not an email".into();
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_freshmock"))
        .args(["serve", "--port", "0", "--fixtures", copy.path()])
        .env_remove("FRESHMOCK_SECRET")
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
