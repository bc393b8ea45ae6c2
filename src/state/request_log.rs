//! The last N requests the server answered, in a ring buffer of fixed size, so a test can
//! see what its page asked and what it got, without the log ever growing.

use std::collections::VecDeque;
use std::sync::Mutex;

use http::Method;
use serde::{Deserialize, Serialize};

use crate::domain::clock::{format_timestamp, Millis};
use crate::domain::token;

/// Requests kept unless `--request-log` says otherwise.
pub const DEFAULT_CAPACITY: usize = 1000;

/// One answered request as the log keeps it: what the answer path has at hand, nothing
/// computed. Reading the email out of the token and formatting the time wait until someone
/// looks ([`Recorded::shown`]), which keeps the log's cost per request to a few copies.
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
}

impl Recorded {
    /// The entry as the control plane shows it, numbered `id`.
    pub fn shown(&self, id: u64) -> LogEntry {
        LogEntry {
            id,
            at: format_timestamp(self.at_ms.div_euclid(1000)),
            at_ms: self.at_ms,
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            route: self.route,
            status: self.status,
            duration_us: self.duration_us,
            email: self.email(),
            token: self.token,
            reason: self.reason.clone(),
        }
    }

    fn email(&self) -> Option<String> {
        let payload = token::peek_payload(self.auth.as_deref()?)?;
        payload.get("email")?.as_str().map(str::to_owned)
    }
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
}

/// What to pick from the log.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogFilter {
    /// Case-insensitive email match.
    pub email: Option<String>,
    /// Substring of the path.
    pub path: Option<String>,
    /// The route's name (`widget.search`), exactly.
    pub route: Option<String>,
    pub status: Option<u16>,
    pub method: Option<String>,
    /// At most this many (the newest).
    pub limit: Option<usize>,
}

impl LogFilter {
    fn matches(&self, e: &Recorded) -> bool {
        self.email
            .as_ref()
            .is_none_or(|m| e.email().is_some_and(|x| x.eq_ignore_ascii_case(m)))
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

/// A bounded log: pushing past capacity forgets the oldest entry.
#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    /// The last id given, and the entries kept with their ids.
    entries: Mutex<(u64, VecDeque<(u64, Recorded)>)>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog {
            capacity,
            entries: Mutex::new((0, VecDeque::with_capacity(capacity.min(DEFAULT_CAPACITY)))),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, VecDeque<(u64, Recorded)>)> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a request, giving it the next id, which it returns.
    pub fn push(&self, entry: Recorded) -> u64 {
        let mut guard = self.lock();
        let (last_id, entries) = &mut *guard;
        *last_id += 1;
        let id = *last_id;
        if self.capacity == 0 {
            return id;
        }
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back((id, entry));
        id
    }

    /// [`RequestLog::push`], returning the entry as shown (for those listening live).
    pub fn push_shown(&self, entry: Recorded) -> LogEntry {
        let shown = entry.shown(0);
        let id = self.push(entry);
        LogEntry { id, ..shown }
    }

    /// Matching entries, oldest first.
    pub fn list(&self, filter: &LogFilter) -> Vec<LogEntry> {
        let guard = self.lock();
        let matching: Vec<&(u64, Recorded)> =
            guard.1.iter().filter(|(_, e)| filter.matches(e)).collect();
        let skip = filter.limit.map_or(0, |l| matching.len().saturating_sub(l));
        matching
            .into_iter()
            .skip(skip)
            .map(|(id, e)| e.shown(*id))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.lock().1.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().1.clear();
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
}
