//! Input types of the prompt operations.

use async_graphql::{InputObject, Json};
use workers::templating::ChatMessage as Message;

use super::types::MessageRole;
use crate::graphql::provider::Provider;
use crate::service::prompt::versions::{ModelConfig as Config, VersionInput};

#[derive(InputObject)]
pub struct ChatMessageInput {
    pub role: MessageRole,
    /// A minijinja template: `{{ name }}`, filters, `{% if %}`, `{% for %}`.
    pub content: String,
}

#[derive(InputObject)]
pub struct ModelConfigInput {
    pub provider: Provider,
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

impl From<ChatMessageInput> for Message {
    fn from(m: ChatMessageInput) -> Self {
        Message {
            role: m.role.as_str().to_owned(),
            content: m.content,
        }
    }
}

impl From<ModelConfigInput> for Config {
    fn from(model: ModelConfigInput) -> Self {
        Config {
            provider: model.provider.as_str().to_owned(),
            model: model.model,
            temperature: model.temperature,
            max_tokens: model.max_tokens,
            top_p: model.top_p,
            stop: model.stop.unwrap_or_default(),
            extra: model.extra.map_or(serde_json::Value::Null, |j| j.0),
        }
    }
}

impl From<PromptVersionInput> for VersionInput {
    fn from(input: PromptVersionInput) -> Self {
        VersionInput {
            messages: input.messages.into_iter().map(Message::from).collect(),
            model: input.model.into(),
            commit_message: input.commit_message,
        }
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

/// Where `setPromptLabel` points a label: at a version number, or at the version another
/// label points at (`fromLabel`, to promote).
#[derive(InputObject)]
pub struct SetPromptLabelInput {
    /// `[a-z0-9-]{1,32}`, not `latest`.
    pub label: String,
    pub version: Option<i32>,
    pub from_label: Option<String>,
}

/// A version of a known prompt: by number or by label (`latest` when neither is given).
#[derive(InputObject)]
pub struct VersionSelector {
    pub number: Option<i32>,
    pub label: Option<String>,
}
