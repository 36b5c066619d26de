//! PII detection and masking: the detectors (`detect`, with the checksums in `checks`), an
//! organization's policy and its custom patterns (`policy`), and the [`Masker`] that replaces
//! findings by stable placeholders and puts the originals back (`masker`, `restore`).
//!
//! Pure of the database and the API: a caller builds a [`Masker`] from the organization's
//! [`PiiPolicy`] once, opens a [`MaskSession`] per execution (so the same value gets the same
//! placeholder in every message of that execution), masks what goes to the provider and
//! restores the answer.
//!
//! Wiring: `store` reads an organization's policy from the database and caches it compiled
//! (invalidated over the event bus, re-checked by version); `vault` keeps one execution's
//! placeholder map sealed while it runs; the completion step masks what goes to the provider
//! and what its token sink receives (`crate::completion::masking`).

mod checks;
mod detect;
mod kind;
mod masker;
mod policy;
mod restore;
pub mod store;
mod stream;
pub mod vault;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;

pub use checks::{iban_checksum_ok, luhn_ok};
pub use detect::{Detector, Finding};
pub use kind::PiiKind;
pub use masker::{MaskSession, Masked, MaskedFinding, Masker};
pub use policy::{CustomPattern, PiiMode, PiiPolicy};
pub use restore::StreamRestorer;
pub use store::{OrgPii, PiiPolicies};
pub use stream::StreamMasker;

/// Why a policy cannot be turned into a [`Masker`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PiiError {
    #[error("custom pattern {name:?}: {reason}")]
    InvalidPattern { name: String, reason: String },
    #[error("custom pattern name {0:?} must be 1-32 letters, digits or _ and start with a letter")]
    InvalidName(String),
    #[error("at most {max} custom patterns are allowed")]
    TooManyPatterns { max: usize },
    #[error("built-in detector failed to compile: {0}")]
    Internal(String),
}

pub type Result<T, E = PiiError> = std::result::Result<T, E>;
