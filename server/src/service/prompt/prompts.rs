//! Prompts: creation with version 1, metadata updates, soft deletion, and the paged,
//! searchable list ordered by last update.

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use super::rows::{api_key_of, authorized, now, user_of};
use super::versions::{self, ValidVersion};
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::{is_unique_violation, pages};
use entities::{prompt, prompt_tag, prompt_version};

const MAX_TAGS: usize = 20;

pub struct NewPrompt {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
    pub tags: Vec<String>,
    /// Version 1, validated before the transaction began.
    pub version: ValidVersion,
}

fn clean_tags(tags: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = domain::name("tag", tag, 32)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(AppError::validation(format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

async fn write_tags(
    conn: &impl ConnectionTrait,
    prompt: &prompt::Model,
    tags: &[String],
) -> AppResult<()> {
    prompt_tag::Entity::delete_many()
        .filter(prompt_tag::Column::PromptId.eq(prompt.id))
        .exec(conn)
        .await?;
    for tag in tags {
        prompt_tag::ActiveModel {
            prompt_id: Set(prompt.id),
            tag: Set(tag.clone()),
            org_id: Set(prompt.org_id),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    input: NewPrompt,
) -> AppResult<(prompt::Model, prompt_version::Model)> {
    authz.require(actor, org, permissions::PROMPT_WRITE).await?;
    let name = domain::name("name", &input.name, 200)?;
    let slug = match input.slug.as_deref() {
        Some(slug) => domain::identifier("slug", slug, 1, 64)?,
        None => {
            let derived = domain::slugify(&name, 64);
            if derived.is_empty() {
                return Err(AppError::validation(
                    "cannot derive a slug from this name; give one",
                ));
            }
            derived
        }
    };
    let tags = clean_tags(&input.tags)?;
    let description = domain::description(&input.description)?;
    let version = input.version;
    let conflict = || {
        AppError::Conflict(format!(
            "a prompt with the slug `{slug}` already exists in this organization"
        ))
    };
    let taken = prompt::Entity::find()
        .filter(prompt::Column::OrgId.eq(org))
        .filter(prompt::Column::Slug.eq(slug.as_str()))
        .filter(prompt::Column::DeletedAt.is_null())
        .one(conn)
        .await?;
    if taken.is_some() {
        return Err(conflict());
    }
    let at = now();
    let prompt = prompt::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name.clone()),
        slug: Set(slug.clone()),
        description: Set(description.clone()),
        tags: Set(serde_json::json!(tags)),
        search_text: Set(search_text(&name, &slug, &description)),
        created_by: Set(user_of(actor)),
        created_by_api_key: Set(api_key_of(actor)),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
    }
    .insert(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            conflict()
        } else {
            e.into()
        }
    })?;
    write_tags(conn, &prompt, &tags).await?;
    let first = versions::insert(conn, &prompt, 1, version, actor).await?;
    Ok((prompt, first))
}

fn search_text(name: &str, slug: &str, description: &str) -> String {
    format!("{name}\n{slug}\n{description}").to_lowercase()
}

pub struct PromptChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
}

pub async fn update(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    changes: PromptChanges,
) -> AppResult<prompt::Model> {
    let prompt = authorized(conn, authz, actor, id, permissions::PROMPT_WRITE).await?;
    let mut active: prompt::ActiveModel = prompt.clone().into();
    if let Some(name) = changes.name {
        active.name = Set(domain::name("name", &name, 200)?);
    }
    if let Some(text) = changes.description {
        active.description = Set(domain::description(&text)?);
    }
    let tags = changes.tags.map(|t| clean_tags(&t)).transpose()?;
    if let Some(tags) = &tags {
        active.tags = Set(serde_json::json!(tags));
        write_tags(conn, &prompt, tags).await?;
    }
    let name = active.name.as_ref().clone();
    let description = active.description.as_ref().clone();
    active.search_text = Set(search_text(&name, &prompt.slug, &description));
    active.updated_at = Set(now());
    Ok(active.update(conn).await?)
}

/// Hides the prompt from lists and reads; its versions stay (executions refer to them) and
/// its slug becomes free.
pub async fn delete(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<prompt::Model> {
    let prompt = authorized(conn, authz, actor, id, permissions::PROMPT_DELETE).await?;
    let mut active: prompt::ActiveModel = prompt.into();
    let at = now();
    active.deleted_at = Set(Some(at));
    active.updated_at = Set(at);
    Ok(active.update(conn).await?)
}

pub struct ListFilter {
    pub search: Option<String>,
    pub tag: Option<String>,
}

pub struct Page {
    pub prompts: Vec<prompt::Model>,
    pub has_next: bool,
    pub total: u64,
}

/// Opaque cursor: the sort key (updated_at, id) of the last prompt seen.
pub fn cursor(prompt: &prompt::Model) -> String {
    pages::encode_cursor(prompt.updated_at, prompt.id)
}

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
    authz.require(actor, org, permissions::PROMPT_READ).await?;
    pages::check_first(first)?;
    let mut query = prompt::Entity::find()
        .filter(prompt::Column::OrgId.eq(org))
        .filter(prompt::Column::DeletedAt.is_null());
    if let Some(pattern) = pages::search_pattern(filter.search.as_deref()) {
        query = query.filter(
            Expr::col(prompt::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        query = query.filter(
            prompt::Column::Id.in_subquery(
                Query::select()
                    .column(prompt_tag::Column::PromptId)
                    .from(prompt_tag::Entity)
                    .and_where(prompt_tag::Column::OrgId.eq(org))
                    .and_where(prompt_tag::Column::Tag.eq(tag))
                    .to_owned(),
            ),
        );
    }
    let total = query.clone().count(conn).await?;
    let key = (prompt::Column::UpdatedAt, prompt::Column::Id);
    let (prompts, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        prompts,
        has_next,
        total,
    })
}
