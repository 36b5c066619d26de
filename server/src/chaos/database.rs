//! The harness's own PostgreSQL database: created with a random name on the server of
//! `--database-url`, read directly to count the rows, dropped at the end.

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

pub(super) struct Scratch {
    admin: DatabaseConnection,
    name: String,
    /// The scratch database's URL, straight to PostgreSQL.
    pub url: String,
    /// A connection to it, for counting (never through the fault proxy).
    pub db: DatabaseConnection,
}

impl Scratch {
    pub async fn create(admin_url: &str) -> anyhow::Result<Scratch> {
        if !admin_url.starts_with("postgres") {
            bail!("--database-url must name a PostgreSQL server (postgres://…)");
        }
        let admin = Database::connect(admin_url)
            .await
            .context("connecting to --database-url")?;
        let name = format!("promptops_chaos_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .context("creating the chaos database")?;
        let url = with_database(admin_url, &name)?;
        let db = Database::connect(&url).await?;
        println!("chaos: database {name}");
        Ok(Scratch {
            admin,
            name,
            url,
            db,
        })
    }

    /// Drops the database (its connections first).
    pub async fn drop_it(self) {
        let _ = self.db.close().await;
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = self
            .admin
            .execute_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
        {
            eprintln!("chaos: could not drop database {}: {error}", self.name);
        }
    }
}

/// `url` with its database (the path) replaced by `name`, the query kept.
pub(super) fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let mut parsed = reqwest::Url::parse(url).context("--database-url is not a URL")?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

/// `url` with its host and port replaced (to go through the fault proxy).
pub fn with_address(url: &str, port: u16) -> anyhow::Result<String> {
    let mut parsed = reqwest::Url::parse(url).context("--database-url is not a URL")?;
    parsed
        .set_host(Some("127.0.0.1"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    parsed
        .set_port(Some(port))
        .map_err(|()| anyhow::anyhow!("cannot set the port of --database-url"))?;
    Ok(parsed.to_string())
}

/// The host and port of `url`, for the proxy's upstream.
pub fn address(url: &str) -> anyhow::Result<String> {
    let parsed = reqwest::Url::parse(url).context("--database-url is not a URL")?;
    let host = parsed.host_str().unwrap_or("127.0.0.1");
    Ok(format!("{host}:{}", parsed.port().unwrap_or(5432)))
}
