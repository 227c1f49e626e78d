//! The OpenAPI document, generated from the handlers' own annotations. The
//! committed `openapi/v1.json` must equal what this produces (a test checks).

mod bounds;
mod limits;
mod links;
mod shapes;
mod snapshots;

use links::ResourceLinks;
use shapes::{NestedFilters, PageItems, PlainHeaders, ResourceTypes, TextFormats};

use actix_web::http::Method;
use utoipa::{
    openapi::{
        content::ContentBuilder,
        header::HeaderBuilder,
        path::{Operation, ParameterBuilder, ParameterIn, PathItem},
        schema::{ObjectBuilder, Ref, Schema, SchemaType, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
        RefOr, Required,
    },
    Modify, OpenApi,
};

use crate::{
    api::plans,
    api::problems::{add_problem, problem, BAD_QUERY, STALE},
    auth::{Access, Role},
    error::{FieldError, Problem, Reference},
    routes::access_table,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Waymark",
        description = "The shared record of a local-area partnership's plans for children and \
            families: plans, priorities, outcomes, actions with BRAG status, measures, owners and \
            governance bodies, as versioned resources.\n\nCallers send a JWT as a bearer token; \
            its role (`viewer` < `contributor` < `editor` < `admin`) and organisation decide \
            what it may do, as each operation says. Errors are RFC 9457 \
            `application/problem+json` with a stable `code`. Lists are paginated with `limit` and \
            an opaque `cursor`; the next page's URL is in `next` and in the `Link` header.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "Waymark maintainers")
    ),
    servers((url = "/", description = "This deployment")),
    components(schemas(Problem, FieldError, Reference, plans::PlanInclude, crate::domain::plan::PlanField, crate::domain::meeting::ReportFormat)),
    modifiers(
        &RouteTable,
        &BearerAuth,
        &AccessRules,
        &CsvTables,
        &IdempotentPosts,
        &ParameterProblems,
        &RateLimited,
        &TextFormats,
        &MergePatchBodies,
        &PageItems,
        &PlainHeaders,
        &ResourceTypes,
        &NestedFilters,
        &ResourceLinks
    )
)]
pub struct ApiDoc;

/// The operations come from the route table, which registers each handler with
/// its operation, so the document cannot list a route the server lacks or miss
/// one it serves. First of the modifiers, which adjust these operations.
struct RouteTable;

impl Modify for RouteTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let documented = crate::routes::document();
        openapi.paths = documented.paths;
        openapi.tags = Some(
            crate::routes::TAGS
                .iter()
                .map(|(name, description)| {
                    utoipa::openapi::tag::TagBuilder::new()
                        .name(*name)
                        .description(Some(*description))
                        .build()
                })
                .collect(),
        );
        openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(documented.schemas);
    }
}

/// Declares the bearer-token scheme that partner systems and people authenticate with.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from the partnership's identity provider, checked as RFC8725 \
                         advises: only the configured algorithms, the key must fit the \
                         algorithm (picked by `kid` from the provider's key set), and issuer, \
                         audience, expiry and not-before are checked",
                    ))
                    .build(),
            ),
        );
    }
}

const BEARER: &str = "bearer_auth";

/// Writes each route's access rule into its operation: the security requirement
/// (none, optional or required), the rule in words, the role as
/// `x-waymark-role`, and the 401 and 403 answers it can give. Taken from the
/// route table, so the document cannot disagree with what is enforced.
struct AccessRules;

impl Modify for AccessRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for rule in access_table() {
            let Some(item) = openapi.paths.paths.get_mut(rule.path) else {
                continue;
            };
            let operation = match rule.method {
                Method::GET => item.get.as_mut(),
                Method::POST => item.post.as_mut(),
                Method::PUT => item.put.as_mut(),
                Method::PATCH => item.patch.as_mut(),
                Method::DELETE => item.delete.as_mut(),
                _ => None,
            };
            if let Some(operation) = operation {
                document_access(operation, rule.access);
            }
        }
    }
}

fn document_access(operation: &mut Operation, access: Access) {
    let required = SecurityRequirement::new(BEARER, Vec::<String>::new());
    operation.security = Some(match access {
        Access::Open => Vec::new(),
        // An empty requirement makes the token optional.
        Access::PlanContent => vec![required, SecurityRequirement::default()],
        _ => vec![required],
    });
    let rule = format!("**Access:** {}", access.describe());
    operation.description = Some(match operation.description.take() {
        Some(text) => format!("{text}\n\n{rule}"),
        None => rule,
    });
    let role = access.role().map_or("none", Role::as_str);
    let extensions = operation.extensions.get_or_insert_with(Default::default);
    extensions.insert("x-waymark-role".into(), serde_json::json!(role));
    if access == Access::Open {
        return;
    }
    let responses = &mut operation.responses.responses;
    responses.insert(
        "401".into(),
        RefOr::T(problem(
            401,
            "invalid_token",
            "No bearer token, or one that is expired, forged or not for this service",
        )),
    );
    responses.insert(
        "403".into(),
        RefOr::T(problem(
            403,
            "insufficient_role",
            "The token's role or organisation does not allow this",
        )),
    );
}

