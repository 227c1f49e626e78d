//! Answers kept for the next reader: single resources, and pages of the lists
//! partners poll ("our overdue actions"). A partner system reads the same ones
//! again and again, and each read went to half a dozen tables and built the
//! JSON anew.
//!
//! An entry is the JSON as served, with its version (a resource's ETag) or its
//! next page's link (a list's), the change-feed seq read before the rows and
//! the day (an action's `overdue` is judged on it). It serves while no write
//! has committed since that seq and the day is the same: a representation
//! draws on other resources too (its leads' names, its newest status update),
//! so any write anywhere retires every entry. This process's own writes retire
//! them as they commit; another process's writes on the same database are seen
//! when the feed is next read (`Store::follow_feed`, every 100 ms). Only token
//! holders are served from here: they read everything, while an anonymous
//! reader's access depends on the plan as stored. `WAYMARK_READ_CACHE_MB` sets
//! the memory they may take (8 MiB by default; 0 keeps none).

use std::sync::Arc;

use actix_web::{http::header, web::Bytes, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use moka::sync::Cache;

use super::conditional::{etag, not_modified};
use crate::{db::Store, domain::ResourceType};

pub struct Kept {
    /// A resource's version, its ETag.
    version: Option<i64>,
    /// A list page's `Link` to the next page.
    link: Option<String>,
    seq: i64,
    day: NaiveDate,
    body: Bytes,
}

/// Kept answers by key: `action/ID` for a resource, the request's path and
/// query for a list page (which starts with `/`).
#[derive(Clone)]
pub struct ViewCache(Cache<String, Arc<Kept>>);

impl ViewCache {
    /// Keeps answers in at most `mib` MiB.
    pub fn new(mib: u64) -> Self {
        ViewCache(
            Cache::builder()
                .max_capacity(mib * 1024 * 1024)
                .weigher(|key: &String, kept: &Arc<Kept>| {
                    u32::try_from(key.len() + kept.body.len()).unwrap_or(u32::MAX)
                })
                .build(),
        )
    }
}

/// The key of one resource's representation.
pub fn resource_key(kind: ResourceType, id: &str) -> String {
    format!("{}/{id}", kind.as_str())
}

/// The key of a list page: the request's path and query.
pub fn list_key(req: &HttpRequest) -> String {
    req.uri()
        .path_and_query()
        .map_or_else(|| req.path().to_string(), ToString::to_string)
}

impl ViewCache {
    /// The kept answer, if nothing has been written since it was read.
    pub fn get(&self, store: &Store, key: &str) -> Option<Arc<Kept>> {
        let kept = self.0.get(key)?;
        (kept.seq == store.feed_position() && kept.day == today()).then_some(kept)
    }

    /// Keeps a resource's `body` at `version`, read when the feed stood at `seq`.
    pub fn put(&self, key: String, version: i64, seq: i64, body: Vec<u8>) -> Arc<Kept> {
        self.keep(key, Some(version), None, seq, body)
    }

    /// Keeps a list page's `body` and the link to its next page.
    pub fn put_page(
        &self,
        key: String,
        link: Option<String>,
        seq: i64,
        body: Vec<u8>,
    ) -> Arc<Kept> {
        self.keep(key, None, link, seq, body)
    }

    fn keep(
        &self,
        key: String,
        version: Option<i64>,
        link: Option<String>,
        seq: i64,
        body: Vec<u8>,
    ) -> Arc<Kept> {
        let kept = Arc::new(Kept {
            version,
            link,
            seq,
            day: today(),
            body: Bytes::from(body),
        });
        self.0.insert(key, kept.clone());
        kept
    }
}

/// A resource: 304 when `If-None-Match` names the kept version, else 200 with
/// it and its ETag. A list page: 200 with its `Link` to the next.
pub fn answer(req: &HttpRequest, kept: &Kept) -> HttpResponse {
    if let Some(unchanged) = kept.version.and_then(|v| not_modified(req, v)) {
        return unchanged;
    }
    let mut response = HttpResponse::Ok();
    if let Some(version) = kept.version {
        response.insert_header((header::ETAG, etag(version)));
    }
    if let Some(link) = &kept.link {
        response.insert_header((header::LINK, link.as_str()));
    }
    response
        .content_type(header::ContentType::json())
        .body(kept.body.clone())
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}
