//! An organization's PII masking policy: read it (any member), change it (`pii_policy:manage`,
//! audited, announced so every process drops its cached copy). Custom patterns are compiled
//! when saved: an invalid one, or one whose compiled program exceeds the size limit (the
//! regex engine matches in linear time, so size is what makes a pattern slow), is
//! BAD_USER_INPUT.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;
use workers::pii::store::{self, OrgPii, mode_name};
use workers::pii::{CustomPattern, Masker, PiiKind, PiiMode, PiiPolicy};

use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::{RequestContext, UnitOfWork};
use crate::state::App;
use entities::pii_policy;

/// An organization's policy as stored; the default (off, every detector) without a row.
pub struct StoredPolicy {
    pub policy: PiiPolicy,
    pub mask_dataset_items: bool,
    /// 0 until the policy is first set.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
}

pub struct PolicyInput {
    pub org: Uuid,
    pub mode: PiiMode,
    /// The built-in detectors that run (`Custom` is not one: custom patterns always run).
    pub kinds: Vec<PiiKind>,
    pub custom: Vec<CustomPattern>,
    pub mask_dataset_items: bool,
}

fn stored(row: Option<pii_policy::Model>) -> AppResult<StoredPolicy> {
    let Some(row) = row else {
        return Ok(StoredPolicy {
            policy: PiiPolicy::default(),
            mask_dataset_items: false,
            version: 0,
            updated_at: None,
        });
    };
    let compiled = OrgPii::from_row(&row).map_err(AppError::internal)?;
    Ok(StoredPolicy {
        policy: compiled.policy,
        mask_dataset_items: row.mask_dataset_items,
        version: row.version,
        updated_at: Some(row.updated_at),
    })
}

/// The organization's policy (needs `organization:read`).
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
) -> AppResult<StoredPolicy> {
    authz
        .require(actor, org, permissions::ORGANIZATION_READ)
        .await?;
    stored(pii_policy::Entity::find_by_id(org).one(conn).await?)
}

/// Checks the input and compiles it (so a stored policy always compiles).
fn validate(input: &PolicyInput) -> AppResult<PiiPolicy> {
    if input.kinds.contains(&PiiKind::Custom) {
        return Err(AppError::validation(
            "detectors lists built-in detectors; custom patterns go in customPatterns",
        ));
    }
    let mut kinds = input.kinds.clone();
    kinds.sort();
    kinds.dedup();
    let mut names: Vec<String> = input
        .custom
        .iter()
        .map(|c| c.name.to_ascii_uppercase())
        .collect();
    names.sort();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Err(AppError::validation(
            "custom pattern names must be unique (case-insensitively)",
        ));
    }
    if let Some(clash) = input.custom.iter().find(|c| {
        PiiKind::BUILT_IN
            .iter()
            .any(|k| k.label().eq_ignore_ascii_case(&c.name))
    }) {
        return Err(AppError::validation(format!(
            "custom pattern name {:?} is a built-in detector's",
            clash.name
        )));
    }
    let policy = PiiPolicy {
        mode: input.mode,
        kinds,
        custom: input.custom.clone(),
    };
    Masker::new(&policy).map_err(|e| AppError::validation(e.to_string()))?;
    Ok(policy)
}

/// Replaces the organization's policy (needs `pii_policy:manage`). After the commit, every
/// process drops its cached copy; runs already queued use the new policy when they start.
#[instrument(skip_all, fields(org = %input.org))]
pub async fn set_policy(
    app: &App,
    request: &RequestContext,
    actor: &Actor,
    input: PolicyInput,
) -> AppResult<StoredPolicy> {
    app.authz
        .require(actor, input.org, permissions::PII_POLICY_MANAGE)
        .await?;
    let policy = validate(&input)?;
    let org = input.org;
    let mut work = UnitOfWork::begin(app, request).await?;
    let current = pii_policy::Entity::find_by_id(org).one(&work.txn).await?;
    let version = current.as_ref().map_or(0, |r| r.version) + 1;
    let row = pii_policy::ActiveModel {
        org_id: Set(org),
        mode: Set(mode_name(policy.mode).to_owned()),
        kinds: Set(json!(policy.kinds)),
        custom: Set(json!(policy.custom)),
        mask_dataset_items: Set(input.mask_dataset_items),
        version: Set(version),
        updated_by: Set(match actor {
            Actor::User { id } => Some(*id),
            Actor::ApiKey { .. } => None,
        }),
        updated_at: Set(Utc::now()),
    };
    let saved = match current {
        Some(_) => row.update(&work.txn).await?,
        None => row.insert(&work.txn).await?,
    };
    // Pattern sources are configuration, not user data: the audit keeps them.
    let entry = AuditEntry::new(Some(org), "pii_policy.set", "organization", org).summary(json!({
        "mode": saved.mode,
        "detectors": saved.kinds,
        "customPatterns": saved.custom,
        "maskDatasetItems": saved.mask_dataset_items,
        "version": saved.version,
    }));
    work.audit(Some(actor), entry).await?;
    work.after_commit(move |app| {
        Box::pin(async move {
            store::announce(&app.runtime.ctx.completion.pii, &app.bus, org).await;
        })
    });
    work.commit().await?;
    stored(Some(saved))
}
