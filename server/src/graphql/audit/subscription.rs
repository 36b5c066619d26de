//! `auditEventAdded`: the organization's audit events as they are committed, in any process
//! (an organization feed, `graphql::feed`).

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;

use super::AuditEvent;
use crate::audit::topic;
use crate::authz::permissions;
use crate::graphql::feed::org_feed;
use crate::graphql::live::Access;
use crate::graphql::{ContextExt, parse_id};
use crate::service::audit as audit_log;

#[derive(Default)]
pub struct AuditSubscription;

#[Subscription]
impl AuditSubscription {
    /// New audit events of the organization (owners and admins). Every event is authorized
    /// again on delivery, and access is checked periodically while none comes: a caller who
    /// lost access or whose session expired receives one error, and the subscription completes.
    async fn audit_event_added(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<AuditEvent>> + use<>> {
        let org = parse_id("orgId", &org_id)?;
        let access = Access {
            app: ctx.app()?.clone(),
            caller: ctx.request()?.caller.clone(),
            org,
            permission: permissions::AUDIT_READ,
        };
        org_feed(access, &topic(org), |app, actor, id| async move {
            audit_log::get(&app.db, &app.authz, &actor, id).await
        })
        .await
    }
}
