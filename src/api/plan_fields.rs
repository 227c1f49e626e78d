//! `GET /api/v1/plans?fields=…`: a list of plans that reads as a list. A plan's
//! optional fields (its summary and vision are often pages of prose) come only
//! when named; the fields every plan has always come, so each item is still a
//! `Plan` as the spec describes it.

use serde::Serialize;
use serde_json::Value;

use super::{filters::Many, plans::Plan};
use crate::domain::plan::PlanField;

/// The fields a plan may go without (absent from the schema's `required`).
const OPTIONAL: &[PlanField] = &[
    PlanField::Summary,
    PlanField::Vision,
    PlanField::LeadBodyId,
    PlanField::LeadBody,
    PlanField::SourceDocument,
    PlanField::Reporting,
];

/// A plan with some optional fields left out: still a `Plan` to the spec.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Selected(Value);

impl utoipa::PartialSchema for Selected {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <Plan as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Selected {
    fn name() -> std::borrow::Cow<'static, str> {
        <Plan as utoipa::ToSchema>::name()
    }
}

/// The plan with the optional fields not in `fields` left out; the whole plan
/// when `fields` is not given.
pub fn select(plan: Plan, fields: &Many<PlanField>) -> Selected {
    Selected(select_value(plan, fields))
}

fn select_value(plan: Plan, fields: &Many<PlanField>) -> Value {
    let mut value = serde_json::to_value(plan).unwrap_or(Value::Null);
    if fields.is_empty() {
        return value;
    }
    if let Some(object) = value.as_object_mut() {
        for field in OPTIONAL.iter().filter(|f| !fields.0.contains(f)) {
            object.remove(field.as_str());
        }
    }
    value
}
