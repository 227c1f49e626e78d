//! Turns the auth settings into the authenticator the server runs with: loads
//! or makes the development secret, reads a key set file now (so a bad file
//! stops the start, and a good one is held from the first token on), and says
//! which keys tokens are checked against.

use super::{
    access::Authenticator,
    dev::{load_or_create_secret, refusal_hint, token_command},
    keys::{parse_key_set, KeySet, KeyStore, SetSource},
    settings::{AuthSettings, KeySource},
    verify::Verifier,
};
use crate::config::ConfigError;

pub fn authenticator(settings: &AuthSettings) -> Result<Authenticator, ConfigError> {
    let keys = match &settings.keys {
        KeySource::Generated(path) => {
            let (secret, made) = load_or_create_secret(path).map_err(|message| ConfigError {
                variable: "WAYMARK_DATA_DIR",
                message,
            })?;
            log::info!(
                "development mode: tokens are checked against the HS256 secret {} {}; \
                 mint one with `{}`",
                if made { "made now in" } else { "kept in" },
                path.display(),
                token_command(path, "--sub NAME --role admin --org CODE")
            );
            KeyStore::secret(secret.as_bytes())
        }
        KeySource::Secret(secret) => KeyStore::secret(secret.0.as_bytes()),
        KeySource::JwksFile(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                variable: "WAYMARK_AUTH_JWKS_FILE",
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            let keys = parse_key_set(&text).map_err(|message| ConfigError {
                variable: "WAYMARK_AUTH_JWKS_FILE",
                message,
            })?;
            KeyStore::Set(key_set(settings, SetSource::File(path.clone())).holding(keys))
        }
        KeySource::JwksUrl(url) => KeyStore::Set(key_set(settings, SetSource::Url(url.clone()))),
    };
    Ok(Authenticator {
        verifier: Verifier {
            keys,
            algorithms: settings.algorithms.clone(),
            issuers: settings.issuers.clone(),
            audiences: settings.audiences.clone(),
            leeway: settings.leeway,
            claims: settings.claims.clone(),
            verified: Default::default(),
        },
        public_read: settings.public_read,
        refusal_hint: match &settings.keys {
            KeySource::Generated(path) => Some(refusal_hint(path)),
            _ => None,
        },
    })
}

fn key_set(settings: &AuthSettings, source: SetSource) -> KeySet {
    KeySet::new(source, settings.jwks_refresh, settings.jwks_refetch)
}
