//! What the HTTP side asks of the running server: its event stream, request log and
//! faults, the perimeter (`Host`s, the control token), limits and the rate allowance.

use std::sync::atomic::Ordering;

use super::{AppState, StartError, Timeouts};
use crate::state::answers::Answers;
use crate::state::events::EventBus;
use crate::state::faults::Faults;
use crate::state::rate::Rate;
use crate::state::request_log::RequestLog;
use crate::state::store::StoreError;

impl AppState {
    /// Caps the state store at about `bytes`: writes past it answer 507, as on a full disk
    /// (see [`Store::limit`]).
    pub fn limit_store(&self, bytes: u64) -> Result<(), StoreError> {
        self.inner.store.limit(bytes)
    }

    /// Search answers already rendered, for the catalog they were rendered from.
    pub fn answers(&self) -> &Answers {
        &self.inner.answers
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.events
    }

    pub fn requests(&self) -> &RequestLog {
        &self.inner.requests
    }

    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    pub fn control_token(&self) -> Option<&str> {
        self.inner.control_token.as_deref()
    }

    /// Called by the server once it knows its address: listening on loopback turns the
    /// `Host` check on; listening beyond it needs a control token unless the configuration
    /// says `insecure_control` (then it warns).
    pub fn listening_on(&self, addr: std::net::SocketAddr) -> Result<(), StartError> {
        let loopback = addr.ip().is_loopback();
        if !loopback && self.inner.control_token.is_none() {
            if !self.inner.insecure_control {
                return Err(StartError::ExposedControl(addr));
            }
            tracing::warn!(
                "listening on {addr} with no control token (--insecure-control): anyone who \
                 can reach this address can read the widget secret, mint tokens and reset \
                 the server"
            );
        }
        self.inner
            .hosts
            .loopback_only
            .store(loopback, Ordering::Relaxed);
        Ok(())
    }

    /// Whether only loopback `Host`s (and the allowed names) are served.
    pub fn loopback_only(&self) -> bool {
        self.inner.hosts.loopback_only.load(Ordering::Relaxed)
    }

    /// The `--allow-host` names.
    pub fn allowed_hosts(&self) -> &[String] {
        &self.inner.hosts.allowed
    }

    /// The largest fixture set taken over HTTP, in bytes.
    pub fn max_fixtures_body(&self) -> usize {
        self.inner.max_fixtures_body
    }

    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// Counts a widget call against the minute's allowance (see [`rate`]).
    pub fn take_rate(&self) -> Rate {
        self.inner.rate.take(self.clock().now_ms())
    }
}
