//! What a hostile client or a damaged disk can make the server keep: a data directory
//! freshmock must not trust (another program's SQLite file, a freshmock database with a
//! dropped table or a hand-edited ticket) is refused at start with the file's path and what
//! to do, and left byte for byte as it was; a full disk under a running server answers 507
//! with a reason naming the file; huge queries and tokens do not make the request log grow.
//!
//! A full disk without root or a mount: SQLite's page limit (`MockServerBuilder::store_limit`)
//! fails a write with `SQLITE_FULL`, the code a full file system (`ENOSPC`) gives; a
//! file-size limit (`ulimit -f`) fails the start's first write with `EFBIG`. (A link from
//! `freshmock.sqlite-wal` to `/dev/full` does not work: SQLite will not open a linked log.)

use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use rusqlite::Connection;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::durability::{refused_start, FILE_NAME};
use crate::support::{fetch, multipart, multipart_type, pinned, Api, WIDGET};

/// The request log's byte budget (`DEFAULT_BUDGET` in `src/state/request_log.rs`): the most
/// its entries hold, and about the most `GET /_freshmock/requests` answers.
const LOG_BUDGET: usize = 4 * 1024 * 1024;

/// SHA-256 of a file.
fn hash(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// A freshmock database in `dir` holding one ticket and one hit, made by a server on the
/// bundled fixtures (those the binary starts with) that is then stopped.
async fn freshmock_database(dir: &Path) {
    let server = Api::on(pinned().data_dir(dir).start().await);
    let reply = fetch(
        server
            .widget(Method::POST, "/api/widget/tickets", WIDGET, "c")
            .json(&json!({ "email": "fresh@example.com", "description": "d", "g-recaptcha-response": "ok" })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    drop(server);
    closed(dir).await;
}

/// Waits until the stopped server has closed its database: closing folds the write-ahead
/// log into the file and removes it.
async fn closed(dir: &Path) {
    let wal = dir.join(format!("{FILE_NAME}-wal"));
    for _ in 0..200 {
        if !wal.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the stopped server did not close {}", wal.display());
}

/// Starts the binary on `dir` off the runtime; it must refuse. Returns what it said.
async fn refused(dir: &Path) -> String {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || refused_start(&dir))
        .await
        .unwrap()
}

/// Changes a stopped server's database with `sql`, as a user with `sqlite3` would.
fn edit(file: &Path, sql: &str) {
    Connection::open(file).unwrap().execute_batch(sql).unwrap();
}

#[tokio::test]
async fn another_programs_database_is_refused_and_left_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(FILE_NAME);
    edit(&file, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    let before = hash(&file);

    let stderr = refused(dir.path()).await;

    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("not a freshmock database"), "{stderr}");
    assert_eq!(hash(&file), before, "the other program's database changed");
    let header = std::fs::read(&file).unwrap();
    assert_eq!(header[18..20], [1, 1], "switched to write-ahead logging");
    assert!(!dir.path().join(format!("{FILE_NAME}-wal")).exists());
}

#[tokio::test]
async fn a_database_with_a_dropped_table_is_refused_at_start_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    freshmock_database(dir.path()).await;
    let file = dir.path().join(FILE_NAME);
    edit(&file, "DROP TABLE tickets");
    let before = hash(&file);

    let stderr = refused(dir.path()).await;

    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("table tickets is missing"), "{stderr}");
    assert!(stderr.contains("move it aside"), "{stderr}");
    assert_eq!(hash(&file), before);
}

#[tokio::test]
async fn a_malformed_ticket_row_is_refused_at_start_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    freshmock_database(dir.path()).await;
    let file = dir.path().join(FILE_NAME);
    edit(&file, "UPDATE tickets SET doc = 'not json' WHERE id = 1");
    let before = hash(&file);

    let stderr = refused(dir.path()).await;

    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("ticket 1's doc column"), "{stderr}");
    assert!(stderr.contains("move it aside"), "{stderr}");
    assert_eq!(hash(&file), before);
}

#[tokio::test]
async fn a_full_disk_answers_507_with_a_reason_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    freshmock_database(dir.path()).await;
    // SQLite's page limit fails a write with SQLITE_FULL, as a full disk does.
    let server = Api::on(
        pinned()
            .data_dir(dir.path())
            .store_limit(64 * 1024)
            .start()
            .await,
    );

    let reply = fetch(
        server
            .widget(Method::POST, "/api/widget/attachments", WIDGET, "c")
            .header("Content-Type", multipart_type())
            .body(multipart(&[(
                "content",
                Some("big.bin"),
                &[7u8; 256 * 1024],
            )])),
    )
    .await;

    assert_eq!(reply.status, 507, "{}", reply.body);
    let file = dir.path().join(FILE_NAME);
    assert!(
        reply.reason().starts_with(&format!(
            "server fault: disk full writing {}",
            file.display()
        )),
        "{}",
        reply.reason()
    );
    // What fits is still written, and what was written is still read.
    let reply = fetch(server.widget(
        Method::PUT,
        "/api/widget/solutions/article/1101/hit",
        WIDGET,
        "c",
    ))
    .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let tickets = server.inspect("tickets").await;
    assert_eq!(tickets.as_array().unwrap().len(), 1, "{tickets}");
}

