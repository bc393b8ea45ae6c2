//! State that survives: a real server process with `--data-dir` killed with SIGKILL in the
//! middle of a stream of writes loses none it acknowledged; a refused 25 MB upload leaves the
//! server's memory flat; a data directory that is not freshmock's stops the server; reset
//! forgets everything.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use freshmock::tokens::mint_for;
use freshmock::MockServer;
use reqwest::Method;
use serde_json::json;
use tokio::sync::Notify;

use crate::support::{
    self, basic, bundled, fetch, health_when_ready, memory_kb, multipart, multipart_type, pinned,
    spawn, Api, ADMIN_KEY, WIDGET,
};

/// The store's file in a data directory.
pub const FILE_NAME: &str = "freshmock.sqlite";

/// Real time now (the child runs on real time).
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What the stream of writes got acknowledged, and the kind of request in flight when the
/// server died (which may or may not have been committed).
#[derive(Debug, Default)]
struct Acknowledged {
    tickets: Vec<(u64, String)>,
    anonymous_thumbs: u64,
    hits: u64,
    /// Nora's last acknowledged vote: true for helpful.
    nora_vote: Option<bool>,
    in_flight: Option<&'static str>,
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = spawn(&["--data-dir", data.to_str().unwrap()]);
    let client = reqwest::Client::new();

    // Before the stream: a secret reset and a bootstrap that syncs Nora's name.
    let reply = fetch(
        client
            .post(format!(
                "{}/api/v2/admin/security_keys/widget/regenerate",
                server.uri
            ))
            .header("Authorization", basic(ADMIN_KEY)),
    )
    .await;
    assert_eq!(reply.status, 200);
    let secret = reply.json()["key"].as_str().unwrap().to_owned();
    let nora = mint_for("Nora Renamed", "nora@example.com", now() + 3600, &secret);
    let response = client
        .get(format!("{}/api/widget/bootstrap", server.uri))
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "crash")
        .header("X-Widget-Auth", &nora)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);

    // The stream, until the server dies.
    let enough = Arc::new(Notify::new());
    let stream = tokio::spawn({
        let (uri, enough, nora) = (server.uri.clone(), enough.clone(), nora.clone());
        async move {
            let client = reqwest::Client::new();
            let mut acked = Acknowledged::default();
            let send = |method: Method, path: String, auth: Option<&str>| {
                let mut r = client
                    .request(method, format!("{uri}{path}"))
                    .header("X-Widget-Id", WIDGET)
                    .header("X-Client-Id", "crash");
                if let Some(a) = auth {
                    r = r.header("X-Widget-Auth", a);
                }
                r
            };
            for i in 0u64.. {
                if i == 25 {
                    enough.notify_one();
                }
                let email = format!("crash-{i}@example.com");
                acked.in_flight = Some("ticket");
                let Ok(response) = send(Method::POST, "/api/widget/tickets".into(), None)
                    .json(&json!({ "email": email, "description": format!("ticket {i}"), "g-recaptcha-response": "ok" }))
                    .send()
                    .await
                else {
                    break;
                };
                // The body may be cut off by the kill: that ticket is not acknowledged.
                if response.status().as_u16() != 201 {
                    break;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                let Some(id) = body["id"].as_u64() else {
                    break;
                };
                acked.tickets.push((id, email));

                acked.in_flight = Some("thumbs");
                match send(
                    Method::PUT,
                    "/api/widget/solutions/article/1101/thumbs_up".into(),
                    None,
                )
                .send()
                .await
                {
                    Ok(r) if r.status().as_u16() == 204 => acked.anonymous_thumbs += 1,
                    _ => break,
                }
                acked.in_flight = Some("hit");
                match send(
                    Method::PUT,
                    "/api/widget/solutions/article/1104/hit".into(),
                    None,
                )
                .send()
                .await
                {
                    Ok(r) if r.status().as_u16() == 204 => acked.hits += 1,
                    _ => break,
                }
                acked.in_flight = Some("vote");
                let up = i % 2 == 0;
                let action = if up { "thumbs_up" } else { "thumbs_down" };
                match send(
                    Method::PUT,
                    format!("/api/widget/solutions/article/1102/{action}"),
                    Some(&nora),
                )
                .send()
                .await
                {
                    Ok(r) if r.status().as_u16() == 204 => acked.nora_vote = Some(up),
                    _ => break,
                }
                acked.in_flight = None;
            }
            acked
        }
    });
    enough.notified().await;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let acked = stream.await.unwrap();
    assert!(acked.tickets.len() >= 25, "{acked:?}");

    // Restarted in-process on the same directory.
    let restarted = Api::on(MockServer::builder().data_dir(&data).start().await);
    let maybe = |kind: &str| u64::from(acked.in_flight == Some(kind));

    let tickets = restarted.inspect("tickets").await;
    for (id, email) in &acked.tickets {
        let found = restarted.inspect(&format!("tickets?email={email}")).await;
        let found = found.as_array().unwrap();
        assert_eq!(found.len(), 1, "ticket {id} for {email} was acknowledged");
        assert_eq!(found[0]["id"], *id);
    }
    let extra = tickets.as_array().unwrap().len() as u64 - acked.tickets.len() as u64;
    assert!(
        extra <= maybe("ticket"),
        "{extra} tickets beyond those acknowledged"
    );
    let contacts: Vec<String> = restarted
        .created_contacts()
        .await
        .into_iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect();
    for (_, email) in &acked.tickets {
        assert!(contacts.contains(email), "{email} became a contact");
    }

    let up = restarted.translation_votes(1101, "en").await["thumbs_up"]
        .as_u64()
        .unwrap()
        - 41;
    assert!((acked.anonymous_thumbs..=acked.anonymous_thumbs + maybe("thumbs")).contains(&up));
    let counted = restarted.hits(1104).await["counted"].as_u64().unwrap();
    assert!((acked.hits..=acked.hits + maybe("hit")).contains(&counted));
    let votes = restarted.inspect("votes?email=nora@example.com").await;
    let votes = votes.as_array().unwrap();
    assert_eq!(votes.len(), 1);
    assert_eq!(votes[0]["user_id"], 1001);
    let held = votes[0]["vote"] == "helpful";
    if acked.in_flight != Some("vote") {
        assert_eq!(Some(held), acked.nora_vote);
    }

    // The reset secret and the synced name came back too, and the server answers with them.
    assert_eq!(restarted.secret(), secret);
    assert_eq!(
        restarted.user("nora@example.com").await.unwrap()["name"],
        "Nora Renamed"
    );
    let reply = fetch(
        restarted
            .widget(Method::GET, "/api/widget/bootstrap", WIDGET, "after")
            .header("X-Widget-Auth", &nora),
    )
    .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn refused_25_mb_upload_leaves_the_servers_memory_flat() {
    let server = spawn(&[]);
    let client = reqwest::Client::new();
    // The index thread allocates while it builds: measure once it is done.
    health_when_ready(&server.uri).await;
    let upload = |content: Vec<u8>| {
        client
            .post(format!("{}/api/widget/attachments", server.uri))
            .header("X-Widget-Id", WIDGET)
            .header("X-Client-Id", "memory")
            .header("Content-Type", multipart_type())
            .body(multipart(&[("content", Some("big.bin"), &content)]))
    };
    // Warm up every code path the big upload takes.
    assert_eq!(fetch(upload(vec![b'w'; 1024 * 1024])).await.status, 200);
    let (peak_before, _) = memory_kb(server.child.id());

    let reply = fetch(upload(vec![b'x'; 25 * 1024 * 1024])).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["errors"][0]["code"], "invalid_size");

    let (peak_after, rss_after) = memory_kb(server.child.id());
    let grew_kb = peak_after.saturating_sub(peak_before);
    assert!(
        grew_kb < 8 * 1024,
        "peak memory grew by {grew_kb} kB for a 25 MB upload (now {peak_after} kB, resident {rss_after} kB)"
    );
}

