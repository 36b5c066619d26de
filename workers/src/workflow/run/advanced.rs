//! What a change to a run did ([`Advanced`]) and how it takes effect: its events published
//! while the run's lock is held, then after the commit the status notice, the stop of the
//! run's jobs, the close of its cancelled nodes' jobs and the new jobs queued.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::events::{WorkflowEventKind, WorkflowRunEvent};
use super::status::*;
use crate::engine::JobContext;
use crate::jobs;
use crate::workflow::definition::{Node, OnFailure};
use entities::{job, node_run, workflow_run};

/// What a change to a run did: the events to publish (in order, before the commit, while the
/// run's lock is held), then, after the commit, the run's new status to announce, whether its
/// running node jobs must be stopped, the jobs of the nodes it cancelled and the jobs to queue.
#[derive(Debug, Default)]
pub struct Advanced {
    pub run: Uuid,
    pub org: Uuid,
    /// The run's resumptions so far: stamped on its RUN_STATUS events.
    pub resumption: u32,
    /// The jobs written (inserted or re-armed), with their kinds.
    pub jobs: Vec<(Uuid, &'static str)>,
    pub events: Vec<WorkflowRunEvent>,
    pub status: Option<String>,
    pub stop: bool,
    /// (job, node) of the nodes the change cancelled: their jobs are closed after the commit,
    /// outside the run's lock (a finishing node holds its job's row, then waits for the run's),
    /// and only while the node is still CANCELLED (a retry may have re-armed the job since).
    pub cancel_jobs: Vec<(Uuid, Uuid)>,
}

impl Advanced {
    pub(super) fn of(run: &workflow_run::Model) -> Self {
        Advanced {
            run: run.id,
            org: run.org_id,
            resumption: resumptions(run),
            ..Advanced::default()
        }
    }

    /// Publishes the events so far (call it before the commit, the run's lock held).
    pub async fn publish(&mut self, ctx: &JobContext) {
        let mut events = std::mem::take(&mut self.events);
        for event in &mut events {
            if event.kind == WorkflowEventKind::RunStatus {
                event.resumption = Some(self.resumption);
            }
        }
        super::events::publish(&ctx.bus, self.run, &events, 0).await;
    }

    /// After the commit: any events not yet published, the status notice, the stop of the
    /// run's jobs if it ended, the close of its cancelled nodes' jobs, and the new jobs queued.
    pub async fn apply(mut self, ctx: &JobContext) {
        self.publish(ctx).await;
        if let Some(status) = &self.status {
            super::events::announce(&ctx.bus, self.org, self.run, status).await;
        }
        if self.stop
            && let Err(error) = ctx
                .bus
                .publish(crate::runtime::CANCEL_TOPIC, &self.run.to_string())
                .await
        {
            tracing::warn!(%error, run = %self.run, "could not broadcast a run's end; lease checks will stop its jobs");
        }
        if !self.cancel_jobs.is_empty() {
            let (job_ids, node_ids): (Vec<Uuid>, Vec<Uuid>) =
                self.cancel_jobs.iter().copied().unzip();
            let still_cancelled = Query::select()
                .column(node_run::Column::Id)
                .from(node_run::Entity)
                .and_where(node_run::Column::Id.is_in(node_ids))
                .and_where(node_run::Column::Status.eq(CANCELLED))
                .to_owned();
            let closed = job::Entity::update_many()
                .col_expr(job::Column::Status, Expr::value(jobs::CANCELLED))
                .col_expr(
                    job::Column::LeaseUntil,
                    Expr::value(Option::<chrono::DateTime<Utc>>::None),
                )
                .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(job::Column::Id.is_in(job_ids))
                .filter(job::Column::Status.is_in([jobs::PENDING.as_str(), jobs::RUNNING.as_str()]))
                .filter(job::Column::SubjectId.in_subquery(still_cancelled))
                .exec(&ctx.db)
                .await;
            // Not fatal: a cancelled node's job that is claimed again finds it and closes.
            if let Err(error) = closed {
                tracing::warn!(%error, run = %self.run, "could not close a cancelled run's jobs");
            }
        }
        for (job, kind) in self.jobs {
            ctx.enqueue_written(self.org, job, kind).await;
        }
    }
}

/// How many times the run was resumed (`retryWorkflowRun`).
pub fn resumptions(run: &workflow_run::Model) -> u32 {
    run.resumptions
        .as_array()
        .map_or(0, |r| u32::try_from(r.len()).unwrap_or(u32::MAX))
}

/// A node's status after its last attempt failed (or an approval was refused or timed out),
/// by its policy: `default` COMPLETES with the default output, marked defaulted; anything else
/// FAILS. `(status, output, defaulted)`.
pub(super) fn failed(spec: Option<&Node>) -> (&'static str, Option<String>, bool) {
    match spec.map(|n| &n.on_failure) {
        Some(OnFailure::Default { output }) => (COMPLETED, Some(output.clone()), true),
        _ => (FAILED, None, false),
    }
}
