//! `POST /api/v1/reading-batches`: up to 1,000 readings across measures in one
//! request, as a partner system sends its month's figures. Each item answers for
//! itself; `atomic` chooses between all-or-nothing and storing the valid ones. A
//! reading for a measure, period and cohort that exists is updated (a new version
//! only when something differs), never duplicated.

use std::collections::HashSet;

use actix_web::{http::StatusCode, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{
    crud::{authorize, record_in_plan, Resource, Write},
    idempotency,
    measures::Measures,
    problems::CreateErrors,
    readings::{ReadingInput, Readings},
    request_body::{one_per_field, rule_errors, type_error, JsonBody},
};
use crate::{
    auth::{Caller, Principal},
    db::{idempotency::Answer, reading_batch::Batch, DbConnection, Store, WriteTx},
    domain::{change::Operation, plan::ReadingStatus},
    error::{join_path, ApiError, FieldError, Problem},
};

/// The most items one batch may hold.
pub const MAX_ITEMS: usize = 1000;

/// A reading for one measure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_id": "019ab3c4-5e6f-7a00-8b00-000000000120", "period": "2025-10", "cohort": "All", "value": 371.0, "status": "provisional", "source_system": "CNWL Rio"}))]
pub struct ReadingBatchItem {
    pub measure_id: String,
    pub period: String,
    /// `All` when left out.
    #[serde(default = "super::measures::all")]
    pub cohort: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_value: Option<String>,
    /// `provisional` when left out.
    #[serde(default = "provisional")]
    pub status: ReadingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_system: Option<String>,
}

fn provisional() -> ReadingStatus {
    ReadingStatus::Provisional
}

impl ReadingBatchItem {
    fn split(self) -> (String, ReadingInput) {
        (
            self.measure_id,
            ReadingInput {
                period: self.period,
                cohort: self.cohort,
                value: self.value,
                text_value: self.text_value,
                status: self.status,
                comment: self.comment,
                source_system: self.source_system,
            },
        )
    }
}

/// A batch of readings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "atomic": false,
    "items": [
        {"measure_id": "019ab3c4-5e6f-7a00-8b00-000000000120", "period": "2025-10", "value": 371.0, "source_system": "CNWL Rio"},
        {"measure_id": "019ab3c4-5e6f-7a00-8b00-000000000121", "period": "2025-10", "cohort": "FSM", "value": 55.1, "status": "final"}
    ]
}))]
pub struct ReadingBatch {
    /// `true`: store every item or none (the first failure answers for the
    /// batch). `false` (the default): store the valid items; each answers for itself.
    #[serde(default)]
    pub atomic: bool,
    #[schema(min_items = 1, max_items = 1000)]
    pub items: Vec<ReadingBatchItem>,
}

/// What became of one item.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"index": 0, "status": 201, "id": "019ab3c4-5e6f-7a00-8b00-000000000140", "version": 1}))]
pub struct ItemResult {
    /// The item's position in `items`.
    pub index: usize,
    /// 201 created, 200 updated or already as sent, or the error's status.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Why the item was not stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The answer to a batch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "atomic": false, "created": 1, "updated": 0, "unchanged": 0, "failed": 1,
    "results": [
        {"index": 0, "status": 201, "id": "019ab3c4-5e6f-7a00-8b00-000000000140", "version": 1},
        {"index": 1, "status": 403, "problem": {"type": "urn:waymark:problem:outside_organisation", "title": "Forbidden", "status": 403, "detail": "CNWL does not lead this measure", "code": "outside_organisation"}}
    ]
}))]
pub struct BatchResult {
    pub atomic: bool,
    pub created: usize,
    pub updated: usize,
    /// Items already stored exactly as sent: no new version.
    pub unchanged: usize,
    pub failed: usize,
    /// One per item, in the order sent.
    pub results: Vec<ItemResult>,
}

/// Each item typed and checked on its own, so one bad item names itself.
/// An item as read: typed and checked, or the field errors it has.
type ReadItem = Result<ReadingBatchItem, Vec<FieldError>>;

