//! The one route table. Every path is declared once with its methods, and every
//! method with its handler and its access rule (`auth::Access`), enforced before
//! the handler runs. A method the path lacks answers 405 with `Allow`, an unknown
//! path 404, both as problem+json.

use actix_web::{
    http::Method, middleware::from_fn, web, FromRequest, Handler, HttpRequest, HttpResponse,
    Resource, Responder,
};
use utoipa::{
    __dev::{SchemaReferences, Tags},
    openapi::{path::Paths, schema::Schema, RefOr},
    Path,
};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::{
    api::{
        actions, bundles, changes, csv, csv_lists, governance_bodies, highlight_reports,
        idempotency, measures, meetings, operations, organisations, outcomes, owners, plan_changes,
        plan_summary, plans, priorities, progress, query_rules, rate_limit, reading_batches,
        readings, report_publishing, report_reads, reporting, risks, status_updates,
        webhook_deliveries, webhooks,
    },
    auth::access::{
        enforce,
        Access::{self, Admin, Contributor, Editor, Open, PlanContent, Viewer},
    },
    error::ApiError,
};

/// A handler with the OpenAPI operation that documents it, both named once:
/// `op!(plans::list_plans)` pairs the function with utoipa's `__path_list_plans`.
/// `op!(csv::plan_actions, as actions::list_plan_actions)` registers a handler
/// (here one that also answers CSV) documented by another function's operation.
macro_rules! op {
    ($module:ident :: $handler:ident, as $doc_module:ident :: $documented:ident) => {
        pastey::paste! { Op::new($module::$handler, documenter::<$doc_module::[<__path_ $documented>]>) }
    };
    ($module:ident :: $handler:ident) => {
        op!($module::$handler, as $module::$handler)
    };
}

/// The operations' tags, each with what it groups, in the order the OpenAPI
/// document lists them; every operation names one of these.
pub const TAGS: &[(&str, &str)] = &[
    (
        "organisations",
        "Partner bodies: the council, the ICB, NHS trusts, the parent carer forum",
    ),
    (
        "owners",
        "Posts, teams and people who own plans, actions and measures; posts keep dated holders",
    ),
    (
        "governance-bodies",
        "Boards, executives and groups; their chairs, member organisations and direct or dotted reporting lines",
    ),
    (
        "plans",
        "Strategies and action plans: period, status, lead body, senior responsible owners, partners",
    ),
    (
        "priorities",
        "Sections of a plan: areas for improvement, aims, workstreams, enablers",
    ),
    (
        "outcomes",
        "What each section aims for, with a ref unique in the plan and accountable leads",
    ),
    (
        "actions",
        "Numbered actions with leads, start and due wording, BRAG status, overdue flag and cross-references",
    ),
    (
        "measures",
        "KPIs and measures of progress: unit, direction, tolerance, baselines and targets per period and cohort, status against target",
    ),
    (
        "readings",
        "A measure's actual values per period and cohort, provisional or final, judged against target",
    ),
    (
        "risks",
        "A plan's risk register: likelihood, impact, score, owner, mitigation, review date",
    ),
    (
        "meetings",
        "Governance bodies' meetings, their agendas and decisions; each plan's highlight report, drafted from its history, commented, then published and frozen as presented (JSON, HTML, CSV, Excel)",
    ),
    (
        "changes",
        "The change feed: every version of every resource, once each, in commit order",
    ),
    (
        "webhooks",
        "Change-feed events sent to partners' URLs, signed as Standard Webhooks says and retried with backoff; each subscription's delivery log",
    ),
    (
        "operations",
        "Liveness, readiness and metrics for operators",
    ),
];

