//! The server's clock, and telling listeners when a control call moves it.

use super::AppState;
use crate::domain::clock::{Clock, Millis, OutOfRange};
use crate::state::events::{ClockInfo, Event};

impl AppState {
    pub(super) fn publish_clock(&self) {
        self.events()
            .publish(Event::Clock(ClockInfo::read(self.clock())));
    }

    /// Jumps the clock to `at` (epoch milliseconds) and tells listeners.
    pub fn set_clock(&self, at: Millis) -> Result<(), OutOfRange> {
        self.clock().set(at)?;
        self.publish_clock();
        Ok(())
    }

    /// Moves the clock by `by_ms` and tells listeners.
    pub fn advance_clock(&self, by_ms: i64) -> Result<(), OutOfRange> {
        self.clock().advance(by_ms)?;
        self.publish_clock();
        Ok(())
    }

    /// Freezes (`true`) or unfreezes the clock and tells listeners.
    pub fn freeze_clock(&self, frozen: bool) {
        if frozen {
            self.clock().freeze();
        } else {
            self.clock().unfreeze();
        }
        self.publish_clock();
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The server's time, in Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.clock().now_secs()
    }
}
