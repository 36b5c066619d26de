//! The `workflow_node` job kind: one node of a run. Its claim turns the node EXECUTING (and the
//! run RUNNING); its run executes the step with the node's retries and timeout; its finish —
//! conditional on the job's attempt, like every kind's — writes the node's result and, in the
//! same transaction, moves the run on (`schedule::advance`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tracing::Instrument;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::advanced;
use super::attempts::{backoff, count_attempt, limit, touch_run};
use super::events::{self, WorkflowRunEvent};
use super::execute::{self, Done, StepError, Target};
use super::lifecycle::node_events;
use super::pii::Storage;
use super::schedule::{self, Advanced, advance};
use super::scope;
use super::status::*;
use crate::engine::{Finish, JobContext, JobKind, Outcome, StopSignal};
use crate::workflow::definition::{Definition, Node};
use entities::{job, node_run, workflow_run};

/// The `kind` of node jobs.
pub const KIND: &str = "workflow_node";

/// Registered in `crate::kinds::registry()`.
#[derive(Default)]
pub struct NodeKind {
    /// What an exhausted job's transaction did, for after its commit.
    exhausted: Mutex<HashMap<Uuid, Advanced>>,
}

/// A claimed node.
pub struct NodeRun {
    run: workflow_run::Model,
    node: node_run::Model,
    definition: Definition,
    /// The claim moved the run from PENDING to RUNNING.
    started_run: bool,
    /// The node's current attempt (its retries count too).
    attempt: i32,
    /// What `write` did, for `after_commit`.
    advanced: Mutex<Option<Advanced>>,
}

impl NodeRun {
    fn spec(&self) -> Option<&Node> {
        self.definition
            .nodes
            .iter()
            .find(|n| n.key == self.node.node_key)
    }
}

#[async_trait::async_trait]
impl JobKind for NodeKind {
    type Subject = NodeRun;
    type Output = Done;

