//! Freshdesk's rate limit on the widget API: 500 calls a minute per account
//! (`widget_api_throttler.rb`), shown on every answer in `X-RateLimit-*` headers. freshmock
//! counts always, so the headers move as Freshdesk's do, and refuses over the limit (429 with
//! `Retry-After`) only when told to (`--rate-limit`), so that a test can check its back-off
//! without every other test having to count its calls. The window is a minute of the
//! server's clock: a test moves the clock on instead of waiting.

use std::sync::atomic::{AtomicU64, Ordering};

/// Freshdesk's limit for the widget API, calls per minute per account.
pub const FRESHDESK_LIMIT: u32 = 500;

/// What one call used of the minute's allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// Counted: the limit and what is left of it after this call.
    Counted { total: u32, remaining: u32 },
    /// Over the limit while it is enforced: try again in this many seconds.
    Exceeded { total: u32, retry_after: u64 },
}

/// The calls of the current minute, packed with the minute in one word so that counting
/// takes no lock on the widget's hottest path.
#[derive(Debug)]
pub struct RateLimit {
    total: u32,
    enforced: bool,
    /// `minute << 32 | used`.
    window: AtomicU64,
}

impl RateLimit {
    /// `enforce`: the limit refused over, or `None` for counting at Freshdesk's limit only.
    pub fn new(enforce: Option<u32>) -> RateLimit {
        RateLimit {
            total: enforce.unwrap_or(FRESHDESK_LIMIT),
            enforced: enforce.is_some(),
            window: AtomicU64::new(0),
        }
    }

    /// Counts one call at `now_ms` (the server's clock).
    pub fn take(&self, now_ms: i64) -> Rate {
        let minute = now_ms.div_euclid(60_000).max(0) as u64 & 0xffff_ffff;
        let mut current = self.window.load(Ordering::Relaxed);
        let used = loop {
            let (window, used) = (current >> 32, current & 0xffff_ffff);
            let used = if window == minute {
                (used + 1).min(u64::from(u32::MAX))
            } else {
                1
            };
            match self.window.compare_exchange_weak(
                current,
                (minute << 32) | used,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break used,
                Err(seen) => current = seen,
            }
        };
        let total = u64::from(self.total);
        if self.enforced && used > total {
            let into_minute = now_ms.rem_euclid(60_000) as u64;
            return Rate::Exceeded {
                total: self.total,
                retry_after: (60_000 - into_minute).div_ceil(1000).max(1),
            };
        }
        Rate::Counted {
            total: self.total,
            remaining: total.saturating_sub(used) as u32,
        }
    }

    /// Forgets the minute's calls (on reset).
    pub fn clear(&self) {
        self.window.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_alone_never_refuses() {
        let rate = RateLimit::new(None);
        for _ in 0..600 {
            assert!(matches!(rate.take(0), Rate::Counted { .. }));
        }
        assert_eq!(
            rate.take(0),
            Rate::Counted {
                total: 500,
                remaining: 0
            }
        );
    }

    #[test]
    fn an_enforced_limit_refuses_until_the_next_minute_of_the_servers_clock() {
        let rate = RateLimit::new(Some(2));
        assert_eq!(
            rate.take(90_000),
            Rate::Counted {
                total: 2,
                remaining: 1
            }
        );
        assert!(matches!(
            rate.take(90_000),
            Rate::Counted { remaining: 0, .. }
        ));
        assert_eq!(
            rate.take(90_500),
            Rate::Exceeded {
                total: 2,
                retry_after: 30
            }
        );
        assert!(matches!(
            rate.take(120_000),
            Rate::Counted { remaining: 1, .. }
        ));
    }
}
