//! Every environment variable the service reads, with its default and the line
//! `--help` prints for it.

/// One environment variable the service reads.
pub struct Variable {
    pub name: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "WAYMARK_HOST",
        default: "127.0.0.1",
        help: "IP address to listen on (0.0.0.0 in containers)",
    },
    Variable {
        name: "WAYMARK_PORT",
        default: "8080",
        help: "TCP port to listen on (0 picks a free one)",
    },
    Variable {
        name: "DATABASE_URL",
        default: "sqlite://data/waymark.db",
        help: "sqlite://PATH, a plain file path, or postgres://USER@HOST/DB",
    },
    Variable {
        name: "WAYMARK_DB_POOL_SIZE",
        default: "8",
        help: "database connections kept in the pool (1-256)",
    },
    Variable {
        name: "WAYMARK_DB_TIMEOUT_MS",
        default: "5000",
        help: "longest wait for a database connection or a SQLite lock, in ms",
    },
    Variable {
        name: "WAYMARK_MAX_BODY_BYTES",
        default: "2097152",
        help: "largest request body accepted; larger ones get 413",
    },
    Variable {
        name: "WAYMARK_WORKERS",
        default: "0",
        help: "HTTP worker threads (0 means one per CPU core)",
    },
    Variable {
        name: "WAYMARK_ENV",
        default: "development",
        help: "development or production; production refuses to start without auth configuration",
    },
    Variable {
        name: "WAYMARK_DATA_DIR",
        default: "",
        help: "where generated files (the development token secret) live; empty: the SQLite file's directory, else ./data",
    },
    Variable {
        name: "WAYMARK_AUTH_JWKS_URL",
        default: "",
        help: "JSON Web Key Set URL of the identity provider (https; http only to loopback)",
    },
    Variable {
        name: "WAYMARK_AUTH_JWKS_FILE",
        default: "",
        help: "JSON Web Key Set file, re-read when a token names an unknown key",
    },
    Variable {
        name: "WAYMARK_AUTH_SECRET",
        default: "",
        help: "HS256 shared secret (at least 32 bytes); empty in development: generated in the data directory",
    },
    Variable {
        name: "WAYMARK_AUTH_ISSUER",
        default: "",
        help: "accepted token issuers (iss), comma-separated; required with a configured key (development default: waymark-dev)",
    },
    Variable {
        name: "WAYMARK_AUTH_AUDIENCE",
        default: "",
        help: "accepted token audiences (aud), comma-separated; required with a configured key (development default: waymark)",
    },
    Variable {
        name: "WAYMARK_AUTH_ALGORITHMS",
        default: "",
        help: "accepted signing algorithms, comma-separated; empty: HS256 with a secret, RS256 with a key set",
    },
    Variable {
        name: "WAYMARK_AUTH_LEEWAY_SECS",
        default: "60",
        help: "clock difference tolerated on exp and nbf, in seconds (0-600)",
    },
    Variable {
        name: "WAYMARK_AUTH_ROLES_CLAIM",
        default: "roles",
        help: "claim holding the roles: roles (Entra ID), realm_access.roles (Keycloak), scope or scp",
    },
    Variable {
        name: "WAYMARK_AUTH_ROLE_MAP",
        default: "",
        help: "provider role names to ours, e.g. Waymark.Editor=editor,Waymark.Admin=admin; empty: viewer, contributor, editor, admin as they are",
    },
    Variable {
        name: "WAYMARK_AUTH_ORG_CLAIM",
        default: "org",
        help: "claim holding the caller's organisation code (a dotted path)",
    },
    Variable {
        name: "WAYMARK_AUTH_ORG_MAP",
        default: "",
        help: "claim values to organisation codes, e.g. <tenant-id>=CNWL; values not listed are taken as codes",
    },
    Variable {
        name: "WAYMARK_AUTH_JWKS_REFRESH_SECS",
        default: "3600",
        help: "age after which a fetched key set is fetched again (60-86400)",
    },
    Variable {
        name: "WAYMARK_AUTH_JWKS_REFETCH_SECS",
        default: "30",
        help: "least time between key set fetches caused by unknown key ids (0-3600)",
    },
    Variable {
        name: "WAYMARK_DEMO_PLANS",
        default: "auto",
        help: "true loads the five demo plans into a database with no plans at start; auto does so unless WAYMARK_ENV=production",
    },
    Variable {
        name: "WAYMARK_PUBLIC_READ",
        default: "false",
        help: "true lets requests without a token read published plans and their contents",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_ALLOW_NETWORKS",
        default: "",
        help: "networks webhooks may reach although they are not public, comma-separated, e.g. 10.20.0.0/16 (loopback, private, link-local and metadata addresses are refused otherwise)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_DELIVERY",
        default: "true",
        help: "false: this process accepts subscriptions but leaves sending deliveries to others",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_TIMEOUT_MS",
        default: "10000",
        help: "how long a webhook receiver has to answer, in ms (100-120000)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_POLL_MS",
        default: "500",
        help: "how often an idle delivery worker looks for new events and due retries, in ms (10-60000)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_RETRY_BASE_MS",
        default: "5000",
        help: "wait after a delivery's first failure, in ms; each later wait is four times longer, with jitter (10-3600000)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_RETRY_CAP_MS",
        default: "21600000",
        help: "longest wait between two attempts of a delivery, in ms (10-86400000)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_RETRY_HOURS",
        default: "72",
        help: "how long a delivery is retried before it is given up, in hours (24-720)",
    },
    Variable {
        name: "WAYMARK_WEBHOOK_LOG_DAYS",
        default: "30",
        help: "how long delivered and failed webhook deliveries stay in the delivery log, in days (1-3650)",
    },
    Variable {
        name: "WAYMARK_RATE_LIMIT_PER_MINUTE",
        default: "auto",
        help: "requests a minute each caller (token subject, or address without a token) may make before 429; 0 turns it off; auto: 600 in production, off in development",
    },
    Variable {
        name: "WAYMARK_BUNDLE_MAX_ENTRIES",
        default: "5000",
        help: "most entries (priorities, outcomes, actions, measures, readings, risks and the rows inside them) one plan bundle may hold, so that one import cannot hold other partners' writes for long (10-1000000)",
    },
    Variable {
        name: "WAYMARK_READ_CACHE_MB",
        default: "8",
        help: "memory for answers kept for the next token holder's GET of a resource or a list page, until the next write (0-1024); 0 turns keeping them off",
    },
    Variable {
        name: "WAYMARK_HTTPS",
        default: "false",
        help: "true when clients reach the service over HTTPS (directly or through a proxy): answers carry Strict-Transport-Security",
    },
    Variable {
        name: "WAYMARK_CORS_ORIGINS",
        default: "",
        help: "comma-separated origins (https://app.example) whose browser pages may call the API; empty: none",
    },
    Variable {
        name: "WAYMARK_METRICS_TOKEN",
        default: "",
        help: "when set, /metrics answers only requests with `Authorization: Bearer <this>` (at least 16 characters)",
    },
    Variable {
        name: "RUST_LOG",
        default: "info",
        help: "log filter for env_logger, e.g. info or waymark=debug,actix_web=info",
    },
];
