//! `prompts`, `prompt`, `promptVersion`, `diffPromptVersions`, `renderPrompt`.

use async_graphql::connection::Edge;
use async_graphql::{Context, ID, Json, Object};

use super::types::loader_error;
use super::{
    Prompt, PromptConnection, PromptConnectionFields, PromptDiff, PromptVersion, RenderedPrompt,
};
use crate::authz::permissions;
use crate::graphql::{ContextExt, parse_id};
use crate::service::prompt::versions::{self, Selector};
use crate::service::prompt::{prompts, rows};

#[derive(Default)]
pub struct PromptQuery;

/// Loads, in one batch per loader, what the selection asks of every prompt on the page.
async fn prefetch(
    ctx: &Context<'_>,
    page: &[entities::prompt::Model],
) -> async_graphql::Result<()> {
    let node = ctx.look_ahead().field("edges").field("node");
    let loaders = ctx.loaders()?;
    let ids = page.iter().map(|p| p.id);
    let mut authors: Vec<uuid::Uuid> = Vec::new();
    if node.field("author").exists() {
        authors.extend(page.iter().filter_map(|p| p.created_by));
    }
    if node.field("latestVersion").exists() || node.field("labels").exists() {
        let latest = loaders
            .latest
            .load_many(ids.clone())
            .await
            .map_err(loader_error)?;
        if node.field("latestVersion").field("author").exists() {
            authors.extend(latest.values().filter_map(|v| v.created_by));
        }
    }
    if node.field("labels").exists() {
        loaders.labels.load_many(ids).await.map_err(loader_error)?;
    }
    if !authors.is_empty() {
        loaders
            .users
            .load_many(authors)
            .await
            .map_err(loader_error)?;
    }
    Ok(())
}

#[Object]
impl PromptQuery {
    /// The organization's prompts, most recently updated first. `search` matches name, slug and
    /// description (case-insensitive); `tag` keeps prompts carrying it.
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn prompts(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        search: Option<String>,
        tag: Option<String>,
    ) -> async_graphql::Result<PromptConnection> {
        let app = ctx.app()?;
        let page = prompts::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            u64::try_from(first).unwrap_or(0),
            after.as_deref(),
            prompts::ListFilter { search, tag },
        )
        .await?;
        prefetch(ctx, &page.prompts).await?;
        let mut connection = PromptConnection::with_additional_fields(
            after.is_some(),
            page.has_next,
            PromptConnectionFields {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.prompts
                .into_iter()
                .map(|p| Edge::new(prompts::cursor(&p), Prompt::from(p))),
        );
        Ok(connection)
    }

    /// A prompt by id: null with NOT_FOUND when there is none the caller may read.
    async fn prompt(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Prompt>> {
        let app = ctx.app()?;
        let (actor, id) = (ctx.actor()?, parse_id("id", &id)?);
        let selection = ctx.look_ahead();
        if !(selection.field("latestVersion").exists() || selection.field("labels").exists()) {
            let prompt =
                rows::authorized(&app.db, &app.authz, actor, id, permissions::PROMPT_READ).await?;
            return Ok(Some(prompt.into()));
        }
        // The newest version comes with the prompt: one statement, not two.
        let (prompt, latest) =
            rows::authorized_with_latest(&app.db, &app.authz, actor, id, permissions::PROMPT_READ)
                .await?;
        if let Some(latest) = latest {
            ctx.loaders()?.latest.feed_one(prompt.id, latest).await;
        }
        Ok(Some(prompt.into()))
    }

    /// A version by id: null with NOT_FOUND when there is none the caller may read.
    async fn prompt_version(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<PromptVersion>> {
        let app = ctx.app()?;
        let version =
            versions::get(&app.db, &app.authz, ctx.actor()?, parse_id("id", &id)?).await?;
        Ok(Some(version.into()))
    }

    /// What changed from version `a` to version `b` (ids; they may belong to different prompts).
    async fn diff_prompt_versions(
        &self,
        ctx: &Context<'_>,
        a: ID,
        b: ID,
    ) -> async_graphql::Result<PromptDiff> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let va = versions::get(&app.db, &app.authz, actor, parse_id("a", &a)?).await?;
        let vb = versions::get(&app.db, &app.authz, actor, parse_id("b", &b)?).await?;
        Ok(PromptDiff::between(va, vb).await?)
    }

    /// Renders a version (by number or label; the newest when neither is given) with
    /// `variables`. Every variable the templates use must be given; extra ones are ignored.
    async fn render_prompt(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        version: Option<i32>,
        label: Option<String>,
        variables: Option<Json<serde_json::Value>>,
    ) -> async_graphql::Result<RenderedPrompt> {
        let app = ctx.app()?;
        let selector = Selector::from_args(version, label)?;
        let variables = variables.map_or(serde_json::Value::Null, |j| j.0);
        let (version, messages) = versions::render(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("promptId", &prompt_id)?,
            &selector,
            &variables,
            &app.renderer,
        )
        .await?;
        Ok(RenderedPrompt {
            version: version.into(),
            messages: messages.into_iter().map(Into::into).collect(),
        })
    }
}
