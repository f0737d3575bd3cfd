//! The one clock. Every lifetime decision in the mock (codes, access tokens, refresh
//! tokens) and every "is this token still valid" judgement in the harness reads
//! `Clock::now()`. This file is the only place in the crate that reads the system time,
//! so a manual clock really controls everything.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in whole seconds, either the system's or a manual one that only moves
/// when told to. Cloning shares the same time source.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(AtomicI64),
}

/// Why a clock refused to move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// Only a manual clock can be moved; the system clock belongs to the machine.
    #[error("the system clock cannot be moved; start the mock with --control for a manual clock")]
    NotManual,
    /// The requested time is outside the range a JWT `exp` can carry.
    #[error("time {0} is out of range (0 ..= 253402300799)")]
    OutOfRange(i64),
}

/// The latest time a JWT NumericDate comfortably carries (9999-12-31T23:59:59Z).
const MAX_TIME: i64 = 253_402_300_799;

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Clock {
    /// The machine's clock, for live servers and a mock served without `--control`.
    pub fn system() -> Self {
        Clock(Arc::new(Source::System))
    }

    /// A manual clock standing at `start`.
    pub fn manual(start: i64) -> Self {
        Clock(Arc::new(Source::Manual(AtomicI64::new(start))))
    }

    /// A manual clock that starts at the machine's current time, so tokens it stamps
    /// are also valid for libraries that check `exp` against real time.
    pub fn manual_from_system() -> Self {
        Self::manual(system_now())
    }

    /// Whether `advance` and `set` work.
    pub fn is_manual(&self) -> bool {
        matches!(*self.0, Source::Manual(_))
    }

    /// Current unix time in seconds.
    pub fn now(&self) -> i64 {
        match &*self.0 {
            Source::System => system_now(),
            Source::Manual(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Moves a manual clock forward (or back, for a negative value); answers the new time.
    pub fn advance(&self, seconds: i64) -> Result<i64, ClockError> {
        let Source::Manual(t) = &*self.0 else {
            return Err(ClockError::NotManual);
        };
        let mut current = t.load(Ordering::SeqCst);
        loop {
            let next = current
                .checked_add(seconds)
                .filter(|n| (0..=MAX_TIME).contains(n))
                .ok_or(ClockError::OutOfRange(current.saturating_add(seconds)))?;
            match t.compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => return Ok(next),
                Err(actual) => current = actual,
            }
        }
    }

    /// Puts a manual clock at `time`.
    pub fn set(&self, time: i64) -> Result<i64, ClockError> {
        let Source::Manual(t) = &*self.0 else {
            return Err(ClockError::NotManual);
        };
        if !(0..=MAX_TIME).contains(&time) {
            return Err(ClockError::OutOfRange(time));
        }
        t.store(time, Ordering::SeqCst);
        Ok(time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now(), 1_000);
        assert_eq!(clock.advance(7_201), Ok(8_201));
        assert_eq!(clock.clone().now(), 8_201, "clones share one time");
        assert_eq!(clock.set(5), Ok(5));
        assert_eq!(clock.advance(-6), Err(ClockError::OutOfRange(-1)));
        assert_eq!(clock.now(), 5, "a refused move leaves the time alone");
    }

    #[test]
    fn system_clock_refuses_to_move() {
        let clock = Clock::system();
        assert!(!clock.is_manual());
        assert_eq!(clock.advance(1), Err(ClockError::NotManual));
        assert_eq!(clock.set(1), Err(ClockError::NotManual));
        assert!(clock.now() > 1_700_000_000);
    }
}