fn parse(body: Value) -> Result<(bool, Vec<ReadItem>), ApiError> {
    let Value::Object(mut body) = body else {
        return Err(ApiError::invalid(
            "",
            "invalid_type",
            "a batch is a JSON object",
        ));
    };
    let atomic = match body.remove("atomic") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(ApiError::invalid(
                "atomic",
                "invalid_type",
                "must be true or false",
            ))
        }
    };
    let items = match body.remove("items") {
        Some(Value::Array(items)) => items,
        None => {
            return Err(ApiError::invalid(
                "items",
                "required",
                "missing field `items`",
            ))
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "items",
                "invalid_type",
                "must be an array",
            ))
        }
    };
    if let Some(other) = body.keys().next() {
        return Err(ApiError::invalid(
            other.clone(),
            "unknown_field",
            "not a field of a batch",
        ));
    }
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(ApiError::invalid(
            "items",
            "length",
            format!("must have 1 to {MAX_ITEMS} items"),
        ));
    }
    let items = items
        .into_iter()
        .map(|item| {
            let item: ReadingBatchItem =
                serde_path_to_error::deserialize(item).map_err(|e| vec![type_error(e)])?;
            let (_, input) = item.clone().split();
            let mut errors = rule_errors(&input);
            one_per_field(&mut errors);
            if errors.is_empty() {
                Ok(item)
            } else {
                Err(errors)
            }
        })
        .collect();
    Ok((atomic, items))
}

/// An item's field errors, placed under `items[i]`.
fn under(index: usize, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            field: join_path(&format!("items[{index}]"), &e.field),
            ..e
        })
        .collect()
}

/// How a stored item ended.
enum Stored {
    Created(String, i64),
    Updated(String, i64),
    Unchanged(String, i64),
}

/// What the batch has read and decided so far: the measures and their
/// readings, and which measures the caller may write.
struct Items {
    batch: Batch,
    writable: HashSet<String>,
}

impl Items {
    fn load(tx: &mut WriteTx<'_>, items: &[ReadItem]) -> Result<Self, ApiError> {
        let keys: Vec<(&str, &str, &str)> = items
            .iter()
            .filter_map(|item| item.as_ref().ok())
            .map(|i| (i.measure_id.as_str(), i.period.as_str(), i.cohort.as_str()))
            .collect();
        Ok(Items {
            batch: Batch::load(tx.conn, &keys)?,
            writable: HashSet::new(),
        })
    }

    /// The caller's right to write readings of `measure`, judged once per
    /// measure: it depends on the measure alone.
    fn authorize(
        &mut self,
        conn: &mut DbConnection,
        who: &Principal,
        measure: &str,
        write: Write<'_, Readings>,
    ) -> Result<(), ApiError> {
        if !self.writable.contains(measure) {
            authorize::<Readings>(conn, who, write)?;
            self.writable.insert(measure.to_string());
        }
        Ok(())
    }

    fn store_one(
        &mut self,
        tx: &mut WriteTx<'_>,
        who: &Principal,
        item: ReadingBatchItem,
    ) -> Result<Stored, ApiError> {
        let (measure, input) = item.split();
        let Some(plan) = self.batch.measure(&measure).map(|m| m.row.plan_id.clone()) else {
            return Err(ApiError::not_found("measure", measure));
        };
        let (reading, created) = match self
            .batch
            .find(&measure, &input.period, &input.cohort)
            .cloned()
        {
            Some(current) => {
                let write = Write::Change {
                    current: &current,
                    input: &input,
                };
                self.authorize(tx.conn, who, &measure, write)?;
                if Readings::input_of(&current) == input {
                    return Ok(Stored::Unchanged(current.id, current.version));
                }
                let reading = self.batch.update(tx, &measure, input.into())?;
                (reading, false)
            }
            None => {
                let write = Write::Create {
                    parent: Some(&measure),
                    input: &input,
                };
                self.authorize(tx.conn, who, &measure, write)?;
                let reading = self.batch.insert(tx, &measure, input.into())?;
                (reading, true)
            }
        };
        let id = reading.id.clone();
        let operation = if created {
            Operation::Create
        } else {
            Operation::Update
        };
        let (version, _) = record_in_plan::<Readings>(tx, reading, operation, Some(&plan))?;
        Ok(if created {
            Stored::Created(id, version)
        } else {
            Stored::Updated(id, version)
        })
    }
}

