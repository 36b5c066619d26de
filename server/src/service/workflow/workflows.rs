//! Workflow rows: the authorized lookup every part of the domain uses, creation, metadata
//! updates, soft deletion and the paged, searchable list ordered by last update. The lowest
//! module of the domain's CRUD: it uses none of its siblings.

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, Permission, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, now, user_of};
use crate::service::{is_unique_violation, pages};
use entities::workflow;

/// A live workflow that `actor` holds `permission` on; another organization's is NOT_FOUND.
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<workflow::Model> {
    let workflow = live(conn, id).await?;
    authz.require(actor, workflow.org_id, permission).await?;
    Ok(workflow)
}

/// A live (not deleted) workflow, whoever asks: the caller authorizes.
pub async fn live(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<workflow::Model> {
    workflow::Entity::find_by_id(id)
        .filter(workflow::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow"))
}

/// Marks the workflow as changed now (new version, label moved). Writing first also takes
/// the write lock (SQLite) or the row lock (PostgreSQL), so two concurrent changes of one
/// workflow run one after the other.
pub async fn touch(conn: &impl ConnectionTrait, workflow: &workflow::Model) -> AppResult<()> {
    workflow::Entity::update_many()
        .col_expr(workflow::Column::UpdatedAt, Expr::value(now()))
        .filter(workflow::Column::Id.eq(workflow.id))
        .exec(conn)
        .await?;
    Ok(())
}

pub struct NewWorkflow {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
}

fn search_text(name: &str, slug: &str, description: &str) -> String {
    format!("{name}\n{slug}\n{description}").to_lowercase()
}

/// Creates the workflow row (without versions).
pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    input: NewWorkflow,
) -> AppResult<workflow::Model> {
    authz
        .require(actor, org, permissions::WORKFLOW_WRITE)
        .await?;
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
    let description = domain::description(&input.description)?;
    let conflict = || {
        AppError::Conflict(format!(
            "a workflow with the slug `{slug}` already exists in this organization"
        ))
    };
    let taken = workflow::Entity::find()
        .filter(workflow::Column::OrgId.eq(org))
        .filter(workflow::Column::Slug.eq(slug.as_str()))
        .filter(workflow::Column::DeletedAt.is_null())
        .one(conn)
        .await?;
    if taken.is_some() {
        return Err(conflict());
    }
    let at = now();
    workflow::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name.clone()),
        slug: Set(slug.clone()),
        description: Set(description.clone()),
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
    })
}

pub struct WorkflowChanges {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// Changes name or description (versions never change; the slug stays).
pub async fn update(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    changes: WorkflowChanges,
) -> AppResult<workflow::Model> {
    let workflow = authorized(conn, authz, actor, id, permissions::WORKFLOW_WRITE).await?;
    let mut active: workflow::ActiveModel = workflow.clone().into();
    if let Some(name) = changes.name {
        active.name = Set(domain::name("name", &name, 200)?);
    }
    if let Some(text) = changes.description {
        active.description = Set(domain::description(&text)?);
    }
    let name = active.name.as_ref().clone();
    let description = active.description.as_ref().clone();
    active.search_text = Set(search_text(&name, &workflow.slug, &description));
    active.updated_at = Set(now());
    Ok(active.update(conn).await?)
}

/// Hides the workflow from lists and reads; its versions stay (runs refer to them) and its
/// slug becomes free.
pub async fn delete(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<workflow::Model> {
    let workflow = authorized(conn, authz, actor, id, permissions::WORKFLOW_DELETE).await?;
    let mut active: workflow::ActiveModel = workflow.into();
    let at = now();
    active.deleted_at = Set(Some(at));
    active.updated_at = Set(at);
    Ok(active.update(conn).await?)
}

pub struct Page {
    pub workflows: Vec<workflow::Model>,
    pub has_next: bool,
    pub total: u64,
}

/// Opaque cursor: the sort key (updated_at, id) of the last workflow seen.
pub fn cursor(workflow: &workflow::Model) -> String {
    pages::encode_cursor(workflow.updated_at, workflow.id)
}

/// The organization's live workflows, most recently updated first; `search` matches name,
/// slug and description (case-insensitive).
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn list(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    first: u64,
    after: Option<&str>,
    search: Option<&str>,
) -> AppResult<Page> {
    authz
        .require(actor, org, permissions::WORKFLOW_READ)
        .await?;
    pages::check_first(first)?;
    let mut query = workflow::Entity::find()
        .filter(workflow::Column::OrgId.eq(org))
        .filter(workflow::Column::DeletedAt.is_null());
    if let Some(pattern) = pages::search_pattern(search) {
        query = query.filter(
            Expr::col(workflow::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let total = query.clone().count(conn).await?;
    let key = (workflow::Column::UpdatedAt, workflow::Column::Id);
    let (workflows, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        workflows,
        has_next,
        total,
    })
}
