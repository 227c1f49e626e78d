//! Configuration from environment variables (12-factor): one table of variables
//! drives both parsing and the `--help` text, so the two cannot disagree.

use std::{collections::HashMap, fmt, net::IpAddr, path::PathBuf, time::Duration};

use crate::{
    auth::settings::{AuthSettings, AuthValues},
    db::DatabaseUrl,
    webhooks::{Backoff, UrlPolicy, WebhookSettings},
};

mod variables;
pub use variables::{Variable, VARIABLES};

/// A configuration value that cannot be used; names the variable so the operator
/// knows what to fix.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

// One line whatever the cause says: libpq, for one, explains over several.
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message: Vec<&str> = self
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        write!(f, "{}: {}", self.variable, message.join(" "))
    }
}

impl std::error::Error for ConfigError {}

#[derive(Clone)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub database: DatabaseUrl,
    pub pool_size: u32,
    pub db_timeout: Duration,
    pub max_body_bytes: usize,
    pub workers: usize,
    /// Load the demo plans into an empty database at start.
    pub demo_plans: bool,
    /// `WAYMARK_ENV=production`.
    pub production: bool,
    pub data_dir: PathBuf,
    pub auth: AuthSettings,
    pub webhooks: WebhookSettings,
    pub exposure: Exposure,
    /// Most entries one plan bundle may hold.
    pub bundle_max_entries: usize,
    /// Memory for kept answers (`api::view_cache`), in MiB; 0: none are kept.
    pub read_cache_mb: u64,
    /// Requests a minute per caller; `None`: no limit.
    pub rate_limit: Option<std::num::NonZeroU32>,
}

/// What the service shows of itself to browsers and scrapers.
#[derive(Clone, Default)]
pub struct Exposure {
    /// Served over HTTPS: send Strict-Transport-Security.
    pub https: bool,
    /// Origins allowed to call from a browser page (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// The bearer token /metrics asks for, if any.
    pub metrics_token: Option<String>,
}

// The metrics token is a secret: Debug says only whether there is one.
impl fmt::Debug for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exposure")
            .field("https", &self.https)
            .field("cors_origins", &self.cors_origins)
            .field("metrics_token", &self.metrics_token.is_some())
            .finish()
    }
}

