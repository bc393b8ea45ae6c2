//! The last requests the server answered, in a ring buffer bounded twice: by entries
//! (`--request-log`) and by bytes ([`DEFAULT_BUDGET`]), so a test can see what its page asked
//! and what it got, without the log ever growing. Long texts are shortened as they are
//! logged: a client sending a 60 KB query and a 380 KB token a thousand times once grew the
//! server by 375 MB and made `GET /_freshmock/requests` answer 51 MB.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use http::Method;
use serde::{Deserialize, Serialize};

use crate::domain::clock::{format_timestamp, Millis};
use crate::domain::token;

/// Requests kept unless `--request-log` says otherwise.
pub const DEFAULT_CAPACITY: usize = 1000;
/// The longest path, query, reason or email an entry keeps, in bytes; a longer one keeps its
/// start followed by `…(truncated, N bytes)` and its length in the entry's `shortened`.
pub const MAX_TEXT: usize = 1024;
/// The longest token an entry keeps (for its email, read when someone looks); the email of a
/// longer one is read as it is logged, and the token dropped. Widget tokens are a few
/// hundred bytes.
pub const MAX_TOKEN: usize = 4096;
/// The longest token whose email is read at all: decoding a 300 KB token took 28 ms in a
/// debug build, on every request that sent it. A longer token's entry shows no email.
pub const MAX_TOKEN_READ: usize = 64 * 1024;
/// What one entry costs beyond its texts (numbers, names, the entry itself), for the budget.
const ENTRY_OVERHEAD: usize = 256;
/// Bytes of entries the log holds at most (the sum of their texts plus [`ENTRY_OVERHEAD`]
/// each); past it the oldest are forgotten. An entry is at most about 8 KiB (four texts of
/// [`MAX_TEXT`] and a token of [`MAX_TOKEN`]), so the log never holds more than this, and
/// `GET /_freshmock/requests` never answers much more: an entry shows its texts and a few
/// numbers, and the email it shows is shorter than the token it came from.
pub const DEFAULT_BUDGET: usize = 4 * 1024 * 1024;

/// One answered request as the log keeps it: what the answer path has at hand, nothing
/// computed. Reading the email out of the token and formatting the time wait until someone
/// looks ([`Kept::shown`]), which keeps the log's cost per request to a few copies.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at_ms: Millis,
    pub method: Method,
    pub path: String,
    pub query: String,
    /// The name of the route that answered (`widget.search`); `None` for a path no route has.
    pub route: Option<&'static str>,
    pub status: u16,
    pub duration_us: u64,
    /// The `X-Widget-Auth` header as sent, if any.
    /// A copy: a header value shares the connection's read buffer, which the log would
    /// then keep alive, making the server allocate a new buffer for every request.
    pub auth: Option<String>,
    /// `none` (no token), `accepted` or `refused`.
    pub token: &'static str,
    /// freshmock's explanation of a refusal (`X-Freshmock-Reason`).
    pub reason: Option<String>,
    /// The agent API's caller: the email of the agent whose API key it sent.
    pub agent: Option<String>,
}

/// The texts of a request to log, as the request has them (see [`RequestLog::push_texts`]).
#[derive(Debug, Clone)]
pub struct Texts<'a> {
    pub path: &'a str,
    pub query: &'a str,
    /// The `X-Widget-Auth` header, if any and not blank.
    pub auth: Option<std::borrow::Cow<'a, str>>,
}

impl Recorded {
    /// An entry with nothing in it, for [`RequestLog::push_texts`] to fill.
    fn empty() -> Recorded {
        Recorded {
            at_ms: 0,
            method: Method::GET,
            path: String::new(),
            query: String::new(),
            route: None,
            status: 0,
            duration_us: 0,
            auth: None,
            token: "none",
            reason: None,
            agent: None,
        }
    }
}

/// `text` in `buffer` when it fits there without wasting much of it (the log's budget counts
/// the texts, so a large buffer kept for a short text would hold memory it does not
/// count), in a new string otherwise.
fn refill(mut buffer: String, text: &str) -> String {
    if buffer.capacity() < text.len() || buffer.capacity() > (2 * text.len()).max(64) {
        return text.to_owned();
    }
    buffer.clear();
    buffer.push_str(text);
    buffer
}

