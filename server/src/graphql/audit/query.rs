//! `auditEvents`.

use async_graphql::connection::{Connection, Edge, EmptyFields};

use crate::graphql::TotalCount;
use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use super::AuditEvent;
use crate::error::AppError;
use crate::graphql::{ContextExt, parse_id};
use crate::service::audit as audit_log;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The organization's audit log, newest first (owners and admins).
    #[graphql(complexity = "crate::graphql::cost::page(first, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent, TotalCount, EmptyFields>> {
        let app = ctx.app()?;
        let after = after
            .map(|cursor| {
                Uuid::parse_str(&cursor)
                    .map_err(|_| AppError::validation("after is not a valid cursor"))
            })
            .transpose()?;
        let first = u64::try_from(first).unwrap_or(0);
        let page = audit_log::page(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
            first,
            after,
        )
        .await?;
        let mut connection = Connection::with_additional_fields(
            after.is_some(),
            page.has_next,
            TotalCount {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.events
                .into_iter()
                .map(|e| Edge::new(e.id.to_string(), AuditEvent::from(e))),
        );
        Ok(connection)
    }
}
