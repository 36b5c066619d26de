//! Job rows: the source of truth for background work. Written PENDING in the transaction that
//! asks for the work, claimed by a conditional update (a lease and the next attempt number),
//! completed by a conditional update on that attempt, so a result is written exactly once
//! however many times the queue delivers the id.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use entities::job;

mod batch;
mod ending;
mod publishing;
pub use batch::{BATCH_ROWS, insert_batch};
pub use ending::{finish, finished_as, release};
pub use publishing::{stranded, take_for_republish, unmark_published};

/// The status column of a job row, typed. The column keeps these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// Gave up: claimed `max_attempts` times without finishing (its workers kept dying).
    Dead,
}

impl JobStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
            Self::Dead => "DEAD",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Running,
            Self::Succeeded,
            Self::Failed,
            Self::Cancelled,
            Self::Dead,
        ]
        .into_iter()
        .find(|status| status.as_str() == stored)
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Cancelled | Self::Dead
        )
    }
}

impl From<JobStatus> for sea_orm::Value {
    fn from(status: JobStatus) -> Self {
        status.as_str().into()
    }
}

pub const PENDING: JobStatus = JobStatus::Pending;
pub const RUNNING: JobStatus = JobStatus::Running;
pub const SUCCEEDED: JobStatus = JobStatus::Succeeded;
pub const FAILED: JobStatus = JobStatus::Failed;
pub const CANCELLED: JobStatus = JobStatus::Cancelled;
pub const DEAD: JobStatus = JobStatus::Dead;

/// Whether a stored status is final (an unknown one is not).
pub fn is_terminal(status: &str) -> bool {
    JobStatus::parse(status).is_some_and(JobStatus::is_terminal)
}

/// Opens a transaction that will write (every mutation and job step uses it). On SQLite it
/// takes the write lock at once (`BEGIN IMMEDIATE`): a deferred transaction that read first and
/// then writes fails with SQLITE_BUSY_SNAPSHOT when another writer committed in between, which
/// `busy_timeout` does not retry. PostgreSQL ignores the option.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
    })
    .await
}

/// Writes a PENDING job; call it inside the transaction that creates its subject, and hand
/// it to the queue once that commits ([`JobContext::enqueue_written`]). It is written as
/// published now, so the publish costs no second commit; a publish the queue refuses undoes
/// that (the reconciler then publishes it at once), and a process that dies between the
/// commit and the publish leaves it to the reconciler after `republish_after`.
///
/// [`JobContext::enqueue_written`]: crate::engine::JobContext::enqueue_written
pub async fn insert(
    conn: &impl ConnectionTrait,
    org_id: Uuid,
    kind: &str,
    subject_id: Uuid,
    max_attempts: i32,
) -> Result<job::Model, DbErr> {
    let now = Utc::now();
    let row = job::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org_id),
        kind: Set(kind.to_owned()),
        subject_id: Set(subject_id),
        status: Set(PENDING.as_str().to_owned()),
        attempt: Set(0),
        max_attempts: Set(max_attempts.max(1)),
        lease_until: Set(None),
        worker: Set(None),
        last_error: Set(None),
        published_at: Set(Some(now)),
        traceparent: Set(crate::trace::current_traceparent()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(row)
}

/// Runs the job of (`kind`, `subject`) again, whatever its state, for `more_attempts` more
/// attempts; its id, or `None` when there is no such job. Its attempt count keeps growing, so
/// a worker still holding an earlier attempt can write nothing. (A workflow node re-run by a
/// resumed run keeps its one job: a subject has at most one job of a kind.) Written as
/// published, as [`insert`]: enqueue it once the transaction commits.
pub async fn rearm(
    conn: &impl ConnectionTrait,
    kind: &str,
    subject: Uuid,
    more_attempts: i32,
) -> Result<Option<Uuid>, DbErr> {
    let Some(found) = job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::SubjectId.eq(subject))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(PENDING))
        .col_expr(
            job::Column::MaxAttempts,
            Expr::value(found.attempt.saturating_add(more_attempts.max(1))),
        )
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::Worker, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(job::Column::PublishedAt, Expr::value(Some(Utc::now())))
        .col_expr(
            job::Column::Traceparent,
            Expr::value(crate::trace::current_traceparent()),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(found.id))
        .exec(conn)
        .await?;
    Ok(Some(found.id))
}

/// The `traceparent` a job was written with (see [`crate::trace`]).
pub async fn traceparent(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(job::Entity::find_by_id(job_id)
        .select_only()
        .column(job::Column::Traceparent)
        .into_tuple::<Option<String>>()
        .one(conn)
        .await?
        .flatten())
}

