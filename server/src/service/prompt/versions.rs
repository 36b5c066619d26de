//! Prompt versions (immutable), labels, resolution by number or label, diff and render.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;
use workers::sandbox::Renderer;
use workers::templating::{self, ChatMessage, TemplateError};

use super::rows::{self, authorized, now, user_of};
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::pages;
use entities::{prompt, prompt_label, prompt_version};

pub const LATEST: &str = "latest";
const ROLES: [&str; 3] = ["system", "user", "assistant"];
const MAX_MESSAGES: usize = 100;
const MAX_CONTENT_CHARS: usize = 100_000;

/// The model settings of a version: one format, shared with the workers that run it.
pub use workers::llm::ModelConfig;

pub struct VersionInput {
    pub messages: Vec<ChatMessage>,
    pub model: ModelConfig,
    pub commit_message: Option<String>,
}

/// A version input that passed every check; `variables` come from parsing its templates.
pub struct ValidVersion {
    messages: Vec<ChatMessage>,
    model: ModelConfig,
    commit_message: String,
    variables: Vec<String>,
}

fn template_error(error: TemplateError) -> AppError {
    AppError::validation(match error {
        TemplateError::Syntax { .. } => format!("template does not parse: {error}"),
        TemplateError::MissingVariables(_) => error.to_string(),
        TemplateError::Render { .. } => format!("template failed to render: {error}"),
        TemplateError::Limits(_) => format!("template stopped: {error}"),
        TemplateError::Busy(_) => {
            crate::metrics::rate_limited("template_renders_per_org");
            return AppError::RateLimited { retry_after: 1 };
        }
        TemplateError::Sandbox(_) => return AppError::internal(anyhow::anyhow!("{error}")),
    })
}

/// `validate` on the blocking pool: parsing long templates is CPU work that must not hold a
/// runtime thread, nor happen inside a write transaction (call it before beginning one).
pub async fn validate_off_thread(input: VersionInput) -> AppResult<ValidVersion> {
    tokio::task::spawn_blocking(move || validate(input))
        .await
        .map_err(AppError::internal)?
}

pub fn validate(input: VersionInput) -> AppResult<ValidVersion> {
    if input.messages.is_empty() || input.messages.len() > MAX_MESSAGES {
        return Err(AppError::validation(format!(
            "a version has 1 to {MAX_MESSAGES} messages"
        )));
    }
    for (i, m) in input.messages.iter().enumerate() {
        if !ROLES.contains(&m.role.as_str()) {
            return Err(AppError::validation(format!(
                "message {}: role must be system, user or assistant",
                i + 1
            )));
        }
        if m.content.chars().count() > MAX_CONTENT_CHARS {
            return Err(AppError::validation(format!(
                "message {}: at most {MAX_CONTENT_CHARS} characters",
                i + 1
            )));
        }
    }
    let model = validate_model(input.model)?;
    let variables = templating::variables(&input.messages).map_err(template_error)?;
    let commit_message = input.commit_message.unwrap_or_default().trim().to_owned();
    if commit_message.chars().count() > 1000 {
        return Err(AppError::validation(
            "commitMessage must be at most 1000 characters",
        ));
    }
    Ok(ValidVersion {
        messages: input.messages,
        model,
        commit_message,
        variables,
    })
}

/// The checks every stored model configuration passes (a version's, or an execution's after
/// its per-run overrides); a null `extra` becomes `{}`.
pub fn validate_model(model: ModelConfig) -> AppResult<ModelConfig> {
    domain::name("model.provider", &model.provider, 64)?;
    domain::name("model.model", &model.model, 200)?;
    if model.temperature.is_some_and(|t| !(0.0..=2.0).contains(&t)) {
        return Err(AppError::validation(
            "model.temperature must be between 0 and 2",
        ));
    }
    if model.top_p.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        return Err(AppError::validation("model.topP must be between 0 and 1"));
    }
    if model
        .max_tokens
        .is_some_and(|n| !(1..=1_000_000).contains(&n))
    {
        return Err(AppError::validation(
            "model.maxTokens must be between 1 and 1000000",
        ));
    }
    if model.stop.len() > 16 {
        return Err(AppError::validation("model.stop has at most 16 sequences"));
    }
    if !(model.extra.is_null() || model.extra.is_object()) {
        return Err(AppError::validation("model.extra must be a JSON object"));
    }
    workers::llm::check_extra(&model.provider, &model.extra).map_err(AppError::validation)?;
    Ok(ModelConfig {
        extra: if model.extra.is_null() {
            Value::Object(Default::default())
        } else {
            model.extra
        },
        ..model
    })
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    prompt: &prompt::Model,
    number: i32,
    version: ValidVersion,
    actor: &Actor,
) -> AppResult<prompt_version::Model> {
    Ok(prompt_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        prompt_id: Set(prompt.id),
        org_id: Set(prompt.org_id),
        version: Set(number),
        messages: Set(to_json(&version.messages)?),
        model_config: Set(to_json(&version.model)?),
        variables: Set(to_json(&version.variables)?),
        commit_message: Set(version.commit_message),
        created_by: Set(user_of(actor)),
        created_by_api_key: Set(rows::api_key_of(actor)),
        created_at: Set(now()),
    }
    .insert(conn)
    .await?)
}

