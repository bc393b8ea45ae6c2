//! The importer's side of the wire: one blocking client for Freshdesk's agent REST API v2,
//! with the manners a long read of somebody's account needs.
//!
//! - The API key goes out as HTTP Basic `KEY:X` in a header marked sensitive, to the
//!   source's own origin only: a `Link` to the next page is followed by its path, so a key
//!   never travels to a host the user did not name.
//! - `429` waits for `Retry-After` and asks again, as often as it takes: a rate limit is the
//!   account being busy, never a reason to fail. Near the bottom of the window
//!   (`X-RateLimit-Remaining`), calls go one at a time, so that at most one call can meet
//!   the limit: a `429` then pauses everything for its `Retry-After`. A call answered while
//!   the window said 0 shows that the source counts without refusing (freshmock without
//!   `--rate-limit`), and the import goes back to full speed.
//! - `5xx`, a refused or reset connection and a body cut short are retried with doubling
//!   waits, `retries` times, then the import stops and says which call failed and why.
//! - Any other answer is the caller's to judge: `404` is "not there" (an article without a
//!   translation), `401`/`403` become the clear refusals of [`super::ImportError`].

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use reqwest::blocking::{Client, Response};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, LINK, RETRY_AFTER};
use reqwest::Url;
use serde_json::Value;

use super::progress::Progress;

/// How long one call may take, answer included.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// The first wait after a failed call; it doubles with every further try.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Waited on a `429` that does not say how long (Freshdesk always does).
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);
/// The longest `Retry-After` believed: Freshdesk's window is a minute.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// Below this many calls left in the window, calls go one at a time.
const LOW_WATER: i64 = 10;

/// The API key, kept out of `Debug` output and never formatted anywhere.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> ApiKey {
        ApiKey(key)
    }

    /// The `Authorization` header: Freshdesk's HTTP Basic, the key as user name, `X` as
    /// password; marked sensitive so that no debug output of the request shows it.
    fn header(&self) -> HeaderValue {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{}:X", self.0));
        let mut value =
            HeaderValue::from_str(&format!("Basic {encoded}")).expect("base64 is a header value");
        value.set_sensitive(true);
        value
    }

    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// A call that did not give an answer the importer can use.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No connection at all to the source (a wrong domain, nothing listening).
    #[error("cannot reach {origin} ({reason}): check --domain or --url")]
    Unreachable { origin: String, reason: String },
    /// A 4xx other than 404 and 429.
    #[error("GET {path} was refused with {status}{}", detail(.body))]
    Refused {
        path: String,
        status: u16,
        body: String,
    },
    /// 5xx or broken connections, `tries` times over.
    #[error(
        "GET {path} failed {tries} times in a row (last: {last}): the source is not answering"
    )]
    GaveUp {
        path: String,
        tries: u32,
        last: String,
    },
    /// A 2xx whose body is not JSON.
    #[error("GET {path} answered {status} with something that is not JSON ({content_type}): is this a Freshdesk account?")]
    NotJson {
        path: String,
        status: u16,
        content_type: String,
    },
}

fn detail(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        String::new()
    } else {
        let short: String = body.chars().take(300).collect();
        format!(": {short}")
    }
}

/// One answer: the JSON body, or nothing there (`404`), with the next page's path.
#[derive(Debug)]
pub enum Got {
    Json { body: Value, next: Option<String> },
    NotFound,
}