/// The start writes the schema at once; a file-size limit (`ulimit -f`, inherited by the
/// server) makes that write fail as a full disk or an exhausted quota does. SQLite reports it
/// as an I/O error (`EFBIG`), so the message names the file and both likely causes.
#[cfg(unix)]
#[tokio::test]
async fn starting_on_a_full_disk_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 1 && exec \"$0\" --port 0 --data-dir \"$1\"")
            .arg(env!("CARGO_BIN_EXE_freshmock"))
            .arg(&data)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file = dir.path().join(FILE_NAME);
    assert!(
        stderr.contains(&format!("disk I/O error writing {}", file.display())),
        "{stderr}"
    );
    assert!(stderr.contains("the disk may be full"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_huge_queries_and_tokens_leave_the_request_log_small() {
    let server = Api::start().await;
    let query = format!("q={}", "a".repeat(60 * 1024 - 2));
    let token = format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
        base64_url(&json!({ "email": "nora@example.com", "pad": "x".repeat(75_000) }))
    );
    // The issue sent 380 KB; with the 60 KB query that is over the head size hyper accepts
    // (431), and every byte of a header costs the server time before the log sees it (10 ms
    // a request for 300 KB in a debug build). 100 KB is past every limit of the log's.
    assert!(token.len() > 100_000);
    // Parsed once: the client's own URL and header checks, not the server, were what took
    // 25 ms a request in a debug build.
    let url =
        reqwest::Url::parse(&format!("{}/api/widget/nothing-here?{query}", server.uri())).unwrap();
    let auth = reqwest::header::HeaderValue::from_str(&token).unwrap();
    let client = reqwest::Client::new();
    // Eight at a time.
    for _ in 0..1100 / 8 + 1 {
        let batch = (0..8).map(|_| {
            fetch(
                client
                    .get(url.clone())
                    .header("X-Widget-Id", WIDGET)
                    .header("X-Client-Id", "hostile")
                    .header("X-Widget-Auth", auth.clone()),
            )
        });
        for reply in futures_util::future::join_all(batch).await {
            assert_eq!(reply.status, 404);
        }
    }

    let reply = fetch(server.bare(Method::GET, "/_freshmock/requests")).await;

    assert_eq!(reply.status, 200);
    assert!(
        reply.body.len() < LOG_BUDGET,
        "GET /_freshmock/requests answered {} bytes",
        reply.body.len()
    );
    let entries = reply.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1000);
    for entry in &entries {
        assert_eq!(entry["shortened"]["query"], query.len(), "{entry}");
        assert_eq!(entry["shortened"]["token"], token.len(), "{entry}");
        let shown = entry["query"].as_str().unwrap();
        assert!(shown.ends_with("…(truncated, 61440 bytes)"), "{shown}");
        assert!(shown.len() < 1100, "{}", shown.len());
        // A token this long is not read: decoding it cost more than answering.
        assert_eq!(entry["email"], serde_json::Value::Null);
    }
}

/// Base64url without padding, as in a JWT.
fn base64_url(value: &serde_json::Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Makes a file immutable (`chattr +i`) while it lives, when this machine lets the test do so.
struct Immutable<'a>(&'a Path);

impl<'a> Immutable<'a> {
    fn try_new(file: &'a Path) -> Option<Immutable<'a>> {
        let made = std::process::Command::new("chattr")
            .arg("+i")
            .arg(file)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        made.then_some(Immutable(file))
    }
}

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(self.0)
            .status();
    }
}

/// A file freshmock may read but not write. `chmod` does not stop root, so the file is made
/// immutable, which needs root and a file system with the attribute (ext4, xfs, btrfs): where
/// that is not possible the test fails and says so (the suite fails rather than skips; CI
/// runs as root). Before, SQLite met it as "disk I/O error
/// (3850)" (SQLITE_IOERR_LOCK: an exclusive lock on a read-only descriptor).
#[tokio::test]
async fn a_read_only_database_is_refused_at_start_saying_so() {
    // In the target folder: /tmp is often a tmpfs, which has no immutable attribute.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    freshmock_database(dir.path()).await;
    let file = dir.path().join(FILE_NAME);
    let Some(_immutable) = Immutable::try_new(&file) else {
        panic!(
            "cannot make {} immutable (chattr +i): this test needs root and a file system \
             with the immutable attribute",
            file.display()
        );
    };

    let stderr = refused(dir.path()).await;

    assert!(
        stderr.contains(&format!("cannot write {}: it is read-only", file.display())),
        "{stderr}"
    );
}
