//! The PII policy's GraphQL types, converted from and to the library's.

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use workers::pii::{CustomPattern, PiiKind, PiiMode};

use crate::service::pii::StoredPolicy;

/// When values are masked.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PiiMaskingMode {
    /// Nothing is masked.
    Off,
    /// Stored variables, messages, outputs, token events and audit summaries are masked; the
    /// provider gets the real values.
    MaskBeforeStorage,
    /// The provider gets placeholders (stable within a run), restored in the output the user
    /// sees; stored variables and messages are masked.
    MaskBeforeProvider,
}

/// A built-in detector.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PiiDetector {
    Email,
    Phone,
    /// Card numbers that pass the Luhn check.
    Card,
    /// IBANs that pass the mod-97 check.
    Iban,
    /// US social security numbers in issued ranges.
    Ssn,
    /// IPv4 and IPv6 addresses.
    Ip,
    /// API keys of common providers (OpenAI, Anthropic, AWS, GitHub, Slack, Google, Stripe,
    /// PromptOps).
    Secret,
}

impl From<PiiMaskingMode> for PiiMode {
    fn from(m: PiiMaskingMode) -> Self {
        match m {
            PiiMaskingMode::Off => PiiMode::Off,
            PiiMaskingMode::MaskBeforeStorage => PiiMode::BeforeStorage,
            PiiMaskingMode::MaskBeforeProvider => PiiMode::BeforeProvider,
        }
    }
}

impl From<PiiMode> for PiiMaskingMode {
    fn from(m: PiiMode) -> Self {
        match m {
            PiiMode::Off => PiiMaskingMode::Off,
            PiiMode::BeforeStorage => PiiMaskingMode::MaskBeforeStorage,
            PiiMode::BeforeProvider => PiiMaskingMode::MaskBeforeProvider,
        }
    }
}

impl From<PiiDetector> for PiiKind {
    fn from(d: PiiDetector) -> Self {
        match d {
            PiiDetector::Email => PiiKind::Email,
            PiiDetector::Phone => PiiKind::Phone,
            PiiDetector::Card => PiiKind::Card,
            PiiDetector::Iban => PiiKind::Iban,
            PiiDetector::Ssn => PiiKind::Ssn,
            PiiDetector::Ip => PiiKind::Ip,
            PiiDetector::Secret => PiiKind::Secret,
        }
    }
}

fn detector_of(kind: PiiKind) -> Option<PiiDetector> {
    Some(match kind {
        PiiKind::Email => PiiDetector::Email,
        PiiKind::Phone => PiiDetector::Phone,
        PiiKind::Card => PiiDetector::Card,
        PiiKind::Iban => PiiDetector::Iban,
        PiiKind::Ssn => PiiDetector::Ssn,
        PiiKind::Ip => PiiDetector::Ip,
        PiiKind::Secret => PiiDetector::Secret,
        PiiKind::Custom => return None,
    })
}

/// A custom detector: its values are replaced by `[NAME_n]`.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "PiiCustomPatternInput")]
pub struct PiiCustomPattern {
    /// 1-32 letters, digits or `_`, starting with a letter; upper-cased in placeholders.
    pub name: String,
    /// A regular expression (Rust `regex` syntax; linear-time matching, size-limited).
    pub pattern: String,
}

/// An organization's PII masking policy.
#[derive(SimpleObject)]
pub struct PiiPolicy {
    pub mode: PiiMaskingMode,
    /// The built-in detectors that run.
    pub detectors: Vec<PiiDetector>,
    /// Custom detectors, run in addition.
    pub custom_patterns: Vec<PiiCustomPattern>,
    /// Dataset items are masked when imported.
    pub mask_dataset_items: bool,
    /// Bumped on every change; 0 until the policy is first set.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<StoredPolicy> for PiiPolicy {
    fn from(s: StoredPolicy) -> Self {
        Self {
            mode: s.policy.mode.into(),
            detectors: s.policy.kinds.into_iter().filter_map(detector_of).collect(),
            custom_patterns: s
                .policy
                .custom
                .into_iter()
                .map(|c| PiiCustomPattern {
                    name: c.name,
                    pattern: c.pattern,
                })
                .collect(),
            mask_dataset_items: s.mask_dataset_items,
            version: s.version,
            updated_at: s.updated_at,
        }
    }
}

impl From<PiiCustomPattern> for CustomPattern {
    fn from(c: PiiCustomPattern) -> Self {
        Self {
            name: c.name,
            pattern: c.pattern,
        }
    }
}

#[derive(InputObject)]
pub struct PiiPolicyInput {
    pub mode: PiiMaskingMode,
    /// The built-in detectors that run; all of them when absent.
    pub detectors: Option<Vec<PiiDetector>>,
    /// At most 32; each is compiled when saved (invalid or too large: BAD_USER_INPUT).
    #[graphql(default)]
    pub custom_patterns: Vec<PiiCustomPattern>,
    /// Mask dataset items when they are imported.
    #[graphql(default)]
    pub mask_dataset_items: bool,
}
