//! `--index-cache DIR`: a fixture set's search index kept on disk by the first server that
//! builds it and opened by the next one on the same set; a damaged or foreign cache is
//! built again, and the agent API's edits never reach it.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const LANGUAGES: [&str; 3] = ["en", "fr", "de"];

/// The bundled fixtures in a temporary folder, one article's titles changed (`word` added
/// in every language), so that the compiled-in bundled index does not fit them.
fn fixtures_with(word: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let file = dir.path().join("solutions.json");
    let mut solutions: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    for language in LANGUAGES {
        let translation = &mut solutions[0]["folders"][0]["articles"][0]["translations"][language];
        translation["title"] = json!(format!("{} {word}", translation["title"].as_str().unwrap()));
    }
    std::fs::write(&file, serde_json::to_vec(&solutions).unwrap()).unwrap();
    // Files changed in the last two seconds give the folder no stamp (the cache then names
    // the set by its content, as git does with racily clean files), and a server started
    // later would name the same set by its stamp: every server of a test must see settled
    // files to share one set, whatever the machine's load.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    dir
}

/// A server on these fixtures keeping its index in `cache`.
fn server(fixtures: &Path, cache: &Path) -> Process {
    spawn(&[
        "--fixtures",
        fixtures.to_str().unwrap(),
        "--index-cache",
        cache.to_str().unwrap(),
    ])
}

/// Where each language's index came from, once every language is indexed.
async fn origins(server: &Process) -> Value {
    health_when_ready(&server.uri).await["index"].clone()
}

fn all(origin: &str) -> Value {
    json!({ "en": origin, "fr": origin, "de": origin })
}

/// The set directories in the cache (one per fixture set).
fn sets(cache: &Path) -> Vec<PathBuf> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    sets.sort();
    sets
}