/// A [`Recorded`] request with its long texts shortened, as the log holds it.
#[derive(Debug, Clone)]
struct Kept {
    recorded: Recorded,
    /// The email of a token too long to keep, read when the request was logged.
    email: Option<String>,
    /// The original length in bytes of each text that was shortened, by field name.
    shortened: BTreeMap<&'static str, usize>,
    /// What it counts against the budget.
    cost: usize,
}

impl Kept {
    fn new(mut recorded: Recorded) -> Kept {
        let mut shortened = BTreeMap::new();
        shorten("path", &mut recorded.path, &mut shortened);
        shorten("query", &mut recorded.query, &mut shortened);
        if let Some(reason) = recorded.reason.as_mut() {
            shorten("reason", reason, &mut shortened);
        }
        let mut email = None;
        if let Some(auth) = recorded.auth.take_if(|a| a.len() > MAX_TOKEN) {
            shortened.insert("token", auth.len());
            if auth.len() <= MAX_TOKEN_READ {
                email = email_in(&auth).map(|mut e| {
                    shorten("email", &mut e, &mut shortened);
                    e
                });
            }
        }
        let texts = [
            recorded.path.len(),
            recorded.query.len(),
            recorded.reason.as_ref().map_or(0, String::len),
            recorded.auth.as_ref().map_or(0, String::len),
            email.as_ref().map_or(0, String::len),
            recorded.agent.as_ref().map_or(0, String::len),
        ];
        Kept {
            cost: texts.iter().sum::<usize>() + ENTRY_OVERHEAD,
            recorded,
            email,
            shortened,
        }
    }

    /// The entry as the control plane shows it, numbered `id`.
    fn shown(&self, id: u64) -> LogEntry {
        let r = &self.recorded;
        LogEntry {
            id,
            at: format_timestamp(r.at_ms.div_euclid(1000)),
            at_ms: r.at_ms,
            method: r.method.to_string(),
            path: r.path.clone(),
            query: r.query.clone(),
            route: r.route,
            status: r.status,
            duration_us: r.duration_us,
            email: self.email(),
            token: r.token,
            reason: r.reason.clone(),
            agent: r.agent.clone(),
            shortened: self.shortened.clone(),
        }
    }

    fn email(&self) -> Option<String> {
        match &self.recorded.auth {
            Some(auth) => email_in(auth).map(|mut e| {
                shorten("email", &mut e, &mut BTreeMap::new());
                e
            }),
            None => self.email.clone(),
        }
    }
}

/// The `email` claim of a token's payload, whether or not the token is valid.
fn email_in(auth: &str) -> Option<String> {
    let payload = token::peek_payload(auth)?;
    payload.get("email")?.as_str().map(str::to_owned)
}

/// Cuts `text` to [`MAX_TEXT`] bytes (on a character boundary) followed by
/// `…(truncated, N bytes)`, noting N under `field`.
fn shorten(field: &'static str, text: &mut String, shortened: &mut BTreeMap<&'static str, usize>) {
    let length = text.len();
    if length <= MAX_TEXT {
        return;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&format!("…(truncated, {length} bytes)"));
    text.shrink_to_fit();
    shortened.insert(field, length);
}

/// One answered request, as the control plane shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Increases by one per request since start-up.
    pub id: u64,
    /// Mock-clock time the request arrived (ISO) and in milliseconds.
    pub at: String,
    pub at_ms: Millis,
    pub method: String,
    pub path: String,
    pub query: String,
    /// The route table's name for the call (`widget.search`); `null` for an unknown path.
    pub route: Option<&'static str>,
    pub status: u16,
    pub duration_us: u64,
    /// The email in the token's payload, if any (read whether or not the token was valid).
    pub email: Option<String>,
    /// `none` (no token), `accepted` or `refused`.
    pub token: &'static str,
    /// freshmock's explanation of a refusal (`X-Freshmock-Reason`).
    pub reason: Option<String>,
    /// An agent API call's agent (the email of the agent whose API key it sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Texts the log shortened (`path`, `query`, `reason`, `email`, `token`) and their
    /// original length in bytes; absent when nothing was.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub shortened: BTreeMap<&'static str, usize>,
}

