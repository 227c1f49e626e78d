//! `/api/v1/webhooks/{id}/deliveries`: a subscription's delivery log, one
//! delivery with its attempts, and sending one again.

use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{
    idempotency,
    pagination::{respond, PageQuery, Paginated},
    problems::{ListErrors, RedeliverErrors, ViewErrors},
    webhooks::load,
};
use crate::{
    auth::Caller,
    db::{
        idempotency::Answer,
        now,
        webhooks::{self as query, AttemptRow, DeliveryRow, LogFilter},
        Store,
    },
    error::ApiError,
    webhooks::WebhookSettings,
};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not yet taken by the receiver; `next_attempt_at` says when it is tried.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Retries ran out, or the receiver answered 410 Gone.
    Failed,
}

impl DeliveryState {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => query::PENDING,
            DeliveryState::Delivered => query::DELIVERED,
            DeliveryState::Failed => query::FAILED,
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            query::DELIVERED => DeliveryState::Delivered,
            query::FAILED => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
}

/// One event sent (or being sent) to one subscription.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000501",
    "webhook_id": "019ab3c4-5e6f-7a00-8b00-000000000401",
    "seq": 118,
    "event_type": "action.updated",
    "state": "pending",
    "attempts": 2,
    "next_attempt_at": "2026-11-24T09:01:25Z",
    "retry_until": "2026-11-27T09:00:00Z",
    "last_status": 503,
    "last_attempt_at": "2026-11-24T09:00:05Z",
    "created_at": "2026-11-24T09:00:00Z"
}))]
pub struct WebhookDelivery {
    /// Also the `webhook-id` header, the same on every attempt.
    pub id: String,
    pub webhook_id: String,
    /// The change-feed event sent.
    pub seq: i64,
    pub event_type: String,
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it is tried next, while pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Retries stop after this.
    pub retry_until: DateTime<Utc>,
    /// The receiver's status at the last attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i32>,
    /// Why the last attempt got no answer (refused, timed out, address not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

impl From<DeliveryRow> for WebhookDelivery {
    fn from(row: DeliveryRow) -> Self {
        let state = DeliveryState::parse(&row.state);
        WebhookDelivery {
            next_attempt_at: (state == DeliveryState::Pending)
                .then(|| row.next_attempt_at.and_utc()),
            id: row.id,
            webhook_id: row.subscription_id,
            seq: row.seq,
            event_type: row.event_type,
            state,
            attempts: row.attempts,
            retry_until: row.retry_until.and_utc(),
            last_status: row.last_status,
            last_error: row.last_error,
            last_attempt_at: utc(row.last_attempt_at),
            delivered_at: utc(row.delivered_at),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// One attempt to send a delivery.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"attempt": 2, "at": "2026-11-24T09:00:25Z", "status": 503, "duration_ms": 31}))]
pub struct WebhookAttempt {
    pub attempt: i32,
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl From<AttemptRow> for WebhookAttempt {
    fn from(row: AttemptRow) -> Self {
        WebhookAttempt {
            attempt: row.attempt,
            at: row.at.and_utc(),
            status: row.status,
            error: row.error,
            duration_ms: row.duration_ms,
        }
    }
}

/// A delivery with the body it sends and every attempt so far.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000501",
    "webhook_id": "019ab3c4-5e6f-7a00-8b00-000000000401",
    "seq": 118,
    "event_type": "action.updated",
    "state": "delivered",
    "attempts": 2,
    "retry_until": "2026-11-27T09:00:00Z",
    "last_status": 204,
    "last_attempt_at": "2026-11-24T09:00:09Z",
    "delivered_at": "2026-11-24T09:00:09Z",
    "created_at": "2026-11-24T09:00:00Z",
    "payload": {"type": "action.updated", "timestamp": "2026-11-24T09:00:00Z", "data": {"seq": 118, "resource_type": "action", "resource_id": "019ab3c4-5e6f-7a00-8b00-000000000106", "version": 3, "operation": "update", "actor": "cnwl-camhs-system", "at": "2026-11-24T09:00:00Z", "resource": {"ref": "7", "brag": "amber"}}},
    "attempt_log": [
        {"attempt": 1, "at": "2026-11-24T09:00:00Z", "error": "error sending request: connection refused", "duration_ms": 2},
        {"attempt": 2, "at": "2026-11-24T09:00:09Z", "status": 204, "duration_ms": 14}
    ]
}))]
pub struct WebhookDeliveryDetail {
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// The JSON body sent: `type`, `timestamp`, and in `data` the change-feed
    /// event with the resource as that version stored it (`resource`).
    pub payload: Value,
    /// Its attempts, oldest first: the latest 100.
    pub attempt_log: Vec<WebhookAttempt>,
}

/// Filters of the delivery log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
    /// Only the delivery of this change-feed event.
    pub seq: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    operation_id = "webhook_delivery_list",
    tag = "webhooks",
    summary = "A subscription's delivery log, newest first",
    params(("id" = String, Path, description = "Subscription id"), PageQuery, DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries, newest first", body = Paginated<WebhookDelivery>),
        ListErrors,
        ViewErrors
    )
)]
pub async fn list_deliveries(
    req: HttpRequest,
    store: web::Data<Store>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
    filter: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let id = id.into_inner();
    let filter = LogFilter {
        state: filter.state.map(|s| s.as_str().to_string()),
        seq: filter.seq,
    };
    let rows = store
        .read(move |conn| {
            load(conn, &id)?;
            Ok::<_, ApiError>(query::log(conn, &id, &filter, &page)?)
        })
        .await?;
    Ok(respond(&req, rows, WebhookDelivery::from))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}",
    operation_id = "webhook_delivery_view",
    tag = "webhooks",
    summary = "One delivery: the body it sends and every attempt",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("delivery_id" = String, Path, description = "Delivery id (the `webhook-id` header)")
    ),
    responses((status = 200, description = "The delivery", body = WebhookDeliveryDetail), ViewErrors)
)]
pub async fn find_delivery(
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let detail = store
        .read(move |conn| {
            let row = query::delivery(conn, &id, &delivery)
                .map_err(ApiError::from_store("webhook delivery", &delivery))?;
            let attempt_log = query::attempts_of(conn, &delivery)?;
            Ok::<_, ApiError>(detail_of(row, attempt_log))
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

fn detail_of(row: DeliveryRow, attempts: Vec<AttemptRow>) -> WebhookDeliveryDetail {
    WebhookDeliveryDetail {
        payload: serde_json::from_str(&row.payload).unwrap_or(Value::Null),
        delivery: WebhookDelivery::from(row),
        attempt_log: attempts.into_iter().map(WebhookAttempt::from).collect(),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    operation_id = "webhook_delivery_redeliver",
    tag = "webhooks",
    summary = "Send a delivery again",
    description = "Whatever its state, the delivery goes out again at once with the same \
        `webhook-id` and body, and is retried from now as a new one would be.",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("delivery_id" = String, Path, description = "Delivery id (the `webhook-id` header)")
    ),
    responses(
        (status = 202, description = "Queued to be sent again", body = WebhookDelivery),
        RedeliverErrors
    )
)]
pub async fn redeliver(
    store: web::Data<Store>,
    caller: Caller,
    settings: web::Data<WebhookSettings>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let retry_for = chrono::Duration::from_std(settings.retry_for)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    idempotency::write(
        &store,
        caller.actor(),
        move |tx| {
            let conn = &mut *tx.conn;
            let at = now();
            let queued = query::redeliver(conn, &id, &delivery, at, at + retry_for)?;
            let row = query::delivery(conn, &id, &delivery)
                .map_err(ApiError::from_store("webhook delivery", &delivery))?;
            if queued == 0 {
                return Err(ApiError::Conflict {
                    code: "delivery_in_progress",
                    detail: "an attempt is being sent right now; ask again when it is logged"
                        .into(),
                    references: Vec::new(),
                });
            }
            Ok(row)
        },
        |row| Answer::json(StatusCode::ACCEPTED, &[], &WebhookDelivery::from(row)),
    )
    .await
}
