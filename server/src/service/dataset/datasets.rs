//! Dataset rows: the authorized lookup every part of the domain uses, creation, metadata
//! updates, soft deletion, the paged, searchable list, and the lock a change takes first.
//! The lowest module of the domain: it uses none of its siblings.

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
use entities::dataset;

/// A live dataset that `actor` holds `permission` on; another organization's is NOT_FOUND.
pub async fn authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<dataset::Model> {
    let dataset = live(conn, id).await?;
    authz.require(actor, dataset.org_id, permission).await?;
    Ok(dataset)
}

/// A live (not deleted) dataset, whoever asks: the caller authorizes.
pub async fn live(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<dataset::Model> {
    dataset::Entity::find_by_id(id)
        .filter(dataset::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("dataset"))
}

/// Takes the dataset's write lock (SQLite) or row lock (PostgreSQL) by writing it, then
/// reads it again: two concurrent changes of one dataset run one after the other, and the
/// second sees the first's version number and ordinals.
pub async fn lock(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<dataset::Model> {
    dataset::Entity::update_many()
        .col_expr(dataset::Column::UpdatedAt, Expr::value(now()))
        .filter(dataset::Column::Id.eq(id))
        .filter(dataset::Column::DeletedAt.is_null())
        .exec(conn)
        .await?;
    live(conn, id).await
}

pub struct NewDataset {
    pub name: String,
    pub slug: Option<String>,
    pub description: String,
}

fn search_text(name: &str, slug: &str, description: &str) -> String {
    format!("{name}\n{slug}\n{description}").to_lowercase()
}

/// Creates the dataset row, empty (version 0).
pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    input: NewDataset,
) -> AppResult<dataset::Model> {
    authz
        .require(actor, org, permissions::DATASET_WRITE)
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
            "a dataset with the slug `{slug}` already exists in this organization"
        ))
    };
    let taken = dataset::Entity::find()
        .filter(dataset::Column::OrgId.eq(org))
        .filter(dataset::Column::Slug.eq(slug.as_str()))
        .filter(dataset::Column::DeletedAt.is_null())
        .one(conn)
        .await?;
    if taken.is_some() {
        return Err(conflict());
    }
    let at = now();
    dataset::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(org),
        name: Set(name.clone()),
        slug: Set(slug.clone()),
        description: Set(description.clone()),
        search_text: Set(search_text(&name, &slug, &description)),
        latest_version: Set(0),
        item_count: Set(0),
        next_ordinal: Set(0),
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

pub struct DatasetChanges {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// Changes name or description: no new version (the items do not change; the slug stays).
pub async fn update(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    changes: DatasetChanges,
) -> AppResult<dataset::Model> {
    let dataset = authorized(conn, authz, actor, id, permissions::DATASET_WRITE).await?;
    let mut active: dataset::ActiveModel = dataset.clone().into();
    if let Some(name) = changes.name {
        active.name = Set(domain::name("name", &name, 200)?);
    }
    if let Some(text) = changes.description {
        active.description = Set(domain::description(&text)?);
    }
    let name = active.name.as_ref().clone();
    let description = active.description.as_ref().clone();
    active.search_text = Set(search_text(&name, &dataset.slug, &description));
    active.updated_at = Set(now());
    Ok(active.update(conn).await?)
}

/// Hides the dataset from lists and reads; its versions and items stay (evaluation runs
/// refer to them) and its slug becomes free.
pub async fn delete(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<dataset::Model> {
    let dataset = authorized(conn, authz, actor, id, permissions::DATASET_DELETE).await?;
    let mut active: dataset::ActiveModel = dataset.into();
    let at = now();
    active.deleted_at = Set(Some(at));
    active.updated_at = Set(at);
    Ok(active.update(conn).await?)
}

pub struct Page {
    pub datasets: Vec<dataset::Model>,
    pub has_next: bool,
    pub total: u64,
}

/// Opaque cursor: the sort key (updated_at, id) of the last dataset seen.
pub fn cursor(dataset: &dataset::Model) -> String {
    pages::encode_cursor(dataset.updated_at, dataset.id)
}

/// The organization's live datasets, most recently updated first; `search` matches name,
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
    authz.require(actor, org, permissions::DATASET_READ).await?;
    pages::check_first(first)?;
    let mut query = dataset::Entity::find()
        .filter(dataset::Column::OrgId.eq(org))
        .filter(dataset::Column::DeletedAt.is_null());
    if let Some(pattern) = pages::search_pattern(search) {
        query = query.filter(
            Expr::col(dataset::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let total = query.clone().count(conn).await?;
    let key = (dataset::Column::UpdatedAt, dataset::Column::Id);
    let (datasets, has_next) = pages::newest_first(conn, query, key, first, after).await?;
    Ok(Page {
        datasets,
        has_next,
        total,
    })
}
