//! `/api/v1/webhooks`: subscriptions to the change feed, kept by admins, and
//! each subscription's delivery log. Sending is `webhooks::worker`'s job.

use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    conditional::{current, with_etag, IfMatch},
    idempotency, merge_patch,
    pagination::{respond, PageQuery, Paginated},
    problems::{CreateErrors, DeleteErrors, ListErrors, RedeliverErrors, UpdateErrors, ViewErrors},
    request_body::{Input, JsonBody, Valid},
};
use crate::{
    auth::Caller,
    db::{
        history,
        idempotency::Answer,
        now, organisations, plans,
        webhooks::{
            self as query, AttemptRow, DeliveryRow, LogFilter, Stamp, SubscriptionFields,
            SubscriptionRow,
        },
        DbConnection, Store, StoreError,
    },
    error::{ApiError, FieldError},
    webhooks::{events, signature, WebhookSettings},
};

const RESOURCE: &str = "webhook";

/// Where and what to send.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://hooks.cnwl.example/waymark",
    "description": "CNWL performance system: actions and readings",
    "event_types": ["action.*", "reading.created", "reading.updated"],
    "organisation_id": "019ab3c4-5e6f-7a00-8b00-0000000000a3"
}))]
pub struct WebhookInput {
    /// The receiver: an http or https URL without credentials. Loopback, private,
    /// link-local and cloud metadata addresses are refused unless the deployment
    /// allows their network (`WAYMARK_WEBHOOK_ALLOW_NETWORKS`).
    #[validate(length(min = 1, max = 2000))]
    #[schema(format = Uri, min_length = 1, max_length = 2000)]
    pub url: String,
    #[validate(length(max = 500))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Event types to send: `<resource>.<created|updated|deleted>`, `*` for
    /// either part (`action.*`, `*.deleted`). Empty or absent: every event.
    #[validate(length(max = 50))]
    #[serde(default)]
    #[schema(max_items = 50, example = json!(["action.updated", "status_update.created"]))]
    pub event_types: Vec<String>,
    /// Only events of resources in this plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// Only events that concern this organisation: of plans it is a partner in,
    /// written by its systems, or of the organisation itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    /// False pauses deliveries; events still queue and go out once it is true
    /// again. The worker sets it to false when a receiver answers 410 Gone.
    #[serde(default = "enabled_by_default")]
    #[schema(default = true)]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

impl Input for WebhookInput {
    fn cross_checks(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self
            .event_types
            .iter()
            .enumerate()
            .filter_map(|(i, pattern)| {
                events::check_pattern(pattern)
                    .err()
                    .map(|message| FieldError {
                        field: format!("event_types[{i}]"),
                        code: "unknown_event_type".into(),
                        message,
                    })
            })
            .collect();
        if let Err(e) = Url::parse(&self.url) {
            errors.push(FieldError {
                field: "url".into(),
                code: "invalid_url".into(),
                message: format!("not a URL: {e}"),
            });
        }
        errors
    }
}

impl WebhookInput {
    /// Refuses a URL the deployment's policy does not allow (resolving its host).
    async fn check_target(&self, settings: &WebhookSettings) -> Result<(), ApiError> {
        let url = Url::parse(&self.url)
            .map_err(|e| ApiError::invalid("url", "invalid_url", format!("not a URL: {e}")))?;
        settings
            .policy
            .check_resolved(&url)
            .await
            .map_err(|message| ApiError::invalid("url", "refused_address", message))
    }