/// Every route with its methods, handlers, OpenAPI operations and access rules,
/// in the order the OpenAPI document lists them. A method cannot be added
/// without a rule and an operation: `Endpoint`'s methods take both.
fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("/healthz").get(Open, op!(operations::healthz)),
        Endpoint::new("/readyz").get(Open, op!(operations::readyz)),
        Endpoint::new("/metrics").get(Open, op!(operations::metrics)),
        Endpoint::new("/api/v1/organisations")
            .get(Viewer, op!(organisations::list_organisations))
            .post(Admin, op!(organisations::create_organisation)),
        Endpoint::new("/api/v1/organisations/{id}")
            .get(Viewer, op!(organisations::find_organisation))
            .put(Admin, op!(organisations::replace_organisation))
            .patch(Admin, op!(organisations::update_organisation))
            .delete(Admin, op!(organisations::delete_organisation)),
        Endpoint::new("/api/v1/owners")
            .get(Viewer, op!(owners::list_owners))
            .post(Admin, op!(owners::create_owner)),
        Endpoint::new("/api/v1/owners/{id}")
            .get(Viewer, op!(owners::find_owner))
            .put(Admin, op!(owners::replace_owner))
            .patch(Admin, op!(owners::update_owner))
            .delete(Admin, op!(owners::delete_owner)),
        Endpoint::new("/api/v1/governance-bodies")
            .get(Viewer, op!(governance_bodies::list_bodies))
            .post(Admin, op!(governance_bodies::create_body)),
        Endpoint::new("/api/v1/governance-bodies/{id}")
            .get(Viewer, op!(governance_bodies::find_body))
            .put(Admin, op!(governance_bodies::replace_body))
            .patch(Admin, op!(governance_bodies::update_body))
            .delete(Admin, op!(governance_bodies::delete_body)),
        Endpoint::new("/api/v1/plans")
            .get(PlanContent, op!(plans::list_plans))
            .post(Editor, op!(plans::create_plan)),
        Endpoint::new("/api/v1/plans/{id}")
            .get(PlanContent, op!(plans::find_plan))
            .put(Editor, op!(plans::replace_plan))
            .patch(Editor, op!(plans::update_plan))
            .delete(Editor, op!(plans::delete_plan)),
        Endpoint::new("/api/v1/plan-bundles").post(Editor, op!(bundles::import_bundle)),
        Endpoint::new("/api/v1/plans/{id}/bundle").get(PlanContent, op!(bundles::export_bundle)),
        Endpoint::new("/api/v1/plans/{id}/changes").get(Viewer, op!(plan_changes::plan_changes)),
        Endpoint::new("/api/v1/plans/{id}/reporting-periods")
            .get(PlanContent, op!(reporting::reporting_periods)),
        Endpoint::new("/api/v1/plans/{id}/outstanding")
            .get(PlanContent, op!(reporting::outstanding)),
        Endpoint::new("/api/v1/plans/{id}/summary")
            .get(PlanContent, op!(plan_summary::plan_summary)),
        Endpoint::new("/api/v1/plans/{id}/priorities")
            .get(PlanContent, op!(priorities::list_plan_priorities))
            .post(Editor, op!(priorities::create_priority)),
        Endpoint::new("/api/v1/priorities").get(PlanContent, op!(priorities::list_priorities)),
        Endpoint::new("/api/v1/priorities/{id}")
            .get(PlanContent, op!(priorities::find_priority))
            .put(Editor, op!(priorities::replace_priority))
            .patch(Editor, op!(priorities::update_priority))
            .delete(Editor, op!(priorities::delete_priority)),
        Endpoint::new("/api/v1/plans/{id}/outcomes")
            .get(PlanContent, op!(outcomes::list_plan_outcomes))
            .post(Editor, op!(outcomes::create_outcome)),
        Endpoint::new("/api/v1/outcomes").get(PlanContent, op!(outcomes::list_outcomes)),
        Endpoint::new("/api/v1/outcomes/{id}")
            .get(PlanContent, op!(outcomes::find_outcome))
            .put(Editor, op!(outcomes::replace_outcome))
            .patch(Editor, op!(outcomes::update_outcome))
            .delete(Editor, op!(outcomes::delete_outcome)),
        Endpoint::new("/api/v1/plans/{id}/actions")
            .get(
                PlanContent,
                op!(csv::plan_actions, as actions::list_plan_actions),
            )
            .post(Editor, op!(actions::create_action)),
        Endpoint::new("/api/v1/actions").get(
            PlanContent,
            op!(csv_lists::list_actions, as actions::list_actions),
        ),
        Endpoint::new("/api/v1/actions/{id}")
            .get(PlanContent, op!(actions::find_action))
            .put(Contributor, op!(actions::replace_action))
            .patch(Contributor, op!(actions::update_action))
            .delete(Editor, op!(actions::delete_action)),
        Endpoint::new("/api/v1/actions/{id}/status-updates")
            .get(PlanContent, op!(status_updates::list_status_updates))
            .post(Contributor, op!(status_updates::create_status_update)),
        Endpoint::new("/api/v1/status-updates")
            .get(PlanContent, op!(status_updates::list_all_status_updates)),
        Endpoint::new("/api/v1/status-updates/{id}")
            .get(PlanContent, op!(status_updates::find_status_update)),
        Endpoint::new("/api/v1/plans/{id}/measures")
            .get(PlanContent, op!(measures::list_plan_measures))
            .post(Editor, op!(measures::create_measure)),
        Endpoint::new("/api/v1/measures").get(
            PlanContent,
            op!(csv_lists::list_measures, as measures::list_measures),
        ),
        Endpoint::new("/api/v1/measures/{id}")
            .get(PlanContent, op!(measures::find_measure))
            .put(Editor, op!(measures::replace_measure))
            .patch(Editor, op!(measures::update_measure))
            .delete(Editor, op!(measures::delete_measure)),
        Endpoint::new("/api/v1/measures/{id}/readings")
            .get(
                PlanContent,
                op!(csv::measure_readings, as readings::list_measure_readings),
            )
            .post(Contributor, op!(readings::create_reading)),
        Endpoint::new("/api/v1/reading-batches")
            .post(Contributor, op!(reading_batches::create_reading_batch)),
        Endpoint::new("/api/v1/readings").get(PlanContent, op!(readings::list_readings)),
        Endpoint::new("/api/v1/readings/{id}")
            .get(PlanContent, op!(readings::find_reading))
            .put(Contributor, op!(readings::replace_reading))
            .patch(Contributor, op!(readings::update_reading))
            .delete(Contributor, op!(readings::delete_reading)),
        Endpoint::new("/api/v1/plans/{id}/risks")
            .get(PlanContent, op!(risks::list_plan_risks))
            .post(Editor, op!(risks::create_risk)),
        Endpoint::new("/api/v1/risks").get(PlanContent, op!(risks::list_risks)),
        Endpoint::new("/api/v1/risks/{id}")
            .get(PlanContent, op!(risks::find_risk))
            .put(Editor, op!(risks::replace_risk))
            .patch(Editor, op!(risks::update_risk))
            .delete(Editor, op!(risks::delete_risk)),
        Endpoint::new("/api/v1/plans/{id}/progress").get(PlanContent, op!(progress::plan_progress)),
        Endpoint::new("/api/v1/governance-bodies/{id}/meetings")
            .get(Viewer, op!(meetings::list_body_meetings))
            .post(Editor, op!(meetings::create_meeting)),
        Endpoint::new("/api/v1/meetings").get(Viewer, op!(meetings::list_meetings)),
        Endpoint::new("/api/v1/meetings/{id}")
            .get(Viewer, op!(meetings::find_meeting))
            .put(Editor, op!(meetings::replace_meeting))
            .patch(Editor, op!(meetings::update_meeting))
            .delete(Editor, op!(meetings::delete_meeting)),
        Endpoint::new("/api/v1/meetings/{id}/highlight-reports")
            .get(Viewer, op!(highlight_reports::list_meeting_reports))
            .post(Editor, op!(highlight_reports::create_report)),
        Endpoint::new("/api/v1/highlight-reports")
            .get(Viewer, op!(highlight_reports::list_reports)),
        Endpoint::new("/api/v1/highlight-reports/{id}")
            .get(PlanContent, op!(report_reads::find_report))
            .put(Editor, op!(highlight_reports::replace_report))
            .patch(Editor, op!(highlight_reports::update_report))
            .delete(Editor, op!(highlight_reports::delete_report)),
        Endpoint::new("/api/v1/highlight-reports/{id}/comments")
            .post(Editor, op!(report_publishing::comment_on_report)),
        Endpoint::new("/api/v1/highlight-reports/{id}/publish")
            .post(Editor, op!(report_publishing::publish_report)),
        Endpoint::new("/api/v1/highlight-reports/{id}/regenerated")
            .get(Viewer, op!(report_reads::regenerated_report)),
        Endpoint::new("/api/v1/changes").get(Viewer, op!(changes::list_changes)),
        Endpoint::new("/api/v1/organisations/{id}/versions")
            .get(Viewer, op!(organisations::organisation_versions)),
        Endpoint::new("/api/v1/organisations/{id}/versions/{version}")
            .get(Viewer, op!(organisations::organisation_version)),
        Endpoint::new("/api/v1/owners/{id}/versions").get(Viewer, op!(owners::owner_versions)),
        Endpoint::new("/api/v1/owners/{id}/versions/{version}")
            .get(Viewer, op!(owners::owner_version)),
        Endpoint::new("/api/v1/governance-bodies/{id}/versions")
            .get(Viewer, op!(governance_bodies::governance_body_versions)),
        Endpoint::new("/api/v1/governance-bodies/{id}/versions/{version}")
            .get(Viewer, op!(governance_bodies::governance_body_version)),
        Endpoint::new("/api/v1/plans/{id}/versions").get(Viewer, op!(plans::plan_versions)),
        Endpoint::new("/api/v1/plans/{id}/versions/{version}")
            .get(Viewer, op!(plans::plan_version)),
        Endpoint::new("/api/v1/priorities/{id}/versions")
            .get(Viewer, op!(priorities::priority_versions)),
        Endpoint::new("/api/v1/priorities/{id}/versions/{version}")
            .get(Viewer, op!(priorities::priority_version)),
        Endpoint::new("/api/v1/outcomes/{id}/versions")
            .get(Viewer, op!(outcomes::outcome_versions)),
        Endpoint::new("/api/v1/outcomes/{id}/versions/{version}")
            .get(Viewer, op!(outcomes::outcome_version)),
        Endpoint::new("/api/v1/actions/{id}/versions").get(Viewer, op!(actions::action_versions)),
        Endpoint::new("/api/v1/actions/{id}/versions/{version}")
            .get(Viewer, op!(actions::action_version)),
        Endpoint::new("/api/v1/measures/{id}/versions")
            .get(Viewer, op!(measures::measure_versions)),
        Endpoint::new("/api/v1/measures/{id}/versions/{version}")
            .get(Viewer, op!(measures::measure_version)),
        Endpoint::new("/api/v1/readings/{id}/versions")
            .get(Viewer, op!(readings::reading_versions)),
        Endpoint::new("/api/v1/readings/{id}/versions/{version}")
            .get(Viewer, op!(readings::reading_version)),
        Endpoint::new("/api/v1/risks/{id}/versions").get(Viewer, op!(risks::risk_versions)),
        Endpoint::new("/api/v1/risks/{id}/versions/{version}")
            .get(Viewer, op!(risks::risk_version)),
        Endpoint::new("/api/v1/meetings/{id}/versions")
            .get(Viewer, op!(meetings::meeting_versions)),
        Endpoint::new("/api/v1/meetings/{id}/versions/{version}")
            .get(Viewer, op!(meetings::meeting_version)),
        Endpoint::new("/api/v1/highlight-reports/{id}/versions")
            .get(Viewer, op!(highlight_reports::highlight_report_versions)),
        Endpoint::new("/api/v1/highlight-reports/{id}/versions/{version}")
            .get(Viewer, op!(highlight_reports::highlight_report_version)),
        Endpoint::new("/api/v1/webhooks")
            .get(Admin, op!(webhooks::list_webhooks))
            .post(Admin, op!(webhooks::create_webhook)),
        Endpoint::new("/api/v1/webhooks/{id}")
            .get(Admin, op!(webhooks::find_webhook))
            .patch(Admin, op!(webhooks::update_webhook))
            .delete(Admin, op!(webhooks::delete_webhook)),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries")
            .get(Admin, op!(webhook_deliveries::list_deliveries)),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries/{delivery_id}")
            .get(Admin, op!(webhook_deliveries::find_delivery)),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")
            .post(Admin, op!(webhook_deliveries::redeliver)),
    ]
}

