//! The last N requests the server answered, in a ring buffer of fixed size, so a test can
//! see what its page asked and what it got, without the log ever growing.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::clock::Millis;

/// Requests kept unless `--request-log` says otherwise.
pub const DEFAULT_CAPACITY: usize = 1000;

/// One answered request.
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
    pub status: Option<u16>,
    pub method: Option<String>,
    /// At most this many (the newest).
    pub limit: Option<usize>,
}

impl LogFilter {
    fn matches(&self, e: &LogEntry) -> bool {
        self.email
            .as_ref()
            .is_none_or(|m| e.email.as_ref().is_some_and(|x| x.eq_ignore_ascii_case(m)))
            && self
                .path
                .as_ref()
                .is_none_or(|p| e.path.contains(p.as_str()))
            && self.status.is_none_or(|s| e.status == s)
            && self
                .method
                .as_ref()
                .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
    }
}

/// A bounded log: pushing past capacity forgets the oldest entry.
#[derive(Debug)]
pub struct RequestLog {
    capacity: usize,
    entries: Mutex<(u64, VecDeque<LogEntry>)>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, VecDeque<LogEntry>)> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an entry, giving it the next id; returns it as stored.
    pub fn push(&self, mut entry: LogEntry) -> LogEntry {
        let mut guard = self.lock();
        let (next_id, entries) = &mut *guard;
        *next_id += 1;
        entry.id = *next_id;
        if self.capacity == 0 {
            return entry;
        }
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry.clone());
        entry
    }

    /// Matching entries, oldest first.
    pub fn list(&self, filter: &LogFilter) -> Vec<LogEntry> {
        let guard = self.lock();
        let matching: Vec<&LogEntry> = guard.1.iter().filter(|e| filter.matches(e)).collect();
        let skip = filter.limit.map_or(0, |l| matching.len().saturating_sub(l));
        matching.into_iter().skip(skip).cloned().collect()
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

    fn entry(path: &str) -> LogEntry {
        LogEntry {
            id: 0,
            at: String::new(),
            at_ms: 0,
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            status: 200,
            duration_us: 1,
            email: None,
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
