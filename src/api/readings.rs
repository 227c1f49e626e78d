//! `/api/v1/readings` and `/api/v1/measures/{id}/readings`: a measure's actual
//! values, each judged against its cohort's target.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    crud::{self, Child, Resource, Write, Writers},
    endpoints::{change_endpoints, child_collection_endpoints, find_endpoint, history_endpoints},
    filters::{Many, Since},
    measures::{all, Measures},
    pagination::Paginated,
    request_body::Input,
    rules,
};
use crate::{
    auth::{
        scope::{self, Led},
        Principal,
    },
    db::{
        measures,
        readings::{self as query, ReadingFields, ReadingFilter, ReadingRow},
        DbConnection, StoreError, WriteTx,
    },
    domain::plan::{ReadingStatus, TargetStatus},
    domain::{change::Operation, ResourceType},
    error::ApiError,
};

/// A measure's actual value for a period and a cohort.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000301",
    "measure_id": "019ab3c4-5e6f-7a00-8b00-000000000201",
    "period": "2024/25",
    "cohort": "All",
    "value": 73.0,
    "status": "final",
    "source_system": "DfE EYFSP",
    "target_status": "off_track",
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "created_by": "mkcc-editor",
    "updated_at": "2026-11-23T10:00:00Z",
    "updated_by": "mkcc-editor"
}))]
pub struct Reading {
    pub id: String,
    pub measure_id: String,
    pub period: String,
    pub cohort: String,
    /// The number, for a quantitative measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The evidence, for a qualitative measure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_value: Option<String>,
    pub status: ReadingStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The partner system the value came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_system: Option<String>,
    /// Against the same cohort's target for this period (else its next target,
    /// else its latest), given the measure's direction and tolerance.
    pub target_status: TargetStatus,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<ReadingRow> for Reading {
    fn from(row: ReadingRow) -> Self {
        Reading {
            id: row.id.clone(),
            measure_id: row.measure_id.clone(),
            period: row.period.clone(),
            cohort: row.cohort.clone(),
            value: row.value,
            text_value: row.text_value.clone(),
            status: row.status,
            comment: row.comment.clone(),
            source_system: row.source_system.clone(),
            target_status: row.target_status,
            audit: audit_of!(row),
        }
    }
}

/// The fields a client sets on a reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"period": "2024/25", "cohort": "FSM", "value": 54.0, "status": "final", "source_system": "DfE EYFSP"}))]
pub struct ReadingInput {
    #[validate(length(min = 1, max = 50), custom(function = rules::not_blank))]
    #[schema(min_length = 1, max_length = 50)]
    pub period: String,
    /// `All` when left out.
    #[validate(length(min = 1, max = 100), custom(function = rules::not_blank))]
    #[serde(default = "all")]
    #[schema(min_length = 1, max_length = 100, default = "All")]
    pub cohort: String,
    /// Required for a quantitative measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Required for a qualitative measure.
    #[validate(length(max = 8000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8000)]
    pub text_value: Option<String>,
    /// `provisional` when left out.
    #[serde(default = "provisional")]
    pub status: ReadingStatus,
    #[validate(length(max = 4000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub comment: Option<String>,
    #[validate(length(max = 200))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub source_system: Option<String>,
}

fn provisional() -> ReadingStatus {
    ReadingStatus::Provisional
}

impl Input for ReadingInput {}

impl From<ReadingInput> for ReadingFields {
    fn from(input: ReadingInput) -> Self {
        ReadingFields {
            period: input.period.trim().to_string(),
            cohort: input.cohort.trim().to_string(),
            value: input.value,
            text_value: input.text_value,
            status: input.status,
            comment: input.comment,
            source_system: input.source_system,
        }
    }
}

/// How readings are loaded and stored, for the shared operations in `crud`.
pub struct Readings;

impl Resource for Readings {
    const TYPE: ResourceType = ResourceType::Reading;
    const COLLECTION: &'static str = "/api/v1/readings";
    type Record = ReadingRow;
    type Input = ReadingInput;
    type View = Reading;

    fn id(record: &ReadingRow) -> &str {
        &record.id
    }

    fn version(record: &Self::Record) -> i64 {
        record.version
    }

    fn plan_id(conn: &mut DbConnection, record: &ReadingRow) -> Result<Option<String>, StoreError> {
        measures::plan_of(conn, &record.measure_id).map(Some)
    }

    fn input_of(row: &ReadingRow) -> ReadingInput {
        ReadingInput {
            period: row.period.clone(),
            cohort: row.cohort.clone(),
            value: row.value,
            text_value: row.text_value.clone(),
            status: row.status,
            comment: row.comment.clone(),
            source_system: row.source_system.clone(),
        }
    }

    fn get(conn: &mut DbConnection, id: &str) -> Result<ReadingRow, StoreError> {
        query::get(conn, id)
    }

    fn update(
        tx: &mut WriteTx<'_>,
        current: &ReadingRow,
        input: Self::Input,
    ) -> Result<ReadingRow, StoreError> {
        let (row, moved) = query::update(tx, &current.id, &current.measure_id, input.into())?;
        measure_moved(tx, &row.measure_id, moved)?;
        Ok(row)
    }

