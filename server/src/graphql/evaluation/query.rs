//! `evaluationRun`, `evaluationRuns`, `evaluators`, `compareEvaluationRuns`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use super::compare::EvaluationComparison;
use super::{
    EvaluationRun, EvaluationRunConnection, EvaluationRunConnectionFields, SavedEvaluator,
};
use crate::authz::permissions;
use crate::graphql::{ContextExt, parse_id};
use crate::service::evaluation::{compare, evaluators, runs};
use crate::service::pages;

#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// A run by id: null with NOT_FOUND when there is none the caller may read.
    async fn evaluation_run(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<EvaluationRun>> {
        let app = ctx.app()?;
        let found = runs::authorized(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("id", &id)?,
            permissions::EVALUATION_READ,
        )
        .await?;
        Ok(Some(found.into()))
    }

    /// The organization's runs, newest first; of one dataset.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn evaluation_runs(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        dataset_id: Option<ID>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<EvaluationRunConnection> {
        let app = ctx.app()?;
        let dataset = dataset_id
            .as_ref()
            .map(|id| parse_id("datasetId", id))
            .transpose()?;
        let page = runs::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            dataset,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
        )
        .await?;
        let mut connection = EvaluationRunConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            EvaluationRunConnectionFields {
                total_count: page.total,
            },
        );
        connection.edges.extend(page.runs.into_iter().map(|run| {
            let cursor = pages::encode_cursor(run.created_at, run.id);
            Edge::new(cursor, EvaluationRun::from(run))
        }));
        Ok(connection)
    }

    /// The organization's saved evaluators, by name.
    async fn evaluators(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<Vec<SavedEvaluator>> {
        let app = ctx.app()?;
        let found = evaluators::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
        )
        .await?;
        Ok(found.into_iter().map(SavedEvaluator::from).collect())
    }

    /// Compares run `b` (the candidate) with run `a` (the baseline) over the same dataset —
    /// or two targets of one matrix run (`a` = `b`, different target indexes): per item the
    /// outputs, pass/fail changes and score deltas; aggregate deltas; and whether the
    /// difference is significant (exact McNemar on the paired pass/fail outcomes, paired
    /// bootstrap interval of the mean score difference).
    async fn compare_evaluation_runs(
        &self,
        ctx: &Context<'_>,
        a: ID,
        b: ID,
        #[graphql(default)] target_a: i32,
        #[graphql(default)] target_b: i32,
    ) -> async_graphql::Result<EvaluationComparison> {
        let app = ctx.app()?;
        let found = compare::compare(
            &app.db,
            &app.authz,
            ctx.actor()?,
            (parse_id("a", &a)?, target_a),
            (parse_id("b", &b)?, target_b),
        )
        .await?;
        Ok(found.into())
    }
}
