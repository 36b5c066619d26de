//! `auditEventAdded`: the organization's audit events as they are committed, in any process.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};

use super::AuditEvent;
use crate::audit::topic;
use crate::authz::permissions;
use crate::graphql::live::{Access, guarded};
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
        let app = ctx.app()?.clone();
        let caller = ctx.request()?.caller.clone();
        let org = parse_id("orgId", &org_id)?;
        app.authz
            .require(caller.actor()?, org, permissions::AUDIT_READ)
            .await?;
        let access = Access {
            app: app.clone(),
            caller: caller.clone(),
            org,
            permission: permissions::AUDIT_READ,
        };
        let notices = app.bus.subscribe(&topic(org));
        let events = notices
            .filter_map(|payload| async move {
                let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
                uuid::Uuid::parse_str(value.get("id")?.as_str()?).ok()
            })
            .then(move |id| {
                let app = app.clone();
                let caller = caller.clone();
                async move {
                    // Checked per event: the session may have expired since it subscribed.
                    let actor = caller.actor()?;
                    let event = audit_log::get(&app.db, &app.authz, actor, id).await?;
                    Ok::<_, async_graphql::Error>(AuditEvent::from(event))
                }
            });
        // The first refusal (access lost, session expired) is delivered and ends the stream.
        Ok(guarded(access, events))
    }
}