fn to_json<T: Serialize>(value: &T) -> AppResult<Value> {
    serde_json::to_value(value).map_err(AppError::internal)
}

/// Adds the next version (validated before the transaction began) to a prompt.
pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    prompt_id: Uuid,
    version: ValidVersion,
) -> AppResult<prompt_version::Model> {
    let prompt = authorized(conn, authz, actor, prompt_id, permissions::PROMPT_WRITE).await?;
    // Writing first takes the write lock (SQLite) or the row lock (PostgreSQL), so two
    // concurrent versions cannot both read the same maximum.
    rows::touch(conn, &prompt).await?;
    let number = latest(conn, prompt.id).await?.map_or(1, |v| v.version + 1);
    insert(conn, &prompt, number, version, actor).await
}

async fn latest(
    conn: &impl ConnectionTrait,
    prompt_id: Uuid,
) -> AppResult<Option<prompt_version::Model>> {
    Ok(prompt_version::Entity::find()
        .filter(prompt_version::Column::PromptId.eq(prompt_id))
        .order_by_desc(prompt_version::Column::Version)
        .one(conn)
        .await?)
}

/// A version by id, if `actor` may read prompts of its organization (versions of a deleted
/// prompt stay readable: executions refer to them).
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<prompt_version::Model> {
    let version = prompt_version::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("prompt version"))?;
    authz
        .require(actor, version.org_id, permissions::PROMPT_READ)
        .await
        .map_err(|e| e.not_found_as("prompt version"))?;
    Ok(version)
}

/// Which version: a number, a label (`latest` included), or — neither given — the newest.
pub enum Selector {
    Number(i32),
    Label(String),
    Latest,
}

impl Selector {
    pub fn from_args(version: Option<i32>, label: Option<String>) -> AppResult<Self> {
        match (version, label) {
            (Some(_), Some(_)) => Err(AppError::validation(
                "give either version or label, not both",
            )),
            (Some(n), None) => Ok(Selector::Number(n)),
            (None, Some(label)) if label == LATEST => Ok(Selector::Latest),
            (None, Some(label)) => Ok(Selector::Label(label)),
            (None, None) => Ok(Selector::Latest),
        }
    }
}

pub async fn resolve(
    conn: &impl ConnectionTrait,
    prompt_id: Uuid,
    selector: &Selector,
) -> AppResult<prompt_version::Model> {
    let number = match selector {
        Selector::Number(n) => *n,
        Selector::Latest => {
            return latest(conn, prompt_id)
                .await?
                .ok_or(AppError::NotFound("prompt version"));
        }
        Selector::Label(label) => {
            prompt_label::Entity::find_by_id((prompt_id, label.clone()))
                .one(conn)
                .await?
                .ok_or(AppError::NotFound("prompt label"))?
                .version
        }
    };
    prompt_version::Entity::find()
        .filter(prompt_version::Column::PromptId.eq(prompt_id))
        .filter(prompt_version::Column::Version.eq(number))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("prompt version"))
}

/// Versions newest first, `first` of them below version `before` (exclusive); whether more
/// follow; and how many versions the prompt has.
pub async fn page(
    conn: &impl ConnectionTrait,
    prompt_id: Uuid,
    first: u64,
    before: Option<i32>,
) -> AppResult<(Vec<prompt_version::Model>, bool, u64)> {
    pages::check_first(first)?;
    let mut query =
        prompt_version::Entity::find().filter(prompt_version::Column::PromptId.eq(prompt_id));
    let total = query.clone().count(conn).await?;
    if let Some(before) = before {
        query = query.filter(prompt_version::Column::Version.lt(before));
    }
    let rows = query
        .order_by_desc(prompt_version::Column::Version)
        .limit(first + 1)
        .all(conn)
        .await?;
    let (rows, more) = pages::split(rows, first);
    Ok((rows, more, total))
}

pub fn messages_of(version: &prompt_version::Model) -> AppResult<Vec<ChatMessage>> {
    serde_json::from_value(version.messages.clone()).map_err(AppError::internal)
}

pub fn model_of(version: &prompt_version::Model) -> AppResult<ModelConfig> {
    serde_json::from_value(version.model_config.clone()).map_err(AppError::internal)
}

/// Renders a version's messages with `variables`.
pub async fn render(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    prompt_id: Uuid,
    selector: &Selector,
    variables: &Value,
    renderer: &Renderer,
) -> AppResult<(prompt_version::Model, Vec<ChatMessage>)> {
    let prompt = authorized(conn, authz, actor, prompt_id, permissions::PROMPT_READ).await?;
    render_version(conn, &prompt, selector, variables, renderer).await
}

/// Renders the selected version of a prompt the caller was already authorized for.
pub async fn render_version(
    conn: &impl ConnectionTrait,
    prompt: &prompt::Model,
    selector: &Selector,
    variables: &Value,
    renderer: &Renderer,
) -> AppResult<(prompt_version::Model, Vec<ChatMessage>)> {
    let version = resolve(conn, prompt.id, selector).await?;
    let vars = match variables {
        Value::Object(map) => map.clone(),
        Value::Null => Default::default(),
        _ => return Err(AppError::validation("variables must be a JSON object")),
    };
    let messages = messages_of(&version)?;
    let rendered = renderer
        .render(prompt.org_id, &messages, &vars)
        .await
        .map_err(template_error)?;
    Ok((version, rendered))
}
