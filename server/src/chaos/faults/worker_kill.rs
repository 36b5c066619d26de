//! `worker-kill` and `workflow-kill`: SIGKILL a random worker every 2–5 s and start a new one,
//! while the load is submitted and until it has all finished (`--small`: one kill).
//! Recovery, per kill: from the kill until the last job the killed worker held had ended.

use anyhow::Context;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::super::cluster::Cluster;
use super::{Injected, Phase, now_ms, pause_between};

pub(super) async fn inject(phase: &Phase<'_>, cluster: &mut Cluster) -> anyhow::Result<Injected> {
    let mut injected = Injected::default();
    let mut kills: Vec<(i64, Vec<String>)> = Vec::new();
    let most = if phase.args.small { 1 } else { usize::MAX };
    loop {
        pause_between(2.0, 5.0).await;
        if injected.faults >= most || (injected.faults > 0 && !phase.busy().await) {
            break;
        }
        let Some(worker) = cluster.kill_random_worker().await else {
            break;
        };
        let at = now_ms();
        let held = held_jobs(phase, &worker).await?;
        println!(
            "chaos:   killed {worker} holding {} running jobs",
            held.len()
        );
        cluster.start_worker().await?;
        kills.push((at, held));
        injected.faults += 1;
    }
    phase.wait_submitted().await;
    super::super::verify::drain(phase.db, &phase.org, phase.args.drain_timeout()).await?;
    for (at, held) in &kills {
        if let Some(last) = last_end(phase, held).await? {
            injected.recovery_secs.push((last - at) as f64 / 1000.0);
        }
    }
    Ok(injected)
}

/// The jobs `worker` held RUNNING when it died.
async fn held_jobs(phase: &Phase<'_>, worker: &str) -> anyhow::Result<Vec<String>> {
    let sql = format!(
        "SELECT id::text FROM jobs WHERE worker = '{}' AND status = 'RUNNING'",
        worker.replace('\'', "")
    );
    let rows = phase
        .db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?;
    rows.iter()
        .map(|row| Ok(row.try_get_by_index::<String>(0)?))
        .collect()
}

/// When the last of `jobs` ended (Unix ms); `None` when there were none. A job still not
/// ended counts as now.
async fn last_end(phase: &Phase<'_>, jobs: &[String]) -> anyhow::Result<Option<i64>> {
    if jobs.is_empty() {
        return Ok(None);
    }
    let ids: Vec<String> = jobs
        .iter()
        .filter_map(|id| uuid::Uuid::parse_str(id).ok())
        .map(|id| format!("'{id}'"))
        .collect();
    let sql = format!(
        "SELECT (max(extract(epoch FROM updated_at)) * 1000)::bigint,
                count(*) FILTER (WHERE status IN ('PENDING', 'RUNNING'))
         FROM jobs WHERE id IN ({})",
        ids.join(",")
    );
    let row = phase
        .db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .context("no row")?;
    let last: Option<i64> = row.try_get_by_index(0)?;
    let open: i64 = row.try_get_by_index(1)?;
    Ok(if open > 0 { Some(now_ms()) } else { last })
}
