//! Representations of single resources kept for the next reader: a partner
//! system polls the same actions and measures again and again, and each GET
//! read half a dozen tables and built the JSON anew.
//!
//! An entry is the JSON as served, with its version, the change-feed seq read
//! before the record and the day (an action's `overdue` is judged on it). It
//! serves while no write has committed since that seq and the day is the same:
//! a representation draws on other resources too (its leads' names, its newest
//! status update), so any write anywhere retires every entry. This process's
//! own writes retire them as they commit; another process's writes on the same
//! database are seen when the feed is next read (`Store::follow_feed`, every
//! 100 ms). Only token holders are served from here: they read everything,
//! while an anonymous reader's access depends on the plan as stored.

use std::sync::Arc;

use actix_web::{http::header, web::Bytes, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use moka::sync::Cache;

use super::conditional::{etag, not_modified};
use crate::{db::Store, domain::ResourceType};

/// The most memory the kept representations take.
const CAPACITY_BYTES: u64 = 8 * 1024 * 1024;

pub struct Kept {
    pub version: i64,
    seq: i64,
    day: NaiveDate,
    body: Bytes,
}

#[derive(Clone)]
pub struct ViewCache(Cache<(ResourceType, String), Arc<Kept>>);

impl Default for ViewCache {
    fn default() -> Self {
        ViewCache(
            Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|(_, id): &(ResourceType, String), kept: &Arc<Kept>| {
                    u32::try_from(id.len() + kept.body.len()).unwrap_or(u32::MAX)
                })
                .build(),
        )
    }
}

impl ViewCache {
    /// The kept representation, if nothing has been written since it was read.
    pub fn get(&self, store: &Store, kind: ResourceType, id: &str) -> Option<Arc<Kept>> {
        let kept = self.0.get(&(kind, id.to_string()))?;
        (kept.seq == store.feed_position() && kept.day == today()).then_some(kept)
    }

    /// Keeps `body`, read when the feed stood at `seq`, and returns it.
    pub fn put(
        &self,
        kind: ResourceType,
        id: String,
        version: i64,
        seq: i64,
        body: Vec<u8>,
    ) -> Arc<Kept> {
        let kept = Arc::new(Kept {
            version,
            seq,
            day: today(),
            body: Bytes::from(body),
        });
        self.0.insert((kind, id), kept.clone());
        kept
    }
}

/// 304 when `If-None-Match` names the kept version, else 200 with it.
pub fn answer(req: &HttpRequest, kept: &Kept) -> HttpResponse {
    not_modified(req, kept.version).unwrap_or_else(|| {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag(kept.version)))
            .content_type(mime_json())
            .body(kept.body.clone())
    })
}

fn mime_json() -> header::ContentType {
    header::ContentType::json()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}
