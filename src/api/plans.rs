//! `/api/v1/plans`: strategies and action plans, with their senior responsible
//! owners and partner organisations.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{self, AsOfQuery, Resource, TopLevel, Write, Writers},
    endpoints::{change_endpoints, history_endpoints},
    filters::Many,
    pagination::{self, PageQuery, Paginated},
    plan_fields,
    problems::{CreateErrors, ListErrors, NotModified, ViewErrors},
    report_cache::{answer, instant, keep, settled, ReportCache},
    request_body::{Input, Valid},
    rules,
    summary::{self, Summary},
    tree::{self as plan_tree, PlanTree},
};
use crate::{
    auth::{scope, Caller, Principal},
    db::{
        as_of, history,
        plans::{self as query, Plan as PlanRecord, PlanFields, PlanFilter, PlanRow, PlanWrite},
        tree, DbConnection, Page, Store, StoreError, WriteTx,
    },
    domain::{change::Operation, ResourceType},
    domain::{
        external_ref::ExternalRef,
        plan::{PlanField, PlanKind, PlanStatus},
        reporting::{Cycle, ReportingCadence},
    },
    error::{ApiError, FieldError},
};

/// The period a plan covers, in its own words and as dates where known.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "2025 to 2028", "start": "2025-01-01", "end": "2028-03-31"}))]
pub struct Period {
    #[validate(length(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

impl Period {
    pub fn is_empty(&self) -> bool {
        self.label.is_none() && self.start.is_none() && self.end.is_none()
    }
}

/// When a plan's leads report, and what a report must carry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cadence": "quarterly", "cutoff_day": 15, "narrative_required": true}))]
pub struct Reporting {
    /// `monthly`, `quarterly` (calendar quarters), `termly` (autumn August to
    /// December, spring January to March, summer April to July) or `dates` (the
    /// periods end on `dates`); absent: the plan declares no reporting cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<ReportingCadence>,
    /// With `dates`: the last day of each period, ascending. The first period
    /// starts on the plan's `period.start` when that comes before it, else on
    /// the first day of its month.
    #[validate(length(max = 200))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 200)]
    pub dates: Vec<NaiveDate>,
    /// The day of a period's last month its updates are due by (a shorter
    /// month's last day, and never before the period starts); absent: the
    /// period's last day.
    #[validate(range(min = 1, max = 31))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 31)]
    pub cutoff_day: Option<u8>,
    /// Every change of an action's BRAG must come with a narrative: it is made
    /// by posting a status update that has one, and a PATCH or PUT of `brag` is
    /// refused. `false` when left out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub narrative_required: bool,
}

impl Reporting {
    pub fn is_empty(&self) -> bool {
        *self == Reporting::default()
    }

    fn of(row: &PlanRow) -> Self {
        Reporting {
            cadence: row.reporting_cadence,
            dates: row
                .reporting_dates
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_default(),
            cutoff_day: row.reporting_cutoff_day.and_then(|d| u8::try_from(d).ok()),
            narrative_required: row.narrative_required,
        }
    }

    /// The plan's cycle, when it declares one.
    pub fn cycle(&self, plan_start: Option<NaiveDate>) -> Option<Cycle> {
        Some(Cycle {
            cadence: self.cadence?,
            dates: self.dates.clone(),
            cutoff_day: self.cutoff_day.map(u32::from),
            start: plan_start,
        })
    }

