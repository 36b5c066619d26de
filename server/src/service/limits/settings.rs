//! The limits in force for an organization: what its owner set (`organization_limits`), the
//! configured defaults for the rest, everything kept within the configured ceilings.

use async_graphql::MaybeUndefined;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use entities::organization_limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// Past the quota, refused with QUOTA_EXCEEDED until the month ends.
    Hard,
    /// Past the quota, allowed; a `quota.exceeded` audit event once a month.
    Soft,
}

impl Enforcement {
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Hard => "HARD",
            Enforcement::Soft => "SOFT",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "HARD" => Some(Enforcement::Hard),
            "SOFT" => Some(Enforcement::Soft),
            _ => None,
        }
    }

    fn configured(config: &Config) -> Self {
        Self::parse(&config.quota_enforcement).unwrap_or(Enforcement::Hard)
    }
}

/// The limits in force; 0 is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub requests_per_minute: u32,
    pub api_key_requests_per_minute: u32,
    pub monthly_executions: u64,
    pub monthly_tokens: u64,
    pub executions_enforcement: Enforcement,
    pub tokens_enforcement: Enforcement,
}

/// The most an owner may set; 0 is no ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceilings {
    pub requests_per_minute: u32,
    pub api_key_requests_per_minute: u32,
    pub monthly_executions: u64,
    pub monthly_tokens: u64,
}

impl Ceilings {
    pub fn of(config: &Config) -> Self {
        Self {
            requests_per_minute: config.org_requests_per_minute_max,
            api_key_requests_per_minute: config.api_key_requests_per_minute_max,
            monthly_executions: config.monthly_executions_max,
            monthly_tokens: config.monthly_tokens_max,
        }
    }
}

/// `value` within `ceiling`: unlimited (0) or more than the ceiling becomes the ceiling.
fn within(value: u64, ceiling: u64) -> u64 {
    if ceiling != 0 && (value == 0 || value > ceiling) {
        ceiling
    } else {
        value
    }
}

fn within32(value: u32, ceiling: u32) -> u32 {
    u32::try_from(within(u64::from(value), u64::from(ceiling))).unwrap_or(ceiling)
}

/// The limits in force given what the owner set (if anything). A ceiling lowered after a
/// value was set applies at once.
pub fn effective(config: &Config, set: Option<&organization_limits::Model>) -> Limits {
    let ceilings = Ceilings::of(config);
    let rpm =
        |own: Option<i32>, default: u32| own.and_then(|v| u32::try_from(v).ok()).unwrap_or(default);
    let monthly =
        |own: Option<i64>, default: u64| own.and_then(|v| u64::try_from(v).ok()).unwrap_or(default);
    let enforcement = |own: Option<&str>| {
        own.and_then(Enforcement::parse)
            .unwrap_or_else(|| Enforcement::configured(config))
    };
    Limits {
        requests_per_minute: within32(
            rpm(
                set.and_then(|s| s.requests_per_minute),
                config.org_requests_per_minute,
            ),
            ceilings.requests_per_minute,
        ),
        api_key_requests_per_minute: within32(
            rpm(
                set.and_then(|s| s.api_key_requests_per_minute),
                config.api_key_requests_per_minute,
            ),
            ceilings.api_key_requests_per_minute,
        ),
        monthly_executions: within(
            monthly(
                set.and_then(|s| s.monthly_executions),
                config.monthly_executions,
            ),
            ceilings.monthly_executions,
        ),
        monthly_tokens: within(
            monthly(set.and_then(|s| s.monthly_tokens), config.monthly_tokens),
            ceilings.monthly_tokens,
        ),
        executions_enforcement: enforcement(set.map(|s| s.executions_enforcement.as_str())),
        tokens_enforcement: enforcement(set.map(|s| s.tokens_enforcement.as_str())),
    }
}

/// The limits in force for `org`, read now.
pub async fn read(conn: &impl ConnectionTrait, config: &Config, org: Uuid) -> AppResult<Limits> {
    let set = organization_limits::Entity::find_by_id(org)
        .one(conn)
        .await?;
    Ok(effective(config, set.as_ref()))
}

/// The limits in force for `org`, for a caller with `organization:read` there.
pub async fn read_authorized(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    config: &Config,
    actor: &Actor,
    org: Uuid,
) -> AppResult<Limits> {
    authz
        .require(actor, org, permissions::ORGANIZATION_READ)
        .await?;
    read(conn, config, org).await
}

/// A change to an organization's limits: each field left undefined stays as it is, one set to
/// null goes back to the configured default.
#[derive(Debug, Default)]
pub struct LimitsChange {
    pub requests_per_minute: MaybeUndefined<i64>,
    pub api_key_requests_per_minute: MaybeUndefined<i64>,
    pub monthly_executions: MaybeUndefined<i64>,
    pub monthly_tokens: MaybeUndefined<i64>,
    pub executions_enforcement: Option<Enforcement>,
    pub tokens_enforcement: Option<Enforcement>,
}

