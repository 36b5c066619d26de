//! `executePrompt`, `cancelExecution`, `setProviderCredential`, `deleteProviderCredential`.

use async_graphql::{Context, ID, InputObject, Json, Object};
use serde_json::Value;

use super::{Execution, ProviderCredential};
use crate::graphql::provider::Provider;
use crate::graphql::{ContextExt, parse_id};
use crate::service::execution::{
    self,
    credentials::CredentialInput,
    executions::{ExecuteInput, ModelOverrides},
};
use crate::service::prompt::versions::Selector;

#[derive(Default)]
pub struct ExecutionMutation;

/// Which version of the prompt to run, with what.
#[derive(InputObject, Default)]
pub struct ExecutePromptInput {
    /// A version number; give this or `label` (the latest version when neither).
    pub version: Option<i32>,
    pub label: Option<String>,
    /// The template's variables, a JSON object.
    pub variables: Option<Json<Value>>,
    /// Use the response cache (temperature 0 always does).
    #[graphql(default = false)]
    pub cache: bool,
    /// Settings for this run only, over the version's (the playground's overrides); checked
    /// as a version's are. The execution's `model` shows what it ran with.
    pub model: Option<ModelOverrideInput>,
}

/// Per-run model settings: each one given replaces the version's (`extra` as a whole). The
/// provider stays the version's.
#[derive(InputObject, Default)]
pub struct ModelOverrideInput {
    pub model: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    pub stop: Option<Vec<String>>,
    /// Provider-specific settings, a JSON object.
    pub extra: Option<Json<Value>>,
}

impl From<ModelOverrideInput> for ModelOverrides {
    fn from(o: ModelOverrideInput) -> Self {
        ModelOverrides {
            model: o.model,
            temperature: o.temperature,
            max_tokens: o.max_tokens,
            top_p: o.top_p,
            stop: o.stop,
            extra: o.extra.map(|j| j.0),
        }
    }
}

#[derive(InputObject)]
pub struct SetProviderCredentialInput {
    pub provider: Provider,
    /// Stored encrypted; only its last characters are ever shown.
    pub api_key: String,
    /// Another endpoint: required for openai-compatible servers.
    pub base_url: Option<String>,
}

#[Object]
impl ExecutionMutation {
    /// Renders the prompt (by `version` number or `label`; latest when neither) and queues its
    /// execution. Returns at once, PENDING; follow it with `executionEvents`. Template errors
    /// are BAD_USER_INPUT here. `cache: true` (or temperature 0) uses the response cache.
    async fn execute_prompt(
        &self,
        ctx: &Context<'_>,
        prompt_id: ID,
        #[graphql(default)] input: ExecutePromptInput,
    ) -> async_graphql::Result<Execution> {
        let ExecutePromptInput {
            version,
            label,
            variables,
            cache,
            model,
        } = input;
        let actor = ctx.actor()?;
        let input = ExecuteInput {
            prompt_id: parse_id("promptId", &prompt_id)?,
            selector: Selector::from_args(version, label)?,
            variables: variables.map(|v| v.0).unwrap_or(Value::Null),
            cache,
            overrides: model.map(ModelOverrides::from).unwrap_or_default(),
        };
        let request = ctx.request_context()?;
        let execution = execution::execute(ctx.app()?, &request, actor, input).await?;
        ctx.forget_loaded();
        Ok(execution.into())
    }

    /// Cancels a PENDING or RUNNING execution (its stream is aborted). A finished execution is
    /// returned unchanged.
    async fn cancel_execution(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Execution> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let request = ctx.request_context()?;
        let execution = execution::cancel_execution(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(execution.into())
    }

    /// Stores the organization's key for `openai`, `anthropic` or `openai-compatible`
    /// (encrypted; replaces an earlier one). `baseUrl` points at another endpoint — required
    /// for openai-compatible servers (vLLM, Ollama, TGI, LM Studio).
    async fn set_provider_credential(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: SetProviderCredentialInput,
    ) -> async_graphql::Result<ProviderCredential> {
        let SetProviderCredentialInput {
            provider,
            api_key,
            base_url,
        } = input;
        let actor = ctx.actor()?;
        let input = CredentialInput {
            org: parse_id("orgId", &org_id)?,
            provider: provider.as_str().to_owned(),
            api_key,
            base_url,
        };
        let request = ctx.request_context()?;
        let stored = execution::set_credential(ctx.app()?, &request, actor, input).await?;
        ctx.forget_loaded();
        Ok(stored.into())
    }

    /// Removes the organization's key for a provider; false when there was none.
    async fn delete_provider_credential(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        provider: Provider,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let deleted =
            execution::delete_credential(app, &request, actor, org, provider.as_str()).await?;
        ctx.forget_loaded();
        Ok(deleted)
    }
}