    fn cross_checks(&self) -> Vec<Option<FieldError>> {
        let listed = self.cadence == Some(ReportingCadence::Dates);
        vec![
            (listed && self.dates.is_empty()).then(|| {
                FieldError::new(
                    "reporting.dates",
                    "required",
                    "a `dates` cadence needs its dates",
                )
            }),
            (!listed && !self.dates.is_empty()).then(|| {
                FieldError::new(
                    "reporting.dates",
                    "not_allowed",
                    "dates are given only with the `dates` cadence",
                )
            }),
            self.dates
                .windows(2)
                .any(|pair| pair[0] >= pair[1])
                .then(|| {
                    FieldError::new(
                        "reporting.dates",
                        "out_of_order",
                        "dates must ascend, each once",
                    )
                }),
        ]
    }
}

/// A strategy or action plan of the partnership.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-0000000000d1",
    "ref": "SEND-LAIAP-2025",
    "title": "SEND Local Area Inspection Action Plan",
    "kind": "inspection_action_plan",
    "period": {"label": "January 2025"},
    "status": "active",
    "lead_body_id": "019ab3c4-5e6f-7a00-8b00-0000000000c1",
    "lead_body": {"id": "019ab3c4-5e6f-7a00-8b00-0000000000c1", "name": "SEND Executive Board"},
    "senior_responsible_owner_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000b2"],
    "senior_responsible_owners": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000b2", "name": "Director of Children's Services", "organisation": "MKCC"}],
    "partner_organisation_ids": ["019ab3c4-5e6f-7a00-8b00-0000000000a1"],
    "partner_organisations": [{"id": "019ab3c4-5e6f-7a00-8b00-0000000000a1", "name": "Milton Keynes City Council", "organisation": "MKCC"}],
    "published": true,
    "external_refs": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Plan {
    pub id: String,
    /// Unique business reference.
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: String,
    pub kind: PlanKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    pub period: Period,
    pub status: PlanStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_body_id: Option<String>,
    /// The lead body named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_body: Option<Summary>,
    pub senior_responsible_owner_ids: Vec<String>,
    /// The senior responsible owners named, with their organisations' codes, in the same order.
    pub senior_responsible_owners: Vec<Summary>,
    pub partner_organisation_ids: Vec<String>,
    /// The partner organisations named, with their codes, in the same order.
    pub partner_organisations: Vec<Summary>,
    /// Published plans may be read without a token where the deployment allows it.
    pub published: bool,
    /// The document the plan came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_document: Option<String>,
    /// Partner systems' ids for this plan.
    pub external_refs: Vec<ExternalRef>,
    /// The plan's reporting cycle; absent when it declares none.
    #[serde(skip_serializing_if = "Reporting::is_empty")]
    pub reporting: Reporting,
    #[serde(flatten)]
    pub audit: Audit,
    /// Everything in the plan; only with `include=tree`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree: Option<PlanTree>,
}

impl From<PlanRecord> for Plan {
    fn from(plan: PlanRecord) -> Self {
        let row = plan.row;
        Plan {
            period: Period {
                label: row.period_label.clone(),
                start: row.period_start,
                end: row.period_end,
            },
            id: row.id.clone(),
            reference: row.ref_.clone(),
            title: row.title.clone(),
            kind: row.kind,
            summary: row.summary.clone(),
            vision: row.vision.clone(),
            status: row.status,
            lead_body_id: row.lead_body_id.clone(),
            lead_body: plan.lead_body.map(Summary::from),
            senior_responsible_owner_ids: plan.sros,
            senior_responsible_owners: summary::all(plan.sro_names),
            partner_organisation_ids: plan.partners,
            partner_organisations: summary::all(plan.partner_names),
            published: row.published,
            source_document: row.source_document.clone(),
            external_refs: plan.external_refs,
            reporting: Reporting::of(&row),
            audit: audit_of!(row),
            tree: None,
        }
    }
}

/// The fields a client sets on a plan.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ref": "BSIL-2026",
    "title": "Best Start in Life Plan",
    "kind": "strategy",
    "vision": "Every child grows up healthy, confident and ready to learn",
    "period": {"label": "to 2028", "end": "2028-08-31"},
    "status": "active",
    "published": true
}))]
pub struct PlanInput {
    #[validate(custom(function = rules::reference))]
    #[schema(min_length = 1, max_length = 64, example = "BSIL-2026")]
    pub r#ref: String,
    #[validate(length(min = 1, max = 300), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    pub kind: PlanKind,
    #[validate(length(max = 20000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20000)]
    pub summary: Option<String>,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub vision: Option<String>,
    #[validate(nested)]
    #[serde(default)]
    pub period: Period,
    /// `draft` when left out.
    #[serde(default = "draft")]
    pub status: PlanStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_body_id: Option<String>,
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub senior_responsible_owner_ids: Vec<String>,
    #[validate(length(max = 100))]
    #[serde(default)]
    #[schema(max_items = 100)]
    pub partner_organisation_ids: Vec<String>,
    /// `false` when left out.
    #[serde(default)]
    pub published: bool,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub source_document: Option<String>,
    /// Partner systems' ids for this plan, each unique within its system.
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub external_refs: Vec<ExternalRef>,
    /// The plan's reporting cycle; none when left out.
    #[validate(nested)]
    #[serde(default, skip_serializing_if = "Reporting::is_empty")]
    pub reporting: Reporting,
}

