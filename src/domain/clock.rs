//! The one clock the whole server reads: system time, shifted or frozen on demand.
//!
//! Token expiry, the two-hour limit, timestamps and the widget's renewal all read this
//! clock, so tests can move time instead of waiting for it.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClockState {
    /// Added to system time while running.
    offset_ms: i64,
    /// When frozen, the time it reads.
    frozen_at: Option<Millis>,
}

/// A clock that can be frozen, set and advanced. Cheap to read from many threads.
#[derive(Debug)]
pub struct Clock {
    state: Mutex<ClockState>,
    initial: ClockState,
}

/// How the clock starts (`--now`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockStart {
    /// Real time.
    #[default]
    System,
    /// Frozen at this instant until set, advanced or unfrozen.
    Fixed(Millis),
    /// Real time shifted by this many milliseconds, running.
    Offset(i64),
}

impl ClockStart {
    /// Parses `--now`: an RFC 3339 instant (`2026-01-01T00:00:00Z`, frozen there), a
    /// signed duration (`+90m`, `-2h`: real time shifted, running) or `system`.
    pub fn parse(text: &str) -> Result<ClockStart, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("system") || text.is_empty() {
            return Ok(ClockStart::System);
        }
        if let Some((sign, rest)) = text
            .strip_prefix('+')
            .map(|r| (1, r))
            .or_else(|| text.strip_prefix('-').map(|r| (-1, r)))
        {
            let d = humantime::parse_duration(rest).map_err(|e| format!("'{text}': {e}"))?;
            return Ok(ClockStart::Offset(sign * d.as_millis() as i64));
        }
        parse_instant(text).map(ClockStart::Fixed)
    }
}

/// Parses an RFC 3339 instant to epoch milliseconds.
pub fn parse_instant(text: &str) -> Result<Millis, String> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as Millis)
        .map_err(|e| format!("'{text}' is not an RFC 3339 time such as 2026-01-01T00:00:00Z ({e})"))
}

fn system_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or_default()
}

impl Clock {
    pub fn new(start: ClockStart) -> Clock {
        let state = match start {
            ClockStart::System => ClockState {
                offset_ms: 0,
                frozen_at: None,
            },
            ClockStart::Fixed(at) => ClockState {
                offset_ms: 0,
                frozen_at: Some(at),
            },
            ClockStart::Offset(offset_ms) => ClockState {
                offset_ms,
                frozen_at: None,
            },
        };
        Clock {
            state: Mutex::new(state),
            initial: state,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Now, in milliseconds since the epoch.
    pub fn now_ms(&self) -> Millis {
        let s = *self.lock();
        s.frozen_at.unwrap_or_else(|| system_ms() + s.offset_ms)
    }

    /// Now, in whole Unix seconds (what JWT claims are compared with).
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn is_frozen(&self) -> bool {
        self.lock().frozen_at.is_some()
    }

    /// Jumps to `at`, staying frozen or running as before.
    pub fn set(&self, at: Millis) {
        let mut s = self.lock();
        match s.frozen_at {
            Some(_) => s.frozen_at = Some(at),
            None => s.offset_ms = at - system_ms(),
        }
    }

    /// Moves time forward (or back, for a negative amount).
    pub fn advance(&self, by_ms: i64) {
        let mut s = self.lock();
        s.offset_ms += by_ms;
        if let Some(at) = s.frozen_at.as_mut() {
            *at += by_ms;
        }
    }

    /// Stops time where it is.
    pub fn freeze(&self) {
        let mut s = self.lock();
        if s.frozen_at.is_none() {
            s.frozen_at = Some(system_ms() + s.offset_ms);
        }
    }

    /// Lets time run again from where it was frozen.
    pub fn unfreeze(&self) {
        let mut s = self.lock();
        if let Some(at) = s.frozen_at.take() {
            s.offset_ms = at - system_ms();
        }
    }

    /// Back to how the clock started.
    pub fn reset(&self) {
        *self.lock() = self.initial;
    }
}

/// Freshdesk's timestamp format: ISO-8601 UTC, whole seconds, `Z`.
pub fn format_timestamp(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| secs.to_string())
}

/// A fixture time in Freshdesk's form: the instant `text` names (RFC 3339, any offset,
/// any fraction), in UTC, whole seconds (a fraction is dropped), `Z`.
pub fn canonical_timestamp(text: &str) -> Result<String, String> {
    parse_instant(text).map(|ms| format_timestamp(ms.div_euclid(1000)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_stays_until_moved() {
        let at = parse_instant("2026-01-01T00:00:00Z").unwrap();
        let clock = Clock::new(ClockStart::Fixed(at));
        assert_eq!(clock.now_secs(), 1_767_225_600);
        clock.advance(61_000);
        assert_eq!(clock.now_secs(), 1_767_225_661);
        clock.reset();
        assert_eq!(clock.now_ms(), at);
    }

    #[test]
    fn offsets_parse_with_sign() {
        assert_eq!(
            ClockStart::parse("+90m").unwrap(),
            ClockStart::Offset(5_400_000)
        );
        assert_eq!(
            ClockStart::parse("-2h").unwrap(),
            ClockStart::Offset(-7_200_000)
        );
        assert!(ClockStart::parse("tomorrow").is_err());
    }

    #[test]
    fn timestamps_have_whole_seconds_and_z() {
        assert_eq!(format_timestamp(1_606_382_461), "2020-11-26T09:21:01Z");
    }

    #[test]
    fn fixture_times_come_out_in_utc_whole_seconds() {
        for (text, canonical) in [
            ("2026-09-14T08:12:30Z", "2026-09-14T08:12:30Z"),
            ("2026-09-14T10:12:30+02:00", "2026-09-14T08:12:30Z"),
            ("2026-09-14T08:12:30.999Z", "2026-09-14T08:12:30Z"),
            ("2026-09-14t08:12:30z", "2026-09-14T08:12:30Z"),
            ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(
                canonical_timestamp(text).as_deref(),
                Ok(canonical),
                "{text}"
            );
        }
        assert!(canonical_timestamp("yesterday").is_err());
    }
}
