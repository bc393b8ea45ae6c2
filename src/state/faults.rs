//! Injected failures: for requests matching a path pattern, add latency, answer with a
//! given status and body, or drop the connection — for the next N requests or until
//! cleared — so teams can see how their page copes with a slow or failing backend.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a fault does, as posted to the control API.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Path pattern: `*` matches any run of characters (`/api/widget/search/*`).
    pub path: String,
    /// Only this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Delay before answering (or before the real answer).
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Answer with this status instead of the real answer.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body for `status` (JSON); empty when absent.
    #[serde(default)]
    pub body: Option<Value>,
    /// Headers for `status`'s answer, such as `Retry-After` on a 429.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Close the connection without a complete answer.
    #[serde(default)]
    pub drop: bool,
    /// Apply to this many requests, then disappear; forever when absent.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultSpec {
    /// Checks the spec makes sense, in words for the control API's error.
    pub fn validate(&self) -> Result<(), String> {
        if self.path.is_empty() {
            return Err("path must not be empty (use * for every path)".into());
        }
        if self.latency_ms.is_none() && self.status.is_none() && !self.drop {
            return Err("a fault needs latency_ms, status or drop".into());
        }
        if let Some(status) = self.status {
            if http::StatusCode::from_u16(status).is_err() || status < 100 {
                return Err(format!("status {status} is not an HTTP status"));
            }
        }
        if !self.headers.is_empty() && self.status.is_none() {
            return Err("headers go with a status (they are the injected answer's)".into());
        }
        for (name, value) in &self.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || http::HeaderValue::from_str(value).is_err()
            {
                return Err(format!("{name}: {value:?} is not an HTTP header"));
            }
        }
        if self.times == Some(0) {
            return Err("times must be at least 1 (leave it out for until cleared)".into());
        }
        Ok(())
    }

    /// A fault without a method matches every method but `OPTIONS`: a browser's CORS
    /// preflight is not the call the test meant to break (faulting it would stop the page
    /// from ever sending the call). Name `OPTIONS` to fault preflights.
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = match self.method.as_deref() {
            Some(m) => m.eq_ignore_ascii_case(method),
            None => !method.eq_ignore_ascii_case("OPTIONS"),
        };
        method_matches && glob(&self.path, path)
    }
}

/// `*` matches any run of characters; everything else literally.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first)
        || !text[first.len()..].ends_with(last)
        || text.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// An active fault.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Requests it still applies to (absent: until cleared).
    pub remaining: Option<u32>,
    /// Requests it has applied to so far.
    pub applied: u32,
}

/// The active faults; the first match wins.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Fault>)>,
    /// How many faults are active, kept with every change: every widget request asks for
    /// its fault, and almost always there is none, which this answers without the lock.
    active: AtomicUsize,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, (u64, Vec<Fault>)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Publishes the count of the faults behind `guard`, which is still held.
    fn counted(&self, guard: &MutexGuard<'_, (u64, Vec<Fault>)>) {
        self.active.store(guard.1.len(), Ordering::Release);
    }

    pub fn add(&self, spec: FaultSpec) -> Fault {
        let mut guard = self.lock();
        guard.0 += 1;
        let fault = Fault {
            id: guard.0,
            remaining: spec.times,
            spec,
            applied: 0,
        };
        guard.1.push(fault.clone());
        self.counted(&guard);
        fault
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().1.clone()
    }

    /// Removes one fault; false when there was none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut guard = self.lock();
        let before = guard.1.len();
        guard.1.retain(|f| f.id != id);
        self.counted(&guard);
        guard.1.len() != before
    }

    pub fn clear(&self) {
        let mut guard = self.lock();
        guard.1.clear();
        self.counted(&guard);
    }

    /// The fault for this request, counting it as applied (and retiring used-up faults).
    pub fn take(&self, method: &str, path: &str) -> Option<FaultSpec> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut guard = self.lock();
        let faults = &mut guard.1;
        let index = faults.iter().position(|f| f.spec.matches(method, path))?;
        let fault = &mut faults[index];
        fault.applied += 1;
        let spec = fault.spec.clone();
        if let Some(remaining) = fault.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                faults.remove(index);
            }
        }
        self.counted(&guard);
        Some(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_without_a_method_leaves_cors_preflights_alone() {
        let any = spec("/api/widget/*", None);
        assert!(any.matches("GET", "/api/widget/search/solutions"));
        assert!(!any.matches("OPTIONS", "/api/widget/search/solutions"));
        let preflight = FaultSpec {
            method: Some("OPTIONS".into()),
            ..spec("/api/widget/*", None)
        };
        assert!(preflight.matches("options", "/api/widget/search/solutions"));
    }

    fn spec(path: &str, times: Option<u32>) -> FaultSpec {
        FaultSpec {
            path: path.into(),
            method: None,
            latency_ms: None,
            status: Some(503),
            body: None,
            headers: BTreeMap::new(),
            drop: false,
            times,
        }
    }

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob("/api/widget/search/*", "/api/widget/search/solutions"));
        assert!(glob("*", "/anything"));
        assert!(glob("/api/*/article/*", "/api/widget/solutions/article/12"));
        assert!(!glob("/api/widget/search/*", "/api/widget/bootstrap"));
        assert!(glob("/exact", "/exact") && !glob("/exact", "/exact/no"));
    }

    #[test]
    fn a_counted_fault_retires_after_its_requests() {
        let faults = Faults::default();
        faults.add(spec("/a*", Some(2)));
        assert!(faults.take("GET", "/ab").is_some());
        assert!(faults.take("GET", "/ab").is_some());
        assert!(faults.take("GET", "/ab").is_none());
        assert!(faults.list().is_empty());
    }
}