/// The lists that also answer `text/csv` (see `api::csv`): the operation, the
/// columns and an example.
const CSV_TABLES: &[(&str, &str, &str, &str)] = &[
    (
        "/api/v1/plans/{id}/actions",
        "plan_action_list",
        "With `Accept: text/csv`: every matching action in plan order (not a page), with the \
         columns of the plan's own table: Ref, Outcome, Lead, Action, Start, Due, BRAG.",
        "Ref,Outcome,Lead,Action,Start,Due,BRAG\r\nAfl3.3/6,Afl3.3,CAMHS Transformation lead,Procurement for longer term \"MK Wellbeing Service\" following successful pilot (action 2 on this plan).,July 2025,TBD,Grey\r\n",
    ),
    (
        "/api/v1/actions",
        "action_list",
        "With `Accept: text/csv`: every matching action across plans (not a page), one row \
         each: Plan, Priority, Priority title, Ref, Action, Leads, Lead organisations, Start, Due, \
         Due date, BRAG, Overdue, Latest update, Latest update at, Latest update by.",
        "Plan,Priority,Priority title,Ref,Action,Leads,Lead organisations,Start,Due,Due date,BRAG,Overdue,Latest update,Latest update at,Latest update by\r\nSEND-LAIAP-2025,Afl3,Area for improvement 3,Afl3.3/7,QI project relating to ADHD pathway improvements,CAMHS Transformation lead,CNWL,Jan 2025,Dec 2025,2025-12-31,Red,yes,Recruitment to the ADHD pathway paused until April.,2026-12-01T09:30:00+00:00,CNWL\r\n",
    ),
    (
        "/api/v1/measures",
        "measure_list",
        "With `Accept: text/csv`: every matching measure across plans (not a page), one row \
         each: Plan, Priority, Ref, Measure, Unit, Direction, Latest target, Latest reading \
         period, Latest reading cohort, Latest reading, Against target, Team responsible, Team \
         organisation, Data source.",
        "Plan,Priority,Ref,Measure,Unit,Direction,Latest target,Latest reading period,Latest reading cohort,Latest reading,Against target,Team responsible,Team organisation,Data source\r\nBSIL-2025,,GLD,Good Level of Development,percent,higher_is_better,77.4 by 2028 (All),2024/25,All,73,off_track,Early Years team,MKCC,DfE EYFSP\r\n",
    ),
    (
        "/api/v1/measures/{id}/readings",
        "measure_reading_list",
        "With `Accept: text/csv`: every matching reading, oldest first (not a page).",
        "Period,Cohort,Value,Text value,Status,Against target,Comment,Source system,Updated at\r\n2024/25,All,73,,final,off_track,,,2026-11-23T10:00:00+00:00\r\n",
    ),
];

/// Documents the CSV form of the lists in `CSV_TABLES` beside their JSON.
struct CsvTables;

impl Modify for CsvTables {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, operation_id, what, example) in CSV_TABLES {
            let Some(operation) = openapi
                .paths
                .paths
                .get_mut(*path)
                .and_then(|item| item.get.as_mut())
                .filter(|op| op.operation_id.as_deref() == Some(*operation_id))
            else {
                continue;
            };
            let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
                continue;
            };
            let csv = ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some(serde_json::json!(example)))
                .build();
            ok.content.insert("text/csv".into(), csv);
            ok.description = format!("{} {what}", ok.description);
        }
    }
}

/// Gives each JSON Merge Patch body its own schema: the fields of the input it
/// merges into, none of them required (a patch names only what changes), so
/// that generated clients and validators accept a partial body.
struct MergePatchBodies;

const MERGE_PATCH: &str = "application/merge-patch+json";

impl Modify for MergePatchBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for item in openapi.paths.paths.values_mut() {
            let Some(body) = item.patch.as_mut().and_then(|op| op.request_body.as_mut()) else {
                continue;
            };
            let Some(content) = body.content.get_mut(MERGE_PATCH) else {
                continue;
            };
            let Some(RefOr::Ref(input)) = &content.schema else {
                continue;
            };
            let Some(name) = input.ref_location.rsplit('/').next().map(str::to_string) else {
                continue;
            };
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(&name) else {
                continue;
            };
            let mut patch = object.clone();
            patch.required.clear();
            patch.description = Some(format!(
                "A JSON Merge Patch (RFC 7396) of `{name}`: only the fields to change; `null` \
                 removes an optional field, and a list given replaces the whole list."
            ));
            patch.example = None;
            let patch_name = format!("{}Patch", name.trim_end_matches("Input"));
            components
                .schemas
                .insert(patch_name.clone(), RefOr::T(Schema::Object(patch)));
            content.schema = Some(RefOr::Ref(Ref::from_schema_name(patch_name)));
        }
    }
}

