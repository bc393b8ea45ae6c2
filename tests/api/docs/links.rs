//! Every relative link, image and `#anchor` in the pages a user reads resolves inside this
//! repository, and so does every file an mdBook `{{#include}}` pulls in. No network: absolute
//! URLs are not followed. A link that leaves the repository fails, and so does a path written
//! in the text (`../…`, outside a link) that leads out of it: a reader has only this
//! repository, so what such a file says belongs in docs/.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::markdown::{includes, root, shown, user_pages, Page};

/// One broken link: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub page: String,
    pub line: usize,
    pub why: String,
}

/// Checks `pages` (each relative link resolved from its own folder, and a link to another
/// page's anchor against that page's headings). `root` is the folder no link may leave.
pub fn check(pages: &[PathBuf], root: &Path) -> Vec<Broken> {
    let mut anchors: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut broken = Vec::new();
    for page_path in pages {
        let text = std::fs::read_to_string(page_path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", shown(page_path)));
        let page = Page::parse(&text);
        let here = page_path.parent().unwrap_or(root);
        let mut fail = |line: usize, why: String| {
            broken.push(Broken {
                page: page_path
                    .strip_prefix(root)
                    .unwrap_or(page_path)
                    .display()
                    .to_string(),
                line,
                why,
            })
        };
        for (n, line) in text.lines().enumerate() {
            for path in written_paths(line) {
                if inside(root, &here.join(path)).is_none() {
                    fail(
                        n + 1,
                        format!(
                            "{path}: names a file outside this repository; say it in docs/ instead"
                        ),
                    );
                }
            }
        }
        for (line, target) in &page.links {
            if is_absolute(target) {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() {
                page_path.clone()
            } else {
                match inside(root, &here.join(file)) {
                    Some(p) => p,
                    None => {
                        fail(*line, format!("{target}: leads outside the repository"));
                        continue;
                    }
                }
            };
            if !resolved.exists() {
                fail(*line, format!("{target}: no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if resolved.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let known = anchors
                .entry(resolved.clone())
                .or_insert_with(|| Page::read(&resolved).anchors);
            if !known.iter().any(|a| a == anchor) {
                fail(
                    *line,
                    format!(
                        "{target}: {} has no heading with the anchor #{anchor}",
                        resolved.strip_prefix(root).unwrap_or(&resolved).display()
                    ),
                );
            }
        }
        for block in &page.blocks {
            for (line, file, selector) in includes(block) {
                let Some(resolved) = inside(root, &here.join(&file)) else {
                    fail(
                        line,
                        format!("{{{{#include {file}}}}}: leads outside the repository"),
                    );
                    continue;
                };
                let Ok(included) = std::fs::read_to_string(&resolved) else {
                    fail(line, format!("{{{{#include {file}}}}}: no such file"));
                    continue;
                };
                let named =
                    selector.filter(|s| !s.chars().next().is_some_and(|c| c.is_ascii_digit()));
                if let Some(anchor) = named {
                    if !included.contains(&format!("ANCHOR: {anchor}"))
                        || !included.contains(&format!("ANCHOR_END: {anchor}"))
                    {
                        fail(
                            line,
                            format!(
                                "{{{{#include {file}:{anchor}}}}}: {file} has no ANCHOR {anchor}"
                            ),
                        );
                    }
                }
            }
        }
    }
    broken.sort_by(|a, b| (&a.page, a.line).cmp(&(&b.page, b.line)));
    broken
}

/// Relative paths written in a line's text (`../…`), not as a link's target (those are
/// checked as links).
fn written_paths(line: &str) -> Vec<&str> {
    let mut paths = Vec::new();
    let mut rest = line;
    let mut offset = 0;
    while let Some(at) = rest.find("../") {
        let start = offset + at;
        let before = line[..start].chars().last();
        let end = line[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | ')' | '"' | '\'' | ',' | ';'))
            .map_or(line.len(), |e| start + e);
        if !matches!(before, Some('(' | '/' | '.')) {
            paths.push(&line[start..end]);
        }
        offset = end.max(start + 3);
        rest = &line[offset..];
    }
    paths
}

fn is_absolute(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:") || target.starts_with("tel:")
}

/// `path` with `.` and `..` resolved by their text (the file may not exist), when it stays
/// inside `root`.
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.starts_with(root).then_some(out)
}

fn report(broken: &[Broken]) -> String {
    broken
        .iter()
        .map(|b| format!("  {}:{}: {}", b.page, b.line, b.why))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_relative_link_and_anchor_a_reader_can_follow_resolves() {
    let pages = user_pages();
    assert!(
        pages.len() > 20,
        "the manual's pages were not found: {pages:?}"
    );
    let broken = check(&pages, &root());
    assert!(
        broken.is_empty(),
        "broken links in the docs:\n{}",
        report(&broken)
    );
}

#[test]
fn the_link_check_reports_each_kind_of_broken_link_on_a_broken_page() {
    let page = root().join("tests/vectors/docs/broken.md");
    let broken = check(std::slice::from_ref(&page), &root());
    let whys: Vec<(usize, &str)> = broken.iter().map(|b| (b.line, b.why.as_str())).collect();
    let expected = [
        (7, "missing.md: no such file"),
        (8, "../../../README.md#no-such-heading: README.md has no heading with the anchor #no-such-heading"),
        (9, "#nowhere: tests/vectors/docs/broken.md has no heading with the anchor #nowhere"),
        (10, "../../../../outside.md: leads outside the repository"),
        (11, "../../../../notes/widget-api.md: names a file outside this repository; say it in docs/ instead"),
        (12, "images/none.png: no such file"),
        (16, "{{#include ../no-such-file.rs}}: no such file"),
    ];
    assert_eq!(
        whys,
        expected,
        "the checker's report on tests/vectors/docs/broken.md:\n{}",
        report(&broken)
    );
}