    fn fields(&self) -> SubscriptionFields {
        SubscriptionFields {
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: serde_json::to_string(&self.event_types).unwrap_or_else(|_| "[]".into()),
            plan_id: self.plan_id.clone(),
            organisation_id: self.organisation_id.clone(),
            enabled: self.enabled,
        }
    }
}

impl From<&SubscriptionRow> for WebhookInput {
    fn from(row: &SubscriptionRow) -> Self {
        WebhookInput {
            url: row.url.clone(),
            description: row.description.clone(),
            event_types: serde_json::from_str(&row.event_types).unwrap_or_default(),
            plan_id: row.plan_id.clone(),
            organisation_id: row.organisation_id.clone(),
            enabled: row.enabled,
        }
    }
}

/// A subscription.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000401",
    "url": "https://hooks.cnwl.example/waymark",
    "description": "CNWL performance system: actions and readings",
    "event_types": ["action.*", "reading.created", "reading.updated"],
    "organisation_id": "019ab3c4-5e6f-7a00-8b00-0000000000a3",
    "enabled": true,
    "version": 1,
    "created_at": "2026-11-24T09:00:00Z",
    "created_by": "waymark-admin",
    "updated_at": "2026-11-24T09:00:00Z",
    "updated_by": "waymark-admin"
}))]
pub struct Webhook {
    pub id: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Empty: every event.
    pub event_types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    pub enabled: bool,
    /// Why the service disabled it, e.g. the receiver answered 410 Gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    #[serde(flatten)]
    pub audit: Audit,
}

impl From<SubscriptionRow> for Webhook {
    fn from(row: SubscriptionRow) -> Self {
        let input = WebhookInput::from(&row);
        Webhook {
            id: row.id.clone(),
            url: input.url,
            description: input.description,
            event_types: input.event_types,
            plan_id: input.plan_id,
            organisation_id: input.organisation_id,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason.clone(),
            audit: audit_of!(row),
        }
    }
}

/// A new subscription, with the secret its deliveries are signed with. The
/// secret is shown this once: keep it with the receiver.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ab3c4-5e6f-7a00-8b00-000000000401",
    "url": "https://hooks.cnwl.example/waymark",
    "event_types": ["action.*"],
    "enabled": true,
    "secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD1G3xnE6AaeE=",
    "version": 1,
    "created_at": "2026-11-24T09:00:00Z",
    "created_by": "waymark-admin",
    "updated_at": "2026-11-24T09:00:00Z",
    "updated_by": "waymark-admin"
}))]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_` and the base64 of a 256-bit key, as Standard Webhooks has it.
    pub secret: String,
}

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

fn load(conn: &mut DbConnection, id: &str) -> Result<SubscriptionRow, ApiError> {
    query::get(conn, id).map_err(ApiError::from_store(RESOURCE, id))
}

/// The plan and organisation filters must name what exists.
fn check_filters(conn: &mut DbConnection, input: &WebhookInput) -> Result<(), ApiError> {
    let unknown = |field: &str, id: &str| StoreError::UnknownReference {
        field: field.into(),
        id: id.into(),
    };
    if let Some(plan) = &input.plan_id {
        if !plans::exists(conn, plan)? {
            return Err(unknown("plan_id", plan).into());
        }
    }
    if let Some(organisation) = &input.organisation_id {
        if !organisations::exists(conn, organisation)? {
            return Err(unknown("organisation_id", organisation).into());
        }
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    operation_id = "webhook_create",
    tag = "webhooks",
    summary = "Subscribe a URL to change-feed events",
    description = "Events written from now on that match `event_types` and the filters are \
        POSTed to `url` as JSON, signed as Standard Webhooks says: headers `webhook-id` (the \
        delivery id, the same on every retry), `webhook-timestamp` (Unix seconds) and \
        `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the \
        secret's key). A 2xx answer delivers; 410 disables the subscription; anything else is \
        retried with exponential backoff and jitter (no sooner than `Retry-After`) for \
        `WAYMARK_WEBHOOK_RETRY_HOURS` (72 by default). The secret is in this answer only.",
    request_body = WebhookInput,
    responses(
        (status = 201, description = "Subscribed; `Location` names the subscription", body = WebhookCreated,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "URL of the subscription"))),
        CreateErrors
    )
)]
pub async fn create_webhook(
    store: web::Data<Store>,
    settings: web::Data<WebhookSettings>,
    caller: Caller,
    body: Valid<WebhookInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    input.check_target(&settings).await?;
    let secret = signature::new_secret().map_err(ApiError::Internal)?;
    let actor = caller.actor();
    let subject = actor.subject.clone();
    idempotency::write(
        &store,
        actor,
        move |tx| {
            let conn = &mut *tx.conn;
            let stamp = Stamp {
                actor: &subject,
                now: now(),
            };
            // Events from now on: the position is read inside the transaction
            // that stores the subscription.
            let start = history::last_seq(conn)?;
            check_filters(conn, &input)?;
            Ok(query::insert(
                conn,
                &input.fields(),
                &secret,
                start,
                &stamp,
            )?)
        },
        |row| {
            let version = row.version;
            let secret = row.secret.clone();
            let created = WebhookCreated {
                webhook: Webhook::from(row),
                secret,
            };
            let location = format!("/api/v1/webhooks/{}", created.webhook.id);
            Answer::created(location, version, &created)
        },
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    operation_id = "webhook_list",
    tag = "webhooks",
    summary = "List webhook subscriptions",
    params(PageQuery),
    responses((status = 200, description = "A page of subscriptions, oldest first", body = Paginated<Webhook>), ListErrors)
)]
pub async fn list_webhooks(
    req: HttpRequest,
    store: web::Data<Store>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.to_request()?;
    let rows = store.read(move |conn| query::list(conn, &page)).await?;
    Ok(respond(&req, rows, Webhook::from))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    operation_id = "webhook_view",
    tag = "webhooks",
    summary = "Get one webhook subscription",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold; 304 when it is still current")
    ),
    responses(
        (status = 200, description = "The subscription", body = Webhook,
            headers(("ETag" = String, description = "The version, quoted"))),
        ViewErrors,
        super::problems::NotModified
    )
)]
pub async fn find_webhook(
    req: HttpRequest,
    store: web::Data<Store>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = store.read(move |conn| load(conn, &id)).await?;
    Ok(current(&req, row.version, &Webhook::from(row)))
}

