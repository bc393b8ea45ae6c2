//! Fuzz targets that run on stable Rust (`cargo fuzz` needs nightly): token verdicts,
//! fixture sets, the widget's multipart reader, and HTML to text and the sanitiser.
//!
//! Each target is a check over raw input bytes. Its inputs are the files kept in
//! `fuzz/corpus/<target>/` (replayed first, every run), then inputs proptest makes: inputs
//! built the way the format is built (a token from header, payload and signature; a fixture
//! set from the bundled one with values swapped; a multipart body from its parts) and
//! corpus files with bytes inserted, removed, repeated and spliced.
//!
//! `cargo test --lib fuzz` runs a few hundred inputs per target, from a fixed seed, in a few
//! seconds. `scripts/fuzz.sh SECONDS` sets `FRESHMOCK_FUZZ_SECONDS`: each target then runs
//! on fresh random inputs until that time is up and prints how many it ran. An input that
//! fails is shrunk, written to `fuzz/corpus/<target>/crash-<hash>` (commit it with the fix:
//! it is replayed from then on) and the test fails.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use serde_json::{json, Value};

use crate::domain::catalog::Catalog;
use crate::domain::fixtures::FixtureSet;
use crate::domain::html;
use crate::domain::token;
use crate::http::body::{content_kind, read_params, Accepts, BodyStream};
use crate::state::{AppState, Config as ServerConfig};

/// What one target checks: `Err` says which property the input broke. A panic is a
/// failure too.
type Check = fn(&[u8]) -> Result<(), String>;

/// Runs a target: its corpus, then generated inputs (see the module's comment).
fn fuzz(target: &str, quick_cases: u32, generated: BoxedStrategy<Vec<u8>>, check: Check) {
    let corpus = corpus(target);
    for (path, input) in &corpus {
        let outcome = std::panic::catch_unwind(|| check(input));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(broken)) => panic!("{}: {broken}", path.display()),
            Err(_) => panic!("{} panics (see above)", path.display()),
        }
    }
    let seeds: Vec<Vec<u8>> = corpus.into_iter().map(|(_, input)| input).collect();
    let strategy = if seeds.is_empty() {
        generated
    } else {
        prop_oneof![generated.clone(), mutated(seeds, generated)].boxed()
    };

    let budget = std::env::var("FRESHMOCK_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let config = Config {
        cases: quick_cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let started = Instant::now();
    let mut cases = 0u64;
    loop {
        // A runner runs its number of cases once: a new one per batch. Fresh inputs on
        // every long run; the same ones on every test run.
        let mut runner = match budget {
            Some(_) => TestRunner::new(config.clone()),
            None => TestRunner::new_with_rng(
                config.clone(),
                TestRng::deterministic_rng(RngAlgorithm::ChaCha),
            ),
        };
        match runner.run(&strategy, |input| {
            check(&input).map_err(TestCaseError::fail)
        }) {
            Ok(()) => cases += u64::from(quick_cases),
            Err(TestError::Fail(why, input)) => {
                let saved = save_crash(target, &input);
                panic!(
                    "fuzz target {target} fails after {cases} passing cases: {why}\n\
                     the shrunk input is saved as {} (keep it with the fix)",
                    saved.display()
                );
            }
            Err(TestError::Abort(why)) => panic!("fuzz target {target} aborted: {why}"),
        }
        if budget.is_none_or(|b| started.elapsed() >= b) {
            break;
        }
    }
    // Read by scripts/fuzz.sh.
    eprintln!(
        "fuzz target {target}: {cases} generated cases and {} corpus files in {:.1} s, no failure",
        seeds_len(target),
        started.elapsed().as_secs_f64()
    );
}

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

fn seeds_len(target: &str) -> usize {
    corpus(target).len()
}

/// The target's corpus files, by name.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(corpus_dir(target)) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| (p, bytes)))
        .collect();
    files.sort();
    files
}

fn save_crash(target: &str, input: &[u8]) -> PathBuf {
    // FNV-1a: a stable name for the same input.
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    let dir = corpus_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{hash:016x}"));
    let _ = std::fs::write(&path, input);
    path
}

/// One edit of a byte string; positions are fractions of its length.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Repeat(Index, usize, usize),
    Splice(Index, Vec<u8>),
}