/// The account the import reads, and how.
#[derive(Clone)]
pub struct Source {
    /// `scheme://host[:port]`: where every call goes.
    origin: String,
    /// A path the API sits under (`""` for Freshdesk itself).
    prefix: String,
    http: Client,
    auth: HeaderValue,
    retries: u32,
    progress: Arc<Progress>,
    /// `X-RateLimit-Remaining` of the latest answer (-1: not told).
    remaining: Arc<AtomicI64>,
    /// Whether the source has answered anything yet.
    answered: Arc<AtomicBool>,
    /// Whether the slow-down has been announced (once per low spell).
    slowed: Arc<AtomicBool>,
    /// Held by the one call in flight while the window is low.
    serial: Arc<Mutex<()>>,
    /// The source answered a call sent with 0 left: it counts but does not refuse.
    unenforced: Arc<AtomicBool>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// A client for the API at `base` (`https://acme.freshdesk.com`), trying each failing
    /// call `retries` more times.
    pub fn new(
        base: &Url,
        key: &ApiKey,
        retries: u32,
        progress: Arc<Progress>,
    ) -> Result<Source, String> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = Client::builder()
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("freshmock-import/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            // A redirect would carry the key to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Source {
            origin: origin(base),
            prefix: base.path().trim_end_matches('/').to_owned(),
            http,
            auth: key.header(),
            retries,
            progress,
            remaining: Arc::new(AtomicI64::new(-1)),
            answered: Arc::new(AtomicBool::new(false)),
            slowed: Arc::new(AtomicBool::new(false)),
            serial: Arc::new(Mutex::new(())),
            unenforced: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Where the calls go, for messages (no credentials in it: `--url` refuses them).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `GET path` (`/api/v2/...`, with its query), through rate limits and failures.
    pub fn get(&self, path: &str) -> Result<Got, FetchError> {
        let url = format!("{}{}{}", self.origin, self.prefix, path);
        let mut failures = 0u32;
        loop {
            let sent_at = self.remaining.load(Ordering::Relaxed);
            let _one_at_a_time = self
                .low(sent_at)
                .then(|| self.serial.lock().unwrap_or_else(|e| e.into_inner()));
            let outcome = self
                .http
                .get(&url)
                .header(AUTHORIZATION, self.auth.clone())
                .send();
            let reason = match outcome {
                Ok(response) => match self.answer(path, response, sent_at) {
                    Ok(Some(got)) => return Ok(got),
                    Ok(None) => continue, // rate limited: waited, ask again
                    Err(Attempt::Fatal(err)) => return Err(err),
                    Err(Attempt::Retry(reason)) => reason,
                },
                Err(err) if err.is_connect() && failures == 0 && self.never_answered() => {
                    return Err(FetchError::Unreachable {
                        origin: self.origin.clone(),
                        reason: error_chain(&err),
                    });
                }
                Err(err) => error_chain(&err),
            };
            failures += 1;
            if failures > self.retries {
                return Err(FetchError::GaveUp {
                    path: path.to_owned(),
                    tries: failures,
                    last: reason,
                });
            }
            let wait = backoff(failures);
            self.progress.note(&format!(
                "GET {path}: {reason}; trying again in {} ms ({failures} of {})",
                wait.as_millis(),
                self.retries
            ));
            std::thread::sleep(wait);
        }
    }

    /// Whether no answer has come from the source yet (a connection refused on the very
    /// first call is a wrong address, not a hiccup).
    fn never_answered(&self) -> bool {
        !self.answered.load(Ordering::Relaxed)
    }

    /// An answer judged: `Some` to return, `None` after a rate-limit wait, or an error.
    fn answer(&self, path: &str, response: Response, sent_at: i64) -> Result<Option<Got>, Attempt> {
        let status = response.status();
        self.answered.store(true, Ordering::Relaxed);
        if let Some(left) = header_number(response.headers(), "x-ratelimit-remaining") {
            self.remaining.store(left, Ordering::Relaxed);
            if sent_at == 0 && status.is_success() && !self.unenforced.swap(true, Ordering::Relaxed)
            {
                self.progress.note(
                    "the source answers past its rate limit (it counts without refusing): full speed again",
                );
            }
        }
        if status.as_u16() == 429 {
            let wait = header_number(response.headers(), RETRY_AFTER.as_str())
                .map(|s| Duration::from_secs(s.max(0) as u64))
                .unwrap_or(DEFAULT_RETRY_AFTER)
                .min(MAX_RETRY_AFTER);
            // Drain the body so the connection can be used again.
            let _ = response.bytes();
            self.progress.note(&format!(
                "rate limited (429 on GET {path}): waiting {} s as Retry-After says",
                wait.as_secs()
            ));
            std::thread::sleep(wait.max(Duration::from_millis(100)));
            return Ok(None);
        }
        if status.is_server_error() {
            let _ = response.bytes();
            return Err(Attempt::Retry(format!("{status}")));
        }
        if status.as_u16() == 404 {
            let _ = response.bytes();
            return Ok(Some(Got::NotFound));
        }
        let next = response
            .headers()
            .get_all(LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(next_link);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_owned();
        let bytes = match response.bytes() {
            Ok(bytes) => bytes,
            // The connection broke mid-answer: as good as no answer.
            Err(err) => {
                return Err(Attempt::Retry(format!(
                    "answer cut short: {}",
                    error_chain(&err)
                )))
            }
        };
        if !status.is_success() {
            return Err(Attempt::Fatal(FetchError::Refused {
                path: path.to_owned(),
                status: status.as_u16(),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(body) => Ok(Some(Got::Json { body, next })),
            // A JSON answer that does not parse was cut short; anything else is not an API.
            Err(_) if content_type.contains("json") => {
                Err(Attempt::Retry("an incomplete JSON answer".into()))
            }
            Err(_) => Err(Attempt::Fatal(FetchError::NotJson {
                path: path.to_owned(),
                status: status.as_u16(),
                content_type,
            })),
        }
    }

    /// Whether the window is near its bottom, so this call goes alone.
    fn low(&self, left: i64) -> bool {
        if self.unenforced.load(Ordering::Relaxed) {
            return false;
        }
        let low = (0..LOW_WATER).contains(&left);
        if low && !self.slowed.swap(true, Ordering::Relaxed) {
            self.progress.note(&format!(
                "{left} calls left in this minute's rate limit: one call at a time"
            ));
        } else if !low && left >= LOW_WATER {
            self.slowed.store(false, Ordering::Relaxed);
        }
        low
    }
}

enum Attempt {
    Retry(String),
    Fatal(FetchError),
}

/// The wait before try `failures + 1`: 0.5 s, 1 s, 2 s ... up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(MAX_BACKOFF)
}

fn header_number(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// An error with its causes, which is where reqwest says what really happened.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        source = cause.source();
    }
    text
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// The path and query of the `rel="next"` target in one `Link` header value.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        if !is_next {
            return None;
        }
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        match Url::parse(target) {
            Ok(url) => Some(match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            }),
            // A relative target is a path already.
            Err(_) => target.starts_with('/').then(|| target.to_owned()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_followed_by_its_path_only() {
        assert_eq!(
            next_link(
                r#"<https://elsewhere.test/api/v2/companies?page=2&per_page=100>; rel="next""#
            ),
            Some("/api/v2/companies?page=2&per_page=100".into())
        );
        assert_eq!(
            next_link(
                r#"<https://a.test/x?page=1>; rel="prev", <https://a.test/x?page=3>; rel="next""#
            ),
            Some("/x?page=3".into())
        );
        assert_eq!(next_link(r#"<https://a.test/x?page=1>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn waits_double_up_to_a_ceiling() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(2));
        assert_eq!(backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let key = ApiKey::new("supersecretkey".into());
        assert!(!format!("{key:?}").contains("supersecret"));
        assert!(key.header().is_sensitive());
    }
}
