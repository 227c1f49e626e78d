//! JSON Merge Patch (RFC 7396): PATCH bodies are merged into the resource's
//! writable fields, and the result is checked exactly as a PUT body would be.

use serde::Serialize;
use serde_json::{Map, Value};

use super::request_body::{parse_input, Input};
use crate::error::ApiError;

pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(fields) = target {
        for (key, value) in changes {
            if value.is_null() {
                fields.remove(key);
            } else {
                merge(fields.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Applies `patch` to the writable fields of `current` and validates the result.
pub fn apply<T: Input + Serialize>(current: &T, patch: Value) -> Result<T, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::invalid(
            "",
            "invalid_type",
            "a merge patch must be a JSON object",
        ));
    }
    let mut merged =
        serde_json::to_value(current).map_err(|e| ApiError::Internal(e.to_string()))?;
    merge(&mut merged, &patch);
    parse_input(merged)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merge;

    #[test]
    fn the_rfc_7396_examples_hold() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));

        let mut target = json!({"a": ["b"]});
        merge(&mut target, &json!({"a": "c"}));
        assert_eq!(target, json!({"a": "c"}));

        let mut target = json!({"e": null});
        merge(&mut target, &json!({"a": 1}));
        assert_eq!(target, json!({"e": null, "a": 1}));

        let mut target = json!({"a": "foo"});
        merge(&mut target, &json!(null));
        assert_eq!(target, json!(null));
    }
}
