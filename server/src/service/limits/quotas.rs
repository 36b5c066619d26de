//! The monthly quotas: each `executePrompt` is counted in the transaction that writes the
//! execution — one conditional upsert of the month's usage row, so a HARD quota lets exactly
//! its number through whichever processes serve the requests — and the month's tokens (counted
//! by the workers as executions finish) are checked at the same time. A SOFT quota's overrun
//! is recorded once a month: a conditional update of the row's `warned` flag decides which
//! transaction writes the `quota.exceeded` audit event.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;
use workers::usage;

use super::settings::{Enforcement, Limits};
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::UnitOfWork;
use entities::organization_usage::{self, Column};

/// An organization's usage in one month.
#[derive(Debug, Clone)]
pub struct Usage {
    /// `year * 100 + month`.
    pub period: i32,
    pub starts_at: DateTime<Utc>,
    pub resets_at: DateTime<Utc>,
    pub executions: u64,
    pub tokens: u64,
}

/// `org`'s usage this month (needs `organization:read`).
pub async fn current(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Usage> {
    authz
        .require(actor, org, permissions::ORGANIZATION_READ)
        .await?;
    let now = Utc::now();
    let period = usage::period(now);
    let row = organization_usage::Entity::find_by_id((org, period))
        .one(conn)
        .await?;
    Ok(Usage {
        period,
        starts_at: usage::period_start(now),
        resets_at: usage::next_period_start(now),
        executions: row
            .as_ref()
            .map_or(0, |r| u64::try_from(r.executions).unwrap_or(0)),
        tokens: row
            .as_ref()
            .map_or(0, |r| u64::try_from(r.tokens).unwrap_or(0)),
    })
}

/// Seconds until the quotas reset (the next month, UTC).
fn until_reset(now: DateTime<Utc>) -> u64 {
    u64::try_from((usage::next_period_start(now) - now).num_seconds())
        .unwrap_or(0)
        .max(1)
}

fn exceeded(quota: &'static str, now: DateTime<Utc>) -> AppError {
    crate::metrics::quota_exceeded(quota, "hard");
    AppError::QuotaExceeded {
        quota,
        retry_after: until_reset(now),
    }
}

/// Counts one execution of `org` in `work`'s transaction, under `limits`: QUOTA_EXCEEDED (the
/// transaction then rolls back) when a HARD quota on executions or tokens is used up; a SOFT
/// one's first overrun of the month is written to the audit log.
pub async fn count_execution(
    work: &mut UnitOfWork<'_>,
    actor: &Actor,
    org: Uuid,
    limits: &Limits,
) -> AppResult<()> {
    let now = Utc::now();
    let period = usage::period(now);
    let executions_limit = i64::try_from(limits.monthly_executions).unwrap_or(i64::MAX);
    let tokens_limit = i64::try_from(limits.monthly_tokens).unwrap_or(i64::MAX);
    let hard_executions = (executions_limit > 0
        && limits.executions_enforcement == Enforcement::Hard)
        .then_some(executions_limit);
    if !usage::add(&work.txn, org, period, 1, 0, hard_executions).await? {
        return Err(exceeded("executions", now));
    }
    let soft_executions =
        executions_limit > 0 && limits.executions_enforcement == Enforcement::Soft;
    if tokens_limit == 0 && !soft_executions {
        return Ok(());
    }
    let Some(row) = organization_usage::Entity::find_by_id((org, period))
        .one(&work.txn)
        .await?
    else {
        return Ok(());
    };
    tokens_used_up(work, actor, &row, limits, now).await?;
    if soft_executions && row.executions > executions_limit && !row.executions_warned {
        let overrun = Overrun {
            quota: "executions",
            flag: Column::ExecutionsWarned,
            limit: executions_limit,
            used: row.executions,
        };
        warn_once(work, actor, org, period, overrun).await?;
    }
    Ok(())
}

/// Before work that spends tokens without being an execution of its own (a workflow run, an
/// evaluation run), in `work`'s transaction: QUOTA_EXCEEDED when `org`'s HARD token quota is
/// used up; a SOFT one's first overrun of the month is written to the audit log.
pub async fn check_tokens(
    work: &mut UnitOfWork<'_>,
    actor: &Actor,
    org: Uuid,
    limits: &Limits,
) -> AppResult<()> {
    if limits.monthly_tokens == 0 {
        return Ok(());
    }
    let now = Utc::now();
    let Some(row) = organization_usage::Entity::find_by_id((org, usage::period(now)))
        .one(&work.txn)
        .await?
    else {
        return Ok(());
    };
    tokens_used_up(work, actor, &row, limits, now).await
}

/// The token quota against `row` (this month's usage).
async fn tokens_used_up(
    work: &mut UnitOfWork<'_>,
    actor: &Actor,
    row: &organization_usage::Model,
    limits: &Limits,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let tokens_limit = i64::try_from(limits.monthly_tokens).unwrap_or(i64::MAX);
    if tokens_limit == 0 || row.tokens < tokens_limit {
        return Ok(());
    }
    match limits.tokens_enforcement {
        Enforcement::Hard => Err(exceeded("tokens", now)),
        Enforcement::Soft if !row.tokens_warned => {
            let overrun = Overrun {
                quota: "tokens",
                flag: Column::TokensWarned,
                limit: tokens_limit,
                used: row.tokens,
            };
            warn_once(work, actor, row.org_id, row.period, overrun).await
        }
        Enforcement::Soft => Ok(()),
    }
}

struct Overrun {
    quota: &'static str,
    flag: Column,
    limit: i64,
    used: i64,
}

/// Records a soft quota's overrun, if no other transaction recorded it this month.
async fn warn_once(
    work: &mut UnitOfWork<'_>,
    actor: &Actor,
    org: Uuid,
    period: i32,
    overrun: Overrun,
) -> AppResult<()> {
    let claimed = organization_usage::Entity::update_many()
        .col_expr(overrun.flag, Expr::value(true))
        .filter(Column::OrgId.eq(org))
        .filter(Column::Period.eq(period))
        .filter(overrun.flag.eq(false))
        .exec(&work.txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(());
    }
    crate::metrics::quota_exceeded(overrun.quota, "soft");
    let entry = AuditEntry::new(Some(org), "quota.exceeded", "organization", org).summary(json!({
        "quota": overrun.quota,
        "enforcement": "SOFT",
        "limit": overrun.limit,
        "used": overrun.used,
        "period": format!("{}-{:02}", period / 100, period % 100),
    }));
    work.audit(Some(actor), entry).await
}
