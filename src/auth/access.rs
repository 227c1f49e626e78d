//! The access rule each route declares, and the middleware that enforces it
//! before the handler runs: no token or a bad one → 401, a valid token whose role
//! is below the rule's → 403. Rules about the object itself (which organisation
//! leads an action, which plans an organisation is a partner in, whether a plan is
//! published) need the object and are checked by the handlers (`auth::scope`).

use actix_web::{
    body::BoxBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderValue, AUTHORIZATION},
    middleware::Next,
    web, HttpMessage,
};

use super::{
    caller::{Caller, Principal},
    role::Role,
    verify::Verifier,
};
use crate::error::ApiError;

/// Who may call a route, declared beside it in the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, without a token: liveness, readiness, metrics.
    Open,
    /// Viewers and above; without a token too when the deployment allows public
    /// reading, and then only published plans and what is in them.
    PlanContent,
    /// Viewers and above: reference data, history and the change feed.
    Viewer,
    /// Contributors of the organisation that leads the action or measure, and
    /// editors of a partner organisation; admins.
    Contributor,
    /// Editors of an organisation that is a partner in the plan; admins.
    Editor,
    /// Admins only.
    Admin,
}

impl Access {
    /// The least role a token must grant; `None` when no token is needed.
    pub fn role(self) -> Option<Role> {
        match self {
            Access::Open => None,
            Access::PlanContent | Access::Viewer => Some(Role::Viewer),
            Access::Contributor => Some(Role::Contributor),
            Access::Editor => Some(Role::Editor),
            Access::Admin => Some(Role::Admin),
        }
    }

    /// Whether a request without a token may pass.
    pub fn admits_anonymous(self, public_read: bool) -> bool {
        match self {
            Access::Open => true,
            Access::PlanContent => public_read,
            _ => false,
        }
    }

    /// The rule in words, for the OpenAPI document.
    pub fn describe(self) -> &'static str {
        match self {
            Access::Open => "No token needed.",
            Access::PlanContent => {
                "Role viewer or above. Without a token only where the deployment allows \
                 public reading, and then only published plans and their contents."
            }
            Access::Viewer => "Role viewer or above.",
            Access::Contributor => {
                "Role contributor or above. A contributor's organisation must lead the \
                 action (through an owner) or the measure (its team responsible), and a \
                 contributor may change only progress fields; an editor's organisation must \
                 be a partner in the plan; admins may always."
            }
            Access::Editor => {
                "Role editor or above. An editor's organisation must be a partner in the \
                 plan (for a new plan: among its partners); admins may always."
            }
            Access::Admin => "Role admin.",
        }
    }
}

/// Checks bearer tokens for every route.
pub struct Authenticator {
    pub verifier: Verifier,
    pub public_read: bool,
    /// Added to a refused token's detail in development: a token minted with
    /// another directory's secret fails only on its signature, far from the
    /// cause.
    pub refusal_hint: Option<String>,
}

fn bearer(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let (scheme, token) = text.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Authenticator {
    /// The caller of a route with rule `access`, or why it may not call it.
    pub async fn caller(
        &self,
        access: Access,
        authorization: Option<&HeaderValue>,
    ) -> Result<Caller, ApiError> {
        let Some(needed) = access.role() else {
            return Ok(Caller::Anonymous);
        };
        let token = match authorization {
            None if access.admits_anonymous(self.public_read) => return Ok(Caller::Anonymous),
            None => {
                return Err(ApiError::Unauthorized {
                    code: "missing_token",
                    detail: "this needs a bearer token in the Authorization header".into(),
                })
            }
            Some(value) => bearer(value).ok_or_else(|| ApiError::Unauthorized {
                code: "invalid_token",
                detail: "the Authorization header must be `Bearer <token>`".into(),
            })?,
        };
        let identity = self
            .verifier
            .verify(token)
            .await
            .map_err(|e| ApiError::Unauthorized {
                code: "invalid_token",
                detail: match &self.refusal_hint {
                    Some(hint) => format!("{e}: {hint}"),
                    None => e.to_string(),
                },
            })?;
        let Some(role) = identity.role else {
            return Err(ApiError::Forbidden {
                code: "no_role",
                detail: "the token grants no Waymark role".into(),
            });
        };
        let principal = Principal {
            subject: identity.subject,
            role,
            organisation: identity.organisation,
        };
        principal.require(needed)?;
        Ok(Caller::Authenticated(principal))
    }
}

/// The middleware of a route with rule `access`: finds the caller and puts it
/// into the request, or answers 401/403 without calling the handler.
pub async fn enforce(
    access: Access,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let outcome = match req.app_data::<web::Data<Authenticator>>() {
        Some(auth) => {
            let auth = auth.clone();
            auth.caller(access, req.headers().get(AUTHORIZATION)).await
        }
        None => Err(ApiError::Internal("no authenticator is configured".into())),
    };
    match outcome {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await
        }
        Err(e) => Ok(req.error_response(e)),
    }
}
