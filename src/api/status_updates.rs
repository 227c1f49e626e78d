//! `POST /api/v1/actions/{id}/status-updates`: a lead reports an action's BRAG with
//! a narrative and evidence. The report is kept as it was sent, and it moves the
//! action's current BRAG — a new version of the action — in the same transaction.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    actions::Actions,
    audit::{audit_of, Audit},
    conditional::{current, IfMatch},
    crud::{self, record, Resource},
    filters::{Many, Since},
    idempotency,
    pagination::{respond, PageQuery, Paginated},
    problems::{CreateErrors, ListErrors, ViewErrors},
    request_body::{Input, Valid},
    rules,
};
use crate::{
    auth::{
        scope::{self, Led},
        Caller,
    },
    db::{
        actions::get_to_report,
        history::Change,
        idempotency::Answer,
        plans,
        status_updates::{self as query, NewStatusUpdate, StatusUpdateFilter, StatusUpdateRow},
        Store,
    },
    domain::action::PROGRESS_FIELDS,
    domain::ResourceType,
    domain::{change::Operation, plan::Brag},
    error::{ApiError, FieldError},
};

/// A document or page that backs up a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://intranet.cnwl.example/camhs/waiting-list-2025-q3.pdf", "title": "CAMHS waiting list, Q3"}))]
pub struct Evidence {
    /// An `http` or `https` URL.
    #[validate(url, length(max = 2000), custom(function = rules::web_link))]
    #[schema(format = Uri, max_length = 2000, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    pub url: String,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub title: Option<String>,
}

/// What a lead reports.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "brag": "amber",
    "narrative": "Waiting list down from 412 to 371 children; two vacancies filled in September.",
    "evidence": [{"url": "https://intranet.cnwl.example/camhs/waiting-list-2025-q3.pdf", "title": "CAMHS waiting list, Q3"}]
}))]
pub struct StatusUpdateInput {
    /// The action's status now; becomes its current BRAG.
    pub brag: Brag,
    /// What happened, in words; not blank when given.
    #[validate(length(max = 8000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 8000)]
    pub narrative: Option<String>,
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub evidence: Vec<Evidence>,
    /// When the action was completed, for a blue or green report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
}

impl Input for StatusUpdateInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.completed_on.is_some() && !self.brag.is_complete() {
            errors.push(FieldError {
                field: "completed_on".into(),
                code: "not_complete".into(),
                message: "only a blue or green report completes an action".into(),
            });
        }
        if let Some(narrative) = &self.narrative {
            if rules::not_blank(narrative).is_err() {
                errors.push(FieldError {
                    field: "narrative".into(),
                    code: "blank".into(),
                    message: "must not be blank; leave it out instead".into(),
                });
            }
        }
        errors
    }
}

/// A report on an action, as it was sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000301",
    "action_id": "019ab3c4-5e6f-7a00-8b00-000000000106",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "brag": "amber",
    "narrative": "Waiting list down from 412 to 371 children; two vacancies filled in September.",
    "evidence": [{"url": "https://intranet.cnwl.example/camhs/waiting-list-2025-q3.pdf", "title": "CAMHS waiting list, Q3"}],
    "action_version": 4,
    "reported_by_organisation": "CNWL",
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "cnwl-camhs-system",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "cnwl-camhs-system"
}))]
pub struct StatusUpdate {
    pub id: String,
    pub action_id: String,
    pub plan_id: String,
    pub brag: Brag,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub evidence: Vec<Evidence>,
    /// The version of the action this report made.
    pub action_version: i64,
    /// The organisation the reporter's token named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_by_organisation: Option<String>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<StatusUpdateRow> for StatusUpdate {
    fn from(row: StatusUpdateRow) -> Self {
        StatusUpdate {
            evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
            id: row.id.clone(),
            action_id: row.action_id.clone(),
            plan_id: row.plan_id.clone(),
            brag: row.brag,
            narrative: row.narrative.clone(),
            action_version: row.action_version,
            reported_by_organisation: row.created_by_organisation.clone(),
            audit: audit_of!(row),
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/actions/{id}/status-updates",
    operation_id = "action_status_update_create",
    tag = "actions",
    summary = "Report an action's status: its BRAG, a narrative and evidence",
    description = "Stores the report and sets the action's `brag` (and `completed_on`, when given) \
        in one transaction, making a new version of the action. `If-Match` is optional: when \
        sent, it must name the action's current version (412 otherwise).",
    params(
        ("id" = String, Path, description = "Action id"),
        ("If-Match" = Option<String>, Header, description = "The action's ETag, to report only on the version you read")
    ),
    request_body = StatusUpdateInput,
    responses(
        (status = 201, description = "Stored; `Location` names the report", body = StatusUpdate,
            headers(("ETag" = String, description = "The report's version, quoted"), ("Location" = String, description = "URL of the report"))),
        CreateErrors,
        ViewErrors
    )
)]
pub async fn create_status_update(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    precondition: IfMatch,
    body: Valid<StatusUpdateInput>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    let action_id = id.into_inner();
    let report = body.0;
    idempotency::write(
        &store,
        caller.actor(),
        move |tx| {
            let current = crud::load_by::<Actions>(tx.conn, &action_id, get_to_report)?;
            precondition.check_if_given(Actions::version(&current))?;
            let before = Actions::input_of(&current);
            let mut after = Actions::input_of(&current);
            after.brag = Some(report.brag);
            if report.completed_on.is_some() {
                after.completed_on = report.completed_on;
            }
            let changed = crud::changed_fields(&before, &after);
            let plan = current.row.plan_id.clone();
            scope::contribute(
                tx.conn,
                &who,
                &plan,
                Led::Action(&action_id),
                Some((&changed, PROGRESS_FIELDS)),
            )?;
            let told = report
                .narrative
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty());
            if changed.iter().any(|field| field == "brag")
                && !told
                && plans::narrative_required(tx.conn, &plan)?
            {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "narrative",
                    "required",
                    "this plan requires a narrative with every BRAG change",
                )]));
            }
            // The report is stored first, so the action's new version (its
            // answer and its revision) carries it as its latest update.
            let evidence = serde_json::to_string(&report.evidence)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let row = query::insert(
                tx,
                NewStatusUpdate {
                    action_id: &action_id,
                    plan_id: &plan,
                    brag: report.brag,
                    narrative: report.narrative.as_deref().map(str::trim),
                    evidence,
                    action_version: Actions::version(&current) + 1,
                },
            )?;
            let mut updated = Actions::update(tx, &current, after)?;
            updated.latest_update = Some(row.as_latest());
            if Actions::version(&updated) != row.action_version {
                return Err(ApiError::Internal(format!(
                    "action {action_id} went to version {}, its report says {}",
                    Actions::version(&updated),
                    row.action_version
                )));
            }
            record::<Actions>(tx, updated, Operation::Update)?;
            let view = StatusUpdate::from(row);
            let snapshot =
                serde_json::to_value(&view).map_err(|e| ApiError::Internal(e.to_string()))?;
            tx.record(Change {
                resource_type: ResourceType::StatusUpdate,
                resource_id: &view.id,
                version: 1,
                operation: Operation::Create,
                plan_id: Some(&plan),
                snapshot: &snapshot,
            })?;
            Ok(view)
        },
        |view| Answer::created(format!("/api/v1/status-updates/{}", view.id), 1, &view),
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}/status-updates",
    operation_id = "action_status_update_list",
    tag = "actions",
    summary = "List an action's status updates, newest first",
    params(("id" = String, Path, description = "Action id"), PageQuery),
    responses(
        (status = 200, description = "A page of the action's reports, newest first", body = Paginated<StatusUpdate>),
        ListErrors,
        ViewErrors
    )
)]
pub async fn list_status_updates(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let action = id.into_inner();
    let items = store
        .read(move |conn| {
            crud::load_visible::<Actions>(conn, &caller, &action)?;
            let filter = StatusUpdateFilter {
                action_id: Some(action),
                ..StatusUpdateFilter::default()
            };
            Ok::<_, ApiError>(query::list(conn, &filter, &page)?)
        })
        .await?;
    Ok(respond(&req, items, StatusUpdate::from))
}

