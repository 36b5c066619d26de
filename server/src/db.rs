//! Database connection: SQLite (embedded) or PostgreSQL, migrations applied on start, and a
//! count of the SQL statements sent (the DataLoader and limits tests read it).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::config::Config;

/// Counts SQL statements sent through the pool.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

pub async fn connect(
    config: &Config,
    counter: Arc<StatementCounter>,
) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url();
    let sqlite = url.starts_with("sqlite:");
    if sqlite && config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!("creating the data directory {}", config.data_dir.display())
        })?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if sqlite {
        // SQLite has one writer; a small pool with WAL keeps readers from blocking it.
        options.max_connections(config.db_max_connections.min(5));
    }
    let mut db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(&url)))?;
    if sqlite {
        db.execute_unprepared(
            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
        )
        .await
        .context("configuring SQLite")?;
    }
    migrate(&db).await?;
    // Traced statements only when traces are exported: otherwise one atomic add.
    let traced = crate::telemetry::configured();
    db.set_metric_callback(move |info| {
        counter.0.fetch_add(1, Ordering::Relaxed);
        if traced {
            crate::telemetry::statement(info);
        }
    });
    Ok(db)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Applies pending migrations. Processes starting together on one PostgreSQL database race
/// to apply them; the loser's attempt fails on objects the winner just created, and a retry
/// finds nothing left to do.
async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    let mut attempt = 1;
    loop {
        match Migrator::up(db, None).await {
            Ok(()) => return Ok(()),
            Err(error)
                if attempt < 3 && db.get_database_backend() == sea_orm::DbBackend::Postgres =>
            {
                tracing::warn!(%error, attempt, "migrations failed; another process may be applying them, retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                attempt += 1;
            }
            Err(error) => return Err(error).context("applying migrations"),
        }
    }
}
