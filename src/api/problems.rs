//! The error responses each kind of operation can give, for the OpenAPI spec.
//! Declared once here and named in each handler's `responses(...)`.

use std::collections::BTreeMap;

use serde_json::json;
use utoipa::{
    openapi::{
        content::ContentBuilder, example::ExampleBuilder, header::HeaderBuilder,
        response::ResponseBuilder, schema::Ref, ObjectBuilder, RefOr, Response, Type,
    },
    IntoResponses,
};

use crate::error::PROBLEM_JSON;

pub fn problem(status: u16, code: &str, description: &str) -> Response {
    let example = json!({
        "type": format!("urn:waymark:problem:{code}"),
        "title": actix_web::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error"),
        "status": status,
        "detail": description,
        "code": code,
    });
    let mut response = ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .example(Some(example))
            .build(),
    );
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(description))
            .build()
    };
    match status {
        405 => response = response.header("Allow", header("The methods this path supports")),
        503 | 429 => {
            response = response.header("Retry-After", header("Seconds to wait before retrying"))
        }
        401 => {
            response = response.header(
                "WWW-Authenticate",
                header("`Bearer realm=\"waymark\"`, with `error=\"invalid_token\"` and a description when a token was sent but refused"),
            )
        }
        _ => {}
    }
    response.build()
}

/// Adds the answer `status` with problem `code`. A status can only have one
/// response, so a second code for it is folded into the first: both named in
/// the description, one example each.
pub fn add_problem(
    responses: &mut BTreeMap<String, RefOr<Response>>,
    status: u16,
    code: &str,
    description: &str,
) {
    let mut fresh = problem(status, code, description);
    let Some(RefOr::T(existing)) = responses.get_mut(&status.to_string()) else {
        responses.insert(status.to_string(), RefOr::T(fresh));
        return;
    };
    let (Some(content), Some(added)) = (
        existing.content.get_mut(PROBLEM_JSON),
        fresh.content.shift_remove(PROBLEM_JSON),
    ) else {
        return;
    };
    let first_code = content.example.as_ref().map(|e| e["code"].clone());
    if content.examples.contains_key(code) || first_code.is_some_and(|c| c == code) {
        return;
    }
    if let Some(first) = content.example.take() {
        let first_code = first["code"].as_str().unwrap_or("problem").to_string();
        existing.description = format!("`{first_code}`: {}", existing.description);
        content.examples.insert(first_code, example(first));
    }
    existing.description = format!("{}; or `{code}`: {description}", existing.description);
    if let Some(value) = added.example {
        content.examples.insert(code.to_string(), example(value));
    }
}

fn example(value: serde_json::Value) -> RefOr<utoipa::openapi::example::Example> {
    let summary = value["detail"].as_str().unwrap_or_default().to_string();
    RefOr::T(
        ExampleBuilder::new()
            .summary(summary)
            .value(Some(value))
            .build(),
    )
}

