//! Prompt types as the API shows them, built from entities (whose shape never leaks).

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Json, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use workers::templating::ChatMessage as Message;

use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::graphql::account::User;
use crate::service::prompt_diff;
use crate::service::prompt_versions::{
    self, LATEST, ModelConfig as Config, Selector, VersionInput,
};
use entities::{prompt, prompt_label, prompt_version};

pub(super) fn loader_error(error: std::sync::Arc<sea_orm::DbErr>) -> AppError {
    AppError::internal(anyhow::anyhow!("loader: {error}"))
}

async fn author(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    let user = ctx
        .loaders()?
        .users
        .load_one(id)
        .await
        .map_err(loader_error)?;
    Ok(user.map(User::from))
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MessageRole {
    System,
    User,
    Assistant,
}

impl MessageRole {
    fn as_str(self) -> &'static str {
        match self {
            MessageRole::System => "system",
            MessageRole::User => "user",
            MessageRole::Assistant => "assistant",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "system" => MessageRole::System,
            "assistant" => MessageRole::Assistant,
            _ => MessageRole::User,
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct ChatMessage {
    pub role: MessageRole,
    pub content: String,
}

impl From<Message> for ChatMessage {
    fn from(m: Message) -> Self {
        Self {
            role: MessageRole::parse(&m.role),
            content: m.content,
        }
    }
}

#[derive(InputObject)]
pub struct ChatMessageInput {
    pub role: MessageRole,
    /// A minijinja template: `{{ name }}`, filters, `{% if %}`, `{% for %}`.
    pub content: String,
}

#[derive(SimpleObject, Clone)]
pub struct ModelConfig {
    pub provider: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    pub stop: Vec<String>,
    pub extra: Json<serde_json::Value>,
}

impl From<Config> for ModelConfig {
    fn from(c: Config) -> Self {
        Self {
            provider: c.provider,
            model: c.model,
            temperature: c.temperature,
            max_tokens: c.max_tokens,
            top_p: c.top_p,
            stop: c.stop,
            extra: Json(c.extra),
        }
    }
}

#[derive(InputObject)]
pub struct ModelConfigInput {
    /// `openai`, `anthropic`, `mock`, …
    pub provider: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    pub stop: Option<Vec<String>>,
    /// Provider-specific settings, a JSON object.
    pub extra: Option<Json<serde_json::Value>>,
}

#[derive(InputObject)]
pub struct PromptVersionInput {
    pub messages: Vec<ChatMessageInput>,
    pub model: ModelConfigInput,
    pub commit_message: Option<String>,
}

impl From<PromptVersionInput> for VersionInput {
    fn from(input: PromptVersionInput) -> Self {
        VersionInput {
            messages: input
                .messages
                .into_iter()
                .map(|m| Message {
                    role: m.role.as_str().to_owned(),
                    content: m.content,
                })
                .collect(),
            model: Config {
                provider: input.model.provider,
                model: input.model.model,
                temperature: input.model.temperature,
                max_tokens: input.model.max_tokens,
                top_p: input.model.top_p,
                stop: input.model.stop.unwrap_or_default(),
                extra: input.model.extra.map_or(serde_json::Value::Null, |j| j.0),
            },
            commit_message: input.commit_message,
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Prompt {
    pub id: ID,
    pub org_id: ID,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when an API key, not a user, created it.
    pub author_api_key_id: Option<ID>,
    #[graphql(skip)]
    pub uuid: Uuid,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
}

impl From<prompt::Model> for Prompt {
    fn from(m: prompt::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            org_id: ID(m.org_id.to_string()),
            name: m.name,
            slug: m.slug,
            description: m.description,
            tags: serde_json::from_value(m.tags).unwrap_or_default(),
            created_at: m.created_at,
            updated_at: m.updated_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            uuid: m.id,
            created_by: m.created_by,
        }
    }
}

#[derive(SimpleObject)]
pub struct PromptLabel {
    /// `latest` always points at the newest version.
    pub name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<prompt_label::Model> for PromptLabel {
    fn from(m: prompt_label::Model) -> Self {
        Self {
            name: m.name,
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

#[ComplexObject]
impl Prompt {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }

    async fn latest_version(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PromptVersion>> {
        let version = ctx
            .loaders()?
            .latest
            .load_one(self.uuid)
            .await
            .map_err(loader_error)?;
        Ok(version.map(PromptVersion::from))
    }

    /// Labels and the versions they point at, `latest` first.
    async fn labels(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PromptLabel>> {
        let loaders = ctx.loaders()?;
        let latest = loaders.latest.load_one(self.uuid);
        let labels = loaders.labels.load_one(self.uuid);
        let (latest, labels) = futures_util::try_join!(latest, labels).map_err(loader_error)?;
        let mut out: Vec<PromptLabel> = latest
            .map(|v| PromptLabel {
                name: LATEST.into(),
                version: v.version,
                updated_at: v.created_at,
            })
            .into_iter()
            .collect();
        out.extend(
            labels
                .unwrap_or_default()
                .into_iter()
                .map(PromptLabel::from),
        );
        Ok(out)
    }

    /// Versions, newest first.
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, PromptVersion, EmptyFields, EmptyFields>> {
        let app = ctx.app()?;
        let before = after
            .map(|c| {
                c.parse::<i32>()
                    .map_err(|_| AppError::validation("after is not a valid cursor"))
            })
            .transpose()?;
        let (rows, more) = prompt_versions::page(
            &app.db,
            self.uuid,
            u64::try_from(first).unwrap_or(0),
            before,
        )
        .await?;
        let mut connection = Connection::new(before.is_some(), more);
        connection.edges.extend(
            rows.into_iter()
                .map(|v| Edge::new(v.version.to_string(), PromptVersion::from(v))),
        );
        Ok(connection)
    }

    /// What changed from version `a` to version `b` of this prompt, each chosen by number or
    /// label (`diff(a: {label: "production"}, b: {label: "staging"})`).
    async fn diff(
        &self,
        ctx: &Context<'_>,
        a: VersionSelector,
        b: VersionSelector,
    ) -> async_graphql::Result<PromptDiff> {
        let app = ctx.app()?;
        let va =
            prompt_versions::resolve(&app.db, self.uuid, &Selector::from_args(a.number, a.label)?)
                .await?;
        let vb =
            prompt_versions::resolve(&app.db, self.uuid, &Selector::from_args(b.number, b.label)?)
                .await?;
        Ok(PromptDiff::between(va, vb)?)
    }

    /// One version, by number or by label (`latest` when neither is given).
    async fn version(
        &self,
        ctx: &Context<'_>,
        number: Option<i32>,
        label: Option<String>,
    ) -> async_graphql::Result<PromptVersion> {
        let app = ctx.app()?;
        let selector = Selector::from_args(number, label)?;
        Ok(prompt_versions::resolve(&app.db, self.uuid, &selector)
            .await?
            .into())
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct PromptVersion {
    pub id: ID,
    pub prompt_id: ID,
    pub version: i32,
    pub messages: Vec<ChatMessage>,
    pub model: ModelConfig,
    /// The variables the templates use, detected by parsing them.
    pub variables: Vec<String>,
    pub commit_message: String,
    pub created_at: DateTime<Utc>,
    /// Set when an API key, not a user, created it.
    pub author_api_key_id: Option<ID>,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
}

impl From<prompt_version::Model> for PromptVersion {
    fn from(m: prompt_version::Model) -> Self {
        let messages: Vec<Message> = prompt_versions::messages_of(&m).unwrap_or_default();
        let model = prompt_versions::model_of(&m).unwrap_or_else(|_| Config {
            provider: String::new(),
            model: String::new(),
            temperature: None,
            max_tokens: None,
            top_p: None,
            stop: Vec::new(),
            extra: serde_json::Value::Null,
        });
        Self {
            id: ID(m.id.to_string()),
            prompt_id: ID(m.prompt_id.to_string()),
            version: m.version,
            messages: messages.into_iter().map(ChatMessage::from).collect(),
            model: model.into(),
            variables: serde_json::from_value(m.variables).unwrap_or_default(),
            commit_message: m.commit_message,
            created_at: m.created_at,
            author_api_key_id: m.created_by_api_key.map(|id| ID(id.to_string())),
            created_by: m.created_by,
        }
    }
}

#[ComplexObject]
impl PromptVersion {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        author(ctx, self.created_by).await
    }
}

#[derive(InputObject)]
pub struct CreatePromptInput {
    pub name: String,
    /// `[a-z0-9-]`, unique in the organization; derived from the name when absent.
    pub slug: Option<String>,
    #[graphql(default)]
    pub description: String,
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Version 1.
    pub version: PromptVersionInput,
}

#[derive(InputObject)]
pub struct UpdatePromptInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct PromptConnectionFields {
    /// Prompts matching the filters, over all pages.
    pub total_count: u64,
}

pub type PromptConnection = Connection<String, Prompt, PromptConnectionFields, EmptyFields>;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DiffStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum HunkKind {
    Added,
    Removed,
    Unchanged,
}

#[derive(SimpleObject)]
pub struct DiffHunk {
    pub kind: HunkKind,
    pub lines: Vec<String>,
}

#[derive(SimpleObject)]
pub struct MessageDiff {
    /// 1-based position; messages are compared position by position.
    pub index: i32,
    pub role_a: Option<MessageRole>,
    pub role_b: Option<MessageRole>,
    pub status: DiffStatus,
    pub hunks: Vec<DiffHunk>,
}

impl From<prompt_diff::MessageDiff> for MessageDiff {
    fn from(d: prompt_diff::MessageDiff) -> Self {
        Self {
            index: i32::try_from(d.index).unwrap_or(i32::MAX),
            role_a: d.role_a.as_deref().map(MessageRole::parse),
            role_b: d.role_b.as_deref().map(MessageRole::parse),
            status: match d.status {
                prompt_diff::MessageStatus::Added => DiffStatus::Added,
                prompt_diff::MessageStatus::Removed => DiffStatus::Removed,
                prompt_diff::MessageStatus::Changed => DiffStatus::Changed,
                prompt_diff::MessageStatus::Unchanged => DiffStatus::Unchanged,
            },
            hunks: d
                .hunks
                .into_iter()
                .map(|h| DiffHunk {
                    kind: match h.kind {
                        prompt_diff::HunkKind::Added => HunkKind::Added,
                        prompt_diff::HunkKind::Removed => HunkKind::Removed,
                        prompt_diff::HunkKind::Unchanged => HunkKind::Unchanged,
                    },
                    lines: h.lines,
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject)]
pub struct ModelChange {
    /// `provider`, `model`, `temperature`, `maxTokens`, `topP`, `stop` or `extra`.
    pub field: String,
    pub before: Json<serde_json::Value>,
    pub after: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct PromptDiff {
    pub a: PromptVersion,
    pub b: PromptVersion,
    pub messages: Vec<MessageDiff>,
    pub model_changes: Vec<ModelChange>,
}

impl PromptDiff {
    pub fn between(a: prompt_version::Model, b: prompt_version::Model) -> AppResult<Self> {
        let messages = prompt_diff::messages(
            &prompt_versions::messages_of(&a)?,
            &prompt_versions::messages_of(&b)?,
        );
        let model_changes = prompt_diff::model(
            &prompt_versions::model_of(&a)?,
            &prompt_versions::model_of(&b)?,
        );
        Ok(Self {
            a: a.into(),
            b: b.into(),
            messages: messages.into_iter().map(Into::into).collect(),
            model_changes: model_changes
                .into_iter()
                .map(|c| ModelChange {
                    field: c.field.to_owned(),
                    before: Json(c.before),
                    after: Json(c.after),
                })
                .collect(),
        })
    }
}

/// A version of a known prompt: by number or by label (`latest` when neither is given).
#[derive(InputObject)]
pub struct VersionSelector {
    pub number: Option<i32>,
    pub label: Option<String>,
}

#[derive(SimpleObject)]
pub struct RenderedPrompt {
    pub version: PromptVersion,
    pub messages: Vec<ChatMessage>,
}
