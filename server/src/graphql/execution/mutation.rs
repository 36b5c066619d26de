//! `executePrompt`, `cancelExecution`, `setProviderCredential`, `deleteProviderCredential`.

use async_graphql::{Context, ID, InputObject, Json, Object};
use serde_json::{Value, json};
use workers::execution::events::{self, EventKind, ExecutionEvent};

use super::{Execution, ProviderCredential};
use crate::audit::AuditEntry;
use crate::graphql::provider::Provider;
use crate::graphql::{ContextExt, UnitOfWork, parse_id};
use crate::service::prompt_versions::Selector;
use crate::service::{credentials, executions};

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
        } = input;
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let input = executions::ExecuteInput {
            prompt_id: parse_id("promptId", &prompt_id)?,
            selector: Selector::from_args(version, label)?,
            variables: variables.map(|v| v.0).unwrap_or(Value::Null),
            cache,
        };
        // Rendering first, outside the transaction: it may wait for a sandbox slot.
        let prepared =
            executions::prepare(&app.db, &app.authz, actor, &app.renderer, input).await?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (execution, job) = executions::execute(
            &work.txn,
            actor,
            prepared,
            app.config.job_max_attempts.max(1),
        )
        .await?;
        let entry = AuditEntry::new(
            Some(execution.org_id),
            "execution.create",
            "execution",
            execution.id,
        )
        .summary(
            json!({ "promptId": execution.prompt_id, "versionId": execution.prompt_version_id }),
        );
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        // After the commit: a worker must find the row. If the queue is down, the job waits
        // unpublished and the reconciler hands it over when the queue is back.
        app.runtime.enqueue(job.id).await;
        events::announce(&app.bus, execution.org_id, execution.id, &execution.status).await;
        Ok(execution.into())
    }

    /// Cancels a PENDING or RUNNING execution (its stream is aborted). A finished execution is
    /// returned unchanged.
    async fn cancel_execution(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Execution> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let (execution, cancelled) =
            executions::cancel(&work.txn, &app.authz, actor, parse_id("id", &id)?).await?;
        if cancelled {
            let entry = AuditEntry::new(
                Some(execution.org_id),
                "execution.cancel",
                "execution",
                execution.id,
            );
            work.audit(Some(actor), entry).await?;
        }
        work.commit().await?;
        if cancelled {
            app.runtime.broadcast_cancel(execution.id).await;
            let event = ExecutionEvent::new(EventKind::Cancelled);
            if let Err(error) = events::append(&app.bus, execution.id, &event, 0).await {
                tracing::warn!(%error, "could not publish a cancellation event");
            }
            events::announce(&app.bus, execution.org_id, execution.id, &execution.status).await;
        }
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
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let input = credentials::CredentialInput {
            org: parse_id("orgId", &org_id)?,
            provider: provider.as_str().to_owned(),
            api_key,
            base_url,
        };
        let stored = credentials::set(
            &work.txn,
            &app.authz,
            actor,
            &app.runtime.ctx.completion.sealer,
            &app.runtime.ctx.completion.llm.http.egress,
            input,
        )
        .await?;
        let entry = AuditEntry::new(
            Some(stored.org_id),
            "credential.set",
            "provider_credential",
            stored.id,
        )
        .summary(json!({ "provider": stored.provider, "baseUrl": stored.base_url }));
        work.audit(Some(actor), entry).await?;
        work.commit().await?;
        Ok(stored.into())
    }

    /// Removes the organization's key for a provider; false when there was none.
    async fn delete_provider_credential(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        provider: Provider,
    ) -> async_graphql::Result<bool> {
        let app = ctx.app()?;
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let mut work = UnitOfWork::begin(ctx).await?;
        let deleted =
            credentials::delete(&work.txn, &app.authz, actor, org, provider.as_str()).await?;
        if deleted {
            let entry = AuditEntry::new(Some(org), "credential.delete", "provider_credential", org)
                .summary(json!({ "provider": provider.as_str() }));
            work.audit(Some(actor), entry).await?;
        }
        work.commit().await?;
        Ok(deleted)
    }
}