/// A value an owner asks for: 0 (unlimited) up to the ceiling — and only from 1 up to it when
/// there is one. BAD_USER_INPUT otherwise.
fn checked(field: &str, value: i64, ceiling: u64, max: u64) -> AppResult<i64> {
    let refuse = |why: String| Err(AppError::Validation(format!("{field} {why}")));
    let Ok(unsigned) = u64::try_from(value) else {
        return refuse("must not be negative".into());
    };
    if ceiling != 0 && unsigned == 0 {
        return refuse(format!(
            "cannot be 0 (unlimited): the configured ceiling is {ceiling}"
        ));
    }
    if ceiling != 0 && unsigned > ceiling {
        return refuse(format!(
            "must be at most {ceiling} (the configured ceiling)"
        ));
    }
    if unsigned > max {
        return refuse(format!("must be at most {max}"));
    }
    Ok(value)
}

fn apply<T>(
    current: Option<T>,
    change: &MaybeUndefined<i64>,
    check: impl FnOnce(i64) -> AppResult<T>,
) -> AppResult<Option<T>> {
    Ok(match change {
        MaybeUndefined::Undefined => current,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(v) => Some(check(*v)?),
    })
}

/// Writes `change` over what `org` has set (the caller authorized it). Returns the row.
pub async fn write(
    conn: &impl ConnectionTrait,
    config: &Config,
    org: Uuid,
    change: &LimitsChange,
) -> AppResult<organization_limits::Model> {
    let ceilings = Ceilings::of(config);
    let existing = organization_limits::Entity::find_by_id(org)
        .one(conn)
        .await?;
    let in_force = effective(config, existing.as_ref());
    let rpm = |field: &'static str, ceiling: u32| {
        move |v: i64| -> AppResult<i32> {
            let v = checked(field, v, u64::from(ceiling), i32::MAX as u64)?;
            i32::try_from(v).map_err(|_| AppError::validation(format!("{field} is too large")))
        }
    };
    let monthly = |field: &'static str, ceiling: u64| {
        move |v: i64| checked(field, v, ceiling, i64::MAX as u64)
    };
    let requests_per_minute = apply(
        existing.as_ref().and_then(|e| e.requests_per_minute),
        &change.requests_per_minute,
        rpm("requestsPerMinute", ceilings.requests_per_minute),
    )?;
    let api_key_requests_per_minute = apply(
        existing
            .as_ref()
            .and_then(|e| e.api_key_requests_per_minute),
        &change.api_key_requests_per_minute,
        rpm(
            "apiKeyRequestsPerMinute",
            ceilings.api_key_requests_per_minute,
        ),
    )?;
    let monthly_executions = apply(
        existing.as_ref().and_then(|e| e.monthly_executions),
        &change.monthly_executions,
        monthly("monthlyExecutions", ceilings.monthly_executions),
    )?;
    let monthly_tokens = apply(
        existing.as_ref().and_then(|e| e.monthly_tokens),
        &change.monthly_tokens,
        monthly("monthlyTokens", ceilings.monthly_tokens),
    )?;
    let executions_enforcement = change
        .executions_enforcement
        .unwrap_or(in_force.executions_enforcement);
    let tokens_enforcement = change
        .tokens_enforcement
        .unwrap_or(in_force.tokens_enforcement);
    let row = organization_limits::ActiveModel {
        org_id: Set(org),
        requests_per_minute: Set(requests_per_minute),
        api_key_requests_per_minute: Set(api_key_requests_per_minute),
        monthly_executions: Set(monthly_executions),
        monthly_tokens: Set(monthly_tokens),
        executions_enforcement: Set(executions_enforcement.as_str().to_owned()),
        tokens_enforcement: Set(tokens_enforcement.as_str().to_owned()),
        updated_at: Set(Utc::now()),
    };
    let saved = if existing.is_some() {
        row.update(conn).await?
    } else {
        row.insert(conn).await?
    };
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_bound_defaults_and_unlimited_values() {
        assert_eq!(within(0, 100), 100);
        assert_eq!(within(500, 100), 100);
        assert_eq!(within(50, 100), 50);
        assert_eq!(within(0, 0), 0);
        assert_eq!(within(500, 0), 500);
    }

    #[test]
    fn owners_values_are_checked_against_the_ceiling() {
        assert!(checked("x", 100, 100, u64::MAX).is_ok());
        assert!(matches!(
            checked("x", 101, 100, u64::MAX),
            Err(AppError::Validation(_))
        ));
        assert!(matches!(
            checked("x", 0, 100, u64::MAX),
            Err(AppError::Validation(_))
        ));
        assert!(checked("x", 0, 0, u64::MAX).is_ok());
        assert!(matches!(
            checked("x", -1, 0, u64::MAX),
            Err(AppError::Validation(_))
        ));
    }
}
