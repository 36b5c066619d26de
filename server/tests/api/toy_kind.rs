//! A job kind that has nothing to do with executions, for the runtime's own tests: its subject
//! is a `toy_subjects` row (a table made here, in the test database only); a run sleeps for
//! the subject's `first_run_ms` on attempt 1 (0 afterwards) unless it is stopped. Everything
//! the kind is asked to do is written down in its log, in order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, Statement};
use uuid::Uuid;
use workers::engine::{
    Finish, JobContext, JobKind, Outcome, Registry, Stop, StopSignal, WorkerSettings,
};
use workers::jobs;
use workers::runtime::Runtime;

use crate::helpers::TestApp;
use entities::job;

pub const TOY: &str = "toy";

#[derive(Clone, Default)]
pub struct ToyKind {
    log: Arc<Mutex<Vec<String>>>,
}

impl ToyKind {
    fn note(&self, line: String) {
        self.log.lock().unwrap().push(line);
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `line` is in the log.
    pub async fn wait_for(&self, line: &str) {
        for _ in 0..200 {
            if self.log().iter().any(|l| l == line) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("`{line}` never logged: {:?}", self.log());
    }

    /// A runtime that runs toy jobs only, on the app's database, bus and queue.
    pub fn runtime(&self, app: &TestApp, worker_id: &str, lease: Duration) -> Arc<Runtime> {
        let mut ctx: JobContext = (*app.app.runtime.ctx).clone();
        ctx.settings = WorkerSettings {
            worker_id: worker_id.to_owned(),
            lease,
            concurrency: ctx.settings.concurrency.max(4),
            ..ctx.settings
        };
        Runtime::new(ctx, Registry::default().with(self.clone()))
    }
}

pub struct ToySubject {
    pub id: Uuid,
    scope: Uuid,
    first_run_ms: u64,
}

/// One toy subject row, as the tests read it back.
#[derive(Debug, PartialEq, Eq)]
pub struct ToyRow {
    pub state: String,
    pub writes: i32,
    pub result: Option<String>,
}

#[async_trait::async_trait]
impl JobKind for ToyKind {
    type Subject = ToySubject;
    type Output = String;

    fn name(&self) -> &'static str {
        TOY
    }

    async fn on_claimed(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<ToySubject>, DbErr> {
        let sql = format!(
            "SELECT scope, first_run_ms FROM toy_subjects WHERE id = '{}'",
            job.subject_id
        );
        let Some(row) = query(txn, sql).await? else {
            return Ok(None);
        };
        exec(txn, set(job.subject_id, "state = 'RUNNING'")).await?;
        self.note(format!("claimed {} {}", job.subject_id, job.attempt));
        Ok(Some(ToySubject {
            id: job.subject_id,
            scope: Uuid::parse_str(&row.try_get::<String>("", "scope")?)
                .map_err(|e| DbErr::Custom(e.to_string()))?,
            first_run_ms: u64::try_from(row.try_get::<i32>("", "first_run_ms")?).unwrap_or(0),
        }))
    }

    fn cancel_scope(&self, _job: &job::Model, subject: &ToySubject) -> Uuid {
        subject.scope
    }

    async fn run(
        &self,
        _ctx: &JobContext,
        job: &job::Model,
        subject: &mut ToySubject,
        stop: &mut StopSignal,
    ) -> Outcome<String> {
        self.note(format!("started {} {}", subject.id, job.attempt));
        let sleep = if job.attempt == 1 {
            subject.first_run_ms
        } else {
            0
        };
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(sleep)) => {
                Outcome::Succeeded(format!("done by attempt {}", job.attempt))
            }
            reason = stop.stopped() => {
                self.note(format!("stopped {} {reason:?}", subject.id));
                Outcome::Stopped(reason)
            }
        }
    }

    async fn write(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        _job: &job::Model,
        subject: &ToySubject,
        finish: &Finish<String>,
    ) -> Result<(), DbErr> {
        let change = match finish {
            Finish::Succeeded(result) => format!("state = 'DONE', result = '{result}'"),
            Finish::Failed(error) => format!("state = 'FAILED', result = '{error}'"),
            Finish::Released => "state = 'PENDING'".to_owned(),
        };
        exec(
            txn,
            set(subject.id, &format!("{change}, writes = writes + 1")),
        )
        .await
    }

    async fn after_commit(
        &self,
        _ctx: &JobContext,
        job: &job::Model,
        subject: &ToySubject,
        finish: &Finish<String>,
    ) {
        let what = match finish {
            Finish::Succeeded(_) => "succeeded",
            Finish::Failed(_) => "failed",
            Finish::Released => "released",
        };
        self.note(format!("after {} {} {what}", subject.id, job.attempt));
    }

    async fn on_exhausted(
        &self,
        _ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        let error = job
            .last_error
            .clone()
            .unwrap_or_default()
            .replace('\'', "''");
        exec(
            txn,
            set(
                job.subject_id,
                &format!("state = 'DEAD', result = '{error}'"),
            ),
        )
        .await
    }

    async fn after_exhausted(&self, _ctx: &JobContext, job: &job::Model) {
        self.note(format!("after-exhausted {}", job.subject_id));
    }
}

fn set(id: Uuid, change: &str) -> String {
    format!("UPDATE toy_subjects SET {change} WHERE id = '{id}'")
}

async fn exec(conn: &impl ConnectionTrait, sql: String) -> Result<(), DbErr> {
    conn.execute_unprepared(&sql).await.map(|_| ())
}

async fn query(
    conn: &impl ConnectionTrait,
    sql: String,
) -> Result<Option<sea_orm::QueryResult>, DbErr> {
    let backend = conn.get_database_backend();
    conn.query_one_raw(Statement::from_string(backend, sql))
        .await
}

/// Makes a toy subject in `scope` and its PENDING job.
pub async fn toy_job(
    db: &DatabaseConnection,
    scope: Uuid,
    first_run_ms: u64,
    max_attempts: i32,
) -> job::Model {
    exec(
        db,
        "CREATE TABLE IF NOT EXISTS toy_subjects (id TEXT PRIMARY KEY, scope TEXT NOT NULL, \
         first_run_ms INTEGER NOT NULL, state TEXT NOT NULL, writes INTEGER NOT NULL, result TEXT)"
            .to_owned(),
    )
    .await
    .unwrap();
    let id = Uuid::new_v4();
    exec(
        db,
        format!(
            "INSERT INTO toy_subjects (id, scope, first_run_ms, state, writes) \
             VALUES ('{id}', '{scope}', {first_run_ms}, 'NEW', 0)"
        ),
    )
    .await
    .unwrap();
    jobs::insert(db, Uuid::new_v4(), TOY, id, max_attempts)
        .await
        .unwrap()
}

pub async fn toy_row(db: &DatabaseConnection, id: Uuid) -> ToyRow {
    let sql = format!("SELECT state, writes, result FROM toy_subjects WHERE id = '{id}'");
    let row = query(db, sql).await.unwrap().unwrap();
    ToyRow {
        state: row.try_get("", "state").unwrap(),
        writes: row.try_get("", "writes").unwrap(),
        result: row.try_get("", "result").unwrap(),
    }
}

/// Stop reasons as the log spells them.
pub fn stopped(id: Uuid, reason: Stop) -> String {
    format!("stopped {id} {reason:?}")
}
