//! `createPrompt`, `updatePrompt`, `deletePrompt`, `createPromptVersion`, `setPromptLabel`,
//! `removePromptLabel`.

use async_graphql::{Context, ID, Object};

use super::{
    CreatePromptInput, Prompt, PromptLabel, PromptVersion, PromptVersionInput, SetPromptLabelInput,
    UpdatePromptInput,
};
use crate::graphql::{ContextExt, parse_id};
use crate::service::prompt::{self, NewPrompt, prompts::PromptChanges};

#[derive(Default)]
pub struct PromptMutation;

#[Object]
impl PromptMutation {
    /// Creates a prompt and its version 1.
    async fn create_prompt(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: CreatePromptInput,
    ) -> async_graphql::Result<Prompt> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let new = NewPrompt {
            name: input.name,
            slug: input.slug,
            description: input.description,
            tags: input.tags,
            version: input.version.into(),
        };
        let request = ctx.request_context()?;
        let prompt = prompt::create_prompt(ctx.app()?, &request, actor, org, new).await?;
        ctx.forget_loaded();
        Ok(prompt.into())
    }

    /// Changes name, description or tags (versions never change).
    async fn update_prompt(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePromptInput,
    ) -> async_graphql::Result<Prompt> {
        let actor = ctx.actor()?;
        let changes = PromptChanges {
            name: input.name,
            description: input.description,
            tags: input.tags,
        };
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let prompt = prompt::update_prompt(ctx.app()?, &request, actor, id, changes).await?;
        ctx.forget_loaded();
        Ok(prompt.into())
    }

    /// Soft-deletes a prompt: hidden from lists and reads; its versions stay for history.
    async fn delete_prompt(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        prompt::delete_prompt(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(true)
    }

    /// Adds the next version; versions are immutable.
    async fn create_prompt_version(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        input: PromptVersionInput,
    ) -> async_graphql::Result<PromptVersion> {
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        let request = ctx.request_context()?;
        let version =
            prompt::create_version(ctx.app()?, &request, actor, prompt_id, input.into()).await?;
        ctx.forget_loaded();
        Ok(version.into())
    }

    /// Points `label` (`[a-z0-9-]{1,32}`, not `latest`) at a version: by number, or at the
    /// version `fromLabel` points at (`input: {label: "production", fromLabel: "staging"}`
    /// promotes). Moving `production` needs `prompt:deploy`.
    async fn set_prompt_label(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        input: SetPromptLabelInput,
    ) -> async_graphql::Result<PromptLabel> {
        let SetPromptLabelInput {
            label,
            version,
            from_label,
        } = input;
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let set =
            prompt::set_label(app, &request, actor, prompt_id, &label, version, from_label).await?;
        ctx.forget_loaded();
        Ok(set.into())
    }

    /// Removes a label (`latest` cannot be removed; `production` needs `prompt:deploy`).
    async fn remove_prompt_label(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        label: String,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        let request = ctx.request_context()?;
        prompt::remove_label(ctx.app()?, &request, actor, prompt_id, &label).await?;
        ctx.forget_loaded();
        Ok(true)
    }
}
