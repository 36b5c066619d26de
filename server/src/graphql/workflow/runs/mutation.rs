//! `runWorkflow`, `cancelWorkflowRun`, `resumeWorkflowRun`, `retryWorkflowRun`.

use async_graphql::{Context, ID, InputObject, Json, Object};
use serde_json::Value;

use super::WorkflowRun;
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow::runs::{self, RunInput};

#[derive(Default)]
pub struct WorkflowRunMutation;

/// Which version to run, with what.
#[derive(InputObject, Default)]
pub struct RunWorkflowInput {
    /// A version number; give this or `label` (the latest version when neither).
    pub version: Option<i32>,
    pub label: Option<String>,
    /// The run's inputs, a JSON object checked against the version's declared inputs.
    pub inputs: Option<Json<Value>>,
}

/// The answer to an approval node.
#[derive(InputObject)]
pub struct ResumeWorkflowRunInput {
    /// The approval node waiting for it.
    pub node_key: String,
    /// Approved, the node COMPLETES with `input` as its output (or `approved`); refused, it
    /// FAILS and its failure policy decides.
    pub approved: bool,
    pub input: Option<Json<Value>>,
}

#[Object]
impl WorkflowRunMutation {
    /// Starts a run of a version (by `version` number or `label`; latest when neither). Returns
    /// at once, PENDING; follow it with `workflowRunEvents`. Missing or mistyped inputs are
    /// BAD_USER_INPUT (every one at once) and nothing is queued. Prompt labels are resolved
    /// now and pinned on the run.
    async fn run_workflow(
        &self,
        ctx: &Context<'_>,
        workflow_id: ID,
        #[graphql(default)] input: RunWorkflowInput,
    ) -> async_graphql::Result<WorkflowRun> {
        let input = RunInput {
            workflow_id: parse_id("workflowId", &workflow_id)?,
            version: input.version,
            label: input.label,
            inputs: input.inputs.map(|v| v.0).unwrap_or(Value::Null),
        };
        let request = ctx.request_context()?;
        let run = runs::run_workflow(ctx.app()?, &request, ctx.actor()?, input).await?;
        ctx.forget_loaded();
        Ok(run.into())
    }

    /// Cancels a run that has not ended: every running node job stops (its provider stream is
    /// dropped) and no node runs after. A run that already ended is returned unchanged.
    async fn cancel_workflow_run(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<WorkflowRun> {
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let run = runs::cancel_run(ctx.app()?, &request, ctx.actor()?, id).await?;
        ctx.forget_loaded();
        Ok(run.into())
    }

    /// Answers an approval node that is WAITING (needs `workflow:execute`).
    async fn resume_workflow_run(
        &self,
        ctx: &Context<'_>,
        run_id: ID,
        input: ResumeWorkflowRunInput,
    ) -> async_graphql::Result<WorkflowRun> {
        let id = parse_id("runId", &run_id)?;
        let request = ctx.request_context()?;
        let run = runs::resume_run(
            ctx.app()?,
            &request,
            ctx.actor()?,
            id,
            &input.node_key,
            input.approved,
            input.input.map(|v| v.0),
        )
        .await?;
        ctx.forget_loaded();
        Ok(run.into())
    }

    /// Resumes a FAILED or CANCELLED run: completed nodes keep their outputs and do not run
    /// again; failed, cancelled and never-run nodes run (their prompt labels resolved afresh),
    /// to the end. The resumption is recorded on the run.
    async fn retry_workflow_run(
        &self,
        ctx: &Context<'_>,
        run_id: ID,
    ) -> async_graphql::Result<WorkflowRun> {
        let id = parse_id("runId", &run_id)?;
        let request = ctx.request_context()?;
        let run = runs::retry_run(ctx.app()?, &request, ctx.actor()?, id).await?;
        ctx.forget_loaded();
        Ok(run.into())
    }
}