    fn delete(tx: &mut WriteTx<'_>, current: &ReadingRow) -> Result<(), StoreError> {
        let moved = query::delete(tx, &current.id, &current.measure_id)?;
        measure_moved(tx, &current.measure_id, moved)
    }

    const WRITERS: Writers<Self> = Writers::Rule(Self::authorize);
}

/// A reading that moved its measure's status or trend changed what the measure
/// says: that is a new version of the measure, in its history, the feed and its
/// ETag, written with the reading.
fn measure_moved(tx: &mut WriteTx<'_>, measure: &str, moved: bool) -> Result<(), StoreError> {
    if moved {
        let record = measures::bump(tx, measure)?;
        crud::record_in_store::<Measures>(tx, record, Operation::Update)?;
    }
    Ok(())
}

impl Readings {
    /// A reading is progress on its measure: contributors of the organisation
    /// whose team is responsible for the measure may write any of its fields.
    fn authorize(
        conn: &mut DbConnection,
        who: &Principal,
        write: Write<'_, Self>,
    ) -> Result<(), ApiError> {
        let measure = match write {
            Write::Create { parent, .. } => parent.unwrap_or_default(),
            Write::Change { current, .. } | Write::Delete { current } => &current.measure_id,
        };
        let plan = measures::plan_of(conn, measure)?;
        scope::contribute(conn, who, &plan, Led::Measure(measure), None)
    }
}

impl Child for Readings {
    const PARENT: &'static str = "measure";

    fn insert_in(
        tx: &mut WriteTx<'_>,
        measure: &str,
        input: ReadingInput,
    ) -> Result<ReadingRow, StoreError> {
        let (row, moved) = query::insert(tx, measure, input.into())?;
        measure_moved(tx, measure, moved)?;
        Ok(row)
    }

    fn parent_plan(conn: &mut DbConnection, measure: &str) -> Result<Option<String>, StoreError> {
        match measures::plan_of(conn, measure) {
            Ok(plan) => Ok(Some(plan)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Filters of the reading list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingQuery {
    pub measure_id: Option<String>,
    /// Only readings of this plan's measures.
    pub plan_id: Option<String>,
    /// Only those of this plan, named by its id or its ref (`SEND-LAIAP-2025`).
    pub plan: Option<String>,
    /// Only readings for this period, e.g. `2024/25`.
    pub period: Option<String>,
    /// Only readings for this cohort, e.g. `FSM`.
    pub cohort: Option<String>,
    /// One or several, comma-separated, in any case.
    #[serde(default)]
    #[param(value_type = Option<Vec<TargetStatus>>, style = Form, explode = false, max_items = 20)]
    pub target_status: Many<TargetStatus>,
    /// Only readings changed at or after this time: a date-time, or a date (from its start, UTC).
    #[param(value_type = Option<String>)]
    pub updated_since: Option<Since>,
}

impl ReadingQuery {
    pub(crate) fn into_filter(self) -> ReadingFilter {
        ReadingFilter {
            measure_id: self.measure_id,
            plan_id: self.plan_id,
            plan: self.plan,
            period: self.period,
            cohort: self.cohort,
            target_status: self.target_status.0,
            updated_since: self.updated_since.map(Since::naive_utc),
            published_only: false,
        }
    }
}

child_collection_endpoints! {
    resource: Readings,
    view: Reading,
    input: ReadingInput,
    query: ReadingQuery,
    list_fn: query::list,
    tag: "readings",
    parent: {
        filter: measure_id,
        id: "Measure id",
    },
    list: {
        handler: list_readings,
        path: "/api/v1/readings",
        operation_id: "reading_list",
        summary: "List readings across measures, filtered",
        description: "A page of readings, oldest first",
    },
    nested: {
        handler: list_measure_readings,
        path: "/api/v1/measures/{id}/readings",
        operation_id: "measure_reading_list",
        summary: "List a measure's readings",
        description: "A page of the measure's readings, oldest first",
    },
    create: {
        handler: create_reading,
        operation_id: "measure_reading_create",
        summary: "Record a reading of a measure",
        location: "URL of the new reading",
    },
}

find_endpoint! {
    resource: Readings,
    view: Reading,
    handler: find_reading,
    path: "/api/v1/readings/{id}",
    operation_id: "reading_view",
    tag: "readings",
    id: "Reading id",
    summary: "Get one reading",
    found: "The reading",
}

change_endpoints! {
    resource: Readings,
    view: Reading,
    input: ReadingInput,
    path: "/api/v1/readings/{id}",
    tag: "readings",
    id: "Reading id",
    stored: "The reading as stored",
    replace: {
        handler: replace_reading,
        operation_id: "reading_replace",
        summary: "Replace a reading's fields",
    },
    update: {
        handler: update_reading,
        operation_id: "reading_update",
        summary: "Change some of a reading's fields (JSON Merge Patch)",
        example: json!({"status": "final"}),
    },
    delete: {
        handler: delete_reading,
        operation_id: "reading_delete",
        summary: "Delete a reading",
    },
}

history_endpoints! {
    resource: Readings,
    list: reading_versions,
    one: reading_version,
    list_path: "/api/v1/readings/{id}/versions",
    one_path: "/api/v1/readings/{id}/versions/{version}",
    list_operation_id: "reading_version_list",
    one_operation_id: "reading_version_view",
    tag: "readings",
    list_summary: "List the versions of a reading",
    one_summary: "Get one version of a reading",
}
