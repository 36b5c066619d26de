//! Evaluations: runs of prompt and workflow versions over a dataset version, scored by
//! evaluators (inline or saved by name), their results and aggregates, and comparisons of two
//! runs with significance. The work itself is done by the workers' `evaluation_item` jobs.

pub mod compare;
pub mod evaluators;
pub mod results;
pub mod runs;
mod targets;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, Permission};
use crate::error::{AppError, AppResult};
use entities::dataset;

/// A live dataset `actor` holds `permission` on (in its organization); another organization's
/// is NOT_FOUND.
pub async fn dataset_of(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
    permission: Permission,
) -> AppResult<dataset::Model> {
    let found = dataset::Entity::find_by_id(id)
        .filter(dataset::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("dataset"))?;
    authz
        .require(actor, found.org_id, permission)
        .await
        .map_err(|error| error.not_found_as("dataset"))?;
    Ok(found)
}
