//! `GET /api/v1/plans/{id}/changes`: what changed in a plan between two
//! instants, as a board asks it "since the last meeting". Each item written in
//! between is compared as it stood at `from` with how it stood at `to`; the
//! status updates and readings posted in between sit under their action or
//! measure. Found through the change feed's plan index and the revisions' key.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{
    actions::LatestStatusUpdate,
    changes::{field_changes, FieldChange},
    problems::HistoryErrors,
    report_cache::{answer, instant, keep, settled, ReportCache},
    tree::text,
};
use crate::{
    auth::Caller,
    db::{
        as_of::{self, revisions_at, Found},
        between::{self, Touched},
        history, DbConnection, Store,
    },
    domain::{
        change::{ItemChangeKind, Operation},
        plan::{Brag, ReadingStatus, TargetStatus},
        ResourceType,
    },
    error::ApiError,
};

/// The two instants compared.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The earlier instant (RFC 3339): the plan as it stood then is what the
    /// changes are counted from.
    pub from: DateTime<Utc>,
    /// The later instant (RFC 3339); now when absent.
    pub to: Option<DateTime<Utc>>,
}

/// An action's BRAG at the two instants; `null` where it had none (or did not exist).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BragTransition {
    pub before: Option<Brag>,
    pub after: Option<Brag>,
}

/// A measure's judgement against its target at the two instants.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JudgementTransition {
    pub before: Option<TargetStatus>,
    pub after: Option<TargetStatus>,
}

/// A reading written between the two instants, as it stood at the later one
/// (as it was deleted, for a removed one).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadingChange {
    pub id: String,
    pub change: ItemChangeKind,
    pub period: String,
    pub cohort: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_value: Option<String>,
    pub status: ReadingStatus,
    /// The reading judged against its cohort's target.
    pub target_status: TargetStatus,
}

/// One item of the plan that changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemChange {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    /// Its title, statement or description, as it stood at the later instant
    /// (when deleted, as it was then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub change: ItemChangeKind,
    /// A changed action's BRAG before and after, when it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brag: Option<BragTransition>,
    /// A changed action that became blue or green in between.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub completed: bool,
    /// A changed measure's judgement before and after, when it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_status: Option<JudgementTransition>,
    /// An action's status updates posted in between, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 10000)]
    pub status_updates: Vec<LatestStatusUpdate>,
    /// A measure's readings written in between.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 10000)]
    pub readings: Vec<ReadingChange>,
    /// Field by field, its value at `from` and at `to`: every field of an added
    /// item (with `before` null), none of a removed one. Bookkeeping fields
    /// (`version`, `updated_at`, `updated_by`) and an action's `latest_update`
    /// are left out.
    #[schema(max_items = 200)]
    pub fields: Vec<FieldChange>,
}

impl ItemChange {
    fn bare(id: &str, change: ItemChangeKind) -> Self {
        ItemChange {
            id: id.to_string(),
            r#ref: None,
            name: None,
            change,
            brag: None,
            completed: false,
            target_status: None,
            status_updates: Vec::new(),
            readings: Vec::new(),
            fields: Vec::new(),
        }
    }
}

/// How many of each kind of change.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct ChangeCounts {
    pub added: u32,
    pub removed: u32,
    pub changed: u32,
    /// Actions whose BRAG moved.
    pub brag_changes: u32,
    /// Actions that became blue or green.
    pub completed: u32,
    pub status_updates: u32,
    pub readings: u32,
    /// Measures whose judgement against target moved.
    pub judgements_changed: u32,
}

