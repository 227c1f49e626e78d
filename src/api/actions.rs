//! `/api/v1/actions` and `/api/v1/plans/{id}/actions`: the numbered actions of a
//! plan, with leads, start and due wording, BRAG status and cross-references.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{self, Child, Resource, Write, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    filters::{Many, Since},
    outcomes::{refs_from_text, refs_to_text},
    pagination::Paginated,
    request_body::Input,
    rules,
    summary::{self, Summary},
};
use crate::{
    auth::{
        scope::{self, Led},
        Principal,
    },
    db::{
        actions::{self as query, Action as ActionRecord, ActionFields, ActionFilter, ActionWrite},
        names::LatestUpdate,
        plans, DbConnection, StoreError, WriteTx,
    },
    domain::action::{is_overdue, PROGRESS_FIELDS},
    domain::ResourceType,
    domain::{
        external_ref::ExternalRef,
        plan::{Brag, RefTarget},
        when,
    },
    error::{ApiError, FieldError},
};

/// Where an action is monitored instead: another outcome, action or priority.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "outcome", "id": "019ab3c4-5e6f-7a00-8b00-0000000000f4", "ref": "Afl4.1"}))]
pub struct MonitoredIn {
    #[serde(rename = "type")]
    pub target: RefTarget,
    pub id: String,
    pub r#ref: String,
}

/// An action's newest status update, as a board paper quotes it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000301",
    "brag": "amber",
    "narrative": "Waiting list down from 412 to 371 children; two vacancies filled in September.",
    "at": "2026-11-23T10:00:00Z",
    "by": "cnwl-camhs-system",
    "by_organisation": "CNWL"
}))]
pub struct LatestStatusUpdate {
    /// The status update's id: `/api/v1/status-updates/{id}` has the whole report.
    pub id: String,
    pub brag: Brag,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// When it was posted.
    pub at: DateTime<Utc>,
    /// Who posted it: the token's subject.
    pub by: String,
    /// The organisation the reporter's token named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_organisation: Option<String>,
}

impl From<LatestUpdate> for LatestStatusUpdate {
    fn from(u: LatestUpdate) -> Self {
        LatestStatusUpdate {
            id: u.id,
            brag: u.brag,
            narrative: u.narrative,
            at: u.at.and_utc(),
            by: u.by,
            by_organisation: u.by_organisation,
        }
    }
}

/// A specific action of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000106",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "priority_id": "019ab3c4-5e6f-7a00-8b00-0000000000e3",
    "outcome_id": "019ab3c4-5e6f-7a00-8b00-0000000000f3",
    "ref": "Afl3.3/6",
    "description": "Review of the CAMHS pathway for neurodivergent children",
    "lead_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b7"],
    "leads": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000b7", "name": "CAMHS Transformation lead", "organisation": "CNWL"}],
    "start": "July 2025",
    "start_date": "2025-07-01",
    "due": "TBD",
    "recurring": false,
    "undated": true,
    "brag": "amber",
    "overdue": false,
    "latest_update": {
        "id": "019ab3c4-5e6f-7a00-8b00-000000000301",
        "brag": "amber",
        "narrative": "Pathway review started with the parent carer forum.",
        "at": "2026-11-23T10:00:00Z",
        "by": "cnwl-camhs-system",
        "by_organisation": "CNWL"
    },
    "previous_refs": [],
    "position": 6,
    "external_refs": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Action {
    pub id: String,
    pub plan_id: String,
    pub priority_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_id: Option<String>,
    /// Unique among the plan's actions, e.g. `Afl3.3/6`.
    pub r#ref: String,
    pub description: String,
    /// Leads (owners), in order.
    pub lead_ids: Vec<String>,
    /// The leads named, with their organisations' codes, in the same order.
    pub leads: Vec<Summary>,
    /// The start as the plan words it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The first day `start` covers, where it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The due date as the plan words it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// The last day `due` covers, where it names one ("September 2024" is due by
    /// 2024-09-30); for wording that names several dates, a schedule ("Oct 2024
    /// Jan 2025 Apr 2025 Jul 2025"), the last day of its last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The next date `due` falls due on, from today: a schedule's first date not
    /// yet passed, or the end of repeating wording's next period ("Quarterly":
    /// the quarter's last day; "Termly": the term's, taken to end in December,
    /// March and July). Absent where none is left or none can be computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due_date: Option<NaiveDate>,
    /// No due date can be read and the wording does not repeat ("TBD", or no due
    /// wording at all): list them with `undated=true`.
    pub undated: bool,
    /// The wording describes something that repeats ("Termly from Sep 2024").
    pub recurring: bool,
    /// Absent when the plan gives no status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brag: Option<Brag>,
    /// Due date passed and BRAG neither blue nor green.
    pub overdue: bool,
    /// Its newest status update; absent when none has been posted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_update: Option<LatestStatusUpdate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitored_in: Option<MonitoredIn>,
    /// The outcome or priority the wording sends the reader to ("See Afl4.1 for
    /// details", "Actions as per Af1.1" printed with a typo), as a link: the
    /// wording stays as printed in `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details_in: Option<MonitoredIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    pub previous_refs: Vec<String>,
    /// Partner systems' ids for this action.
    pub external_refs: Vec<ExternalRef>,
    pub position: i32,
    #[serde(flatten)]
    pub audit: Audit,
}

