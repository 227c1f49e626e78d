//! What every answer tells browsers about how to treat it, which browser pages
//! may call the API (CORS, none unless configured), and who may read /metrics.

use actix_cors::Cors;
use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderValue},
        Method,
    },
    middleware::Next,
    web, HttpRequest,
};

use super::idempotency;
use crate::{config::Exposure, error::ApiError};

/// Swagger UI loads its own scripts and styles, sets inline styles and draws
/// data: images, and calls the API it is served from; nothing else.
const DOCS_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";
/// Report and progress pages carry their styles and charts inline and load
/// nothing else: no script runs on them.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// JSON and CSV answers load nothing and are framed nowhere.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The headers every answer carries: no content sniffing, no framing, a
/// content security policy, no caching of what a token was needed for beyond
/// the caller's own (revalidated by ETag), and HSTS when served over HTTPS.
pub async fn secure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let https = req
        .app_data::<web::Data<Exposure>>()
        .is_some_and(|e| e.https);
    let docs = req.path().starts_with("/docs");
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    let set = |headers: &mut header::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    let page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = match (docs, page) {
        (true, _) => DOCS_POLICY,
        (false, true) => PAGE_POLICY,
        (false, false) => API_POLICY,
    };
    set(headers, header::CONTENT_SECURITY_POLICY, policy);
    if authenticated && !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "private, no-cache");
    }
    if https {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    Ok(response)
}

/// CORS for the configured origins only: with none, no answer carries
/// `Access-Control-Allow-Origin` and browsers keep other sites' pages out.
pub fn cors(exposure: &Exposure) -> Cors {
    let cors = exposure
        .cors_origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
    cors.allowed_methods([
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ])
    .allowed_headers([
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::HeaderName::from_static(idempotency::HEADER),
    ])
    .expose_headers([
        header::ETAG,
        header::LOCATION,
        header::LINK,
        header::RETRY_AFTER,
        header::HeaderName::from_static(idempotency::REPLAYED),
    ])
    .max_age(3600)
}

/// /metrics behind its own bearer token, when one is configured.
pub fn allow_metrics(req: &HttpRequest) -> Result<(), ApiError> {
    let wanted = req
        .app_data::<web::Data<Exposure>>()
        .and_then(|e| e.metrics_token.as_deref());
    let Some(wanted) = wanted else {
        return Ok(());
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if same(given.trim().as_bytes(), wanted.as_bytes()) {
        return Ok(());
    }
    Err(ApiError::Unauthorized {
        code: "invalid_token",
        detail: "/metrics needs the metrics token (WAYMARK_METRICS_TOKEN) as a bearer token".into(),
    })
}

/// Compares in time independent of where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
