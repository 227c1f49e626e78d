//! When to try a failed delivery again: exponential backoff with jitter, no
//! sooner than the receiver's `Retry-After`, until the delivery's retry window
//! (at least a day) runs out.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};

/// How retries are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// No wait grows beyond this.
    pub cap: Duration,
}

/// Each wait is four times the one before: 5 s, 20 s, 80 s, 5 min, 21 min, 85 min,
/// 5.7 h with the default base, then the cap.
const FACTOR: u32 = 4;
/// The longest `Retry-After` obeyed; a receiver asking for more gets this.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

impl Backoff {
    /// The wait after `failures` failed attempts (1 or more). `unit` in [0, 1)
    /// picks the jitter: the wait falls between half and all of the full step,
    /// so receivers that failed together do not all come back at once.
    pub fn wait(&self, failures: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
        let steps = failures.saturating_sub(1).min(16);
        let full = self
            .base
            .saturating_mul(FACTOR.saturating_pow(steps))
            .min(self.cap);
        let jittered = full.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0));
        match retry_after {
            Some(asked) => jittered.max(asked.min(LONGEST_RETRY_AFTER)),
            None => jittered,
        }
    }
}

/// A random number in [0, 1) for the jitter.
pub fn jitter() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Reads `Retry-After`: delay seconds, or an HTTP date.
pub fn retry_after(value: &str, now: NaiveDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    (at.naive_utc() - now).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Backoff = Backoff {
        base: Duration::from_secs(5),
        cap: Duration::from_secs(6 * 3600),
    };

    #[test]
    fn waits_grow_fourfold_up_to_the_cap_with_jitter_in_the_upper_half() {
        assert_eq!(DEFAULT.wait(1, 0.999_999, None).as_secs(), 4);
        assert_eq!(DEFAULT.wait(1, 0.0, None), Duration::from_millis(2500));
        assert_eq!(DEFAULT.wait(2, 0.0, None), Duration::from_secs(10));
        assert_eq!(DEFAULT.wait(4, 0.0, None), Duration::from_secs(160));
        assert_eq!(DEFAULT.wait(8, 0.0, None), Duration::from_secs(3 * 3600));
        assert_eq!(DEFAULT.wait(40, 0.0, None), Duration::from_secs(3 * 3600));
        let unit = jitter();
        assert!((0.0..1.0).contains(&unit));
    }

    #[test]
    fn retry_after_is_obeyed_as_seconds_or_a_date_within_a_day() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Tue, 24 Nov 2026 10:05:00 GMT", now),
            Some(Duration::from_secs(300))
        );
        assert_eq!(retry_after("soon", now), None);
        let asked = Some(Duration::from_secs(600));
        assert_eq!(DEFAULT.wait(1, 0.0, asked), Duration::from_secs(600));
        let too_long = Some(Duration::from_secs(7 * 24 * 3600));
        assert_eq!(
            DEFAULT.wait(1, 0.0, too_long),
            Duration::from_secs(24 * 3600)
        );
    }
}
