//! The application: everything a request needs, built once and shared as `Arc<App>`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use workers::events::EventBus;
use workers::sandbox::Renderer;

use crate::auth::jwt::JwtKeys;
use crate::authz::Authz;
use crate::config::Config;
use crate::db::{self, StatementCounter};
use crate::ratelimit::RateLimiter;

pub struct App {
    pub config: Config,
    pub db: DatabaseConnection,
    pub redis: Option<redis::aio::ConnectionManager>,
    pub bus: EventBus,
    pub authz: Arc<Authz>,
    pub jwt: JwtKeys,
    pub limiter: RateLimiter,
    pub statements: Arc<StatementCounter>,
    pub renderer: Renderer,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<Arc<Self>> {
        let statements = Arc::new(StatementCounter::default());
        let db = db::connect(&config, statements.clone()).await?;
        let secret = crate::secrets::jwt_secret(&config)?;
        let (redis, bus, limiter) = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.as_str()).context("parsing REDIS_URL")?;
                let conn = client
                    .get_connection_manager()
                    .await
                    .context("connecting to Redis")?;
                let bus = EventBus::redis(client, &config.redis_prefix)
                    .await
                    .context("subscribing to Redis")?;
                let limiter = RateLimiter::Redis {
                    conn: conn.clone(),
                    prefix: config.redis_prefix.clone(),
                };
                (Some(conn), bus, limiter)
            }
            None => (None, EventBus::memory(), RateLimiter::memory()),
        };
        let authz = Authz::start(
            db.clone(),
            bus.clone(),
            Duration::from_secs(config.policy_reload_secs.max(1)),
        )
        .await
        .context("loading authorization policies")?;
        let jwt = JwtKeys::new(secret.as_bytes(), config.access_token_ttl);
        let renderer = match config.template_sandbox.as_deref() {
            Some("off") => {
                tracing::warn!("templates render in-process: their memory use is not bounded");
                Renderer::InProcess
            }
            Some(program) => Renderer::sandboxed(program.into()),
            None => Renderer::sandboxed(
                std::env::current_exe()
                    .context("locating this executable for the template sandbox")?,
            ),
        };
        Ok(Arc::new(Self {
            config,
            db,
            redis,
            bus,
            authz,
            jwt,
            limiter,
            statements,
            renderer,
        }))
    }
}
