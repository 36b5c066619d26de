//! `workflowRun`, `workflowRuns`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use super::{WorkflowRun, WorkflowRunConnection, WorkflowRunConnectionFields, WorkflowRunStatus};
use crate::authz::permissions;
use crate::graphql::{ContextExt, parse_id};
use crate::service::pages;
use crate::service::workflow::runs;

#[derive(Default)]
pub struct WorkflowRunQuery;

#[Object]
impl WorkflowRunQuery {
    /// A run by id, with its nodes: null with NOT_FOUND when there is none the caller may read.
    async fn workflow_run(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<WorkflowRun>> {
        let app = ctx.app()?;
        let found = runs::authorized(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("id", &id)?,
            permissions::WORKFLOW_READ,
        )
        .await?;
        Ok(Some(found.into()))
    }

    /// The organization's runs, newest first; of one workflow, of one status.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn workflow_runs(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        workflow_id: Option<ID>,
        status: Option<WorkflowRunStatus>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<WorkflowRunConnection> {
        let app = ctx.app()?;
        let filter = runs::ListFilter {
            workflow_id: workflow_id
                .as_ref()
                .map(|id| parse_id("workflowId", id))
                .transpose()?,
            status: status.map(|s| s.as_str().to_owned()),
        };
        let page = runs::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
            filter,
        )
        .await?;
        let mut connection = WorkflowRunConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            WorkflowRunConnectionFields {
                total_count: page.total,
            },
        );
        connection.edges.extend(page.runs.into_iter().map(|run| {
            let cursor = pages::encode_cursor(run.created_at, run.id);
            Edge::new(cursor, WorkflowRun::from(run))
        }));
        Ok(connection)
    }
}
