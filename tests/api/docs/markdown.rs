//! Just enough Markdown for the checks: headings and their GitHub anchors, links, fenced
//! code blocks with the marker comment above them, mdBook includes. No crate: the manual's
//! Markdown is plain, and the rules below are the ones GitHub and mdBook apply to it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The repository's root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown a user reads: README.md, the manual, the changelog, the differences pointer,
/// the demo fixtures' page and the kits' and examples' READMEs.
pub fn user_pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages = vec![
        root.join("README.md"),
        root.join("CHANGELOG.md"),
        root.join("DIFFERENCES.md"),
        root.join("fixtures/README.md"),
    ];
    pages.extend(manual_pages());
    for dir in ["clients", "examples"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            let mut readmes: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("README.md"))
                .filter(|p| p.is_file())
                .collect();
            readmes.sort();
            pages.extend(readmes);
        }
    }
    pages
}

/// The manual: README.md and every page under docs/.
pub fn manual_pages() -> Vec<PathBuf> {
    let mut pages = Vec::new();
    collect_md(&root().join("docs"), &mut pages);
    pages.sort();
    pages
}

fn collect_md(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_md(&path, into);
        } else if path.extension().is_some_and(|e| e == "md") {
            into.push(path);
        }
    }
}

/// A path relative to the repository, for messages.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A fenced code block: the line of its opening fence, its lines (indentation of the
/// fence removed) and the HTML comment just above it, if any.
#[derive(Debug, Clone)]
pub struct Block {
    pub line: usize,
    pub text: String,
    pub marker: Option<String>,
}

/// A Markdown page split into what the checks need.
#[derive(Debug, Default)]
pub struct Page {
    /// Heading anchors, as GitHub makes them (`-1`, `-2` for repeats).
    pub anchors: Vec<String>,
    /// `(line, target)` of every link and image outside code.
    pub links: Vec<(usize, String)>,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn read(path: &Path) -> Page {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", shown(path)));
        Page::parse(&text)
    }

    pub fn parse(text: &str) -> Page {
        let mut page = Page::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        let mut in_comment = false;
        while i < lines.len() {
            let line = lines[i];
            let trimmed = line.trim_start();
            if in_comment {
                in_comment = !line.contains("-->");
                i += 1;
                continue;
            }
            if let Some(fence) = fence_of(trimmed) {
                let indent = line.len() - trimmed.len();
                let marker = marker_above(&lines, i);
                let start = i + 1;
                let mut body = Vec::new();
                i += 1;
                while i < lines.len() && !lines[i].trim_start().starts_with(fence) {
                    let l = lines[i];
                    body.push(l.get(indent.min(leading(l))..).unwrap_or(""));
                    i += 1;
                }
                page.blocks.push(Block {
                    line: start,
                    text: body.join("\n"),
                    marker,
                });
                i += 1;
                continue;
            }
            if trimmed.starts_with("<!--") && !trimmed.contains("-->") {
                in_comment = true;
            } else if let Some(heading) = heading_text(line) {
                let slug = slug(&heading);
                let n = seen.entry(slug.clone()).or_insert(0);
                page.anchors.push(if *n == 0 {
                    slug.clone()
                } else {
                    format!("{slug}-{n}")
                });
                *n += 1;
            }
            for target in links_in(line) {
                page.links.push((i + 1, target));
            }
            i += 1;
        }
        page
    }
}

fn leading(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn fence_of(trimmed: &str) -> Option<&'static str> {
    ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f))
}

/// The HTML comment on the last non-blank line above line `i`, without `<!--` and `-->`.
fn marker_above(lines: &[&str], i: usize) -> Option<String> {
    let above = lines[..i]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())?
        .trim();
    let inner = above.strip_prefix("<!--")?.strip_suffix("-->")?;
    Some(inner.trim().to_owned())
}

/// An ATX heading's text (`## Text`), or `None`.
fn heading_text(line: &str) -> Option<String> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
        return None;
    }
    Some(
        line[hashes..]
            .trim()
            .trim_end_matches('#')
            .trim()
            .to_owned(),
    )
}

/// GitHub's anchor for a heading: the rendered text (code spans and links reduced to their
/// text, emphasis dropped), lower-cased, every character that is not a letter, a digit, a
/// space, `-` or `_` removed, spaces turned into `-`.
pub fn slug(heading: &str) -> String {
    let rendered = strip_links(heading);
    rendered
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `[text](target)` → `text`.
fn strip_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|c| open + c) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|e| close + e) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Link and image targets of one line of text, outside code spans: `[text](target)`,
/// `![alt](target)`, `<a href="target">`, `<img src="target">`. Angle-bracket autolinks
/// (`<http://…>`) are absolute and not returned.
pub fn links_in(line: &str) -> Vec<String> {
    let text = without_code_spans(line);
    let mut found = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].trim();
        // `[text](target "title")`
        let target = target.split_whitespace().next().unwrap_or("");
        let target = target.trim_start_matches('<').trim_end_matches('>');
        if !target.is_empty() {
            found.push(target.to_owned());
        }
        rest = &after[end..];
    }
    for attr in ["href=\"", "src=\""] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(attr) {
            let after = &rest[at + attr.len()..];
            let Some(end) = after.find('"') else { break };
            found.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    found
}

/// The line with every `` `code span` `` blanked out (links inside code are not links).
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// `{{#include path[:anchor or lines]}}` directives of a block: `(line, path, selector)`,
/// the line counted in the page.
pub fn includes(block: &Block) -> Vec<(usize, String, Option<String>)> {
    block
        .text
        .lines()
        .enumerate()
        .filter_map(|(n, l)| {
            let inner = l.trim().strip_prefix("{{#include ")?.strip_suffix("}}")?;
            let inner = inner.trim();
            let line = block.line + 1 + n;
            Some(match inner.split_once(':') {
                Some((path, sel)) => (line, path.to_owned(), Some(sel.to_owned())),
                None => (line, inner.to_owned(), None),
            })
        })
        .collect()
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(slug("The 17 calls"), "the-17-calls");
    assert_eq!(slug("`widget_id_not_given`"), "widget_id_not_given");
    assert_eq!(slug("The agent API (`/api/v2`)"), "the-agent-api-apiv2");
    assert_eq!(
        slug("Tickets, attachments, captcha"),
        "tickets-attachments-captcha"
    );
    assert_eq!(
        slug("The clock, and *your* backend"),
        "the-clock-and-your-backend"
    );
    assert_eq!(
        slug("[Fixtures](fixtures.md) à la carte"),
        "fixtures-à-la-carte"
    );
    let page = Page::parse("# A\n## A\n```\n# not a heading\n```\n### A\n");
    assert_eq!(page.anchors, ["a", "a-1", "a-2"]);
}

#[test]
fn links_are_found_outside_code_only() {
    assert_eq!(
        links_in("see [x](a.md#b), ![i](img.png \"t\") and `[no](c.md)` <a href=\"d.md\">"),
        ["a.md#b", "img.png", "d.md"]
    );
}
