//! `Idempotency-Key` on every POST, as the IETF draft and Stripe have it: the
//! first answer to a caller's key is kept for 24 hours and given again to every
//! retry with the same request; the same key with another request answers 422.
//!
//! A write's answer is kept in the write's own transaction (`write`), so the
//! key and the work commit together or not at all: a process killed after the
//! commit has kept the answer, and a write that fails (a 503 in a database
//! outage) leaves the key free for the retry. Writes take the database's write
//! lock first, so a retry sent while the first request is being served waits
//! for it and gets its answer. A refusal (4xx) did no work and is kept after it
//! is given; a server fault (5xx) is not kept, so a retry does the work.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering},
    Arc,
};

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
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{conditional::etag, request_body::BodyLimit};
use crate::{
    auth::Caller,
    db::{
        idempotency::{self, Answer, Lookup},
        locks, Actor, Store, WriteTx,
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

/// The key a request is served under.
#[derive(Debug)]
struct Keyed {
    subject: String,
    key: String,
    fingerprint: String,
    /// Set once a write has kept its answer under the key, or found one kept.
    kept: AtomicBool,
}

tokio::task_local! {
    /// The key of the POST being served, for `write` to keep its answer with
    /// the work: set by `guard` around the handler, in the handler's own task.
    static KEYED: Arc<Keyed>;
}

/// One sweep of expired keys every this many keyed requests.
const SWEEP_EVERY: u64 = 500;
static SERVED: AtomicU64 = AtomicU64::new(0);

/// The answer to a write, built inside its transaction so that it can be kept
/// there.
impl Answer {
    pub fn json(
        status: StatusCode,
        headers: &[(HeaderName, String)],
        body: &impl Serialize,
    ) -> Result<Answer, ApiError> {
        let mut all: Vec<(String, String)> = vec![(
            header::CONTENT_TYPE.to_string(),
            "application/json".to_string(),
        )];
        all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.clone())));
        Ok(Answer {
            status: status.as_u16(),
            headers: serde_json::to_string(&all).map_err(|e| ApiError::Internal(e.to_string()))?,
            body: serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?,
        })
    }

    /// 201 for a new resource: `Location` names it, `ETag` gives its version.
    pub fn created(
        location: String,
        version: i64,
        body: &impl Serialize,
    ) -> Result<Answer, ApiError> {
        Answer::json(
            StatusCode::CREATED,
            &[(header::LOCATION, location), (header::ETAG, etag(version))],
            body,
        )
    }
}

/// Runs `work` in one write transaction and answers with what `respond` makes
/// of its result. Under an `Idempotency-Key` the answer is kept in the same
/// transaction, or, when the key already holds one, that answer is given again
/// and nothing is done.
pub async fn write<T, W, R>(
    store: &Store,
    actor: Actor,
    work: W,
    respond: R,
) -> Result<HttpResponse, ApiError>
where
    W: FnOnce(&mut WriteTx<'_>) -> Result<T, ApiError> + Send + 'static,
    R: FnOnce(T) -> Result<Answer, ApiError> + Send + 'static,
{
    let keyed = KEYED.try_with(Arc::clone).ok();
    let (answer, replayed) = store
        .write(actor, move |tx| {
            let Some(keyed) = keyed else {
                return Ok((respond(work(tx)?)?, false));
            };
            // A retry that arrives while the first attempt still runs waits
            // for it here, then finds its answer.
            locks::named(
                tx.conn,
                &format!("idempotency {} {}", keyed.subject, keyed.key),
            )?;
            match idempotency::lookup(tx.conn, &keyed.subject, &keyed.key, &keyed.fingerprint)? {
                Lookup::Done(answer) => {
                    keyed.kept.store(true, Ordering::Release);
                    return Ok((answer, true));
                }
                Lookup::Mismatch => return Err(reused()),
                Lookup::Free => {}
            }
            let answer = respond(work(tx)?)?;
            idempotency::keep(
                tx.conn,
                &keyed.subject,
                &keyed.key,
                &keyed.fingerprint,
                &answer,
            )?;
            keyed.kept.store(true, Ordering::Release);
            Ok::<_, ApiError>((answer, false))
        })
        .await?;
    Ok(rebuild(&answer, replayed))
}

fn reused() -> ApiError {
    ApiError::Unprocessable {
        code: "idempotency_key_reused",
        detail: "this Idempotency-Key was used for a different request; use a new key".into(),
    }
}

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
    let bytes = match read_body(&mut payload, limit).await {
        Ok(bytes) => bytes,
        Err(e) => return Ok(ServiceResponse::new(http, HttpResponse::from_error(e))),
    };
    let keyed = Arc::new(Keyed {
        subject,
        key,
        fingerprint: fingerprint(&http, &bytes),
        kept: AtomicBool::new(false),
    });
    if SERVED.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        if let Err(e) = store.read(idempotency::sweep).await {
            log::warn!("could not sweep expired idempotency keys: {e}");
        }
    }
    // A kept answer, a refusal included, is given again without running the
    // handler; `write` looks again inside its transaction, which decides.
    let seen = Arc::clone(&keyed);
    let lookup = store
        .read(move |conn| idempotency::lookup(conn, &seen.subject, &seen.key, &seen.fingerprint))
        .await;
    match lookup {
        Ok(Lookup::Free) => {}
        Ok(Lookup::Done(answer)) => return Ok(ServiceResponse::new(http, rebuild(&answer, true))),
        Ok(Lookup::Mismatch) => {
            return Ok(ServiceResponse::new(
                http,
                HttpResponse::from_error(reused()),
            ))
        }
        Err(e) => {
            let e = ApiError::from(e);
            return Ok(ServiceResponse::new(http, HttpResponse::from_error(e)));
        }
    }

    let req = ServiceRequest::from_parts(http, Payload::from(bytes));
    let response = KEYED.scope(Arc::clone(&keyed), next.call(req)).await?;
    let status = response.status();
    if keyed.kept.load(Ordering::Acquire) || !keeps_after(status) {
        return Ok(response);
    }
    if status.is_success() {
        log::error!(
            "{} answered {status} without keeping its Idempotency-Key with its work; kept after",
            response.request().path()
        );
    }
    keep_after(&store, keyed, response).await
}

/// The whole body, up to `limit` bytes: the key's fingerprint covers it, and
/// the handler then reads it from these bytes.
async fn read_body(payload: &mut Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("unreadable_body", e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// Answers kept once given: a refusal, which did no work. Not a server fault,
/// nor an answer that asks for a retry (408, 429).
fn keeps_after(status: StatusCode) -> bool {
    (status.is_client_error() || status.is_success())
        && status != StatusCode::REQUEST_TIMEOUT
        && status != StatusCode::TOO_MANY_REQUESTS
}

/// Keeps an answer given outside a write, then sends it.
async fn keep_after(
    store: &Store,
    keyed: Arc<Keyed>,
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
    let stored = store
        .read(move |conn| {
            idempotency::keep(conn, &keyed.subject, &keyed.key, &keyed.fingerprint, &kept)
        })
        .await;
    if let Err(e) = stored {
        // Nothing was done, so a retry that finds the key free is judged again.
        log::warn!("could not keep a refusal under its Idempotency-Key: {e}");
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
