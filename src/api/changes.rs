//! `/api/v1/changes`: the change feed. Follow it with `after` set to the last
//! `seq` seen; every version of every resource appears once, in commit order.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::ListErrors;
use crate::{
    db::{
        history::{self, EventRow, FeedFilter},
        Store,
    },
    domain::change::Operation,
    error::ApiError,
};

pub const MAX_LIMIT: i64 = 1000;

/// One write to one resource.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "seq": 118,
    "resource_type": "action",
    "resource_id": "019ab3c4-5e6f-7a00-8b00-000000000106",
    "version": 3,
    "operation": "update",
    "actor": "cnwl-performance-system",
    "actor_organisation": "CNWL",
    "at": "2026-11-23T10:05:00Z",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1"
}))]
pub struct Event {
    /// Position in the feed: strictly increasing in commit order, without gaps.
    pub seq: i64,
    /// What kind of resource was written, e.g. `action` or `status_update`.
    pub resource_type: String,
    pub resource_id: String,
    pub version: i64,
    pub operation: Operation,
    /// Who wrote it: the subject (`sub`) of the writer's token.
    pub actor: String,
    /// The organisation the writer's token named, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_organisation: Option<String>,
    pub at: DateTime<Utc>,
    /// The plan the resource belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
}

impl From<EventRow> for Event {
    fn from(row: EventRow) -> Self {
        Event {
            seq: row.seq,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            version: row.version,
            operation: row.operation,
            actor: row.actor,
            actor_organisation: row.actor_organisation,
            at: row.at.and_utc(),
            plan_id: row.plan_id,
        }
    }
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "last_seq": 118, "next": "/api/v1/changes?after=118&limit=100"}))]
pub struct ChangePage {
    pub items: Vec<Event>,
    /// Pass as `after` next time: the last seq of this page, or the `after` given
    /// when the page is empty.
    pub last_seq: i64,
    /// The URL that continues from here (with the same filters).
    pub next: String,
}

/// Where to read the feed from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// Events after this seq; 0 (the default) reads from the start.
    #[param(minimum = 0, default = 0, example = 0)]
    pub after: Option<i64>,
    /// Events per page, 1 to 1000.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<i64>,
    /// Only events of this resource type, e.g. `action`.
    pub resource_type: Option<String>,
    /// Only events of resources in this plan.
    pub plan_id: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/changes",
    operation_id = "change_list",
    tag = "changes",
    summary = "Read the change feed",
    description = "Every create, update and delete appends one event in the same transaction as the write. Events appear in commit order with strictly increasing `seq` and no gaps, so a reader that passes `last_seq` back as `after` sees every version exactly once.",
    params(ChangeQuery),
    responses((status = 200, description = "Events after `after`, oldest first", body = ChangePage), ListErrors)
)]
pub async fn list_changes(
    store: web::Data<Store>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if after < 0 || !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("after must be at least 0 and limit 1 to {MAX_LIMIT}"),
        ));
    }
    let filter = FeedFilter {
        resource_type: query.resource_type.clone(),
        plan_id: query.plan_id.clone(),
    };
    let rows = store
        .read(move |conn| history::events_after(conn, after, limit, &filter))
        .await?;
    let last_seq = rows.last().map_or(after, |e| e.seq);
    let mut next = format!("/api/v1/changes?after={last_seq}&limit={limit}");
    if let Some(t) = &query.resource_type {
        next.push_str(&format!("&resource_type={t}"));
    }
    if let Some(p) = &query.plan_id {
        next.push_str(&format!("&plan_id={p}"));
    }
    Ok(HttpResponse::Ok().json(ChangePage {
        items: rows.into_iter().map(Event::from).collect(),
        last_seq,
        next,
    }))
}