/// What a delivery found when it tried to claim its job.
#[derive(Debug)]
pub enum Claim {
    /// Ours, as attempt `job.attempt`, until `job.lease_until`.
    Claimed(job::Model),
    /// Another worker holds a live lease.
    Busy,
    /// Already finished, or it no longer exists.
    Gone,
    /// Its lease expired after the last allowed attempt: now DEAD.
    Exhausted(job::Model),
}

pub async fn claim(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    worker: &str,
    lease: chrono::Duration,
) -> Result<Claim, DbErr> {
    let Some(found) = job::Entity::find_by_id(job_id).one(conn).await? else {
        return Ok(Claim::Gone);
    };
    let now = Utc::now();
    if is_terminal(&found.status) {
        return Ok(Claim::Gone);
    }
    if found.status == RUNNING.as_str() && found.lease_until.is_some_and(|until| until > now) {
        return Ok(Claim::Busy);
    }
    let claimable = Condition::any().add(job::Column::Status.eq(PENDING)).add(
        Condition::all()
            .add(job::Column::Status.eq(RUNNING))
            .add(job::Column::LeaseUntil.lt(now)),
    );
    if found.attempt >= found.max_attempts {
        let error = format!(
            "gave up after {} attempts: the workers running it stopped before finishing{}",
            found.attempt,
            found
                .last_error
                .as_deref()
                .map(|e| format!(" (last error: {e})"))
                .unwrap_or_default()
        );
        let updated = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(DEAD))
            .col_expr(job::Column::LastError, Expr::value(error.clone()))
            .col_expr(
                job::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(job_id))
            .filter(job::Column::Attempt.eq(found.attempt))
            .filter(claimable)
            .exec(conn)
            .await?;
        if updated.rows_affected == 0 {
            return Ok(Claim::Busy);
        }
        return Ok(Claim::Exhausted(job::Model {
            status: DEAD.as_str().to_owned(),
            last_error: Some(error),
            lease_until: None,
            updated_at: now,
            ..found
        }));
    }
    let attempt = found.attempt + 1;
    let lease_until = now + lease;
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(RUNNING))
        .col_expr(job::Column::Attempt, Expr::value(attempt))
        .col_expr(job::Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(job::Column::Worker, Expr::value(worker))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Attempt.eq(found.attempt))
        .filter(claimable)
        .exec(conn)
        .await?;
    if updated.rows_affected == 0 {
        // Someone else claimed it between our read and our update.
        return Ok(Claim::Busy);
    }
    Ok(Claim::Claimed(job::Model {
        status: RUNNING.as_str().to_owned(),
        attempt,
        lease_until: Some(lease_until),
        worker: Some(worker.to_owned()),
        updated_at: now,
        ..found
    }))
}

/// Attempt `attempt` still holds the job: every write of a running attempt is conditional on it.
fn held_by(job_id: Uuid, attempt: i32) -> Condition {
    Condition::all()
        .add(job::Column::Id.eq(job_id))
        .add(job::Column::Attempt.eq(attempt))
        .add(job::Column::Status.eq(RUNNING))
}

/// Whether attempt `attempt` still holds the job (not cancelled, not taken over).
pub async fn held(conn: &impl ConnectionTrait, job_id: Uuid, attempt: i32) -> Result<bool, DbErr> {
    Ok(job::Entity::find()
        .filter(held_by(job_id, attempt))
        .count(conn)
        .await?
        == 1)
}

/// Whether attempt `attempt` still holds the job, taking the job row's lock until the caller's
/// transaction ends (so no takeover can claim it meanwhile): the first step of a transaction
/// a run makes of its own, in the engine's order (job, then subject).
pub async fn hold(conn: &impl ConnectionTrait, job_id: Uuid, attempt: i32) -> Result<bool, DbErr> {
    let touched = job::Entity::update_many()
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(held_by(job_id, attempt))
        .exec(conn)
        .await?;
    Ok(touched.rows_affected == 1)
}

/// Extends the lease of a job we still hold; false when we lost it (taken over or cancelled).
pub async fn heartbeat(
    conn: &impl ConnectionTrait,
    job_id: Uuid,
    attempt: i32,
    lease: chrono::Duration,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let updated = job::Entity::update_many()
        .col_expr(job::Column::LeaseUntil, Expr::value(now + lease))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(held_by(job_id, attempt))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Cancels a job that has not finished; false if it had.
pub async fn cancel(conn: &impl ConnectionTrait, kind: &str, subject: Uuid) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(CANCELLED))
        .col_expr(
            job::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::SubjectId.eq(subject))
        .filter(job::Column::Status.is_in([PENDING.as_str(), RUNNING.as_str()]))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected > 0)
}
