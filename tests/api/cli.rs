//! The `freshmock` binary: `token`, `explain`, `check`, `serve`, `health` and `--version`,
//! run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use freshmock::tokens::mint_for;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{
    binary, command, get_json, spawn_command, Api, Process, ALICE, NOW, SECRET, WIDGET,
};

/// `--now` for every command: the same instant the test servers are frozen at.
const NOW_ARG: &str = "2026-01-01T00:00:00Z";

/// The binary, with none of the caller's `FRESHMOCK_*` settings (every option of `serve`
/// has one), so a test sees only what it sets.
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

/// `freshmock` with `args` and `envs`, started and waited for (see [`spawn_command`]).
fn serve(args: &[&str], envs: &[(&str, &str)]) -> Process {
    let mut command = command();
    command.args(args).envs(envs.iter().copied());
    spawn_command(command)
}

#[tokio::test]
async fn serve_on_port_zero_prints_its_address_and_answers() {
    let served = serve(&["serve", "--port", "0", "--now", NOW_ARG], &[]);
    assert!(
        served.uri.starts_with("http://127.0.0.1:"),
        "{}",
        served.uri
    );

    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/widget/search/solutions?term=password",
            served.uri
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
    let served = serve(
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

    let clock = get_json(&format!("{}/_freshmock/clock", served.uri)).await;
    let unauthorized = client
        .get(format!("{}/_freshmock/requests", served.uri))
        .send()
        .await
        .unwrap();
    let authorized = client
        .get(format!("{}/_freshmock/requests", served.uri))
        .bearer_auth("env-token")
        .send()
        .await
        .unwrap();

    assert!(
        served.uri.starts_with("http://127.0.0.1:"),
        "localhost is loopback: {}",
        served.uri
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
    let served = serve(&["--port", "0"], &[]);

    let output = health_until_ready(&["health", "--url", &served.uri], Duration::from_secs(60));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ready"), "{}", stdout(&output));
}

#[test]
fn health_asks_the_port_serve_would_use_when_given_no_url() {
    let served = serve(&["--port", "0"], &[]);
    let port = served.uri.rsplit(':').next().unwrap().to_owned();

    let output = health_until_ready(&["health", "--port", &port], Duration::from_secs(60));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn health_exits_1_and_says_why_when_the_server_is_stopped() {
    let mut served = serve(&["--port", "0"], &[]);
    served.stop();

    let output = freshmock(&["health", "--url", &served.uri]);

    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(text.contains(&served.uri), "{text}");
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

/// A server on a fixture folder runs with one malloc arena (the memory an edit's index
/// segment frees is reused, not kept per thread: see `MALLOC_TUNABLES` in the binary);
/// tunables the caller set are left as they are.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_server_on_a_fixture_folder_runs_with_one_malloc_arena_unless_told_otherwise() {
    let copy = FixtureCopy::new("one-arena");
    let tunables_of_a_server = |given: Option<&str>| {
        let mut command = binary(&["--fixtures", copy.path()]);
        match given {
            Some(tunables) => command.env("GLIBC_TUNABLES", tunables),
            None => command.env_remove("GLIBC_TUNABLES"),
        };
        // Serving ("listening on" printed): the program as it runs, after any new start.
        let server = spawn_command(command);
        let environ = std::fs::read(format!("/proc/{}/environ", server.child.id())).unwrap();
        String::from_utf8_lossy(&environ)
            .split('\0')
            .find_map(|v| v.strip_prefix("GLIBC_TUNABLES=").map(str::to_owned))
    };

    assert_eq!(
        tunables_of_a_server(None).as_deref(),
        Some("glibc.malloc.arena_max=1")
    );
    assert_eq!(
        tunables_of_a_server(Some("glibc.malloc.arena_max=4")).as_deref(),
        Some("glibc.malloc.arena_max=4")
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

/// The title of article 1101 as the server shows it.
async fn title_of_1101(uri: &str) -> Option<String> {
    let reply = reqwest::Client::new()
        .get(format!("{uri}/api/widget/solutions/article/1101"))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "watch")
        .send()
        .await
        .ok()?;
    let body: Value = reply.json().await.ok()?;
    body["title"].as_str().map(str::to_owned)
}

/// The event stream, read until an event named `name` arrives (or 20 s pass).
async fn await_event(uri: &str, name: &str) -> Option<String> {
    let mut events = reqwest::Client::new()
        .get(format!("{uri}/_freshmock/events"))
        .send()
        .await
        .ok()?;
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let chunk = tokio::time::timeout(Duration::from_secs(20), events.chunk()).await;
        let Ok(Ok(Some(chunk))) = chunk else {
            return None;
        };
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(at) = seen.find(&format!("event:{name}\n")) {
            return Some(seen[at..].to_owned());
        }
    }
    None
}

#[tokio::test]
async fn watch_reloads_an_edited_fixture_folder_and_keeps_the_old_set_on_a_bad_edit() {
    let copy = FixtureCopy::new("watch");
    let served = serve(&["--port", "0", "--fixtures", copy.path(), "--watch"], &[]);
    assert_eq!(
        title_of_1101(&served.uri).await.as_deref(),
        Some("How to reset your password")
    );

    copy.edit("solutions.json", |doc| {
        let text = doc.to_string().replace(
            "\"How to reset your password\"",
            "\"How to reset your password (edited)\"",
        );
        *doc = serde_json::from_str(&text).unwrap();
    });
    let started = Instant::now();
    loop {
        let title = title_of_1101(&served.uri).await;
        if title.as_deref() == Some("How to reset your password (edited)") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not reloaded: {title:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let refused = tokio::spawn({
        let uri = served.uri.clone();
        async move { await_event(&uri, "fixtures_refused").await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(Path::new(copy.path()).join("contacts.json"), "[{ not json").unwrap();
    let event = refused.await.unwrap().expect("a fixtures_refused event");
    assert!(event.contains("contacts.json"), "{event}");
    // The old set still answers.
    assert_eq!(
        title_of_1101(&served.uri).await.as_deref(),
        Some("How to reset your password (edited)")
    );
}

/// The server's log (standard error) from its start until it says it is listening.
fn log_at_start(log: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stderr");
    let mut command = command();
    command.args(["serve", "--port", "0"]);
    if let Some(log) = log {
        command.env("FRESHMOCK_LOG", log);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&file).unwrap())
        .spawn()
        .unwrap();
    // The "listening" line on standard output comes after everything logged at start.
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.contains("listening"), "{line}");
    let _ = child.kill();
    let _ = child.wait();
    std::fs::read_to_string(&file).unwrap()
}

#[test]
fn freshmock_log_sets_what_the_server_logs() {
    let default = log_at_start(None);
    assert!(
        default.contains("INFO") && default.contains("freshmock listening"),
        "{default}"
    );
    assert!(!default.contains("DEBUG"), "{default}");

    let debug = log_at_start(Some("freshmock=debug"));
    assert!(debug.contains("DEBUG"), "{debug}");

    let quiet = log_at_start(Some("warn"));
    assert!(!quiet.contains("INFO"), "{quiet}");
}

#[test]
fn a_freshmock_log_it_cannot_read_is_named_and_the_default_used() {
    let log = log_at_start(Some("freshmock[span{field=1}]=debug"));
    assert!(
        log.contains("FRESHMOCK_LOG=\"freshmock[span{field=1}]=debug\" is not understood"),
        "{log}"
    );
    assert!(log.contains("INFO") && !log.contains("DEBUG"), "{log}");
}
