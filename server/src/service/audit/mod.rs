//! Reading the audit log, newest first, a page at a time.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::pages;
use entities::audit_event;

/// A page of the log: up to `first` events, whether more follow, and the log's length.
pub struct Page {
    pub events: Vec<audit_event::Model>,
    pub has_next: bool,
    pub total: u64,
}

/// Up to `first` events older than `after` (an event id).
#[tracing::instrument(skip_all, fields(org = %org))]
pub async fn page(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    first: u64,
    after: Option<Uuid>,
) -> AppResult<Page> {
    authz.require(actor, org, permissions::AUDIT_READ).await?;
    pages::check_first(first)?;
    let all = audit_event::Entity::find().filter(audit_event::Column::OrgId.eq(org));
    let total = all.clone().count(conn).await?;
    let mut query = all.order_by_desc(audit_event::Column::Id).limit(first + 1);
    if let Some(after) = after {
        query = query.filter(audit_event::Column::Id.lt(after));
    }
    let (events, has_next) = pages::split(query.all(conn).await?, first);
    Ok(Page {
        events,
        has_next,
        total,
    })
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
