//! Publishing through the agent API, as `scripts/bench.sh` measures it on a large account:
//! each run publishes an article with a word no other article has
//! (`POST /api/v2/solutions/folders/:id/articles`), then searches for that word through the
//! widget API at once, and again until it is found. Prints the API's answer time and the
//! time from that answer until the widget's search found the article, in milliseconds.
//!
//! ```text
//! publish --url http://127.0.0.1:8787 --key ADMIN_KEY --folder 11 --widget 12000000025 [--runs 20]
//! publish api_ms=12.41 searchable_after_ms=0.00 found_on_try=1
//! ```

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Longest the widget may take to find a published article before the run fails.
const PATIENCE: Duration = Duration::from_secs(10);

struct Options {
    url: String,
    key: String,
    folder: u64,
    widget: String,
    runs: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let (mut url, mut key, mut folder, mut widget, mut runs) = (None, None, None, None, 20);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} takes a value"));
        match arg.as_str() {
            "--url" => url = Some(value()?),
            "--key" => key = Some(value()?),
            "--folder" => folder = Some(value()?.parse().map_err(|_| "--folder takes an id")?),
            "--widget" => widget = Some(value()?),
            "--runs" => runs = value()?.parse().map_err(|_| "--runs takes a number")?,
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let usage = "usage: publish --url URL --key KEY --folder ID --widget ID [--runs N]";
    Ok(Options {
        url: url.ok_or(usage)?,
        key: key.ok_or(usage)?,
        folder: folder.ok_or(usage)?,
        widget: widget.ok_or(usage)?,
        runs,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let o = parse_args()?;
    let http = reqwest::Client::new();
    for run in 0..o.runs {
        let word = format!("benchword{}x{run}", std::process::id());
        let started = Instant::now();
        let reply = http
            .post(format!(
                "{}/api/v2/solutions/folders/{}/articles",
                o.url, o.folder
            ))
            .basic_auth(&o.key, Some("X"))
            .json(&json!({
                "title": format!("Bench article {run}"),
                "description": format!("<p>Published by the benchmark: {word}.</p>"),
                "status": 2,
            }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = reply.status();
        let body: Value = reply.json().await.map_err(|e| e.to_string())?;
        let answered = Instant::now();
        if status != 201 {
            return Err(format!("publishing answered {status}: {body}"));
        }
        let id = body["id"].as_u64().ok_or("the answer has no id")?;
        let mut tries = 0;
        let found_at = loop {
            tries += 1;
            let found: Value = http
                .get(format!("{}/api/widget/search/solutions?term={word}", o.url))
                .header("X-Widget-Id", &o.widget)
                .header("X-Client-Id", "bench-publish")
                .send()
                .await
                .map_err(|e| e.to_string())?
                .json()
                .await
                .map_err(|e| e.to_string())?;
            if found
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == id))
            {
                break Instant::now();
            }
            if answered.elapsed() > PATIENCE {
                return Err(format!(
                    "article {id} not found by the widget after {PATIENCE:?}"
                ));
            }
        };
        // The search that found it started after the answer: the delay is the time until
        // that search was sent (zero when the first search found it).
        let searchable_after = if tries == 1 {
            Duration::ZERO
        } else {
            found_at.duration_since(answered)
        };
        println!(
            "publish api_ms={:.2} searchable_after_ms={:.2} found_on_try={tries}",
            answered.duration_since(started).as_secs_f64() * 1000.0,
            searchable_after.as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}