/// What changed in a plan between two instants.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "plan_ref": "SEND-LAIAP-2025",
    "from": "2026-09-01T00:00:00Z",
    "to": "2026-12-01T00:00:00Z",
    "counts": {"added": 0, "removed": 0, "changed": 1, "brag_changes": 1, "completed": 0,
        "status_updates": 1, "readings": 0, "judgements_changed": 0},
    "priorities": [],
    "outcomes": [],
    "actions": [{
        "id": "019ab3c4-5e6f-7a00-8b00-000000000107",
        "ref": "Afl3.3/7",
        "name": "Reduce waiting times for the neurodevelopmental pathway",
        "change": "changed",
        "brag": {"before": "grey", "after": "amber"},
        "status_updates": [{
            "id": "019ab3c4-5e6f-7a00-8b00-000000000301",
            "brag": "amber",
            "narrative": "Waiting list down from 412 to 371 children.",
            "at": "2026-11-23T10:00:00Z",
            "by": "cnwl-camhs-system",
            "by_organisation": "CNWL"
        }],
        "fields": [{"field": "brag", "before": "grey", "after": "amber"}]
    }],
    "measures": [],
    "risks": []
}))]
pub struct PlanChanges {
    pub plan_id: String,
    pub plan_ref: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub counts: ChangeCounts,
    /// The plan's own fields, when they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<ItemChange>,
    #[schema(max_items = 10000)]
    pub priorities: Vec<ItemChange>,
    #[schema(max_items = 10000)]
    pub outcomes: Vec<ItemChange>,
    #[schema(max_items = 10000)]
    pub actions: Vec<ItemChange>,
    #[schema(max_items = 10000)]
    pub measures: Vec<ItemChange>,
    #[schema(max_items = 10000)]
    pub risks: Vec<ItemChange>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/changes",
    operation_id = "plan_changes_view",
    tag = "plans",
    summary = "What changed in a plan between two instants",
    description = "Every priority, outcome, action, measure and risk written between `from` and \
        `to`, compared as it stood at `from` with how it stood at `to`: added, removed or changed, \
        field by field. An action shows its BRAG before and after, whether it was completed, and \
        the status updates posted in between; a measure its judgement against target before and \
        after and the readings written in between. Items written and deleted again in between \
        are left out. Applying the changes to the plan's tree as of `from` \
        (`GET /plans/{id}?include=tree&as_of=`) gives its tree as of `to`. The plan must exist at \
        `to`: 404 when it did not exist yet, 410 when it had been deleted.",
    params(("id" = String, Path, description = "Plan id"), ChangesQuery),
    responses(
        (status = 200, description = "What changed, by kind of item", body = PlanChanges),
        HistoryErrors
    )
)]
pub async fn plan_changes(
    store: web::Data<Store>,
    cache: web::Data<ReportCache>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.principal()?;
    let id = id.into_inner();
    let query = query.into_inner();
    let (from, to) = (query.from, query.to.unwrap_or_else(Utc::now));
    if from > to {
        return Err(ApiError::bad_request(
            "invalid_query",
            "from must not be later than to",
        ));
    }
    let key = settled(to).then(|| format!("changes|{id}|{}|{}", instant(from), instant(to)));
    if let Some(body) = key.as_deref().and_then(|k| cache.get(k)) {
        return Ok(answer(&body));
    }
    let changes = store.read(move |conn| compare(conn, &id, from, to)).await?;
    keep(&cache, key, &changes)
}

