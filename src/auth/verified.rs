//! Tokens already verified, kept by their SHA-256 until they expire. A partner
//! system sends the same token with every request for an hour, and checking an
//! RS256 signature again each time was a third of the server's CPU on a GET.
//!
//! An entry holds the key that verified it: when the key set is fetched again
//! (a rotation, a key withdrawn) every key is a new object, so no entry made
//! before matches and each token is checked again against the set as it is now.

use std::{
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use moka::sync::Cache;
use sha2::{Digest, Sha256};

use super::{claims::Identity, keys::Key};

/// At most this many tokens are kept (a few hundred bytes each); beyond it the
/// least used go first.
const CAPACITY: u64 = 10_000;

pub struct Verified {
    pub identity: Identity,
    /// The token's `kid`, to find its key again.
    pub kid: Option<String>,
    pub key: Arc<Key>,
    /// The token's `exp`: the entry serves until then, never into the leeway,
    /// where the full check decides.
    pub expires: u64,
}

pub struct VerifiedTokens(Cache<[u8; 32], Arc<Verified>>);

impl Default for VerifiedTokens {
    fn default() -> Self {
        VerifiedTokens(Cache::builder().max_capacity(CAPACITY).build())
    }
}

impl VerifiedTokens {
    /// The token's entry, if one is kept and has not expired.
    pub fn get(&self, token: &str) -> Option<Arc<Verified>> {
        let entry = self.0.get(&digest(token))?;
        (unix_now() < entry.expires).then_some(entry)
    }

    pub fn put(&self, token: &str, verified: Verified) {
        if unix_now() < verified.expires {
            self.0.insert(digest(token), Arc::new(verified));
        }
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{AlgorithmFamily, DecodingKey};

    use super::*;

    fn verified(expires: u64) -> Verified {
        Verified {
            identity: Identity {
                subject: "cnwl-rio".into(),
                role: None,
                organisation: Some("CNWL".into()),
            },
            kid: None,
            key: Arc::new(Key {
                decoding: DecodingKey::from_secret(b"s"),
                family: AlgorithmFamily::Hmac,
                algorithm: None,
            }),
            expires,
        }
    }

    #[test]
    fn a_token_is_served_until_its_exp_and_not_after() {
        let kept = VerifiedTokens::default();
        kept.put("live", verified(unix_now() + 60));
        kept.put("expired", verified(unix_now() - 1));
        assert_eq!(kept.get("live").unwrap().identity.subject, "cnwl-rio");
        assert!(kept.get("expired").is_none(), "never stored");
        assert!(kept.get("other").is_none());
        kept.0
            .insert(digest("lapsed"), Arc::new(verified(unix_now())));
        assert!(kept.get("lapsed").is_none(), "kept, but its exp has come");
    }
}