/// Where the OpenAPI document is served.
pub const SPEC_URL: &str = "/api-docs/openapi.json";

/// The routes, with `spec` (the OpenAPI document) served beside Swagger UI.
pub fn configure(cfg: &mut web::ServiceConfig, spec: web::Bytes) {
    for endpoint in endpoints() {
        cfg.service(endpoint.finish());
    }
    // The root is where a newcomer's browser goes first; temporary, so the
    // root can serve something else later without clients remembering this.
    cfg.service(web::resource("/").route(web::get().to(|| async {
        HttpResponse::TemporaryRedirect()
            .insert_header(("Location", "/docs/"))
            .finish()
    })))
    .service(web::resource("/docs").route(web::get().to(|| async {
        HttpResponse::PermanentRedirect()
            .insert_header(("Location", "/docs/"))
            .finish()
    })))
    .service(web::resource(SPEC_URL).route(web::get().to(move || {
        let spec = spec.clone();
        async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(spec)
        }
    })))
    .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from(SPEC_URL)));
}

/// One method of one path and who may call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// The access rule of every route, read from the route table itself (for the
/// OpenAPI document and the tests).
pub fn access_table() -> Vec<RouteRule> {
    endpoints()
        .into_iter()
        .flat_map(|endpoint| endpoint.methods)
        .map(|(rule, _)| rule)
        .collect()
}

