//! What `/metrics` computes when scraped: the job queue's depth and oldest-pending age by kind
//! (one grouped query over the jobs table, reused for up to a second — the lag an autoscaler
//! follows), the database pool, the provider cost counter and the process (from `/proc`).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::Mutex;

use crate::state::App;
use entities::job;
use workers::jobs::PENDING;

/// How long one reading of the jobs table serves scrapes.
const FRESH_FOR: Duration = Duration::from_secs(1);

/// Pending jobs of one kind.
#[derive(Debug, Clone)]
struct Pending {
    kind: &'static str,
    depth: u64,
    oldest_age_secs: f64,
}

/// The last reading of the jobs table, per app.
#[derive(Default)]
pub struct JobLag(Mutex<Option<(Instant, Vec<Pending>)>>);

impl JobLag {
    async fn read(&self, app: &App) -> Vec<Pending> {
        let mut last = self.0.lock().await;
        if let Some((at, pending)) = last.as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return pending.clone();
        }
        let pending = match query(app).await {
            Ok(pending) => pending,
            Err(error) => {
                tracing::warn!(%error, "could not read the job queue's lag");
                return Vec::new();
            }
        };
        *last = Some((Instant::now(), pending.clone()));
        pending
    }
}

async fn query(app: &App) -> Result<Vec<Pending>, sea_orm::DbErr> {
    let rows: Vec<(String, i64, Option<DateTime<Utc>>)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column_as(Expr::expr(Func::count(Expr::col(job::Column::Id))), "depth")
        // When it became pending: written, re-armed or given back.
        .column_as(
            Expr::expr(Func::min(Expr::col(job::Column::UpdatedAt))),
            "oldest",
        )
        .filter(job::Column::Status.eq(PENDING))
        .group_by(job::Column::Kind)
        .into_tuple()
        .all(&app.db)
        .await?;
    let now = Utc::now();
    // Every kind has a series, 0 when nothing waits, so alerts see "no lag" and not "no data".
    let mut pending: Vec<Pending> = app
        .runtime
        .kinds()
        .into_iter()
        .map(|kind| Pending {
            kind,
            depth: 0,
            oldest_age_secs: 0.0,
        })
        .collect();
    for (kind, depth, oldest) in rows {
        let kind = app.runtime.kind_label(&kind);
        let age = oldest.map_or(0.0, |at| {
            (now - at).to_std().unwrap_or_default().as_secs_f64()
        });
        let entry = match pending.iter_mut().find(|p| p.kind == kind) {
            Some(entry) => entry,
            None => {
                pending.push(Pending {
                    kind,
                    depth: 0,
                    oldest_age_secs: 0.0,
                });
                let last = pending.len() - 1;
                &mut pending[last]
            }
        };
        entry.depth += u64::try_from(depth).unwrap_or_default();
        entry.oldest_age_secs = entry.oldest_age_secs.max(age);
    }
    Ok(pending)
}

/// Appends the scrape-time families to the recorder's exposition.
pub async fn append(app: &App, out: &mut String) {
    let pending = app.job_lag.read(app).await;
    family(
        out,
        "promptops_jobs_queue_depth",
        "gauge",
        "Jobs waiting (PENDING) by kind",
    );
    for p in &pending {
        let _ = writeln!(
            out,
            "promptops_jobs_queue_depth{{kind=\"{}\"}} {}",
            p.kind, p.depth
        );
    }
    family(
        out,
        "promptops_jobs_oldest_pending_age_seconds",
        "gauge",
        "Age of the oldest waiting job by kind (0 when none waits)",
    );
    for p in &pending {
        let _ = writeln!(
            out,
            "promptops_jobs_oldest_pending_age_seconds{{kind=\"{}\"}} {}",
            p.kind, p.oldest_age_secs
        );
    }
    pool(app, out);
    costs(out);
    process(out);
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn pool(app: &App, out: &mut String) {
    let (size, idle) = match app.db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = app.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Postgres => {
            let pool = app.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    family(
        out,
        "promptops_db_pool_connections",
        "gauge",
        "Database pool connections by state",
    );
    let _ = writeln!(
        out,
        "promptops_db_pool_connections{{state=\"in_use\"}} {}",
        size - idle
    );
    let _ = writeln!(
        out,
        "promptops_db_pool_connections{{state=\"idle\"}} {idle}"
    );
}

fn costs(out: &mut String) {
    family(
        out,
        "promptops_provider_cost_usd_total",
        "counter",
        "USD spent on providers, from the price table",
    );
    for (provider, model, usd) in workers::metrics::costs() {
        let _ = writeln!(
            out,
            "promptops_provider_cost_usd_total{{provider=\"{provider}\",model=\"{}\"}} {usd}",
            escape(&model)
        );
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The standard process metrics, from `/proc` (Linux; elsewhere they are left out).
fn process(out: &mut String) {
    let Some(stat) = super::process::read() else {
        return;
    };
    let families = [
        (
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes",
            stat.rss_bytes,
        ),
        (
            "process_cpu_seconds_total",
            "counter",
            "User and system CPU time in seconds",
            stat.cpu_seconds,
        ),
        (
            "process_open_fds",
            "gauge",
            "Open file descriptors",
            stat.open_fds,
        ),
        (
            "process_start_time_seconds",
            "gauge",
            "Start time since the Unix epoch in seconds",
            stat.start_time_seconds,
        ),
    ];
    for (name, kind, help, value) in families {
        family(out, name, kind, help);
        let _ = writeln!(out, "{name} {value}");
    }
}
