//! How a run ends in the database: the result or failure of an attempt, written only while
//! that attempt still holds the job, or the job given back when the worker stops.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::events::{self, EventKind, ExecutionEvent};
use super::{FAILED, PENDING, Produced, SUCCEEDED, publish};
use crate::jobs;
use crate::runtime::Runtime;
use entities::{execution, job};

/// Gives the job back unfinished (this worker is stopping): PENDING again, with the attempt
/// not counted, and re-published for another worker.
pub(super) async fn release(
    rt: &Runtime,
    job: &job::Model,
    exec: &execution::Model,
) -> &'static str {
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::release(&txn, job.id, job.attempt).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(PENDING.to_owned());
        row.attempts = Set(job.attempt - 1);
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            rt.enqueue(job.id).await;
            events::announce(&rt.bus, exec.org_id, exec.id, PENDING).await;
            "released"
        }
        Ok(false) => "superseded",
        Err(error) => {
            // The lease runs out and another worker takes it over instead.
            tracing::warn!(%error, job = %job.id, "could not release a job");
            "unreleased"
        }
    }
}

pub(super) async fn succeeded(
    rt: &Runtime,
    job: &job::Model,
    exec: &execution::Model,
    produced: Produced,
    latency_ms: i64,
    seq: u64,
) -> &'static str {
    let model = exec
        .model_config
        .get("model")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    let cost = if produced.cached {
        Some(0.0)
    } else {
        match (produced.tokens_in, produced.tokens_out) {
            (Some(input), Some(output)) => rt.prices.cost(model, input, output),
            _ => None,
        }
    };
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::finish(&txn, job.id, job.attempt, jobs::SUCCEEDED, None).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(SUCCEEDED.to_owned());
        row.output = Set(Some(produced.output));
        row.tokens_in = Set(produced.tokens_in.and_then(|n| i32::try_from(n).ok()));
        row.tokens_out = Set(produced.tokens_out.and_then(|n| i32::try_from(n).ok()));
        row.finish_reason = Set(produced.finish_reason.map(|r| r.as_str().to_owned()));
        row.cost_usd = Set(cost);
        row.latency_ms = Set(Some(latency_ms));
        row.time_to_first_token_ms = Set(produced.ttft_ms);
        row.cached = Set(produced.cached);
        row.attempts = Set(job.attempt);
        row.error = Set(None);
        row.finished_at = Set(Some(Utc::now()));
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            publish(rt, exec.id, &ExecutionEvent::new(EventKind::Completed), seq).await;
            events::announce(&rt.bus, exec.org_id, exec.id, SUCCEEDED).await;
            "succeeded"
        }
        Ok(false) => "superseded",
        Err(error) => {
            tracing::error!(%error, execution = %exec.id, "could not write an execution result");
            "unwritten"
        }
    }
}

pub(super) async fn failed(
    rt: &Runtime,
    job: &job::Model,
    exec: &execution::Model,
    error: &str,
    latency_ms: i64,
    seq: u64,
) -> &'static str {
    let write = async {
        let txn = jobs::begin_write(&rt.db).await?;
        if !jobs::finish(&txn, job.id, job.attempt, jobs::FAILED, Some(error)).await? {
            return Ok::<_, sea_orm::DbErr>(false);
        }
        let mut row: execution::ActiveModel = exec.clone().into();
        row.status = Set(FAILED.to_owned());
        row.error = Set(Some(error.to_owned()));
        row.latency_ms = Set(Some(latency_ms));
        row.attempts = Set(job.attempt);
        row.finished_at = Set(Some(Utc::now()));
        row.update(&txn).await?;
        txn.commit().await?;
        Ok(true)
    };
    match write.await {
        Ok(true) => {
            let mut event = ExecutionEvent::new(EventKind::Failed);
            event.error = Some(error.to_owned());
            publish(rt, exec.id, &event, seq).await;
            events::announce(&rt.bus, exec.org_id, exec.id, FAILED).await;
            "failed"
        }
        Ok(false) => "superseded",
        Err(db_error) => {
            tracing::error!(error = %db_error, execution = %exec.id, "could not write an execution failure");
            "unwritten"
        }
    }
}

/// Publishes the FAILED event of a job given up by `jobs::claim`.
pub async fn announce_exhausted(rt: &Runtime, job: &job::Model) {
    let Ok(Some(exec)) = execution::Entity::find_by_id(job.subject_id)
        .one(&rt.db)
        .await
    else {
        return;
    };
    let mut event = ExecutionEvent::new(EventKind::Failed);
    event.error = exec.error.clone();
    publish(rt, exec.id, &event, 0).await;
    events::announce(&rt.bus, exec.org_id, exec.id, FAILED).await;
}
