//! Who is calling. Every handler that writes takes a `Caller`, so that role checks
//! and the recorded actor have one place to come from.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};

use crate::error::ApiError;

/// Until token authentication exists every request acts as this development actor.
pub const DEVELOPMENT_ACTOR: &str = "development";

#[derive(Debug, Clone)]
pub struct Caller {
    /// Recorded as `created_by` / `updated_by` on what the caller writes.
    pub subject: String,
}

impl Caller {
    pub fn actor(&self) -> String {
        self.subject.clone()
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(_req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(Caller {
            subject: DEVELOPMENT_ACTOR.to_string(),
        }))
    }
}