#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    operation_id = "webhook_update",
    tag = "webhooks",
    summary = "Change a webhook subscription (JSON Merge Patch): its URL, events, filters, or `enabled`",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`")
    ),
    request_body(content = WebhookInput, content_type = "application/merge-patch+json",
        description = "Only the fields to change; `null` removes an optional field",
        example = json!({"enabled": true})),
    responses(
        (status = 200, description = "The subscription as stored", body = Webhook,
            headers(("ETag" = String, description = "The version, quoted"))),
        UpdateErrors
    )
)]
pub async fn update_webhook(
    store: web::Data<Store>,
    settings: web::Data<WebhookSettings>,
    caller: Caller,
    id: web::Path<String>,
    precondition: IfMatch,
    patch: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let current = {
        let id = id.clone();
        store.read(move |conn| load(conn, &id)).await?
    };
    precondition.check(current.version)?;
    let input = merge_patch::apply(&WebhookInput::from(&current), patch.0)?;
    input.check_target(&settings).await?;
    let actor = caller.actor().subject;
    let row = store
        .transact(move |conn| {
            let stamp = Stamp {
                actor: &actor,
                now: now(),
            };
            // Checked again in the transaction: another admin may have changed it.
            let current = load(conn, &id)?;
            precondition.check(current.version)?;
            check_filters(conn, &input)?;
            Ok::<_, ApiError>(query::update(conn, &current, &input.fields(), &stamp)?)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &Webhook::from(row),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    operation_id = "webhook_delete",
    tag = "webhooks",
    summary = "Unsubscribe: delete a subscription with its delivery log",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("If-Match" = String, Header, description = "The ETag of the version being deleted, e.g. `\"3\"`")
    ),
    responses((status = 204, description = "Deleted; nothing more is sent"), DeleteErrors)
)]
pub async fn delete_webhook(
    store: web::Data<Store>,
    id: web::Path<String>,
    precondition: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    store
        .transact(move |conn| {
            let current = load(conn, &id)?;
            precondition.check(current.version)?;
            Ok::<_, ApiError>(query::delete(conn, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
