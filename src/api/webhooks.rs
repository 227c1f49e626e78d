//! `/api/v1/webhooks`: subscriptions to the change feed, kept by admins (each
//! one's delivery log is `webhook_deliveries`). Sending is `webhooks::worker`'s
//! job.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    audit::{audit_of, Audit},
    conditional::{current, with_etag, IfMatch},
    idempotency, merge_patch,
    pagination::{respond, PageQuery, Paginated},
    problems::{CreateErrors, DeleteErrors, ListErrors, UpdateErrors, ViewErrors},
    request_body::{Input, JsonBody, Valid},
};
use crate::{
    auth::Caller,
    db::{
        history,
        idempotency::Answer,
        now, organisations, plans,
        webhooks::{self as query, Stamp, SubscriptionFields, SubscriptionRow},
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
    /// Event types to send: `<resource>.<created|updated|deleted>` (and
    /// `highlight_report.published`), `*` for
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

pub(super) fn load(conn: &mut DbConnection, id: &str) -> Result<SubscriptionRow, ApiError> {
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
