//! Answers of the board reads kept for the next reader: the plan as it stood,
//! the changes between two instants and the summary. Boards read the same
//! paper many times, and each answer costs milliseconds of reading history.
//!
//! An entry is used only when it cannot have changed since it was made:
//! - an answer about instants far enough in the past ([`SETTLED`]) never
//!   changes, as history is only appended to;
//! - a live summary is keyed by the change feed's last seq and the day (overdue
//!   is judged on it), so any write anywhere, or midnight, makes a new key.
//!
//! Access is checked before the cache is asked, on every request.

use std::sync::Arc;

use actix_web::HttpResponse;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use moka::sync::Cache;
use serde::Serialize;

use crate::error::ApiError;

/// How long after an instant its history is taken as settled: far longer than
/// any write's transaction, so no commit can still add an event stamped before it.
pub const SETTLED: Duration = Duration::minutes(5);

/// The most memory the kept answers take.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// Kept JSON answers, by a key naming the read and everything it depends on.
#[derive(Clone)]
pub struct ReportCache(Cache<String, Arc<Vec<u8>>>);

impl Default for ReportCache {
    fn default() -> Self {
        ReportCache(
            Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|key: &String, body: &Arc<Vec<u8>>| {
                    u32::try_from(key.len() + body.len()).unwrap_or(u32::MAX)
                })
                .build(),
        )
    }
}

impl ReportCache {
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        self.0.get(key)
    }

    pub fn put(&self, key: String, body: Vec<u8>) -> Arc<Vec<u8>> {
        let body = Arc::new(body);
        self.0.insert(key, body.clone());
        body
    }
}

/// Whether an answer about `at` is settled now.
pub fn settled(at: DateTime<Utc>) -> bool {
    at <= Utc::now() - SETTLED
}

/// An instant as a key part: to the microsecond, as the store keeps it.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A 200 with a JSON body already serialized.
pub fn answer(body: &[u8]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body.to_vec())
}

/// Serializes `view` for the answer, keeping it under `key` when given.
pub fn keep<T: Serialize>(
    cache: &ReportCache,
    key: Option<String>,
    view: &T,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(view).map_err(|e| ApiError::Internal(e.to_string()))?;
    let response = answer(&body);
    if let Some(key) = key {
        cache.put(key, body);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_instants_older_than_any_transaction_are_settled() {
        assert!(settled(Utc::now() - SETTLED - Duration::seconds(1)));
        assert!(!settled(Utc::now() - Duration::seconds(30)));
        assert!(!settled(Utc::now() + Duration::hours(1)));
    }

    #[test]
    fn a_kept_answer_is_given_back_under_its_key_only() {
        let cache = ReportCache::default();
        cache.put("summary|a|seq 7".into(), b"{}".to_vec());
        assert_eq!(
            cache.get("summary|a|seq 7").as_deref(),
            Some(&b"{}".to_vec())
        );
        assert!(cache.get("summary|a|seq 8").is_none());
    }
}
