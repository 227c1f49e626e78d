//! One source of limits: a schema that carries the same fields as a create
//! schema (a plan bundle's entries, a reading batch's items, the resource as
//! read back) takes each field's limits from it, as the server checks those
//! fields by the create schema's rules and stores nothing else. Applied to
//! the served document.

use serde_json::{Map, Value};

/// (schema that takes the limits, create schema they come from).
pub const SHARED: &[(&str, &str)] = &[
    ("PlanEntry", "PlanInput"),
    ("PriorityEntry", "PriorityInput"),
    ("OutcomeEntry", "OutcomeInput"),
    ("ActionEntry", "ActionInput"),
    ("MeasureEntry", "MeasureInput"),
    ("RiskEntry", "RiskInput"),
    ("OrganisationEntry", "OrganisationInput"),
    ("OwnerEntry", "OwnerInput"),
    ("BodyEntry", "GovernanceBodyInput"),
    ("ReadingBatchItem", "ReadingInput"),
    ("Plan", "PlanInput"),
    ("Priority", "PriorityInput"),
    ("Outcome", "OutcomeInput"),
    ("Action", "ActionInput"),
    ("Measure", "MeasureInput"),
    ("Risk", "RiskInput"),
    ("Reading", "ReadingInput"),
    ("Organisation", "OrganisationInput"),
    ("Owner", "OwnerInput"),
    ("GovernanceBody", "GovernanceBodyInput"),
    ("StatusUpdate", "StatusUpdateInput"),
    ("Webhook", "WebhookInput"),
];

/// Fields a bundle names by ref or name where the create schema takes ids:
/// (field in the entry, field in the create schema).
const RENAMED: &[(&str, &str)] = &[
    ("leads", "lead_ids"),
    ("chairs", "chair_ids"),
    ("member_organisations", "member_organisation_ids"),
    ("senior_responsible_owners", "senior_responsible_owner_ids"),
    ("partner_organisations", "partner_organisation_ids"),
    ("outcomes", "outcome_ids"),
];

/// The keywords that limit a value.
pub const LIMITS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

/// The JSON types a property schema allows, `null` aside.
fn types(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

/// The limits of `from`, onto `to` where both are of the same type (and onto
/// their items, for arrays).
fn copy(from: &Value, to: &mut Value) {
    if types(from).is_empty() || types(from) != types(to) {
        return;
    }
    let Some(to_map) = to.as_object_mut() else {
        return;
    };
    for keyword in LIMITS {
        if let Some(limit) = from.get(*keyword) {
            to_map.insert((*keyword).to_string(), limit.clone());
        }
    }
    if let (Some(from_items), Some(to_items)) = (from.get("items"), to_map.get_mut("items")) {
        copy(from_items, to_items);
    }
}

/// Gives every shared field of each schema in `SHARED` its create schema's limits.
pub fn share(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (target, source) in SHARED {
        let Some(from) = properties(schemas, source).cloned() else {
            continue;
        };
        let Some(target) = schemas.get_mut(*target) else {
            continue;
        };
        for to in properties_mut(target) {
            for (name, property) in to.iter_mut() {
                let named = RENAMED
                    .iter()
                    .find(|(entry, _)| entry == name)
                    .map_or(name.as_str(), |(_, input)| input);
                if let Some(limits) = from.get(name).or_else(|| from.get(named)) {
                    copy(limits, property);
                }
            }
        }
    }
}

/// The property maps of a schema, its own or those of its `allOf` parts (a
/// resource is its fields beside the audit fields).
fn properties_mut(schema: &mut Value) -> Vec<&mut Map<String, Value>> {
    let Some(object) = schema.as_object_mut() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" => found.extend(value.as_object_mut()),
            "allOf" => {
                for part in value.as_array_mut().into_iter().flatten() {
                    found.extend(part.get_mut("properties").and_then(Value::as_object_mut));
                }
            }
            _ => {}
        }
    }
    found
}

/// A schema's own properties, or those of its last `allOf` part.
fn properties<'a>(schemas: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    let schema = schemas.get(name)?;
    schema
        .get("properties")
        .or_else(|| schema.get("allOf")?.as_array()?.last()?.get("properties"))?
        .as_object()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_fields_carry_their_create_schemas_limits() {
        let mut doc = crate::openapi::derived().unwrap();
        share(&mut doc);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for (target, source) in SHARED {
            let from = properties(schemas, source).unwrap_or_else(|| panic!("{source}"));
            let to = properties(schemas, target).unwrap_or_else(|| panic!("{target}"));
            let mut shared = 0;
            for (name, limits) in from {
                let Some(property) = to.get(name) else {
                    continue;
                };
                if types(limits) != types(property) {
                    continue;
                }
                for keyword in LIMITS {
                    assert_eq!(
                        limits.get(*keyword),
                        property.get(*keyword),
                        "{target}.{name} {keyword} (from {source})"
                    );
                    shared += usize::from(limits.get(*keyword).is_some());
                }
            }
            assert!(shared > 0, "{target} shares no limit with {source}");
        }
        let risk = &schemas["RiskEntry"]["properties"]["likelihood"];
        assert_eq!(
            (risk["minimum"].clone(), risk["maximum"].clone()),
            (1.into(), 5.into())
        );
        assert_eq!(schemas["ReadingBatch"]["additionalProperties"], false);
        assert_eq!(
            schemas["ReadingBatchItem"]["properties"]["period"]["maxLength"],
            50
        );
    }
}
