//! A resource's history: reading it as it was at a time, and listing its
//! stored versions.

use actix_web::{http::header, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Resource;
use crate::{
    api::conditional::with_etag,
    db::{
        history::{self, RevisionRow},
        Store,
    },
    domain::change::Operation,
    error::ApiError,
};

/// Reading a resource as it was.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Return the version that was current at this time (RFC 3339), e.g. `2026-01-31T17:00:00Z`.
    pub as_of: Option<DateTime<Utc>>,
}

/// A stored version of a resource.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "resource_type": "organisation",
    "version": 2,
    "operation": "update",
    "actor": "mkcc-admin",
    "actor_organisation": "MKCC",
    "at": "2026-11-23T10:05:00Z",
    "seq": 118,
    "snapshot": {"id": "019ab3c4-5e6f-7a00-8b00-0000000000a1", "code": "MKCC", "name": "Milton Keynes City Council", "kind": "local_authority", "version": 2}
}))]
pub struct Revision {
    /// What kind of resource `snapshot` is, e.g. `action`.
    pub resource_type: String,
    pub version: i64,
    pub operation: Operation,
    /// Who wrote it: the subject (`sub`) of the writer's token.
    pub actor: String,
    /// The organisation the writer's token named, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_organisation: Option<String>,
    pub at: DateTime<Utc>,
    /// Its event's position in the change feed.
    pub seq: i64,
    /// The whole representation as written (for a delete: as it was when
    /// deleted), of the schema `resource_type` names.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
}

impl From<RevisionRow> for Revision {
    fn from(row: RevisionRow) -> Self {
        Revision {
            resource_type: row.resource_type,
            version: row.version,
            operation: row.operation,
            actor: row.actor,
            actor_organisation: row.actor_organisation,
            at: row.at.and_utc(),
            seq: row.seq,
            snapshot: serde_json::from_str(&row.snapshot).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A page of a resource's versions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionPage {
    pub items: Vec<Revision>,
    /// The URL of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Paging through versions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionPageQuery {
    /// Versions after this one; 0 (the default) starts at the first.
    #[param(minimum = 0, default = 0)]
    pub after: Option<i64>,
    /// Items per page, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
}

/// The version current at `at`, as its ETag and representation.
pub(super) async fn find_as_of<R: Resource>(
    store: &Store,
    id: String,
    at: DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    let lookup = id.clone();
    let found = store
        .read(move |conn| history::as_of(conn, R::TYPE, &lookup, at.naive_utc()))
        .await?;
    match found {
        None => Err(ApiError::not_found(R::NAME, id)),
        Some(row) if row.operation == Operation::Delete => Err(ApiError::Gone {
            resource: R::NAME,
            id,
        }),
        Some(row) => {
            let revision = Revision::from(row);
            Ok(with_etag(
                HttpResponse::Ok(),
                revision.version,
                &revision.snapshot,
            ))
        }
    }
}

/// The versions of a resource, live or deleted.
pub async fn versions<R: Resource>(
    req: &HttpRequest,
    store: &Store,
    id: String,
    page: VersionPageQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) || page.after.is_some_and(|a| a < 0) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be 1 to 200 and after at least 0",
        ));
    }
    let after = page.after.unwrap_or(0);
    let lookup = id.clone();
    let mut rows = store
        .read(move |conn| history::revisions_of(conn, R::TYPE, &lookup, after, limit))
        .await?;
    if rows.is_empty() && after == 0 {
        return Err(ApiError::not_found(R::NAME, id));
    }
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(format!(
            "{}?after={}&limit={limit}",
            req.path(),
            last.version
        )),
        _ => None,
    };
    let mut response = HttpResponse::Ok();
    if let Some(link) = &next {
        response.insert_header((header::LINK, format!("<{link}>; rel=\"next\"")));
    }
    Ok(response.json(RevisionPage {
        items: rows.into_iter().map(Revision::from).collect(),
        next,
    }))
}

/// One version of a resource.
pub async fn version<R: Resource>(
    store: &Store,
    id: String,
    version: i64,
) -> Result<HttpResponse, ApiError> {
    let lookup = id.clone();
    let row = store
        .read(move |conn| history::revision(conn, R::TYPE, &lookup, version))
        .await
        .map_err(ApiError::from_store(
            R::NAME,
            &format!("{id} version {version}"),
        ))?;
    let revision = Revision::from(row);
    Ok(with_etag(HttpResponse::Ok(), revision.version, &revision))
}
