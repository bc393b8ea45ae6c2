//! State snapshots: `GET /_freshmock/state` exports everything the API changed, `PUT`
//! restores it (a bad document changes nothing), and the binary's `--import` and
//! `--export-on-exit` do the same across restarts.

use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{fetch, get_json, pinned, run_within, spawn, Api, Reply, WIDGET};

/// A ticket with one attachment, a vote and a hit, the secret rotated and the clock moved.
async fn change_everything(server: &Api) {
    let draft = server.upload(WIDGET, "snap", None).await;
    let ticket = fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "snap")
            .json(&json!({
                "email": "new.customer@example.com",
                "description": "Saved and restored.",
                "g-recaptcha-response": "ok",
                "attachment_ids": [draft],
            })),
    )
    .await;
    assert_eq!(ticket.status, 201, "{}", ticket.body);
    for path in [
        "/api/widget/solutions/article/1101/thumbs_up",
        "/api/widget/solutions/article/1101/hit",
    ] {
        let reply = fetch(server.widget(Method::PUT, path, WIDGET, "snap")).await;
        assert_eq!(reply.status, 204);
    }
    server
        .control(Method::POST, "secret/rotate", json!({}))
        .await;
    server
        .control(Method::POST, "clock/advance", json!({ "seconds": 3600 }))
        .await;
}

/// What a snapshot must give back, read through the control plane.
async fn observed(server: &Api) -> Value {
    json!({
        "tickets": server.inspect("tickets").await,
        "votes": server.inspect("votes?article=1101").await,
        "hits": server.inspect("hits?article=1101").await,
        "contacts": server.inspect("contacts?email=new.customer@example.com").await,
        "secret": server.inspect("secret").await,
        "clock": server.inspect("clock").await,
    })
}

async fn put_state(server: &Api, document: &Value) -> Reply {
    fetch(
        server
            .bare(Method::PUT, "/_freshmock/state")
            .header("Content-Type", "application/json")
            .body(document.to_string()),
    )
    .await
}

#[tokio::test]
async fn a_snapshot_exported_reset_and_imported_gives_the_same_state() {
    let server = Api::on(pinned().start().await);
    change_everything(&server).await;
    let before = observed(&server).await;
    let snapshot = server.inspect("state").await;

    server.control(Method::POST, "reset", json!({})).await;
    assert_eq!(server.inspect("tickets").await, json!([]));

    let restored = put_state(&server, &snapshot).await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(observed(&server).await, before);
    // The attachment's bytes came back too.
    let attachment = &before["tickets"][0]["attachments"][0];
    let id = attachment["id"].as_u64().unwrap();
    assert!(server.attachment_content(id).await.is_some());
    // And the restored secret signs valid tokens.
    let alice = server.token_for("alice@globex.test");
    let search = server
        .get_with_token(&alice, "/api/widget/search/solutions?term=password")
        .await;
    assert_eq!(search.status, 200);
}

#[tokio::test]
async fn a_bad_state_document_is_400_and_changes_nothing() {
    let server = Api::on(pinned().start().await);
    change_everything(&server).await;
    let before = observed(&server).await;
    let good = server.inspect("state").await;

    let mut wrong_type = good.clone();
    wrong_type["tables"]["hits"]["rows"] = json!([[1101, "many"]]);
    let mut unknown_table = good.clone();
    unknown_table["tables"]["passwords"] = json!({ "columns": [], "rows": [] });
    let mut other_fixtures = good.clone();
    other_fixtures["fixtures"] = json!("0000");
    let mut broken_ticket = good.clone();
    broken_ticket["tables"]["tickets"]["rows"][0][4] = json!("{not json");
    let mut clock_out_of_range = good.clone();
    clock_out_of_range["clock"]["now_ms"] = json!(i64::MAX);
    for (label, document) in [
        ("a wrong type", wrong_type),
        ("an unknown table", unknown_table),
        ("other fixtures", other_fixtures),
        ("a broken ticket", broken_ticket),
        ("a clock out of range", clock_out_of_range),
        ("not a snapshot", json!({ "tickets": [] })),
    ] {
        let reply = put_state(&server, &document).await;
        assert_eq!(reply.status, 400, "{label}: {}", reply.body);
        assert_eq!(reply.code(), "invalid_state", "{label}");
        assert_eq!(observed(&server).await, before, "{label} changed something");
    }
}

#[tokio::test]
async fn the_binary_exports_on_exit_and_imports_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let file_arg = file.to_str().unwrap();
    let first = spawn(&[
        "--now",
        "2026-01-01T00:00:00Z",
        "--export-on-exit",
        file_arg,
    ]);
    let client = reqwest::Client::new();
    let ticket = fetch(
        client
            .post(format!("{}/api/widget/tickets", first.uri))
            .header("X-Widget-Id", WIDGET)
            .header("X-Client-Id", "exit")
            .json(&json!({
                "email": "nora@example.com",
                "description": "Kept across a restart.",
                "g-recaptcha-response": "ok",
            })),
    )
    .await;
    assert_eq!(ticket.status, 201);
    let pid = first.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut first = first;
    let started = std::time::Instant::now();
    while first.child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "SIGTERM did not stop the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        saved["tables"]["tickets"]["rows"].as_array().unwrap().len(),
        1
    );

    let second = spawn(&["--now", "2026-01-01T00:00:00Z", "--import", file_arg]);
    let tickets = get_json(&format!("{}/_freshmock/tickets", second.uri)).await;
    assert_eq!(tickets.as_array().unwrap().len(), 1);
    assert_eq!(tickets[0]["description_text"], "Kept across a restart.");

    std::fs::write(&file, "{\"freshmock_state\": 1}").unwrap();
    let (status, stderr) = run_within(
        crate::support::binary(&["--import", file_arg]),
        Duration::from_secs(20),
    );
    assert!(status.is_some_and(|s| !s.success()), "{stderr}");
    assert!(stderr.contains("cannot restore --import"), "{stderr}");
}
