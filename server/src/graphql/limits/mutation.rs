//! `setOrganizationLimits`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use super::{OrganizationLimits, QuotaEnforcement};
use crate::graphql::{ContextExt, parse_id};
use crate::service::limits::{self, LimitsChange};

/// The limits to change. A field left out stays as it is; one set to null goes back to the
/// server's default. Values are 0 (unlimited, only when there is no ceiling) up to the
/// configured ceiling; more is BAD_USER_INPUT.
#[derive(InputObject, Default)]
pub struct SetOrganizationLimitsInput {
    pub requests_per_minute: MaybeUndefined<i64>,
    pub api_key_requests_per_minute: MaybeUndefined<i64>,
    pub monthly_executions: MaybeUndefined<i64>,
    pub monthly_tokens: MaybeUndefined<i64>,
    pub executions_enforcement: Option<QuotaEnforcement>,
    pub tokens_enforcement: Option<QuotaEnforcement>,
}

#[derive(Default)]
pub struct LimitsMutation;

#[Object]
impl LimitsMutation {
    /// Sets the organization's request rates and monthly quotas (owners: needs
    /// `organization:manage`). Returns the limits now in force.
    async fn set_organization_limits(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: SetOrganizationLimitsInput,
    ) -> async_graphql::Result<OrganizationLimits> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let change = LimitsChange {
            requests_per_minute: input.requests_per_minute,
            api_key_requests_per_minute: input.api_key_requests_per_minute,
            monthly_executions: input.monthly_executions,
            monthly_tokens: input.monthly_tokens,
            executions_enforcement: input.executions_enforcement.map(Into::into),
            tokens_enforcement: input.tokens_enforcement.map(Into::into),
        };
        let request = ctx.request_context()?;
        let app = ctx.app()?;
        let in_force = limits::set_limits(app, &request, actor, org, change).await?;
        ctx.forget_loaded();
        Ok(OrganizationLimits::new(in_force, &app.config))
    }
}
