//! What an id names, beside the id: enough to read a plan without a call per id
//! (who leads an action, and for which organisation).

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::names::Named;

/// An owner, body or organisation as named where another resource refers to it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab3c4-5e6f-7a00-8b00-0000000000b7", "name": "CAMHS Transformation lead", "organisation": "CNWL"}))]
pub struct Summary {
    pub id: String,
    pub name: String,
    /// The organisation's code: an owner's organisation, or the organisation
    /// itself; absent for a governance body and an owner of no organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

impl From<Named> for Summary {
    fn from(n: Named) -> Self {
        Summary {
            id: n.id,
            name: n.name,
            organisation: n.organisation,
        }
    }
}

/// Summaries in the order of the ids they name.
pub fn all(named: Vec<Named>) -> Vec<Summary> {
    named.into_iter().map(Summary::from).collect()
}
