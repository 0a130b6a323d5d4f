//! Time is injected: logic asks a [`Clock`], tests use a [`FakeClock`].

use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::Mutex;

/// The source of "now" for every rule that depends on time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, truncated to microseconds so that it survives a
    /// round trip through either database unchanged.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FakeClock(Mutex<DateTime<Utc>>);

impl FakeClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start.trunc_subsecs(6)))
    }
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
    pub fn set(&self, to: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = to.trunc_subsecs(6);
        }
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fake_clock_moves_only_when_told() {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 29, 0, 30, 0)
            .single()
            .unwrap_or_default();
        let c = FakeClock::new(start);
        assert_eq!(c.now(), start);
        c.advance(Duration::minutes(31));
        assert_eq!(c.now(), start + Duration::minutes(31));
    }
}
