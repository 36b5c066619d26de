//! An organization's PII policy as stored (`pii_policies`; no row means off), compiled once
//! and cached per process. A change is announced on the bus ([`TOPIC`]) and drops the cached
//! entry in every process; as a bound on a lost notice, an entry older than [`RECHECK`] is
//! compared with the row's `version` before it is used again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::{Masker, PiiError, PiiKind, PiiMode, PiiPolicy};
use crate::events::{EventBus, RECONNECTED_TOPIC};
use entities::pii_policy;

/// Plain topic: the id of an organization whose policy changed.
pub const TOPIC: &str = "pii.policy";
/// How long a cached policy is used without looking at its row's version.
pub const RECHECK: Duration = Duration::from_secs(30);

/// An organization's policy, compiled.
#[derive(Debug)]
pub struct OrgPii {
    pub policy: PiiPolicy,
    pub mask_dataset_items: bool,
    /// The row's version (0 without a row).
    pub version: i32,
    pub masker: Masker,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("reading the PII policy: {0}")]
    Db(#[from] DbErr),
    #[error("the stored PII policy is invalid: {0}")]
    Invalid(#[from] PiiError),
}

impl OrgPii {
    /// The policy of an organization without a row: off, every built-in detector.
    pub fn off() -> Result<Self, PiiError> {
        let policy = PiiPolicy::default();
        Ok(Self {
            masker: Masker::new(&policy)?,
            policy,
            mask_dataset_items: false,
            version: 0,
        })
    }

    pub fn mode(&self) -> PiiMode {
        self.policy.mode
    }

    /// Whether stored values (variables, messages, audit summaries) are masked.
    pub fn masks_storage(&self) -> bool {
        self.policy.mode != PiiMode::Off
    }

    /// A stored text (an error, a rendered input, a message) as this policy stores it:
    /// masked unless the policy is off.
    pub fn for_storage(&self, text: &str) -> String {
        if self.masks_storage() {
            self.masker.redact(text)
        } else {
            text.to_owned()
        }
    }

    /// A stored output as this policy stores it: masked before storage; before the provider
    /// outputs are stored with their values restored, and off as they are.
    pub fn output_for_storage(&self, text: &str) -> String {
        if self.policy.mode == PiiMode::BeforeStorage {
            self.masker.redact(text)
        } else {
            text.to_owned()
        }
    }

    /// Compiles a stored row.
    pub fn from_row(row: &pii_policy::Model) -> Result<Self, PolicyError> {
        let policy = PiiPolicy {
            mode: parse_mode(&row.mode).ok_or_else(|| {
                PiiError::Internal(format!("unknown stored PII mode {:?}", row.mode))
            })?,
            kinds: serde_json::from_value::<Vec<PiiKind>>(row.kinds.clone())
                .map_err(|e| PiiError::Internal(format!("stored detectors: {e}")))?,
            custom: serde_json::from_value(row.custom.clone())
                .map_err(|e| PiiError::Internal(format!("stored custom patterns: {e}")))?,
        };
        Ok(Self {
            masker: Masker::new(&policy)?,
            policy,
            mask_dataset_items: row.mask_dataset_items,
            version: row.version,
        })
    }
}

/// The stored (and API) name of a mode.
pub fn mode_name(mode: PiiMode) -> &'static str {
    match mode {
        PiiMode::Off => "off",
        PiiMode::BeforeStorage => "mask_before_storage",
        PiiMode::BeforeProvider => "mask_before_provider",
    }
}

pub fn parse_mode(name: &str) -> Option<PiiMode> {
    [
        PiiMode::Off,
        PiiMode::BeforeStorage,
        PiiMode::BeforeProvider,
    ]
    .into_iter()
    .find(|m| mode_name(*m) == name)
}

struct Cached {
    pii: Arc<OrgPii>,
    checked: Instant,
}

/// The per-process cache of compiled policies.
pub struct PiiPolicies {
    cache: Mutex<HashMap<Uuid, Cached>>,
    /// Set for a step without a database (tests of the step alone): every organization off.
    disabled: bool,
}

impl std::fmt::Debug for PiiPolicies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiiPolicies").finish_non_exhaustive()
    }
}

impl Default for PiiPolicies {
    fn default() -> Self {
        Self::new()
    }
}

impl PiiPolicies {
    pub fn new() -> Self {
        Self {
            cache: Mutex::new(HashMap::new()),
            disabled: false,
        }
    }

    /// Every organization off, nothing read: for a completion step used without the
    /// application's database.
    pub fn disabled() -> Self {
        Self {
            disabled: true,
            ..Self::new()
        }
    }

    /// The organization's policy: cached, or read and compiled.
    pub async fn of(
        &self,
        conn: &impl ConnectionTrait,
        org: Uuid,
    ) -> Result<Arc<OrgPii>, PolicyError> {
        if self.disabled {
            return Ok(Arc::new(OrgPii::off()?));
        }
        let cached = self.cached(org);
        if let Some((pii, true)) = &cached {
            return Ok(pii.clone());
        }
        let row =
            crate::db_error::retried(|| pii_policy::Entity::find_by_id(org).one(conn)).await?;
        let version = row.as_ref().map_or(0, |r| r.version);
        let pii = match (cached, row) {
            (Some((pii, _)), _) if pii.version == version => pii,
            (_, Some(row)) => Arc::new(OrgPii::from_row(&row)?),
            (_, None) => Arc::new(OrgPii::off()?),
        };
        self.lock().insert(
            org,
            Cached {
                pii: pii.clone(),
                checked: Instant::now(),
            },
        );
        Ok(pii)
    }

    /// The cached entry and whether it is fresh enough to use without a look at the row.
    fn cached(&self, org: Uuid) -> Option<(Arc<OrgPii>, bool)> {
        self.lock()
            .get(&org)
            .map(|c| (c.pii.clone(), c.checked.elapsed() < RECHECK))
    }

    /// Drops an organization's entry: the next use reads the row.
    pub fn invalidate(&self, org: Uuid) {
        self.lock().remove(&org);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Cached>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops entries as other processes announce changes (and all of them after the bus
    /// reconnected: notices may have been missed meanwhile).
    pub fn watch(self: &Arc<Self>, bus: &EventBus) {
        let weak = Arc::downgrade(self);
        let notices = bus.subscribe(TOPIC);
        let reconnects = bus.subscribe(RECONNECTED_TOPIC);
        tokio::spawn(async move {
            let mut events =
                futures_util::stream::select(notices.map(Some), reconnects.map(|_| None));
            while let Some(event) = events.next().await {
                let Some(policies) = weak.upgrade() else {
                    return;
                };
                match event.and_then(|org| org.parse::<Uuid>().ok()) {
                    Some(org) => policies.invalidate(org),
                    None => policies.lock().clear(),
                }
            }
        });
    }
}

/// Applies a committed change here at once, then tells the other processes.
pub async fn announce(policies: &PiiPolicies, bus: &EventBus, org: Uuid) {
    policies.invalidate(org);
    if let Err(error) = bus.publish(TOPIC, &org.to_string()).await {
        tracing::warn!(%error, %org, "could not announce a PII policy change; others re-check within seconds");
    }
}