/// A stored cross-reference as a reader sees it, when all its parts are there.
fn link(
    target: Option<RefTarget>,
    id: Option<String>,
    r#ref: Option<String>,
) -> Option<MonitoredIn> {
    Some(MonitoredIn {
        target: target?,
        id: id?,
        r#ref: r#ref?,
    })
}

impl From<ActionRecord> for Action {
    fn from(a: ActionRecord) -> Self {
        let row = a.row;
        let today = Utc::now().date_naive();
        Action {
            overdue: is_overdue(row.due_date, row.brag, today),
            next_due_date: row
                .due_text
                .as_deref()
                .and_then(|due| when::next_due(due, today)),
            undated: row.due_date.is_none() && !row.recurring,
            monitored_in: link(
                row.monitored_in_type,
                row.monitored_in_id.clone(),
                a.monitored_in_ref,
            ),
            details_in: link(
                row.details_in_type,
                row.details_in_id.clone(),
                a.details_in_ref,
            ),
            id: row.id.clone(),
            plan_id: row.plan_id.clone(),
            priority_id: row.priority_id.clone(),
            outcome_id: row.outcome_id.clone(),
            r#ref: row.ref_.clone(),
            description: row.description.clone(),
            lead_ids: a.leads,
            leads: summary::all(a.lead_names),
            start: row.start_text.clone(),
            start_date: row.start_date,
            due: row.due_text.clone(),
            due_date: row.due_date,
            recurring: row.recurring,
            brag: row.brag,
            completed_on: row.completed_on,
            previous_refs: refs_from_text(&row.previous_refs),
            external_refs: a.external_refs,
            latest_update: a.latest_update.map(LatestStatusUpdate::from),
            position: row.position,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on an action.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome_id": "019ab3c4-5e6f-7a00-8b00-0000000000f3",
    "ref": "Afl3.3/7",
    "description": "Implement the CAMHS waiting list initiative",
    "lead_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b7"],
    "start": "Termly from Sep 2024",
    "due": "July 2025",
    "brag": "amber"
}))]
pub struct ActionInput {
    /// The outcome it serves, in the same plan; sets the priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_id: Option<String>,
    /// The priority it serves directly (when it has no outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<String>,
    #[validate(custom(function = rules::reference))]
    #[schema(min_length = 1, max_length = 64, example = "Afl3.3/7")]
    pub r#ref: String,
    #[validate(length(min = 1, max = 8000), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 8000)]
    pub description: String,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub lead_ids: Vec<String>,
    /// The start as the plan words it: `July 2024`, `Termly from Sep 2024`, `TBD`.
    #[validate(length(max = 200))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub start: Option<String>,
    /// The due date as the plan words it: `September 2024`, `Before each quarterly board`.
    #[validate(length(max = 200))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brag: Option<Brag>,
    /// The ref of an outcome, action or priority of the same plan that monitors this one.
    #[validate(custom(function = rules::reference))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Afl4.1")]
    pub monitored_in: Option<String>,
    /// The ref of an outcome or priority of the same plan that the wording sends
    /// the reader to for details ("See Afl4.1 for details").
    #[validate(custom(function = rules::reference))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Afl4.1")]
    pub details_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<NaiveDate>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub previous_refs: Vec<String>,
    /// Partner systems' ids for this action, each unique within its system.
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub external_refs: Vec<ExternalRef>,
    #[validate(range(min = 0, max = 10000))]
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

impl Input for ActionInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = rules::repeated("lead_ids", &self.lead_ids)
            .into_iter()
            .collect();
        errors.extend(rules::each_reference("previous_refs", &self.previous_refs));
        errors.extend(rules::repeated_refs("external_refs", &self.external_refs));
        errors
    }
}