/// Answers requests no route matches.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound {
        path: req.path().to_string(),
    })
}

/// What the OpenAPI document gathers from the route table: the operations and
/// the schemas they refer to.
#[derive(Default)]
pub struct Documented {
    pub paths: Paths,
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

/// One operation of the route table as utoipa documents it: its path, its
/// methods and the operation itself.
pub struct OperationDoc {
    pub path: String,
    pub methods: Vec<utoipa::openapi::path::HttpMethod>,
    pub operation: utoipa::openapi::path::Operation,
    add_schemas: fn(&mut Vec<(String, RefOr<Schema>)>),
}

/// Reads `D`, the struct `#[utoipa::path]` writes beside a handler, as
/// `#[derive(OpenApi)]`'s `paths(...)` would; every operation names its tag.
fn documenter<D>() -> OperationDoc
where
    D: Path + SchemaReferences + Tags<'static>,
{
    let mut operation = D::operation();
    operation
        .tags
        .get_or_insert_with(Vec::new)
        .extend(D::tags().iter().map(|t| t.to_string()));
    OperationDoc {
        path: D::path(),
        methods: D::methods(),
        operation,
        add_schemas: D::schemas,
    }
}

/// A handler and how its operation is documented.
struct Op<F> {
    handler: F,
    doc: fn() -> OperationDoc,
}

impl<F> Op<F> {
    fn new(handler: F, doc: fn() -> OperationDoc) -> Self {
        Op { handler, doc }
    }
}

/// Every route's operation, in table order, for the OpenAPI document and for
/// the test that each documents the path and method it is routed at.
pub fn operations() -> Vec<(RouteRule, OperationDoc)> {
    endpoints()
        .into_iter()
        .flat_map(|endpoint| endpoint.methods)
        .map(|(rule, doc)| (rule, doc()))
        .collect()
}

/// The route table's operations and schemas, as the OpenAPI document holds them.
pub fn document() -> Documented {
    let mut documented = Documented::default();
    for (_, doc) in operations() {
        (doc.add_schemas)(&mut documented.schemas);
        documented
            .paths
            .add_path_operation(doc.path, doc.methods, doc.operation);
    }
    documented
}

/// A path with its methods, which knows what to put in `Allow` and who may call
/// each method.
struct Endpoint {
    path: &'static str,
    resource: Resource,
    /// Each method's rule, with how its operation is documented.
    methods: Vec<(RouteRule, fn() -> OperationDoc)>,
}

impl Endpoint {
    fn new(path: &'static str) -> Self {
        Endpoint {
            path,
            resource: web::resource(path),
            methods: Vec::new(),
        }
    }

