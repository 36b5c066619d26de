//! An organization's monthly usage counters (`organization_usage`): one row per organization
//! and calendar month (UTC), incremented inside the transaction that creates an execution or
//! writes its result — so each is counted exactly once, by whichever process does it. The
//! server reads them for quotas and the usage API.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use entities::organization_usage::{self as usage, Column};

/// The month `at` falls in: `year * 100 + month`.
pub fn period(at: DateTime<Utc>) -> i32 {
    at.year() * 100 + i32::try_from(at.month()).unwrap_or(1)
}

/// When `at`'s month began (UTC).
pub fn period_start(at: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(at.year(), at.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(at)
}

/// When the month after `at`'s begins (UTC).
pub fn next_period_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if at.month() == 12 {
        (at.year() + 1, 1)
    } else {
        (at.year(), at.month() + 1)
    };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .unwrap_or(at)
}

/// Adds `executions` and `tokens` to `org`'s counters for `period`, creating its row. With
/// `only_if_executions_below`, nothing is added unless the month's executions are still below
/// that number — the check and the increment are one statement, so concurrent callers on any
/// process cannot both pass the last unit. Returns whether it was added.
pub async fn add(
    conn: &impl ConnectionTrait,
    org: Uuid,
    period: i32,
    executions: i64,
    tokens: i64,
    only_if_executions_below: Option<i64>,
) -> Result<bool, DbErr> {
    let row = usage::ActiveModel {
        org_id: Set(org),
        period: Set(period),
        executions: Set(executions),
        tokens: Set(tokens),
        executions_warned: Set(false),
        tokens_warned: Set(false),
    };
    let current = |c: Column| Expr::col((usage::Entity, c));
    let mut on_conflict = OnConflict::columns([Column::OrgId, Column::Period]);
    on_conflict
        .value(
            Column::Executions,
            current(Column::Executions).add(executions),
        )
        .value(Column::Tokens, current(Column::Tokens).add(tokens));
    if let Some(limit) = only_if_executions_below {
        if executions > limit {
            return Ok(false);
        }
        on_conflict.action_and_where(current(Column::Executions).lt(limit));
    }
    let added = usage::Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(conn)
        .await?;
    Ok(added > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 7, 0, 0).unwrap();
        assert_eq!(period(at), 202611);
        assert_eq!(
            next_period_start(at),
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
        );
        let december = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(
            next_period_start(december),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
    }
}
