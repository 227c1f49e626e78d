//! The one route table. Every path is declared once with its methods, and every
//! method with its handler and its access rule (`auth::Access`), enforced before
//! the handler runs. A method the path lacks answers 405 with `Allow`, an unknown
//! path 404, both as problem+json.

use actix_web::{
    http::Method, middleware::from_fn, web, FromRequest, Handler, HttpRequest, HttpResponse,
    Resource, Responder,
};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::{
    api::{
        actions, bodies, bundles, changes, csv, csv_lists, history, idempotency, measures,
        operations, organisations, outcomes, owners, plans, priorities, query_rules, rate_limit,
        reading_batches, readings, risks, status_updates, webhooks,
    },
    auth::access::{
        enforce,
        Access::{self, Admin, Contributor, Editor, Open, PlanContent, Viewer},
    },
    error::ApiError,
};

/// Every route with its methods, handlers and access rules. A method cannot be
/// added without a rule: `Endpoint`'s methods take one.
fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("/healthz").get(Open, operations::healthz),
        Endpoint::new("/readyz").get(Open, operations::readyz),
        Endpoint::new("/metrics").get(Open, operations::metrics),
        Endpoint::new("/api/v1/organisations")
            .get(Viewer, organisations::list_organisations)
            .post(Admin, organisations::create_organisation),
        Endpoint::new("/api/v1/organisations/{id}")
            .get(Viewer, organisations::find_organisation)
            .put(Admin, organisations::replace_organisation)
            .patch(Admin, organisations::update_organisation)
            .delete(Admin, organisations::delete_organisation),
        Endpoint::new("/api/v1/governance-bodies")
            .get(Viewer, bodies::list_bodies)
            .post(Admin, bodies::create_body),
        Endpoint::new("/api/v1/governance-bodies/{id}")
            .get(Viewer, bodies::find_body)
            .put(Admin, bodies::replace_body)
            .patch(Admin, bodies::update_body)
            .delete(Admin, bodies::delete_body),
        Endpoint::new("/api/v1/plans")
            .get(PlanContent, plans::list_plans)
            .post(Editor, plans::create_plan),
        Endpoint::new("/api/v1/plans/{id}")
            .get(PlanContent, plans::find_plan)
            .put(Editor, plans::replace_plan)
            .patch(Editor, plans::update_plan)
            .delete(Editor, plans::delete_plan),
        Endpoint::new("/api/v1/plans/{id}/priorities")
            .get(PlanContent, priorities::list_plan_priorities)
            .post(Editor, priorities::create_priority),
        Endpoint::new("/api/v1/plans/{id}/outcomes")
            .get(PlanContent, outcomes::list_plan_outcomes)
            .post(Editor, outcomes::create_outcome),
        Endpoint::new("/api/v1/plans/{id}/actions")
            .get(PlanContent, csv::plan_actions)
            .post(Editor, actions::create_action),
        Endpoint::new("/api/v1/plans/{id}/measures")
            .get(PlanContent, measures::list_plan_measures)
            .post(Editor, measures::create_measure),
        Endpoint::new("/api/v1/plans/{id}/bundle").get(PlanContent, bundles::export_bundle),
        Endpoint::new("/api/v1/plan-bundles").post(Editor, bundles::import_bundle),
        Endpoint::new("/api/v1/plans/{id}/risks")
            .get(PlanContent, risks::list_plan_risks)
            .post(Editor, risks::create_risk),
        Endpoint::new("/api/v1/measures").get(PlanContent, csv_lists::list_measures),
        Endpoint::new("/api/v1/measures/{id}")
            .get(PlanContent, measures::find_measure)
            .put(Editor, measures::replace_measure)
            .patch(Editor, measures::update_measure)
            .delete(Editor, measures::delete_measure),
        Endpoint::new("/api/v1/measures/{id}/readings")
            .get(PlanContent, csv::measure_readings)
            .post(Contributor, readings::create_reading),
        Endpoint::new("/api/v1/readings").get(PlanContent, readings::list_readings),
        Endpoint::new("/api/v1/reading-batches")
            .post(Contributor, reading_batches::create_reading_batch),
        Endpoint::new("/api/v1/readings/{id}")
            .get(PlanContent, readings::find_reading)
            .put(Contributor, readings::replace_reading)
            .patch(Contributor, readings::update_reading)
            .delete(Contributor, readings::delete_reading),
        Endpoint::new("/api/v1/risks").get(PlanContent, risks::list_risks),
        Endpoint::new("/api/v1/risks/{id}")
            .get(PlanContent, risks::find_risk)
            .put(Editor, risks::replace_risk)
            .patch(Editor, risks::update_risk)
            .delete(Editor, risks::delete_risk),
        Endpoint::new("/api/v1/priorities").get(PlanContent, priorities::list_priorities),
        Endpoint::new("/api/v1/priorities/{id}")
            .get(PlanContent, priorities::find_priority)
            .put(Editor, priorities::replace_priority)
            .patch(Editor, priorities::update_priority)
            .delete(Editor, priorities::delete_priority),
        Endpoint::new("/api/v1/outcomes").get(PlanContent, outcomes::list_outcomes),
        Endpoint::new("/api/v1/outcomes/{id}")
            .get(PlanContent, outcomes::find_outcome)
            .put(Editor, outcomes::replace_outcome)
            .patch(Editor, outcomes::update_outcome)
            .delete(Editor, outcomes::delete_outcome),
        Endpoint::new("/api/v1/actions").get(PlanContent, csv_lists::list_actions),
        Endpoint::new("/api/v1/actions/{id}/status-updates")
            .get(PlanContent, status_updates::list_status_updates)
            .post(Contributor, status_updates::create_status_update),
        Endpoint::new("/api/v1/status-updates/{id}")
            .get(PlanContent, status_updates::find_status_update),
        Endpoint::new("/api/v1/webhooks")
            .get(Admin, webhooks::list_webhooks)
            .post(Admin, webhooks::create_webhook),
        Endpoint::new("/api/v1/webhooks/{id}")
            .get(Admin, webhooks::find_webhook)
            .patch(Admin, webhooks::update_webhook)
            .delete(Admin, webhooks::delete_webhook),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries").get(Admin, webhooks::list_deliveries),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries/{delivery_id}")
            .get(Admin, webhooks::find_delivery),
        Endpoint::new("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")
            .post(Admin, webhooks::redeliver),
        Endpoint::new("/api/v1/actions/{id}")
            .get(PlanContent, actions::find_action)
            .put(Contributor, actions::replace_action)
            .patch(Contributor, actions::update_action)
            .delete(Editor, actions::delete_action),
        Endpoint::new("/api/v1/changes").get(Viewer, changes::list_changes),
        Endpoint::new("/api/v1/organisations/{id}/versions")
            .get(Viewer, history::organisation_versions),
        Endpoint::new("/api/v1/organisations/{id}/versions/{version}")
            .get(Viewer, history::organisation_version),
        Endpoint::new("/api/v1/owners/{id}/versions").get(Viewer, history::owner_versions),
        Endpoint::new("/api/v1/owners/{id}/versions/{version}").get(Viewer, history::owner_version),
        Endpoint::new("/api/v1/governance-bodies/{id}/versions")
            .get(Viewer, history::governance_body_versions),
        Endpoint::new("/api/v1/governance-bodies/{id}/versions/{version}")
            .get(Viewer, history::governance_body_version),
        Endpoint::new("/api/v1/plans/{id}/versions").get(Viewer, history::plan_versions),
        Endpoint::new("/api/v1/plans/{id}/versions/{version}").get(Viewer, history::plan_version),
        Endpoint::new("/api/v1/priorities/{id}/versions").get(Viewer, history::priority_versions),
        Endpoint::new("/api/v1/priorities/{id}/versions/{version}")
            .get(Viewer, history::priority_version),
        Endpoint::new("/api/v1/outcomes/{id}/versions").get(Viewer, history::outcome_versions),
        Endpoint::new("/api/v1/outcomes/{id}/versions/{version}")
            .get(Viewer, history::outcome_version),
        Endpoint::new("/api/v1/actions/{id}/versions").get(Viewer, history::action_versions),
        Endpoint::new("/api/v1/actions/{id}/versions/{version}")
            .get(Viewer, history::action_version),
        Endpoint::new("/api/v1/measures/{id}/versions").get(Viewer, history::measure_versions),
        Endpoint::new("/api/v1/measures/{id}/versions/{version}")
            .get(Viewer, history::measure_version),
        Endpoint::new("/api/v1/readings/{id}/versions").get(Viewer, history::reading_versions),
        Endpoint::new("/api/v1/readings/{id}/versions/{version}")
            .get(Viewer, history::reading_version),
        Endpoint::new("/api/v1/risks/{id}/versions").get(Viewer, history::risk_versions),
        Endpoint::new("/api/v1/risks/{id}/versions/{version}").get(Viewer, history::risk_version),
        Endpoint::new("/api/v1/owners")
            .get(Viewer, owners::list_owners)
            .post(Admin, owners::create_owner),
        Endpoint::new("/api/v1/owners/{id}")
            .get(Viewer, owners::find_owner)
            .put(Admin, owners::replace_owner)
            .patch(Admin, owners::update_owner)
            .delete(Admin, owners::delete_owner),
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
        .flat_map(|endpoint| endpoint.rules)
        .collect()
}

/// Answers requests no route matches.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound {
        path: req.path().to_string(),
    })
}

/// A path with its methods, which knows what to put in `Allow` and who may call
/// each method.
struct Endpoint {
    path: &'static str,
    resource: Resource,
    rules: Vec<RouteRule>,
}

impl Endpoint {
    fn new(path: &'static str) -> Self {
        Endpoint {
            path,
            resource: web::resource(path),
            rules: Vec::new(),
        }
    }

    fn method<F, Args>(mut self, method: Method, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.rules.push(RouteRule {
            method: method.clone(),
            path: self.path,
            access,
        });
        let mut route = web::method(method.clone()).to(handler);
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

    fn get<F, Args>(self, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, access, handler)
    }

    fn post<F, Args>(self, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, access, handler)
    }

    fn put<F, Args>(self, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PUT, access, handler)
    }

    fn patch<F, Args>(self, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PATCH, access, handler)
    }

    fn delete<F, Args>(self, access: Access, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::DELETE, access, handler)
    }

    fn finish(self) -> Resource {
        let allow = self
            .rules
            .iter()
            .map(|r| r.method.as_str())
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
