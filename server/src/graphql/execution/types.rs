//! Execution types as the API shows them, built from entities.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde_json::Value;
use uuid::Uuid;
use workers::execution::events::{EventKind, ExecutionEvent as Event};
use workers::templating::ChatMessage as Message;

use crate::graphql::ContextExt;
use crate::graphql::account::User;
use crate::graphql::prompt::{
    ChatMessage, ModelConfig, Prompt, PromptVersion, types::author, types::loader_error,
};
use crate::graphql::provider::Provider;
use crate::service::prompt::versions::ModelConfig as StoredModel;
use entities::execution;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ExecutionStatus {
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl ExecutionStatus {
    pub fn parse(status: &str) -> Self {
        match status {
            "RUNNING" => Self::Running,
            "SUCCEEDED" => Self::Succeeded,
            "FAILED" => Self::Failed,
            "CANCELLED" => Self::Cancelled,
            _ => Self::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// Why the model stopped.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum FinishReason {
    /// The model finished its answer.
    Stop,
    /// Cut by the token limit (`maxTokens`): the output is incomplete.
    Length,
    /// Withheld or cut by the provider's content filter.
    ContentFilter,
    /// The model stopped to call tools.
    ToolCalls,
    /// Another reason the provider gave.
    Other,
}

impl FinishReason {
    pub fn parse(stored: &str) -> Option<Self> {
        use workers::llm::FinishReason as Stored;
        Some(match Stored::parse(stored)? {
            Stored::Stop => Self::Stop,
            Stored::Length => Self::Length,
            Stored::ContentFilter => Self::ContentFilter,
            Stored::ToolCalls => Self::ToolCalls,
            Stored::Other => Self::Other,
        })
    }
}

/// One run of one prompt version.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Execution {
    pub id: ID,
    pub org_id: ID,
    pub status: ExecutionStatus,
    pub variables: Json<Value>,
    pub rendered_messages: Vec<ChatMessage>,
    #[graphql(skip)]
    pub model_config: Value,
    /// The whole completion, once SUCCEEDED.
    pub output: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    /// From the configured price table; 0 for a cache hit, null for an unpriced model.
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i32>,
    pub time_to_first_token_ms: Option<i32>,
    /// Served from the response cache.
    pub cached: bool,
    /// Times a worker claimed it (more than 1 after a worker died mid-run).
    pub attempts: i32,
    pub error: Option<String>,
    /// Why the model stopped, once SUCCEEDED (null when the provider did not say). LENGTH means
    /// the output was cut by the token limit.
    pub finish_reason: Option<FinishReason>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub prompt_id: Uuid,
    #[graphql(skip)]
    pub version_id: Uuid,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
}

fn clamp(ms: Option<i64>) -> Option<i32> {
    ms.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

impl From<execution::Model> for Execution {
    fn from(e: execution::Model) -> Self {
        let messages: Vec<Message> =
            serde_json::from_value(e.rendered_messages).unwrap_or_default();
        Self {
            model_config: e.model_config,
            id: ID(e.id.to_string()),
            org_id: ID(e.org_id.to_string()),
            status: ExecutionStatus::parse(&e.status),
            variables: Json(e.variables),
            rendered_messages: messages.into_iter().map(ChatMessage::from).collect(),
            output: e.output,
            tokens_in: e.tokens_in,
            tokens_out: e.tokens_out,
            cost_usd: e.cost_usd,
            latency_ms: clamp(e.latency_ms),
            time_to_first_token_ms: clamp(e.time_to_first_token_ms),
            cached: e.cached,
            attempts: e.attempts,
            error: e.error,
            finish_reason: e.finish_reason.as_deref().and_then(FinishReason::parse),
            created_at: e.created_at,
            started_at: e.started_at,
            finished_at: e.finished_at,
            prompt_id: e.prompt_id,
            version_id: e.prompt_version_id,
            created_by: e.created_by,
        }
    }
}

#[ComplexObject]
impl Execution {
    /// The model settings it ran with: its version's, with any overrides given to
    /// `executePrompt` over them.
    async fn model(&self) -> async_graphql::Result<ModelConfig> {
        let stored: StoredModel = serde_json::from_value(self.model_config.clone())
            .map_err(crate::error::AppError::internal)?;
        Ok(stored.into())
    }

    /// The prompt it ran (null once the prompt was deleted).
    async fn prompt(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Prompt>> {
        let found = ctx
            .loaders()?
            .prompts
            .load_one(self.prompt_id)
            .await
            .map_err(loader_error)?;
        Ok(found.filter(|p| p.deleted_at.is_none()).map(Prompt::from))
    }

    /// The exact version it ran.
    async fn version(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PromptVersion>> {
        let found = ctx
            .loaders()?
            .versions
            .load_one(self.version_id)
            .await
            .map_err(loader_error)?;
        Ok(found.map(PromptVersion::from))
    }

    /// The user who started it (null when an API key did).
    async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }
}

#[derive(SimpleObject)]
pub struct ExecutionConnectionFields {
    pub total_count: u64,
}

pub type ExecutionConnection =
    Connection<String, Execution, ExecutionConnectionFields, EmptyFields>;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ExecutionEventType {
    /// An attempt began: show a fresh output from here (a retried attempt starts over).
    Started,
    Token,
    Completed,
    Failed,
    Cancelled,
}

impl From<EventKind> for ExecutionEventType {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::Started => Self::Started,
            EventKind::Token => Self::Token,
            EventKind::Completed => Self::Completed,
            EventKind::Failed => Self::Failed,
            EventKind::Cancelled => Self::Cancelled,
        }
    }
}

/// One event of an execution. `seq` increases strictly; resubscribe with `after: <last seq>`
/// to continue without a gap or a duplicate.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ExecutionEvent {
    pub seq: i64,
    #[graphql(name = "type")]
    pub kind: ExecutionEventType,
    /// TOKEN: the text of this chunk.
    pub token: Option<String>,
    /// TOKEN: its position in the attempt's output, from 0.
    pub index: Option<i32>,
    /// STARTED and TOKEN: which attempt (a retried execution starts over with a new one).
    pub attempt: Option<i32>,
    /// FAILED: why.
    pub error: Option<String>,
    #[graphql(skip)]
    pub execution_id: Uuid,
}

impl ExecutionEvent {
    pub fn new(execution_id: Uuid, seq: u64, event: Event) -> Self {
        Self {
            seq: i64::try_from(seq).unwrap_or(i64::MAX),
            kind: event.kind.into(),
            token: event.token,
            index: event.index.and_then(|i| i32::try_from(i).ok()),
            attempt: event.attempt,
            error: event.error,
            execution_id,
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(
            self.kind,
            ExecutionEventType::Completed
                | ExecutionEventType::Failed
                | ExecutionEventType::Cancelled
        )
    }
}

#[ComplexObject]
impl ExecutionEvent {
    /// The execution as it is now (select it on the terminal event for output and usage).
    /// A read the database fails for a moment is retried; if it keeps failing, the event
    /// still arrives with this field null and an UNAVAILABLE error.
    async fn execution(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Execution>> {
        let db = &ctx.app()?.db;
        let found = crate::graphql::transient::retried(|| async {
            execution::Entity::find_by_id(self.execution_id)
                .one(db)
                .await
                .map_err(crate::error::AppError::from)
        })
        .await?;
        Ok(found.map(Execution::from))
    }
}

/// An organization's stored key for a provider. The key itself is never returned.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ProviderCredential {
    pub id: ID,
    #[graphql(skip)]
    pub provider_name: String,
    /// The key's last four characters (empty for short keys).
    pub key_hint: String,
    pub base_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[ComplexObject]
impl ProviderCredential {
    async fn provider(&self) -> async_graphql::Result<Provider> {
        Ok(Provider::from_stored(&self.provider_name)?)
    }
}

impl From<entities::provider_credential::Model> for ProviderCredential {
    fn from(c: entities::provider_credential::Model) -> Self {
        Self {
            id: ID(c.id.to_string()),
            provider_name: c.provider,
            key_hint: c.key_hint,
            // Rows stored before base URLs were validated may carry a user name and password.
            base_url: c
                .base_url
                .as_deref()
                .map(workers::llm::egress::without_userinfo),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}