/// Names the item in an error that ends an atomic batch.
fn at_item(index: usize, e: ApiError) -> ApiError {
    let path = format!("items[{index}]");
    match e {
        ApiError::NotFound { resource, id } => ApiError::invalid(
            format!("{path}.measure_id"),
            "unknown_reference",
            format!("{resource} {id:?} does not exist"),
        ),
        other => other.within(&path, str::to_string),
    }
}

/// Faults of the server or the database end the batch whatever the mode.
fn ends_batch(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Internal(_) | ApiError::Unavailable(_) | ApiError::InDoubt(_)
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/reading-batches",
    operation_id = "reading_batch_create",
    tag = "readings",
    summary = "Store up to 1,000 readings across measures, each answered on its own",
    description = "Each item is a reading of one measure, for a period and cohort: created when \
        there is none, updated (a new version only when a field differs) when there is. Each \
        item needs the same right as a single reading: a contributor of the organisation whose \
        team is responsible for the measure, or an editor of a partner. With `atomic: false` \
        (the default) the valid items are stored and every item gets its own status and, when \
        it failed, its problem. With `atomic: true` nothing is stored unless everything is: \
        invalid fields answer 422 naming `items[i].field` for every bad item, and the first \
        item refused while storing answers for the batch.",
    request_body = ReadingBatch,
    responses(
        (status = 200, description = "Every item's result", body = BatchResult),
        CreateErrors
    )
)]
pub async fn create_reading_batch(
    store: web::Data<Store>,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let who = caller.principal()?.clone();
    let (atomic, items) = parse(body.0)?;
    if atomic {
        let errors: Vec<FieldError> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.as_ref().err().map(|e| under(i, e.clone())))
            .flatten()
            .collect();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    idempotency::write(
        &store,
        caller.actor(),
        move |tx| {
            let mut items_of = Items::load(tx, &items)?;
            let mut results = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                let stored = match item {
                    Err(errors) => Err(ApiError::Validation(errors)),
                    Ok(item) => items_of.store_one(tx, &who, item).map_err(|e| {
                        if atomic {
                            at_item(index, e)
                        } else {
                            e
                        }
                    }),
                };
                match stored {
                    Ok(stored) => results.push((index, Ok(stored))),
                    Err(e) if atomic || ends_batch(&e) => return Err(e),
                    Err(e) => results.push((index, Err(e))),
                }
            }
            for moved in items_of.batch.judge_measures(tx)? {
                let plan = moved.row.plan_id.clone();
                record_in_plan::<Measures>(tx, moved, Operation::Update, Some(&plan))?;
            }
            items_of.batch.store(tx.conn)?;
            Ok(results)
        },
        move |results| Answer::json(StatusCode::OK, &[], &summarise(atomic, results)),
    )
    .await
}

fn summarise(atomic: bool, results: Vec<(usize, Result<Stored, ApiError>)>) -> BatchResult {
    let mut batch = BatchResult {
        atomic,
        created: 0,
        updated: 0,
        unchanged: 0,
        failed: 0,
        results: Vec::with_capacity(results.len()),
    };
    for (index, result) in results {
        let (status, stored, problem) = match result {
            Ok(Stored::Created(id, v)) => {
                batch.created += 1;
                (201, Some((id, v)), None)
            }
            Ok(Stored::Updated(id, v)) => {
                batch.updated += 1;
                (200, Some((id, v)), None)
            }
            Ok(Stored::Unchanged(id, v)) => {
                batch.unchanged += 1;
                (200, Some((id, v)), None)
            }
            Err(e) => {
                batch.failed += 1;
                let problem = e.problem();
                (problem.status, None, Some(problem))
            }
        };
        let (id, version) = stored.unzip();
        batch.results.push(ItemResult {
            index,
            status,
            id,
            version,
            problem,
        });
    }
    batch
}