fn edit(input: &mut Vec<u8>, edit: &Edit) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len + 1) };
    match edit {
        Edit::Insert(i, bytes) => {
            let p = at(i, input.len());
            input.splice(p..p, bytes.iter().copied());
        }
        Edit::Remove(i, n) => {
            let p = at(i, input.len());
            let end = (p + n).min(input.len());
            input.drain(p..end);
        }
        Edit::Repeat(i, n, times) => {
            let p = at(i, input.len());
            let end = (p + n).min(input.len());
            let piece = input[p..end].to_vec();
            for _ in 0..*times {
                input.splice(p..p, piece.iter().copied());
            }
        }
        Edit::Splice(i, bytes) => {
            let p = at(i, input.len());
            let end = (p + bytes.len()).min(input.len());
            input.splice(p..end, bytes.iter().copied());
        }
    }
}

/// Corpus files (and generated inputs, as donors) with a few edits each.
fn mutated(seeds: Vec<Vec<u8>>, donors: BoxedStrategy<Vec<u8>>) -> BoxedStrategy<Vec<u8>> {
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        donors.prop_map(|d| d.into_iter().take(64).collect()),
    ];
    let one = prop_oneof![
        (any::<Index>(), piece.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<Index>(), 1usize..32).prop_map(|(i, n)| Edit::Remove(i, n)),
        (any::<Index>(), 1usize..16, 1usize..64).prop_map(|(i, n, t)| Edit::Repeat(i, n, t)),
        (any::<Index>(), piece).prop_map(|(i, b)| Edit::Splice(i, b)),
    ];
    (select(seeds), prop::collection::vec(one, 1..6))
        .prop_map(|(mut input, edits)| {
            for e in &edits {
                edit(&mut input, e);
            }
            input
        })
        .boxed()
}

// ---------------------------------------------------------------- html

/// Markup pieces that make the scanner and the sanitiser take their other branches.
const HTML_PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<script>",
    "</script>",
    "<SCRIPT>",
    "</scRipt >",
    "<style>",
    "</style",
    "<b>",
    "<",
    ">",
    "/",
    "</",
    "&amp;",
    "&lt;",
    "&#x41;",
    "&#39;",
    "&#1114112;",
    "&nbsp;",
    "&bogus;",
    "&",
    ";",
    " ",
    "\n",
    "é",
    "日本",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">",
    "<a href='jav&#x09;ascript:1'>",
    "<iframe srcdoc=\"<script>1</script>\">",
    "<svg><script>1</script></svg>",
    "<math><mi>",
    "<table>",
    "<tr>",
    "<td>",
    "<noscript>",
    "<template>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<select>",
    "<option>",
    "<form>",
    "<input>",
    "style=\"position:fixed\"",
    " onclick=1",
    "<p style=\"color:red;background:url(x)\">",
    "<a href=\"/x\" target=\"_blank\">",
    "</a>",
];

fn html_inputs() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        prop::collection::vec(select(HTML_PIECES), 0..60).prop_map(|p| p.concat().into_bytes()),
        "\\PC{0,200}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
    .boxed()
}

/// Tags the sanitiser may leave (its allow list, see `html::sanitised`).
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
    "tfoot",
    "section",
    "main",
];

fn check_html(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let (plain, read) = html::extract(&text);
    if read > 16 * text.len() + 16 {
        return Err(format!("read {read} bytes of {}", text.len()));
    }
    if plain.starts_with(char::is_whitespace)
        || plain.ends_with(char::is_whitespace)
        || plain.contains("  ")
    {
        return Err(format!("whitespace left in {plain:?}"));
    }
    if html::tests::reference_applies(&text) {
        let reference = html::tests::reference_to_text(&text);
        if plain != reference {
            return Err(format!(
                "{plain:?} but the first version says {reference:?}"
            ));
        }
    }
    let clean = html::sanitise(&text);
    inert(&clean)?;
    if html::is_bare_markup(&text) && clean != text {
        return Err(format!("bare markup {text:?} was changed to {clean:?}"));
    }
    // The browser parses the sanitised HTML again. That parse may nest elements otherwise
    // (`<p><p></p></p>` is two paragraphs), but must not turn text into markup or markup
    // into a script: sanitised again, the body has the same text and is still inert.
    let again = html::sanitise(&clean);
    inert(&again)?;
    let (before, after) = (html::to_text(&clean), html::to_text(&again));
    if before != after {
        return Err(format!(
            "parsed again, {clean:?} reads {after:?} instead of {before:?}"
        ));
    }
    Ok(())
}

