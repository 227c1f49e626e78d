//! The NUL character (U+0000) is refused wherever text comes in. PostgreSQL
//! cannot store it in text and fails the statement; SQLite would store it, and
//! the two backends must take the same input. So no id, filter or field may
//! hold it: a path with `%00` names nothing (404), a query with it is invalid
//! (400, checked per route after the caller's token: `query_rules`), and a body field with it is an invalid field (422, one entry each).

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    HttpResponse,
};
use serde_json::Value;

use crate::error::{ApiError, FieldError};

/// `%00` written in any case: hex digits `0` have none.
pub(crate) const ENCODED_NUL: &str = "%00";

/// Answers requests whose path carries an encoded NUL before any
/// handler or extractor turns it into a database parameter.
pub async fn refuse_in_url(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let refusal = if req.path().contains(ENCODED_NUL) {
        Some(ApiError::RouteNotFound {
            path: req.path().to_string(),
        })
    } else {
        None
    };
    match refusal {
        Some(e) => Ok(req.into_response(HttpResponse::from_error(e))),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

/// Every field of a JSON body whose text (a string or a key) holds NUL.
pub fn fields_with_nul(body: &Value) -> Vec<FieldError> {
    let mut found = Vec::new();
    walk(body, String::new(), &mut found);
    found
        .into_iter()
        .map(|field| FieldError {
            field,
            code: "invalid_character".into(),
            message: "must not contain the NUL character (U+0000)".into(),
        })
        .collect()
}

fn walk(value: &Value, path: String, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('\0') => found.push(path),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{index}]"), found);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if name.contains('\0') {
                    found.push(inner);
                } else {
                    walk(field, inner, found);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_each_field_holding_nul_by_its_path() {
        let body = json!({
            "name": "a\u{0}b",
            "ok": "fine",
            "items": [{"period": "2024/25"}, {"period": "\u{0}", "tags": ["x", "y\u{0}"]}],
            "bad\u{0}key": 1
        });
        let mut fields: Vec<String> = fields_with_nul(&body)
            .into_iter()
            .map(|f| f.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            ["bad\u{0}key", "items[1].period", "items[1].tags[1]", "name"]
        );
        assert!(fields_with_nul(&json!({"name": "plain", "n": [1, null]})).is_empty());
    }
}