// The database URL may hold a password: Debug shows only its backend.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database.backend())
            .field("pool_size", &self.pool_size)
            .field("db_timeout", &self.db_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("workers", &self.workers)
            .field("production", &self.production)
            .field("data_dir", &self.data_dir)
            .field("auth", &self.auth)
            .field("webhooks", &self.webhooks)
            .field("exposure", &self.exposure)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads from a map, as tests do.
    pub fn from_map(values: &HashMap<String, String>) -> Result<Self, ConfigError> {
        Self::from_lookup(|name| values.get(name).cloned())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env { lookup };
        let database_url = env.raw("DATABASE_URL");
        let database = DatabaseUrl::parse(&database_url).map_err(|message| ConfigError {
            variable: "DATABASE_URL",
            message,
        })?;
        let production = match env.raw("WAYMARK_ENV").as_str() {
            "development" => false,
            "production" => true,
            other => {
                return Err(ConfigError {
                    variable: "WAYMARK_ENV",
                    message: format!("{other:?} is not development or production"),
                })
            }
        };
        let data_dir = match env.optional("WAYMARK_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => database
                .sqlite_path()
                .and_then(|p| p.parent().map(PathBuf::from))
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(crate::auth::dev::DEFAULT_DATA_DIR)),
        };
        let auth = AuthValues {
            production,
            data_dir: data_dir.clone(),
            secret: env.optional("WAYMARK_AUTH_SECRET"),
            jwks_file: env.optional("WAYMARK_AUTH_JWKS_FILE"),
            jwks_url: env.optional("WAYMARK_AUTH_JWKS_URL"),
            issuer: env.optional("WAYMARK_AUTH_ISSUER"),
            audience: env.optional("WAYMARK_AUTH_AUDIENCE"),
            algorithms: env.optional("WAYMARK_AUTH_ALGORITHMS"),
            leeway: env.ranged("WAYMARK_AUTH_LEEWAY_SECS", 0, 600)?,
            roles_claim: env.raw("WAYMARK_AUTH_ROLES_CLAIM"),
            role_map: env.raw("WAYMARK_AUTH_ROLE_MAP"),
            organisation_claim: env.raw("WAYMARK_AUTH_ORG_CLAIM"),
            organisation_map: env.raw("WAYMARK_AUTH_ORG_MAP"),
            public_read: env.parse("WAYMARK_PUBLIC_READ", "true or false")?,
            jwks_refresh: env.ranged("WAYMARK_AUTH_JWKS_REFRESH_SECS", 60, 86_400)?,
            jwks_refetch: env.ranged("WAYMARK_AUTH_JWKS_REFETCH_SECS", 0, 3600)?,
        }
        .settings()?;
        let demo_plans = match env.raw("WAYMARK_DEMO_PLANS").as_str() {
            "auto" => !production,
            "true" => true,
            "false" => false,
            other => {
                return Err(ConfigError {
                    variable: "WAYMARK_DEMO_PLANS",
                    message: format!("{other:?} is not auto, true or false"),
                })
            }
        };
        let webhooks = webhook_settings(&env)?;
        let exposure = exposure(&env)?;
        let rate_limit = match env.raw("WAYMARK_RATE_LIMIT_PER_MINUTE").as_str() {
            "auto" if production => std::num::NonZeroU32::new(600),
            "auto" => None,
            _ => std::num::NonZeroU32::new(env.ranged(
                "WAYMARK_RATE_LIMIT_PER_MINUTE",
                0,
                1_000_000,
            )?),
        };
        Ok(Config {
            rate_limit,
            bundle_max_entries: env.ranged("WAYMARK_BUNDLE_MAX_ENTRIES", 10, 1_000_000)?,
            read_cache_mb: env.ranged("WAYMARK_READ_CACHE_MB", 0, 1024)?,
            webhooks,
            exposure,
            demo_plans,
            production,
            data_dir,
            auth,
            host: env.parse("WAYMARK_HOST", "an IP address such as 127.0.0.1")?,
            port: env.parse("WAYMARK_PORT", "a port number from 0 to 65535")?,
            database,
            pool_size: env.ranged("WAYMARK_DB_POOL_SIZE", 1, 256)?,
            db_timeout: Duration::from_millis(env.ranged("WAYMARK_DB_TIMEOUT_MS", 1, 600_000)?),
            max_body_bytes: env.ranged("WAYMARK_MAX_BODY_BYTES", 1024, 1 << 30)?,
            workers: env.ranged("WAYMARK_WORKERS", 0, 1024)?,
        })
    }
}

fn exposure<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<Exposure, ConfigError> {
    let mut cors_origins = Vec::new();
    for origin in env.raw("WAYMARK_CORS_ORIGINS").split(',').map(str::trim) {
        if origin.is_empty() {
            continue;
        }
        // An origin is a scheme and a host, with a port at most: what a
        // browser sends in `Origin`, so that it compares exactly.
        let parsed = url::Url::parse(origin).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.path() == "/"
                && !origin.ends_with('/')
        });
        if parsed.is_none() || origin == "*" {
            return Err(ConfigError {
                variable: "WAYMARK_CORS_ORIGINS",
                message: format!(
                    "{origin:?} is not an origin such as https://app.example or http://localhost:3000"
                ),
            });
        }
        cors_origins.push(origin.to_string());
    }
    let metrics_token = env.optional("WAYMARK_METRICS_TOKEN");
    if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
        return Err(ConfigError {
            variable: "WAYMARK_METRICS_TOKEN",
            message: "must be at least 16 characters".into(),
        });
    }
    Ok(Exposure {
        https: env.parse("WAYMARK_HTTPS", "true or false")?,
        cors_origins,
        metrics_token,
    })
}

fn webhook_settings<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<WebhookSettings, ConfigError> {
    let policy =
        UrlPolicy::parse(&env.raw("WAYMARK_WEBHOOK_ALLOW_NETWORKS")).map_err(|message| {
            ConfigError {
                variable: "WAYMARK_WEBHOOK_ALLOW_NETWORKS",
                message,
            }
        })?;
    let millis = |name, min, max| env.ranged(name, min, max).map(Duration::from_millis);
    let backoff = Backoff {
        base: millis("WAYMARK_WEBHOOK_RETRY_BASE_MS", 10, 3_600_000)?,
        cap: millis("WAYMARK_WEBHOOK_RETRY_CAP_MS", 10, 86_400_000)?,
    };
    let hours: u64 = env.ranged("WAYMARK_WEBHOOK_RETRY_HOURS", 24, 720)?;
    let days: u64 = env.ranged("WAYMARK_WEBHOOK_LOG_DAYS", 1, 3650)?;
    Ok(WebhookSettings {
        policy: std::sync::Arc::new(policy),
        deliver: env.parse("WAYMARK_WEBHOOK_DELIVERY", "true or false")?,
        timeout: millis("WAYMARK_WEBHOOK_TIMEOUT_MS", 100, 120_000)?,
        poll: millis("WAYMARK_WEBHOOK_POLL_MS", 10, 60_000)?,
        backoff,
        retry_for: Duration::from_secs(hours * 3600),
        keep_log: Duration::from_secs(days * 86_400),
    })
}