/// Starts the binary on `data` and expects it to stop; returns what it said.
pub fn refused_start(data: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_freshmock"))
        .args(["--port", "0", "--data-dir", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_data_directory_holding_another_file_stops_the_server_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(FILE_NAME);
    std::fs::write(&file, vec![7u8; 4096]).unwrap();
    let stderr = refused_start(dir.path());
    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("not a freshmock database"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), vec![7u8; 4096]);
}

#[tokio::test]
async fn a_data_directory_made_with_other_fixtures_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut fixtures = bundled();
    fixtures.account.name = "Other".into();
    drop(
        pinned()
            .fixtures(fixtures)
            .data_dir(dir.path())
            .start()
            .await,
    );
    // On a thread of its own, so this runtime can meanwhile let the dropped server finish.
    let path = dir.path().to_owned();
    let stderr = tokio::task::spawn_blocking(move || refused_start(&path))
        .await
        .unwrap();
    assert!(stderr.contains("other fixtures"), "{stderr}");
}

#[tokio::test]
async fn reset_forgets_tickets_votes_hits_contacts_and_the_reset_secret() {
    let server = Api::start().await;
    let put = |path: &str| fetch(server.widget(Method::PUT, path, WIDGET, "c"));
    put("/api/widget/solutions/article/1101/thumbs_up").await;
    put("/api/widget/solutions/article/1101/hit").await;
    let reply = fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "c")
            .json(&json!({ "email": "fresh@example.com", "description": "d", "g-recaptcha-response": "ok" })),
    )
    .await;
    assert_eq!(reply.status, 201);
    server
        .control(Method::POST, "secret/rotate", json!({}))
        .await;

    server.control(Method::POST, "reset", json!({})).await;

    assert_eq!(server.inspect("tickets").await, json!([]));
    assert!(server.created_contacts().await.is_empty());
    assert_eq!(server.translation_votes(1101, "en").await["thumbs_up"], 41);
    let hits = server.inspect("hits").await;
    assert!(hits.as_array().unwrap().iter().all(|h| h["counted"] == 0));
    assert_eq!(server.secret(), support::SECRET);
    assert!(server.user("fresh@example.com").await.is_none());
}
