//! One error type for the whole API and its one mapping to RFC 9457
//! `application/problem+json`. Clients see a stable `code` and a safe message;
//! internal detail goes to the log only.

use actix_web::{
    http::{header, StatusCode},
    HttpResponse, ResponseError,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is unavailable.
const RETRY_AFTER_SECONDS: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (bad JSON syntax, query or cursor).
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 401: no bearer token, or one that does not verify; `WWW-Authenticate`
    /// says so as RFC 6750 asks.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: the token is valid but its role or organisation does not allow this.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// 404: the resource does not exist (or the caller may not learn that it does).
    #[error("{resource} {id} was not found")]
    NotFound { resource: &'static str, id: String },
    /// 410: the resource was deleted; its history is still readable.
    #[error("{resource} {id} was deleted")]
    Gone { resource: &'static str, id: String },
    /// 428: a change needs `If-Match` with the version it was based on.
    #[error("send If-Match with the ETag of the version you are changing")]
    PreconditionRequired,
    /// 412: `If-Match` names a version that is no longer current.
    #[error("the resource has changed: its current version is {current_version}")]
    PreconditionFailed { current_version: i64 },
    /// 404: no route has this path.
    #[error("no route matches {path}")]
    RouteNotFound { path: String },
    /// 405: the path exists but not with this method; `Allow` lists the methods.
    #[error("{method} is not allowed here")]
    MethodNotAllowed { method: String, allow: String },
    /// 409: the write conflicts with stored data.
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        references: Vec<Reference>,
    },
    /// 413: the body is larger than the configured limit.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415: the body is not JSON.
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    /// 422: the request cannot be carried out as sent, for a reason that is not
    /// one field (an idempotency key reused for another request).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// 422: the body is well-formed but some fields are invalid.
    #[error("the request has {} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// 429: the caller has used its share of requests for now.
    #[error(
        "too many requests: at most {per_minute} a minute per caller; retry in {retry_after} s"
    )]
    TooManyRequests { per_minute: u32, retry_after: u64 },
    /// 503: the database cannot be reached or is busy; retry later.
    #[error("the database is unavailable")]
    Unavailable(String),
    /// 503: the connection was lost while the write was committing, so whether
    /// it was stored cannot be known here; a retry with the same
    /// Idempotency-Key finds out, and does it once either way.
    #[error("the connection to the database was lost while the write was committing: it may have been stored. Retry with the same Idempotency-Key, which answers with the stored result if it was, or does the write once if it was not")]
    InDoubt(String),
    /// 503: the database's disk is full or it is read-only; nothing was written.
    #[error("{}", storage_detail(code))]
    Storage { code: &'static str, cause: String },
    /// 500: a fault of ours; detail is logged, never returned.
    #[error("internal error")]
    Internal(String),
}

