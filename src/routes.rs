//! The one route table. Every path is declared once with its methods; a method the
//! path lacks answers 405 with `Allow`, an unknown path 404, both as problem+json.

use actix_web::{
    http::Method, web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder,
};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    api::{
        actions, bodies, changes, history, measures, operations, organisations, outcomes, owners,
        plans, priorities, readings, risks,
    },
    error::ApiError,
    openapi::ApiDoc,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(Endpoint::new("/healthz").get(operations::healthz).finish())
        .service(Endpoint::new("/readyz").get(operations::readyz).finish())
        .service(Endpoint::new("/metrics").get(operations::metrics).finish())
        .service(
            web::scope("/api/v1")
                .service(
                    Endpoint::new("/organisations")
                        .get(organisations::list_organisations)
                        .post(organisations::create_organisation)
                        .finish(),
                )
                .service(
                    Endpoint::new("/organisations/{id}")
                        .get(organisations::find_organisation)
                        .put(organisations::replace_organisation)
                        .patch(organisations::update_organisation)
                        .delete(organisations::delete_organisation)
                        .finish(),
                )
                .service(
                    Endpoint::new("/governance-bodies")
                        .get(bodies::list_bodies)
                        .post(bodies::create_body)
                        .finish(),
                )
                .service(
                    Endpoint::new("/governance-bodies/{id}")
                        .get(bodies::find_body)
                        .put(bodies::replace_body)
                        .patch(bodies::update_body)
                        .delete(bodies::delete_body)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans")
                        .get(plans::list_plans)
                        .post(plans::create_plan)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}")
                        .get(plans::find_plan)
                        .put(plans::replace_plan)
                        .patch(plans::update_plan)
                        .delete(plans::delete_plan)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/priorities")
                        .get(priorities::list_plan_priorities)
                        .post(priorities::create_priority)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/outcomes")
                        .get(outcomes::list_plan_outcomes)
                        .post(outcomes::create_outcome)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/actions")
                        .get(actions::list_plan_actions)
                        .post(actions::create_action)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/measures")
                        .get(measures::list_plan_measures)
                        .post(measures::create_measure)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/risks")
                        .get(risks::list_plan_risks)
                        .post(risks::create_risk)
                        .finish(),
                )
                .service(
                    Endpoint::new("/measures")
                        .get(measures::list_measures)
                        .finish(),
                )
                .service(
                    Endpoint::new("/measures/{id}")
                        .get(measures::find_measure)
                        .put(measures::replace_measure)
                        .patch(measures::update_measure)
                        .delete(measures::delete_measure)
                        .finish(),
                )
                .service(
                    Endpoint::new("/measures/{id}/readings")
                        .get(readings::list_measure_readings)
                        .post(readings::create_reading)
                        .finish(),
                )
                .service(
                    Endpoint::new("/readings")
                        .get(readings::list_readings)
                        .finish(),
                )
                .service(
                    Endpoint::new("/readings/{id}")
                        .get(readings::find_reading)
                        .put(readings::replace_reading)
                        .patch(readings::update_reading)
                        .delete(readings::delete_reading)
                        .finish(),
                )
                .service(Endpoint::new("/risks").get(risks::list_risks).finish())
                .service(
                    Endpoint::new("/risks/{id}")
                        .get(risks::find_risk)
                        .put(risks::replace_risk)
                        .patch(risks::update_risk)
                        .delete(risks::delete_risk)
                        .finish(),
                )
                .service(
                    Endpoint::new("/priorities")
                        .get(priorities::list_priorities)
                        .finish(),
                )
                .service(
                    Endpoint::new("/priorities/{id}")
                        .get(priorities::find_priority)
                        .put(priorities::replace_priority)
                        .patch(priorities::update_priority)
                        .delete(priorities::delete_priority)
                        .finish(),
                )
                .service(
                    Endpoint::new("/outcomes")
                        .get(outcomes::list_outcomes)
                        .finish(),
                )
                .service(
                    Endpoint::new("/outcomes/{id}")
                        .get(outcomes::find_outcome)
                        .put(outcomes::replace_outcome)
                        .patch(outcomes::update_outcome)
                        .delete(outcomes::delete_outcome)
                        .finish(),
                )
                .service(
                    Endpoint::new("/actions")
                        .get(actions::list_actions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/actions/{id}")
                        .get(actions::find_action)
                        .put(actions::replace_action)
                        .patch(actions::update_action)
                        .delete(actions::delete_action)
                        .finish(),
                )
                .service(
                    Endpoint::new("/changes")
                        .get(changes::list_changes)
                        .finish(),
                )
                .service(
                    Endpoint::new("/organisations/{id}/versions")
                        .get(history::organisation_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/organisations/{id}/versions/{version}")
                        .get(history::organisation_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/owners/{id}/versions")
                        .get(history::owner_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/owners/{id}/versions/{version}")
                        .get(history::owner_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/governance-bodies/{id}/versions")
                        .get(history::governance_body_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/governance-bodies/{id}/versions/{version}")
                        .get(history::governance_body_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/versions")
                        .get(history::plan_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/plans/{id}/versions/{version}")
                        .get(history::plan_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/priorities/{id}/versions")
                        .get(history::priority_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/priorities/{id}/versions/{version}")
                        .get(history::priority_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/outcomes/{id}/versions")
                        .get(history::outcome_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/outcomes/{id}/versions/{version}")
                        .get(history::outcome_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/actions/{id}/versions")
                        .get(history::action_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/actions/{id}/versions/{version}")
                        .get(history::action_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/measures/{id}/versions")
                        .get(history::measure_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/measures/{id}/versions/{version}")
                        .get(history::measure_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/readings/{id}/versions")
                        .get(history::reading_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/readings/{id}/versions/{version}")
                        .get(history::reading_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/risks/{id}/versions")
                        .get(history::risk_versions)
                        .finish(),
                )
                .service(
                    Endpoint::new("/risks/{id}/versions/{version}")
                        .get(history::risk_version)
                        .finish(),
                )
                .service(
                    Endpoint::new("/owners")
                        .get(owners::list_owners)
                        .post(owners::create_owner)
                        .finish(),
                )
                .service(
                    Endpoint::new("/owners/{id}")
                        .get(owners::find_owner)
                        .put(owners::replace_owner)
                        .patch(owners::update_owner)
                        .delete(owners::delete_owner)
                        .finish(),
                ),
        )
        .service(web::resource("/docs").route(web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("Location", "/docs/"))
                .finish()
        })))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", ApiDoc::openapi()));
}

/// Answers requests no route matches.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound {
        path: req.path().to_string(),
    })
}

/// A path with its methods, which knows what to put in `Allow`.
struct Endpoint {
    resource: Resource,
    allow: Vec<Method>,
}

impl Endpoint {
    fn new(path: &str) -> Self {
        Endpoint {
            resource: web::resource(path),
            allow: Vec::new(),
        }
    }

    fn method<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.allow.push(method.clone());
        self.resource = self.resource.route(web::method(method).to(handler));
        self
    }

    fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, handler)
    }

    fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, handler)
    }

    fn put<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PUT, handler)
    }

    fn patch<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::PATCH, handler)
    }

    fn delete<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::DELETE, handler)
    }

    fn finish(self) -> Resource {
        let allow = self
            .allow
            .iter()
            .map(Method::as_str)
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