/// Filters of the status updates across plans; all given filters apply together.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusUpdateQuery {
    pub plan_id: Option<String>,
    /// Only updates on this plan's actions, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    /// Only updates on actions led by an owner of this organisation, named by its id or its code (`CNWL`).
    pub organisation: Option<String>,
    /// Only updates reporting this status, or one of these, comma-separated, in any case: `red,amber`.
    #[serde(default)]
    #[param(value_type = Option<Vec<Brag>>, style = Form, explode = false, max_items = 20)]
    pub brag: Many<Brag>,
    /// Only updates posted at or after this time: a date-time (`2026-11-30T09:00:00Z`), or a date (`2026-11-30`, from its start, UTC).
    #[param(value_type = Option<String>)]
    pub since: Option<Since>,
}

#[utoipa::path(
    get,
    path = "/api/v1/status-updates",
    operation_id = "status_update_list",
    tag = "actions",
    summary = "List status updates across plans, newest first",
    description = "What leads have reported, for a board paper or a partner's own system: \
        a plan's updates since the last board (`plan=SEND-LAIAP-2025&since=2026-09-01`), or an \
        organisation's (`organisation=CNWL`). Each action's newest update is also on the action \
        itself, as `latest_update`.",
    params(PageQuery, StatusUpdateQuery),
    responses(
        (status = 200, description = "A page of status updates, newest first", body = Paginated<StatusUpdate>),
        ListErrors
    )
)]
pub async fn list_all_status_updates(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<StatusUpdateQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let filter = filter.into_inner();
    let filter = StatusUpdateFilter {
        action_id: None,
        plan_id: filter.plan_id,
        plan: filter.plan,
        organisation: filter.organisation,
        brag: filter.brag.0,
        since: filter.since.map(Since::naive_utc),
        published_only: caller.sees_only_published(),
    };
    let items = store
        .read(move |conn| query::list(conn, &filter, &page))
        .await?;
    Ok(respond(&req, items, StatusUpdate::from))
}

#[utoipa::path(
    get,
    path = "/api/v1/status-updates/{id}",
    operation_id = "status_update_view",
    tag = "actions",
    summary = "Get one status update",
    params(
        ("id" = String, Path, description = "Status update id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold; 304 when it is still current")
    ),
    responses(
        (status = 200, description = "The report", body = StatusUpdate,
            headers(("ETag" = String, description = "The version, quoted"))),
        ViewErrors,
        super::problems::NotModified
    )
)]
pub async fn find_status_update(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let only_published = caller.sees_only_published();
    let row = store
        .read(move |conn| {
            let row = query::get(conn, &id).map_err(ApiError::from_store("status update", &id))?;
            scope::readable(
                conn,
                only_published,
                Some(&row.plan_id),
                "status update",
                &id,
            )?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    Ok(current(&req, row.version, &StatusUpdate::from(row)))
}
