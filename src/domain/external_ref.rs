//! A partner system's own id for a plan, action, measure or owner, so that the
//! system can push to and look up Waymark's resources by the ids it keeps.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"system": "cnwl-rio", "id": "CAMHS-ACT-0042"}))]
pub struct ExternalRef {
    /// Names the partner system: 1 to 64 letters, digits, `.`, `_` or `-`.
    #[validate(custom(function = system_name))]
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub system: String,
    /// The system's own id: 1 to 200 characters, unique within the system for
    /// each kind of resource.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub id: String,
}

fn system_name(value: &str) -> Result<(), ValidationError> {
    let ok = (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        let mut e = ValidationError::new("format");
        e.message = Some("must be 1 to 64 letters, digits, . _ or -".into());
        Err(e)
    }
}

impl ExternalRef {
    /// Reads `system:id`, as list filters take it.
    pub fn parse(text: &str) -> Option<ExternalRef> {
        let (system, id) = text.split_once(':')?;
        (!system.is_empty() && !id.is_empty()).then(|| ExternalRef {
            system: system.to_string(),
            id: id.to_string(),
        })
    }
}
