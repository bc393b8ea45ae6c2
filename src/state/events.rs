//! What happens inside the server, as a stream: requests served, clock changes, secret
//! rotations, resets, tickets and votes. The control plane's event stream, its waits and the
//! widget's live sync read it.

use serde::Serialize;
use tokio::sync::broadcast;

use crate::domain::clock::{format_timestamp, Clock, Millis};
use crate::state::request_log::LogEntry;

/// How many events a slow subscriber may fall behind before it misses some.
const BUS_CAPACITY: usize = 1024;

/// The clock as the control plane and the widget see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockInfo {
    /// `2026-01-01T00:00:00Z`
    pub now: String,
    pub now_ms: Millis,
    pub frozen: bool,
}

impl ClockInfo {
    pub fn read(clock: &Clock) -> ClockInfo {
        let now_ms = clock.now_ms();
        ClockInfo {
            now: format_timestamp(now_ms.div_euclid(1000)),
            now_ms,
            frozen: clock.is_frozen(),
        }
    }
}

/// One thing that happened.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Request(Box<LogEntry>),
    Clock(ClockInfo),
    /// The widget secret was replaced: every token signed with the old one now fails.
    Secret {
        rotated_at_ms: Millis,
    },
    /// Back to the fixtures: tickets, votes, users, secret and clock restored.
    Reset,
    /// A new fixture set was loaded.
    Fixtures,
    /// A changed fixture folder (`--watch`) was not loaded: the old set stays, and why.
    FixturesRefused {
        reason: String,
    },
    /// The contact form created a ticket (durable when this is published).
    Ticket {
        id: u64,
    },
    /// A customer's or an anonymous vote was recorded.
    Vote {
        article_id: u64,
    },
    /// The agent API changed the knowledge base or the companies (durable, and searchable,
    /// when this is published): `kind` is `category`, `folder`, `article` or `company`.
    Knowledge {
        kind: &'static str,
        id: u64,
        deleted: bool,
        by: String,
    },
}

impl Event {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Request(_) => "request",
            Event::Clock(_) => "clock",
            Event::Secret { .. } => "secret",
            Event::Reset => "reset",
            Event::Fixtures => "fixtures",
            Event::FixturesRefused { .. } => "fixtures_refused",
            Event::Ticket { .. } => "ticket",
            Event::Vote { .. } => "vote",
            Event::Knowledge { .. } => "knowledge",
        }
    }

    /// Does the widget need to hear of it (clock, secret, reset)?
    pub fn concerns_widget(&self) -> bool {
        matches!(
            self,
            Event::Clock(_) | Event::Secret { .. } | Event::Reset | Event::Fixtures
        )
    }
}

/// Fan-out of events to any number of listeners; publishing never blocks.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            sender: broadcast::channel(BUS_CAPACITY).0,
        }
    }
}

impl EventBus {
    pub fn publish(&self, event: Event) {
        // No listener is not an error.
        let _ = self.sender.send(event);
    }

    /// Whether anyone listens now (building an event nobody hears is wasted work).
    pub fn is_listened(&self) -> bool {
        self.sender.receiver_count() > 0
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