    fn name(&self) -> &'static str {
        KIND
    }

    async fn on_claimed(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<NodeRun>, DbErr> {
        let Some(node) = node_run::Entity::find_by_id(job.subject_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        if !matches!(node.status.as_str(), PENDING | EXECUTING) || node.job_id != Some(job.id) {
            return Ok(None);
        }
        // The run's lock before the node's, as every writer of a run; and its events are
        // published under it, so a cancel's terminal event comes after this claim's.
        touch_run(txn, node.run_id).await?;
        let now = Utc::now();
        let started = workflow_run::Entity::update_many()
            .col_expr(workflow_run::Column::Status, Expr::value(RUNNING))
            .col_expr(workflow_run::Column::StartedAt, Expr::value(now))
            .col_expr(workflow_run::Column::UpdatedAt, Expr::value(now))
            .filter(workflow_run::Column::Id.eq(node.run_id))
            .filter(workflow_run::Column::Status.eq(PENDING))
            .exec(txn)
            .await?;
        let Some(run) = workflow_run::Entity::find_by_id(node.run_id)
            .one(txn)
            .await?
        else {
            return Ok(None);
        };
        if run_is_terminal(&run.status) {
            return Ok(None);
        }
        let attempt = node.attempt + 1;
        let claimed = node_run::Entity::update_many()
            .col_expr(node_run::Column::Status, Expr::value(EXECUTING))
            .col_expr(node_run::Column::Attempt, Expr::value(attempt))
            .col_expr(
                node_run::Column::StartedAt,
                Expr::value(node.started_at.unwrap_or(now)),
            )
            .col_expr(node_run::Column::UpdatedAt, Expr::value(now))
            .filter(node_run::Column::Id.eq(node.id))
            .filter(node_run::Column::Status.is_in([PENDING, EXECUTING]))
            .exec(txn)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(None);
        }
        let definition = schedule::definition_of(txn, run.workflow_version_id).await?;
        let mut opening = Advanced::of(&run);
        if started.rows_affected == 1 {
            opening
                .events
                .push(WorkflowRunEvent::run_status(RUNNING, None));
        }
        opening.events.push(WorkflowRunEvent::node_status(
            &node.node_key,
            EXECUTING,
            attempt,
            None,
        ));
        opening.publish(ctx).await;
        Ok(Some(NodeRun {
            run,
            node: node_run::Model {
                status: EXECUTING.to_owned(),
                attempt,
                ..node
            },
            definition,
            started_run: started.rows_affected == 1,
            attempt,
            advanced: Mutex::new(None),
        }))
    }

    /// A node belongs to its run: cancelling the run stops it.
    fn cancel_scope(&self, _job: &job::Model, subject: &NodeRun) -> Uuid {
        subject.run.id
    }

    async fn run(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        subject: &mut NodeRun,
        stop: &mut StopSignal,
    ) -> Outcome<Done> {
        let span = tracing::info_span!(
            "workflow_node",
            otel.name = %format!("workflow node {}", subject.node.node_key),
            workflow.run.id = %subject.run.id,
            workflow.node.key = %subject.node.node_key,
            workflow.node.attempt = subject.attempt,
        );
        self.run_node(ctx, job, subject, stop)
            .instrument(span)
            .await
    }

    async fn write(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        _job: &job::Model,
        subject: &NodeRun,
        finish: &Finish<Done>,
    ) -> Result<(), DbErr> {
        touch_run(txn, subject.run.id).await?;
        let row = &subject.node;
        let now = Utc::now();
        let update = node_run::Entity::update_many()
            .col_expr(node_run::Column::UpdatedAt, Expr::value(now))
            .col_expr(node_run::Column::Attempt, Expr::value(subject.attempt))
            .col_expr(
                node_run::Column::RenderedInput,
                Expr::value(row.rendered_input.clone()),
            )
            .col_expr(node_run::Column::LatencyMs, Expr::value(row.latency_ms))
            .filter(node_run::Column::Id.eq(row.id))
            .filter(node_run::Column::Status.eq(EXECUTING));
        let (update, status, output, error) = match finish {
            Finish::Released => {
                // Given back unfinished: PENDING again, its job runs it later.
                update
                    .col_expr(node_run::Column::Status, Expr::value(PENDING))
                    .exec(txn)
                    .await?;
                return Ok(());
            }
            Finish::Succeeded(done) => (
                update
                    .col_expr(node_run::Column::TokensIn, Expr::value(done.tokens_in))
                    .col_expr(node_run::Column::TokensOut, Expr::value(done.tokens_out))
                    .col_expr(node_run::Column::CostUsd, Expr::value(done.cost_usd)),
                COMPLETED,
                Some(done.output.clone()),
                None,
            ),
            Finish::Failed(error) => {
                let (status, output, defaulted) = advanced::failed(subject.spec());
                (
                    update.col_expr(node_run::Column::Defaulted, Expr::value(defaulted)),
                    status,
                    output,
                    Some(error.clone()),
                )
            }
        };
        let written = update
            .col_expr(node_run::Column::Status, Expr::value(status))
            .col_expr(node_run::Column::Output, Expr::value(output.clone()))
            .col_expr(node_run::Column::Error, Expr::value(error.clone()))
            .col_expr(node_run::Column::FinishedAt, Expr::value(now))
            .exec(txn)
            .await?;
        if written.rows_affected == 0 {
            // The run was cancelled or failed meanwhile: the node is no longer ours to write.
            return Ok(());
        }
        if let Finish::Succeeded(done) = finish {
            // The organization's monthly tokens, once, with the result (nodes never use the
            // response cache: every token was spent with the provider).
            let tokens = done.tokens_in + done.tokens_out;
            if tokens > 0 {
                let period = crate::usage::period(now);
                crate::usage::add(txn, subject.run.org_id, period, 0, tokens, None).await?;
            }
        }
        let ended = node_run::Model {
            output,
            ..row.clone()
        };
        let mut out = advance(txn, ctx, subject.run.id).await?;
        let mut events = node_events(&ended, subject.attempt, status, error);
        events.append(&mut out.events);
        out.events = events;
        out.publish(ctx).await;
        *subject
            .advanced
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(out);
        Ok(())
    }

    async fn after_commit(
        &self,
        ctx: &JobContext,
        _job: &job::Model,
        subject: &NodeRun,
        _finish: &Finish<Done>,
    ) {
        let advanced = subject
            .advanced
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(advanced) = advanced {
            advanced.apply(ctx).await;
        }
    }

    /// The node's workers kept dying: it failed, and its policy decides the run.
    async fn on_exhausted(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        let Some(node) = node_run::Entity::find_by_id(job.subject_id)
            .one(txn)
            .await?
        else {
            return Ok(());
        };
        touch_run(txn, node.run_id).await?;
        let definition = match workflow_run::Entity::find_by_id(node.run_id)
            .one(txn)
            .await?
        {
            Some(run) => schedule::definition_of(txn, run.workflow_version_id).await?,
            None => return Ok(()),
        };
        let spec = definition.nodes.iter().find(|n| n.key == node.node_key);
        let (status, output, defaulted) = advanced::failed(spec);
        let error = job.last_error.clone();
        let written = node_run::Entity::update_many()
            .col_expr(node_run::Column::Status, Expr::value(status))
            .col_expr(node_run::Column::Output, Expr::value(output.clone()))
            .col_expr(node_run::Column::Defaulted, Expr::value(defaulted))
            .col_expr(node_run::Column::Error, Expr::value(error.clone()))
            .col_expr(node_run::Column::FinishedAt, Expr::value(Utc::now()))
            .col_expr(node_run::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(node_run::Column::Id.eq(node.id))
            .filter(node_run::Column::Status.is_in([PENDING, EXECUTING]))
            .exec(txn)
            .await?;
        if written.rows_affected == 0 {
            return Ok(());
        }
        let ended = node_run::Model { output, ..node };
        let mut out = advance(txn, ctx, ended.run_id).await?;
        let mut events = node_events(&ended, ended.attempt, status, error);
        events.append(&mut out.events);
        out.events = events;
        out.publish(ctx).await;
        self.exhausted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(job.id, out);
        Ok(())
    }

    /// Approvals and runs past their deadline.
    async fn tick(&self, ctx: &JobContext) {
        if let Err(error) = super::timers::sweep(ctx).await {
            tracing::warn!(%error, "could not sweep workflow timers");
        }
    }

    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model) {
        let advanced = self
            .exhausted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&job.id);
        if let Some(advanced) = advanced {
            advanced.apply(ctx).await;
        }
    }
}

