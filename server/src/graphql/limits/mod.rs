//! An organization's limits and usage: `Organization.limits`, `Organization.usage`, and
//! `setOrganizationLimits` for owners.

pub mod mutation;

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::service::limits::quotas::Usage;
use crate::service::limits::settings::Ceilings;
use crate::service::limits::{Enforcement, Limits};

/// How a monthly quota is enforced.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum QuotaEnforcement {
    /// Past the quota, refused with QUOTA_EXCEEDED (`retryAfter`: seconds to the next month).
    Hard,
    /// Past the quota, allowed; a `quota.exceeded` audit event once a month.
    Soft,
}

impl From<Enforcement> for QuotaEnforcement {
    fn from(e: Enforcement) -> Self {
        match e {
            Enforcement::Hard => QuotaEnforcement::Hard,
            Enforcement::Soft => QuotaEnforcement::Soft,
        }
    }
}

impl From<QuotaEnforcement> for Enforcement {
    fn from(e: QuotaEnforcement) -> Self {
        match e {
            QuotaEnforcement::Hard => Enforcement::Hard,
            QuotaEnforcement::Soft => Enforcement::Soft,
        }
    }
}

/// The limits in force for an organization (0 is unlimited).
#[derive(SimpleObject)]
pub struct OrganizationLimits {
    /// GraphQL requests per minute in the organization, all callers together.
    pub requests_per_minute: i64,
    /// GraphQL requests per minute of each of its API keys.
    pub api_key_requests_per_minute: i64,
    /// Executions (`executePrompt`) per calendar month, UTC.
    pub monthly_executions: i64,
    /// Provider tokens (in + out) of finished executions, workflow nodes and evaluation items
    /// per calendar month, UTC.
    pub monthly_tokens: i64,
    pub executions_enforcement: QuotaEnforcement,
    pub tokens_enforcement: QuotaEnforcement,
    /// The most an owner may set, from the server's configuration.
    pub ceilings: LimitCeilings,
}

/// The most an owner may set for each limit (0: no ceiling, unlimited allowed).
#[derive(SimpleObject)]
pub struct LimitCeilings {
    pub requests_per_minute: i64,
    pub api_key_requests_per_minute: i64,
    pub monthly_executions: i64,
    pub monthly_tokens: i64,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl OrganizationLimits {
    pub fn new(limits: Limits, config: &Config) -> Self {
        let ceilings = Ceilings::of(config);
        Self {
            requests_per_minute: limits.requests_per_minute.into(),
            api_key_requests_per_minute: limits.api_key_requests_per_minute.into(),
            monthly_executions: int(limits.monthly_executions),
            monthly_tokens: int(limits.monthly_tokens),
            executions_enforcement: limits.executions_enforcement.into(),
            tokens_enforcement: limits.tokens_enforcement.into(),
            ceilings: LimitCeilings {
                requests_per_minute: ceilings.requests_per_minute.into(),
                api_key_requests_per_minute: ceilings.api_key_requests_per_minute.into(),
                monthly_executions: int(ceilings.monthly_executions),
                monthly_tokens: int(ceilings.monthly_tokens),
            },
        }
    }
}

/// What an organization used this month (UTC), against its quotas.
#[derive(SimpleObject)]
pub struct OrganizationUsage {
    /// The month, `YYYY-MM`.
    pub period: String,
    pub period_start: DateTime<Utc>,
    /// When the monthly quotas start again.
    pub resets_at: DateTime<Utc>,
    pub executions: i64,
    pub tokens: i64,
    /// Executions left this month; null when unlimited. 0 under a SOFT quota that is passed.
    pub executions_remaining: Option<i64>,
    pub tokens_remaining: Option<i64>,
}

impl OrganizationUsage {
    pub fn new(usage: Usage, limits: &Limits) -> Self {
        let remaining =
            |limit: u64, used: u64| (limit > 0).then(|| int(limit.saturating_sub(used)));
        Self {
            period: format!("{}-{:02}", usage.period / 100, usage.period % 100),
            period_start: usage.starts_at,
            resets_at: usage.resets_at,
            executions: int(usage.executions),
            tokens: int(usage.tokens),
            executions_remaining: remaining(limits.monthly_executions, usage.executions),
            tokens_remaining: remaining(limits.monthly_tokens, usage.tokens),
        }
    }
}