    fn method<F, Args>(mut self, method: Method, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let rule = RouteRule {
            method: method.clone(),
            path: self.path,
            access,
        };
        self.methods.push((rule, op.doc));
        let mut route = web::method(method.clone()).to(op.handler);
        if method == Method::POST {
            // Inside the access check, which names the caller the key belongs to.
            route = route.wrap(from_fn(idempotency::guard));
        }
        let (checked, path) = (method.clone(), self.path);
        route = route.wrap(from_fn(move |req, next| {
            query_rules::check(checked.clone(), path, req, next)
        }));
        route = route.wrap(from_fn(rate_limit::limit));
        let route = route.wrap(from_fn(move |req, next| enforce(access, req, next)));
        self.resource = self.resource.route(route);
        self
    }

    fn get<F, Args>(self, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, access, op)
    }

    fn post<F, Args>(self, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, access, op)
    }

    fn put<F, Args>(self, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PUT, access, op)
    }

    fn patch<F, Args>(self, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PATCH, access, op)
    }

    fn delete<F, Args>(self, access: Access, op: Op<F>) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::DELETE, access, op)
    }

    fn finish(self) -> Resource {
        let allow = self
            .methods
            .iter()
            .map(|(rule, _)| rule.method.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        self.resource
            .default_service(web::to(move |req: HttpRequest| {
                let error = ApiError::MethodNotAllowed {
                    method: req.method().to_string(),
                    allow: allow.clone(),
                };
                async move { Err::<HttpResponse, _>(error) }
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{domain::ResourceType, webhooks::events::check_pattern};

    /// What a new resource type must have before it is whole: its item routed
    /// behind a token and documented, its versions (when it changes), its
    /// webhook event types and its place in the change feed's enum.
    #[test]
    fn every_resource_type_is_routed_documented_versioned_and_in_the_feed() {
        let routes = access_table();
        let spec = crate::openapi::served().unwrap();
        let feed_types =
            &spec["components"]["schemas"]["Event"]["properties"]["resource_type"]["enum"];
        for t in ResourceType::ALL {
            let item = format!("/api/v1/{}/{{id}}", t.collection());
            let mut wanted = vec![item.clone()];
            if t.is_versioned() {
                wanted.push(format!("{item}/versions"));
                wanted.push(format!("{item}/versions/{{version}}"));
            }
            for path in wanted {
                let rule = routes
                    .iter()
                    .find(|r| r.path == path && r.method == Method::GET);
                let rule = rule.unwrap_or_else(|| panic!("{t}: no GET {path}"));
                assert_ne!(rule.access, Access::Open, "{t}: GET {path}");
                assert!(
                    spec["paths"][&path]["get"].is_object(),
                    "{t}: {path} undocumented"
                );
            }
            for done in ["created", "updated", "deleted"] {
                assert_eq!(check_pattern(&format!("{t}.{done}")), Ok(()), "{t}");
            }
            let in_feed = feed_types
                .as_array()
                .is_some_and(|types| types.iter().any(|v| v == t.as_str()));
            assert!(in_feed, "{t} is not among the feed's resource types");
        }
    }

    /// A route documented by another path's or method's operation would put a
    /// wrong operation in the spec, or leave the route out of it.
    #[test]
    fn every_route_is_documented_at_its_own_path_and_method() {
        let operations = operations();
        assert!(operations.len() > 90, "{} operations", operations.len());
        for (rule, doc) in operations {
            assert_eq!(doc.path, rule.path, "{} {}", rule.method, rule.path);
            let methods = serde_json::to_value(&doc.methods).unwrap();
            let routed = rule.method.as_str().to_lowercase();
            assert_eq!(methods, serde_json::json!([routed]), "{}", rule.path);
        }
    }

    /// Every operation names a tag of `TAGS`, and every tag groups some.
    #[test]
    fn every_operation_has_a_declared_tag_and_every_tag_is_used() {
        let spec = crate::openapi::served().unwrap();
        let mut used = std::collections::BTreeSet::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let tags = operation["tags"].as_array();
                let tag = tags.and_then(|t| t.first()).and_then(|t| t.as_str());
                let tag = tag.unwrap_or_else(|| panic!("{method} {path} has no tag"));
                assert!(
                    TAGS.iter().any(|(name, _)| *name == tag),
                    "{method} {path}: tag {tag} is not in routes::TAGS"
                );
                used.insert(tag.to_string());
            }
        }
        for (name, _) in TAGS {
            assert!(used.contains(*name), "tag {name} groups no operation");
        }
    }
}