fn draft() -> PlanStatus {
    PlanStatus::Draft
}

impl Input for PlanInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        [
            rules::in_order("period.end", self.period.start, self.period.end),
            rules::repeated(
                "senior_responsible_owner_ids",
                &self.senior_responsible_owner_ids,
            ),
            rules::repeated("partner_organisation_ids", &self.partner_organisation_ids),
            rules::repeated_refs("external_refs", &self.external_refs),
        ]
        .into_iter()
        .chain(self.reporting.cross_checks())
        .flatten()
        .collect()
    }
}

impl From<PlanInput> for PlanWrite {
    fn from(input: PlanInput) -> Self {
        PlanWrite {
            fields: PlanFields {
                ref_: input.r#ref,
                title: input.title.trim().to_string(),
                kind: input.kind,
                summary: input.summary,
                vision: input.vision,
                period_label: input.period.label,
                period_start: input.period.start,
                period_end: input.period.end,
                status: input.status,
                lead_body_id: input.lead_body_id,
                published: input.published,
                source_document: input.source_document,
                reporting_cadence: input.reporting.cadence,
                reporting_dates: (!input.reporting.dates.is_empty())
                    .then(|| serde_json::json!(input.reporting.dates).to_string()),
                reporting_cutoff_day: input.reporting.cutoff_day.map(i32::from),
                narrative_required: input.reporting.narrative_required,
            },
            sros: input.senior_responsible_owner_ids,
            partners: input.partner_organisation_ids,
            external_refs: input.external_refs,
        }
    }
}

/// How plans are loaded and stored, for the shared operations in `crud`.
pub struct Plans;

impl Resource for Plans {
    const TYPE: ResourceType = ResourceType::Plan;
    const COLLECTION: &'static str = "/api/v1/plans";
    type Record = PlanRecord;
    type Input = PlanInput;
    type View = Plan;

    fn id(record: &PlanRecord) -> &str {
        &record.row.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.row.version
    }

    fn plan_id(
        _conn: &mut DbConnection,
        record: &Self::Record,
    ) -> Result<Option<String>, StoreError> {
        Ok(Some(record.row.id.clone()))
    }

