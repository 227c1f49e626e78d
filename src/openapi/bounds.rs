//! Bounds on every value the document describes, as the OWASP API Security
//! ruleset asks (API4: unrestricted resource consumption): each string a
//! length and a format or pattern, each integer a format and a range, and the
//! headers every answer can carry (CORS, rate limit) declared once and
//! referred to. Applied to the served document after the derived schemas.
//!
//! Limits come, in this order, from the schema itself (the input rules), from
//! what a value is (ids are UUIDs, dates, URLs, cursors), from the few texts
//! the server writes itself, and otherwise from the type's own range.

use serde_json::{json, Map, Value};

use crate::{api::rules::REFERENCE_PATTERN, error::TEXT_LIMIT};

/// Text that holds no NUL: every body field, query and path (`api::nul`).
const NUL_FREE: &str = "^[^\\u0000]*$";
const UUID_LENGTH: u64 = 36;
/// RFC 3339 with microseconds and an offset: `2026-11-23T10:05:00.123456+00:00`.
const DATE_TIME_LENGTH: u64 = 40;
const URL_LENGTH: u64 = 2048;
/// Opaque page cursors: base64url of an id.
const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";
const CURSOR_LENGTH: u64 = 512;
/// A problem's `code` and a field error's `code`: snake case words.
const CODE_WORDS: &str = "^[a-z][a-z0-9_]*$";

/// Schemas whose `id` is not one of Waymark's UUIDs.
const FOREIGN_IDS: &[&str] = &["ExternalRef"];

/// Header definitions every answer refers to, each under its own name.
fn shared_headers() -> Value {
    let text = |description: &str, pattern: &str, max: u64, example: &str| {
        json!({
            "description": description,
            "required": false,
            "schema": {"type": "string", "pattern": pattern, "maxLength": max},
            "example": example,
        })
    };
    json!({
        "Access-Control-Allow-Origin": {
            "description": "The caller's origin, when it is one the deployment allows (`WAYMARK_CORS_ORIGINS`); absent otherwise, so browsers refuse other sites' pages",
            "required": false,
            "schema": {"type": "string", "format": "uri", "maxLength": URL_LENGTH},
            "example": "https://app.example",
        },
        "RateLimit-Policy": text(
            "The caller's quota: `q` requests per window of `w` seconds (IETF RateLimit header fields draft); absent when the deployment does not limit requests",
            "^\"per-caller\";q=[0-9]+;w=60$",
            64,
            "\"per-caller\";q=600;w=60",
        ),
        "RateLimit": text(
            "What is left of the quota: `r` requests, and `t` seconds until the next is let through once none are left; absent when the deployment does not limit requests",
            "^\"per-caller\";r=[0-9]+;t=[0-9]+$",
            64,
            "\"per-caller\";r=599;t=0",
        ),
    })
}

/// Bounds for a header schema of this name, written inline by the handlers.
fn header_bounds(name: &str) -> Option<(&'static str, u64)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "retry-after" => ("^[0-9]{1,10}$", 10),
        "www-authenticate" => ("^Bearer( .*)?$", 512),
        // A version (`"3"`) or a content hash (`"sha256-` and 64 hex digits).
        "etag" => ("^(W/)?\"[^\"]*\"$", 80),
        "location" => ("^/", URL_LENGTH),
        "link" => ("^<[^>]*>; rel=\"next\"$", URL_LENGTH + 16),
        "allow" => ("^[A-Z]+(, [A-Z]+)*$", 64),
        "if-match" | "if-none-match" => ("^(\\*|(W/)?\"[^\"]*\"( *, *(W/)?\"[^\"]*\")*)$", 1024),
        _ => return None,
    })
}

/// Bounds the whole document.
pub fn bound(doc: &mut Value) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("headers".into(), shared_headers());
        if let Some(schemes) = components
            .get_mut("securitySchemes")
            .and_then(Value::as_object_mut)
        {
            schemes.insert(
                "metrics_token".into(),
                json!({"type": "http", "scheme": "bearer",
                       "description": "The metrics token (WAYMARK_METRICS_TOKEN), when the deployment sets one"}),
            );
        }
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for (name, schema) in schemas.iter_mut() {
                let foreign_id = FOREIGN_IDS.contains(&name.as_str());
                schema_bounds(schema, name, "", foreign_id);
            }
        }
    }
    if let Some(server) = doc.pointer_mut("/servers/0").and_then(Value::as_object_mut) {
        // Partners' systems call it across organisations: not internal.
        server.insert("x-internal".into(), Value::Bool(false));
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            if path == "/metrics" && method == "get" {
                operation["security"] = json!([{}, {"metrics_token": []}]);
            }
            operation_bounds(operation);
        }
    }
}

fn operation_bounds(operation: &mut Value) {
    for parameter in operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let name = parameter["name"].as_str().unwrap_or_default().to_string();
        let in_header = parameter["in"] == "header";
        let Some(schema) = parameter.get_mut("schema") else {
            continue;
        };
        if in_header {
            if let Some((pattern, max)) = header_bounds(&name) {
                restrict(schema, pattern, max);
            }
        }
        schema_bounds(schema, "", &name, false);
    }
    for (_, response) in operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
    {
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        let headers = response
            .entry("headers")
            .or_insert_with(|| json!({}))
            .as_object_mut();
        if let Some(headers) = headers {
            for (name, header) in headers.iter_mut() {
                if let (Some((pattern, max)), Some(schema)) =
                    (header_bounds(name), header.get_mut("schema"))
                {
                    restrict(schema, pattern, max);
                }
            }
            for name in [
                "Access-Control-Allow-Origin",
                "RateLimit-Policy",
                "RateLimit",
            ] {
                headers.insert(
                    name.into(),
                    json!({"$ref": format!("#/components/headers/{name}")}),
                );
            }
        }
        json_content_bounds(response.get_mut("content"));
    }
    json_content_bounds(operation.pointer_mut("/requestBody/content"));
}