impl From<ActionInput> for ActionWrite {
    fn from(input: ActionInput) -> Self {
        let start = input.start.as_deref().map(when::read).unwrap_or_default();
        let due = input.due.as_deref().map(when::read).unwrap_or_default();
        ActionWrite {
            priority_id: input.priority_id,
            outcome_id: input.outcome_id,
            monitored_in: input.monitored_in,
            details_in: input.details_in,
            fields: ActionFields {
                ref_: input.r#ref,
                description: input.description.trim().to_string(),
                start_date: start.from,
                due_date: if due.recurring { None } else { due.to },
                recurring: start.recurring || due.recurring,
                start_text: input.start,
                due_text: input.due,
                brag: input.brag,
                completed_on: input.completed_on,
                previous_refs: refs_to_text(&input.previous_refs),
                position: input.position,
            },
            leads: input.lead_ids,
            external_refs: input.external_refs,
        }
    }
}

/// How actions are loaded and stored, for the shared operations in `crud`.
pub struct Actions;

impl Resource for Actions {
    const TYPE: ResourceType = ResourceType::Action;
    const COLLECTION: &'static str = "/api/v1/actions";
    type Record = ActionRecord;
    type Input = ActionInput;
    type View = Action;

    fn id(record: &ActionRecord) -> &str {
        &record.row.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.row.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(Some(record.row.plan_id.clone()))
    }