/// What to pick from the log.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogFilter {
    /// Only entries newer than this id (a cursor: the last id a test saw).
    pub since: Option<u64>,
    /// Case-insensitive email match.
    pub email: Option<String>,
    /// Substring of the path.
    pub path: Option<String>,
    /// The route's name (`widget.search`), exactly.
    pub route: Option<String>,
    pub status: Option<u16>,
    pub method: Option<String>,
    /// The token's verdict: `none`, `accepted` or `refused`.
    pub token: Option<Verdict>,
    /// What came of the request (see [`Outcome`]).
    pub outcome: Option<Outcome>,
    /// At most this many (the newest).
    pub limit: Option<usize>,
}

/// What came of a request, for a test that asserts nothing went wrong (WireMock's
/// "unmatched requests", and freshmock's own refusals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A widget token was sent and refused (whatever the status).
    Refused,
    /// No route has the path: the app called something freshmock does not serve.
    Unmatched,
    /// Answered 400 or more (refusals and unmatched paths included).
    Failed,
    /// Answered below 400.
    Ok,
}

impl Outcome {
    fn matches(self, e: &Recorded) -> bool {
        match self {
            Outcome::Refused => e.token == "refused",
            Outcome::Unmatched => e.route.is_none(),
            Outcome::Failed => e.status >= 400,
            Outcome::Ok => e.status < 400,
        }
    }
}

/// A token verdict to pick (`token=refused`); anything else is a 400 naming these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    None,
    Accepted,
    Refused,
}

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Accepted => "accepted",
            Verdict::Refused => "refused",
        }
    }
}

impl LogFilter {
    fn matches(&self, kept: &Kept) -> bool {
        let e = &kept.recorded;
        self.token.is_none_or(|t| e.token == t.name())
            && self.outcome.is_none_or(|o| o.matches(e))
            && self.email.as_ref().is_none_or(|m| {
                kept.email().is_some_and(|x| x.eq_ignore_ascii_case(m))
                    || e.agent.as_ref().is_some_and(|x| x.eq_ignore_ascii_case(m))
            })
            && self
                .path
                .as_ref()
                .is_none_or(|p| e.path.contains(p.as_str()))
            && self.route.as_deref().is_none_or(|r| e.route == Some(r))
            && self.status.is_none_or(|s| e.status == s)
            && self
                .method
                .as_ref()
                .is_none_or(|m| e.method.as_str().eq_ignore_ascii_case(m))
    }
}

/// A bounded log: pushing past its entries or its bytes forgets the oldest entries.
#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    budget: usize,
    ring: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    /// The last id given.
    last_id: u64,
    entries: VecDeque<(u64, Kept)>,
    /// The sum of the entries' costs.
    bytes: usize,
}

