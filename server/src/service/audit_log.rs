//! Reading the audit log, newest first, a page at a time.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use entities::audit_event;

pub const MAX_PAGE: u64 = 100;

/// Up to `first` events older than `after` (an event id), plus whether more follow.
pub async fn page(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    first: u64,
    after: Option<Uuid>,
) -> AppResult<(Vec<audit_event::Model>, bool)> {
    authz.require(actor, org, permissions::AUDIT_READ).await?;
    if first == 0 || first > MAX_PAGE {
        return Err(AppError::validation(format!(
            "first must be between 1 and {MAX_PAGE}"
        )));
    }
    let mut query = audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.eq(org))
        .order_by_desc(audit_event::Column::Id)
        .limit(first + 1);
    if let Some(after) = after {
        query = query.filter(audit_event::Column::Id.lt(after));
    }
    let mut rows = query.all(conn).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

/// One event, if `actor` may read its organization's log.
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<audit_event::Model> {
    let event = audit_event::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("audit event"))?;
    let org = event.org_id.ok_or(AppError::NotFound("audit event"))?;
    authz.require(actor, org, permissions::AUDIT_READ).await?;
    Ok(event)
}
