//! docs/src/refusals.md explains every error `code` freshmock can answer, and nothing else.
//!
//! The codes are read from the source, the way they are made: every code is a string literal
//! given to a function whose parameter is `code: &'static str` (`ApiError::request`,
//! `::with_message`, `::control`, `FieldError::new`, `Invalid::one`, and any helper written
//! later with such a parameter: the signatures are read too), or written as `code: "…"` /
//! `"code": "…"`. A new code anywhere in `src/` without its `### \`code\`` section fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

use super::markdown::{root, Page};

/// Every code the sources can produce, with the files that produce it.
pub fn codes_in(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let sources: Vec<(String, String)> = sources
        .iter()
        .map(|(name, text)| (name.clone(), without_tests(text)))
        .collect();
    let makers = code_makers(&sources);
    let literal = Regex::new(r#"^"([a-z][a-z0-9_]*)"$"#).unwrap();
    let field = Regex::new(r#"(?:\bcode|"code")\s*:\s*"([a-z][a-z0-9_]*)""#).unwrap();
    // One pass per file over the calls of every maker.
    let names: Vec<String> = makers.keys().map(|m| regex::escape(m)).collect();
    let call = Regex::new(&format!(r"(?:^|[^\w])({})\s*\(", names.join("|"))).unwrap();
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in &sources {
        for found in call.captures_iter(text) {
            let (whole, maker) = (found.get(0).unwrap(), &found[1]);
            if text[..whole.start() + 1].trim_end().ends_with("fn") {
                continue; // the definition, not a call
            }
            let args = arguments(text, whole.end() - 1);
            for &at in &makers[maker] {
                if let Some(c) = args.get(at).and_then(|a| literal.captures(a)) {
                    codes
                        .entry(c[1].to_owned())
                        .or_default()
                        .insert(name.clone());
                }
            }
        }
        for c in field.captures_iter(text) {
            codes
                .entry(c[1].to_owned())
                .or_default()
                .insert(name.clone());
        }
    }
    codes
}

/// Functions and closures with a `code: &'static str` parameter, and where it is among the
/// arguments of a call (`self` not counted).
fn code_makers(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<usize>> {
    let function = Regex::new(r"fn\s+(\w+)\s*(?:<[^>]*>)?\s*\(([^)]*)\)").unwrap();
    let closure = Regex::new(r"let\s+(\w+)\s*=\s*(?:move\s*)?\|([^|]*)\|").unwrap();
    let code_param = Regex::new(r"^code\s*:\s*&'static\s+str$").unwrap();
    let receiver = Regex::new(r"^&?\s*(?:'\w+\s+)?(?:mut\s+)?self$").unwrap();
    let mut makers: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (_, text) in sources {
        for c in function
            .captures_iter(text)
            .chain(closure.captures_iter(text))
        {
            let params: Vec<&str> = c[2]
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let skip = usize::from(params.first().is_some_and(|p| receiver.is_match(p)));
            for (at, param) in params.iter().enumerate() {
                if code_param.is_match(param) {
                    makers.entry(c[1].to_owned()).or_default().insert(at - skip);
                }
            }
        }
    }
    makers
}

/// The top-level arguments of the call whose `(` is at `open`, as written.
fn arguments(text: &str, open: usize) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut chars = text[open..].chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            current.push(c);
            if c == '\\' {
                current.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > 1 {
                    current.push(c);
                }
            }
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(current.trim().to_owned());
                    return args;
                }
                current.push(c);
            }
            ',' if depth == 1 => args.push(std::mem::take(&mut current).trim().to_owned()),
            _ => current.push(c),
        }
    }
    args
}