impl RequestLog {
    /// A log of at most `capacity` entries and [`DEFAULT_BUDGET`] bytes.
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog::with_budget(capacity, DEFAULT_BUDGET)
    }

    /// A log of at most `capacity` entries and about `budget` bytes.
    pub fn with_budget(capacity: usize, budget: usize) -> RequestLog {
        RequestLog {
            capacity,
            budget,
            ring: Mutex::new(Ring {
                entries: VecDeque::with_capacity(capacity.min(DEFAULT_CAPACITY)),
                ..Ring::default()
            }),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a whole entry, giving it the next id, which it returns: for the tests of the
    /// log's bounds. The server logs through [`RequestLog::push_texts`], the only way in.
    #[cfg(test)]
    pub fn push(&self, entry: Recorded) -> u64 {
        self.keep(Kept::new(entry))
    }

    /// Records a request whose texts are borrowed, giving it the next id, which it returns: `rest` filling in the
    /// other fields: the texts are copied into the buffers of the entry pushed out, once
    /// the log is full (as it is after its first thousand requests), so that logging a
    /// request usually allocates and frees nothing. (Copying the texts into new strings,
    /// and freeing those of the entry forgotten, were six calls to the allocator on every
    /// request.)
    pub fn push_texts(&self, texts: Texts<'_>, rest: impl FnOnce(&mut Recorded)) -> u64 {
        let recycled = if self.capacity > 0 {
            let mut ring = self.lock();
            if ring.entries.len() >= self.capacity {
                ring.entries.pop_front().map(|(_, old)| {
                    ring.bytes -= old.cost;
                    old.recorded
                })
            } else {
                None
            }
        } else {
            None
        };
        // Only the old entry's buffers are kept: everything else starts afresh.
        let old = recycled.unwrap_or_else(Recorded::empty);
        let mut recorded = Recorded {
            path: refill(old.path, texts.path),
            query: refill(old.query, texts.query),
            auth: texts
                .auth
                .map(|auth| refill(old.auth.unwrap_or_default(), &auth)),
            ..Recorded::empty()
        };
        rest(&mut recorded);
        self.keep(Kept::new(recorded))
    }

    fn keep(&self, kept: Kept) -> u64 {
        let mut ring = self.lock();
        ring.last_id += 1;
        let id = ring.last_id;
        if self.capacity == 0 {
            return id;
        }
        while ring.entries.len() >= self.capacity
            || (!ring.entries.is_empty() && ring.bytes + kept.cost > self.budget)
        {
            let Some((_, old)) = ring.entries.pop_front() else {
                break;
            };
            ring.bytes -= old.cost;
        }
        ring.bytes += kept.cost;
        ring.entries.push_back((id, kept));
        id
    }

    /// [`RequestLog::push`], returning the entry as shown (for those listening live).
    pub fn push_shown(&self, entry: Recorded) -> LogEntry {
        let kept = Kept::new(entry);
        let shown = kept.shown(0);
        let id = self.keep(kept);
        LogEntry { id, ..shown }
    }

    /// Matching entries, oldest first.
    pub fn list(&self, filter: &LogFilter) -> Vec<LogEntry> {
        let ring = self.lock();
        let matching: Vec<&(u64, Kept)> = ring
            .entries
            .iter()
            .filter(|(id, e)| filter.since.is_none_or(|s| *id > s) && filter.matches(e))
            .collect();
        let skip = filter.limit.map_or(0, |l| matching.len().saturating_sub(l));
        matching
            .into_iter()
            .skip(skip)
            .map(|(id, e)| e.shown(*id))
            .collect()
    }

    /// How many entries match (`limit` aside).
    pub fn count(&self, filter: &LogFilter) -> usize {
        self.lock()
            .entries
            .iter()
            .filter(|(id, e)| filter.since.is_none_or(|s| *id > s) && filter.matches(e))
            .count()
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// The bytes the entries count against the budget.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        let mut ring = self.lock();
        ring.entries.clear();
        ring.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Recorded {
        Recorded {
            at_ms: 0,
            method: Method::GET,
            path: path.into(),
            query: String::new(),
            route: None,
            status: 200,
            duration_us: 1,
            auth: None,
            token: "none",
            reason: None,
            agent: None,
        }
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        let log = RequestLog::new(3);
        for i in 0..10 {
            log.push(entry(&format!("/{i}")));
        }
        let all = log.list(&LogFilter::default());
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].path, "/7");
        assert_eq!(all[2].id, 10);
    }

    #[test]
    fn a_full_log_shows_each_new_request_as_it_was_sent() {
        let log = RequestLog::new(2);
        let long = "t".repeat(MAX_TOKEN + 1);
        let sent = [
            ("/a", "x=1", Some("aaaa.bbbb.cccc")),
            ("/bb", "", None),
            ("/ccc/long", "term=password&page=2", Some("dd.ee.ff")),
            ("/d", "q", None),
            (&*format!("/{}", "p".repeat(2000)), "", Some(long.as_str())),
            ("/e", "y=2", Some("gg.hh.ii")),
        ];
        for (i, (path, query, auth)) in sent.iter().enumerate() {
            let texts = Texts {
                path,
                query,
                auth: auth.map(Into::into),
            };
            log.push_texts(texts, |r| {
                r.status = 200 + i as u16;
                r.duration_us = 1;
            });
            let last = log.list(&LogFilter::default()).pop().unwrap();
            let mut expected = entry(path);
            expected.query = (*query).to_owned();
            expected.auth = auth.map(str::to_owned);
            expected.status = 200 + i as u16;
            let expected = Kept::new(expected).shown(last.id);
            assert_eq!(last, expected, "request {i}");
        }
        assert_eq!(log.len(), 2);
        let budget: usize = log.lock().entries.iter().map(|(_, k)| k.cost).sum();
        assert_eq!(log.bytes(), budget);
    }

    #[test]
    fn outcomes_and_token_verdicts_pick_what_went_wrong() {
        let log = RequestLog::new(10);
        let mut refused = entry("/api/widget/bootstrap");
        refused.route = Some("widget.bootstrap");
        refused.status = 401;
        refused.token = "refused";
        let mut fine = entry("/api/widget/search/solutions");
        fine.route = Some("widget.search");
        fine.token = "accepted";
        let mut unmatched = entry("/api/widget/nope");
        unmatched.status = 404;
        for e in [refused, fine, unmatched] {
            log.push(e);
        }
        let paths = |filter: LogFilter| -> Vec<String> {
            log.list(&filter).into_iter().map(|e| e.path).collect()
        };
        let outcome = |o| LogFilter {
            outcome: Some(o),
            ..LogFilter::default()
        };
        assert_eq!(paths(outcome(Outcome::Refused)), ["/api/widget/bootstrap"]);
        assert_eq!(paths(outcome(Outcome::Unmatched)), ["/api/widget/nope"]);
        assert_eq!(paths(outcome(Outcome::Failed)).len(), 2);
        assert_eq!(
            paths(outcome(Outcome::Ok)),
            ["/api/widget/search/solutions"]
        );
        let verdict = LogFilter {
            token: Some(Verdict::Accepted),
            ..LogFilter::default()
        };
        assert_eq!(paths(verdict), ["/api/widget/search/solutions"]);
    }

    fn token_for(email: &str, padding: usize) -> String {
        token::mint(
            "HS256",
            &"a".repeat(32),
            &serde_json::json!({ "email": email, "pad": "x".repeat(padding) }),
        )
    }

    #[test]
    fn long_texts_are_shortened_with_their_length() {
        let log = RequestLog::new(10);
        let mut e = entry(&format!("/{}", "p".repeat(5000)));
        e.query = "q=".to_owned() + &"é".repeat(30_000);
        e.reason = Some("r".repeat(2000));
        e.auth = Some(token_for("nora@example.com", 40_000));
        log.push(e);
        let shown = &log.list(&LogFilter::default())[0];
        assert!(
            shown.query.ends_with("…(truncated, 60002 bytes)"),
            "{}",
            &shown.query[1000..]
        );
        assert!(shown.query.len() < MAX_TEXT + 40);
        assert!(shown.path.ends_with("…(truncated, 5001 bytes)"));
        assert_eq!(shown.shortened["query"], 60_002);
        assert_eq!(shown.shortened["path"], 5001);
        assert_eq!(shown.shortened["reason"], 2000);
        assert!(shown.shortened["token"] > 40_000);
        // The email is read from the token before it is dropped, and can still be filtered on.
        assert_eq!(shown.email.as_deref(), Some("nora@example.com"));
        let filter = LogFilter {
            email: Some("NORA@example.com".into()),
            ..LogFilter::default()
        };
        assert_eq!(log.list(&filter).len(), 1);
        assert!(log.bytes() < 4 * MAX_TEXT + 200 + ENTRY_OVERHEAD);

        // A token too long to be a widget's is not even read.
        let mut e = entry("/");
        e.auth = Some(token_for("nora@example.com", 100_000));
        log.push(e);
        let shown = log.list(&LogFilter::default()).pop().unwrap();
        assert_eq!(shown.email, None);
        assert!(shown.shortened["token"] > 100_000);
    }

    #[test]
    fn short_texts_are_kept_whole_and_say_nothing() {
        let log = RequestLog::new(10);
        let mut e = entry("/api/widget/bootstrap");
        e.auth = Some(token_for("nora@example.com", 10));
        log.push(e);
        let shown = &log.list(&LogFilter::default())[0];
        assert!(shown.shortened.is_empty());
        assert_eq!(shown.email.as_deref(), Some("nora@example.com"));
        let json = serde_json::to_value(shown).unwrap();
        assert!(json.get("shortened").is_none(), "{json}");
    }

    #[test]
    fn the_oldest_entries_go_when_the_bytes_run_out() {
        let log = RequestLog::with_budget(1000, 20 * 1024);
        for i in 0..100 {
            let mut e = entry(&format!("/{i}"));
            e.query = "q".repeat(5000);
            log.push(e);
        }
        assert!(log.bytes() <= 20 * 1024, "{}", log.bytes());
        let all = log.list(&LogFilter::default());
        assert!(all.len() >= 10 && all.len() < 100, "{}", all.len());
        assert_eq!(all.last().unwrap().path, "/99");
        log.clear();
        assert_eq!(log.bytes(), 0);
    }
}
