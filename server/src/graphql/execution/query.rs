//! `execution`, `executions`, `providerCredentials`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Object};

use super::{
    Execution, ExecutionConnection, ExecutionConnectionFields, ExecutionStatus, ProviderCredential,
};
use crate::graphql::{ContextExt, parse_id};
use crate::service::execution::{credentials, executions};

#[derive(Default)]
pub struct ExecutionQuery;

#[Object]
impl ExecutionQuery {
    /// An execution by id: null with NOT_FOUND when there is none the caller may read.
    async fn execution(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Execution>> {
        let app = ctx.app()?;
        let found =
            executions::get(&app.db, &app.authz, ctx.actor()?, parse_id("id", &id)?).await?;
        Ok(Some(found.into()))
    }

    /// The organization's executions, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn executions(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        prompt_id: Option<ID>,
        status: Option<ExecutionStatus>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ExecutionConnection> {
        let app = ctx.app()?;
        let filter = executions::ListFilter {
            prompt_id: prompt_id
                .as_ref()
                .map(|id| parse_id("promptId", id))
                .transpose()?,
            status: status.map(|s| s.as_str().to_owned()),
            // Counting reads every matching row: only when asked for.
            count: ctx.look_ahead().field("totalCount").exists(),
        };
        let page = executions::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
            filter,
        )
        .await?;
        prefetch(ctx, &page.executions).await?;
        let mut connection = ExecutionConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            ExecutionConnectionFields {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.executions
                .into_iter()
                .map(|e| Edge::new(executions::cursor(&e), Execution::from(e))),
        );
        Ok(connection)
    }

    /// The organization's provider credentials (owners and admins). Keys are never returned.
    async fn provider_credentials(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<Vec<ProviderCredential>> {
        let app = ctx.app()?;
        let found = credentials::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
        )
        .await?;
        Ok(found.into_iter().map(ProviderCredential::from).collect())
    }
}

/// Loads what a page's executions point at and the selection asks for — prompts, versions,
/// authors — in one batch each, whatever the page size and however fast sibling fields
/// resolve.
async fn prefetch(
    ctx: &Context<'_>,
    executions: &[entities::execution::Model],
) -> async_graphql::Result<()> {
    let node = ctx.look_ahead().field("edges").field("node");
    let loaders = ctx.loaders()?;
    let error = |e: std::sync::Arc<sea_orm::DbErr>| crate::graphql::prompt::types::loader_error(e);
    if node.field("prompt").exists() {
        loaders
            .prompts
            .load_many(executions.iter().map(|e| e.prompt_id))
            .await
            .map_err(error)?;
    }
    if node.field("version").exists() {
        loaders
            .versions
            .load_many(executions.iter().map(|e| e.prompt_version_id))
            .await
            .map_err(error)?;
    }
    let authors = executions.iter().filter_map(|e| e.created_by);
    let version_authors = node.field("version").field("author").exists();
    if node.field("createdBy").exists() || version_authors {
        let mut ids: Vec<uuid::Uuid> = authors.collect();
        if version_authors {
            // What the versions just loaded point at.
            let versions = loaders
                .versions
                .load_many(executions.iter().map(|e| e.prompt_version_id))
                .await
                .map_err(error)?;
            ids.extend(versions.values().filter_map(|v| v.created_by));
        }
        loaders.users.load_many(ids).await.map_err(error)?;
    }
    Ok(())
}
