//! The limits command: an owner sets the organization's limits (within the ceilings).

use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::settings::{self, Limits, LimitsChange};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::permissions;
use crate::error::AppResult;
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;

/// Applies `change` to `org`'s limits (needs `organization:manage`); returns the limits now in
/// force. Values above the configured ceilings are BAD_USER_INPUT.
#[instrument(skip_all, fields(org = %org))]
pub async fn set_limits(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    org: Uuid,
    change: LimitsChange,
) -> AppResult<Limits> {
    app.authz
        .require(actor, org, permissions::ORGANIZATION_MANAGE)
        .await?;
    let mut work = UnitOfWork::begin(app, request).await?;
    let row = settings::write(&work.txn, &app.config, org, &change).await?;
    let entry =
        AuditEntry::new(Some(org), "organization.limits_set", "organization", org).summary(json!({
            "requestsPerMinute": row.requests_per_minute,
            "apiKeyRequestsPerMinute": row.api_key_requests_per_minute,
            "monthlyExecutions": row.monthly_executions,
            "monthlyTokens": row.monthly_tokens,
            "executionsEnforcement": row.executions_enforcement,
            "tokensEnforcement": row.tokens_enforcement,
        }));
    work.audit(Some(actor), entry).await?;
    work.after_commit(move |app| {
        Box::pin(async move {
            app.limits.forget(org);
        })
    });
    work.commit().await?;
    Ok(settings::effective(&app.config, Some(&row)))
}
