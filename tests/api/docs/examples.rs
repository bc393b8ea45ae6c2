//! Every code block of the manual (README.md and docs/) is kept true one of three ways,
//! said by the HTML comment on the line above it (invisible on a forge and in the book):
//! - `<!-- run -->`: a shell block run by bash against a fresh server of the page (the real
//!   binary on a free port, real time; `http://127.0.0.1:8787` in the block means that server,
//!   and `freshmock` is the binary just built). The page's run blocks share one shell, in
//!   order, so a variable set in one is there in the next.
//! - `<!-- output -->`: what the run block above it prints; `…` stands for any text within a
//!   line, and a line of only `…` for any lines.
//! - `<!-- illustration: why -->`: shown, not run (a compose file, another language's JWT
//!   library, a command that runs for minutes).
//!
//! A block of `{{#include file}}` lines needs no marker: mdBook pulls in a file the suite runs
//! (the links check makes sure it exists). Any other block fails here.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;

use super::markdown::{includes, manual_pages, root, shown, Block, Page};
use crate::support::spawn;

/// How a block is kept true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Output,
    Illustration,
    Included,
}

fn kind(block: &Block) -> Result<Kind, String> {
    match block.marker.as_deref() {
        Some("run") => Ok(Kind::Run),
        Some("output") => Ok(Kind::Output),
        Some(m) if m == "illustration" || m.starts_with("illustration:") => Ok(Kind::Illustration),
        _ if !block.text.trim().is_empty()
            && includes(block).len() == block.text.lines().filter(|l| !l.trim().is_empty()).count() =>
        {
            Ok(Kind::Included)
        }
        Some(other) => Err(format!("the marker <!-- {other} --> is none of run, output, illustration")),
        None => Err("a code block that is neither run (<!-- run -->), followed as output (<!-- output -->), included ({{#include}}) nor marked <!-- illustration: why -->".into()),
    }
}

/// A run block and the output the page shows under it, if any.
struct Step {
    line: usize,
    script: String,
    expected: Option<(usize, String)>,
}

fn steps(path: &Path, page: &Page, problems: &mut Vec<String>) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut previous: Option<Kind> = None;
    for block in &page.blocks {
        let at = format!("{}:{}", shown(path), block.line);
        match kind(block) {
            Err(why) => problems.push(format!("{at}: {why}")),
            Ok(Kind::Run) => steps.push(Step {
                line: block.line,
                script: block.text.clone(),
                expected: None,
            }),
            Ok(Kind::Output) => match (previous, steps.last_mut()) {
                (Some(Kind::Run), Some(step)) => {
                    step.expected = Some((block.line, block.text.clone()))
                }
                _ => problems.push(format!("{at}: an output block that follows no run block")),
            },
            Ok(_) => {}
        }
        previous = kind(block).ok();
    }
    steps
}

/// The expected output as a pattern: `…` is any text in a line, a line of `…` any lines.
fn pattern(expected: &str) -> Regex {
    let lines: Vec<String> = expected
        .trim_end()
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.trim() == "…" {
                "(?:[^\\n]*\\n)*?".to_owned()
            } else {
                let parts: Vec<String> = line.split('…').map(regex::escape).collect();
                format!("{}\\n", parts.join("[^\\n]*"))
            }
        })
        .collect();
    Regex::new(&format!("^{}$", lines.concat())).unwrap()
}

fn normalised(output: &str) -> String {
    let mut text: String = output
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    while text.ends_with("\n\n") {
        text.pop();
    }
    if text.trim().is_empty() {
        text.clear();
    }
    text
}

const BOUNDARY: &str = "@@freshmock-docs-step@@";