/// Documents `Idempotency-Key` on every POST (see `api::idempotency`): the
/// header, and the answers a retry can get.
struct IdempotentPosts;

impl Modify for IdempotentPosts {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            let key = ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes a retry safe: the first answer to this key (1 to 255 visible ASCII \
                     characters, e.g. a UUID) is kept for 24 hours per caller and given again, \
                     with `Idempotent-Replayed: true`, to a retry of the same request. A write's \
                     answer is kept in the write's own transaction, so the work is done exactly \
                     once; a retry sent while the first request is served waits for its answer; \
                     after a 5xx the key is free and a retry does the work.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255))
                        .pattern(Some("^[!-~]+$")),
                ))
                .build();
            operation.parameters.get_or_insert_with(Vec::new).push(key);
            let responses = &mut operation.responses.responses;
            let replayed = HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Boolean))
                .description(Some(
                    "`true` when this is the kept answer to an earlier request with the same \
                     Idempotency-Key; absent otherwise",
                ))
                .build();
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                    response
                        .headers
                        .insert("Idempotent-Replayed".into(), replayed.clone());
                }
            }
            add_problem(
                responses,
                400,
                "invalid_idempotency_key",
                "Idempotency-Key is not 1 to 255 visible ASCII characters",
            );
            add_problem(
                responses,
                422,
                "idempotency_key_reused",
                "The Idempotency-Key was sent before with another request",
            );
        }
    }
}

/// Documents the per-caller rate limit (`api::rate_limit`) on every operation:
/// a 429 with `Retry-After` (its headers on every answer: `openapi::bounds`).
struct RateLimited;

impl Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations_mut(item) {
                let responses = &mut operation.responses.responses;
                add_problem(
                    responses,
                    429,
                    "too_many_requests",
                    "The caller has used its requests for now (WAYMARK_RATE_LIMIT_PER_MINUTE); \
                     retry after Retry-After seconds",
                );
            }
        }
    }
}

/// Documents what the parameters themselves can cause, whatever the handler
/// declares: a 400 on every operation for a query parameter it does not take or
/// one that does not parse (`api::query_rules`, `startup`'s extractor
/// configuration) and for a numeric path parameter that does not parse, a 412
/// wherever `If-Match` is taken.
struct ParameterProblems;

impl Modify for ParameterProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations_mut(item) {
                let parameters = operation.parameters.as_deref().unwrap_or_default();
                let has_number_in_path = parameters.iter().any(|p| {
                    p.parameter_in == ParameterIn::Path
                        && matches!(&p.schema, Some(RefOr::T(Schema::Object(o)))
                            if o.schema_type == SchemaType::Type(Type::Integer))
                });
                let has_if_match = parameters.iter().any(|p| {
                    p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("If-Match")
                });
                let responses = &mut operation.responses.responses;
                if has_if_match {
                    let (status, code, description) = STALE;
                    add_problem(responses, status, code, description);
                }
                // Any operation refuses a parameter it does not take (`query_rules`).
                let (status, code, description) = BAD_QUERY;
                add_problem(responses, status, code, description);
                if has_number_in_path {
                    add_problem(
                        responses,
                        400,
                        "invalid_path",
                        "A path parameter is not a number in range",
                    );
                }
            }
        }
    }
}

/// A path's operations, whichever methods it has.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The document as the server serves it and `waymark openapi` prints it.
pub fn document() -> Result<String, serde_json::Error> {
    served()
        .and_then(|doc| serde_json::to_string_pretty(&doc))
        .map(|text| text + "\n")
}

/// The document as utoipa derives it, before limits are shared and bounded.
pub(crate) fn derived() -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(ApiDoc::openapi())
}

/// The document as JSON. utoipa writes a link's fields in snake case
/// (`operation_id`), which no OpenAPI tool reads, so they are renamed here.
pub fn served() -> Result<serde_json::Value, serde_json::Error> {
    let mut doc = derived()?;
    limits::share(&mut doc);
    snapshots::type_snapshots(&mut doc);
    bounds::bound(&mut doc);
    let responses = doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let links = response.get_mut("links").and_then(|l| l.as_object_mut());
        for link in links.into_iter().flat_map(|l| l.values_mut()) {
            let Some(link) = link.as_object_mut() else {
                continue;
            };
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(value) = link.remove(snake) {
                    link.insert(camel.into(), value);
                }
            }
        }
    }
    Ok(doc)
}
