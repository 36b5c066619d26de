//! Prompt types as the API shows them, built from entities (whose shape never leaks).

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use workers::templating::ChatMessage as Message;

use super::diff::PromptDiff;
use super::inputs::VersionSelector;
use crate::error::AppError;
use crate::graphql::account::User;
use crate::graphql::provider::Provider;
use crate::graphql::{ContextExt, TotalCount};
use crate::service::prompt::versions::{self, LATEST, ModelConfig as Config, Selector};
use entities::{prompt, prompt_label, prompt_version};

pub(crate) fn loader_error(error: std::sync::Arc<sea_orm::DbErr>) -> AppError {
    AppError::from_db(&error)
}

pub(crate) async fn author(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<User>> {
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
    pub(super) fn as_str(self) -> &'static str {
        match self {
            MessageRole::System => "system",
            MessageRole::User => "user",
            MessageRole::Assistant => "assistant",
        }
    }

    pub(super) fn parse(text: &str) -> Self {
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

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ModelConfig {
    #[graphql(skip)]
    pub provider_name: String,
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    pub stop: Vec<String>,
    pub extra: Json<serde_json::Value>,
}

#[ComplexObject]
impl ModelConfig {
    async fn provider(&self) -> async_graphql::Result<Provider> {
        Ok(Provider::from_stored(&self.provider_name)?)
    }
}

impl From<Config> for ModelConfig {
    fn from(c: Config) -> Self {
        Self {
            provider_name: c.provider,
            model: c.model,
            temperature: c.temperature,
            max_tokens: c.max_tokens,
            top_p: c.top_p,
            stop: c.stop,
            extra: Json(c.extra),
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
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
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
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, PromptVersion, TotalCount, EmptyFields>> {
        let app = ctx.app()?;
        let before = after
            .map(|c| {
                c.parse::<i32>()
                    .map_err(|_| AppError::validation("after is not a valid cursor"))
            })
            .transpose()?;
        let (rows, more, total) = versions::page(
            &app.db,
            self.uuid,
            u64::try_from(first).unwrap_or(0),
            before,
        )
        .await?;
        let mut connection = Connection::with_additional_fields(
            before.is_some(),
            more,
            TotalCount { total_count: total },
        );
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
            versions::resolve(&app.db, self.uuid, &Selector::from_args(a.number, a.label)?).await?;
        let vb =
            versions::resolve(&app.db, self.uuid, &Selector::from_args(b.number, b.label)?).await?;
        Ok(PromptDiff::between(va, vb).await?)
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
        Ok(versions::resolve(&app.db, self.uuid, &selector)
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
        let messages: Vec<Message> = versions::messages_of(&m).unwrap_or_default();
        let model = versions::model_of(&m).unwrap_or_else(|_| Config {
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

#[derive(SimpleObject)]
pub struct PromptConnectionFields {
    /// Prompts matching the filters, over all pages.
    pub total_count: u64,
}

pub type PromptConnection = Connection<String, Prompt, PromptConnectionFields, EmptyFields>;

#[derive(SimpleObject)]
pub struct RenderedPrompt {
    pub version: PromptVersion,
    pub messages: Vec<ChatMessage>,
}
