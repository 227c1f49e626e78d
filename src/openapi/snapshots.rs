//! Types for the stored representations a revision or a webhook delivery
//! carries: a `oneOf` of the resource schemas, discriminated by the resource
//! type (`Revision.resource_type`) or the event type (`WebhookPayload.type`),
//! so that generated clients get a typed snapshot instead of `Any`. Built on
//! the served document from the list of resource types the feed knows.

use serde_json::{json, Map, Value};

use crate::domain::ResourceType;

/// The schema of a resource type: `governance_body` → `GovernanceBody`.
pub fn schema_of(resource_type: &str) -> String {
    resource_type
        .split('_')
        .map(|word| {
            let mut letters = word.chars();
            letters
                .next()
                .map(|first| first.to_uppercase().chain(letters).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

const OPERATIONS: &[&str] = &["created", "updated", "deleted"];

/// Types `Revision.snapshot` and `WebhookDeliveryDetail.payload`.
pub fn type_snapshots(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    revisions(schemas);
    payloads(schemas);
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn example_of(schemas: &Map<String, Value>, name: &str) -> Value {
    schemas
        .get(name)
        .and_then(|s| s.get("example"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn revisions(schemas: &mut Map<String, Value>) {
    let Some(mut fields) = schemas.remove("Revision") else {
        return;
    };
    let mut example = fields
        .as_object_mut()
        .and_then(|f| f.remove("example"))
        .unwrap_or(Value::Null);
    for key in ["resource_type", "snapshot"] {
        if let Some(properties) = fields["properties"].as_object_mut() {
            properties.remove(key);
        }
        if let Some(required) = fields["required"].as_array_mut() {
            required.retain(|r| r != key);
        }
    }
    fields["description"] = "The fields every version has, whatever its resource.".into();
    schemas.insert("RevisionFields".into(), fields);
    let mut variants = Vec::new();
    let mut mapping = Map::new();
    for resource_type in ResourceType::ALL.iter().map(|t| t.as_str()) {
        let schema = schema_of(resource_type);
        let name = format!("{schema}Revision");
        schemas.insert(
            name.clone(),
            json!({
                "description": format!("A stored version of a {}.", resource_type.replace('_', " ")),
                "allOf": [
                    reference("RevisionFields"),
                    {
                        "type": "object",
                        "required": ["resource_type", "snapshot"],
                        "properties": {
                            "resource_type": {"type": "string", "const": resource_type},
                            "snapshot": {
                                "$ref": format!("#/components/schemas/{schema}"),
                                "description": "The whole representation as written (for a delete: as it was when deleted).",
                            }
                        }
                    }
                ]
            }),
        );
        variants.push(reference(&name));
        mapping.insert(
            resource_type.to_string(),
            format!("#/components/schemas/{name}").into(),
        );
    }
    let snapshot_type = example["resource_type"]
        .as_str()
        .unwrap_or("organisation")
        .to_string();
    example["snapshot"] = example_of(schemas, &schema_of(&snapshot_type));
    schemas.insert(
        "Revision".into(),
        json!({
            "description": "A stored version of a resource: its fields, and the resource as written, of the schema `resource_type` names.",
            "oneOf": variants,
            "discriminator": {"propertyName": "resource_type", "mapping": mapping},
            "example": example,
        }),
    );
    if let Some(page) = schemas.get_mut("RevisionPage") {
        page["example"] = json!({"items": [example]});
    }
}

fn payloads(schemas: &mut Map<String, Value>) {
    let Some(event) = schemas.get("Event").cloned() else {
        return;
    };
    let mut variants = Vec::new();
    let mut mapping = Map::new();
    for resource_type in ResourceType::ALL.iter().map(|t| t.as_str()) {
        let schema = schema_of(resource_type);
        let name = format!("{schema}Event");
        let kinds: Vec<String> = OPERATIONS
            .iter()
            .map(|op| format!("{resource_type}.{op}"))
            .collect();
        // The feed's event with its resource type fixed, written out rather
        // than as `allOf` with Event: generators cannot narrow Event's enum.
        let mut data = event.clone();
        if let Some(fields) = data.as_object_mut() {
            fields.remove("example");
            fields.insert(
                "description".into(),
                "The change-feed event, with the resource as that version stored it.".into(),
            );
        }
        if let Some(properties) = data["properties"].as_object_mut() {
            properties.insert(
                "resource_type".into(),
                json!({"type": "string", "const": resource_type}),
            );
            properties.insert("resource".into(), reference(&schema));
        }
        schemas.insert(
            name.clone(),
            json!({
                "description": format!("A webhook body for a {} written.", resource_type.replace('_', " ")),
                "type": "object",
                "required": ["type", "timestamp", "data"],
                "properties": {
                    "type": {"type": "string", "enum": kinds},
                    "timestamp": {"type": "string", "format": "date-time"},
                    "data": data,
                }
            }),
        );
        variants.push(reference(&name));
        for kind in kinds {
            mapping.insert(kind, format!("#/components/schemas/{name}").into());
        }
    }
    schemas.insert(
        "WebhookPayload".into(),
        json!({
            "description": "The JSON body a delivery sends: `type` (`<resource>.<created|updated|deleted>`, or `highlight_report.published`), `timestamp`, and in `data` the change-feed event with the resource as that version stored it (`resource`).",
            "oneOf": variants,
            "discriminator": {"propertyName": "type", "mapping": mapping},
        }),
    );
    let sent = example_of(schemas, "WebhookDeliveryDetail");
    let sent_type = sent
        .pointer("/payload/data/resource_type")
        .and_then(Value::as_str)
        .map(schema_of);
    let resource = sent_type.map(|s| example_of(schemas, &s));
    let Some(detail) = schemas.get_mut("WebhookDeliveryDetail") else {
        return;
    };
    if let (Some(resource), Some(slot)) = (
        resource,
        detail.pointer_mut("/example/payload/data/resource"),
    ) {
        *slot = resource;
    }
    if let Some(parts) = detail["allOf"].as_array_mut() {
        for part in parts {
            if let Some(payload) = part.pointer_mut("/properties/payload") {
                *payload = reference("WebhookPayload");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_name_their_schemas() {
        assert_eq!(schema_of("governance_body"), "GovernanceBody");
        assert_eq!(schema_of("status_update"), "StatusUpdate");
        let doc = crate::openapi::served().unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for resource_type in ResourceType::ALL.iter().map(|t| t.as_str()) {
            let schema = schema_of(resource_type);
            assert!(schemas.contains_key(&schema), "{schema}");
            let mapped = &schemas["Revision"]["discriminator"]["mapping"][resource_type];
            assert_eq!(mapped, &format!("#/components/schemas/{schema}Revision"));
            let kind = format!("{resource_type}.updated");
            let mapped = &schemas["WebhookPayload"]["discriminator"]["mapping"][&kind];
            assert_eq!(mapped, &format!("#/components/schemas/{schema}Event"));
        }
    }
}
