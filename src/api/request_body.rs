//! Reading request bodies: content type, size limit, JSON syntax, then types and
//! field rules, each failure mapped to its own problem (415, 413, 400, 422) with
//! the path of the offending field.

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use futures_util::{future::LocalBoxFuture, StreamExt};
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use super::nul;
use crate::error::{ApiError, FieldError};

/// The largest body accepted, from `WAYMARK_MAX_BODY_BYTES`.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A request body as JSON, not yet given a type (PATCH merges it first).
pub struct JsonBody(pub serde_json::Value);

/// A typed request body that passed its field rules.
pub struct Valid<T>(pub T);

/// Input whose rules span several fields (dates in order, fields allowed only for
/// some kinds) adds them here; single-field rules live in `#[validate]`.
pub trait Input: DeserializeOwned + Validate {
    fn cross_checks(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl FromRequest for JsonBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(1 << 20, |l| l.0);
        let checked = check_content_type(req).and_then(|()| check_length(req, limit));
        let mut payload = payload.take();
        Box::pin(async move {
            checked?;
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::bad_request("unreadable_body", e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            let mut value = parse_syntax(&body)?;
            integral_numbers(&mut value);
            let with_nul = nul::fields_with_nul(&value);
            if !with_nul.is_empty() {
                return Err(ApiError::Validation(with_nul));
            }
            Ok(JsonBody(value))
        })
    }
}

impl<T: Input + 'static> FromRequest for Valid<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = JsonBody::from_request(req, payload);
        Box::pin(async move { parse_input(body.await?.0).map(Valid) })
    }
}

/// Gives a JSON value its type and checks every field rule.
pub fn parse_input<T: Input>(value: serde_json::Value) -> Result<T, ApiError> {
    let input: T = serde_path_to_error::deserialize(value)
        .map_err(|e| ApiError::Validation(vec![type_error(e)]))?;
    let mut errors = rule_errors(&input);
    if errors.is_empty() {
        Ok(input)
    } else {
        one_per_field(&mut errors);
        Err(ApiError::Validation(errors))
    }
}

/// Every field rule and cross-field rule `input` breaks.
pub fn rule_errors<T: Input>(input: &T) -> Vec<FieldError> {
    let mut errors = match input.validate() {
        Ok(()) => Vec::new(),
        Err(e) => flatten(&e),
    };
    errors.extend(input.cross_checks());
    errors
}

/// One entry per field: the first rule it breaks, in a stable order.
pub fn one_per_field(errors: &mut Vec<FieldError>) {
    errors.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
    errors.dedup_by(|later, first| later.field == first.field);
}

fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let value = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType {
            detail: format!(
                "the body must be application/json, not {}",
                if value.is_empty() { "missing" } else { value }
            ),
        })
    }
}

/// Refuses a body announced as too large before reading any of it.
fn check_length(req: &HttpRequest, limit: usize) -> Result<(), ApiError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(n) if n > limit => Err(ApiError::PayloadTooLarge { limit }),
        _ => Ok(()),
    }
}

/// JSON Schema counts `3.0` as an integer, and generated clients send it so;
/// serde would refuse it for an integer field. A number with no fraction that
/// an f64 holds exactly becomes an integer; fields of decimals take either.
fn integral_numbers(value: &mut serde_json::Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn parse_syntax(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
    })
}

/// A body of the wrong shape: names the field and the rule, e.g. `holders[0].from`
/// / `invalid_type`, or `name` / `required` for a missing field.
pub fn type_error(e: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    let join = |name: &str| {
        if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let (field, code) = if let Some(name) = quoted_after(&message, "missing field `") {
        (join(name), "required")
    } else if let Some(name) = quoted_after(&message, "unknown field `") {
        // The path already ends at the unknown field.
        let field = if path == "." {
            name.to_string()
        } else {
            path.clone()
        };
        (field, "unknown_field")
    } else if path == "." {
        (String::new(), "invalid_type")
    } else {
        (path.clone(), "invalid_type")
    };
    FieldError {
        field,
        code: code.into(),
        message,
    }
}

fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Turns validator's nested errors into one entry per field path.
pub fn flatten(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    flatten_into(errors, "", &mut out);
    out
}

fn flatten_into(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        // Fields named with a raw identifier (`r#ref`) are `ref` on the wire.
        let field = field.trim_start_matches("r#");
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| {
                FieldError {
                    field: path.clone(),
                    code: e.code.to_string(),
                    message: e
                        .message
                        .as_ref()
                        .map_or_else(|| default_message(e), ToString::to_string),
                }
            })),
            ValidationErrorsKind::Struct(inner) => flatten_into(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten_into(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// Words for validator's built-in rules, which carry no message of their own.
fn default_message(e: &validator::ValidationError) -> String {
    let param = |name: &str| e.params.get(name).map(ToString::to_string);
    match e.code.as_ref() {
        "url" => "must be an absolute URL such as https://example.org".into(),
        "email" => "must be an email address".into(),
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must have {min} to {max} characters or items"),
            (None, Some(max)) => format!("must have at most {max} characters or items"),
            (Some(min), None) => format!("must have at least {min} characters or items"),
            _ => "has the wrong length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be from {min} to {max}"),
            _ => "is out of range".into(),
        },
        code => format!("breaks the {code} rule"),
    }
}
