//! Executions: render a prompt version (before any transaction: rendering is slow), then write
//! the execution with its job in one short transaction (the worker does the rest); read them,
//! list them, cancel them.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::Value;
use uuid::Uuid;
use workers::execution::{self as job_kind, CANCELLED};
use workers::jobs;
use workers::pii::Masker;
use workers::pii::vault::{self, Mapping};
use workers::sandbox::Renderer;
use workers::templating::ChatMessage;

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::pages;
use crate::service::prompt::rows;
use crate::service::prompt::versions::{self, ModelConfig, Selector};
use entities::{execution, job};

pub struct ExecuteInput {
    pub prompt_id: Uuid,
    pub selector: Selector,
    pub variables: Value,
    pub cache: bool,
    /// Settings for this run only, over the version's (the playground's overrides).
    pub overrides: ModelOverrides,
}

/// Per-run model settings: each one given replaces the version's (`extra` as a whole); the
/// provider stays the version's.
#[derive(Default)]
pub struct ModelOverrides {
    pub model: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<i32>,
    pub top_p: Option<f64>,
    pub stop: Option<Vec<String>>,
    pub extra: Option<Value>,
}

impl ModelOverrides {
    /// The version's configuration with these settings over it, checked as a version's is.
    pub fn apply(self, stored: &Value) -> AppResult<Value> {
        let mut config =
            serde_json::from_value::<ModelConfig>(stored.clone()).map_err(AppError::internal)?;
        if let Some(model) = self.model {
            config.model = model;
        }
        if self.temperature.is_some() {
            config.temperature = self.temperature;
        }
        if self.max_tokens.is_some() {
            config.max_tokens = self.max_tokens;
        }
        if self.top_p.is_some() {
            config.top_p = self.top_p;
        }
        if let Some(stop) = self.stop {
            config.stop = stop;
        }
        if let Some(extra) = self.extra {
            config.extra = extra;
        }
        serde_json::to_value(versions::validate_model(config)?).map_err(AppError::internal)
    }

    fn is_empty(&self) -> bool {
        self.model.is_none()
            && self.temperature.is_none()
            && self.max_tokens.is_none()
            && self.top_p.is_none()
            && self.stop.is_none()
            && self.extra.is_none()
    }
}

/// An authorized, rendered execution, ready to be written.
pub struct Prepared {
    org_id: Uuid,
    prompt_id: Uuid,
    version: entities::prompt_version::Model,
    rendered: Vec<ChatMessage>,
    variables: Value,
    cache: bool,
    /// The version's model configuration, with the run's overrides over it.
    model_config: Value,
}

impl Prepared {
    /// The organization the execution belongs to.
    pub fn org_id(&self) -> Uuid {
        self.org_id
    }

    /// Whether the run's model settings differ from its version's (per-run overrides).
    pub fn overridden(&self) -> bool {
        self.model_config != self.version.model_config
    }

    /// Masks the variables and the rendered messages with one numbering (the same value is
    /// the same placeholder in both); returns the placeholder → original map for the vault.
    pub fn mask(&mut self, masker: &Masker) -> Mapping {
        let mut session = masker.session();
        session.mask_json(&mut self.variables);
        for message in &mut self.rendered {
            message.content = session.mask(&message.content).text;
        }
        session.mapping()
    }
}

/// Authorizes and renders (template errors are BAD_USER_INPUT, here and now). Call it before
/// the write transaction: a render waits for a sandbox slot and may take seconds, and no
/// write lock or pooled transaction may be held meanwhile.
pub async fn prepare(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    renderer: &Renderer,
    input: ExecuteInput,
) -> AppResult<Prepared> {
    let prompt = rows::authorized(
        conn,
        authz,
        actor,
        input.prompt_id,
        permissions::PROMPT_READ,
    )
    .await?;
    authz
        .require(actor, prompt.org_id, permissions::EXECUTION_EXECUTE)
        .await?;
    let (version, rendered) =
        versions::render_version(conn, &prompt, &input.selector, &input.variables, renderer)
            .await?;
    let model_config = if input.overrides.is_empty() {
        version.model_config.clone()
    } else {
        input.overrides.apply(&version.model_config)?
    };
    Ok(Prepared {
        model_config,
        org_id: prompt.org_id,
        prompt_id: prompt.id,
        version,
        rendered,
        variables: match input.variables {
            Value::Null => Value::Object(Default::default()),
            other => other,
        },
        cache: input.cache,
    })
}

