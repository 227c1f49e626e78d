//! The keys that verify tokens: one shared secret, or a JSON Web Key Set read
//! from a file or a URL. A key set is cached; it is fetched again when it grows
//! older than the refresh interval, and when a token names a key it does not hold
//! (an identity provider rotating its keys), at most once per refetch interval so
//! that a flood of tokens with made-up key ids cannot turn into a flood of fetches.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use jsonwebtoken::{
    jwk::{AlgorithmParameters, Jwk, PublicKeyUse},
    Algorithm, AlgorithmFamily, DecodingKey,
};
use serde_json::Value;

/// How long a key set fetch over HTTP may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A key set larger than this is not a key set; a fetch stops reading here.
const MAX_JWKS_BYTES: usize = 1 << 20;

/// One verification key and what it may verify.
pub struct Key {
    pub decoding: DecodingKey,
    pub family: AlgorithmFamily,
    /// The one algorithm the key set declares for it, if it declares one.
    pub algorithm: Option<Algorithm>,
}

impl Key {
    /// Whether a token signed with `alg` may be checked with this key.
    pub fn fits(&self, alg: Algorithm) -> bool {
        self.family == alg.family() && self.algorithm.is_none_or(|a| a == alg)
    }
}

/// Why no key could be found for a token.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The token names no `kid` and the key set holds more than one key.
    NoKeyId,
    /// No key has this id, even after fetching the set again (or a fetch was
    /// made too recently to make another).
    UnknownKey(String),
}

pub enum KeyStore {
    Shared(Arc<Key>),
    Set(KeySet),
}

impl KeyStore {
    pub fn secret(secret: &[u8]) -> Self {
        KeyStore::Shared(Arc::new(Key {
            decoding: DecodingKey::from_secret(secret),
            family: AlgorithmFamily::Hmac,
            algorithm: None,
        }))
    }

    pub async fn find(&self, kid: Option<&str>) -> Result<Arc<Key>, KeyError> {
        match self {
            KeyStore::Shared(key) => Ok(key.clone()),
            KeyStore::Set(set) => set.find(kid).await,
        }
    }

    /// Fetches a key set that has not been fetched yet.
    pub async fn warm(&self) {
        if let KeyStore::Set(set) = self {
            set.fetch_if_due().await;
        }
    }
}

#[derive(Debug, Clone)]
pub enum SetSource {
    File(PathBuf),
    Url(String),
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<Key>>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<Instant>,
    /// When a fetch was last tried, successful or not.
    attempted_at: Option<Instant>,
}

pub struct KeySet {
    source: SetSource,
    cached: RwLock<Cached>,
    /// One fetch at a time; tokens that arrive meanwhile wait for its result.
    fetching: tokio::sync::Mutex<()>,
    refresh: Duration,
    refetch: Duration,
}

impl KeySet {
    pub fn new(source: SetSource, refresh: Duration, refetch: Duration) -> Self {
        KeySet {
            source,
            cached: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
            refresh,
            refetch,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Cached> {
        // A panic elsewhere cannot leave the map half-written: it is replaced whole.
        self.cached.read().unwrap_or_else(|e| e.into_inner())
    }

    fn lookup(&self, kid: Option<&str>) -> Result<Option<Arc<Key>>, KeyError> {
        let cached = self.read();
        match kid {
            Some(kid) => Ok(cached.keys.get(kid).cloned()),
            None if cached.keys.len() <= 1 => Ok(cached.keys.values().next().cloned()),
            None => Err(KeyError::NoKeyId),
        }
    }

    fn is_fresh(&self) -> bool {
        self.read()
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.refresh)
    }

    pub async fn find(&self, kid: Option<&str>) -> Result<Arc<Key>, KeyError> {
        let known = self.lookup(kid)?;
        if let (Some(key), true) = (&known, self.is_fresh()) {
            return Ok(key.clone());
        }
        self.fetch_if_due().await;
        // Judged against the set as it is now: a fetch replaces the keys whole,
        // so a key the provider has removed is gone, for this token too. (A
        // failed fetch keeps the set held before, and with it `known`.)
        match self.lookup(kid)? {
            Some(key) => Ok(key),
            None => Err(KeyError::UnknownKey(kid.unwrap_or_default().to_string())),
        }
    }

    /// Fetches the set unless another fetch was tried within the refetch interval.
    async fn fetch_if_due(&self) {
        let _turn = self.fetching.lock().await;
        let due = self
            .read()
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.refetch);
        if due {
            self.fetch().await;
        }
    }