/// Waits until the cache holds every language of one set (a server keeps each language
/// once it is searchable), and returns that set's directory.
async fn kept(cache: &Path) -> PathBuf {
    for _ in 0..2400 {
        if let [set] = &sets(cache)[..] {
            if LANGUAGES.iter().all(|l| set.join(l).join("set").exists()) {
                return set.clone();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "{} did not get the index of every language",
        cache.display()
    );
}

/// Waits until the cache holds every language of a set that is not among `known`, and
/// returns that set's directory.
async fn kept_besides(cache: &Path, known: &[PathBuf]) -> PathBuf {
    for _ in 0..2400 {
        let new = sets(cache).into_iter().find(|set| {
            !known.contains(set) && LANGUAGES.iter().all(|l| set.join(l).join("set").exists())
        });
        if let Some(set) = new {
            return set;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{} did not get a new set", cache.display());
}

async fn search(server: &Process, term: &str, language: &str) -> Vec<u64> {
    let path = format!(
        "{}/api/widget/search/solutions?term={term}&language={language}",
        server.uri
    );
    let request = reqwest::Client::new()
        .get(path)
        .header("X-Widget-Id", WIDGET)
        .header("X-Client-Id", "index-cache-test");
    let reply = fetch(request).await;
    assert_eq!(reply.status, 200, "{term}");
    reply.ids()
}

/// What the searches of these tests find, for comparing two servers.
async fn answers(server: &Process) -> Vec<Vec<u64>> {
    let mut all = Vec::new();
    for (term, language) in [
        ("password", "en"),
        ("pass", "en"),
        ("invoice", "en"),
        ("zebra", "en"),
        ("quagga", "en"),
        ("Rechnung", "de"),
        ("mot%20de%20passe", "fr"),
    ] {
        all.push(search(server, term, language).await);
    }
    all
}

/// Every file of a directory, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn a_second_server_on_the_same_fixtures_opens_the_index_the_first_kept() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let first = server(fixtures.path(), cache.path());
    assert_eq!(origins(&first).await, all("built"));
    let expected = answers(&first).await;
    assert_eq!(expected[3].len(), 1, "the changed title is found");
    kept(cache.path()).await;

    let second = server(fixtures.path(), cache.path());
    assert_eq!(origins(&second).await, all("cached"));
    assert_eq!(answers(&second).await, expected);
}

#[tokio::test]
async fn two_servers_starting_at_once_on_one_cache_both_answer_and_leave_one_whole_copy() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    // As two CI workers would: both build, both write, and the renames must not clash.
    let (a, b) = (
        server(fixtures.path(), cache.path()),
        server(fixtures.path(), cache.path()),
    );
    for server in [&a, &b] {
        // Built, or opened if the other was quicker to keep a language: never anything else.
        let origins = origins(server).await;
        for lang in LANGUAGES {
            assert!(
                origins[lang] == "built" || origins[lang] == "cached",
                "{origins}"
            );
        }
    }
    let expected = answers(&a).await;
    assert_eq!(answers(&b).await, expected);
    kept(cache.path()).await;

    let third = server(fixtures.path(), cache.path());
    assert_eq!(origins(&third).await, all("cached"));
    assert_eq!(answers(&third).await, expected);
}

#[tokio::test]
async fn the_bundled_fixtures_open_the_index_compiled_in() {
    let cache = tempfile::tempdir().unwrap();
    let server = spawn(&["--index-cache", cache.path().to_str().unwrap()]);
    assert_eq!(origins(&server).await, all("bundled"));
    assert!(!search(&server, "password", "en").await.is_empty());
    assert!(sets(cache.path()).is_empty(), "nothing to keep");
}

#[tokio::test]
async fn a_damaged_cache_is_built_again_and_searches_still_answer() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let first = server(fixtures.path(), cache.path());
    origins(&first).await;
    let expected = answers(&first).await;
    let set = kept(cache.path()).await;
    drop(first);

    // A byte changed in the middle of the largest file of the English index.
    let (largest, mut bytes) = files(&set.join("en"))
        .into_iter()
        .max_by_key(|(_, bytes)| bytes.len())
        .unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&largest, bytes).unwrap();
    // And the German index cut short.
    let (file, bytes) = files(&set.join("de"))
        .into_iter()
        .find(|(path, _)| path.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();

    let second = server(fixtures.path(), cache.path());
    assert_eq!(
        origins(&second).await,
        json!({ "en": "built", "fr": "cached", "de": "built" })
    );
    assert_eq!(answers(&second).await, expected);
    // Kept again, whole: the next server opens every language.
    kept(cache.path()).await;
    drop(second);
    let third = server(fixtures.path(), cache.path());
    assert_eq!(origins(&third).await, all("cached"));
    assert_eq!(answers(&third).await, expected);
}

#[tokio::test]
async fn a_cache_made_for_another_fixture_set_is_not_used() {
    let zebra = fixtures_with("zebra");
    let quagga = fixtures_with("quagga");
    // Where the quagga set's index goes.
    let elsewhere = tempfile::tempdir().unwrap();
    let server_elsewhere = server(quagga.path(), elsewhere.path());
    origins(&server_elsewhere).await;
    let quagga_set = kept(elsewhere.path()).await;
    drop(server_elsewhere);

    // The zebra set's index, put where the quagga set's would be.
    let cache = tempfile::tempdir().unwrap();
    let first = server(zebra.path(), cache.path());
    origins(&first).await;
    let zebra_set = kept(cache.path()).await;
    drop(first);
    let foreign = cache.path().join(quagga_set.file_name().unwrap());
    std::fs::rename(&zebra_set, &foreign).unwrap();

    let second = server(quagga.path(), cache.path());
    assert_eq!(origins(&second).await, all("built"));
    assert_eq!(search(&second, "quagga", "en").await.len(), 1);
    assert!(search(&second, "zebra", "en").await.is_empty());
}

#[tokio::test]
async fn edits_through_the_agent_api_leave_the_cached_index_as_it_was() {
    let fixtures = fixtures_with("zebra");
    let cache = tempfile::tempdir().unwrap();
    let first = server(fixtures.path(), cache.path());
    origins(&first).await;
    let set = kept(cache.path()).await;
    drop(first);
    let before = files(&set);

    let second = server(fixtures.path(), cache.path());
    assert_eq!(origins(&second).await, all("cached"));
    let edited = fetch(
        reqwest::Client::new()
            .request(
                Method::PUT,
                format!("{}/api/v2/solutions/articles/1101", second.uri),
            )
            .header("Authorization", basic(ADMIN_KEY))
            .json(&json!({ "title": "Okapi sightings" })),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(search(&second, "okapi", "en").await, vec![1101]);
    assert!(search(&second, "zebra", "en").await.is_empty());
    assert_eq!(files(&set), before, "the cache is the unedited set's");

    let third = server(fixtures.path(), cache.path());
    assert_eq!(origins(&third).await, all("cached"));
    assert!(search(&third, "okapi", "en").await.is_empty());
    assert_eq!(search(&third, "zebra", "en").await, vec![1101]);
}

#[tokio::test]
async fn the_cache_keeps_the_four_sets_used_last_and_drops_the_oldest() {
    let cache = tempfile::tempdir().unwrap();
    let mut kept_sets = Vec::new();
    for word in ["aardvark", "bison", "caracal", "dingo", "eland"] {
        let fixtures = fixtures_with(word);
        let server = server(fixtures.path(), cache.path());
        assert_eq!(origins(&server).await, all("built"), "{word}");
        kept_sets.push(kept_besides(cache.path(), &kept_sets).await);
        // A little apart, so that the sets' ages differ whatever the file system's clock.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut newest = kept_sets[1..].to_vec();
    newest.sort();
    assert_eq!(
        sets(cache.path()),
        newest,
        "the first set is the one dropped"
    );
}

#[tokio::test]
async fn no_index_cache_builds_at_every_start_and_writes_nothing() {
    let fixtures = fixtures_with("zebra");
    let home = tempfile::tempdir().unwrap();
    let start = || {
        let mut command = binary(&[
            "--fixtures",
            fixtures.path().to_str().unwrap(),
            "--no-index-cache",
        ]);
        // Where the cache would go by default: nothing may appear there.
        command
            .env_remove("FRESHMOCK_INDEX_CACHE")
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"));
        spawn_command(command)
    };
    let first = start();
    assert_eq!(origins(&first).await, all("built"));
    assert_eq!(search(&first, "zebra", "en").await, vec![1101]);
    drop(first);
    let second = start();
    assert_eq!(origins(&second).await, all("built"), "nothing was kept");
    assert_eq!(
        files(home.path()),
        Vec::new(),
        "no file written under the home folder"
    );
}