/// Bounds JSON bodies; a CSV table or the metrics page is a document whose
/// size follows the data, with no length to promise.
fn json_content_bounds(content: Option<&mut Value>) {
    for (media_type, content) in content.and_then(Value::as_object_mut).into_iter().flatten() {
        if !media_type.contains("json") {
            continue;
        }
        if let Some(schema) = content.get_mut("schema") {
            schema_bounds(schema, "", "", false);
        }
    }
}

fn restrict(schema: &mut Value, pattern: &str, max: u64) {
    if let Some(schema) = schema.as_object_mut() {
        schema.entry("pattern").or_insert_with(|| pattern.into());
        schema.entry("maxLength").or_insert_with(|| max.into());
    }
}

/// The JSON types a schema allows, `null` aside.
fn types(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Walks a schema: `owner` is the component it belongs to, `field` the name of
/// the property or parameter it describes.
fn schema_bounds(schema: &mut Value, owner: &str, field: &str, foreign_id: bool) {
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get_mut(key)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            schema_bounds(part, owner, field, foreign_id);
        }
    }
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, property) in properties.iter_mut() {
            schema_bounds(property, owner, name, foreign_id);
        }
    }
    let kinds = types(schema);
    if kinds.iter().any(|t| t == "array") {
        if let (Some(max), Some(object)) = (most_items(owner, field), schema.as_object_mut()) {
            object.entry("maxItems").or_insert_with(|| max.into());
        }
        if let Some(items) = schema.get_mut("items") {
            let item_field = field.strip_suffix('s').unwrap_or(field).to_string();
            schema_bounds(items, owner, &item_field, foreign_id);
        }
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if kinds.iter().any(|t| t == "string") {
        string_bounds(object, owner, field, foreign_id);
    }
    if kinds.iter().any(|t| t == "integer") {
        integer_bounds(object);
    }
}

/// The most items a list the server writes can hold, where no input rule says.
fn most_items(owner: &str, field: &str) -> Option<u64> {
    Some(match (owner, field) {
        (_, "items") if owner.starts_with("Paginated_") || owner == "RevisionPage" => {
            u64::from(crate::api::pagination::MAX_LIMIT)
        }
        ("ChangePage", "items") => crate::api::changes::MAX_LIMIT as u64,
        ("BatchResult", "results") => crate::api::reading_batches::MAX_ITEMS as u64,
        ("Problem", "errors") => crate::error::MOST_ERRORS as u64,
        ("Problem", "references") => 100,
        ("WebhookDeliveryDetail", "attempt_log") => crate::db::webhooks::ATTEMPTS_SHOWN as u64,
        // A bundle holds at most WAYMARK_BUNDLE_MAX_ENTRIES, itself at most this.
        ("Bundle" | "PriorityEntry" | "OutcomeEntry" | "MeasureEntry", _) => 1_000_000,
        _ => return None,
    })
}

fn string_bounds(schema: &mut Map<String, Value>, owner: &str, field: &str, foreign_id: bool) {
    if schema.contains_key("enum") || schema.contains_key("const") {
        return;
    }
    let is_id = (field == "id" && !foreign_id) || field.ends_with("_id");
    let (format, pattern, max): (Option<&str>, Option<&str>, u64) =
        match schema.get("format").and_then(Value::as_str) {
            Some("date") => (None, None, 10),
            Some("date-time") => (None, None, DATE_TIME_LENGTH),
            Some("uri" | "uri-reference") => (None, None, URL_LENGTH),
            Some("email") => (None, None, 254),
            Some("uuid") => (None, None, UUID_LENGTH),
            Some(_) => (None, None, TEXT_LIMIT),
            None if is_id => (Some("uuid"), None, UUID_LENGTH),
            None => match field {
                "next" => (Some("uri-reference"), None, URL_LENGTH),
                "next_cursor" | "cursor" => (None, Some(CURSOR_PATTERN), CURSOR_LENGTH),
                "ref" | "previous_ref" | "monitored_in" | "details_in" | "plan_ref" => {
                    (None, Some(REFERENCE_PATTERN), 64)
                }
                "code" if matches!(owner, "Problem" | "FieldError") => (None, Some(CODE_WORDS), 64),
                _ => (None, Some(NUL_FREE), TEXT_LIMIT),
            },
        };
    if let Some(format) = format {
        schema.insert("format".into(), format.into());
    }
    if let (Some(pattern), false) = (pattern, schema.contains_key("pattern")) {
        schema.insert("pattern".into(), pattern.into());
    }
    schema.entry("maxLength").or_insert_with(|| max.into());
}

/// A format and a range: the format's own range where the schema sets none.
fn integer_bounds(schema: &mut Map<String, Value>) {
    let unsigned = schema
        .get("minimum")
        .and_then(Value::as_i64)
        .is_some_and(|m| m >= 0);
    let format = schema
        .entry("format")
        .or_insert_with(|| "int64".into())
        .as_str()
        .unwrap_or("int64")
        .to_string();
    let (min, max): (i64, i64) = match format.as_str() {
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    };
    let has_min = schema.contains_key("minimum") || schema.contains_key("exclusiveMinimum");
    if !has_min {
        schema.insert("minimum".into(), if unsigned { 0 } else { min }.into());
    }
    let has_max = schema.contains_key("maximum") || schema.contains_key("exclusiveMaximum");
    if !has_max {
        schema.insert("maximum".into(), max.into());
    }
}
