//! Who is calling, as the access check found it. The route's access rule puts a
//! `Caller` into the request; handlers take it to check organisation scope, to
//! hide unpublished plans from anonymous readers and to record the actor.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use super::role::Role;
use crate::{db::Actor, error::ApiError};

/// A caller that presented a valid token with a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's `sub`.
    pub subject: String,
    pub role: Role,
    /// The organisation code the token names.
    pub organisation: Option<String>,
}

impl Principal {
    pub fn is(&self, role: Role) -> bool {
        self.role >= role
    }

    /// 403 `insufficient_role` unless the caller has `role` or a higher one.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.is(role) {
            return Ok(());
        }
        Err(ApiError::Forbidden {
            code: "insufficient_role",
            detail: format!("this needs the {role} role; the token grants {}", self.role),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No token, on a route the deployment lets anyone read.
    Anonymous,
    Authenticated(Principal),
}

/// The subject recorded for reads without a token (they never write).
pub const ANONYMOUS: &str = "anonymous";

impl Caller {
    /// The authenticated caller; 401 for an anonymous one.
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        match self {
            Caller::Authenticated(p) => Ok(p),
            Caller::Anonymous => Err(ApiError::Unauthorized {
                code: "missing_token",
                detail: "this needs a bearer token".into(),
            }),
        }
    }

    /// Without a token only published plans and their contents may be read.
    pub fn sees_only_published(&self) -> bool {
        matches!(self, Caller::Anonymous)
    }

    /// Who a write is recorded as: the token's subject and organisation.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Authenticated(p) => Actor {
                subject: p.subject.clone(),
                organisation: p.organisation.clone(),
            },
            Caller::Anonymous => Actor {
                subject: ANONYMOUS.into(),
                organisation: None,
            },
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        // Every route is registered with an access rule, which puts the caller here;
        // a handler reached without one is a wiring fault, never an open door.
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or_else(|| ApiError::Internal(format!("{} has no access rule", req.path()))),
        )
    }
}
