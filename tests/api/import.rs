//! `freshmock import`: an account read through the agent API, written as a fixture folder,
//! served again. A generated set is served on one freshmock (the source), imported with
//! `--url`, and the imported folder served on a second; the widget must answer both alike.
//!
//! Segment membership is not in Freshdesk's agent API (segments are filters over contact
//! fields there), so an import cannot carry it: the source sets here have their companies'
//! and contacts' segments emptied, and the import's note saying so is checked instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use freshmock::{FixtureSet, MockServer};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{command, fetch, pinned, Api, ADMIN_KEY};

/// Articles in the round trip's set. A debug build on two shared cores imports about 1,000
/// articles in three languages in a few seconds; the 10,000-article import is timed by
/// `scripts/bench.sh` on the release build.
const ROUND_TRIP_ARTICLES: usize = 900;
/// Articles where a smaller set shows the behaviour as well.
const SMALL: usize = 150;
/// The generated set's main widget, and the categories it links (all but the last).
const WIDGET: &str = "12000000025";

/// A folder removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("freshmock-import-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `freshmock generate` into `dir`, loaded, with segment membership emptied.
fn generated(dir: &Path, articles: usize) -> FixtureSet {
    let output = command()
        .args(["generate", "--articles", &articles.to_string(), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let mut set = FixtureSet::from_dir(dir).unwrap();
    for company in &mut set.companies {
        company.segments.clear();
    }
    for contact in std::sync::Arc::make_mut(&mut set.contacts) {
        contact.segments.clear();
    }
    set
}

/// A source server with this set, clock pinned, keeping every request in its log.
async fn source(set: FixtureSet) -> Api {
    Api::on(pinned().fixtures(set).request_log(200_000).start().await)
}

/// `freshmock import` with these arguments, run to its end off the test's runtime (the
/// source answers on it meanwhile).
async fn import(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        command()
            .arg("import")
            .args(args)
            .env_remove("FRESHDESK_API_KEY")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The usual import of `api` into `out`, with `extra` arguments.
fn args(api: &Api, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "--url".into(),
        api.uri(),
        "--api-key".into(),
        ADMIN_KEY.into(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "import failed: {}\n{}",
        stderr(output),
        stdout(output)
    );
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A folder's files with account.json's widget secret blanked: two imports of one account
/// differ only there (each generates its own).
fn files_but_the_secret(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = files(dir);
    let mut account: Value = serde_json::from_slice(&all["account.json"]).unwrap();
    account["widget_secret"] = json!("");
    all.insert("account.json".into(), account.to_string().into_bytes());
    all
}

/// One widget call's answer, for comparing two servers.
async fn answer(api: &Api, persona: Option<&str>, path: &str) -> (u16, String) {
    let mut request = api.call_with(WIDGET, "import-test", path);
    if let Some(email) = persona {
        request = request.header("X-Widget-Auth", api.token_for(email));
    }
    let reply = fetch(request).await;
    (reply.status.as_u16(), reply.body)
}

/// The round trip's personas: anonymous, logged in without a company, a contact of each
/// company, one with two companies, one with another language, and agents with and
/// without "manage tickets".
const PERSONAS: [Option<&str>; 9] = [
    None,
    Some("nora@example.com"),
    Some("alice@globex.test"),
    Some("bob@initech.test"),
    Some("ursula@umbrella.test"),
    Some("max@example.com"),
    Some("francois@example.fr"),
    Some("stan@acme.test"),
    Some("vera@acme.test"),
];

const TERMS: [&str; 5] = ["password", "invoice", "export", "sso", "refund"];

/// The widget's answers on both servers, for every persona, language and question; the
/// first difference fails the test. Returns how many answers were compared and how many
/// of them were found articles (so that a comparison of empty answers cannot pass).
async fn compare(source: &Api, imported: &Api, article_ids: &[u64]) -> (usize, usize) {
    let mut paths = Vec::new();
    for language in ["", "&language=fr", "&language=de"] {
        for term in TERMS {
            paths.push(format!(
                "/api/widget/search/solutions?term={term}&per_page=30{language}"
            ));
        }
        paths.push(format!(
            "/api/widget/solutions/suggested_articles?{}",
            language.trim_start_matches('&')
        ));
    }
    for (i, id) in article_ids.iter().enumerate() {
        let language = ["", "?language=fr", "?language=de"][i % 3];
        paths.push(format!("/api/widget/solutions/article/{id}{language}"));
    }
    let (mut compared, mut found) = (0, 0);
    for persona in PERSONAS {
        for path in &paths {
            let want = answer(source, persona, path).await;
            let got = answer(imported, persona, path).await;
            assert_eq!(
                got, want,
                "{persona:?} GET {path}: the import answers differently from its source"
            );
            compared += 1;
            if want.0 == 200 && want.1 != "[]" {
                found += 1;
            }
        }
    }
    (compared, found)
}

#[tokio::test]
async fn an_imported_account_answers_the_widget_as_its_source_does() {
    let scratch = Scratch::new("round-trip");
    let set = generated(&scratch.join("generated"), ROUND_TRIP_ARTICLES);
    let linked: Vec<String> = set.widgets[0]
        .categories
        .iter()
        .map(u64::to_string)
        .collect();
    let article_ids: Vec<u64> = set.articles().map(|(_, _, a)| a.id).step_by(7).collect();
    let source = source(set).await;
    let out = scratch.join("imported");

    let started = std::time::Instant::now();
    let output = import(args(
        &source,
        &out,
        &[
            "--domain",
            "acme.freshdesk.com",
            "--portal-host",
            "support.acme.test",
            "--contacts",
            "--no-redact",
            // Drafts too: freshmock's ranking counts their words (the agent API finds
            // them), so a set without them ranks near-ties differently.
            "--drafts",
            "--widget-id",
            WIDGET,
            "--categories",
            &linked.join(","),
        ],
    ))
    .await;
    succeeded(&output);
    let took = started.elapsed();

    let check = command()
        .args(["check", "--fixtures"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    let imported_set = FixtureSet::from_dir(&out).unwrap();
    let imported = Api::on(pinned().fixtures(imported_set).start().await);
    let (compared, found) = compare(&source, &imported, &article_ids).await;
    assert!(compared > 1000, "only {compared} answers compared");
    assert!(
        found > compared / 3,
        "only {found} of {compared} answers found anything"
    );
    eprintln!(
        "round trip: imported {ROUND_TRIP_ARTICLES} articles in {took:?}, {compared} answers equal"
    );
}

#[tokio::test]
async fn every_visibility_kind_and_language_survives_the_import() {
    let scratch = Scratch::new("kinds");
    let set = generated(&scratch.join("generated"), SMALL);
    let source = source(set.clone()).await;
    let out = scratch.join("imported");
    succeeded(&import(args(&source, &out, &["--drafts"])).await);

    let imported = FixtureSet::from_dir(&out).unwrap();
    let folders = |s: &FixtureSet| -> Vec<Value> {
        s.solutions
            .iter()
            .flat_map(|c| &c.folders)
            .map(|f| {
                json!({
                    "id": f.id, "visibility": u8::from(f.visibility), "companies": f.companies,
                    "contact_segments": f.contact_segments, "company_segments": f.company_segments,
                    "articles": f.articles.len(),
                })
            })
            .collect()
    };
    assert_eq!(folders(&imported), folders(&set));
    let kinds: std::collections::BTreeSet<u64> = folders(&imported)
        .iter()
        .filter_map(|f| f["visibility"].as_u64())
        .collect();
    assert_eq!(kinds.len(), 7, "visibility kinds {kinds:?}");
    // With --drafts every article and translation is there, with its counters and tags.
    let articles = |s: &FixtureSet| -> Vec<Value> {
        s.articles()
            .map(|(_, _, a)| {
                json!({
                    "id": a.id, "status": a.status, "tags": a.tags, "hits": a.hits,
                    "translations": a.translations.iter().map(|(code, t)| json!({
                        "code": code, "title": t.title, "up": t.thumbs_up,
                        "down": t.thumbs_down, "modified_at": t.modified_at,
                        "attachments": t.attachments.iter().map(|x| &x.name).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    assert_eq!(articles(&imported), articles(&set));
    assert_eq!(imported.account.primary_language, "en");
    assert_eq!(imported.account.portal_languages, vec!["fr", "de"]);
    let companies: Vec<(u64, &str)> = imported
        .companies
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let wanted: Vec<(u64, &str)> = set
        .companies
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    assert_eq!(companies, wanted);
    let roles: Vec<(u64, Option<&str>)> = imported
        .agents
        .iter()
        .map(|a| (a.id, a.role.as_deref()))
        .collect();
    assert!(
        roles.contains(&(2003, Some("Knowledge Base Editor"))),
        "{roles:?}"
    );
    assert!(imported.agents.iter().all(|a| a.api_key.is_none()));
    let field_names: Vec<&str> = imported
        .ticket_fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(field_names.contains(&"cf_product_area"), "{field_names:?}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("import.json")).unwrap()).unwrap();
    assert!(
        manifest["notes"].to_string().contains("segment membership"),
        "{manifest}"
    );
    assert_eq!(
        manifest["groups"].as_array().map(Vec::len),
        Some(3),
        "{manifest}"
    );
}

#[tokio::test]
async fn drafts_stay_out_unless_asked_for() {
    let scratch = Scratch::new("drafts");
    let set = generated(&scratch.join("generated"), SMALL);
    let drafts = set
        .articles()
        .filter(|(_, _, a)| a.status == freshmock::fixtures::ArticleStatus::Draft)
        .count();
    assert!(drafts > 0, "the generated set has no drafts");
    let source = source(set.clone()).await;
    let out = scratch.join("imported");
    let output = import(args(&source, &out, &[])).await;
    succeeded(&output);
    let imported = FixtureSet::from_dir(&out).unwrap();
    assert_eq!(imported.articles().count(), set.articles().count() - drafts);
    assert!(imported
        .articles()
        .all(|(_, _, a)| a.status == freshmock::fixtures::ArticleStatus::Published));
    assert!(stdout(&output).contains(&format!("{drafts} draft articles left out")));
}

#[tokio::test]
async fn an_unchanged_account_reimports_byte_for_byte_and_a_change_is_a_small_diff() {
    let scratch = Scratch::new("determinism");
    let set = generated(&scratch.join("generated"), SMALL);
    let article = set.articles().next().map(|(_, _, a)| a.id).unwrap();
    let source = source(set).await;
    let out = scratch.join("imported");
    succeeded(&import(args(&source, &out, &["--contacts"])).await);
    let first = files(&out);

    // Into the same folder, no --force needed: it is this source's import.
    succeeded(&import(args(&source, &out, &["--contacts"])).await);
    assert_eq!(
        files(&out),
        first,
        "a re-import of an unchanged account changed files"
    );

    let reply = source
        .agent_send(
            Method::PUT,
            &format!("/api/v2/solutions/articles/{article}"),
            ADMIN_KEY,
            json!({ "title": "Renamed for the re-import test" }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A file the team added beside the import is no reason to refuse, and is left alone.
    std::fs::write(out.join("README.md"), "Acme's help center, imported").unwrap();
    succeeded(&import(args(&source, &out, &["--contacts"])).await);
    let mut second = files(&out);
    assert!(second.remove("README.md").is_some());
    let changed: Vec<&String> = second
        .keys()
        .filter(|name| first.get(*name) != second.get(*name))
        .collect();
    assert_eq!(changed, vec!["solutions.json"]);
    let text = String::from_utf8_lossy(&second["solutions.json"]);
    assert!(text.contains("Renamed for the re-import test"));
}

/// The faults the fault test injects: rate limits, server errors and connections dropped
/// mid-answer, on the lists and on the per-article calls.
fn faults() -> Vec<Value> {
    vec![
        json!({ "path": "/api/v2/solutions/folders/*/articles*", "status": 429,
                "headers": { "Retry-After": "1" }, "body": { "code": "rate_limit" }, "times": 2 }),
        json!({ "path": "/api/v2/solutions/articles/*", "status": 500, "times": 3 }),
        json!({ "path": "/api/v2/solutions/articles/*", "drop": true, "times": 2 }),
        json!({ "path": "/api/v2/solutions/folders/*/articles*", "drop": true, "times": 2 }),
        json!({ "path": "/api/v2/companies*", "status": 503, "times": 1 }),
        json!({ "path": "/api/v2/solutions/categories/*/folders*", "status": 429,
                "headers": { "Retry-After": "1" }, "times": 1 }),
    ]
}

#[tokio::test]
async fn rate_limits_server_errors_and_dropped_connections_leave_the_result_unchanged() {
    let scratch = Scratch::new("faults");
    let set = generated(&scratch.join("generated"), SMALL);
    let source = source(set).await;
    let clean = scratch.join("clean");
    succeeded(&import(args(&source, &clean, &["--contacts"])).await);

    for fault in faults() {
        let reply = fetch(source.bare(Method::POST, "/_freshmock/faults").json(&fault)).await;
        assert_eq!(reply.status, 201, "{fault}: {}", reply.body);
    }
    let faulted = scratch.join("faulted");
    let output = import(args(&source, &faulted, &["--contacts"])).await;
    succeeded(&output);
    let left = source.inspect("faults").await;
    assert_eq!(left, json!([]), "faults not used up: {left}");
    let said = stderr(&output);
    assert!(said.contains("rate limited (429"), "{said}");
    assert!(said.contains("500 Internal Server Error"), "{said}");
    assert!(
        said.contains("cut short") || said.contains("connection"),
        "{said}"
    );
    assert_eq!(files_but_the_secret(&faulted), files_but_the_secret(&clean));
}

#[tokio::test]
async fn an_import_gives_up_after_its_retries_and_resumes_where_it_stopped() {
    let scratch = Scratch::new("resume");
    let set = generated(&scratch.join("generated"), SMALL);
    let last_folder = set.solutions.last().unwrap().folders[0].id;
    let source = source(set).await;
    let clean = scratch.join("clean");
    succeeded(&import(args(&source, &clean, &[])).await);
    source
        .bare(Method::DELETE, "/_freshmock/requests")
        .send()
        .await
        .unwrap();
    succeeded(&import(args(&source, &scratch.join("counted"), &[])).await);
    let full_calls = source.inspect("requests/count").await["count"]
        .as_u64()
        .unwrap();

    let broken = format!("/api/v2/solutions/folders/{last_folder}/articles*");
    let reply = fetch(
        source
            .bare(Method::POST, "/_freshmock/faults")
            .json(&json!({ "path": broken, "status": 502 })),
    )
    .await;
    assert_eq!(reply.status, 201);
    let out = scratch.join("imported");
    let output = import(args(&source, &out, &["--retries", "2"])).await;
    assert!(!output.status.success());
    let said = stderr(&output);
    assert!(said.contains("failed 3 times in a row"), "{said}");
    assert!(
        said.contains(&format!("/api/v2/solutions/folders/{last_folder}/articles")),
        "{said}"
    );
    assert!(said.contains("--resume"), "{said}");
    let left: Vec<String> = files(&out).into_keys().collect();
    assert_eq!(
        left,
        vec![".freshmock-import.jsonl"],
        "a failed import wrote fixtures"
    );
    let journal = std::fs::read_to_string(out.join(".freshmock-import.jsonl")).unwrap();
    assert!(
        !journal.contains(ADMIN_KEY),
        "the journal holds the API key"
    );

    // Without --resume (or --force) the interrupted import is not thrown away.
    let refused = import(args(&source, &out, &[])).await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--resume"),
        "{}",
        stderr(&refused)
    );

    source
        .bare(Method::DELETE, "/_freshmock/faults")
        .send()
        .await
        .unwrap();
    source
        .bare(Method::DELETE, "/_freshmock/requests")
        .send()
        .await
        .unwrap();
    let output = import(args(&source, &out, &["--resume"])).await;
    succeeded(&output);
    let resumed_calls = source.inspect("requests/count").await["count"]
        .as_u64()
        .unwrap();
    assert!(
        resumed_calls * 3 < full_calls,
        "the resumed import made {resumed_calls} calls, a whole one {full_calls}"
    );
    assert!(stdout(&output).contains("resumed:"), "{}", stdout(&output));
    assert!(!out.join(".freshmock-import.jsonl").exists());
    assert_eq!(files_but_the_secret(&out), files_but_the_secret(&clean));
}

#[tokio::test]
async fn redaction_leaves_no_name_email_or_phone_of_the_source() {
    let scratch = Scratch::new("redact");
    let set = generated(&scratch.join("generated"), SMALL);
    let source = source(set.clone()).await;
    let out = scratch.join("imported");
    let output = import(args(&source, &out, &["--contacts"])).await;
    succeeded(&output);

    let mut personal: Vec<String> = Vec::new();
    for c in set.contacts.iter() {
        personal.push(c.name.clone());
        personal.push(c.email.clone());
        personal.extend(c.other_emails.iter().cloned());
        personal.extend(c.phone.iter().cloned());
        personal.extend(c.mobile.iter().cloned());
        personal.extend(c.external_id.iter().cloned());
    }
    for a in &set.agents {
        personal.push(a.name.clone());
        personal.push(a.email.clone());
    }
    let written: String = files(&out)
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    let found: Vec<&String> = personal
        .iter()
        .filter(|p| written.contains(p.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "source data in the redacted import: {found:?}"
    );

    // What visibility and language read is kept: companies, language, state.
    let imported = FixtureSet::from_dir(&out).unwrap();
    let shape = |s: &FixtureSet| -> Vec<(u64, Vec<u64>, String, String)> {
        s.contacts
            .iter()
            .map(|c| {
                (
                    c.id,
                    c.companies.clone(),
                    c.language.clone().unwrap_or_else(|| "en".into()),
                    // Freshdesk's API shows spam contacts as blocked; the widget refuses
                    // both alike (403 invalid_user).
                    format!("{:?}", c.state).replace("Spam", "Blocked"),
                )
            })
            .collect()
    };
    assert_eq!(shape(&imported), shape(&set));
    // Stable: a second import gives the same fakes.
    let again = scratch.join("again");
    succeeded(&import(args(&source, &again, &["--contacts"])).await);
    assert_eq!(files(&again)["contacts.json"], files(&out)["contacts.json"]);
}

// Bad input: a clear error, and nothing written.

#[tokio::test]
async fn a_wrong_api_key_is_refused_and_nothing_is_written() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let scratch = Scratch::new("wrong-key");
    let out = scratch.join("out");
    let mut arguments = args(&api, &out, &[]);
    arguments[3] = "not-a-key-of-this-account".into();
    let output = import(arguments).await;
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(said.contains("refused the API key (401"), "{said}");
    assert!(
        !said.contains("not-a-key-of-this-account"),
        "the key is in the message: {said}"
    );
    assert!(!out.exists(), "a refused import created {}", out.display());
}

#[tokio::test]
async fn a_key_without_knowledge_base_access_is_refused_and_nothing_is_written() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let reply = fetch(api.bare(Method::POST, "/_freshmock/faults").json(&json!({
        "path": "/api/v2/solutions/categories*", "status": 403,
        "body": { "code": "access_denied", "message": "You are not authorized to perform this action." }
    })))
    .await;
    assert_eq!(reply.status, 201);
    let scratch = Scratch::new("no-kb");
    let out = scratch.join("out");
    let output = import(args(&api, &out, &[])).await;
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(
        said.contains("may not read the knowledge base (403"),
        "{said}"
    );
    assert!(!out.exists());
}

#[tokio::test]
async fn a_wrong_address_is_refused_and_nothing_is_written() {
    let scratch = Scratch::new("wrong-address");
    let out = scratch.join("out");
    // A port with nothing behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = import(vec![
        "--url".into(),
        format!("http://127.0.0.1:{port}"),
        "--api-key".into(),
        ADMIN_KEY.into(),
        "--out".into(),
        out.display().to_string(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot reach http://127.0.0.1"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());

    // Something that answers, but is no Freshdesk: the demo site's path.
    let api = source(FixtureSet::bundled().unwrap()).await;
    let output = import(vec![
        "--url".into(),
        format!("{}/demo", api.uri()),
        "--api-key".into(),
        ADMIN_KEY.into(),
        "--out".into(),
        out.display().to_string(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("does not look like a Freshdesk account"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[tokio::test]
async fn an_out_folder_holding_something_else_is_refused_unless_forced() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let scratch = Scratch::new("occupied");
    let out = scratch.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("account.json"), "{}").unwrap();

    let output = import(args(&api, &out, &[])).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(out.join("account.json")).unwrap(),
        "{}"
    );
    assert_eq!(files(&out).len(), 2, "a refused import wrote files");

    succeeded(&import(args(&api, &out, &["--force"])).await);
    assert!(FixtureSet::from_dir(&out).is_ok());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[tokio::test]
async fn the_api_key_is_written_nowhere_and_said_nowhere() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let scratch = Scratch::new("key");
    let out = scratch.join("out");
    let mut arguments = args(&api, &out, &["--contacts"]);
    arguments.retain(|a| a != "--quiet");
    let output = import(arguments).await;
    succeeded(&output);
    for (name, bytes) in files(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(ADMIN_KEY),
            "{name} holds the API key"
        );
    }
    assert!(!stdout(&output).contains(ADMIN_KEY) && !stderr(&output).contains(ADMIN_KEY));
    let summary = stdout(&output);
    assert!(summary.contains("widget_secret"), "{summary}");
    assert!(summary.contains("imported 44 articles"), "{summary}");
}

#[tokio::test]
async fn a_widget_category_the_account_lacks_is_refused() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let scratch = Scratch::new("categories");
    let out = scratch.join("out");
    let output = import(args(&api, &out, &["--categories", "1,99"])).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--categories names 99"),
        "{}",
        stderr(&output)
    );
    assert!(!out.join("account.json").exists());
}

#[tokio::test]
async fn an_imported_folder_serves_with_its_own_secret() {
    let api = source(FixtureSet::bundled().unwrap()).await;
    let scratch = Scratch::new("secret");
    let out = scratch.join("out");
    succeeded(&import(args(&api, &out, &["--contacts", "--no-redact"])).await);
    let imported = MockServer::builder()
        .fixtures(FixtureSet::from_dir(&out).unwrap())
        .now("2026-01-01T00:00:00Z")
        .start()
        .await;
    assert_ne!(imported.secret(), api.secret());
    let imported = Api::on(imported);
    let (status, body) = answer(
        &imported,
        Some("alice@globex.test"),
        "/api/widget/bootstrap",
    )
    .await;
    assert_eq!(status, 200, "{body}");
}
