//! `Idempotency-Key` on every POST, as the IETF draft and Stripe have it: the
//! first answer to a caller's key is kept for 24 hours and given again to every
//! retry with the same request; the same key with another request answers 422;
//! a retry while the first is still being served answers 409. A server fault
//! (5xx) is not kept, so a retry does the work.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{
    body::{self, BoxBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{
        header::{self, HeaderName, HeaderValue},
        StatusCode,
    },
    middleware::Next,
    web, HttpMessage, HttpResponse,
};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::body::BodyLimit;
use crate::{
    auth::Caller,
    db::{
        idempotency::{self, Answer, Claim},
        Store,
    },
    error::ApiError,
};

pub const HEADER: &str = "idempotency-key";
/// Set on an answer given again to a retry.
pub const REPLAYED: &str = "idempotent-replayed";
/// The headers of an answer that a retry gets again.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// Keys are 1 to 255 visible ASCII characters (a UUID is the usual choice).
fn key_of(value: &HeaderValue) -> Result<String, ApiError> {
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID",
        ));
    }
    Ok(key.to_string())
}

fn fingerprint(req: &actix_web::HttpRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [req.method().as_str(), req.path(), req.query_string()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(body);
    format!("{:x}", hash.finalize())
}

/// One sweep of expired keys every this many keyed requests.
const SWEEP_EVERY: u64 = 500;
static KEYED: AtomicU64 = AtomicU64::new(0);

/// The middleware on every POST route, inside the access check.
pub async fn guard(
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(value) = req.headers().get(HEADER).cloned() else {
        return next.call(req).await;
    };
    let key = match key_of(&value) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let (Some(store), subject) = (
        req.app_data::<web::Data<Store>>().cloned(),
        req.extensions()
            .get::<Caller>()
            .map(|c| c.actor().subject)
            .unwrap_or_default(),
    ) else {
        return Ok(req.error_response(ApiError::Internal("no store is configured".into())));
    };
    let limit = req
        .app_data::<web::Data<BodyLimit>>()
        .map_or(1 << 20, |l| l.0);
    let (http, mut payload) = req.into_parts();
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                let e = ApiError::bad_request("unreadable_body", e.to_string());
                return Ok(ServiceResponse::new(http, HttpResponse::from_error(e)));
            }
        };
        if bytes.len() + chunk.len() > limit {
            let e = ApiError::PayloadTooLarge { limit };
            return Ok(ServiceResponse::new(http, HttpResponse::from_error(e)));
        }
        bytes.extend_from_slice(&chunk);
    }
    let bytes = bytes.freeze();
    let print = fingerprint(&http, &bytes);
    if KEYED.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        if let Err(e) = store.read(idempotency::sweep).await {
            log::warn!("could not sweep expired idempotency keys: {e}");
        }
    }
    let (who, k) = (subject.clone(), key.clone());
    let claim = store
        .read(move |conn| idempotency::claim(conn, &who, &k, &print))
        .await;
    let refusal = match claim {
        Ok(Claim::Fresh) => None,
        Ok(Claim::Done(answer)) => return Ok(ServiceResponse::new(http, rebuild(&answer, true))),
        Ok(Claim::Running) => Some(ApiError::Conflict {
            code: "idempotency_key_in_use",
            detail: "a request with this Idempotency-Key is still being served; retry shortly"
                .into(),
            references: Vec::new(),
        }),
        Ok(Claim::Mismatch) => Some(ApiError::Unprocessable {
            code: "idempotency_key_reused",
            detail: "this Idempotency-Key was used for a different request; use a new key".into(),
        }),
        Err(e) => Some(e.into()),
    };
    if let Some(e) = refusal {
        return Ok(ServiceResponse::new(http, HttpResponse::from_error(e)));
    }

    let req = ServiceRequest::from_parts(http, Payload::from(bytes));
    let served = next.call(req).await;
    let response = match served {
        Ok(response) if !response.status().is_server_error() => response,
        other => {
            let (who, k) = (subject, key);
            if let Err(e) = store
                .read(move |conn| idempotency::release(conn, &who, &k))
                .await
            {
                log::warn!("could not release an idempotency key: {e}");
            }
            return other;
        }
    };
    keep(&store, subject, key, response).await
}

/// Stores the answer, then sends it.
async fn keep(
    store: &Store,
    subject: String,
    key: String,
    response: ServiceResponse<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (req, response) = response.into_parts();
    let status = response.status();
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    let body = body::to_bytes(response.into_body())
        .await
        .map_err(|_| ApiError::Internal("could not read an answer to keep it".into()))?;
    let answer = Answer {
        status: status.as_u16(),
        headers: serde_json::to_string(&headers).unwrap_or_else(|_| "[]".into()),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let kept = answer.clone();
    if let Err(e) = store
        .read(move |conn| idempotency::finish(conn, &subject, &key, &kept))
        .await
    {
        // The work is done; a retry will see the key as running until it is
        // abandoned, rather than do the work twice.
        log::warn!("could not keep the answer to an idempotent request: {e}");
    }
    Ok(ServiceResponse::new(req, rebuild(&answer, false)))
}

fn rebuild(answer: &Answer, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    let headers: Vec<(String, String)> = serde_json::from_str(&answer.headers).unwrap_or_default();
    for (name, value) in headers {
        response.insert_header((name, value));
    }
    if replayed {
        response.insert_header((REPLAYED, "true"));
    }
    response.body(answer.body.clone())
}
