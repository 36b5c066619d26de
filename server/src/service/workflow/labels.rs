//! Workflow labels: named pointers at versions, exactly as prompts have them. `latest` is
//! implicit; `production` is a deployment and needs `workflow:deploy`.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait};
use sea_orm::{QueryFilter, QueryOrder};
use uuid::Uuid;

use super::versions::select;
use super::workflows::{authorized, touch};
use crate::auth::Actor;
use crate::authz::{Authz, Permission, permissions};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::service::authorship::{now, user_of};
use entities::{workflow, workflow_label};

pub const PRODUCTION: &str = "production";

fn label_permission(label: &str) -> Permission {
    if label == PRODUCTION {
        permissions::WORKFLOW_DEPLOY
    } else {
        permissions::WORKFLOW_WRITE
    }
}

/// The workflow whose `label` `actor` may move (`production` needs `workflow:deploy`),
/// locked: of two concurrent label changes, the second sees the first.
async fn lock_for_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    workflow_id: Uuid,
    label: &str,
) -> AppResult<workflow::Model> {
    let workflow = authorized(conn, authz, actor, workflow_id, permissions::WORKFLOW_READ).await?;
    authz
        .require(actor, workflow.org_id, label_permission(label))
        .await?;
    domain::label(label)?;
    touch(conn, &workflow).await?;
    Ok(workflow)
}

/// Points `label` at a version: by number, or where `from_label` points (promotion).
pub async fn set_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    workflow_id: Uuid,
    label: &str,
    version: Option<i32>,
    from_label: Option<&str>,
) -> AppResult<(workflow::Model, workflow_label::Model)> {
    if version.is_none() && from_label.is_none() {
        return Err(AppError::validation(
            "give the version, or fromLabel to copy another label",
        ));
    }
    let workflow = lock_for_label(conn, authz, actor, workflow_id, label).await?;
    let version = select(conn, workflow.id, version, from_label)
        .await?
        .version;
    workflow_label::Entity::delete_by_id((workflow.id, label.to_owned()))
        .exec(conn)
        .await?;
    let set = workflow_label::ActiveModel {
        workflow_id: Set(workflow.id),
        name: Set(label.to_owned()),
        version: Set(version),
        updated_by: Set(user_of(actor)),
        updated_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok((workflow, set))
}

/// Removes a label (`latest` cannot be removed); an unknown label is NOT_FOUND.
pub async fn remove_label(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    workflow_id: Uuid,
    label: &str,
) -> AppResult<(workflow::Model, workflow_label::Model)> {
    let workflow = lock_for_label(conn, authz, actor, workflow_id, label).await?;
    let existing = workflow_label::Entity::find_by_id((workflow.id, label.to_owned()))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow label"))?;
    workflow_label::Entity::delete_by_id((workflow.id, label.to_owned()))
        .exec(conn)
        .await?;
    Ok((workflow, existing))
}

/// The labels set on a workflow (not the implicit `latest`), by name.
pub async fn list(
    conn: &impl ConnectionTrait,
    workflow_id: Uuid,
) -> AppResult<Vec<workflow_label::Model>> {
    Ok(workflow_label::Entity::find()
        .filter(workflow_label::Column::WorkflowId.eq(workflow_id))
        .order_by_asc(workflow_label::Column::Name)
        .all(conn)
        .await?)
}

/// The labels set on each of `workflow_ids` (every one gets an entry), by name, in one
/// statement.
pub async fn list_of(
    conn: &impl ConnectionTrait,
    workflow_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<workflow_label::Model>>> {
    let rows = workflow_label::Entity::find()
        .filter(workflow_label::Column::WorkflowId.is_in(workflow_ids.iter().copied()))
        .order_by_asc(workflow_label::Column::Name)
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<workflow_label::Model>> =
        workflow_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        out.entry(row.workflow_id).or_default().push(row);
    }
    Ok(out)
}
