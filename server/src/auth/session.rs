//! Sessions: one per login, with the same id as the login's refresh-token family. Access
//! tokens carry it as `sid`; logout and refresh-token reuse revoke it, and every request
//! checks it with one primary-key lookup — always current, on every process, with no cache to
//! invalidate (the same cost as an API key's lookup).

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::error::AppResult;
use entities::session;

/// Records session `id` of `user_id`, unless it exists (a login made before sessions were
/// recorded gets its row on its next refresh).
pub async fn ensure(conn: &impl ConnectionTrait, id: Uuid, user_id: Uuid) -> AppResult<()> {
    session::Entity::insert(session::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
    })
    .on_conflict_do_nothing_on([session::Column::Id])
    .exec(conn)
    .await?;
    Ok(())
}

/// Revokes a session (idempotent): its access tokens are refused from the next request on.
pub async fn revoke(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether session `id` exists and was not revoked.
pub async fn active(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<bool> {
    let revoked_at: Option<Option<chrono::DateTime<Utc>>> = session::Entity::find_by_id(id)
        .select_only()
        .column(session::Column::RevokedAt)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(matches!(revoked_at, Some(None)))
}
