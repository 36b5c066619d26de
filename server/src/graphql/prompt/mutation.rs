//! `createPrompt`, `updatePrompt`, `deletePrompt`, `createPromptVersion`, `setPromptLabel`,
//! `removePromptLabel`.

use async_graphql::{Context, ID, Object};
use serde_json::json;

use super::{
    CreatePromptInput, Prompt, PromptLabel, PromptVersion, PromptVersionInput, SetPromptLabelInput,
    UpdatePromptInput,
};
use crate::audit::AuditEntry;
use crate::error::AppError;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::prompt_versions::{self, Selector};
use crate::service::{prompt_labels, prompts};

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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let version = prompt_versions::validate_off_thread(input.version.into()).await?;
        let new = prompts::NewPrompt {
            name: input.name,
            slug: input.slug,
            description: input.description,
            tags: input.tags,
            version,
        };
        let mut work = UnitOfWork::begin(ctx).await?;
        let (prompt, _) = prompts::create(&work.txn, &app.authz, actor, org, new).await?;
        let entry = AuditEntry::new(Some(org), "prompt.create", "prompt", prompt.id)
            .summary(json!({ "name": prompt.name, "slug": prompt.slug }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(prompt.into())
    }

    /// Changes name, description or tags (versions never change).
    async fn update_prompt(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePromptInput,
    ) -> async_graphql::Result<Prompt> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let changes = prompts::PromptChanges {
            name: input.name,
            description: input.description,
            tags: input.tags,
        };
        let prompt =
            prompts::update(&work.txn, &app.authz, actor, parse_id("id", &id)?, changes).await?;
        let entry = AuditEntry::new(Some(prompt.org_id), "prompt.update", "prompt", prompt.id)
            .summary(json!({ "name": prompt.name, "tags": prompt.tags }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(prompt.into())
    }

    /// Soft-deletes a prompt: hidden from lists and reads; its versions stay for history.
    async fn delete_prompt(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let prompt = prompts::delete(&work.txn, &app.authz, actor, parse_id("id", &id)?).await?;
        let entry = AuditEntry::new(Some(prompt.org_id), "prompt.delete", "prompt", prompt.id)
            .summary(json!({ "slug": prompt.slug }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(true)
    }

    /// Adds the next version; versions are immutable.
    async fn create_prompt_version(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        input: PromptVersionInput,
    ) -> async_graphql::Result<PromptVersion> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        let valid = prompt_versions::validate_off_thread(input.into()).await?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let version =
            prompt_versions::create(&work.txn, &app.authz, actor, prompt_id, valid).await?;
        let entry = AuditEntry::new(
            Some(version.org_id),
            "prompt.version.create",
            "prompt_version",
            version.id,
        )
        .summary(json!({ "promptId": version.prompt_id, "version": version.version }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        if version.is_none() && from_label.is_none() {
            return Err(AppError::validation(
                "give the version, or fromLabel to copy another label",
            )
            .into());
        }
        let target = Selector::from_args(version, from_label)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (prompt, set) =
            prompt_labels::set_label(&work.txn, &app.authz, actor, prompt_id, &label, &target)
                .await?;
        let org = prompt.org_id;
        let entry = AuditEntry::new(Some(org), "prompt.label.set", "prompt", prompt_id)
            .summary(json!({ "label": set.name, "version": set.version }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(set.into())
    }

    /// Removes a label (`latest` cannot be removed; `production` needs `prompt:deploy`).
    async fn remove_prompt_label(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        label: String,
    ) -> async_graphql::Result<bool> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let prompt_id = parse_id("promptId", &prompt_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (prompt, removed) =
            prompt_labels::remove_label(&work.txn, &app.authz, actor, prompt_id, &label).await?;
        let org = prompt.org_id;
        let entry = AuditEntry::new(Some(org), "prompt.label.remove", "prompt", prompt_id)
            .summary(json!({ "label": removed.name, "version": removed.version }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(true)
    }
}
