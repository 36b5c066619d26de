//! The database's own counters (`pg_stat_database`) around a run: commits (every transaction,
//! read-only ones included) and rows inserted and updated, per item; and the transactions that
//! wrote, from the server's next transaction id (`pg_snapshot_xmax`: an id is given to a
//! transaction only when it first writes; cluster-wide, so other databases' writes count too).

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// PostgreSQL flushes a backend's counters at most once a second, and an idle backend's
/// pending ones within 10 s (`PGSTAT_IDLE_INTERVAL`): wait that long before each reading, so
/// that the run's statements are all counted and nothing from before it is.
const SETTLE: Duration = Duration::from_secs(11);
const COUNTERS: &str = "SELECT xact_commit, tup_inserted, tup_updated,
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next_xid
    FROM pg_stat_database WHERE datname = current_database()";

pub(super) struct PgStats {
    db: DatabaseConnection,
}

/// One reading of the counters.
pub(super) struct Counters {
    commits: i64,
    next_xid: i64,
    inserted: i64,
    updated: i64,
}

/// Counters per item between two readings.
pub(super) struct PerItem {
    pub commits: f64,
    /// Transactions that wrote (committed or not).
    pub writes: f64,
    pub inserted: f64,
    pub updated: f64,
}

impl PgStats {
    pub async fn connect(url: &str) -> anyhow::Result<PgStats> {
        if !url.starts_with("postgres") {
            anyhow::bail!("--database-url must name a PostgreSQL database (postgres://…)");
        }
        let db = Database::connect(url)
            .await
            .context("connecting to --database-url")?;
        Ok(PgStats { db })
    }

    /// The counters once the ones pending in every backend were flushed.
    pub async fn read(&self) -> anyhow::Result<Counters> {
        tokio::time::sleep(SETTLE).await;
        let row = self
            .db
            .query_one_raw(Statement::from_string(DbBackend::Postgres, COUNTERS))
            .await?
            .context("no pg_stat_database row for the current database")?;
        Ok(Counters {
            commits: row.try_get_by_index(0)?,
            next_xid: row.try_get_by_index(3)?,
            inserted: row.try_get_by_index(1)?,
            updated: row.try_get_by_index(2)?,
        })
    }
}

impl Counters {
    /// What changed since `before`, per item.
    pub fn since(&self, before: &Counters, items: usize) -> PerItem {
        let per = |now: i64, then: i64| (now - then) as f64 / items.max(1) as f64;
        PerItem {
            commits: per(self.commits, before.commits),
            writes: per(self.next_xid, before.next_xid),
            inserted: per(self.inserted, before.inserted),
            updated: per(self.updated, before.updated),
        }
    }
}