struct Env<F> {
    lookup: F,
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    /// The value when set and not blank.
    fn optional(&self, name: &'static str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn raw(&self, name: &'static str) -> String {
        match (self.lookup)(name) {
            Some(value) if !value.trim().is_empty() => value.trim().to_string(),
            _ => default_of(name).to_string(),
        }
    }

    fn parse<T: std::str::FromStr>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<T, ConfigError> {
        let value = self.raw(name);
        value.parse().map_err(|_| ConfigError {
            variable: name,
            message: format!("{value:?} is not {expected}"),
        })
    }

    fn ranged<T>(&self, name: &'static str, min: T, max: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let expected = format!("a whole number from {min} to {max}");
        let value: T = self.parse(name, &expected)?;
        if value < min || value > max {
            return Err(ConfigError {
                variable: name,
                message: format!("{value} is not {expected}"),
            });
        }
        Ok(value)
    }
}

fn default_of(name: &str) -> &'static str {
    VARIABLES
        .iter()
        .find(|v| v.name == name)
        .map(|v| v.default)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_map(&map)
    }

    #[test]
    fn defaults_give_a_sqlite_service_on_loopback() {
        let c = config(&[]).unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.host.to_string(), "127.0.0.1");
        assert_eq!(c.database.backend(), "sqlite");
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert!(!c.production);
    }

    #[test]
    fn a_bad_port_names_its_variable() {
        let e = config(&[("WAYMARK_PORT", "eighty")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_PORT");
        assert!(e.to_string().starts_with("WAYMARK_PORT: \"eighty\""));
    }

    #[test]
    fn an_out_of_range_pool_is_refused() {
        let e = config(&[("WAYMARK_DB_POOL_SIZE", "0")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_DB_POOL_SIZE");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let e = config(&[("DATABASE_URL", "mysql://x/y")]).unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");
    }

    #[test]
    fn debug_output_hides_the_database_password_and_token_secret() {
        let c = config(&[
            ("DATABASE_URL", "postgres://u:dbpassword@h/db"),
            (
                "WAYMARK_AUTH_SECRET",
                "0123456789abcdef0123456789abcdef-token",
            ),
            ("WAYMARK_AUTH_ISSUER", "https://idp.example"),
            ("WAYMARK_AUTH_AUDIENCE", "waymark"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("dbpassword"));
        assert!(!shown.contains("0123456789abcdef"));
    }

    #[test]
    fn production_without_auth_configuration_does_not_start() {
        let e = config(&[("WAYMARK_ENV", "production")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_ENV");
        let e = config(&[("WAYMARK_ENV", "staging")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_ENV");
    }

    #[test]
    fn webhook_settings_have_safe_defaults_and_name_a_bad_network() {
        let c = config(&[]).unwrap();
        assert!(c.webhooks.policy.allowed.is_empty());
        assert!(c.webhooks.retry_for >= Duration::from_secs(24 * 3600));
        assert!(c.webhooks.deliver);
        let e = config(&[("WAYMARK_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8, intranet")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_WEBHOOK_ALLOW_NETWORKS");
        let e = config(&[("WAYMARK_WEBHOOK_RETRY_HOURS", "2")]).unwrap_err();
        assert_eq!(e.variable, "WAYMARK_WEBHOOK_RETRY_HOURS");
    }

    #[test]
    fn the_data_directory_follows_the_sqlite_file_unless_set() {
        let c = config(&[("DATABASE_URL", "sqlite:///var/lib/waymark/w.db")]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/waymark"));
        let c = config(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("data"));
        let c = config(&[("WAYMARK_DATA_DIR", "/srv/w")]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/srv/w"));
    }
}
