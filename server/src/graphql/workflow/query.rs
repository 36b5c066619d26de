//! `workflows`, `workflow`, `validateWorkflow`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use uuid::Uuid;

use super::{
    Preloaded, Workflow, WorkflowConnection, WorkflowConnectionFields, WorkflowDefinitionInput,
    WorkflowValidation,
};
use crate::authz::permissions;
use crate::graphql::{ContextExt, parse_id};
use crate::service::workflow::{self, labels, versions, workflows};

#[derive(Default)]
pub struct WorkflowQuery;

/// Loads, in one statement each, the latest versions and labels of every workflow on the page
/// when the selection asks for them, and primes the authors' loader.
async fn prefetch(
    ctx: &Context<'_>,
    page: &[entities::workflow::Model],
) -> async_graphql::Result<HashMap<Uuid, Preloaded>> {
    let node = ctx.look_ahead().field("edges").field("node");
    if !(node.field("latestVersion").exists() || node.field("labels").exists()) {
        return Ok(HashMap::new());
    }
    let db = &ctx.app()?.db;
    let ids: Vec<Uuid> = page.iter().map(|w| w.id).collect();
    let mut latest = versions::latest_of(db, &ids).await?;
    let mut set = if node.field("labels").exists() {
        labels::list_of(db, &ids).await?
    } else {
        HashMap::new()
    };
    let authors: Vec<Uuid> = latest.values().filter_map(|v| v.created_by).collect();
    if node.field("latestVersion").field("author").exists() && !authors.is_empty() {
        ctx.loaders()?
            .users
            .load_many(authors)
            .await
            .map_err(crate::graphql::prompt::loader_error)?;
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            let preloaded = Preloaded {
                latest: latest.remove(&id),
                labels: set.remove(&id).unwrap_or_default(),
            };
            (id, preloaded)
        })
        .collect())
}

#[Object]
impl WorkflowQuery {
    /// The organization's workflows, most recently updated first. `search` matches name, slug
    /// and description (case-insensitive).
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn workflows(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<WorkflowConnection> {
        let app = ctx.app()?;
        let page = workflows::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
            search.as_deref(),
        )
        .await?;
        let mut connection = WorkflowConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            WorkflowConnectionFields {
                total_count: page.total,
            },
        );
        let mut preloaded = prefetch(ctx, &page.workflows).await?;
        connection.edges.extend(page.workflows.into_iter().map(|w| {
            let cursor = workflows::cursor(&w);
            let id = w.id;
            let mut node = Workflow::from(w);
            node.preloaded = preloaded.remove(&id).map(Arc::new);
            Edge::new(cursor, node)
        }));
        Ok(connection)
    }

    /// A workflow by id: null with NOT_FOUND when there is none the caller may read.
    async fn workflow(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Workflow>> {
        let app = ctx.app()?;
        let found = workflows::authorized(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("id", &id)?,
            permissions::WORKFLOW_READ,
        )
        .await?;
        Ok(Some(found.into()))
    }

    /// Checks a definition as saving it as a version will (needs `workflow:write`): every
    /// problem at once, each naming its node — a cycle with its path, an edge to an unknown
    /// node, duplicate keys, a template reading a node that is not upstream, an expression
    /// that does not parse, a prompt not in the organization, a map without an array source,
    /// a node that can never run. A malformed input (a DEFAULT policy without its output, an
    /// id that is not one) is BAD_USER_INPUT instead.
    async fn validate_workflow(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        definition: WorkflowDefinitionInput,
    ) -> async_graphql::Result<WorkflowValidation> {
        let app = ctx.app()?;
        let org = parse_id("orgId", &org_id)?;
        let definition = definition.into_definition()?;
        let checked =
            workflow::check_definition(&app.db, &app.authz, ctx.actor()?, org, definition).await?;
        Ok(checked.into())
    }
}
