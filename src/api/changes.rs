//! `/api/v1/changes`: the change feed. Follow it with `after` set to the last
//! `seq` seen; every version of every resource appears once, in commit order.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{filters::Since, problems::ListErrors};
use crate::{
    db::{
        history::{self, EventRow, FeedFilter},
        keys, Store,
    },
    domain::change::Operation,
    error::ApiError,
};

pub const MAX_LIMIT: i64 = 1000;

/// Snapshots of resources by id and version, as stored (JSON text).
type Snapshots = HashMap<(String, i64), String>;

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
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "changes": [{"field": "brag", "before": "red", "after": "amber"}]
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
    /// For an update: each field whose value changed, with the value before and
    /// after (`null` where the field was absent). The bookkeeping fields
    /// (`version`, `updated_at`, `updated_by`) are left out, and so is an
    /// action's `latest_update`: the status update is an event of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub changes: Option<Vec<FieldChange>>,
}

/// One field an update changed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"field": "brag", "before": "red", "after": "amber"}))]
pub struct FieldChange {
    pub field: String,
    /// The value before the update; `null` when the field was absent.
    pub before: Value,
    /// The value after the update; `null` when the field is now absent.
    pub after: Value,
}

/// Fields that change with every write and say nothing about what changed, and
/// what another resource's own event reports (an action's newest status update).
const BOOKKEEPING: &[&str] = &["version", "updated_at", "updated_by", "latest_update"];

/// The fields that differ between two snapshots of one resource, in name order.
pub fn field_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter(|name| !BOOKKEEPING.contains(&name.as_str()))
        .filter(|name| old.get(*name) != new.get(*name))
        .map(|name| FieldChange {
            field: name.clone(),
            before: old.get(name).cloned().unwrap_or(Value::Null),
            after: new.get(name).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

/// `field_changes` of two snapshots as stored. Each field's JSON text is
/// compared as it is, and only a field whose text differs is parsed: a page of
/// a thousand updates held two thousand parsed snapshots at once, the most
/// memory any read took.
pub fn stored_field_changes(before: &str, after: &str) -> Result<Vec<FieldChange>, ApiError> {
    use serde_json::value::RawValue;
    use std::collections::{BTreeMap, BTreeSet};
    type Fields<'a> = BTreeMap<String, &'a RawValue>;
    let unreadable = |e: serde_json::Error| ApiError::Internal(format!("a stored snapshot: {e}"));
    let (Ok(old), Ok(new)) = (
        serde_json::from_str::<Fields>(before),
        serde_json::from_str::<Fields>(after),
    ) else {
        // Not both objects: compared whole, as `field_changes` does.
        let old: Value = serde_json::from_str(before).map_err(unreadable)?;
        let new: Value = serde_json::from_str(after).map_err(unreadable)?;
        return Ok(field_changes(&old, &new));
    };
    let parse = |raw: Option<&&RawValue>| {
        raw.map_or(Ok(Value::Null), |r| serde_json::from_str(r.get()))
            .map_err(unreadable)
    };
    let mut changes = Vec::new();
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        let (was, is) = (old.get(name), new.get(name));
        if BOOKKEEPING.contains(&name.as_str()) || was.map(|r| r.get()) == is.map(|r| r.get()) {
            continue;
        }
        let (before, after) = (parse(was)?, parse(is)?);
        // Different text can be the same value: an object's keys in another order.
        if was.is_some() == is.is_some() && before == after {
            continue;
        }
        changes.push(FieldChange {
            field: name.clone(),
            before,
            after,
        });
    }
    Ok(changes)
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
            changes: None,
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

/// Where the feed is read from: after a seq, or from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Seq(i64),
    /// The newest event written: the page is empty and its `last_seq` is where
    /// to continue.
    Latest,
}

impl<'de> Deserialize<'de> for After {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.trim().eq_ignore_ascii_case("latest") {
            return Ok(After::Latest);
        }
        match text.trim().parse::<i64>() {
            Ok(seq) if seq >= 0 => Ok(After::Seq(seq)),
            _ => Err(serde::de::Error::custom(format!(
                "after={text:?}: give a seq (0 or more) or `latest`"
            ))),
        }
    }
}

fn after_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    OneOfBuilder::new()
        .description(Some(
            "Events after this seq; 0 (the default) reads from the start; `latest` answers \
             an empty page whose `last_seq` is the newest event, to follow the feed from now on.",
        ))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .maximum(Some(i64::MAX)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["latest"])),
        )
        .into()
}