/// Writes the PENDING execution and its job. The caller commits, then hands the job to the
/// queue.
pub async fn insert(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    prepared: Prepared,
    max_attempts: i32,
) -> AppResult<(execution::Model, job::Model)> {
    let Prepared {
        org_id,
        prompt_id,
        version,
        rendered,
        variables,
        cache,
        model_config,
    } = prepared;
    let id = Uuid::now_v7();
    let execution = execution::ActiveModel {
        id: Set(id),
        org_id: Set(org_id),
        prompt_id: Set(prompt_id),
        prompt_version_id: Set(version.id),
        status: Set(job_kind::PENDING.to_owned()),
        variables: Set(variables),
        rendered_messages: Set(serde_json::to_value(&rendered).map_err(AppError::internal)?),
        model_config: Set(model_config),
        use_cache: Set(cache),
        output: Set(None),
        tokens_in: Set(None),
        tokens_out: Set(None),
        cost_usd: Set(None),
        latency_ms: Set(None),
        time_to_first_token_ms: Set(None),
        cached: Set(false),
        attempts: Set(0),
        error: Set(None),
        finish_reason: Set(None),
        created_by: Set(match actor {
            Actor::User { id } => Some(*id),
            Actor::ApiKey { .. } => None,
        }),
        created_by_api_key: Set(rows::api_key_of(actor)),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        finished_at: Set(None),
    }
    .insert(conn)
    .await?;
    let job = jobs::insert(conn, org_id, job_kind::KIND, id, max_attempts).await?;
    Ok((execution, job))
}

/// An execution `actor` may read; another organization's is NOT_FOUND.
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<execution::Model> {
    let found = execution::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("execution"))?;
    authz
        .require(actor, found.org_id, permissions::EXECUTION_READ)
        .await
        .map_err(|e| e.not_found_as("execution"))?;
    Ok(found)
}

/// Cancels a PENDING or RUNNING execution. Returns the row and whether this call cancelled it
/// (false: it had already finished, and is returned unchanged).
pub async fn cancel(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(execution::Model, bool)> {
    let found = get(conn, authz, actor, id).await?;
    authz
        .require(actor, found.org_id, permissions::EXECUTION_EXECUTE)
        .await?;
    if job_kind::is_terminal(&found.status) {
        return Ok((found, false));
    }
    // Both updates are conditional: a worker that finished meanwhile (its commit came first)
    // keeps its result, and this call reports the execution as it is.
    jobs::cancel(conn, job_kind::KIND, id).await?;
    let cancelled = execution::Entity::update_many()
        .col_expr(execution::Column::Status, Expr::value(CANCELLED))
        .col_expr(execution::Column::Error, Expr::value("cancelled"))
        .col_expr(execution::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(execution::Column::Id.eq(id))
        .filter(execution::Column::Status.is_in([job_kind::PENDING, job_kind::RUNNING]))
        .exec(conn)
        .await?
        .rows_affected
        == 1;
    if cancelled {
        vault::delete(conn, id).await?;
    }
    let now = execution::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("execution"))?;
    Ok((now, cancelled))
}

pub struct ListFilter {
    pub prompt_id: Option<Uuid>,
    pub status: Option<String>,
    /// Whether to count the matching rows (`Page::total`, 0 otherwise).
    pub count: bool,
}

pub struct Page {
    pub executions: Vec<execution::Model>,
    pub has_next: bool,
    pub total: u64,
}

pub fn cursor(execution: &execution::Model) -> String {
    pages::encode_cursor(execution.created_at, execution.id)
}

/// Execution `id` as stored, unauthorized: for a feed whose subscribers were authorized for
/// its organization (`orgExecutionUpdates`).
pub async fn read(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<execution::Model>, sea_orm::DbErr> {
    execution::Entity::find_by_id(id).one(conn).await
}

/// Newest first.
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    first: u64,
    after: Option<&str>,
    filter: ListFilter,
) -> AppResult<Page> {
    authz
        .require(actor, org, permissions::EXECUTION_READ)
        .await?;
    let mut query = execution::Entity::find().filter(execution::Column::OrgId.eq(org));
    if let Some(prompt) = filter.prompt_id {
        query = query.filter(execution::Column::PromptId.eq(prompt));
    }
    if let Some(status) = filter.status {
        query = query.filter(execution::Column::Status.eq(status));
    }
    let total = if filter.count {
        query.clone().count(conn).await?
    } else {
        0
    };
    let key = (execution::Column::CreatedAt, execution::Column::Id);
    let (executions, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        executions,
        has_next,
        total,
    })
}
