//! `runEvaluation`, `cancelEvaluationRun`, `createEvaluator`, `updateEvaluator`,
//! `deleteEvaluator`.

use async_graphql::{Context, ID, Object};

use super::inputs::{RunEvaluationInput, SavedEvaluatorInput};
use super::{EvaluationRun, SavedEvaluator};
use crate::graphql::{ContextExt, parse_id};
use crate::service::evaluation::evaluators::{self, EvaluatorInput};
use crate::service::evaluation::runs;

#[derive(Default)]
pub struct EvaluationMutation;

fn service_input(input: SavedEvaluatorInput) -> EvaluatorInput {
    EvaluatorInput {
        name: input.name,
        description: input.description,
        spec: input.spec.map(|spec| spec.0),
    }
}

#[Object]
impl EvaluationMutation {
    /// Starts a run over a dataset version (latest by default): every item × every target is
    /// a job; returns at once, PENDING — follow it with `evaluationRunEvents`. Targets are
    /// resolved to versions now (labels pinned), and every problem with the input is reported
    /// at once as BAD_USER_INPUT, with nothing written.
    async fn run_evaluation(
        &self,
        ctx: &Context<'_>,
        input: RunEvaluationInput,
    ) -> async_graphql::Result<EvaluationRun> {
        let input = input.into_service()?;
        let request = ctx.request_context()?;
        let run = runs::run_evaluation(ctx.app()?, &request, ctx.actor()?, input).await?;
        Ok(run.into())
    }

    /// Cancels a run that has not ended: running items stop, waiting ones never run. A run
    /// that already ended is returned unchanged.
    async fn cancel_evaluation_run(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<EvaluationRun> {
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let run = runs::cancel_run(ctx.app()?, &request, ctx.actor()?, id).await?;
        Ok(run.into())
    }

    /// Saves an evaluator under a name unique in the organization (`evaluation:execute`).
    async fn create_evaluator(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: SavedEvaluatorInput,
    ) -> async_graphql::Result<SavedEvaluator> {
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let found = evaluators::create(
            ctx.app()?,
            &request,
            ctx.actor()?,
            org,
            service_input(input),
        )
        .await?;
        Ok(found.into())
    }

    /// Changes a saved evaluator; runs already started keep the spec they copied.
    async fn update_evaluator(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SavedEvaluatorInput,
    ) -> async_graphql::Result<SavedEvaluator> {
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let found =
            evaluators::update(ctx.app()?, &request, ctx.actor()?, id, service_input(input))
                .await?;
        Ok(found.into())
    }

    /// Deletes a saved evaluator; runs already started keep the spec they copied.
    async fn delete_evaluator(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<SavedEvaluator> {
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let found = evaluators::delete(ctx.app()?, &request, ctx.actor()?, id).await?;
        Ok(found.into())
    }
}
