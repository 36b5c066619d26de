//! Workflows: checking a definition the way saving a version will (a read: no unit of
//! work, here); the workflow rows (`workflows`), their immutable versions, resolution and
//! export/import (`versions`), labels (`labels`), the commands that change them
//! (`commands`), and runs (`runs`).

mod commands;
pub mod labels;
pub mod runs;
pub mod versions;
pub mod workflows;

pub use commands::{
    NewWorkflow, VersionSource, create_version, create_workflow, delete_workflow, remove_label,
    set_label, update_workflow,
};

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;
use workers::workflow::{Definition, Issue, Plan, validate};

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use entities::prompt;

/// Validates `definition` for `org`: its graph, templates and expressions, and that every
/// prompt it names is a live prompt of the organization. The analysis runs on the blocking
/// pool (it parses every template).
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn check_definition(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    definition: Definition,
) -> AppResult<Result<Plan, Vec<Issue>>> {
    authz
        .require(actor, org, permissions::WORKFLOW_WRITE)
        .await?;
    let named = definition.prompt_ids();
    let found: BTreeSet<Uuid> = if named.is_empty() {
        BTreeSet::new()
    } else {
        prompt::Entity::find()
            .select_only()
            .column(prompt::Column::Id)
            .filter(prompt::Column::OrgId.eq(org))
            .filter(prompt::Column::DeletedAt.is_null())
            .filter(prompt::Column::Id.is_in(named))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    tokio::task::spawn_blocking(move || validate(&definition, &|id| found.contains(&id)))
        .await
        .map_err(|error| AppError::Internal(anyhow::anyhow!("workflow validation: {error}")))
}
