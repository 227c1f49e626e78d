//! Builds the running service: database ready (migrated), pool, HTTP server bound.
//! Tests build it the same way on port 0.

use std::net::TcpListener;

use actix_web::{dev::Server, middleware, web, App, HttpServer};

use crate::{
    api::{query_rules::QueryRules, rate_limit::RateLimit, request_body::BodyLimit},
    auth::{self, Authenticator},
    bundles::EntryLimit,
    config::{Config, ConfigError},
    db::{self, Store},
    error::ApiError,
    routes, seed,
    telemetry::{metrics::Metrics, middleware::observe},
    webhooks::{worker, WebhookSettings},
};

/// The access log line: client, request line, status, bytes, time, request id.
const ACCESS_LOG: &str = r#"%a "%r" %s %b %Dms request_id=%{x-request-id}o"#;

pub struct Application {
    port: u16,
    server: Server,
    auth: web::Data<Authenticator>,
    store: Store,
    webhooks: WebhookSettings,
}

impl Application {
    /// Migrates the database, binds the port and builds the server (not yet running).
    pub fn build(config: &Config) -> Result<Self, ConfigError> {
        let auth = web::Data::new(auth::authenticator(&config.auth)?);
        let store = Store::new(
            prepare_database(config)?,
            config.db_timeout,
            config.database.writers(config.pool_size),
        );
        if config.demo_plans {
            load_demo_plans(&store)?;
        }
        let address = (config.host, config.port);
        let listener = TcpListener::bind(address).map_err(|e| ConfigError {
            variable: "WAYMARK_PORT",
            message: format!("cannot listen on {}:{}: {e}", config.host, config.port),
        })?;
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or(config.port);
        let server =
            server(listener, store.clone(), auth.clone(), config).map_err(|e| ConfigError {
                variable: "WAYMARK_HOST",
                message: format!("cannot start the HTTP server: {e}"),
            })?;
        crate::memory::release_freed();
        Ok(Application {
            port,
            server,
            auth,
            store,
            webhooks: config.webhooks.clone(),
        })
    }

    /// Fetches a configured key set now, so that a wrong URL shows in the log at
    /// start rather than at the first request.
    pub async fn fetch_keys(&self) {
        self.auth.verifier.keys.warm().await;
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests stop theirs when they finish).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves, sends webhooks and follows the change feed until the server is
    /// stopped; the background work stops with it (a delivery cut short is sent
    /// again later).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let follow = self.store.clone().follow_feed(FOLLOW_FEED_EVERY);
        let background = async move {
            if self.webhooks.deliver {
                futures_util::future::join(follow, worker::run(self.store, self.webhooks)).await;
            } else {
                follow.await;
            }
        };
        match futures_util::future::select(self.server, Box::pin(background)).await {
            futures_util::future::Either::Left((served, _)) => served,
            futures_util::future::Either::Right(((), server)) => server.await,
        }
    }
}

/// How often the feed's position is read for other processes' writes: how
/// long, at most, a representation kept by this process can lag one of theirs
/// (`api::view_cache`).
const FOLLOW_FEED_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Loads the five demo plans into a database that holds no plans yet.
fn load_demo_plans(store: &Store) -> Result<(), ConfigError> {
    let loaded = seed::load_if_empty(store).map_err(|message| ConfigError {
        variable: "WAYMARK_DEMO_PLANS",
        message,
    })?;
    if let Some(loaded) = loaded {
        log::info!(
            "loaded {} demo plans in {} ms (WAYMARK_DEMO_PLANS=false turns this off)",
            loaded.reports.len(),
            loaded.took.as_millis()
        );
    }
    Ok(())
}

/// Opens the database, applies pending migrations and returns a pool on it.
pub fn prepare_database(config: &Config) -> Result<db::Pool, ConfigError> {
    let failed = |message: String| ConfigError {
        variable: "DATABASE_URL",
        message,
    };
    db::prepare_sqlite(&config.database, config.db_timeout).map_err(failed)?;
    let mut conn = config
        .database
        .connect(config.db_timeout)
        .map_err(|e| failed(format!("cannot connect: {}", e.to_string().trim())))?;
    let applied =
        db::migrations::run(&mut conn).map_err(|e| failed(format!("migration failed: {e}")))?;
    if !applied.is_empty() {
        log::info!(
            "applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    // Without statistics a query is planned by guesswork, yet a start must
    // not fail for want of them.
    if let Err(e) = db::refresh_statistics(&mut conn) {
        log::warn!("planner statistics were not refreshed: {e}");
    }
    Ok(db::build_pool(
        &config.database,
        config.pool_size,
        config.db_timeout,
    ))
}

fn server(
    listener: TcpListener,
    store: Store,
    auth: web::Data<Authenticator>,
    config: &Config,
) -> std::io::Result<Server> {
    let store = web::Data::new(store);
    // Serialized once and shared: as a JSON value it took ~6 MB a worker.
    let spec = crate::openapi::served().map_err(std::io::Error::other)?;
    let query_rules = web::Data::new(QueryRules::from_spec(&spec));
    let spec = serde_json::to_vec(&spec)
        .map(web::Bytes::from)
        .map_err(std::io::Error::other)?;
    let metrics = web::Data::new(Metrics::default());
    let limit = web::Data::new(BodyLimit(config.max_body_bytes));
    let webhooks = web::Data::new(config.webhooks.clone());
    let exposure = web::Data::new(config.exposure.clone());
    let bundle_limit = web::Data::new(EntryLimit(config.bundle_max_entries));
    let reports = web::Data::new(crate::api::report_cache::ReportCache::default());
    let views = (config.read_cache_mb > 0)
        .then(|| web::Data::new(crate::api::view_cache::ViewCache::new(config.read_cache_mb)));
    let rate_limit = config
        .rate_limit
        .map(|per_minute| web::Data::new(RateLimit::per_minute(per_minute)));
    let mut server = HttpServer::new(move || {
        let mut app = App::new();
        if let Some(limits) = &rate_limit {
            app = app.app_data(limits.clone());
        }
        if let Some(views) = &views {
            app = app.app_data(views.clone());
        }
        app.wrap(middleware::from_fn(crate::api::nul::refuse_in_url))
            .wrap(crate::api::exposure::cors(&exposure))
            .wrap(middleware::from_fn(crate::api::exposure::secure))
            .wrap(middleware::from_fn(observe))
            .wrap(middleware::Logger::new(ACCESS_LOG))
            .app_data(store.clone())
            .app_data(auth.clone())
            .app_data(metrics.clone())
            .app_data(limit.clone())
            .app_data(webhooks.clone())
            .app_data(query_rules.clone())
            .app_data(exposure.clone())
            .app_data(bundle_limit.clone())
            .app_data(reports.clone())
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                ApiError::bad_request("invalid_query", format!("the query is invalid: {e}")).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|e, _| {
                ApiError::bad_request("invalid_path", format!("the path is invalid: {e}")).into()
            }))
            .configure(|cfg| routes::configure(cfg, spec.clone()))
            .default_service(web::to(routes::route_not_found))
    })
    .listen(listener)?;
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    Ok(server.run())
}
