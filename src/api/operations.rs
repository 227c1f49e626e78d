//! Probes and metrics for whoever runs the service: `/healthz`, `/readyz`,
//! `/metrics`. They sit outside `/api/v1` and need no token of the partnership's
//! identity provider; /metrics takes its own when one is configured.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    exposure::allow_metrics,
    problems::{HealthErrors, MetricsErrors, ReadyErrors},
};
use crate::{db::Store, error::ApiError, telemetry::metrics::Metrics};

/// The state of a probe.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok` when the probe answers 200.
    pub status: String,
}

fn ok() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
    })
}

#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health_view",
    tag = "operations",
    summary = "Liveness: the process answers",
    responses((status = 200, description = "Alive", body = Health), HealthErrors)
)]
pub async fn healthz() -> web::Json<Health> {
    ok()
}

#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readiness_view",
    tag = "operations",
    summary = "Readiness: the database answers",
    responses((status = 200, description = "Ready to serve", body = Health), ReadyErrors)
)]
pub async fn readyz(store: web::Data<Store>) -> Result<web::Json<Health>, ApiError> {
    store.ping().await?;
    Ok(ok())
}

#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics_view",
    tag = "operations",
    summary = "Prometheus metrics: requests and latency by route and status",
    responses((status = 200, description = "Prometheus text exposition format", body = String,
        content_type = "text/plain; version=0.0.4",
        example = "# TYPE waymark_http_requests_total counter\nwaymark_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1\n"),
        MetricsErrors)
)]
pub async fn metrics(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    allow_metrics(&req)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render()))
}