/// Where to read the feed from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// Described by `after_schema`: a parameter with its own schema takes no doc comment.
    #[param(schema_with = after_schema)]
    pub after: Option<After>,
    /// Events written at or after this time instead: a date-time, or a date (from
    /// its start, UTC). Not with `after`.
    #[param(value_type = Option<String>)]
    pub since: Option<Since>,
    /// Events per page, 1 to 1000.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<i64>,
    /// Only events of this resource type, e.g. `action`.
    pub resource_type: Option<String>,
    /// Only events of resources in this plan.
    pub plan_id: Option<String>,
    /// Only events of resources in this plan, named by its id or its ref.
    pub plan: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/changes",
    operation_id = "change_list",
    tag = "changes",
    summary = "Read the change feed",
    description = "Every create, update and delete appends one event in the same transaction as the write. Events appear in commit order with strictly increasing `seq` and no gaps, so a reader that passes `last_seq` back as `after` sees every version exactly once. An update's event lists the fields it changed, with their values before and after.",
    params(ChangeQuery),
    responses((status = 200, description = "Events after `after`, oldest first", body = ChangePage), ListErrors)
)]
pub async fn list_changes(
    store: web::Data<Store>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("limit must be 1 to {MAX_LIMIT}"),
        ));
    }
    if query.after.is_some() && query.since.is_some() {
        return Err(ApiError::bad_request(
            "invalid_query",
            "give after (a seq, or latest) or since (a time), not both",
        ));
    }
    let filter = FeedFilter {
        resource_type: query.resource_type.clone(),
        plan_id: query.plan_id.clone(),
    };
    let (start, plan, since) = (query.after, query.plan.clone(), query.since);
    let (after, rows, before) = store
        .read(move |conn| {
            let mut filter = filter;
            if let Some(key) = &plan {
                let id = keys::plan_key(conn, key, false)?;
                if filter.plan_id.as_ref().is_some_and(|given| *given != id) {
                    return Ok((0, Vec::new(), HashMap::new()));
                }
                filter.plan_id = Some(id);
            }
            let after = match (start, since) {
                (Some(After::Latest), _) => {
                    return Ok((history::last_seq(conn)?, Vec::new(), HashMap::new()))
                }
                (Some(After::Seq(seq)), _) => seq,
                (None, Some(since)) => history::seq_before(conn, since.naive_utc())?,
                (None, None) => 0,
            };
            let rows = history::events_after(conn, after, limit, &filter)?;
            let updates: Vec<(String, String, i64)> = rows
                .iter()
                .filter(|e| e.operation == Operation::Update)
                .map(|e| (e.resource_type.clone(), e.resource_id.clone(), e.version))
                .collect();
            let snapshots = history::snapshots_around(conn, &updates)?;
            Ok::<_, crate::db::StoreError>((after, rows, snapshots))
        })
        .await?;
    let last_seq = rows.last().map_or(after, |e| e.seq);
    Ok(HttpResponse::Ok().json(ChangePage {
        items: with_changes(rows, &before)?,
        last_seq,
        next: next_page(&query, last_seq, limit),
    }))
}

/// The next page: after the last event of this one, with the same filters.
fn next_page(query: &ChangeQuery, last_seq: i64, limit: i64) -> String {
    let mut next = format!("/api/v1/changes?after={last_seq}&limit={limit}");
    if let Some(t) = &query.resource_type {
        next.push_str(&format!("&resource_type={t}"));
    }
    if let Some(p) = &query.plan_id {
        next.push_str(&format!("&plan_id={p}"));
    }
    if let Some(p) = &query.plan {
        let encoded: String = url::form_urlencoded::byte_serialize(p.as_bytes()).collect();
        next.push_str(&format!("&plan={encoded}"));
    }
    next
}

/// The events, each update with the fields it changed: its snapshot against
/// the version before (both in `snapshots`, by resource id and version).
fn with_changes(rows: Vec<EventRow>, snapshots: &Snapshots) -> Result<Vec<Event>, ApiError> {
    rows.into_iter()
        .map(|row| {
            let key = (row.resource_id.clone(), row.version);
            let changed = if row.operation == Operation::Update {
                let old = snapshots.get(&(key.0.clone(), key.1 - 1));
                Some(match (old, snapshots.get(&key)) {
                    (Some(old), Some(new)) => stored_field_changes(old, new)?,
                    _ => Vec::new(),
                })
            } else {
                None
            };
            Ok(Event {
                changes: changed,
                ..Event::from(row)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The stored snapshots' comparison finds what comparing them parsed finds.
    #[test]
    fn stored_snapshots_compare_as_parsed_ones_do() {
        let before = json!({
            "brag": "red", "version": 2, "leads": ["a", "b"],
            "due": {"text": "TBD", "date": null}, "gone": 1, "same": [1, {"x": 2}]
        });
        let after = json!({
            "brag": "amber", "version": 3, "leads": ["a", "b"],
            "due": {"date": null, "text": "TBD"}, "new": null, "same": [1, {"x": 2}]
        });
        let stored = stored_field_changes(&before.to_string(), &after.to_string()).unwrap();
        assert_eq!(stored, field_changes(&before, &after));
        let fields: Vec<&str> = stored.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["brag", "gone", "new"]);
        assert_eq!(stored[1].after, Value::Null);
        let whole = stored_field_changes("[1]", "{\"a\": 1}").unwrap();
        assert_eq!(whole, field_changes(&json!([1]), &json!({"a": 1})));
        assert!(stored_field_changes("{", "{}").is_err());
    }
}