/// Every tag of sanitised HTML is allowed and has no event handler, no `id` or `class`, and
/// no URL with a scheme other than http, https, mailto or tel. (The serialiser escapes `<`
/// in text and attribute values, so every `<` starts a tag.)
fn inert(clean: &str) -> Result<(), String> {
    for tag in clean.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let body = tag.strip_prefix('/').unwrap_or(tag);
        let name_len = body
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(body.len());
        let name = &body[..name_len];
        if !ALLOWED_TAGS.contains(&name) {
            return Err(format!("tag <{name}> left in {clean:?}"));
        }
        for attr in attributes(&body[name_len..]) {
            let (key, value) = attr;
            if key.starts_with("on") || key == "id" || key == "class" || key == "srcdoc" {
                return Err(format!("attribute {key} left in {clean:?}"));
            }
            if key == "href" || key == "src" || key == "cite" {
                if let Some(scheme) = url_scheme(&value) {
                    if !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel") {
                        return Err(format!("{key}={value:?} left in {clean:?}"));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The scheme a browser reads in a URL attribute (lower-cased), or `None` for a relative
/// URL: as the URL standard parses it, spaces and control characters around it dropped,
/// tabs and newlines inside it ignored, then a letter and letters, digits, `+`, `-`, `.`
/// up to a `:`.
fn url_scheme(value: &str) -> Option<String> {
    let url: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// `name="value"` pairs as the serialiser writes them.
fn attributes(mut rest: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find("=\"") else {
            return found;
        };
        let key = rest[..eq].trim().to_ascii_lowercase();
        let after = &rest[eq + 2..];
        let end = after.find('"').unwrap_or(after.len());
        let value = after[..end]
            .replace("&quot;", "\"")
            .replace("&nbsp;", "\u{a0}")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        found.push((key, value));
        rest = after.get(end + 1..).unwrap_or_default();
    }
}

#[test]
fn fuzz_html_to_text_and_sanitiser() {
    fuzz("html", 1000, html_inputs(), check_html);
}

// ---------------------------------------------------------------- tokens

/// The bundled account's secret (fixtures/README.md).
const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";

/// A server state on the bundled account, for the verdict (`tokens::explain`).
static STATE: LazyLock<AppState> =
    LazyLock::new(|| AppState::new(ServerConfig::bundled()).expect("the bundled state starts"));

fn claim_values() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("alice@globex.test")),
        Just(json!("Alice Anders")),
        Just(json!("blake@example.com")),
        Just(json!("")),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!([1, 2])),
        Just(json!({"a": 1})),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        Just(json!(1_767_229_200)),
        Just(json!(1_767_229_200_000_i64)),
        Just(json!("1767229200")),
        Just(json!(u64::MAX)),
        "\\PC{0,24}".prop_map(|s| json!(s)),
    ]
}

fn token_inputs() -> BoxedStrategy<Vec<u8>> {
    let header = prop_oneof![
        Just(json!({"alg": "HS256", "typ": "JWT"})),
        Just(json!({"alg": "HS512"})),
        Just(json!({"alg": "none"})),
        Just(json!({"alg": "RS256"})),
        Just(json!({})),
        Just(json!([])),
        claim_values().prop_map(|alg| json!({ "alg": alg })),
    ];
    let payload = prop::collection::btree_map(
        select(
            &[
                "name",
                "email",
                "exp",
                "iat",
                "nbf",
                "aud",
                "timestamp",
                "x",
            ][..],
        ),
        claim_values(),
        0..6,
    )
    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
    .boxed();
    let signature = prop_oneof![Just(None), "[A-Za-z0-9_=+/-]{0,60}".prop_map(Some),];
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    prop_oneof![
        // Signed with the account's secret: the checks after the signature are reached.
        (payload.clone(), select(&["HS256", "HS384", "HS512"][..]))
            .prop_map(|(p, alg)| token::mint(alg, SECRET, &p).into_bytes()),
        (header, payload, signature).prop_map(move |(h, p, s)| {
            let mut t = format!("{}.{}", b64(&h), b64(&p));
            if let Some(s) = s {
                t.push('.');
                t.push_str(&s);
            }
            t.into_bytes()
        }),
        "[A-Za-z0-9_.=+/ -]{0,80}".prop_map(String::into_bytes),
    ]
    .boxed()
}

