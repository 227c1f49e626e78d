//! How tokens are checked, as configured: which keys, issuers, audiences and
//! algorithms are accepted, where roles and organisations are read from, and
//! whether published plans may be read without a token.

use std::{fmt, path::PathBuf, time::Duration};

use jsonwebtoken::{Algorithm, AlgorithmFamily};

use super::claims::{parse_pairs, parse_path, ClaimMap};
use crate::config::ConfigError;

/// The issuer and audience of tokens in development, when none are configured.
pub const DEV_ISSUER: &str = "waymark-dev";
pub const DEV_AUDIENCE: &str = "waymark";
/// The file in the data directory that holds the generated development secret.
pub const DEV_SECRET_FILE: &str = "dev-token-secret";
/// An HMAC secret shorter than its hash output is guessable offline.
pub const MIN_SECRET_BYTES: usize = 32;

/// A shared secret, kept out of logs and `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Where the keys that verify tokens come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Development without configuration: an HS256 secret generated once and kept
    /// in this file.
    Generated(PathBuf),
    /// An HMAC secret shared with whoever issues tokens.
    Secret(Secret),
    /// A JSON Web Key Set in a file, re-read when a token names an unknown key.
    JwksFile(PathBuf),
    /// A JSON Web Key Set at a URL, as identity providers publish them.
    JwksUrl(String),
}

impl KeySource {
    pub fn is_hmac(&self) -> bool {
        matches!(self, KeySource::Generated(_) | KeySource::Secret(_))
    }
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub keys: KeySource,
    pub issuers: Vec<String>,
    pub audiences: Vec<String>,
    /// Accepted algorithms; a token's own `alg` only selects among these.
    pub algorithms: Vec<Algorithm>,
    /// Seconds of clock difference tolerated on `exp` and `nbf`.
    pub leeway: u64,
    pub claims: ClaimMap,
    /// Whether published plans and their contents may be read without a token.
    pub public_read: bool,
    /// How old a fetched key set may get before it is fetched again.
    pub jwks_refresh: Duration,
    /// The least time between fetches caused by tokens naming unknown keys.
    pub jwks_refetch: Duration,
}

/// The raw values of the auth variables, as read from the environment.
pub struct AuthValues {
    pub production: bool,
    pub data_dir: PathBuf,
    pub secret: Option<String>,
    pub jwks_file: Option<String>,
    pub jwks_url: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub algorithms: Option<String>,
    pub leeway: u64,
    pub roles_claim: String,
    pub role_map: String,
    pub organisation_claim: String,
    pub organisation_map: String,
    pub public_read: bool,
    pub jwks_refresh: u64,
    pub jwks_refetch: u64,
}

fn fail(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl AuthValues {
    pub fn settings(self) -> Result<AuthSettings, ConfigError> {
        let keys = self.key_source()?;
        let explicit = !matches!(keys, KeySource::Generated(_));
        let required = |value: Option<String>, variable: &'static str, dev: &str| match value {
            Some(v) => Ok(list(&v)),
            None if !explicit => Ok(vec![dev.to_string()]),
            None => Err(fail(
                variable,
                "is required when tokens come from a configured key (WAYMARK_AUTH_SECRET, \
                     WAYMARK_AUTH_JWKS_FILE or WAYMARK_AUTH_JWKS_URL)",
            )),
        };
        let issuers = required(self.issuer.clone(), "WAYMARK_AUTH_ISSUER", DEV_ISSUER)?;
        let audiences = required(self.audience.clone(), "WAYMARK_AUTH_AUDIENCE", DEV_AUDIENCE)?;
        let algorithms = algorithms(self.algorithms.as_deref(), keys.is_hmac())?;
        let role_names = parse_pairs(&self.role_map)
            .map_err(|e| fail("WAYMARK_AUTH_ROLE_MAP", e))?
            .into_iter()
            .map(|(name, role)| {
                role.parse()
                    .map(|r| (name, r))
                    .map_err(|e: String| fail("WAYMARK_AUTH_ROLE_MAP", e))
            })
            .collect::<Result<_, _>>()?;
        let claims = ClaimMap {
            roles_path: parse_path(&self.roles_claim)
                .map_err(|e| fail("WAYMARK_AUTH_ROLES_CLAIM", e))?,
            role_names,
            organisation_path: parse_path(&self.organisation_claim)
                .map_err(|e| fail("WAYMARK_AUTH_ORG_CLAIM", e))?,
            organisation_names: parse_pairs(&self.organisation_map)
                .map_err(|e| fail("WAYMARK_AUTH_ORG_MAP", e))?,
        };
        Ok(AuthSettings {
            keys,
            issuers,
            audiences,
            algorithms,
            leeway: self.leeway,
            claims,
            public_read: self.public_read,
            jwks_refresh: Duration::from_secs(self.jwks_refresh),
            jwks_refetch: Duration::from_secs(self.jwks_refetch),
        })
    }

    fn key_source(&self) -> Result<KeySource, ConfigError> {
        let given = [
            self.secret.is_some(),
            self.jwks_file.is_some(),
            self.jwks_url.is_some(),
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(fail(
                "WAYMARK_AUTH_SECRET",
                "set only one of WAYMARK_AUTH_SECRET, WAYMARK_AUTH_JWKS_FILE and WAYMARK_AUTH_JWKS_URL",
            ));
        }
        if let Some(secret) = &self.secret {
            if secret.len() < MIN_SECRET_BYTES {
                return Err(fail(
                    "WAYMARK_AUTH_SECRET",
                    format!("must be at least {MIN_SECRET_BYTES} bytes long"),
                ));
            }
            return Ok(KeySource::Secret(Secret(secret.clone())));
        }
        if let Some(file) = &self.jwks_file {
            return Ok(KeySource::JwksFile(PathBuf::from(file)));
        }
        if let Some(url) = &self.jwks_url {
            check_jwks_url(url)?;
            return Ok(KeySource::JwksUrl(url.clone()));
        }
        if self.production {
            return Err(fail(
                "WAYMARK_ENV",
                "production needs explicit token configuration: set WAYMARK_AUTH_JWKS_URL, \
                 WAYMARK_AUTH_JWKS_FILE or WAYMARK_AUTH_SECRET, with WAYMARK_AUTH_ISSUER and \
                 WAYMARK_AUTH_AUDIENCE",
            ));
        }
        Ok(KeySource::Generated(self.data_dir.join(DEV_SECRET_FILE)))
    }
}