fn responses(items: &[(u16, &str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    let mut responses = BTreeMap::new();
    for (status, code, description) in items {
        add_problem(&mut responses, *status, code, description);
    }
    responses
}

pub(crate) const BAD_QUERY: (u16, &str, &str) = (
    400,
    "invalid_query",
    "A query parameter the operation does not take, or one that is invalid (an enum \
     value outside its list, a malformed value, a bad cursor)",
);
const MALFORMED: (u16, &str, &str) = (400, "malformed_json", "The body is not valid JSON");
const NOT_FOUND: (u16, &str, &str) = (404, "not_found", "No such resource");
const GONE: (u16, &str, &str) = (
    410,
    "gone",
    "The resource was deleted; its versions are still readable",
);
pub(crate) const STALE: (u16, &str, &str) = (
    412,
    "version_mismatch",
    "If-Match names a version that is no longer current; `current_version` gives the current one",
);
const UNCONDITIONAL: (u16, &str, &str) = (
    428,
    "precondition_required",
    "The change was sent without If-Match",
);
const METRICS_TOKEN: (u16, &str, &str) = (
    401,
    "invalid_token",
    "A metrics token is configured (WAYMARK_METRICS_TOKEN) and was not sent as the bearer token",
);
const DUPLICATE: (u16, &str, &str) = (409, "duplicate", "A unique value is already in use");
const REFERENCED: (u16, &str, &str) = (
    409,
    "still_referenced",
    "Other resources still refer to this one",
);
const NO_CYCLE: (u16, &str, &str) = (
    409,
    "no_reporting_cycle",
    "The plan declares no reporting cycle (`reporting.cadence`)",
);
const IN_PROGRESS: (u16, &str, &str) = (
    409,
    "delivery_in_progress",
    "An attempt is being sent right now",
);
const TOO_LARGE: (u16, &str, &str) = (
    413,
    "payload_too_large",
    "The body is larger than the configured limit",
);
const NOT_JSON: (u16, &str, &str) = (
    415,
    "unsupported_media_type",
    "The body is not application/json",
);
const INVALID: (u16, &str, &str) = (
    422,
    "validation_failed",
    "One or more fields are invalid; one entry per field",
);
const INTERNAL: (u16, &str, &str) = (
    500,
    "internal_error",
    "An unexpected fault; details are in the server log",
);
const UNAVAILABLE: (u16, &str, &str) = (
    503,
    "database_unavailable",
    "The database is unreachable or busy; retry later. A write whose connection was lost while it committed says it may have been stored: its retry with the same Idempotency-Key replays what was stored or does it once",
);

const FULL: (u16, &str, &str) = (
    503,
    "storage_full",
    "The database's disk is full: nothing was written; retry once the operator has made room",
);
const READ_ONLY: (u16, &str, &str) = (
    503,
    "storage_read_only",
    "The database is read-only: nothing was written; retry once it accepts writes again",
);

macro_rules! problem_set {
    ($(#[$meta:meta])* $name:ident: $($item:expr),+) => {
        $(#[$meta])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                responses(&[$($item),+])
            }
        }
    };
}

problem_set!(/// Errors of a list.
    ListErrors: BAD_QUERY, INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of reading one resource.
    ViewErrors: NOT_FOUND, GONE, INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of reading from a resource's history: a bad instant, or none then.
    HistoryErrors: BAD_QUERY, NOT_FOUND, GONE, INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of reading a plan's reporting periods.
    PeriodErrors: BAD_QUERY, NOT_FOUND, INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of reading who has not reported in a period.
    ReportingErrors: BAD_QUERY, NOT_FOUND, NO_CYCLE, INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of creating a resource.
    CreateErrors: MALFORMED, DUPLICATE, TOO_LARGE, NOT_JSON, INVALID, INTERNAL, UNAVAILABLE, FULL, READ_ONLY);
problem_set!(/// Errors of changing a resource.
    UpdateErrors: MALFORMED, NOT_FOUND, DUPLICATE, GONE, STALE, TOO_LARGE, NOT_JSON, INVALID, UNCONDITIONAL, INTERNAL, UNAVAILABLE, FULL, READ_ONLY);
problem_set!(/// Errors of deleting a resource.
    DeleteErrors: NOT_FOUND, REFERENCED, GONE, STALE, UNCONDITIONAL, INTERNAL, UNAVAILABLE, FULL, READ_ONLY);
problem_set!(/// Errors of sending a webhook delivery again.
    RedeliverErrors: NOT_FOUND, IN_PROGRESS, INTERNAL, UNAVAILABLE, FULL, READ_ONLY);
problem_set!(/// Errors of the liveness probe: only a fault of the server itself.
    HealthErrors: INTERNAL);
problem_set!(/// Errors of the readiness probe.
    ReadyErrors: INTERNAL, UNAVAILABLE);
problem_set!(/// Errors of the metrics, when a metrics token is configured.
    MetricsErrors: METRICS_TOKEN, INTERNAL);

/// `If-None-Match` named the current version.
pub struct NotModified;

impl IntoResponses for NotModified {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let response = ResponseBuilder::new()
            .description("Not modified: `If-None-Match` names the current version")
            .header(
                "ETag",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some("The version, quoted"))
                    .build(),
            )
            .build();
        [("304".to_string(), RefOr::T(response))]
            .into_iter()
            .collect()
    }
}
