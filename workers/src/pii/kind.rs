//! The kinds of PII the detectors find, with their placeholder labels.

use serde::{Deserialize, Serialize};

/// A kind of finding. `Custom` findings carry their pattern's name in the [`super::Finding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Email,
    Phone,
    Card,
    Iban,
    Ssn,
    Ip,
    Secret,
    Custom,
}

impl PiiKind {
    /// Every built-in kind (all but `Custom`).
    pub const BUILT_IN: [PiiKind; 7] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::Card,
        PiiKind::Iban,
        PiiKind::Ssn,
        PiiKind::Ip,
        PiiKind::Secret,
    ];

    /// The label inside placeholders: `[EMAIL_1]`.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "EMAIL",
            PiiKind::Phone => "PHONE",
            PiiKind::Card => "CARD",
            PiiKind::Iban => "IBAN",
            PiiKind::Ssn => "SSN",
            PiiKind::Ip => "IP",
            PiiKind::Secret => "SECRET",
            PiiKind::Custom => "CUSTOM",
        }
    }

    /// The name used in the corpus and in policies (`"email"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::Card => "card",
            PiiKind::Iban => "iban",
            PiiKind::Ssn => "ssn",
            PiiKind::Ip => "ip",
            PiiKind::Secret => "secret",
            PiiKind::Custom => "custom",
        }
    }

    /// When two findings of the same length overlap, the lower rank wins: a checksum-verified
    /// kind beats a shape-only one.
    pub(crate) fn rank(self) -> u8 {
        match self {
            PiiKind::Secret => 0,
            PiiKind::Card => 1,
            PiiKind::Iban => 2,
            PiiKind::Ssn => 3,
            PiiKind::Email => 4,
            PiiKind::Ip => 5,
            PiiKind::Phone => 6,
            PiiKind::Custom => 7,
        }
    }
}
