//! Checking a bearer token: its algorithm against the configured list (never the
//! token's word alone), its signature against the key its `kid` names, then
//! `iss`, `aud`, `exp` (all required), `nbf` when present and `sub`, with the
//! configured leeway. What the token says about role and organisation is then
//! read through the claim map.

use std::sync::Arc;

use jsonwebtoken::{decode, decode_header, errors::ErrorKind, Algorithm, Validation};
use serde_json::Value;

use super::{
    claims::{ClaimMap, Identity},
    keys::{KeyError, KeyStore},
    verified::{Verified, VerifiedTokens},
};

/// Why a token was refused; each says so in words safe to return to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT with a supported algorithm")]
    Malformed,
    #[error("tokens signed with {0:?} are not accepted")]
    Algorithm(Algorithm),
    #[error("the token names no key (kid) and several keys are in use")]
    NoKeyId,
    #[error("the token is signed with an unknown key {0:?}")]
    UnknownKey(String),
    #[error("the token's signature does not verify")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    #[error("the token's issuer is not accepted")]
    Issuer,
    #[error("the token's audience is not this service")]
    Audience,
    #[error("the token lacks the {0} claim")]
    MissingClaim(String),
    #[error("the token's claims are invalid")]
    Claims,
}

impl From<KeyError> for TokenError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::NoKeyId => TokenError::NoKeyId,
            KeyError::UnknownKey(kid) => TokenError::UnknownKey(kid),
        }
    }
}

impl From<jsonwebtoken::errors::Error> for TokenError {
    fn from(e: jsonwebtoken::errors::Error) -> Self {
        match e.kind() {
            ErrorKind::InvalidSignature => TokenError::Signature,
            ErrorKind::ExpiredSignature => TokenError::Expired,
            ErrorKind::ImmatureSignature => TokenError::NotYetValid,
            ErrorKind::InvalidIssuer => TokenError::Issuer,
            ErrorKind::InvalidAudience => TokenError::Audience,
            ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(claim.clone()),
            ErrorKind::InvalidClaimFormat(_) | ErrorKind::InvalidSubject => TokenError::Claims,
            _ => TokenError::Malformed,
        }
    }
}

pub struct Verifier {
    pub keys: KeyStore,
    pub algorithms: Vec<Algorithm>,
    pub issuers: Vec<String>,
    pub audiences: Vec<String>,
    pub leeway: u64,
    pub claims: ClaimMap,
    pub verified: VerifiedTokens,
}

impl Verifier {
    pub async fn verify(&self, token: &str) -> Result<Identity, TokenError> {
        if let Some(kept) = self.verified.get(token) {
            // Asking for the key keeps the key set's refresh and rotation as
            // they are for every token; a refetched set holds new key objects.
            let key = self.keys.find(kept.kid.as_deref()).await;
            if key.is_ok_and(|key| Arc::ptr_eq(&key, &kept.key)) {
                return Ok(kept.identity.clone());
            }
        }
        let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
        if !self.algorithms.contains(&header.alg) {
            return Err(TokenError::Algorithm(header.alg));
        }
        let key = self.keys.find(header.kid.as_deref()).await?;
        if !key.fits(header.alg) {
            return Err(TokenError::Algorithm(header.alg));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&self.issuers);
        validation.set_audience(&self.audiences);
        validation.validate_nbf = true;
        validation.leeway = self.leeway;
        let data = decode::<Value>(token, &key.decoding, &validation)?;
        let identity = self
            .claims
            .identity(&data.claims)
            .ok_or_else(|| TokenError::MissingClaim("sub".into()))?;
        if let Some(expires) = data.claims.get("exp").and_then(Value::as_u64) {
            self.verified.put(
                token,
                Verified {
                    identity: identity.clone(),
                    kid: header.kid,
                    key,
                    expires,
                },
            );
        }
        Ok(identity)
    }
}