    /// Fetches the set now; a failure keeps the keys held before and is logged.
    pub async fn fetch(&self) {
        let result = match &self.source {
            SetSource::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            SetSource::Url(url) => fetch_url(url).await,
        }
        .and_then(|text| parse_key_set(&text));
        self.store(result);
    }

    /// Starts with keys already read (a key set file, checked at start), so the
    /// first token does not read the file again.
    pub fn holding(self, keys: HashMap<String, Arc<Key>>) -> Self {
        self.store(Ok(keys));
        self
    }

    fn store(&self, result: Result<HashMap<String, Arc<Key>>, String>) {
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        cached.attempted_at = Some(Instant::now());
        match result {
            Ok(keys) => {
                log::info!("token keys: {} key(s) from {}", keys.len(), self.describe());
                cached.keys = keys;
                cached.fetched_at = cached.attempted_at;
            }
            Err(e) => log::warn!(
                "token keys: fetching {} failed, keeping {} key(s): {e}",
                self.describe(),
                cached.keys.len()
            ),
        }
    }

    fn describe(&self) -> String {
        match &self.source {
            SetSource::File(path) => path.display().to_string(),
            SetSource::Url(url) => url.clone(),
        }
    }
}

async fn fetch_url(url: &str) -> Result<String, String> {
    // A client per fetch: fetches are rare, and a client's pooled connections
    // belong to the runtime that made them, while each HTTP worker has its own.
    // No redirects: the configured URL is the one place keys are trusted from,
    // and a redirect could send the fetch anywhere, plain HTTP included.
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("nowhere");
        return Err(format!(
            "the server answered {status}, redirecting to {location}; redirects are not \
             followed, so configure the key set's own URL"
        ));
    }
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let body = read_limited(response, MAX_JWKS_BYTES).await?;
    String::from_utf8(body).map_err(|e| e.to_string())
}

/// Reads a body chunk by chunk, giving up as soon as it grows past `limit`, so
/// that an endless or huge answer costs at most `limit` bytes of memory.
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let too_large = || format!("the key set is larger than {limit} bytes");
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a key set; keys for encryption, symmetric keys and keys of kinds this
/// build cannot use are left out rather than failing the whole set, since
/// providers publish keys for other uses beside the signing keys.
pub fn parse_key_set(text: &str) -> Result<HashMap<String, Arc<Key>>, String> {
    let document: Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON key set: {e}"))?;
    let entries = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("a key set needs a \"keys\" array")?;
    let mut keys = HashMap::new();
    let mut without_id = Vec::new();
    for entry in entries {
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else {
            continue;
        };
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            continue;
        }
        let family = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => AlgorithmFamily::Rsa,
            AlgorithmParameters::EllipticCurve(_) => AlgorithmFamily::Ec,
            AlgorithmParameters::OctetKeyPair(_) => AlgorithmFamily::Ed,
            _ => continue,
        };
        let Ok(decoding) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        let key = Arc::new(Key {
            decoding,
            family,
            algorithm: jwk
                .common
                .key_algorithm
                .and_then(|a| Algorithm::try_from(a).ok()),
        });
        match jwk.common.key_id {
            Some(kid) => {
                keys.insert(kid, key);
            }
            None => without_id.push(key),
        }
    }
    // A key without an id can only be chosen when it is the only key.
    if keys.is_empty() && without_id.len() == 1 {
        keys.extend(without_id.pop().map(|k| (String::new(), k)));
    }
    if keys.is_empty() {
        return Err("the key set holds no usable signing key".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_KEY: &str = include_str!("../../tests/fixtures/keys/rsa-one.jwk.json");

    #[test]
    fn signing_keys_are_kept_by_id_and_others_left_out() {
        let text = format!(
            r#"{{"keys":[{RSA_KEY},{{"kty":"oct","kid":"sym","k":"c2VjcmV0"}},{{"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"}},{{"kty":"XYZ","kid":"odd"}}]}}"#
        );
        let keys = parse_key_set(&text).unwrap();
        assert_eq!(keys.keys().collect::<Vec<_>>(), vec!["rsa-one"]);
        let key = &keys["rsa-one"];
        assert!(key.fits(Algorithm::RS256));
        assert!(!key.fits(Algorithm::RS512), "the set declares RS256 for it");
        assert!(!key.fits(Algorithm::HS256));
    }

    #[test]
    fn a_set_without_signing_keys_is_an_error() {
        assert!(parse_key_set(r#"{"keys":[]}"#).is_err());
        assert!(parse_key_set(r#"{"nokeys":1}"#).is_err());
        assert!(parse_key_set("not json").is_err());
    }
}
