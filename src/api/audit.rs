//! The version and audit fields every stored resource carries.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who made the resource and its latest version, and when.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Audit {
    /// Starts at 1 and goes up by one with every change.
    #[schema(example = 1)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    #[schema(example = "mkcc-editor")]
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    #[schema(example = "mkcc-editor")]
    pub updated_by: String,
}

impl Audit {
    pub fn new(
        version: i64,
        created_at: NaiveDateTime,
        created_by: String,
        updated_at: NaiveDateTime,
        updated_by: String,
    ) -> Self {
        Audit {
            version,
            created_at: created_at.and_utc(),
            created_by,
            updated_at: updated_at.and_utc(),
            updated_by,
        }
    }
}

/// Builds the `Audit` of any row with the five audit columns.
macro_rules! audit_of {
    ($row:expr) => {
        $crate::api::audit::Audit::new(
            $row.version,
            $row.created_at,
            $row.created_by,
            $row.updated_at,
            $row.updated_by,
        )
    };
}
pub(crate) use audit_of;
