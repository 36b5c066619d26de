//! `updateRetentionPolicy`, `restoreArchive`.

use async_graphql::{Context, ID, InputObject, Object};

use super::{Archive, RetentionPolicy};
use crate::graphql::{ContextExt, parse_id};
use crate::service::retention;
use crate::service::retention::policies::PolicyChange;

#[derive(InputObject)]
pub struct RetentionPolicyInput {
    /// Days finished executions, workflow runs and evaluation runs are kept (within the
    /// deployment's bounds); unchanged when absent.
    pub retention_days: Option<i32>,
    /// Days audit events are kept: at least `retentionDays`; unchanged when absent.
    pub audit_retention_days: Option<i32>,
}

#[derive(InputObject)]
pub struct RestoreArchiveInput {
    pub archive_id: ID,
}

#[derive(Default)]
pub struct RetentionMutation;

#[Object]
impl RetentionMutation {
    /// Sets the organization's retention periods (owners: `retention:manage`). The next daily
    /// sweep applies them.
    async fn update_retention_policy(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: RetentionPolicyInput,
    ) -> async_graphql::Result<RetentionPolicy> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let change = PolicyChange {
            retention_days: input.retention_days,
            audit_retention_days: input.audit_retention_days,
        };
        let updated = retention::update_policy(ctx.app()?, &request, actor, org, change).await?;
        ctx.forget_loaded();
        Ok(updated.into())
    }

    /// Brings an archive back for reading (`archive:read`): its file is fetched from the
    /// archive store and checked against its manifest (SHA-256, row count), and
    /// `archiveRecords` then reads it for `PROMPTOPS_ARCHIVE_RESTORE_HOURS` (24 by default).
    /// The rows do not return to the live tables. CONFLICT when the file is missing or
    /// damaged.
    async fn restore_archive(
        &self,
        ctx: &Context<'_>,
        input: RestoreArchiveInput,
    ) -> async_graphql::Result<Archive> {
        let actor = ctx.actor()?;
        let id = parse_id("archiveId", &input.archive_id)?;
        let request = ctx.request_context()?;
        let restored = retention::restore_archive(ctx.app()?, &request, actor, id).await?;
        ctx.forget_loaded();
        Ok(restored.into())
    }
}