    fn input_of(plan: &PlanRecord) -> PlanInput {
        let row = &plan.row;
        PlanInput {
            r#ref: row.ref_.clone(),
            title: row.title.clone(),
            kind: row.kind,
            summary: row.summary.clone(),
            vision: row.vision.clone(),
            period: Period {
                label: row.period_label.clone(),
                start: row.period_start,
                end: row.period_end,
            },
            status: row.status,
            lead_body_id: row.lead_body_id.clone(),
            senior_responsible_owner_ids: plan.sros.clone(),
            partner_organisation_ids: plan.partners.clone(),
            published: row.published,
            source_document: row.source_document.clone(),
            external_refs: plan.external_refs.clone(),
            reporting: Reporting::of(row),
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<PlanRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &PlanRecord,
        input: Self::Input,
    ) -> Result<PlanRecord, StoreError> {
        query::update(tx, &current.row.id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &PlanRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::Rule(Self::authorize);
}

impl Plans {
    /// A new plan must list the editor's organisation as a partner; an existing
    /// one may be changed by editors of its partners, who stay partners and
    /// remove none.
    fn authorize(
        conn: &mut DbConnection,
        who: &Principal,
        write: Write<'_, Self>,
    ) -> Result<(), ApiError> {
        match write {
            Write::Create { input, .. } => {
                scope::create_plan(conn, who, &input.partner_organisation_ids)
            }
            Write::Change { current, input } => {
                scope::edit_plan(conn, who, &current.row.id)?;
                scope::change_partners(
                    conn,
                    who,
                    &current.partners,
                    &input.partner_organisation_ids,
                )
            }
            Write::Delete { current } => scope::edit_plan(conn, who, &current.row.id),
        }
    }
}

impl TopLevel for Plans {
    fn insert(tx: &mut WriteTx<'_>, input: PlanInput) -> Result<PlanRecord, StoreError> {
        query::insert(tx, input.into())
    }
}

/// Filters of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// One status or several, comma-separated: `draft,active`.
    #[serde(default)]
    #[param(value_type = Option<Vec<PlanStatus>>, style = Form, explode = false, max_items = 20)]
    pub status: Many<PlanStatus>,
    /// One kind or several, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<PlanKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<PlanKind>,
    pub published: Option<bool>,
    /// Only plans led by this governance body.
    pub lead_body_id: Option<String>,
    /// Only plans this organisation is a partner in.
    pub organisation_id: Option<String>,
    /// The same, naming the organisation by its id or its code (`CNWL`).
    pub organisation: Option<String>,
    /// Only the plan with this business reference, e.g. `SEND-LAIAP-2025`.
    #[serde(rename = "ref")]
    #[param(rename = "ref")]
    pub reference: Option<String>,
    /// Only the plan a partner system knows by this id, written `system:id`, e.g. `mkcc-pmo:PLAN-0007`.
    pub external_ref: Option<String>,
    /// The optional fields wanted, comma-separated (`fields=ref,title,status`): the
    /// others (`summary`, `vision`, `lead_body_id`, `lead_body`, `source_document`)
    /// are left out; the fields every plan has always come. All fields when absent.
    #[serde(default)]
    #[param(value_type = Option<Vec<PlanField>>, style = Form, explode = false, max_items = 30)]
    pub fields: Many<PlanField>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    operation_id = "plan_list",
    tag = "plans",
    summary = "List plans",
    params(PageQuery, PlanQuery),
    description = "With `fields`, each plan carries the optional fields named and leaves out the others (its summary and vision are often pages of prose); the fields every plan has always come.",
    responses((status = 200, description = "A page of plans, oldest first", body = Paginated<Plan>), ListErrors)
)]
pub async fn list_plans(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let filter = filter.into_inner();
    let fields = filter.fields.clone();
    // Anonymous readers see published plans only: asking for unpublished ones
    // gives them an empty page.
    if caller.sees_only_published() && filter.published == Some(false) {
        let nothing = Page::<PlanRecord> {
            items: Vec::new(),
            next_after: None,
        };
        return Ok(pagination::respond(&req, nothing, |p| {
            plan_fields::select(Plan::from(p), &fields)
        }));
    }
    let published = match caller.sees_only_published() {
        true => Some(true),
        false => filter.published,
    };
    let filter = PlanFilter {
        status: filter.status.0,
        kind: filter.kind.0,
        published,
        lead_body_id: filter.lead_body_id,
        partner: filter.organisation_id,
        partner_key: filter.organisation,
        ref_: filter.reference,
        external_ref: filter.external_ref.as_deref().map(rules::external_filter),
    };
    let plans = store
        .read(move |conn| query::list(conn, &filter, &page))
        .await?;
    Ok(pagination::respond(&req, plans, |p| {
        plan_fields::select(Plan::from(p), &fields)
    }))
}

/// What to return beside the plan itself.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanViewQuery {
    /// `tree`: also return every priority with its outcomes and their actions, and
    /// the plan's measures and risks, in plan order.
    pub include: Option<PlanInclude>,
    /// Return the plan as it was at this time (RFC 3339); with `include=tree`,
    /// everything in it as it was then, each measure with the readings known then.
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

/// Optional parts of a plan's representation.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanInclude {
    Tree,
}