    fn input_of(a: &ActionRecord) -> ActionInput {
        let row = &a.row;
        ActionInput {
            outcome_id: row.outcome_id.clone(),
            priority_id: Some(row.priority_id.clone()).filter(|_| row.outcome_id.is_none()),
            r#ref: row.ref_.clone(),
            description: row.description.clone(),
            lead_ids: a.leads.clone(),
            start: row.start_text.clone(),
            due: row.due_text.clone(),
            brag: row.brag,
            monitored_in: a.monitored_in_ref.clone(),
            details_in: a.details_in_ref.clone(),
            completed_on: row.completed_on,
            previous_refs: refs_from_text(&row.previous_refs),
            external_refs: a.external_refs.clone(),
            position: row.position,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<ActionRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &ActionRecord,
        input: Self::Input,
    ) -> Result<ActionRecord, StoreError> {
        query::update(tx, current, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &ActionRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::Rule(Self::authorize);
}

impl Actions {
    /// Editors of a partner change anything; contributors of a leading
    /// organisation change the action's progress only.
    fn authorize(
        conn: &mut DbConnection,
        who: &Principal,
        write: Write<'_, Self>,
    ) -> Result<(), ApiError> {
        match write {
            Write::Change { current, input } => {
                let changed = crud::changed_fields(&Self::input_of(current), &as_stored(input));
                scope::contribute(
                    conn,
                    who,
                    &current.row.plan_id,
                    Led::Action(&current.row.id),
                    Some((&changed, PROGRESS_FIELDS)),
                )?;
                let brag_moved = changed.iter().any(|field| field == "brag");
                if brag_moved && plans::narrative_required(conn, &current.row.plan_id)? {
                    return Err(ApiError::Validation(vec![narrative_required(
                        &current.row.id,
                    )]));
                }
                Ok(())
            }
            other => crud::plan_editors::<Self>(conn, who, other),
        }
    }
}

/// The refusal of a BRAG change without a narrative, pointing to where one is made.
pub fn narrative_required(action: &str) -> FieldError {
    FieldError::new(
        "brag",
        "narrative_required",
        format!(
            "this plan requires a narrative with every BRAG change: post a status update with \
             brag and narrative to /api/v1/actions/{action}/status-updates"
        ),
    )
}

/// `input` as the store would keep it, so that a contributor's PUT of what it
/// read (priority beside outcome, untrimmed text) changes only what it means to.
fn as_stored(input: &ActionInput) -> ActionInput {
    let mut input = input.clone();
    if input.outcome_id.is_some() {
        // The store derives the priority from the outcome.
        input.priority_id = None;
    }
    input.description = input.description.trim().to_string();
    input
}

impl Child for Actions {
    const PARENT: &'static str = "plan";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        plan: &str,
        input: ActionInput,
    ) -> Result<ActionRecord, StoreError> {
        query::insert(tx, plan, input.into())
    }
}

/// Filters of the action list; all given filters apply together.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    pub plan_id: Option<String>,
    /// Only actions of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    pub outcome_id: Option<String>,
    /// One status or several, comma-separated, in any case: `red,amber`.
    #[serde(default)]
    #[param(value_type = Option<Vec<Brag>>, style = Form, explode = false, max_items = 20)]
    pub brag: Many<Brag>,
    /// Only actions this owner leads.
    pub lead_id: Option<String>,
    /// Only actions led by an owner of this organisation.
    pub organisation_id: Option<String>,
    /// Only actions led by an owner of this organisation, named by its id or its code (`CNWL`).
    pub organisation: Option<String>,
    /// Only actions of plans this governance body leads, or of priorities it works on.
    pub body_id: Option<String>,
    /// `true`: only actions past their due date and not blue or green.
    pub overdue: Option<bool>,
    /// `true`: only actions with no due date that do not repeat ("TBD"); `false`: only the others.
    pub undated: Option<bool>,
    /// Only actions due before this day.
    pub due_before: Option<NaiveDate>,
    /// Only actions due after this day.
    pub due_after: Option<NaiveDate>,
    /// Only actions changed at or after this time: a date-time (`2026-11-30T09:00:00Z`), or a date (`2026-11-30`, from its start, UTC).
    #[param(value_type = Option<String>)]
    pub updated_since: Option<Since>,
    /// Only the action with this business reference, e.g. `Afl3.3/6`.
    pub r#ref: Option<String>,
    /// Only the action a partner system knows by this id, written `system:id`, e.g. `cnwl-rio:CAMHS-ACT-0042`.
    pub external_ref: Option<String>,
}

impl ActionQuery {
    pub(crate) fn into_filter(self) -> ActionFilter {
        ActionFilter {
            plan_id: self.plan_id,
            plan: self.plan,
            priority_id: self.priority_id,
            outcome_id: self.outcome_id,
            brag: self.brag.0,
            lead_id: self.lead_id,
            organisation_id: self.organisation_id,
            organisation: self.organisation,
            body_id: self.body_id,
            overdue_on: self.overdue.filter(|o| *o).map(|_| Utc::now().date_naive()),
            undated: self.undated,
            due_before: self.due_before,
            due_after: self.due_after,
            updated_since: self.updated_since.map(Since::naive_utc),
            ref_: self.r#ref,
            external_ref: self.external_ref.as_deref().map(rules::external_filter),
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Actions,
    view: Action,
    input: ActionInput,
    query: ActionQuery,
    list_fn: query::list,
    tag: "actions",
    parent: {
        filter: plan_id,
        id: "Plan id",
    },
    list: {
        handler: list_actions,
        path: "/api/v1/actions",
        operation_id: "action_list",
        summary: "List actions across plans, filtered",
        description: "A page of actions, oldest first",
    },
    nested: {
        handler: list_plan_actions,
        path: "/api/v1/plans/{id}/actions",
        operation_id: "plan_action_list",
        summary: "List a plan's actions, filtered",
        description: "A page of the plan's actions, oldest first",
    },
    create: {
        handler: create_action,
        operation_id: "plan_action_create",
        summary: "Add an action to a plan",
        location: "URL of the new action",
    },
}

find_endpoint! {
    resource: Actions,
    view: Action,
    handler: find_action,
    path: "/api/v1/actions/{id}",
    operation_id: "action_view",
    tag: "actions",
    id: "Action id",
    summary: "Get one action",
    found: "The action",
}

change_endpoints! {
    resource: Actions,
    view: Action,
    input: ActionInput,
    path: "/api/v1/actions/{id}",
    tag: "actions",
    id: "Action id",
    stored: "The action as stored",
    replace: {
        handler: replace_action,
        operation_id: "action_replace",
        summary: "Replace an action's fields",
    },
    update: {
        handler: update_action,
        operation_id: "action_update",
        summary: "Change some of an action's fields (JSON Merge Patch)",
        example: json!({"brag": "green", "completed_on": "2025-07-15"}),
    },
    delete: {
        handler: delete_action,
        operation_id: "action_delete",
        summary: "Delete an action nothing is monitored in",
    },
}

history_endpoints! {
    resource: Actions,
    list: action_versions,
    one: action_version,
    list_path: "/api/v1/actions/{id}/versions",
    one_path: "/api/v1/actions/{id}/versions/{version}",
    list_operation_id: "action_version_list",
    one_operation_id: "action_version_view",
    tag: "actions",
    list_summary: "List the versions of an action",
    one_summary: "Get one version of an action",
}
