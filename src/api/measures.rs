//! `/api/v1/measures` and `/api/v1/plans/{id}/measures`: KPIs and measures of
//! progress, with baselines and targets per period and cohort.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{Child, Resource, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    filters::Many,
    pagination::Paginated,
    request_body::Input,
    rules,
    summary::Summary,
};
use crate::{
    db::{
        measures::{
            self as query, Measure as MeasureRecord, MeasureFields, MeasureFilter, MeasureWrite,
            PeriodValue,
        },
        DbConnection, StoreError, WriteTx,
    },
    domain::ResourceType,
    domain::{
        external_ref::ExternalRef,
        plan::{Direction, MeasureKind, TargetStatus, Trend, Unit},
    },
    error::FieldError,
};

/// A baseline or target: a value for a period and a cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"period": "2024/25", "cohort": "FSM", "value": 54.0}))]
pub struct CohortValue {
    /// As the plan names it: `2024/25`, `2028`.
    #[validate(length(min = 1, max = 50), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 50)]
    pub period: String,
    /// `All`, `FSM`, `SEND Support`, `EHCP` …; `All` when left out.
    #[validate(length(min = 1, max = 100), custom(function = rules::not_blank))]
    #[serde(default = "all")]
    #[schema(min_length = 1, max_length = 100, default = "All")]
    pub cohort: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

pub fn all() -> String {
    query::MAIN_COHORT.to_string()
}

impl From<PeriodValue> for CohortValue {
    fn from(v: PeriodValue) -> Self {
        CohortValue {
            period: v.period,
            cohort: v.cohort,
            value: v.value,
            note: v.note,
        }
    }
}

impl From<CohortValue> for PeriodValue {
    fn from(v: CohortValue) -> Self {
        PeriodValue {
            period: v.period.trim().to_string(),
            cohort: v.cohort.trim().to_string(),
            value: v.value,
            note: v.note,
        }
    }
}

/// A KPI or measure of progress.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000201",
    "plan_id": "019ab3c4-5e6f-7a00-8b00-0000000000d2",
    "ref": "GLD",
    "title": "Good Level of Development",
    "kind": "quantitative",
    "unit": "percent",
    "direction": "higher_is_better",
    "tolerance": 1.0,
    "baselines": [{"period": "2024/25", "cohort": "All", "value": 73.0}, {"period": "2024/25", "cohort": "FSM", "value": 54.0}],
    "targets": [{"period": "2028", "cohort": "All", "value": 77.4}, {"period": "2028", "cohort": "FSM", "value": 59.7}],
    "frequency": "annual",
    "data_source": "DfE Early years foundation stage profile results",
    "outcome_ids": [],
    "corporate_dashboard": false,
    "position": 1,
    "target_status": "off_track",
    "trend": "improving",
    "external_refs": [],
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Measure {
    pub id: String,
    pub plan_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<String>,
    /// Unique among the plan's measures.
    pub r#ref: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: MeasureKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// How far short of target, in the measure's unit, still counts as within tolerance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    pub baselines: Vec<CohortValue>,
    pub targets: Vec<CohortValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// How progress is measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approach: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_source: Option<String>,
    /// A national indicator it matches (LG Inform, OHID Fingertips, DfE statistics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_indicator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_responsible_id: Option<String>,
    /// The team responsible named, with its organisation's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_responsible: Option<Summary>,
    /// Outcomes this measure evidences.
    pub outcome_ids: Vec<String>,
    /// Shown on the corporate dashboard.
    pub corporate_dashboard: bool,
    /// Partner systems' ids for this measure.
    pub external_refs: Vec<ExternalRef>,
    pub position: i32,
    /// The latest reading of the main cohort (`All`, else the first target's),
    /// judged against the target for its period: the cohort's target for that
    /// period, else its next target, else its latest. Readings are in order of the
    /// last day their period covers (`2024/25` ends on 31 August 2025, `Spring
    /// 2025` in March); a period without a date counts from when it was recorded.
    pub target_status: TargetStatus,
    /// Which way the main cohort's last readings (up to four) move: the latest
    /// against the earliest of them, by the measure's direction; absent with
    /// fewer than two numeric readings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// Only in a plan's tree as of an instant (`include=tree&as_of=`): the
    /// readings known then, in time order. A live measure's readings are at
    /// `/measures/{id}/readings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100000)]
    pub readings: Option<Vec<super::readings::Reading>>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<MeasureRecord> for Measure {
    fn from(m: MeasureRecord) -> Self {
        let row = m.row;
        Measure {
            id: row.id.clone(),
            plan_id: row.plan_id.clone(),
            priority_id: row.priority_id.clone(),
            r#ref: row.ref_.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            kind: row.kind,
            unit: row.unit,
            direction: row.direction,
            tolerance: row.tolerance,
            baselines: m.baselines.into_iter().map(CohortValue::from).collect(),
            targets: m.targets.into_iter().map(CohortValue::from).collect(),
            frequency: row.frequency.clone(),
            approach: row.approach.clone(),
            data_source: row.data_source.clone(),
            national_indicator: row.national_indicator.clone(),
            team_responsible_id: row.team_responsible_id.clone(),
            team_responsible: m.team.map(Summary::from),
            outcome_ids: m.outcomes,
            external_refs: m.external_refs,
            corporate_dashboard: row.corporate_dashboard,
            position: row.position,
            target_status: row.target_status,
            trend: row.trend,
            readings: None,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on a measure.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ref": "GLD",
    "title": "Good Level of Development",
    "kind": "quantitative",
    "unit": "percent",
    "direction": "higher_is_better",
    "baselines": [{"period": "2024/25", "cohort": "All", "value": 73.0}],
    "targets": [{"period": "2028", "cohort": "All", "value": 77.4}]
}))]
pub struct MeasureInput {
    /// A priority of the same plan it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_id: Option<String>,
    #[validate(custom(function = rules::reference))]
    #[schema(min_length = 1, max_length = 64, example = "GLD")]
    pub r#ref: String,
    #[validate(length(min = 1, max = 500), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// `quantitative` when left out.
    #[serde(default = "quantitative")]
    pub kind: MeasureKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[validate(range(min = 0.0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0)]
    pub tolerance: Option<f64>,
    #[validate(length(max = 50), nested)]
    #[serde(default)]
    #[schema(max_items = 50)]
    pub baselines: Vec<CohortValue>,
    #[validate(length(max = 50), nested)]
    #[serde(default)]
    #[schema(max_items = 50)]
    pub targets: Vec<CohortValue>,
    #[validate(length(max = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    pub frequency: Option<String>,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub approach: Option<String>,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub data_source: Option<String>,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub national_indicator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_responsible_id: Option<String>,
    #[validate(length(max = 50))]
    #[serde(default)]
    #[schema(max_items = 50)]
    pub outcome_ids: Vec<String>,
    #[serde(default)]
    pub corporate_dashboard: bool,
    /// Partner systems' ids for this measure, each unique within its system.
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    #[schema(max_items = 20)]
    pub external_refs: Vec<ExternalRef>,
    #[validate(range(min = 0, max = 10000))]
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

fn quantitative() -> MeasureKind {
    MeasureKind::Quantitative
}

/// One entry for the first value given twice for the same period and cohort.
fn repeated_values(field: &str, values: &[CohortValue]) -> Option<FieldError> {
    let keys: Vec<String> = values
        .iter()
        .map(|v| format!("{}\u{1f}{}", v.period, v.cohort))
        .collect();
    rules::repeated(field, &keys).map(|mut e| {
        e.message = "gives the same period and cohort twice".into();
        e
    })
}

impl Input for MeasureInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        [
            rules::repeated("outcome_ids", &self.outcome_ids),
            repeated_values("baselines", &self.baselines),
            repeated_values("targets", &self.targets),
            rules::repeated_refs("external_refs", &self.external_refs),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl From<MeasureInput> for MeasureWrite {
    fn from(input: MeasureInput) -> Self {
        MeasureWrite {
            fields: MeasureFields {
                priority_id: input.priority_id,
                ref_: input.r#ref,
                title: input.title.trim().to_string(),
                description: input.description,
                kind: input.kind,
                unit: input.unit,
                direction: input.direction,
                tolerance: input.tolerance,
                frequency: input.frequency,
                approach: input.approach,
                data_source: input.data_source,
                national_indicator: input.national_indicator,
                team_responsible_id: input.team_responsible_id,
                corporate_dashboard: input.corporate_dashboard,
                position: input.position,
            },
            baselines: input.baselines.into_iter().map(PeriodValue::from).collect(),
            targets: input.targets.into_iter().map(PeriodValue::from).collect(),
            outcomes: input.outcome_ids,
            external_refs: input.external_refs,
        }
    }
}

/// How measures are loaded and stored, for the shared operations in `crud`.
pub struct Measures;

impl Resource for Measures {
    const TYPE: ResourceType = ResourceType::Measure;
    const COLLECTION: &'static str = "/api/v1/measures";
    type Record = MeasureRecord;
    type Input = MeasureInput;
    type View = Measure;

    fn id(record: &MeasureRecord) -> &str {
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

    fn input_of(m: &MeasureRecord) -> MeasureInput {
        let row = &m.row;
        MeasureInput {
            priority_id: row.priority_id.clone(),
            r#ref: row.ref_.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            kind: row.kind,
            unit: row.unit,
            direction: row.direction,
            tolerance: row.tolerance,
            baselines: m.baselines.iter().cloned().map(CohortValue::from).collect(),
            targets: m.targets.iter().cloned().map(CohortValue::from).collect(),
            frequency: row.frequency.clone(),
            approach: row.approach.clone(),
            data_source: row.data_source.clone(),
            national_indicator: row.national_indicator.clone(),
            team_responsible_id: row.team_responsible_id.clone(),
            outcome_ids: m.outcomes.clone(),
            external_refs: m.external_refs.clone(),
            corporate_dashboard: row.corporate_dashboard,
            position: row.position,
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<MeasureRecord, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &MeasureRecord,
        input: Self::Input,
    ) -> Result<MeasureRecord, StoreError> {
        query::update(tx, &current.row.id, &current.row.plan_id, input.into())
    }

    fn delete(tx: &mut WriteTx<'_>, current: &MeasureRecord) -> Result<(), StoreError> {
        query::delete(tx, &current.row.id)
    }

    const WRITERS: Writers<Self> = Writers::PlanEditors;
}

impl Child for Measures {
    const PARENT: &'static str = "plan";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        plan: &str,
        input: MeasureInput,
    ) -> Result<MeasureRecord, StoreError> {
        query::insert(tx, plan, input.into())
    }
}

/// Filters of the measure list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureQuery {
    pub plan_id: Option<String>,
    /// Only those of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    pub priority_id: Option<String>,
    /// Only measures evidencing this outcome.
    pub outcome_id: Option<String>,
    /// One or several, comma-separated, in any case: `off_track` for the measures a board should look at.
    #[serde(default)]
    #[param(value_type = Option<Vec<TargetStatus>>, style = Form, explode = false, max_items = 20)]
    pub target_status: Many<TargetStatus>,
    /// One kind or several, comma-separated.
    #[serde(default)]
    #[param(value_type = Option<Vec<MeasureKind>>, style = Form, explode = false, max_items = 20)]
    pub kind: Many<MeasureKind>,
    pub corporate_dashboard: Option<bool>,
    pub team_responsible_id: Option<String>,
    /// Only the measure with this business reference, e.g. `GLD`.
    pub r#ref: Option<String>,
    /// Only the measure a partner system knows by this id, written `system:id`, e.g. `blmk-ics:GLD-ALL`.
    pub external_ref: Option<String>,
}

impl MeasureQuery {
    pub(crate) fn into_filter(self) -> MeasureFilter {
        MeasureFilter {
            plan_id: self.plan_id,
            plan: self.plan,
            priority_id: self.priority_id,
            outcome_id: self.outcome_id,
            target_status: self.target_status.0,
            kind: self.kind.0,
            corporate_dashboard: self.corporate_dashboard,
            team_responsible_id: self.team_responsible_id,
            ref_: self.r#ref,
            external_ref: self.external_ref.as_deref().map(rules::external_filter),
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Measures,
    view: Measure,
    input: MeasureInput,
    query: MeasureQuery,
    list_fn: query::list,
    tag: "measures",
    parent: {
        filter: plan_id,
        id: "Plan id",
    },
    list: {
        handler: list_measures,
        path: "/api/v1/measures",
        operation_id: "measure_list",
        summary: "List measures across plans, filtered",
        description: "A page of measures, oldest first",
    },
    nested: {
        handler: list_plan_measures,
        path: "/api/v1/plans/{id}/measures",
        operation_id: "plan_measure_list",
        summary: "List a plan's measures",
        description: "A page of the plan's measures, oldest first",
    },
    create: {
        handler: create_measure,
        operation_id: "plan_measure_create",
        summary: "Add a measure to a plan",
        location: "URL of the new measure",
    },
}

find_endpoint! {
    resource: Measures,
    view: Measure,
    handler: find_measure,
    path: "/api/v1/measures/{id}",
    operation_id: "measure_view",
    tag: "measures",
    id: "Measure id",
    summary: "Get one measure",
    found: "The measure",
}

change_endpoints! {
    resource: Measures,
    view: Measure,
    input: MeasureInput,
    path: "/api/v1/measures/{id}",
    tag: "measures",
    id: "Measure id",
    stored: "The measure as stored",
    replace: {
        handler: replace_measure,
        operation_id: "measure_replace",
        summary: "Replace a measure's fields, baselines and targets",
    },
    update: {
        handler: update_measure,
        operation_id: "measure_update",
        summary: "Change some of a measure's fields (JSON Merge Patch)",
        example: json!({"tolerance": 1.5}),
    },
    delete: {
        handler: delete_measure,
        operation_id: "measure_delete",
        summary: "Delete a measure without readings",
    },
}

history_endpoints! {
    resource: Measures,
    list: measure_versions,
    one: measure_version,
    list_path: "/api/v1/measures/{id}/versions",
    one_path: "/api/v1/measures/{id}/versions/{version}",
    list_operation_id: "measure_version_list",
    one_operation_id: "measure_version_view",
    tag: "measures",
    list_summary: "List the versions of a measure",
    one_summary: "Get one version of a measure",
}
