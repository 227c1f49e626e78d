//! Per-caller rate limiting: each token subject, or each address for callers
//! without a token, gets `per_minute` requests a minute (GCRA, from the
//! `governor` crate), with up to a minute's worth at once. Beyond that a
//! request answers 429 with `Retry-After`. Every answer carries the IETF
//! draft's `RateLimit-Policy` and `RateLimit` headers, so a well-behaved
//! client slows down before it is refused. Limits are per process.

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use actix_web::{
    body::BoxBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    web, HttpMessage,
};
use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};

use crate::{auth::Caller, error::ApiError};

pub const POLICY_HEADER: &str = "ratelimit-policy";
pub const STATE_HEADER: &str = "ratelimit";
/// The policy's name in the headers.
const POLICY: &str = "per-caller";
/// Forget idle callers every this many requests, so the table stays small.
const SWEEP_EVERY: u64 = 10_000;

pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<String, StateInformationMiddleware>,
    per_minute: u32,
    clock: DefaultClock,
    seen: AtomicU64,
}

/// The caller's standing after a request was let through or refused.
struct Standing {
    remaining: u32,
    /// Seconds until the next request would be let through (0 while any remain).
    reset: u64,
}

impl RateLimit {
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        let clock = DefaultClock::default();
        let quota = Quota::per_minute(per_minute);
        RateLimit {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            per_minute: per_minute.get(),
            clock,
            seen: AtomicU64::new(0),
        }
    }

    fn check(&self, key: &String) -> Result<Standing, Standing> {
        if self.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(key) {
            Ok(state) => Ok(Standing {
                remaining: state.remaining_burst_capacity(),
                reset: 0,
            }),
            Err(refused) => {
                let wait = refused.wait_time_from(self.clock.now());
                Err(Standing {
                    remaining: 0,
                    reset: whole_seconds(wait),
                })
            }
        }
    }

    /// Sets the `RateLimit-Policy` and `RateLimit` headers.
    fn mark(&self, standing: &Standing, headers: &mut HeaderMap) {
        let policy = format!("\"{POLICY}\";q={};w=60", self.per_minute);
        let state = format!("\"{POLICY}\";r={};t={}", standing.remaining, standing.reset);
        for (name, value) in [(POLICY_HEADER, policy), (STATE_HEADER, state)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
}

/// Rounded up, so that a client waiting `Retry-After` seconds is let through.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// Who is counted: the token's subject, else the address the request came from.
fn key_of(req: &ServiceRequest) -> String {
    if let Some(Caller::Authenticated(who)) = req.extensions().get::<Caller>() {
        return format!("sub:{}", who.subject);
    }
    let address = req.peer_addr().map(|a| a.ip().to_string());
    format!("addr:{}", address.unwrap_or_default())
}

/// The middleware of every route, inside the access check (which names the
/// caller); a no-op when rate limiting is off.
pub async fn limit(
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(limits) = req.app_data::<web::Data<RateLimit>>().cloned() else {
        return next.call(req).await;
    };
    let key = key_of(&req);
    match limits.check(&key) {
        Ok(standing) => {
            let mut response = next.call(req).await?;
            limits.mark(&standing, response.headers_mut());
            Ok(response)
        }
        Err(standing) => {
            let refusal = ApiError::TooManyRequests {
                per_minute: limits.per_minute,
                retry_after: standing.reset.max(1),
            };
            let mut response = req.error_response(refusal);
            limits.mark(&standing, response.headers_mut());
            Ok(response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_gets_its_quota_then_a_wait() {
        let limits = RateLimit::per_minute(NonZeroU32::new(3).unwrap());
        let key = "sub:a".to_string();
        let remaining: Vec<u32> = (0..3)
            .map(|_| limits.check(&key).map(|s| s.remaining).unwrap_or(99))
            .collect();
        assert_eq!(remaining, vec![2, 1, 0]);
        let refused = limits.check(&key).err().expect("the fourth is refused");
        assert!((1..=20).contains(&refused.reset), "{}", refused.reset);
        assert!(
            limits.check(&"sub:b".to_string()).is_ok(),
            "another caller is its own"
        );
    }
}