/// Runs a page's steps against a fresh server; the problems found.
fn run_page(path: &Path, steps: &[Step]) -> Vec<String> {
    let server = spawn(&[]);
    let mut script = String::from("set -eo pipefail\n");
    for step in steps {
        script.push_str(&format!("echo '{BOUNDARY}'\n"));
        script.push_str(&step.script.replace("http://127.0.0.1:8787", &server.uri));
        script.push('\n');
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_freshmock"));
    let path_var = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(&script)
        .current_dir(root())
        .env("PATH", path_var)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FRESHMOCK_") {
            command.env_remove(name);
        }
    }
    let (status, stdout, stderr) = run_for(command, Duration::from_secs(120));
    let mut outputs: Vec<&str> = stdout.split(&format!("{BOUNDARY}\n")).collect();
    outputs.remove(0);
    let mut problems = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let at = format!("{}:{}", shown(path), step.line);
        let Some(output) = outputs.get(n) else {
            problems.push(format!(
                "{at}: the block did not run ({}); stderr:\n{stderr}",
                status.map_or("killed after 120 s".into(), |s| s.to_string())
            ));
            break;
        };
        if let Some((line, expected)) = &step.expected {
            let got = normalised(output);
            if !pattern(expected).is_match(&got) {
                problems.push(format!(
                    "{}:{line}: the output shown is not what the block above prints.\n  shown:\n{}\n  printed:\n{}",
                    shown(path),
                    indent(expected),
                    indent(&got)
                ));
            }
        }
    }
    if problems.is_empty() && status.is_none_or(|s| !s.success()) {
        problems.push(format!(
            "{}: the page's blocks failed ({}); stderr:\n{stderr}",
            shown(path),
            status.map_or("killed after 120 s".into(), |s| s.to_string())
        ));
    }
    problems
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Runs `command` to its end or kills it after `limit`: status, stdout, stderr.
fn run_for(
    mut command: Command,
    limit: Duration,
) -> (Option<std::process::ExitStatus>, String, String) {
    let mut child = command.spawn().expect("bash runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status,
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    )
}

fn manual() -> Vec<std::path::PathBuf> {
    let mut pages = vec![root().join("README.md")];
    pages.extend(manual_pages());
    pages
}

#[test]
fn every_code_block_of_the_manual_is_run_included_or_marked_an_illustration() {
    let mut problems = Vec::new();
    for path in manual() {
        steps(&path, &Page::read(&path), &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_manual_s_commands_answer_what_the_manual_shows() {
    for tool in ["bash", "curl", "jq"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        assert!(
            found,
            "the manual's examples need {tool} (scripts/test.sh installs jq)"
        );
    }
    // One server and one shell per page, the pages side by side: they share nothing.
    let pages: Vec<(std::path::PathBuf, Vec<Step>)> = manual()
        .into_iter()
        .map(|path| {
            let steps = steps(&path, &Page::read(&path), &mut Vec::new());
            (path, steps)
        })
        .filter(|(_, steps)| !steps.is_empty())
        .collect();
    let ran: usize = pages.iter().map(|(_, steps)| steps.len()).sum();
    let problems: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = pages
            .iter()
            .map(|(path, steps)| scope.spawn(move || run_page(path, steps)))
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().expect("a page's run panicked"))
            .collect()
    });
    assert!(
        ran > 20,
        "only {ran} blocks ran: are the <!-- run --> markers there?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn an_output_pattern_matches_any_text_where_it_says_so() {
    assert!(pattern("[1101]\n").is_match("[1101]\n"));
    assert!(!pattern("[1101]\n").is_match("[1101,1401]\n"));
    assert!(pattern("exp … is ahead\n").is_match("exp 123 s is ahead\n"));
    assert!(pattern("…\nok\n").is_match("a\nb\nok\n"));
    assert!(pattern("…\nok\n").is_match("ok\n"));
    assert!(!pattern("a…\n").is_match("a\nb\n"));
}

#[test]
fn a_block_without_a_marker_or_an_output_without_its_command_is_refused() {
    let page = Page::parse(
        "<!-- run -->\n```sh\necho a\n```\n\n<!-- output -->\n```text\na\n```\n\n\
         ```sh\nrm -rf /\n```\n\n<!-- illustration: a diagram -->\n```text\na → b\n```\n\n\
         <!-- output -->\n```text\nb\n```\n\n```rust\n{{#include ../../src/lib.rs}}\n```\n",
    );
    let mut problems = Vec::new();
    let steps = steps(Path::new("page.md"), &page, &mut problems);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].expected.as_ref().map(|e| e.1.as_str()), Some("a"));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("page.md:11: a code block that is neither run"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("page.md:21: an output block that follows no run block"),
        "{problems:?}"
    );
}
