//! The prepared catalog kept in the index cache (`--index-cache DIR`): a server started again
//! on the same fixture folder reads the fixtures as the first one prepared them instead of
//! the JSON, and answers exactly as it would from the JSON; a damaged, cut or outdated
//! cache, or a changed fixture file, sends it back to the JSON.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

/// An article of the bundled set whose English translation the tests change.
const ARTICLE: u64 = 1101;
/// The log line of a start that read the cached catalog.
const READ: &str = "fixtures read from the catalog cache";
/// The log line of a start that found the cached catalog unusable.
const REFUSED: &str = "is not used";

/// The bundled fixtures in a temporary folder, with one English translation that the
/// server prepares (a time not in Freshdesk's form, a body the sanitiser changes) and a
/// title holding `word`.
fn fixtures_with(word: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    change_title(dir.path(), word);
    dir
}

/// Writes `word` into the changed article's English title, and waits until the folder's
/// files are settled (a file changed in the last two seconds gives the folder no stamp,
/// and nothing is cached for it).
fn change_title(dir: &Path, word: &str) {
    let file = dir.join("solutions.json");
    let mut solutions: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let translation = &mut solutions[0]["folders"][0]["articles"][0]["translations"]["en"];
    translation["title"] = json!(format!("Setting up {word}"));
    translation["modified_at"] = json!("2026-09-14T10:12:30.75+02:00");
    translation["description"] = json!(format!(
        "<p onclick=\"steal()\">About {word}</p><script>bad()</script>"
    ));
    std::fs::write(&file, serde_json::to_vec(&solutions).unwrap()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
}

/// A server on `fixtures` keeping its cache in `cache` (and its state in `data`), its log
/// at debug level in `log`.
fn server(fixtures: &Path, cache: &Path, data: Option<&Path>, log: &Path) -> Process {
    let mut args = vec![
        "--fixtures",
        fixtures.to_str().unwrap(),
        "--index-cache",
        cache.to_str().unwrap(),
        "--now",
        "2026-06-01T00:00:00Z",
    ];
    if let Some(data) = data {
        args.extend(["--data-dir", data.to_str().unwrap()]);
    }
    let mut command = binary(&args);
    command
        .env("FRESHMOCK_LOG", "freshmock=debug")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let uri = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("freshmock listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Process { child, uri }
}

fn log_of(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The catalog files in the cache.
fn catalogs(cache: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path().join("catalog"))
                .filter(|p| p.exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Waits until the cache holds one catalog, and returns it.
async fn kept(cache: &Path) -> PathBuf {
    for _ in 0..2400 {
        if let [one] = &catalogs(cache)[..] {
            return one.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{} did not get a catalog", cache.display());
}

async fn get(server: &Process, path: &str, agent: bool) -> (u16, Value) {
    let client = reqwest::Client::new();
    let request = client.get(format!("{}{path}", server.uri));
    let request = if agent {
        request.header("Authorization", basic(ADMIN_KEY))
    } else {
        request
            .header("X-Widget-Id", WIDGET)
            .header("X-Client-Id", "catalog-cache-test")
    };
    let reply = fetch(request).await;
    let body = serde_json::from_str(&reply.body).unwrap_or(Value::String(reply.body.clone()));
    (reply.status.as_u16(), body)
}

/// Everything the tests compare between two servers: the fixtures, the knowledge base,
/// every article through the widget (in every language) and the agent API, every folder's
/// list, searches and the ticket form.
async fn answers(server: &Process) -> Vec<(String, u16, Value)> {
    health_when_ready(&server.uri).await;
    let mut paths: Vec<(String, bool)> = vec![
        ("/_freshmock/fixtures".into(), false),
        ("/_freshmock/kb".into(), false),
        ("/api/widget/ticket_fields".into(), false),
        ("/api/widget/solutions/suggested_articles".into(), false),
        ("/api/v2/solutions/categories".into(), true),
        ("/api/v2/search/solutions?term=password".into(), true),
    ];
    for term in ["password", "invoice", "zebra", "okapi", "Rechnung"] {
        for language in ["en", "fr", "de"] {
            paths.push((
                format!("/api/widget/search/solutions?term={term}&language={language}"),
                false,
            ));
        }
    }
    let (_, fixtures) = get(server, "/_freshmock/fixtures", false).await;
    for category in fixtures["solutions"].as_array().unwrap() {
        let id = &category["id"];
        paths.push((format!("/api/v2/solutions/categories/{id}/folders"), true));
        for folder in category["folders"].as_array().unwrap() {
            let folder_id = &folder["id"];
            paths.push((
                format!("/api/v2/solutions/folders/{folder_id}/articles"),
                true,
            ));
            for article in folder["articles"].as_array().unwrap() {
                let id = &article["id"];
                paths.push((format!("/api/v2/solutions/articles/{id}"), true));
                for language in ["en", "fr", "de"] {
                    paths.push((
                        format!("/api/widget/solutions/article/{id}?language={language}"),
                        false,
                    ));
                }
            }
        }
    }
    let mut all = Vec::new();
    for (path, agent) in paths {
        let (status, body) = get(server, &path, agent).await;
        all.push((path, status, body));
    }
    all
}

/// The changed article's English title as the widget shows it.
async fn title(server: &Process) -> Value {
    let (status, body) = get(
        server,
        &format!("/api/widget/solutions/article/{ARTICLE}?language=en"),
        false,
    )
    .await;
    assert_eq!(status, 200);
    body["title"].clone()
}

#[tokio::test]
async fn a_second_start_reads_the_prepared_catalog_and_answers_as_the_first() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = |n: u32| logs.path().join(format!("{n}.log"));

    let mut first = server(fixtures.path(), cache.path(), Some(data.path()), &log(1));
    // An edit through the agent API: kept in the data directory, never in the cache.
    let reply = fetch(
        reqwest::Client::new()
            .request(
                Method::PUT,
                format!("{}/api/v2/solutions/articles/{ARTICLE}", first.uri),
            )
            .header("Authorization", basic(ADMIN_KEY))
            .json(&json!({ "title": "Edited okapi" })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let expected = answers(&first).await;
    assert!(!log_of(&log(1)).contains(READ), "nothing was cached yet");
    let catalog = kept(cache.path()).await;
    first.stop();
    let kept_bytes = std::fs::read(&catalog).unwrap();

    // The same data directory opens on the cached catalog: its fingerprint is the JSON's.
    let mut second = server(fixtures.path(), cache.path(), Some(data.path()), &log(2));
    assert_eq!(answers(&second).await, expected);
    assert!(log_of(&log(2)).contains(READ), "{}", log_of(&log(2)));
    assert_eq!(title(&second).await, "Edited okapi");
    second.stop();
    assert_eq!(
        std::fs::read(&catalog).unwrap(),
        kept_bytes,
        "not written again"
    );

    // Without the data directory, the fixtures as their files hold them, prepared.
    let third = server(fixtures.path(), cache.path(), None, &log(3));
    assert_eq!(title(&third).await, "Setting up zebra");
    assert!(log_of(&log(3)).contains(READ), "{}", log_of(&log(3)));
    let (_, shown) = get(
        &third,
        &format!("/api/widget/solutions/article/{ARTICLE}?language=en"),
        false,
    )
    .await;
    assert!(
        !shown["description"].to_string().contains("script"),
        "{shown}"
    );
    let (_, document) = get(&third, "/_freshmock/fixtures", false).await;
    assert_eq!(
        document["solutions"][0]["folders"][0]["articles"][0]["translations"]["en"]["modified_at"],
        "2026-09-14T08:12:30Z"
    );
}

#[tokio::test]
async fn a_damaged_or_cut_cached_catalog_is_read_from_the_files_again() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = |n: u32| logs.path().join(format!("{n}.log"));

    let mut first = server(fixtures.path(), cache.path(), None, &log(1));
    let expected = answers(&first).await;
    let catalog = kept(cache.path()).await;
    first.stop();
    let whole = std::fs::read(&catalog).unwrap();

    let mut flipped = whole.clone();
    flipped[whole.len() / 2] ^= 0x01;
    let mut cut = whole.clone();
    cut.truncate(whole.len() - 100);
    for (n, (damage, bytes)) in [("a byte flipped", flipped), ("cut short", cut)]
        .into_iter()
        .enumerate()
    {
        let n = n as u32 + 2;
        std::fs::write(&catalog, bytes).unwrap();
        let mut damaged = server(fixtures.path(), cache.path(), None, &log(n));
        assert_eq!(answers(&damaged).await, expected, "{damage}");
        let said = log_of(&log(n));
        assert!(
            said.contains(REFUSED) && !said.contains(READ),
            "{damage}: {said}"
        );
        // Written again from the JSON, whole.
        for _ in 0..2400 {
            if std::fs::read(&catalog).is_ok_and(|b| b == whole) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(std::fs::read(&catalog).unwrap(), whole, "{damage}");
        damaged.stop();
    }
}

#[tokio::test]
async fn a_changed_fixture_file_is_read_from_the_json_not_the_cache() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = |n: u32| logs.path().join(format!("{n}.log"));

    let mut first = server(fixtures.path(), cache.path(), None, &log(1));
    assert_eq!(title(&first).await, "Setting up zebra");
    kept(cache.path()).await;
    first.stop();

    change_title(fixtures.path(), "quagga");
    let second = server(fixtures.path(), cache.path(), None, &log(2));
    assert_eq!(title(&second).await, "Setting up quagga");
    assert!(!log_of(&log(2)).contains(READ));
    let (status, found) = get(
        &second,
        "/api/widget/search/solutions?term=quagga&language=en",
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&found), vec![ARTICLE]);
}
