//! Versions as HTTP entity tags: `ETag` on every representation, `If-None-Match`
//! for cheap re-reads (304) and `If-Match` to change only the version one read
//! (412 when stale, 428 when missing).

use std::future::{ready, Ready};

use actix_web::{
    dev::Payload, http::header, FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder,
};
use serde::Serialize;

use crate::error::ApiError;

/// The strong entity tag of a version: `"3"`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The versions a conditional header names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The header is absent.
    Missing,
    /// `*`: any current version.
    Any,
    /// The versions listed; weak tags (`W/"3"`) never match, as RFC 9110 says for
    /// `If-Match`.
    Versions(Vec<i64>),
}

impl Condition {
    fn parse(value: Option<&str>, weak_ok: bool) -> Condition {
        let Some(value) = value else {
            return Condition::Missing;
        };
        if value.trim() == "*" {
            return Condition::Any;
        }
        let versions = value
            .split(',')
            .map(str::trim)
            .filter_map(|tag| match tag.strip_prefix("W/") {
                Some(weak) if weak_ok => Some(weak),
                Some(_) => None,
                None => Some(tag),
            })
            .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok())
            .collect();
        Condition::Versions(versions)
    }

    fn matches(&self, version: i64) -> bool {
        match self {
            Condition::Missing => false,
            Condition::Any => true,
            Condition::Versions(v) => v.contains(&version),
        }
    }
}

/// `If-Match`, required on every change.
#[derive(Debug, Clone)]
pub struct IfMatch(pub Condition);

impl IfMatch {
    /// Passes when the header names `current`; 428 without it, 412 when stale.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        match &self.0 {
            Condition::Missing => Err(ApiError::PreconditionRequired),
            condition if condition.matches(current) => Ok(()),
            _ => Err(ApiError::PreconditionFailed {
                current_version: current,
            }),
        }
    }

    /// As `check` where the header is optional: passes when it is absent.
    pub fn check_if_given(&self, current: i64) -> Result<(), ApiError> {
        match &self.0 {
            Condition::Missing => Ok(()),
            _ => self.check(current),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req
            .headers()
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok());
        ready(Ok(IfMatch(Condition::parse(value, false))))
    }
}

/// A representation with its version as `ETag`.
pub fn with_etag(
    mut response: HttpResponseBuilder,
    version: i64,
    body: &impl Serialize,
) -> HttpResponse {
    response
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// 201 for a new resource: `Location` names it, `ETag` gives its version.
pub fn created_at(location: String, version: i64, body: &impl Serialize) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    with_etag(response, version, body)
}

/// A read: 304 when `If-None-Match` names `version`, else 200 with the body.
pub fn current(req: &HttpRequest, version: i64, body: &impl Serialize) -> HttpResponse {
    not_modified(req, version).unwrap_or_else(|| with_etag(HttpResponse::Ok(), version, body))
}

/// `If-None-Match` on a read: 304 when the client has the current version.
pub fn not_modified(req: &HttpRequest, version: i64) -> Option<HttpResponse> {
    let value = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    Condition::parse(value, true).matches(version).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag(version)))
            .finish()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_strong_tags_lists_and_star() {
        assert_eq!(
            Condition::parse(Some("\"3\""), false),
            Condition::Versions(vec![3])
        );
        assert_eq!(
            Condition::parse(Some("\"2\", \"3\""), false),
            Condition::Versions(vec![2, 3])
        );
        assert_eq!(
            Condition::parse(Some("W/\"3\""), false),
            Condition::Versions(vec![])
        );
        assert_eq!(
            Condition::parse(Some("W/\"3\""), true),
            Condition::Versions(vec![3])
        );
        assert_eq!(
            Condition::parse(Some("3"), false),
            Condition::Versions(vec![])
        );
        assert_eq!(Condition::parse(Some("*"), false), Condition::Any);
        assert_eq!(Condition::parse(None, false), Condition::Missing);
    }

    #[test]
    fn a_stale_or_missing_if_match_is_refused() {
        assert!(IfMatch(Condition::Versions(vec![3])).check(3).is_ok());
        assert!(matches!(
            IfMatch(Condition::Versions(vec![2])).check(3),
            Err(ApiError::PreconditionFailed { current_version: 3 })
        ));
        assert!(matches!(
            IfMatch(Condition::Missing).check(3),
            Err(ApiError::PreconditionRequired)
        ));
    }
}