pub(crate) fn compare(
    conn: &mut DbConnection,
    id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<PlanChanges, ApiError> {
    let plan = match history::as_of(conn, ResourceType::Plan, id, to.naive_utc())? {
        None => return Err(ApiError::not_found("plan", id.to_string())),
        Some(row) if row.operation == Operation::Delete => {
            return Err(ApiError::Gone {
                resource: "plan",
                id: id.to_string(),
            })
        }
        Some(row) => row,
    };
    let plan_ref: Value = serde_json::from_str(&plan.snapshot)
        .map_err(|e| ApiError::Internal(format!("a stored snapshot: {e}")))?;
    let (after, upto) = (
        last_seq(conn, from.naive_utc())?,
        last_seq(conn, to.naive_utc())?,
    );
    let touched = between::touched(conn, id, after, upto)?;
    let versions = load_versions(conn, &touched)?;

    let mut changes = PlanChanges {
        plan_id: id.to_string(),
        plan_ref: text(&plan_ref, "ref").unwrap_or_default().to_string(),
        from,
        to,
        counts: ChangeCounts::default(),
        plan: None,
        priorities: Vec::new(),
        outcomes: Vec::new(),
        actions: Vec::new(),
        measures: Vec::new(),
        risks: Vec::new(),
    };
    let mut updates: Vec<(String, LatestStatusUpdate)> = Vec::new();
    let mut readings: Vec<(String, ReadingChange)> = Vec::new();
    for item in &touched {
        let before = versions.get(&(item.kind, item.id.clone(), item.first - 1));
        let after = versions.get(&(item.kind, item.id.clone(), item.last));
        match item.kind {
            ResourceType::StatusUpdate => {
                if let Some(update) = after.and_then(status_update) {
                    updates.push(update);
                }
            }
            ResourceType::Reading => {
                if let Some(reading) = after.and_then(|a| reading(a, before.is_some())) {
                    readings.push(reading);
                }
            }
            kind => {
                let Some(change) = item_change(kind, item, before, after) else {
                    continue;
                };
                match kind {
                    ResourceType::Plan => changes.plan = Some(change),
                    ResourceType::Priority => changes.priorities.push(change),
                    ResourceType::Outcome => changes.outcomes.push(change),
                    ResourceType::Action => changes.actions.push(change),
                    ResourceType::Measure => changes.measures.push(change),
                    ResourceType::Risk => changes.risks.push(change),
                    _ => {}
                }
            }
        }
    }
    updates.sort_by(|a, b| a.1.at.cmp(&b.1.at).then_with(|| a.1.id.cmp(&b.1.id)));
    for (action, update) in updates {
        entry(&mut changes.actions, &action)
            .status_updates
            .push(update);
    }
    readings.sort_by(|a, b| (&a.1.period, &a.1.cohort).cmp(&(&b.1.period, &b.1.cohort)));
    for (measure, reading) in readings {
        entry(&mut changes.measures, &measure)
            .readings
            .push(reading);
    }
    count(&mut changes);
    Ok(changes)
}

/// The feed's last seq at or before `at`; 0 before the first event.
fn last_seq(conn: &mut DbConnection, at: NaiveDateTime) -> Result<i64, ApiError> {
    Ok(as_of::last_seq_at(conn, at)?.unwrap_or(0))
}

type Versions = HashMap<(ResourceType, String, i64), Found>;

/// The versions compared: each touched item's version before the first written
/// in between, and its last.
fn load_versions(conn: &mut DbConnection, touched: &[Touched]) -> Result<Versions, ApiError> {
    let mut wanted: HashMap<ResourceType, Vec<(String, i64)>> = HashMap::new();
    for item in touched {
        let list = wanted.entry(item.kind).or_default();
        if item.first > 1 {
            list.push((item.id.clone(), item.first - 1));
        }
        list.push((item.id.clone(), item.last));
    }
    let mut versions = Versions::new();
    for (kind, list) in wanted {
        for chunk in list.chunks(200) {
            for found in revisions_at(conn, kind, chunk)? {
                versions.insert((kind, found.id.clone(), found.version), found);
            }
        }
    }
    Ok(versions)
}

/// A stored version that is not a deletion.
fn live(found: Option<&Found>) -> Option<&Value> {
    found
        .filter(|f| f.operation != Operation::Delete)
        .map(|f| &f.snapshot)
}

fn item_change(
    kind: ResourceType,
    item: &Touched,
    before: Option<&Found>,
    after: Option<&Found>,
) -> Option<ItemChange> {
    let (old, new) = (live(before), live(after));
    let (change, fields) = match (old, new) {
        (None, None) => return None,
        (None, Some(new)) => (ItemChangeKind::Added, field_changes(&Value::Null, new)),
        (Some(_), None) => (ItemChangeKind::Removed, Vec::new()),
        (Some(old), Some(new)) => (ItemChangeKind::Changed, field_changes(old, new)),
    };
    let shown = new.or(old).or(after.map(|f| &f.snapshot))?;
    let mut change = ItemChange {
        r#ref: text(shown, "ref").map(str::to_string),
        name: ["title", "statement", "description"]
            .iter()
            .find_map(|field| text(shown, field))
            .map(str::to_string),
        fields,
        ..ItemChange::bare(&item.id, change)
    };
    let field = |value: Option<&Value>, name: &str| {
        value
            .and_then(|v| v.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    if change.change != ItemChangeKind::Changed {
        return Some(change);
    }
    match kind {
        ResourceType::Action => {
            let brag = |v| {
                serde_json::from_value::<Option<Brag>>(field(v, "brag"))
                    .ok()
                    .flatten()
            };
            let (was, is) = (brag(old), brag(new));
            if was != is {
                change.brag = Some(BragTransition {
                    before: was,
                    after: is,
                });
            }
            change.completed =
                is.is_some_and(Brag::is_complete) && !was.is_some_and(Brag::is_complete);
        }
        ResourceType::Measure => {
            let judged = |v| {
                serde_json::from_value::<Option<TargetStatus>>(field(v, "target_status"))
                    .ok()
                    .flatten()
            };
            let (was, is) = (judged(old), judged(new));
            if was != is {
                change.target_status = Some(JudgementTransition {
                    before: was,
                    after: is,
                });
            }
        }
        _ => {}
    }
    Some(change)
}

/// A status update posted in between, under its action's id.
fn status_update(found: &Found) -> Option<(String, LatestStatusUpdate)> {
    let snap = live(Some(found))?;
    let at = text(snap, "created_at")?.parse::<DateTime<Utc>>().ok()?;
    let update = LatestStatusUpdate {
        id: found.id.clone(),
        brag: serde_json::from_value(snap.get("brag")?.clone()).ok()?,
        narrative: text(snap, "narrative").map(str::to_string),
        at,
        by: text(snap, "created_by").unwrap_or_default().to_string(),
        by_organisation: text(snap, "reported_by_organisation").map(str::to_string),
    };
    Some((text(snap, "action_id")?.to_string(), update))
}

/// A reading written in between, under its measure's id.
fn reading(found: &Found, existed_before: bool) -> Option<(String, ReadingChange)> {
    let snap = &found.snapshot;
    let change = match (existed_before, found.operation == Operation::Delete) {
        (false, true) => return None,
        (true, true) => ItemChangeKind::Removed,
        (false, false) => ItemChangeKind::Added,
        (true, false) => ItemChangeKind::Changed,
    };
    let reading = ReadingChange {
        id: found.id.clone(),
        change,
        period: text(snap, "period")?.to_string(),
        cohort: text(snap, "cohort")?.to_string(),
        value: snap.get("value").and_then(Value::as_f64),
        text_value: text(snap, "text_value").map(str::to_string),
        status: serde_json::from_value(snap.get("status")?.clone()).ok()?,
        target_status: serde_json::from_value(snap.get("target_status")?.clone()).ok()?,
    };
    Some((text(snap, "measure_id")?.to_string(), reading))
}

/// The item's entry, made (as changed, with no fields) when only what sits under
/// it was written.
fn entry<'a>(items: &'a mut Vec<ItemChange>, id: &str) -> &'a mut ItemChange {
    let index = match items.iter().position(|item| item.id == id) {
        Some(index) => index,
        None => {
            items.push(ItemChange::bare(id, ItemChangeKind::Changed));
            items.len() - 1
        }
    };
    &mut items[index]
}

fn count(changes: &mut PlanChanges) {
    for list in [
        &mut changes.priorities,
        &mut changes.outcomes,
        &mut changes.actions,
        &mut changes.measures,
        &mut changes.risks,
    ] {
        list.sort_by(|a, b| (&a.r#ref, &a.id).cmp(&(&b.r#ref, &b.id)));
    }
    let counts = &mut changes.counts;
    let items = changes
        .plan
        .iter()
        .chain(&changes.priorities)
        .chain(&changes.outcomes)
        .chain(&changes.actions)
        .chain(&changes.measures)
        .chain(&changes.risks);
    for item in items {
        match item.change {
            ItemChangeKind::Added => counts.added += 1,
            ItemChangeKind::Removed => counts.removed += 1,
            ItemChangeKind::Changed => counts.changed += 1,
        }
        counts.brag_changes += u32::from(item.brag.is_some());
        counts.completed += u32::from(item.completed);
        counts.judgements_changed += u32::from(item.target_status.is_some());
        counts.status_updates += u32::try_from(item.status_updates.len()).unwrap_or(u32::MAX);
        counts.readings += u32::try_from(item.readings.len()).unwrap_or(u32::MAX);
    }
}