/// A field's path inside the element at `path`: `items[2]` and `period` give
/// `items[2].period`; an index (`[0]`) joins without a dot.
pub fn join_path(path: &str, field: &str) -> String {
    match (path.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (_, true) => path.to_string(),
        _ if field.starts_with('[') => format!("{path}{field}"),
        _ => format!("{path}.{field}"),
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[schema(example = json!({"field": "code", "code": "length", "message": "must be 1 to 32 characters"}))]
pub struct FieldError {
    /// Where the field is, as a path into the body: `holders[0].name`.
    pub field: String,
    /// A stable machine code for the rule broken (`required`, `length`, `format` …).
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// What still refers to a resource that cannot be deleted.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Reference {
    /// The kind of resource that refers to it, e.g. `owners`.
    pub resource: String,
    /// How many of them do.
    pub count: i64,
}

/// An RFC 9457 problem details document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:waymark:problem:validation_failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "the request has 1 invalid field(s)",
    "code": "validation_failed",
    "errors": [{"field": "code", "code": "length", "message": "must be 1 to 32 characters"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; `urn:waymark:problem:` followed by `code`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP reason phrase of `status`.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
    /// A stable machine code; branch on this, not on `detail`.
    pub code: String,
    /// One entry per invalid field (validation failures only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// What still refers to the resource (deletes refused with `still_referenced`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// The version now stored (`version_mismatch` only); retry with it in `If-Match`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Forbidden { code, .. }
            | ApiError::Unprocessable { code, .. } => code,
            ApiError::NotFound { .. } => "not_found",
            ApiError::Gone { .. } => "gone",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::PreconditionFailed { .. } => "version_mismatch",
            ApiError::RouteNotFound { .. } => "route_not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::Validation(_) => "validation_failed",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Storage { code, .. } => code,
            ApiError::Unavailable(_) | ApiError::InDoubt(_) => "database_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    pub fn invalid(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// The same error, said of the element at `path` of a request body: field
    /// paths go under it (through `rename`, for bodies that name fields their own
    /// way) and a refusal's detail names it.
    pub fn within(self, path: &str, rename: impl Fn(&str) -> String) -> Self {
        let under = |field: &str| join_path(path, field);
        match self {
            ApiError::Validation(errors) => ApiError::Validation(
                errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: under(&rename(&e.field)),
                        ..e
                    })
                    .collect(),
            ),
            ApiError::Forbidden { code, detail } => ApiError::Forbidden {
                code,
                detail: format!("{path}: {detail}"),
            },
            ApiError::Conflict {
                code,
                detail,
                references,
            } => ApiError::Conflict {
                code,
                detail: format!("{path}: {detail}"),
                references,
            },
            other => other,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn not_found(resource: &'static str, id: impl Into<String>) -> Self {
        ApiError::NotFound {
            resource,
            id: id.into(),
        }
    }

    /// Maps a store error for one resource: "not found" names what was looked for.
    pub fn from_store(resource: &'static str, id: &str) -> impl FnOnce(StoreError) -> ApiError {
        let id = id.to_string();
        move |e| match e {
            StoreError::NotFound => ApiError::not_found(resource, id),
            other => other.into(),
        }
    }

    pub fn problem(&self) -> Problem {
        let mut problem = self.full_problem();
        // Messages can quote what the client sent (an unknown field's name);
        // the document promises they stay within TEXT_LIMIT and hold no NUL.
        problem.detail = within_limit(problem.detail);
        problem.errors.truncate(MOST_ERRORS);
        for error in &mut problem.errors {
            error.field = within_limit(std::mem::take(&mut error.field));
            error.message = within_limit(std::mem::take(&mut error.message));
        }
        problem
    }

    fn full_problem(&self) -> Problem {
        let status = self.status_code();
        let (errors, references) = match self {
            ApiError::Validation(errors) | ApiError::BadRequest { errors, .. } => {
                (errors.clone(), Vec::new())
            }
            ApiError::Conflict { references, .. } => (Vec::new(), references.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        Problem {
            problem_type: format!("urn:waymark:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code().to_string(),
            errors,
            references,
            current_version: match self {
                ApiError::PreconditionFailed { current_version } => Some(*current_version),
                _ => None,
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::Internal("a row vanished during a request".into()),
            StoreError::Conflict(detail) => {
                // The database's own wording names tables and constraints: log only.
                log::info!("write refused by a database constraint: {detail}");
                ApiError::Conflict {
                    code: "conflict",
                    detail: "the change conflicts with stored data".into(),
                    references: Vec::new(),
                }
            }
            StoreError::Taken { field, value } => ApiError::Conflict {
                code: "duplicate",
                detail: match value {
                    Some(value) => format!("{field} {value:?} is already in use"),
                    None => format!("another record already has this {field}"),
                },
                references: Vec::new(),
            },
            StoreError::Duplicate { field, value } => ApiError::Conflict {
                code: "duplicate",
                detail: format!("{field} {value:?} is already in use"),
                references: Vec::new(),
            },
            StoreError::UnknownReference { field, id } => {
                ApiError::invalid(field, "unknown_reference", format!("{id:?} does not exist"))
            }
            StoreError::Invalid {
                field,
                code,
                message,
            } => ApiError::invalid(field, code, message),
            StoreError::UnknownKey { parameter, message } => ApiError::BadRequest {
                code: "invalid_query",
                detail: format!("the query names nothing: {message}"),
                errors: vec![FieldError {
                    field: parameter.into(),
                    code: "unknown_key".into(),
                    message,
                }],
            },
            StoreError::Referenced(by) => ApiError::Conflict {
                code: "still_referenced",
                detail: format!(
                    "still referred to by {}",
                    by.iter()
                        .map(|(what, n)| format!("{n} {what}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                references: by
                    .into_iter()
                    .map(|(resource, count)| Reference {
                        resource: resource.to_string(),
                        count,
                    })
                    .collect(),
            },
            StoreError::Unavailable(detail) => ApiError::Unavailable(detail),
            StoreError::InDoubt(detail) => ApiError::InDoubt(detail),
            StoreError::Storage { code, detail } => ApiError::Storage {
                code,
                cause: detail,
            },
            StoreError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// The most field errors one problem lists (a body can be wrong in more places).
pub const MOST_ERRORS: usize = 1000;

/// The longest text the API writes or stores: the largest free-text field a
/// client may send (a plan's summary), and the cut-off for messages.
pub const TEXT_LIMIT: u64 = 20_000;

/// `text`, cut at TEXT_LIMIT characters (with an ellipsis) when longer, and
/// with any NUL a client sent (in a field's name, say) shown as U+FFFD: the
/// document promises text without NUL.
fn within_limit(text: String) -> String {
    let text = match text.contains('\0') {
        true => text.replace('\0', "\u{FFFD}"),
        false => text,
    };
    let limit = TEXT_LIMIT as usize;
    if text.chars().count() <= limit {
        return text;
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

/// What a storage fault means for the caller; the cause goes to the log.
fn storage_detail(code: &str) -> &'static str {
    match code {
        "storage_full" => {
            "the database's disk is full: nothing was written; retry once the operator has made room"
        }
        _ => "the database is read-only: nothing was written; retry once it accepts writes again",
    }
}

/// The RFC 6750 challenge: a request without credentials gets no error code, a
/// bad token gets `invalid_token` with a description (quotes and control
/// characters removed, since a token's `kid` can end up in it).
fn bearer_challenge(code: &str, detail: &str) -> String {
    if code == "missing_token" {
        return r#"Bearer realm="waymark""#.to_string();
    }
    let description: String = detail
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control() && *c != '"' && *c != '\\')
        .take(200)
        .collect();
    format!(r#"Bearer realm="waymark", error="invalid_token", error_description="{description}""#)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } | ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::InDoubt(_) | ApiError::Storage { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(detail) => log::error!("internal error: {detail}"),
            ApiError::Unavailable(detail) => log::warn!("database unavailable: {detail}"),
            ApiError::InDoubt(detail) => log::warn!("database lost while committing: {detail}"),
            ApiError::Storage { code, cause } => {
                log::error!("database storage fault ({code}), nothing written: {cause}")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            ApiError::Unavailable(_) | ApiError::InDoubt(_) | ApiError::Storage { .. } => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
            }
            ApiError::TooManyRequests { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized { code, detail } => {
                response.insert_header((header::WWW_AUTHENTICATE, bearer_challenge(code, detail)));
            }
            ApiError::PreconditionFailed { current_version } => {
                response.insert_header((
                    header::ETAG,
                    crate::api::conditional::etag(*current_version),
                ));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}