/// Keys fetched over plain HTTP could be swapped on the way, so only loopback
/// addresses (a sidecar, a test) may use it.
fn check_jwks_url(url: &str) -> Result<(), ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        fail(
            "WAYMARK_AUTH_JWKS_URL",
            format!("{url:?} is not a URL: {e}"),
        )
    })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(fail(
            "WAYMARK_AUTH_JWKS_URL",
            "must be an https:// URL (http:// only to a loopback address)",
        )),
    }
}

fn algorithms(text: Option<&str>, hmac: bool) -> Result<Vec<Algorithm>, ConfigError> {
    let variable = "WAYMARK_AUTH_ALGORITHMS";
    let default = if hmac { "HS256" } else { "RS256" };
    let names = list(text.unwrap_or(default));
    if names.is_empty() {
        return Err(fail(variable, "names no algorithm"));
    }
    names
        .iter()
        .map(|name| {
            let alg: Algorithm = name
                .parse()
                .map_err(|_| fail(variable, format!("{name:?} is not a JWS algorithm")))?;
            // One key must never verify under both a shared secret and a public key:
            // that mix is how HS256 tokens signed with a public key get accepted.
            let is_hmac = alg.family() == AlgorithmFamily::Hmac;
            if is_hmac != hmac {
                let needs = if hmac {
                    "a shared secret takes HS256, HS384 or HS512"
                } else {
                    "a key set takes RS*, PS*, ES256, ES384 or EdDSA"
                };
                return Err(fail(
                    variable,
                    format!("{name} does not fit the keys: {needs}"),
                ));
            }
            Ok(alg)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> AuthValues {
        AuthValues {
            production: false,
            data_dir: PathBuf::from("data"),
            secret: None,
            jwks_file: None,
            jwks_url: None,
            issuer: None,
            audience: None,
            algorithms: None,
            leeway: 60,
            roles_claim: "roles".into(),
            role_map: String::new(),
            organisation_claim: "org".into(),
            organisation_map: String::new(),
            public_read: false,
            jwks_refresh: 3600,
            jwks_refetch: 30,
        }
    }

    #[test]
    fn development_without_configuration_generates_a_secret() {
        let s = values().settings().unwrap();
        assert_eq!(
            s.keys,
            KeySource::Generated(PathBuf::from("data/dev-token-secret"))
        );
        assert_eq!(s.issuers, vec![DEV_ISSUER]);
        assert_eq!(s.algorithms, vec![Algorithm::HS256]);
    }

    #[test]
    fn production_without_configuration_is_refused() {
        let e = AuthValues {
            production: true,
            ..values()
        }
        .settings()
        .unwrap_err();
        assert_eq!(e.variable, "WAYMARK_ENV");
    }

    #[test]
    fn a_short_secret_is_refused() {
        let e = AuthValues {
            secret: Some("short".into()),
            ..values()
        }
        .settings()
        .unwrap_err();
        assert_eq!(e.variable, "WAYMARK_AUTH_SECRET");
    }

    #[test]
    fn a_configured_key_needs_issuer_and_audience() {
        let e = AuthValues {
            jwks_url: Some("https://login.example/keys".into()),
            ..values()
        }
        .settings()
        .unwrap_err();
        assert_eq!(e.variable, "WAYMARK_AUTH_ISSUER");
    }

    #[test]
    fn hmac_and_public_key_algorithms_never_mix() {
        let e = AuthValues {
            jwks_file: Some("keys.json".into()),
            issuer: Some("i".into()),
            audience: Some("a".into()),
            algorithms: Some("RS256,HS256".into()),
            ..values()
        }
        .settings()
        .unwrap_err();
        assert_eq!(e.variable, "WAYMARK_AUTH_ALGORITHMS");
    }

    #[test]
    fn plain_http_key_sets_only_on_loopback() {
        let with = |url: &str| {
            AuthValues {
                jwks_url: Some(url.into()),
                issuer: Some("i".into()),
                audience: Some("a".into()),
                ..values()
            }
            .settings()
        };
        assert!(with("http://127.0.0.1:9000/jwks").is_ok());
        assert!(with("http://idp.example/jwks").is_err());
        assert!(with("https://idp.example/jwks").is_ok());
    }
}