/// The source without its unit-test modules (they assert codes, they do not produce them),
/// wherever they are: `#[cfg(test)] mod name { … }`, braces matched.
fn without_tests(text: &str) -> String {
    let tests = Regex::new(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{").unwrap();
    let mut out = String::new();
    let mut rest = text;
    while let Some(found) = tests.find(rest) {
        out.push_str(&rest[..found.start()]);
        rest = &rest[block_end(rest, found.end() - 1)..];
    }
    out.push_str(rest);
    out
}

/// Just past the `}` that closes the `{` at `open`, skipping string and char literals.
fn block_end(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'r' if bytes.get(i + 1).is_some_and(|b| *b == b'"' || *b == b'#')
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                i = text[start..]
                    .find(&close)
                    .map_or(bytes.len(), |at| start + at + close.len());
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn rust_sources(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The server's sources (the library; the command line answers no HTTP).
fn server_sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_sources(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| !p.starts_with(root().join("src/bin")))
        .map(|p| {
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The codes with a section (`### \`code\``) in docs/src/refusals.md.
fn documented() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/src/refusals.md")).unwrap();
    let heading = Regex::new(r"^#{2,4} `([a-z][a-z0-9_]*)`\s*$").unwrap();
    let sections: BTreeSet<String> = text
        .lines()
        .filter_map(|l| heading.captures(l).map(|c| c[1].to_owned()))
        .collect();
    // Each section is also a working anchor (`refusals.md#invalid_value`).
    let anchors = Page::parse(&text).anchors;
    for code in &sections {
        assert!(
            anchors.contains(code),
            "#{code} is not an anchor of refusals.md"
        );
    }
    sections
}

#[test]
fn every_error_code_the_server_can_answer_has_its_section_in_the_refusals_reference() {
    let codes = codes_in(&server_sources());
    // The reader works: the kinds of construction are all found.
    for known in [
        "widget_id_not_given", // ApiError::request over several lines
        "absent_in_db",        // ApiError::with_message in a helper
        "unauthorized",        // FieldError::new
        "duplicate_value",     // Invalid::duplicate's FieldError
        "wait_timeout",        // "code": "…" in a JSON body
        "invalid_header",      // a closure with a code parameter
    ] {
        assert!(
            codes.contains_key(known),
            "the code reader missed {known}: {codes:?}"
        );
    }
    let sections = documented();
    let missing: Vec<String> = codes
        .iter()
        .filter(|(code, _)| !sections.contains(*code))
        .map(|(code, files)| {
            format!(
                "  {code} (made in {})",
                files.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes the server can answer without a section in docs/src/refusals.md \
         (add `### \\`code\\`` with its status, when Freshdesk gives it, freshmock's reason and \
         what to change):\n{}",
        missing.join("\n")
    );
    let stale: Vec<&String> = sections
        .iter()
        .filter(|s| !codes.contains_key(*s))
        .collect();
    assert!(
        stale.is_empty(),
        "sections of docs/src/refusals.md for codes no source makes any more (remove them, or \
         say where the code went): {stale:?}"
    );
}

#[test]
fn the_code_reader_finds_codes_however_they_are_written() {
    let source = r#"
        fn refuse(reason: String, code: &'static str) -> ApiError { todo() }
        fn a() {
            ApiError::request(
                StatusCode::BAD_REQUEST,
                "spread_over_lines",
                format!("a, b {}", ("c", "d").0),
            );
            FieldError::new("field", "It should be, \"quoted\"", "last_argument");
            refuse(format!("x"), "through_a_helper");
            let client = |status: StatusCode, code: &'static str, reason: String| todo();
            client(StatusCode::GONE, "through_a_closure", e.to_string());
            json!({ "code": "in_a_body", "message": m });
            Rejection { code: "in_a_struct" };
            other("not_a_code", "neither");
        }
        mod inner {
            #[cfg(test)]
            mod tests {
                fn t() { refuse(String::new(), "only_in_tests { '}' \"}\""); }
                fn u() { refuse(String::new(), "only_in_tests_too"); }
            }
            fn after() { refuse(String::new(), "after_a_test_module"); }
        }
    "#;
    let codes = codes_in(&[
        ("maker.rs".to_owned(), "fn new(field: &str, message: impl Into<String>, code: &'static str) {}\nfn request(status: StatusCode, code: &'static str, reason: impl Into<String>) {}".to_owned()),
        ("user.rs".to_owned(), source.to_owned()),
    ]);
    let found: Vec<&str> = codes.keys().map(String::as_str).collect();
    assert_eq!(
        found,
        [
            "after_a_test_module",
            "in_a_body",
            "in_a_struct",
            "last_argument",
            "spread_over_lines",
            "through_a_closure",
            "through_a_helper"
        ]
    );
}
