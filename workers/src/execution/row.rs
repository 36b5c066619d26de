//! The execution row's transitions, each inside a transaction the engine holds: RUNNING on a
//! claim, the result or failure of an attempt (or PENDING again when the job is given back),
//! FAILED when the job is given up.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use super::{FAILED, PENDING, RUNNING, Run, SUCCEEDED, is_terminal};
use crate::completion::Completed;
use crate::engine::Finish;
use crate::pii::vault;
use entities::{execution, job};

/// Marks the execution RUNNING for a claimed attempt. `None` if it is no longer runnable (it
/// was cancelled, or it is gone).
pub(super) async fn start(
    conn: &impl ConnectionTrait,
    job: &job::Model,
) -> Result<Option<execution::Model>, DbErr> {
    let Some(found) = execution::Entity::find_by_id(job.subject_id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if is_terminal(&found.status) {
        return Ok(None);
    }
    let started_at = found.started_at.unwrap_or_else(Utc::now);
    let mut row: execution::ActiveModel = found.into();
    row.status = Set(RUNNING.to_owned());
    row.attempts = Set(job.attempt);
    row.started_at = Set(Some(started_at));
    Ok(Some(row.update(conn).await?))
}

/// Writes how the attempt ended (the engine already wrote the job row for this attempt).
pub(super) async fn finish(
    conn: &impl ConnectionTrait,
    job: &job::Model,
    run: &Run,
    finish: &Finish<Completed>,
) -> Result<(), DbErr> {
    let mut row: execution::ActiveModel = run.execution.clone().into();
    match finish {
        Finish::Succeeded(done) => {
            row.status = Set(SUCCEEDED.to_owned());
            row.output = Set(Some(done.stored_output().to_owned()));
            row.tokens_in = Set(done.tokens_in.and_then(|n| i32::try_from(n).ok()));
            row.tokens_out = Set(done.tokens_out.and_then(|n| i32::try_from(n).ok()));
            row.finish_reason = Set(done.finish_reason.map(|r| r.as_str().to_owned()));
            row.cost_usd = Set(done.cost_usd);
            row.latency_ms = Set(Some(done.latency_ms));
            row.time_to_first_token_ms = Set(done.ttft_ms);
            row.cached = Set(done.cached);
            row.attempts = Set(job.attempt);
            row.error = Set(None);
            row.finished_at = Set(Some(Utc::now()));
            // The organization's monthly tokens: once, with the result (a cache hit spent
            // none with the provider).
            if !done.cached {
                let tokens = i64::from(done.tokens_in.unwrap_or(0))
                    + i64::from(done.tokens_out.unwrap_or(0));
                let period = crate::usage::period(Utc::now());
                crate::usage::add(conn, run.execution.org_id, period, 0, tokens, None).await?;
            }
        }
        Finish::Failed(error) => {
            row.status = Set(FAILED.to_owned());
            row.error = Set(Some(error.clone()));
            row.latency_ms = Set(run.latency_ms);
            row.attempts = Set(job.attempt);
            row.finished_at = Set(Some(Utc::now()));
        }
        Finish::Released => {
            row.status = Set(PENDING.to_owned());
            row.attempts = Set(job.attempt);
        }
    }
    row.update(conn).await?;
    if !matches!(finish, Finish::Released) {
        vault::delete(conn, run.execution.id).await?;
    }
    Ok(())
}

/// The job was given up (its workers kept dying): the execution fails with the job's error.
pub(super) async fn give_up(conn: &impl ConnectionTrait, job: &job::Model) -> Result<(), DbErr> {
    let Some(found) = execution::Entity::find_by_id(job.subject_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    if is_terminal(&found.status) {
        return Ok(());
    }
    let mut row: execution::ActiveModel = found.into();
    row.status = Set(FAILED.to_owned());
    row.error = Set(job.last_error.clone());
    row.finished_at = Set(Some(Utc::now()));
    let row = row.update(conn).await?;
    vault::delete(conn, row.id).await?;
    Ok(())
}
