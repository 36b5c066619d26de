//! An organization's PII policy: when masking applies, which detectors run, and its custom
//! patterns (validated and compiled once, size-limited).

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::{PiiError, PiiKind, Result};

/// Most custom patterns one organization may define.
pub const MAX_CUSTOM_PATTERNS: usize = 32;
/// Longest custom pattern source accepted.
pub const MAX_PATTERN_LEN: usize = 1_000;
/// Compiled-size limit per custom pattern, so one pattern cannot take the worker's memory.
const COMPILED_SIZE_LIMIT: usize = 1 << 20;

/// Where masking applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiMode {
    /// No masking.
    #[default]
    Off,
    /// Values are stored redacted; the provider sees the originals.
    BeforeStorage,
    /// The provider sees placeholders, restored in the output the user sees; stored redacted.
    BeforeProvider,
}

/// A custom detector: a name (the placeholder label, upper-cased) and a regex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomPattern {
    pub name: String,
    pub pattern: String,
}

/// What an organization asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PiiPolicy {
    pub mode: PiiMode,
    /// Built-in detectors that run (`Custom` here is ignored; custom patterns always run).
    pub kinds: Vec<PiiKind>,
    #[serde(default)]
    pub custom: Vec<CustomPattern>,
}

impl Default for PiiPolicy {
    fn default() -> Self {
        Self {
            mode: PiiMode::Off,
            kinds: PiiKind::BUILT_IN.to_vec(),
            custom: Vec::new(),
        }
    }
}

/// A custom pattern after validation.
#[derive(Debug, Clone)]
pub(crate) struct CompiledCustom {
    pub label: String,
    pub regex: Regex,
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    (1..=32).contains(&name.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl CustomPattern {
    pub(crate) fn compile(&self) -> Result<CompiledCustom> {
        if !valid_name(&self.name) {
            return Err(PiiError::InvalidName(self.name.clone()));
        }
        let invalid = |reason: String| PiiError::InvalidPattern {
            name: self.name.clone(),
            reason,
        };
        if self.pattern.is_empty() || self.pattern.len() > MAX_PATTERN_LEN {
            return Err(invalid(format!("must be 1-{MAX_PATTERN_LEN} characters")));
        }
        let regex = RegexBuilder::new(&self.pattern)
            .size_limit(COMPILED_SIZE_LIMIT)
            .dfa_size_limit(COMPILED_SIZE_LIMIT)
            .nest_limit(64)
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        if regex.is_match("") {
            return Err(invalid("matches the empty string".into()));
        }
        Ok(CompiledCustom {
            label: self.name.to_ascii_uppercase(),
            regex,
        })
    }
}

/// Validates and compiles every custom pattern of a policy.
pub(crate) fn compile_custom(patterns: &[CustomPattern]) -> Result<Vec<CompiledCustom>> {
    if patterns.len() > MAX_CUSTOM_PATTERNS {
        return Err(PiiError::TooManyPatterns {
            max: MAX_CUSTOM_PATTERNS,
        });
    }
    patterns.iter().map(CustomPattern::compile).collect()
}