fn check_token(input: &[u8]) -> Result<(), String> {
    let token = String::from_utf8_lossy(input);
    let verdict = crate::http::verdict::judge(&STATE, &token);
    let shown = serde_json::to_value(&verdict).map_err(|e| e.to_string())?;
    if !shown.is_object() {
        return Err(format!("verdict {shown}"));
    }
    let _ = token::peek_payload(&token);
    Ok(())
}

#[test]
fn fuzz_token_verdicts() {
    fuzz("token", 500, token_inputs(), check_token);
}

// ---------------------------------------------------------------- fixtures

/// The bundled set as a document, and the JSON pointer of every value in it.
static BUNDLED: LazyLock<(Value, Vec<String>)> = LazyLock::new(|| {
    let doc = FixtureSet::bundled().unwrap().to_document();
    let mut paths = Vec::new();
    fn walk(v: &Value, at: String, paths: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                walk(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    paths,
                )
            }),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, format!("{at}/{i}"), paths)),
            _ => {}
        }
        paths.push(at);
    }
    walk(&doc, String::new(), &mut paths);
    (doc, paths)
});

fn hostile_values() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!("")),
        Just(json!(" ")),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(u64::MAX)),
        Just(json!(1.5)),
        Just(json!([])),
        Just(json!({})),
        Just(json!(true)),
        Just(json!("<script>window.__pwned=1</script>")),
        Just(json!("cf_<b>x</b>")),
        Just(json!("9999-12-31T23:59:59Z")),
        Just(json!("0000-01-01T00:00:00Z")),
        Just(json!("custom_html")),
        Just(json!(101)),
        Just(json!(1101)),
        Just(json!("adminkey0000000000000000000000001")),
        "\\PC{0,16}".prop_map(|s| json!(s)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// One change to the bundled document: a value replaced, or one value copied over another
/// (a duplicate id, a record twice).
#[derive(Debug, Clone)]
enum Change {
    Set(Index, Value),
    Copy(Index, Index),
    Remove(Index),
}

fn fixture_inputs() -> BoxedStrategy<Vec<u8>> {
    let change = prop_oneof![
        (any::<Index>(), hostile_values()).prop_map(|(i, v)| Change::Set(i, v)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Change::Copy(a, b)),
        any::<Index>().prop_map(Change::Remove),
    ];
    prop::collection::vec(change, 1..5)
        .prop_map(|changes| {
            let (bundled, paths) = &*BUNDLED;
            let mut doc = bundled.clone();
            for change in changes {
                match change {
                    Change::Set(i, v) => {
                        if let Some(slot) = doc.pointer_mut(i.get(paths.as_slice()).as_str()) {
                            *slot = v;
                        }
                    }
                    Change::Copy(from, to) => {
                        let value = doc.pointer(from.get(paths.as_slice()).as_str()).cloned();
                        if let (Some(v), Some(slot)) =
                            (value, doc.pointer_mut(to.get(paths.as_slice()).as_str()))
                        {
                            *slot = v;
                        }
                    }
                    Change::Remove(i) => {
                        let path = i.get(paths.as_slice()).as_str();
                        if let Some((parent, key)) = path.rsplit_once('/') {
                            match doc.pointer_mut(parent) {
                                Some(Value::Object(m)) => {
                                    m.remove(key);
                                }
                                Some(Value::Array(a)) => {
                                    if let Ok(k) = key.parse::<usize>() {
                                        if k < a.len() {
                                            a.remove(k);
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            serde_json::to_vec(&doc).unwrap()
        })
        .boxed()
}

fn check_fixtures(input: &[u8]) -> Result<(), String> {
    let Ok(doc) = serde_json::from_slice::<Value>(input) else {
        return Ok(());
    };
    let Ok(set) = FixtureSet::from_document(&doc) else {
        return Ok(());
    };
    // What was accepted is accepted again as the control plane gives it back, and loads.
    let again = FixtureSet::from_document(&set.to_document())
        .map_err(|e| format!("accepted, then refused as written back: {e}"))?;
    let catalog = Catalog::load(again);
    FixtureSet::from_document(&catalog.fixtures.to_document())
        .map_err(|e| format!("refused once loaded: {e}"))?;
    // No two agents share an API key (one key, one agent's privileges).
    let mut keys = HashSet::new();
    for agent in &set.agents {
        if let Some(key) = &agent.api_key {
            if !keys.insert(key) {
                return Err(format!("two agents have the API key {key:?}"));
            }
        }
    }
    for field in &set.ticket_fields {
        if !crate::domain::fixtures::validate::is_field_name(&field.name) {
            return Err(format!("field name {:?} accepted", field.name));
        }
    }
    Ok(())
}

#[test]
fn fuzz_fixture_sets() {
    fuzz("fixtures", 48, fixture_inputs(), check_fixtures);
}

// ---------------------------------------------------------------- multipart

/// A multipart body's pieces: part names as Rails reads them, odd headers, odd endings.
fn multipart_inputs() -> BoxedStrategy<Vec<u8>> {
    let name = prop_oneof![
        select(
            &[
                "email",
                "description",
                "tags[]",
                "custom_fields[cf_a]",
                "custom_fields[",
                "a[b][c]",
                "[]",
                "",
                "name\"x"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z_\\[\\]]{0,12}",
    ];
    let part = (
        name,
        prop::option::of("[a-z.\"; ]{0,12}"),
        prop::option::of(select(
            &["text/plain", "application/json", "x/y; charset=utf-9", ""][..],
        )),
        prop::collection::vec(any::<u8>(), 0..40),
        select(&["\r\n", "\n", ""][..]),
    );
    (
        select(&["b", "freshmock-boundary", "a b", "\"q\""][..]),
        prop::collection::vec(part, 0..5),
        select(&["--\r\n", "--", "", "\r\n"][..]),
    )
        .prop_map(|(boundary, parts, end)| {
            let mut body = format!("multipart/form-data; boundary={boundary}\n").into_bytes();
            let bare = boundary.trim_matches('"');
            for (name, file, content_type, content, eol) in parts {
                body.extend_from_slice(
                    format!("--{bare}\r\nContent-Disposition: form-data; name=\"{name}\"")
                        .as_bytes(),
                );
                if let Some(f) = file {
                    body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
                }
                body.extend_from_slice(b"\r\n");
                if let Some(t) = content_type {
                    body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
                }
                body.extend_from_slice(eol.as_bytes());
                body.extend_from_slice(&content);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(format!("--{bare}{end}").as_bytes());
            body
        })
        .boxed()
}

/// The input's first line is the Content-Type, the rest the body, sent in chunks of a size
/// taken from the first byte (multer must not depend on where chunks end).
fn check_multipart(input: &[u8]) -> Result<(), String> {
    let split = input
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(input.len());
    let content_type = String::from_utf8_lossy(&input[..split]).into_owned();
    let body = input.get(split + 1..).unwrap_or_default().to_vec();
    let chunk = usize::from(input.first().copied().unwrap_or(7) % 17) + 1;
    let kind = match content_kind(Some(&content_type), Accepts::JsonOrMultipart) {
        Ok(kind) => kind,
        Err(e) if e.status().is_client_error() => return Ok(()),
        Err(e) => return Err(format!("content type {content_type:?}: {}", e.status())),
    };
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = body
        .chunks(chunk)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let stream: BodyStream = Box::pin(futures_util::stream::iter(chunks));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    match runtime.block_on(read_params(kind, stream)) {
        Ok(_) => Ok(()),
        Err(e) if e.status().is_client_error() => Ok(()),
        Err(e) => Err(format!("answered {}", e.status())),
    }
}

#[test]
fn fuzz_multipart_reader() {
    fuzz("multipart", 1000, multipart_inputs(), check_multipart);
}