/// The plan's version current at `at` with its tree as it stood then: 404 if
/// the plan did not exist yet, 410 if it had been deleted.
pub fn plan_as_it_stood(
    conn: &mut DbConnection,
    id: &str,
    at: chrono::NaiveDateTime,
) -> Result<serde_json::Value, ApiError> {
    let plan = history::as_of(conn, ResourceType::Plan, id, at)?;
    let plan = match plan {
        None => return Err(ApiError::not_found("plan", id.to_string())),
        Some(row) if row.operation == Operation::Delete => {
            return Err(ApiError::Gone {
                resource: "plan",
                id: id.to_string(),
            })
        }
        Some(row) => row,
    };
    let mut body: serde_json::Value = serde_json::from_str(&plan.snapshot)
        .map_err(|e| ApiError::Internal(format!("a stored snapshot: {e}")))?;
    body["tree"] = plan_tree::from_snapshots(as_of::plan_items(conn, id, at)?);
    Ok(body)
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    operation_id = "plan_view",
    tag = "plans",
    summary = "Get one plan, optionally with everything in it",
    params(("id" = String, Path, description = "Plan id"), PlanViewQuery, ("If-None-Match" = Option<String>, Header, description = "An ETag you hold; 304 when it is still current")),
    responses((status = 200, description = "The plan; with `include=tree`, its whole tree in `tree`", body = Plan,
            headers(("ETag" = String, description = "The version, quoted"))), ViewErrors, NotModified)
)]
pub async fn find_plan(
    req: HttpRequest,
    store: web::Data<Store>,
    cache: web::Data<ReportCache>,
    caller: Caller,
    id: web::Path<String>,
    view: web::Query<PlanViewQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = view.into_inner();
    if let (Some(PlanInclude::Tree), Some(at)) = (view.include, view.as_of) {
        // History is for token holders, as a plan's other versions are.
        caller.principal()?;
        let key = settled(at).then(|| format!("tree|{id}|{}", instant(at)));
        if let Some(body) = key.as_deref().and_then(|k| cache.get(k)) {
            return Ok(answer(&body));
        }
        let body = store
            .read(move |conn| plan_as_it_stood(conn, &id, at.naive_utc()))
            .await?;
        return keep(&cache, key, &body);
    }
    if view.include.is_none() || view.as_of.is_some() {
        let as_of = AsOfQuery { as_of: view.as_of };
        return crud::find::<Plans>(&req, &store, caller, id, as_of).await;
    }
    let lookup = id.clone();
    let only_published = caller.sees_only_published();
    let contents = store
        .read(move |conn| {
            scope::readable(conn, only_published, Some(&lookup), "plan", &lookup)?;
            tree::load(conn, &lookup).map_err(ApiError::from_store("plan", &lookup))
        })
        .await?;
    let mut body = Plan::from(contents.plan.clone());
    body.tree = Some(PlanTree::build(contents));
    // The tree changes whenever anything in it does, so the plan's ETag would lie.
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(
    post,
    path = "/api/v1/plans",
    operation_id = "plan_create",
    tag = "plans",
    summary = "Create a plan",
    request_body = PlanInput,
    responses(
        (status = 201, description = "Created; `Location` names the new plan", body = Plan,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "URL of the new plan"))),
        CreateErrors
    )
)]
pub async fn create_plan(
    store: web::Data<Store>,
    caller: Caller,
    body: Valid<PlanInput>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<Plans>(&store, caller, body.0).await
}

change_endpoints! {
    resource: Plans,
    view: Plan,
    input: PlanInput,
    path: "/api/v1/plans/{id}",
    tag: "plans",
    id: "Plan id",
    stored: "The plan as stored",
    replace: {
        handler: replace_plan,
        operation_id: "plan_replace",
        summary: "Replace a plan's fields",
    },
    update: {
        handler: update_plan,
        operation_id: "plan_update",
        summary: "Change some of a plan's fields (JSON Merge Patch)",
        example: json!({"status": "active", "published": true}),
    },
    delete: {
        handler: delete_plan,
        operation_id: "plan_delete",
        summary: "Delete an empty plan",
    },
}

history_endpoints! {
    resource: Plans,
    list: plan_versions,
    one: plan_version,
    list_path: "/api/v1/plans/{id}/versions",
    one_path: "/api/v1/plans/{id}/versions/{version}",
    list_operation_id: "plan_version_list",
    one_operation_id: "plan_version_view",
    tag: "plans",
    list_summary: "List the versions of a plan",
    one_summary: "Get one version of a plan",
}