impl NodeKind {
    /// [`JobKind::run`] inside the node's span.
    async fn run_node(
        &self,
        ctx: &JobContext,
        job: &job::Model,
        subject: &mut NodeRun,
        stop: &mut StopSignal,
    ) -> Outcome<Done> {
        let key = subject.node.node_key.clone();
        if subject.started_run {
            events::announce(&ctx.bus, subject.run.org_id, subject.run.id, RUNNING).await;
        }
        let Some(spec) = subject.spec().cloned() else {
            return Outcome::Failed(format!("node `{key}` is not in the run's version"));
        };
        let nodes = match node_run::Entity::find()
            .filter(node_run::Column::RunId.eq(subject.run.id))
            .all(&ctx.db)
            .await
        {
            Ok(nodes) => nodes,
            Err(error) => return Outcome::Failed(format!("reading the run's nodes: {error}")),
        };
        let vars = match scope::restored(&ctx.db, ctx, &subject.run, &nodes).await {
            Ok(vars) => vars,
            Err(error) => return Outcome::Failed(error),
        };
        // What is stored of the node (output, input, errors) follows the organization's PII
        // policy; a policy that cannot be read fails the attempt rather than store values.
        let storage = match Storage::of(ctx, &ctx.db, subject.run.org_id).await {
            Ok(storage) => storage,
            Err(error) => return Outcome::Failed(error),
        };
        loop {
            let timeout = limit(&spec, &subject.run);
            let target = Target {
                ctx,
                run: &subject.run,
                key: &key,
                attempt: subject.attempt,
                retry: spec.retry,
            };
            let once = execute::timed(execute::within(
                timeout,
                execute::execute(&target, &spec.step, &vars, None),
            ));
            let (result, latency_ms) = tokio::select! {
                ended = once => ended,
                reason = stop.stopped() => return Outcome::Stopped(reason),
            };
            subject.node.latency_ms = Some(latency_ms);
            let error = match result {
                Ok(mut done) => {
                    done.output = storage.output(&done.output);
                    done.rendered_input = done.rendered_input.map(|input| storage.text(&input));
                    subject.node.rendered_input = done.rendered_input.clone();
                    return Outcome::Succeeded(done);
                }
                Err(StepError::Fatal(error)) => return Outcome::Failed(storage.text(&error)),
                Err(StepError::Retryable(error)) => storage.text(&error),
            };
            // Attempts count from the run's latest resumption (a resumed node retries afresh).
            let allowed = i32::try_from(spec.retry.max_attempts).unwrap_or(i32::MAX);
            if subject.attempt - subject.node.attempt_base >= allowed {
                return Outcome::Failed(error);
            }
            let retrying =
                WorkflowRunEvent::node_status(&key, "RETRYING", subject.attempt, Some(error));
            events::publish(&ctx.bus, subject.run.id, &[retrying], 0).await;
            tokio::select! {
                () = tokio::time::sleep(backoff(spec.retry.backoff_ms, subject.attempt - subject.node.attempt_base)) => {}
                reason = stop.stopped() => return Outcome::Stopped(reason),
            }
            subject.attempt += 1;
            match count_attempt(ctx, job, subject.node.id, subject.attempt).await {
                Ok(true) => {}
                // Cancelled or taken over meanwhile: the stop signal follows.
                Ok(false) => return Outcome::Stopped(stop.stopped().await),
                Err(error) => return Outcome::Failed(format!("recording the retry: {error}")),
            }
            let again = WorkflowRunEvent::node_status(&key, EXECUTING, subject.attempt, None);
            events::publish(&ctx.bus, subject.run.id, &[again], 0).await;
        }
    }
}
